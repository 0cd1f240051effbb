package storage

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/gofrs/flock"

	"lokalraad/model"
)

// Checking the file at start-up without keeping the window waiting.
//
// SQLite's quick_check reads the whole file: on ten years of 18 councils
// (145 MB) it takes about half a second, and the window used to wait for
// it. Now the desktop app checks before opening only when the last session
// did not end cleanly (a crash, a power cut, a damaged file found last
// time), which a marker file beside the database tells; otherwise it opens
// the window at once and checks in the background, refusing every write
// from the moment the check finds damage, so that nothing is written into
// a damaged file and the next start offers the newest backup.

// sessionMarker is the file that exists while the app has the database
// open, and after a check found it damaged.
func sessionMarker(path string) string { return path + ".aaben" }

// ErrAlreadyOpen: another copy of the app has the database open. Two
// copies would share one session marker, and the first to quit would
// remove it while the other still writes: a crash of that one would then
// go unnoticed at the next start.
var ErrAlreadyOpen = error(model.NewError(model.Conflict, "Lokalråd har allerede databasen åben i et andet vindue; brug det vindue, eller luk det og start igen"))

// sessionLock is the file whose lock the app holds while it has the
// database open. It stays beside the database (removing a lock file races
// with the next copy that opens it); only the lock on it says anything.
func sessionLock(path string) string { return path + ".laas" }

// HoldSession takes the lock that one copy of the app at a time holds on
// the database at path, before StartSession, and returns its release. The
// operating system lets go of it when the process ends, however it ends.
// Where no lock can be had (a read-only folder, a file system without
// locks) the app runs without one, as before there was one.
func HoldSession(path string) (release func(), err error) {
	l := flock.New(sessionLock(path))
	ok, err := l.TryLock()
	switch {
	case err != nil:
		return func() {}, nil
	case !ok:
		return nil, ErrAlreadyOpen
	}
	return func() { l.Unlock() }, nil
}

// StartSession records that the app has the database at path open, and
// tells whether the previous session ended without EndSession (the file
// should be checked before use).
func StartSession(path string) (unclean bool, err error) {
	m := sessionMarker(path)
	if _, err := os.Stat(m); err == nil {
		unclean = true
	} else if !errors.Is(err, os.ErrNotExist) {
		return true, fmt.Errorf("læs %s: %w", m, err)
	}
	f, err := os.OpenFile(m, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		// A read-only folder: no marker, so check every time.
		return true, nil
	}
	return unclean, f.Close()
}

// EndSession records a clean end of the session, unless the database was
// found damaged: then the next start checks it first.
func (db *DB) EndSession() error {
	if db.damaged.Load() != nil {
		return nil
	}
	if err := os.Remove(sessionMarker(db.path)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// CheckInBackground runs the quick check on the open database; when it
// finds damage, every later write is refused with the error (ErrDamaged),
// which it returns. Reads go on, so the user can still see and print.
func (db *DB) CheckInBackground(ctx context.Context) error {
	err := db.Check(ctx)
	if err != nil && errors.Is(err, ErrDamaged) {
		db.damaged.Store(&err)
	}
	return err
}
