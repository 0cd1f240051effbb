package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"lokalraad/model"
	"lokalraad/storage/blobs"
)

// ErrDamaged: the database file fails SQLite's check; restore a backup.
var ErrDamaged = error(model.NewError(model.Internal, "databasen er beskadiget; gendan den nyeste gode sikkerhedskopi"))

// DamageError is ErrDamaged with what SQLite's check said. Its Error is
// Danish; Problems are SQLite's own English lines, for the log.
type DamageError struct {
	Problems   []string
	unreadable bool // the check itself failed reading the file
}

func (e *DamageError) Error() string {
	if e.unreadable {
		return ErrDamaged.Error() + " (SQLite kunne ikke læse hele filen)"
	}
	return fmt.Sprintf("%s (SQLites kontrol fandt %d fejl)", ErrDamaged.Error(), len(e.Problems))
}

func (e *DamageError) Unwrap() error { return ErrDamaged }

// Check runs SQLite's quick_check on the open database: a damaged file is
// ErrDamaged.
func (db *DB) Check(ctx context.Context) error {
	return checkDB(ctx, db.sql())
}

func checkDB(ctx context.Context, sqldb *sql.DB) error {
	// A check cut off by its context found nothing: never call the file
	// damaged for it (CheckInBackground would then refuse every write).
	damaged := func(err error) error {
		if ctx.Err() != nil {
			return fmt.Errorf("kontrol af databasen afbrudt: %w", ctx.Err())
		}
		return &DamageError{Problems: []string{err.Error()}, unreadable: true}
	}
	rows, err := sqldb.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return damaged(err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return damaged(err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return damaged(err)
	}
	if len(problems) > 0 {
		return &DamageError{Problems: problems}
	}
	return nil
}

// Backup writes a consistent copy of the database to path (VACUUM INTO),
// which must not exist yet, with its attachment files beside it. The copy
// is written next to its final name and renamed, so a full disk never
// leaves half a backup under the real name; when the attachments cannot
// follow (ctx ended, the disk is full) the copy is removed again.
func (db *DB) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s findes allerede", path)
	}
	tmp := path + ".tmp"
	os.Remove(tmp)
	if _, err := db.sql().ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		os.Remove(tmp)
		return friendly(fmt.Errorf("tag sikkerhedskopi: %w", err))
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("tag sikkerhedskopi: %w", err)
	}
	if err := db.backupBlobs(ctx, path); err != nil {
		// A backup is whole or not there: one without its attachments,
		// stopped by ctx or a full disk, would pass for today's backup
		// (AutoBackup makes none while one is there).
		os.Remove(path)
		os.RemoveAll(blobDir(path))
		return err
	}
	return nil
}

// backupBlobs copies the attachment files the database names beside the
// backup (<backup>.bilag), as hard links where the system allows: files
// never change once written. A file this laptop has not fetched yet is
// not in the backup; the next sync fetches it again.
func (db *DB) backupBlobs(ctx context.Context, path string) error {
	sums, err := list(ctx, db.sql(), func(s scanner) (string, error) {
		var sum string
		return sum, s.Scan(&sum)
	}, "SELECT DISTINCT sha256 FROM attachments")
	if err != nil {
		return fmt.Errorf("tag sikkerhedskopi af bilag: %w", err)
	}
	from, to := db.Blobs(), blobs.Open(blobDir(path))
	for _, sum := range sums {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("tag sikkerhedskopi af bilag: %w", err)
		}
		if !from.Has(sum) {
			continue
		}
		if err := from.CopyTo(to, sum); err != nil {
			return friendly(fmt.Errorf("tag sikkerhedskopi af bilag: %w", err))
		}
	}
	return nil
}

// restoreBlobs brings the attachment files kept beside a backup back
// beside the database. Files already there stay: they are named by their
// bytes, so the same name is the same file.
func restoreBlobs(dbPath, from string) error {
	src, dst := blobs.Open(blobDir(from)), blobs.Open(blobDir(dbPath))
	sums, err := src.List()
	if err != nil {
		return err
	}
	for _, sum := range sums {
		if err := src.Verify(sum); err != nil {
			continue // a damaged file in the backup is left behind; a sync fetches it
		}
		if dst.Has(sum) && dst.Verify(sum) != nil {
			dst.Remove(sum) // a damaged file here is replaced by the backup's good one
		}
		if err := src.CopyTo(dst, sum); err != nil {
			return friendly(fmt.Errorf("gendan bilag: %w", err))
		}
	}
	return nil
}

