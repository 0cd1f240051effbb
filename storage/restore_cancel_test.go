package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/dbstate"
	"lokalraad/model"
)

// leftovers are the files a restore may make beside the database: the
// copy of the current one, its attachments, the backup's copy on its way.
func leftovers(t *testing.T, path string) []string {
	t.Helper()
	var found []string
	for _, pattern := range []string{filepath.Join(backupDir(path), "foer-gendannelse-*"), path + ".gendan*"} {
		files, err := filepath.Glob(pattern)
		ok(t, err)
		found = append(found, files...)
	}
	return found
}

// A restore over a database written before migration 020 is stopped while
// Open upgrades that database (to read how far its device got): it says
// »afbrudt«, and the database keeps its old version and rows, with no copy
// of it and no copy of the backup left beside it.
func TestRestoreCancelledWhileOpeningCurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	old := openBefore(t, path, "020_search_council_words.sql")
	bigCouncil(t, old, 50)
	ok(t, old.Close())
	src := replica(t, "backup")
	c := model.Council{Name: "Tølløse Lokalråd"}
	ok(t, src.SaveCouncil(t.Context(), model.Council{}, &c))
	usb := filepath.Join(t.TempDir(), "usb.db")
	ok(t, src.Backup(t.Context(), usb))
	before := fileState(t, path)

	ctx, calls := cancelInWords(t, 10)
	saved, err := Restore(ctx, path, usb)
	if !errors.Is(err, model.ErrCanceled) || err.Error() != "afbrudt" {
		t.Fatalf("restore stopped in the upgrade: %q, %v; want »afbrudt«", saved, err)
	}
	if calls.Load() < 10 {
		t.Fatalf("lokalraad_words ran %d times: the cancellation came before the upgrade", calls.Load())
	}
	if after := fileState(t, path); after != before {
		t.Errorf("the database changed:\n%s", dbstate.Diff(before, after))
	}
	if files := leftovers(t, path); len(files) > 0 {
		t.Errorf("a stopped restore left %v", files)
	}
}

// Ctrl-C at any moment of a restore (from its start to twice as long as a
// whole one takes here) either comes after the backup took the database's
// place, and the restore is whole, or before: then Restore says »afbrudt«, the database is exactly
// as it was, and nothing it made is left beside it.
func TestRestoreCancelledAtAnyMoment(t *testing.T) {
	cur := replica(t, "cur")
	bigCouncil(t, cur, 150)
	path := cur.Path()
	ok(t, cur.Close())
	src := replica(t, "backup")
	c := model.Council{Name: "Tølløse Lokalråd"}
	ok(t, src.SaveCouncil(t.Context(), model.Council{}, &c))
	usb := filepath.Join(t.TempDir(), "usb.db")
	ok(t, src.Backup(t.Context(), usb))
	data, err := os.ReadFile(path)
	ok(t, err)
	secret, err := os.ReadFile(SecretPath(path))
	ok(t, err)
	// reset puts the database as it was back, with its key file.
	reset := func() {
		t.Helper()
		removeDB(path)
		ok(t, os.RemoveAll(backupDir(path)))
		ok(t, os.WriteFile(path, data, 0o644))
		ok(t, os.WriteFile(SecretPath(path), secret, 0o600))
	}
	before := fileState(t, path)

	// A whole restore first, to time it.
	start := time.Now()
	_, err = Restore(t.Context(), path, usb)
	ok(t, err)
	whole := time.Since(start)
	reset()

	stopped, done := 0, 0
	for i := range 10 {
		d := whole * time.Duration(i) / 5
		ctx, cancel := context.WithCancel(t.Context())
		timer := time.AfterFunc(d, cancel)
		saved, err := Restore(ctx, path, usb)
		timer.Stop()
		cancel()
		switch {
		case err == nil:
			done++
			db, err := Open(context.Background(), path)
			ok(t, err)
			cs, err := db.Councils(t.Context())
			ok(t, err)
			ok(t, db.Close())
			if len(cs) != 1 || cs[0].ID != c.ID {
				t.Fatalf("after %v: a whole restore holds %v, want the backup's council", d, cs)
			}
			if saved == "" || fileState(t, saved) != before {
				t.Errorf("after %v: the database as it was is not kept in %q", d, saved)
			}
			reset() // start again from the database as it was
		case errors.Is(err, model.ErrCanceled) && err.Error() == "afbrudt":
			stopped++
			if saved != "" {
				t.Errorf("after %v: a stopped restore names a copy %q", d, saved)
			}
			if after := fileState(t, path); after != before {
				t.Fatalf("after %v: stopped, but the database changed:\n%s", d, dbstate.Diff(before, after))
			}
			if files := leftovers(t, path); len(files) > 0 {
				t.Errorf("after %v: a stopped restore left %v", d, files)
			}
		default:
			t.Fatalf("after %v: %v (%s), want success or »afbrudt«", d, err, strings.ToUpper(string(model.ErrorCode(err))))
		}
	}
	if stopped == 0 {
		t.Error("no restore was stopped: the cancellations all came too late to test anything")
	}
	t.Logf("%d restores stopped, %d whole", stopped, done)
}

// Ctrl-C at any moment of a backup of a database with many attachment
// files: the backup is whole (the copy and every file beside it) or not
// there at all, never a copy without its attachments that would pass for
// today's backup.
func TestBackupCancelledIsWholeOrNothing(t *testing.T) {
	db := replica(t, "bilag")
	c := model.Council{Name: "Stort Råd"}
	ok(t, db.SaveCouncil(t.Context(), model.Council{}, &c))
	p := model.Project{CouncilID: c.ID, Title: "Stien", Status: model.ProjectIdea}
	ok(t, db.SaveProject(t.Context(), model.Project{}, &p))
	const files = 150
	for i := range files {
		_, err := db.AddAttachment(t.Context(), model.OwnerProject, p.ID, fmt.Sprintf("bilag-%d.txt", i), strings.NewReader(strings.Repeat(fmt.Sprintf("bilag %d ", i), 500)))
		ok(t, err)
	}
	dir := t.TempDir()
	start := time.Now()
	ok(t, db.Backup(t.Context(), filepath.Join(dir, "hel.db")))
	whole := time.Since(start)
	stopped := 0
	for i := range 10 {
		path := filepath.Join(dir, fmt.Sprintf("kopi-%d.db", i))
		ctx, cancel := context.WithCancel(t.Context())
		timer := time.AfterFunc(whole*time.Duration(i)/5, cancel)
		err := db.Backup(ctx, path)
		timer.Stop()
		cancel()
		blobs, globErr := filepath.Glob(filepath.Join(blobDir(path), "??", "*"))
		ok(t, globErr)
		if err == nil {
			if len(blobs) != files {
				t.Errorf("backup %d is done with %d of %d attachment files", i, len(blobs), files)
			}
			continue
		}
		stopped++
		if !errors.Is(model.Interrupted(ctx, err), model.ErrCanceled) {
			t.Fatalf("backup %d: %v, want it stopped", i, err)
		}
		for _, p := range []string{path, path + ".tmp", blobDir(path)} {
			if _, err := os.Stat(p); err == nil {
				t.Errorf("backup %d was stopped, but %s is there", i, filepath.Base(p))
			}
		}
	}
	if stopped == 0 {
		t.Error("no backup was stopped: nothing was tested")
	}
	t.Logf("%d of 10 backups stopped; a whole one takes %v", stopped, whole)
}
