package storage_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lokalraad/model"
	"lokalraad/storage"
)

// A database that opens but fails SQLite's check (a scribbled page: what
// the rescue window and a restore in the window are for) is replaced by
// the backup, and kept byte for byte beside it, instead of the restore
// being refused because the damaged file could not be copied with VACUUM
// INTO (»database disk image is malformed«).
func TestRestoreOverDatabaseThatOpensDamaged(t *testing.T) {
	ctx := context.Background()
	path, c, good, b := damagedWithBackup(t)
	if d, err := storage.Open(ctx, path); err != nil {
		t.Fatalf("the damaged file should open (only the check finds it): %v", err)
	} else {
		err = d.Check(ctx)
		d.Close()
		if !errors.Is(err, storage.ErrDamaged) {
			t.Fatalf("check of the damaged file: %v, want ErrDamaged", err)
		}
		// The message is Danish; SQLite's English lines are kept apart,
		// for the log.
		var de *storage.DamageError
		if !errors.As(err, &de) || len(de.Problems) == 0 {
			t.Fatalf("check of the damaged file: %#v, want SQLite's findings kept", err)
		}
		for _, en := range []string{"malformed", "database disk image", "Page", "btree", "Tree", "page"} {
			if strings.Contains(err.Error(), en) {
				t.Errorf("the damage is said with SQLite's English %q: %v", en, err)
			}
		}
	}

	saved, err := storage.Restore(ctx, path, good)
	if err != nil {
		t.Fatalf("restore over the damaged database: %v", err)
	}
	kept, err := os.ReadFile(saved)
	must(t, err)
	if !bytes.Equal(kept, b) {
		t.Error("the damaged database is not kept byte for byte")
	}
	again, err := storage.Open(ctx, path)
	must(t, err)
	defer again.Close()
	must(t, again.Check(ctx))
	if ms, err := again.Members(ctx, c.ID); err != nil || len(ms) != 300 {
		t.Errorf("after the restore: %d members, %v; want 300", len(ms), err)
	}
}

// The check beside the open window found the file damaged, so writes are
// refused; a restore from the window (Filer) then brings a sound file, and
// the window saves again at once, not only after a new start.
func TestRestoreFromAfterDamageFoundSavesAgain(t *testing.T) {
	ctx := context.Background()
	path, _, good, _ := damagedWithBackup(t)

	open, err := storage.Open(ctx, path)
	must(t, err)
	defer open.Close()
	if err := open.CheckInBackground(ctx); !errors.Is(err, storage.ErrDamaged) {
		t.Fatalf("the check beside the window: %v, want ErrDamaged", err)
	}
	if _, err := open.RestoreFrom(ctx, good); err != nil {
		t.Fatalf("restore from the window: %v", err)
	}
	if err := open.SaveCouncil(ctx, model.Council{}, &model.Council{Name: "Efter gendannelsen"}); err != nil {
		t.Errorf("a save after the restore: %v", err)
	}
}

// `lokalraad restore` while the window has the database open: refused, in
// Danish, and what the window saves afterwards is in the file. Before, the
// backup took the file's place under the window, which went on saving
// into the replaced file: gone when it closed.
func TestRestoreRefusedWhileTheWindowHasTheDatabase(t *testing.T) {
	ctx := context.Background()
	window, path := openTemp(t)
	c := newCouncil(t, window)
	usb := filepath.Join(t.TempDir(), "usb.db")
	must(t, window.Backup(ctx, usb))

	_, err := storage.Restore(ctx, path, usb)
	if err == nil {
		t.Fatal("restored under the open window")
	}
	if !strings.Contains(err.Error(), "åben") {
		t.Errorf("refusal %q does not say the database is open", err)
	}
	must(t, window.SaveCouncil(ctx, model.Council{}, &model.Council{Name: "Skrevet i vinduet"}))
	must(t, window.Close())
	again, err := storage.Open(ctx, path)
	must(t, err)
	defer again.Close()
	if cs, err := again.Councils(ctx); err != nil || len(cs) != 2 {
		t.Errorf("after the window closed: %v, %v; want %s and the one saved in the window", cs, err, c.Name)
	}
	if saved, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "sikkerhedskopier", "foer-gendannelse-*")); len(saved) != 0 {
		t.Errorf("a refused restore left copies: %v", saved)
	}
}

// damagedWithBackup is a council's database of 300 members, backed up to
// good and then damaged as a disk may: a stretch in the middle scribbled
// over, so that it opens and only SQLite's check finds it. b is the
// damaged file's bytes.
func damagedWithBackup(t *testing.T) (path string, c model.Council, good string, b []byte) {
	t.Helper()
	db, path := openTemp(t)
	c = newCouncil(t, db)
	for range 300 {
		must(t, db.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: c.ID, Name: "Medlem med et langt navn til at fylde siderne op", Role: model.RoleMember}))
	}
	good = filepath.Join(t.TempDir(), "god.db")
	must(t, db.Backup(t.Context(), good))
	must(t, db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"))
	db.Close()
	b, err := os.ReadFile(path)
	must(t, err)
	for i := len(b) / 2; i < len(b)/2+8192 && i < len(b); i++ {
		b[i] = 0x5A
	}
	must(t, os.WriteFile(path, b, 0o644))
	return path, c, good, b
}

// A restore to a database in a folder that is not there says so in
// Danish, not with Go's English »open …: no such file or directory«.
func TestRestoreIntoMissingFolderSaysWhy(t *testing.T) {
	db, _ := openTemp(t)
	newCouncil(t, db)
	usb := filepath.Join(t.TempDir(), "usb.db")
	must(t, db.Backup(context.Background(), usb))
	_, err := storage.Restore(t.Context(), filepath.Join(t.TempDir(), "findes-ikke", "lokalraad.db"), usb)
	if err == nil || !strings.HasPrefix(err.Error(), "mappen ") || !strings.Contains(err.Error(), "findes ikke") {
		t.Errorf("restore into a missing folder: %v; want »mappen … findes ikke«", err)
	}
}