// BackupDir is the folder of automatic backups, beside the database.
func (db *DB) BackupDir() string { return backupDir(db.path) }

func backupDir(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), "sikkerhedskopier")
}

const backupStamp = "2006-01-02_150405"

// Retention of automatic backups: the newest of each of the last 7 days
// and of each of the last 4 weeks, and those made before migrations.
const (
	keepDaily  = 7
	keepWeekly = 4
)

// AutoBackup makes today's automatic backup if there is none yet, and
// prunes old ones. It returns the path of the backup made, or "".
func (db *DB) AutoBackup(ctx context.Context) (string, error) {
	now := db.Now()
	dir := db.BackupDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	day := now.Format("2006-01-02")
	existing, _ := filepath.Glob(filepath.Join(dir, "lokalraad-"+day+"_*.db"))
	made := ""
	if len(existing) == 0 {
		made = filepath.Join(dir, "lokalraad-"+now.Format(backupStamp)+".db")
		if err := db.Backup(ctx, made); err != nil {
			return "", err
		}
	}
	return made, pruneBackups(dir, now)
}

// Backups lists the automatic backups, newest first.
func (db *DB) Backups() ([]string, error) { return Backups(db.path) }

// Backups lists the automatic backups of the database at dbPath, newest
// first; it works when the database itself cannot be opened.
func Backups(dbPath string) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(backupDir(dbPath), "lokalraad-*.db"))
	sort.Sort(sort.Reverse(sort.StringSlice(names)))
	return names, err
}

// pruneBackups keeps the newest daily backup of each of the last keepDaily
// days and of each of the last keepWeekly ISO weeks; backups made before a
// migration are kept.
func pruneBackups(dir string, now time.Time) error {
	names, err := filepath.Glob(filepath.Join(dir, "lokalraad-*.db"))
	if err != nil {
		return err
	}
	sort.Sort(sort.Reverse(sort.StringSlice(names))) // newest first
	days, weeks := map[string]bool{}, map[string]bool{}
	for _, n := range names {
		t, err := time.ParseInLocation(backupStamp, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(n), "lokalraad-"), ".db"), now.Location())
		if err != nil {
			continue // not ours, or made before a migration
		}
		day := t.Format("2006-01-02")
		y, w := t.ISOWeek()
		week := fmt.Sprint(y, w)
		keep := false
		if !days[day] && len(days) < keepDaily {
			days[day], keep = true, true
		}
		if !weeks[week] && len(weeks) < keepWeekly {
			weeks[week], keep = true, true
		}
		if !keep {
			os.Remove(n)
			os.RemoveAll(blobDir(n))
		}
	}
	return nil
}

// Restore replaces the database at dbPath by the backup at from, after
// checking that the backup is a sound Lokalråd database this version can
// open. The current database is first saved as a backup itself. The
// database must not be open.
//
// A backup is older than the device's history: the municipality may hold
// ops this device wrote after the backup was taken. So that new edits never
// reuse an op id (device, seq) of that lost tail — the hub would take them
// for duplicates and drop them — the restored database keeps the highest
// sequence number and clock of the backup and the database it replaces.
// When the current database cannot be read (damaged, or gone), nobody knows
// how far it got, and the sequence jumps far ahead instead (jumpSeq). The
// next sync then also fetches this device's own ops back from the hub
// (MetaRefetch), so the lost tail comes home.
func Restore(ctx context.Context, dbPath, from string) (saved string, err error) {
	if err := checkBackupStopped(ctx, from); err != nil {
		return "", err
	}
	return restoreChecked(ctx, dbPath, from)
}

