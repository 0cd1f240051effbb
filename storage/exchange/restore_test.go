package exchange

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// reopen opens a database file again with a test clock starting at
// now+offset: after a restore the laptop's clock starts over, behind the
// edits it made before.
func reopen(t testing.TB, path string, offset time.Duration) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), path)
	ok(t, err)
	clock := now.Add(offset)
	db.Now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }
	t.Cleanup(func() { db.Close() })
	return db
}

// rowCounts counts a council's rows in every table, and the municipality's.
func rowCounts(t testing.TB, db *storage.DB, council string) map[string]int {
	t.Helper()
	d, err := db.CouncilData(t.Context(), council)
	ok(t, err)
	pools, err := db.Pools(t.Context())
	ok(t, err)
	return map[string]int{"members": len(d.Members), "meetings": len(d.Meetings), "items": len(d.Items),
		"actions": len(d.Actions), "projects": len(d.Projects), "wishes": len(d.Wishes), "pools": len(pools)}
}

// A laptop restored from a backup older than what the hub holds catches
// up by sync: nothing duplicated, nothing deleted after the backup comes
// back, and a new edit made after the restore is not taken for one of the
// ops it wrote after the backup (same device, same sequence number) and
// dropped.
func TestRestoreCatchesUpBySync(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup Lokalråd")
	a := h.laptop(t, "a", council, 0)
	b := h.laptop(t, "b", council, time.Second)
	syncOK(t, a)
	path := a.Path()

	ada := model.Member{CouncilID: council, Name: "Ada Ærø", Role: model.RoleChair}
	bo := model.Member{CouncilID: council, Name: "Bo Østergaard", Role: model.RoleMember}
	ok(t, a.SaveMember(t.Context(), model.Member{}, &ada))
	ok(t, a.SaveMember(t.Context(), model.Member{}, &bo))
	m := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: now, Place: "Hallen"}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &m))
	syncOK(t, a)
	syncOK(t, b)

	backup := filepath.Join(t.TempDir(), "jyderup-usb.db")
	ok(t, a.Backup(context.Background(), backup))
	seqAtBackup := noerr.Get(a.Meta(t.Context(), "seq"))(t)

	// After the backup: a adds, edits and deletes, and syncs; b edits too.
	cy := model.Member{CouncilID: council, Name: "Cy Åkjær", Role: model.RoleMember}
	ok(t, a.SaveMember(t.Context(), model.Member{}, &cy))
	m.Place = "Skolen"
	ok(t, a.SaveMeeting(t.Context(), storage.Overwriting(t.Context(), a, m), &m))
	ok(t, a.DeleteMember(t.Context(), bo.ID))
	syncOK(t, a)
	seqBeforeLoss := noerr.Get(a.Meta(t.Context(), "seq"))(t)
	dan := model.Member{CouncilID: council, Name: "Dan Ødegård", Role: model.RoleSecretary}
	ok(t, b.SaveMember(t.Context(), model.Member{}, &dan))
	syncOK(t, b)

	// The laptop's database is restored from the backup.
	ok(t, a.Close())
	_, err := storage.Restore(t.Context(), path, backup)
	ok(t, err)
	a = reopen(t, path, 0)
	if seq := noerr.Get(a.Meta(t.Context(), "seq"))(t); seq != seqBeforeLoss {
		t.Errorf("restored seq = %s, want %s (the backup had %s)", seq, seqBeforeLoss, seqAtBackup)
	}
	if _, found := member(t, a, council, bo.ID); !found {
		t.Fatal("the backup should still hold Bo")
	}

	// A new edit after the restore, then sync.
	eva := model.Member{CouncilID: council, Name: "Eva Ærenlund", Role: model.RoleMember}
	ok(t, a.SaveMember(t.Context(), model.Member{}, &eva))
	syncOK(t, a)
	syncOK(t, b)

	want := rowCounts(t, h.db, council)
	for name, db := range map[string]*storage.DB{"restored laptop": a, "other laptop": b} {
		if got := rowCounts(t, db, council); !equalCounts(got, want) {
			t.Errorf("%s: rows %v, hub %v", name, got, want)
		}
	}
	if want["members"] != 4 { // Ada, Cy, Dan, Eva
		t.Errorf("hub members = %d, want 4", want["members"])
	}
	if _, found := member(t, a, council, bo.ID); found {
		t.Error("Bo, deleted after the backup, came back")
	}
	for _, id := range []string{cy.ID, dan.ID, eva.ID} {
		for name, db := range map[string]*storage.DB{"restored laptop": a, "other laptop": b, "hub": h.db} {
			if _, found := member(t, db, council, id); !found {
				t.Errorf("%s lacks member %s", name, id)
			}
		}
	}
	if got := noerr.Get(a.Meeting(t.Context(), m.ID))(t); got.Place != "Skolen" {
		t.Errorf("the edit after the backup did not come back: place %q", got.Place)
	}
	converged(t, council, a, b, h.db)
	if f := noerr.Get(a.Meta(t.Context(), storage.MetaRefetch))(t); f != "" {
		t.Errorf("refetch flag still set after a full pull: %q", f)
	}
	// The next edit on b reaches a, and a's next edit sorts after
	// everything it has seen.
	dan.Phone = "20 30 40 50"
	ok(t, b.SaveMember(t.Context(), storage.Overwriting(t.Context(), b, dan), &dan))
	syncOK(t, b)
	syncOK(t, a)
	if got, _ := member(t, a, council, dan.ID); got.Phone != "20 30 40 50" {
		t.Errorf("later edit from b: %+v", got)
	}
}

