// Package storage keeps the councils' data in one SQLite file
// (modernc.org/sqlite, no cgo).
//
// The file is opened with WAL, foreign keys, a busy timeout and immediate
// transactions. Its schema comes from numbered .sql migrations embedded in
// the binary; those an upgrade needs run together in one transaction, which
// a cancelled ctx rolls back whole (Open). Every row has a UUIDv7 id made on
// this device and a council id, and is written through one path (put and
// remove) that appends to the change log in the same transaction, so that
// storage/exchange can send the changes to other replicas.
//
// What it holds, by file:
//
//   - Opening, migrations and the write path: storage.go, stmts.go,
//     write.go (every save and delete, and the change log's op),
//     entity.go (each table's descriptor: which model field holds each
//     column of the field registry), entities.go (the rows of each table,
//     read and written).
//   - The change log and sync: sync*.go (replaying ops, applying pulled
//     pages, the outgoing queue, conflicts, the sync state), merge.go
//     (the merge of concurrent edits), unsent.go (dropping a council that
//     never left this device), clock.go (the hybrid logical clock, and
//     clocks that heal), provenance.go (the keys a replica trusts and the
//     checks every op from outside passes), refused.go (ops a receiver set
//     aside, with their Danish reason).
//   - The rules at the door, the same at a hub and at bundle import:
//     admit.go (per-op rules), pbadmit.go (citizen budgeting), yearlock.go
//     (an approved year's accounts, a past year's plan).
//   - The hub's side: hub.go and hubseam.go (devices, sequencing, the
//     store the exchange's server uses), keys.go (device keys and
//     signatures), cost.go (bounded pages and short pushes), staffusers.go
//     (the staff's web log-in).
//   - The councils' data: accounts.go, year.go, attachments.go (bilag and
//     receipts, with storage/blobs), borgerbudget.go, meetprep.go,
//     municipal.go (pools, deadlines, answers), plan.go, overview.go,
//     publication.go (the public page), search.go (FTS5).
//   - Around the file: backup.go and restore_open.go, session.go (checking
//     the file at start-up after a session that did not end cleanly),
//     import.go (a workbook's rows), privacy.go (GDPR: what is kept about a
//     person, and erasing it, history included).
//
// Exported methods are whole transactions; unexported helpers do one SQL
// step inside a transaction. DB.Now is the clock, a field so that tests can
// fix it.
package storage

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	_ "modernc.org/sqlite" // the "sqlite" driver

	"lokalraad/model"
)

//go:embed migrations/*.sql
var migrations embed.FS

// The errors callers can tell apart with errors.Is.
var (
	// ErrNotFound: no row has the id.
	ErrNotFound = error(model.NewError(model.NotFound, "findes ikke"))
	// ErrLocked: the minutes of the meeting are approved and cannot change
	// until the meeting is reopened.
	ErrLocked = error(model.NewError(model.Locked, "referatet er godkendt og låst"))
	// ErrTooNew: the database was written by a newer version of the app.
	ErrTooNew = error(model.NewError(model.Invalid, "databasen er fra en nyere version af Lokalråd; opdatér programmet"))
	// ErrNotDatabase: the file is not a Lokalråd database, or is damaged.
	ErrNotDatabase = error(model.NewError(model.Invalid, "filen er ikke en Lokalråd-database eller er beskadiget"))
)

// sql is the database's connection pool.
func (db *DB) sql() *sql.DB { return db.pool.Load() }

// DB is an open Lokalråd database.
type DB struct {
	// pool is the connection pool, read through sql(): a restore from the
	// open window (RestoreFrom) puts a new one in while the window's
	// background work (counts, search, the sync's status) goes on reading.
	pool atomic.Pointer[sql.DB]
	path string
	// device is this replica's id (self); it changes only when the
	// replica takes a new identity (renewReplica), also while syncing.
	device atomic.Pointer[string]
	// key is this device's signing key (keys.go), read through signKey:
	// a copied database takes a new one while syncing (RenewCopied).
	key   atomic.Pointer[ed25519.PrivateKey]
	mu    sync.Mutex // guards token
	token string     // MetaToken, kept in the secrets file
	// Now is the clock; tests may replace it before use.
	Now func() time.Time
	// hubWrite lets the hub's writers (pushes, in chunks) take turns
	// fairly, instead of racing for SQLite's lock (see HubApply).
	hubWrite sync.Mutex
	// files keeps an attachment's file from being dropped while a row
	// naming it is on its way: held shared from storing the file until
	// the row commits (AddAttachment), exclusively while a
	// drop counts the rows naming a file and removes it (dropUnused).
	files sync.RWMutex
	// damaged is set when a check found the file damaged after it was
	// opened (CheckInBackground): every later write is refused with it.
	damaged atomic.Pointer[error]
	// schemaInfo is this database's schema, read on first use (schema).
	schemaInfo atomic.Pointer[schemaInfo]
	// apply is the connection applying runs on (sync_apply.go).
	apply applyConn
}