// restoreChecked is Restore of a backup already checked.
//
// Until the backup takes the database's place (the rename), an error
// leaves the database at dbPath as it was: when ctx ends, the copy of it
// made first is removed again too. After the rename only the attachment
// files are copied, which ctx does not stop; an error there is a
// RestoredError.
func restoreChecked(ctx context.Context, dbPath, from string) (saved string, err error) {
	var cur counters // what the database being replaced had reached
	if _, err := os.Stat(dbPath); err == nil {
		dir := backupDir(dbPath)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		saved = freeName(dir, "foer-gendannelse-", time.Now())
		db, err := Open(ctx, dbPath)
		if ctx.Err() != nil {
			// Stopped while opening: the database is not damaged for that.
			if err == nil {
				db.Close()
			}
			return "", model.Interrupted(ctx, context.Cause(ctx))
		}
		if err == nil {
			// A file that opens but fails the check is kept byte for byte
			// below, as one that does not open: VACUUM INTO stops at the
			// first damaged page, and refused every restore over it.
			damaged := db.Check(ctx)
			if damaged == nil {
				cur = readCounters(ctx, db.sql())
			}
			if ctx.Err() == nil && damaged == nil {
				err = db.Backup(ctx, saved)
			}
			db.Close()
			if ctx.Err() != nil {
				return "", restoreStopped(ctx, saved, "")
			}
			// (Only a sound file: a damaged one may keep its log because
			// SQLite could not fold it in, and the rescue must go on.)
			if damaged == nil && inUse(dbPath) {
				removeDB(saved)
				os.RemoveAll(blobDir(saved))
				return "", ErrInUse
			}
			if err != nil {
				return "", fmt.Errorf("gem den nuværende database først: %w", err)
			}
			err = damaged
		}
		if err != nil {
			if err := copyFile(dbPath, saved); err != nil {
				// A damaged current database is kept byte for byte.
				os.Remove(saved)
				return "", fmt.Errorf("gem den nuværende database først: %w", err)
			}
			// With its write-ahead log, when one is left: the restore
			// removes it beside the database.
			if _, err := os.Stat(dbPath + "-wal"); err == nil {
				if err := copyFile(dbPath+"-wal", saved+"-wal"); err != nil {
					removeDB(saved)
					return "", fmt.Errorf("gem den nuværende database først: %w", err)
				}
			}
		}
	}
	tmp := dbPath + ".gendan"
	if err := copyFile(from, tmp); err != nil {
		os.Remove(tmp)
		// The backup was read by the check: what fails is the folder.
		switch dir := filepath.Dir(dbPath); {
		case errors.Is(err, fs.ErrNotExist):
			return "", fmt.Errorf("mappen %s findes ikke (%v)", dir, err)
		case errors.Is(err, fs.ErrPermission):
			return "", fmt.Errorf("mappen %s kan ikke skrives; du har ikke adgang til den (%v)", dir, err)
		}
		return "", friendly(err)
	}
	if err := carryCounters(ctx, tmp, cur); err != nil {
		if ctx.Err() != nil {
			return "", restoreStopped(ctx, saved, tmp)
		}
		removeDB(tmp)
		return "", friendly(fmt.Errorf("gendan: %w", err))
	}
	// The last moment Ctrl-C can stop it: after the rename it is done.
	if ctx.Err() != nil {
		return "", restoreStopped(ctx, saved, tmp)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(dbPath + suffix)
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		removeDB(tmp)
		return "", err
	}
	if err := restoreBlobs(dbPath, from); err != nil {
		return saved, &RestoredError{err}
	}
	return saved, nil
}

// ErrInUse: another window or program has the database open, so a
// restore would put the backup in its place under it, and what it saved
// afterwards would go into the replaced file, lost when it closed.
var ErrInUse = error(model.NewError(model.Conflict, "databasen er åben i Lokalråd eller et andet program; luk det, og gendan så igen"))

// inUse tells whether a connection other than those this DB closed has the
// database at dbPath open: SQLite removes the write-ahead log when the
// last connection closes, and keeps it while another is open.
func inUse(dbPath string) bool {
	_, err := os.Stat(dbPath + "-wal")
	return err == nil
}

// restoreStopped removes what a restore stopped by ctx had made (the copy
// of the current database and the backup's copy beside it) and says it
// was stopped: the database has not changed.
func restoreStopped(ctx context.Context, saved, tmp string) error {
	if saved != "" {
		removeDB(saved)
		os.Remove(saved + ".tmp")
		os.RemoveAll(blobDir(saved))
	}
	if tmp != "" {
		removeDB(tmp)
	}
	return model.Interrupted(ctx, context.Cause(ctx))
}

// RestoredError is an error of Restore after the backup had taken the
// database's place: the database is restored, but not every attachment
// file kept beside the backup was brought back (a sync fetches them).
type RestoredError struct{ Err error }

func (e *RestoredError) Error() string {
	return "databasen er gendannet, men ikke alle bilag: " + e.Err.Error()
}

func (e *RestoredError) Unwrap() error { return e.Err }

