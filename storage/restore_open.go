package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// RestoreFrom replaces this open database by the backup at from, in place:
// the screens keep their *DB. The backup is checked first; the current
// database is kept as a backup (returned) before it is replaced. On
// failure the current database stays open and unchanged.
func (db *DB) RestoreFrom(ctx context.Context, from string) (saved string, err error) {
	if err := checkBackupStopped(ctx, from); err != nil {
		return "", err
	}
	// The sync's kept connection (applyConn) goes with the pool: kept, it
	// would write every later sync's rows into the file the restore
	// replaces, lost at the next start. No apply runs until the restored
	// file is open.
	db.apply.turn <- struct{}{}
	defer func() { <-db.apply.turn }()
	db.apply.drop(false)
	if err := db.sql.Close(); err != nil {
		return "", err
	}
	saved, restoreErr := restoreChecked(ctx, db.path, from) // checked above
	// Reopen whatever is now at the path: the restored copy, or, when the
	// restore failed, the untouched current database.
	sqldb, err := sql.Open("sqlite", dsn(db.path))
	if err != nil {
		return "", fmt.Errorf("åbn databasen igen: %w", err)
	}
	db.sql = sqldb
	if err := db.migrate(ctx); err != nil {
		return saved, err
	}
	if err := db.loadDevice(ctx); err != nil {
		return saved, err
	}
	if err := db.loadSecrets(ctx); err != nil {
		return saved, err
	}
	return saved, restoreErr
}
