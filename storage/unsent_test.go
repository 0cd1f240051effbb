package storage_test

import (
	"context"
	"errors"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/storage"
)

// A council that never left this computer is dropped without a trace to
// sync; one that came from another replica is refused and kept.
func TestDropUnsent(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	newMeeting(t, db, c.ID, fixedNow)
	other, _ := openTemp(t)
	syncAll(t, db, other)

	must(t, db.DropUnsent(t.Context(), c.ID))
	if _, err := db.Council(t.Context(), c.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("the council is still there: %v", err)
	}
	if ms := noerr.Get(db.Meetings(t.Context(), c.ID))(t); len(ms) != 0 {
		t.Errorf("meetings left: %+v", ms)
	}
	if ops := noerr.Get(db.CouncilOps(context.Background(), c.ID))(t); len(ops) != 0 {
		t.Errorf("%d ops left to sync", len(ops))
	}

	if err := other.DropUnsent(t.Context(), c.ID); err == nil {
		t.Error("dropped a council that came from another replica")
	}
	if got, err := other.Council(t.Context(), c.ID); err != nil || got.Name != c.Name {
		t.Errorf("the other replica's council: %+v, %v", got, err)
	}
}