// SchemaVersion is the newest schema this code knows.
func SchemaVersion() int {
	return len(migrationFiles())
}

func migrationFiles() []string {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		panic(err)
	}
	sort.Strings(names)
	return names
}

// Open opens (and creates, or migrates) the database at path.
//
// When ctx ends while Open works (Ctrl-C, the window closed at start-up),
// it returns model.ErrCanceled and leaves the file as it was: an upgrade
// runs in one transaction (migrateTo), which SQLite rolls back whole when
// it is interrupted, so the file keeps its schema version and rows and is
// upgraded at the next start.
func Open(ctx context.Context, path string) (*DB, error) {
	db, err := open(ctx, path)
	return db, model.Interrupted(ctx, err)
}

func open(ctx context.Context, path string) (*DB, error) {
	sqldb, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("åbn database %s: %w", path, err)
	}
	db := &DB{path: path, Now: time.Now, apply: applyConn{turn: make(chan struct{}, 1)}}
	db.pool.Store(sqldb)
	if err := db.migrate(ctx); err != nil {
		sqldb.Close()
		return nil, err
	}
	if err := db.loadDevice(ctx); err != nil {
		sqldb.Close()
		return nil, err
	}
	if err := db.loadSecrets(ctx); err != nil {
		sqldb.Close()
		if strings.Contains(err.Error(), "not a database") || strings.Contains(err.Error(), "malformed") {
			return nil, fmt.Errorf("%s: %w", db.path, ErrNotDatabase)
		}
		return nil, err
	}
	// A pull killed between its pages left its rows unindexed
	// (ApplyPulledPart). A file that cannot be written opens all the same,
	// its search as it was.
	if err := db.FinishPull(ctx); err != nil && !errors.Is(err, ErrReadOnly) {
		db.Close()
		return nil, err
	}
	// A cancellation that came as the last step ended is no open database:
	// the caller has stopped waiting for it.
	if err := ctx.Err(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// dsn opens path with WAL, foreign keys, a busy timeout and immediate
// transactions. It is a plain file path, not a file: URI, so that Windows
// paths work.
func dsn(path string) string {
	return path + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

// Close closes the database.
func (db *DB) Close() error {
	db.apply.turn <- struct{}{} // after an apply under way
	db.apply.drop(false)
	<-db.apply.turn
	return db.sql().Close()
}

// Path is the file the database lives in.
func (db *DB) Path() string { return db.path }

// DeviceID is this installation's id, the first half of every op id it
// writes.
func (db *DB) DeviceID() string { return db.self() }

// self is this replica's id.
func (db *DB) self() string {
	if d := db.device.Load(); d != nil {
		return *d
	}
	return ""
}

func (db *DB) setDevice(id string) { db.device.Store(&id) }

// signKey is this device's signing key.
func (db *DB) signKey() ed25519.PrivateKey {
	if k := db.key.Load(); k != nil {
		return *k
	}
	return nil
}

func (db *DB) setKey(k ed25519.PrivateKey) { db.key.Store(&k) }

func (db *DB) migrate(ctx context.Context) error { return db.migrateTo(ctx, migrationFiles()) }

// migrateTo brings the database to the schema of files, the first
// migrations in order (tests make an older schema with fewer).
//
// All the migrations an upgrade needs run in one transaction, which also
// sets the version (PRAGMA user_version is part of the file's header, so
// it commits or rolls back with them): an upgrade cut off by ctx, a full
// disk or a crash leaves the file at its old version with its old rows,
// never between two migrations. So no migration may hold a statement that
// SQLite refuses in a transaction (VACUUM, PRAGMA journal_mode, …):
// TestMigrationsRunInATransaction reads them for it. The copy made before
// an upgrade (VACUUM INTO) is outside the transaction; a copy not finished
// is removed.
func (db *DB) migrateTo(ctx context.Context, files []string) error {
	var version int
	if err := db.sql().QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		if strings.Contains(err.Error(), "not a database") || strings.Contains(err.Error(), "malformed") {
			return fmt.Errorf("%s: %w", db.path, ErrNotDatabase)
		}
		return fmt.Errorf("læs databasens version: %w", err)
	}
	if version > len(files) {
		return fmt.Errorf("%s har version %d, programmet kender %d: %w", db.path, version, len(files), ErrTooNew)
	}
	if version == len(files) {
		return nil
	}
	if version == 0 {
		// A new file is empty. One with tables but no version is another
		// program's database (given by --db by mistake): it is not ours to
		// change.
		var tables int
		if err := db.sql().QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master").Scan(&tables); err != nil {
			return friendly(fmt.Errorf("læs databasens indhold: %w", err))
		}
		if tables > 0 {
			return fmt.Errorf("%s: %w", db.path, ErrNotDatabase)
		}
	}
	var before string // the copy made before the upgrade
	if version > 0 {
		// An old database is copied aside before it is changed.
		dir := backupDir(db.path)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("sikkerhedskopi før opgradering: %w", err)
		}
		before = freeName(dir, fmt.Sprintf("foer-opgradering-v%d-", version), time.Now())
		if _, err := db.sql().ExecContext(ctx, "VACUUM INTO ?", before); err != nil {
			removeDB(before)
			return friendly(fmt.Errorf("sikkerhedskopi før opgradering: %w", err))
		}
		// A database from before the secrets file holds the device secret:
		// the copy does not (keys.go), and a copy that still would is
		// removed.
		if err := dropSecret(ctx, before); err != nil {
			removeDB(before)
			return fmt.Errorf("sikkerhedskopi før opgradering: %w", err)
		}
	}
	err := db.upgrade(ctx, files, version)
	if err == nil {
		return nil
	}
	if before != "" && ctx.Err() != nil {
		// Stopped: the file is as it was, and so is the copy; the next
		// start makes a new one before it upgrades.
		removeDB(before)
	}
	if strings.Contains(err.Error(), "not a database") || strings.Contains(err.Error(), "malformed") {
		return fmt.Errorf("%s: %w", db.path, ErrNotDatabase)
	}
	return err
}

