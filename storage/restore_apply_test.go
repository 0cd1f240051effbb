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
