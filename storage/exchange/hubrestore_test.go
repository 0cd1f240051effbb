package exchange

// A hub restored from its backup (kommune on SQLite, or PostgreSQL from a
// dump) holds fewer ops than a file it sealed before. A laptop that read
// that file must still take the restored hub's next files as current (they
// are made later), or it would no longer set aside its own changes the hub
// refuses, and every file it writes would be refused at the hub whole: the
// laptop stuck by stick (found by a review of bundle.go newestHubFile,
// which first ordered files by their number of ops alone).

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

func TestHubRestoredFromBackupStillJudges(t *testing.T) { hubRestored(t, false) }

// The control: without the mark b holds from the file before the restore,
// the same file sets b's line aside and b's next file goes through.
func TestHubRestoredControlWithoutMark(t *testing.T) { hubRestored(t, true) }

func hubRestored(t *testing.T, forget bool) {
	ctx := context.Background()
	h, council, a, b := twoLaptops(t, "Jyderup", 0)
	m := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: now}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &m))
	it := model.AgendaItem{CouncilID: council, MeetingID: m.ID, Title: "Sti", Kind: model.ItemDecision, Notes: "L1\n"}
	ok(t, a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	syncOK(t, a)
	syncOK(t, b)
	// The hub's nightly backup.
	backup := filepath.Join(t.TempDir(), "hub-backup.db")
	ok(t, h.db.Backup(ctx, backup))
	// The hub takes more after it, and b reads a file of the hub's then.
	for _, name := range []string{"Åse", "Bo", "Carl", "Dorte", "Eva"} {
		ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: name, Role: model.RoleMember}))
	}
	syncOK(t, a)
	_, _, err := cli.ImportBundle(ctx, bytes.NewReader(bundleOf(t, h.db, council)), b)
	ok(t, err)
	// The hub's disk fails: it is restored from the backup.
	path := h.db.Path()
	ok(t, h.db.Close())
	_, err = storage.Restore(ctx, path, backup)
	ok(t, err)
	hdb, err := storage.Open(ctx, path)
	ok(t, err)
	t.Cleanup(func() { hdb.Close() })
	hdb.Now = func() time.Time { return now.Add(time.Hour) }
	// The municipality approves the minutes on the restored hub; b,
	// offline, adds a line to them.
	approve(t, hdb, m.ID)
	l := noerr.Get(b.AgendaItem(t.Context(), it.ID))(t)
	x := l
	x.Notes = "L1\nB skrev\n"
	ok(t, b.SaveAgendaItem(t.Context(), l, &x))
	if forget {
		ok(t, b.SetMeta(ctx, metaHubFile+council, ""))
	}
	// b reads the restored hub's newest file: it brings the approval, so
	// b's line, which the hub will refuse, is set aside...
	_, got, err := cli.ImportBundleReport(ctx, bytes.NewReader(bundleOf(t, hdb, council)), b)
	ok(t, err)
	if len(got.SetAside) != 1 {
		t.Errorf("the restored hub's newest file set aside %+v, want b's line: the file counts fewer ops than one the hub sealed before its restore, and is taken as old", got.SetAside)
	}
	// ...and b's next file goes through at the hub.
	if _, _, err := cli.HubImportBundle(ctx, bytes.NewReader(bundleOf(t, b, council)), hdb, now.Add(time.Hour), storage.MaxClockSkew); err != nil {
		t.Errorf("b's next file is refused at the hub, whole: %v", err)
	}
}
