package storage_test

import (
	"context"
	"path/filepath"
	"testing"

	"lokalraad/model"
	"lokalraad/storage"
)

// A restore from the running window after a sync: what the next sync
// brings lands in the restored database, and is there after a restart,
// not in the file the restore replaced (the sync's kept connection).
func TestRestoreFromThenSyncKeepsPulledRows(t *testing.T) {
	ctx := context.Background()
	a, _ := openTemp(t)
	b, bPath := openTemp(t)
	c := newCouncil(t, a)
	give := func() {
		t.Helper()
		ops, err := a.CouncilOps(ctx, "")
		must(t, err)
		_, err = b.ApplyOps(ctx, ops)
		must(t, err)
	}
	give() // b has synced once: its apply connection is open
	backup := filepath.Join(t.TempDir(), "kopi.db")
	must(t, b.Backup(ctx, backup))
	if _, err := b.RestoreFrom(ctx, backup); err != nil {
		t.Fatal(err)
	}

	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: fixedNow, Place: "Hallen"}
	must(t, a.SaveMeeting(ctx, model.Meeting{}, &m))
	give() // the next sync after the restore
	if ms, err := b.Meetings(ctx, c.ID); err != nil || len(ms) != 1 {
		t.Fatalf("after the sync that followed the restore: meetings %v, %v; want the one synced", ms, err)
	}
	must(t, b.Close())
	again, err := storage.Open(ctx, bPath)
	must(t, err)
	defer again.Close()
	if ms, err := again.Meetings(ctx, c.ID); err != nil || len(ms) != 1 {
		t.Fatalf("after a restart: meetings %v, %v; want the one synced", ms, err)
	}
}

// A backup taken between two pages of a pull holds the pull's rows not yet
// indexed for the search. Restored in the window, they are found, and so
// is what is typed after the restore (Open does the same at a start).
func TestRestoreFromBackupTakenMidPullIsSearchable(t *testing.T) {
	ctx := context.Background()
	a, _ := openTemp(t)
	b, _ := openTemp(t)
	c := newCouncil(t, a)
	p := model.Project{CouncilID: c.ID, Title: "Naturstien langs åen", Status: model.ProjectIdea}
	must(t, a.SaveProject(ctx, model.Project{}, &p))
	ops, err := a.CouncilOps(ctx, "")
	must(t, err)
	// The first page of a pull with more to come, then a backup.
	_, err = b.ApplyPulledPart(ctx, ops, "1")
	must(t, err)
	backup := filepath.Join(t.TempDir(), "kopi.db")
	must(t, b.Backup(ctx, backup))
	must(t, b.FinishPull(ctx))

	if _, err := b.RestoreFrom(ctx, backup); err != nil {
		t.Fatal(err)
	}
	typed := model.Project{CouncilID: c.ID, Title: "Shelteret ved skoven", Status: model.ProjectIdea}
	must(t, b.SaveProject(ctx, model.Project{}, &typed))
	for query, want := range map[string]string{"naturstien": p.ID, "shelteret": typed.ID} {
		hits, err := b.Search(ctx, c.ID, query, 10)
		must(t, err)
		if len(hits) != 1 || hits[0].ID != want {
			t.Errorf("search %q after the restore: %v, want the project %s", query, hits, want)
		}
	}
}