// counters are a database's device sequence and clock; ok is false when
// they could not be read.
type counters struct {
	seq, hlc int64
	ok       bool
}

func readCounters(ctx context.Context, sqldb *sql.DB) counters {
	var seq, hlc sql.NullString
	if err := sqldb.QueryRowContext(ctx, "SELECT (SELECT value FROM meta WHERE key = 'seq'), (SELECT value FROM meta WHERE key = 'hlc')").Scan(&seq, &hlc); err != nil || !seq.Valid || !hlc.Valid {
		return counters{}
	}
	s, err1 := strconv.ParseInt(seq.String, 10, 64)
	h, err2 := strconv.ParseInt(hlc.String, 10, 64)
	if err1 != nil || err2 != nil {
		return counters{}
	}
	return counters{seq: s, hlc: h, ok: true}
}

// jumpSeq is how far the sequence jumps when the replaced database's could
// not be read: more ops than a device writes in its life. The jump is also
// at least the wall clock in milliseconds << 10, so that restoring the same
// backup twice over lost databases does not land on the same numbers twice
// (that would take 1024 ops a millisecond in between).
const jumpSeq = 1 << 32

// carryCounters raises the sequence and clock of the restored copy at path
// to at least cur's (or jumps the sequence when cur is unknown) and asks
// the next sync to fetch this device's own ops back.
func carryCounters(ctx context.Context, path string, cur counters) error {
	sqldb, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer sqldb.Close()
	have := readCounters(ctx, sqldb)
	if !have.ok {
		return fmt.Errorf("%s: %w", path, ErrNotDatabase)
	}
	seq, hlc := max(have.seq, cur.seq), max(have.hlc, cur.hlc)
	if !cur.ok {
		seq = max(have.seq+jumpSeq, time.Now().UnixMilli()<<10)
	}
	tx, err := sqldb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	for k, v := range map[string]string{"seq": strconv.FormatInt(seq, 10), "hlc": strconv.FormatInt(hlc, 10), MetaRefetch: "1"} {
		if _, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", k, v); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	return sqldb.Close()
}

// removeDB removes a database file with its WAL and shared memory files.
// freeName is dir/prefix+stamp+".db" for the time now, or, when a file of
// that name is there already (an upgrade that failed, or a restore, within
// the same second), the same with -2, -3 … before ".db": VACUUM INTO
// refuses a file that exists, and a copy made earlier is never replaced.
func freeName(dir, prefix string, now time.Time) string {
	base := filepath.Join(dir, prefix+now.Format(backupStamp))
	name := base + ".db"
	for n := 2; ; n++ {
		if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) {
			return name
		}
		name = fmt.Sprintf("%s-%d.db", base, n)
	}
}

func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}

// checkBackup opens a would-be backup read-only and checks it.
func checkBackup(ctx context.Context, path string) error {
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("sikkerhedskopien %s findes ikke (%v)", path, err)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("du har ikke adgang til at læse sikkerhedskopien %s (%v)", path, err)
	case err != nil:
		return fmt.Errorf("læs sikkerhedskopien %s: %w", path, err)
	}
	head := make([]byte, 16)
	_, err = f.Read(head)
	f.Close()
	if err != nil || string(head) != "SQLite format 3\x00" {
		return fmt.Errorf("%s: %w", path, ErrNotDatabase)
	}
	sqldb, err := sql.Open("sqlite", path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return err
	}
	defer sqldb.Close()
	if err := checkDB(ctx, sqldb); err != nil {
		return err
	}
	var version int
	if err := sqldb.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("%s: %w", path, ErrNotDatabase)
	}
	if version == 0 {
		return fmt.Errorf("%s: %w", path, ErrNotDatabase)
	}
	if version > SchemaVersion() {
		return fmt.Errorf("%s: %w", path, ErrTooNew)
	}
	var n int
	if err := sqldb.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'councils'").Scan(&n); err != nil || n != 1 {
		return fmt.Errorf("%s: %w", path, ErrNotDatabase)
	}
	return nil
}

// checkBackupStopped is checkBackup, saying so when ctx stopped it: a check cut
// off found nothing wrong with the file.
func checkBackupStopped(ctx context.Context, path string) error {
	err := checkBackup(ctx, path)
	if err != nil && ctx.Err() != nil {
		return model.Interrupted(ctx, context.Cause(ctx))
	}
	return err
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
