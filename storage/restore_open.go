package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"lokalraad/model"
)

// RestoreFrom replaces this open database by the backup at from, in place:
// the screens keep their *DB. The backup is checked first; the current
// database is kept as a backup (returned) before it is replaced. On
// failure the current database stays open and unchanged.
func (db *DB) RestoreFrom(ctx context.Context, from string) (saved string, err error) {
	if err := checkBackupStopped(ctx, from); err != nil {
		return "", err
	}
	saved, restoreErr, err := db.swap(ctx, from)
	if err != nil {
		return saved, model.Interrupted(ctx, err) // Ctrl-C: »afbrudt«, not a library's English
	}
	// A backup taken between two pages of a pull holds their rows not yet
	// indexed for the search, which then found neither them nor what was
	// typed after the restore: indexed as Open does.
	if err := db.FinishPull(ctx); err != nil && !errors.Is(err, ErrReadOnly) {
		return saved, err
	}
	return saved, restoreErr
}

// swap closes the database, restores the backup at from in its place
// (restoreChecked, whose error is restoreErr) and opens whatever is then
// at the path: the restored copy, or, when the restore failed, the
// untouched current database. err is an error of opening it again.
func (db *DB) swap(ctx context.Context, from string) (saved string, restoreErr, err error) {
	// The sync's kept connection (applyConn) goes with the pool: kept, it
	// would write every later sync's rows into the file the restore
	// replaces, lost at the next start. No apply runs until the restored
	// file is open.
	db.apply.turn <- struct{}{}
	defer func() { <-db.apply.turn }()
	db.apply.drop(false)
	if err := db.sql().Close(); err != nil {
		return "", nil, err
	}
	saved, restoreErr = restoreChecked(ctx, db.path, from) // checked by the caller
	var partly *RestoredError
	if restoreErr == nil || errors.As(restoreErr, &partly) {
		// A sound file has replaced one a check found damaged
		// (CheckInBackground): writes are taken again.
		db.damaged.Store(nil)
	}
	sqldb, err := sql.Open("sqlite", dsn(db.path))
	if err != nil {
		return "", nil, fmt.Errorf("åbn databasen igen: %w", err)
	}
	db.pool.Store(sqldb)
	if err := db.migrate(ctx); err != nil {
		return saved, nil, err
	}
	if err := db.loadDevice(ctx); err != nil {
		return saved, nil, err
	}
	if err := db.loadSecrets(ctx); err != nil {
		return saved, nil, err
	}
	return saved, restoreErr, nil
}
