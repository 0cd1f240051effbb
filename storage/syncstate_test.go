package storage_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

// The sync state is written and read whole: what one update wrote is what
// the next read (and a reopened database) sees; the secret goes to the
// secrets file and never into the database.
func TestSyncStateRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, path := openTemp(t)
	st, err := db.SyncState(ctx)
	must(t, err)
	if st != (storage.SyncState{}) || st.Enrolled() {
		t.Fatalf("a new database's sync state: %+v", st)
	}
	last := time.Date(2026, 11, 26, 11, 0, 0, 0, time.UTC)
	want := storage.SyncState{Server: "https://lokalraad.holbaek.dk", Token: "dev1.hemmelig", Council: "c1", Staff: false,
		Cursor: "4711.1k-3", Acked: 12, Last: last, Error: "kommunens server kan ikke nås", ErrorCode: model.Unavailable,
		Refetch: true, Note: "Enhedens ur gik 3 dage for hurtigt.", NoteAt: last.Add(-time.Hour), Linked: true}
	must(t, db.UpdateSyncState(ctx, func(st *storage.SyncState) error { *st = want; return nil }))
	got, err := db.SyncState(ctx)
	must(t, err)
	if got != want || !got.Enrolled() {
		t.Errorf("read back:\n%+v\nwant\n%+v", got, want)
	}
	if tok, err := db.Meta(t.Context(), storage.MetaToken); err != nil || tok != want.Token {
		t.Errorf("the token by its key: %q, %v", tok, err)
	}
	must(t, db.Close())
	raw, err := os.ReadFile(path)
	must(t, err)
	if strings.Contains(string(raw), "hemmelig") {
		t.Error("the secret was written into the database file")
	}
	again, err := storage.Open(context.Background(), path)
	must(t, err)
	defer again.Close()
	if got, err := again.SyncState(ctx); err != nil || got != want {
		t.Errorf("after reopening:\n%+v, %v\nwant\n%+v", got, err, want)
	}
}

// An update writes what it changed and nothing else, and an update that
// fails writes nothing.
func TestUpdateSyncStateWritesOnlyChanges(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	must(t, db.UpdateSyncState(ctx, func(st *storage.SyncState) error {
		st.Server, st.Council, st.Error, st.ErrorCode = "https://hub", "c1", "fejl", model.Internal
		return nil
	}))
	// The cursor moves beside the update (as ApplyPulled moves it); a later
	// update of the error leaves it where it is.
	must(t, db.SetMeta(t.Context(), storage.MetaCursor, "99"))
	must(t, db.UpdateSyncState(ctx, func(st *storage.SyncState) error {
		st.Error, st.ErrorCode = "", ""
		return nil
	}))
	st, err := db.SyncState(ctx)
	must(t, err)
	if st.Cursor != "99" || st.Error != "" || st.ErrorCode != "" || st.Server != "https://hub" {
		t.Errorf("after clearing the error: %+v", st)
	}
	refuse := errors.New("nej")
	err = db.UpdateSyncState(ctx, func(st *storage.SyncState) error {
		st.Server, st.Cursor = "https://andet", "1"
		return refuse
	})
	if !errors.Is(err, refuse) {
		t.Fatalf("a failing update: %v", err)
	}
	if st, err := db.SyncState(ctx); err != nil || st.Server != "https://hub" || st.Cursor != "99" {
		t.Errorf("a failing update wrote: %+v, %v", st, err)
	}
}

// A damaged stored value is an error, never read as zero: a cursor read
// as 0 would pull everything again, and one read as less than it is would
// not be noticed.
func TestSyncStateDamagedIsAnError(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	must(t, db.SetMeta(t.Context(), storage.MetaCursor, "12x"))
	if _, err := db.SyncState(ctx); err == nil || !strings.Contains(err.Error(), "sync_cursor") {
		t.Errorf("a damaged cursor: %v", err)
	}
	if _, err := db.PendingCount(context.Background(), ""); err == nil {
		t.Error("counting unsent changes over a damaged state said nothing")
	}
	must(t, db.SetMeta(t.Context(), storage.MetaCursor, "12"))
	must(t, db.SetMeta(t.Context(), storage.MetaLast, "i går"))
	if _, err := db.SyncState(ctx); err == nil {
		t.Error("a damaged time of the last sync was read without an error")
	}
}

// A cancelled context reads and writes nothing.
func TestSyncStateCancelled(t *testing.T) {
	db, _ := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.SyncState(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("read with a cancelled context: %v", err)
	}
	err := db.UpdateSyncState(ctx, func(st *storage.SyncState) error { st.Server = "https://hub"; return nil })
	if err == nil {
		t.Error("an update with a cancelled context went through")
	}
	if st, err := db.SyncState(context.Background()); err != nil || st.Server != "" {
		t.Errorf("after a cancelled update: %+v, %v", st, err)
	}
}
