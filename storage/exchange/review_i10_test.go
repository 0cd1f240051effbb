package exchange

// An adversarial review of the merge's I10 (commit c63657a) over the
// hubs: the follow-up erasure a replica writes when its replay finds an
// erased name brought back by an offline edit.

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// offlineEditDuringErasure is TestOfflineEditDuringErasureLeavesNoName's
// start: a erases Karen Østergaard while b, offline, edits another line
// of the minutes that name her (erasedOffline); a syncs, then b once (its
// edit goes up, the erasure comes down; its own follow-up erasure waits
// for its next sync).
func offlineEditDuringErasure(t *testing.T, h *storeHub) (jy string, a, b *storage.DB, item string) {
	t.Helper()
	jy, a, b, item = erasedOffline(t, h)
	syncOK(t, a)
	syncOK(t, b)
	return jy, a, b, item
}

// erasedOffline is a council on h with laptops a and b and minutes that
// name Karen Østergaard; b edits their last line offline (not synced)
// and a erases her (not synced).
func erasedOffline(t *testing.T, h *storeHub) (jy string, a, b *storage.DB, item string) {
	t.Helper()
	jy = h.council("Jyderup Lokalråd")
	a, _ = h.laptop(t, "a", jy, 0)
	b, _ = h.laptop(t, "b", jy, time.Minute)
	m := model.Meeting{CouncilID: jy, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: now.Add(-24 * time.Hour)}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &m))
	it := model.AgendaItem{CouncilID: jy, MeetingID: m.ID, Title: "Stien", Kind: model.ItemDiscussion,
		Notes: "Linje 1\nKaren Østergaard kom\nLinje 3\nLinje 4\n"}
	ok(t, a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	syncOK(t, a)
	syncOK(t, b)
	ib := noerr.Get(b.AgendaItem(t.Context(), it.ID))(t)
	ib.Notes = strings.Replace(ib.Notes, "Linje 4", "B rettede linje 4", 1)
	ok(t, b.SaveAgendaItem(t.Context(), storage.Overwriting(t.Context(), b, ib), &ib))
	_, err := a.ErasePerson(t.Context(), jy, "Karen Østergaard")
	ok(t, err)
	return jy, a, b, it.ID
}

// holdsNoName fails t for each op of ops whose value names Karen
// Østergaard (where: whose ops they are).
func holdsNoName(t *testing.T, where string, ops []storage.Change) {
	t.Helper()
	for _, o := range ops {
		if s := fmt.Sprint(o.Value); strings.Contains(s, "Karen") || strings.Contains(s, "Østergaard") {
			t.Errorf("%s holds %q (%s.%s)", where, s, o.Table, o.Field)
		}
	}
}

// Finding: "the hub writes none" holds for the SQLite hub only. A
// PostgreSQL node's mirror (the SQLite replica its pages and bundles read,
// storage/exchange/mirror.go) is no hub to storage: when it pulls b's
// edit before b's own follow-up erasure arrives, its replay finds the
// name, and it writes an erasure of its own, as the node's staff device,
// which its next sync pushes into the store. Every node's mirror does so,
// on a page request from anyone (Refresh), and a mirror thrown away and
// made again does it again from the op log: the municipality's device
// authors erasures in a council's history that nobody at the municipality
// asked for.
func TestReviewI10MirrorWritesNoErasure(t *testing.T) {
	h := newStoreHub(t, storeKinds[1]) // postgres
	jy, _, _, _ := offlineEditDuringErasure(t, h)
	mir, err := OpenMirror(context.Background(), h.store.(MirrorStore), filepath.Join(t.TempDir(), "mirror.db"), "spejl", nil)
	ok(t, err)
	defer mir.Close()
	ok(t, mir.Sync(context.Background()))
	ok(t, mir.Sync(context.Background())) // pushes what the first wrote

	_, hubOps, err := cli.ReadBundle(bytes.NewReader(hubBundle(t, h.store, jy)))
	ok(t, err)
	for _, o := range hubOps {
		if o.Table == storage.ScrubTable && o.Device == mir.Device().Replica {
			t.Errorf("the node's mirror wrote an erasure into the council's history: %s %v", o.ID(), o.Value)
		}
	}
	pending, err := mir.DB.PendingOps(context.Background(), "", 100)
	ok(t, err)
	for _, o := range pending {
		t.Errorf("the mirror holds an unsent op of its own: %s %s %v", o.ID(), o.Table, o.Value)
	}
}

// A laptop that syncs only by USB stick: it reads the hub's file with the
// erasure after its own offline edit went in by an earlier file, erases
// the name brought back in its change log, and its next file is taken by
// the hub (not refused, nothing set aside); then no file of the hub's
// names the person.
func TestReviewI10StickLaptopFollowUpIsTaken(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy, a, b, item := erasedOffline(t, h)
		syncOK(t, a)

		// b from now on by stick only.
		toHub := func() {
			var buf bytes.Buffer
			_, err := cli.WriteBundle(context.Background(), &buf, b, jy)
			ok(t, err)
			_, _, err = cli.HubImportBundle(context.Background(), bytes.NewReader(buf.Bytes()), h.store, now, time.Hour)
			ok(t, err)
		}
		fromHub := func() {
			_, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(hubBundle(t, h.store, jy)), b)
			ok(t, err)
		}
		toHub()
		fromHub()
		toHub()
		fromHub()
		refused, err := b.RefusedChanges(context.Background(), jy)
		ok(t, err)
		if len(refused) > 0 {
			t.Errorf("b's changes set aside: %+v", refused)
		}
		got := noerr.Get(b.AgendaItem(t.Context(), item))(t)
		if want := "Linje 1\n" + model.FormerMember + " kom\nLinje 3\nB rettede linje 4\n"; got.Notes != want {
			t.Errorf("b: minutes %q, want %q", got.Notes, want)
		}
		_, hubOps, err := cli.ReadBundle(bytes.NewReader(hubBundle(t, h.store, jy)))
		ok(t, err)
		holdsNoName(t, "the hub's file", hubOps)
	})
}