// Over a damaged (or lost) database nobody knows how far the device's
// sequence got: it jumps far ahead, and the new edit still gets through.
func TestRestoreOverDamagedDatabase(t *testing.T) {
	h, council, a := syncedLaptop(t, "Jyderup Lokalråd")
	path := a.Path()
	ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Ada", Role: model.RoleChair}))
	syncOK(t, a)
	backup := filepath.Join(t.TempDir(), "jyderup.db")
	ok(t, a.Backup(context.Background(), backup))
	lost := model.Member{CouncilID: council, Name: "Efter kopien", Role: model.RoleMember}
	ok(t, a.SaveMember(t.Context(), model.Member{}, &lost))
	syncOK(t, a)
	ok(t, a.Close())
	ok(t, writeGarbage(path))

	_, err := storage.Restore(t.Context(), path, backup)
	ok(t, err)
	a = reopen(t, path, 0)
	seq := noerr.Get(a.Meta(t.Context(), "seq"))(t)
	if n := noerr.Get(strconv.ParseInt(seq, 10, 64))(t); n < 1<<32 {
		t.Errorf("seq after restoring over a damaged database = %d, want a jump past 1<<32", n)
	}
	fresh := model.Member{CouncilID: council, Name: "Ny", Role: model.RoleMember}
	ok(t, a.SaveMember(t.Context(), model.Member{}, &fresh))
	syncOK(t, a)
	for _, id := range []string{lost.ID, fresh.ID} {
		if _, found := member(t, a, council, id); !found {
			t.Errorf("laptop lacks %s", id)
		}
		if _, found := member(t, h.db, council, id); !found {
			t.Errorf("hub lacks %s", id)
		}
	}
}

// An op id used again for another edit is refused loudly, not dropped as a
// duplicate.
func TestReusedOpIDRefused(t *testing.T) {
	h, council, a := syncedLaptop(t, "Jyderup Lokalråd")
	ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Ada", Role: model.RoleChair}))
	syncOK(t, a)
	ops, err := a.CouncilOps(context.Background(), council)
	ok(t, err)
	reused := ops[0]
	reused.Row, reused.HLC = "en-anden-række", reused.HLC+1
	before := noerr.Get(h.db.HubSequence(t.Context()))(t)
	if _, err := h.db.HubApply(context.Background(), []storage.Change{reused}); !errors.Is(err, storage.ErrBadChange) {
		t.Errorf("reused op id: %v", err)
	}
	if _, err := h.db.HubApply(context.Background(), ops); err != nil {
		t.Errorf("the same ops again: %v", err)
	}
	if after := noerr.Get(h.db.HubSequence(t.Context()))(t); after != before {
		t.Errorf("wrote %d ops", after-before)
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// writeGarbage scribbles over a database's first pages, as a failing disk
// would.
func writeGarbage(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	for i := 0; i < len(data) && i < 8192; i++ {
		data[i] = 0x5A
	}
	return os.WriteFile(path, data, 0o644)
}

func member(t testing.TB, db *storage.DB, council, id string) (model.Member, bool) {
	t.Helper()
	ms, err := db.Members(t.Context(), council)
	ok(t, err)
	for _, m := range ms {
		if m.ID == id {
			return m, true
		}
	}
	return model.Member{}, false
}