// upgrade runs the migrations files[from:] and sets the version, in one
// transaction. Its statements stop when ctx ends (the driver interrupts
// SQLite), but the transaction is begun without ctx's end: database/sql
// would otherwise roll it back on a goroutine of its own after Open has
// returned, holding the file's lock a moment longer (a reader at once
// after a cancelled Open then found the database locked). Here it is
// rolled back before upgrade returns.
func (db *DB) upgrade(ctx context.Context, files []string, from int) error {
	tx, err := db.sql().BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return friendly(err)
	}
	for i := from; i < len(files); i++ {
		body, err := migrations.ReadFile(files[i])
		if err == nil {
			_, err = tx.ExecContext(ctx, string(body))
		}
		if err != nil {
			tx.Rollback()
			return friendly(fmt.Errorf("migration %s: %w", path.Base(files[i]), err))
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(files))); err != nil {
		tx.Rollback()
		return friendly(err)
	}
	if err := ctx.Err(); err != nil {
		tx.Rollback() // stopped as the last statement ended: not committed
		return err
	}
	return friendly(tx.Commit())
}

func (db *DB) loadDevice(ctx context.Context) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var dev string
		err := tx.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'device'").Scan(&dev)
		if err == nil {
			db.setDevice(dev)
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		db.setDevice(newID())
		_, err = tx.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES ('device', ?), ('seq', '0'), ('hlc', '0')", db.self())
		return err
	})
}

// inTx runs f in one immediate transaction, committing when f returns nil.
func (db *DB) inTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	if e := db.damaged.Load(); e != nil {
		return *e
	}
	tx, err := db.sql().BeginTx(ctx, nil)
	if err != nil {
		return friendly(err)
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return friendly(err)
	}
	return friendly(tx.Commit())
}

// ErrDiskFull and ErrReadOnly say why a write failed in words a user can act
// on; nothing already saved is lost.
var (
	ErrDiskFull = error(model.NewError(model.DiskFull, "disken er fuld; frigør plads og prøv igen — intet gemt er gået tabt"))
	ErrReadOnly = error(model.NewError(model.DiskFull, "databasen kan ikke skrives (skrivebeskyttet mappe eller fil) — intet gemt er gået tabt"))
)

func friendly(err error) error {
	if err == nil {
		return nil
	}
	s := err.Error()
	switch {
	case strings.Contains(s, "database or disk is full") || strings.Contains(s, "SQLITE_FULL"):
		return fmt.Errorf("%w (%v)", ErrDiskFull, err)
	case strings.Contains(s, "readonly database") || strings.Contains(s, "SQLITE_READONLY"):
		return fmt.Errorf("%w (%v)", ErrReadOnly, err)
	}
	return err
}

// newID makes a UUIDv7: time-ordered, so new rows sort last in indexes.
func newID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// Text encodings of times in the database.
const (
	dateLayout  = "2006-01-02"
	stampLayout = "2006-01-02T15:04:05Z"
)

// dateText stores a calendar day as seen in Copenhagen.
func dateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(model.Copenhagen).Format(dateLayout)
}

func parseDateText(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation(dateLayout, s, model.Copenhagen)
	if err != nil {
		return time.Time{}
	}
	return t
}

func stampText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Truncate(time.Second).Format(stampLayout)
}

func parseStampText(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(stampLayout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func opID(device string, seq int64) string { return device + ":" + strconv.FormatInt(seq, 10) }
