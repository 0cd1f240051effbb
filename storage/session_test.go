package storage_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// The app checks the file before opening the window only after a session
// that did not end cleanly.
func TestSessionMarkerTellsAnUncleanEnd(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lokalraad.db")
	unclean, err := storage.StartSession(path)
	must(t, err)
	if unclean {
		t.Fatal("a first start is taken for an unclean end")
	}
	db, err := storage.Open(context.Background(), path)
	must(t, err)
	must(t, db.EndSession())
	db.Close()
	if unclean = noerr.Get(storage.StartSession(path))(t); unclean {
		t.Fatal("a clean end is taken for an unclean one")
	}
	// The app crashes: no EndSession.
	if unclean, _ = storage.StartSession(path); !unclean {
		t.Fatal("a crash is taken for a clean end: the file would not be checked first")
	}
}

// Damage the background check finds stops every later write with a clear
// error, leaves what is saved readable, and makes the next start check
// first (so that it offers the backup).
func TestDamageFoundInBackgroundRefusesWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lokalraad.db")
	db, err := storage.Open(context.Background(), path)
	must(t, err)
	c := model.Council{Name: "Jyderup Lokalråd"}
	must(t, db.SaveCouncil(t.Context(), model.Council{}, &c))
	for i := 0; i < 300; i++ {
		m := model.Member{CouncilID: c.ID, Name: "Medlem med et langt navn til at fylde siderne ud", Role: model.RoleMember}
		must(t, db.SaveMember(t.Context(), model.Member{}, &m))
	}
	must(t, db.EndSession())
	db.Close()

	b, err := os.ReadFile(path)
	must(t, err)
	for i := len(b) / 2; i < len(b)/2+8192 && i < len(b); i++ { // scribbled in the middle
		b[i] = 0x5A
	}
	must(t, os.WriteFile(path, b, 0o644))
	os.Remove(path + "-wal")

	unclean, err := storage.StartSession(path)
	must(t, err)
	if unclean {
		t.Fatal("the session before ended cleanly")
	}
	db, err = storage.Open(context.Background(), path)
	must(t, err) // the schema pages are sound: only a full check finds it
	defer db.Close()
	if err := db.CheckInBackground(t.Context()); !errors.Is(err, storage.ErrDamaged) {
		t.Fatalf("check = %v, want ErrDamaged", err)
	}
	m := model.Member{CouncilID: c.ID, Name: "Karen Østergaard", Role: model.RoleChair}
	if err := db.SaveMember(t.Context(), model.Member{}, &m); !errors.Is(err, storage.ErrDamaged) {
		t.Errorf("a save after damage was found: %v, want ErrDamaged", err)
	}
	must(t, db.EndSession())
	if unclean := noerr.Get(storage.StartSession(path))(t); !unclean {
		t.Error("after damage was found, the next start does not check first")
	}
}

// One copy of the app at a time holds a database: a second is told, and
// once the first lets go (or its process ends) the next one may.
func TestHoldSessionOneCopyAtATime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lokalraad.db")
	release, err := storage.HoldSession(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storage.HoldSession(path); !errors.Is(err, storage.ErrAlreadyOpen) {
		t.Fatalf("a second hold on an open database: %v, want ErrAlreadyOpen", err)
	} else if !strings.Contains(err.Error(), "allerede") {
		t.Errorf("the refusal is not said in Danish: %v", err)
	}
	// Another database beside it is no concern of this one's lock.
	other, err := storage.HoldSession(filepath.Join(filepath.Dir(path), "andet.db"))
	if err != nil {
		t.Fatalf("another database in the same folder: %v", err)
	}
	other()
	release()
	again, err := storage.HoldSession(path)
	if err != nil {
		t.Fatalf("after the first let go: %v", err)
	}
	again()
}
