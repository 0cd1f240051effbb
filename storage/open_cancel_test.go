package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"lokalraad/internal/dbstate"
	"lokalraad/model"
)

// fileState is what a database file holds, read without migrating it
// (dbstate.Of).
func fileState(t *testing.T, path string) string {
	t.Helper()
	_, state := dbstate.Of(t, path)
	return state
}

// copyFixture copies a database of testdata into a temp folder.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	ok(t, err)
	path := filepath.Join(t.TempDir(), name)
	ok(t, os.WriteFile(path, data, 0o644))
	return path
}

// cancelInWords cancels ctx at the n-th call of lokalraad_words: in the
// middle of the statement that calls it (migration 020's rebuild of the
// search indexes), as Ctrl-C would.
func cancelInWords(t *testing.T, n int64) (context.Context, *atomic.Int64) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	var calls atomic.Int64
	h := func() error {
		if calls.Add(1) == n {
			cancel()
		}
		return nil
	}
	wordsHook.Store(&h)
	t.Cleanup(func() { wordsHook.Store(nil); cancel() })
	return ctx, &calls
}

func upgradeCopies(t *testing.T, path string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(backupDir(path), "foer-opgradering-*"))
	ok(t, err)
	return files
}

// A database of schema 1 (written by the demo of that version, its device
// secret still in meta) is opened by a program whose user presses Ctrl-C
// while the upgrade rebuilds the search indexes, 19 migrations in. Open
// says »afbrudt« (model.ErrCanceled), and the file is exactly as it was:
// version 1, the same schema and the same rows, not the 18 migrations
// before the one that was stopped. No copy made before the upgrade is left
// behind (it would hold the device secret if it was cut off before the
// secret was dropped from it). The next start upgrades it whole.
func TestOpenCancelledInMigrationLeavesFileAsItWas(t *testing.T) {
	path := copyFixture(t, "schema-v1.db")
	before := fileState(t, path)
	if !strings.HasPrefix(before, "version 1,") {
		t.Fatalf("fixture: %s", before[:40])
	}

	ctx, calls := cancelInWords(t, 20)
	db, err := Open(ctx, path)
	if err == nil {
		db.Close()
		t.Fatalf("Open went on after the cancellation (%d calls of lokalraad_words)", calls.Load())
	}
	if !errors.Is(err, model.ErrCanceled) || err.Error() != "afbrudt" || model.ErrorCode(err) != model.Canceled {
		t.Fatalf("Open cancelled in the middle of migration 020: %v, want »afbrudt«", err)
	}
	if calls.Load() < 20 {
		t.Fatalf("lokalraad_words ran %d times: the cancellation came before the migration", calls.Load())
	}
	if after := fileState(t, path); after != before {
		t.Errorf("the file changed:\n%s", dbstate.Diff(before, after))
	}
	if files := upgradeCopies(t, path); len(files) > 0 {
		t.Errorf("a cancelled upgrade left its copy %s", files)
	}

	wordsHook.Store(nil)
	db, err = Open(context.Background(), path)
	ok(t, err)
	defer db.Close()
	var version int
	ok(t, db.sql().QueryRow("PRAGMA user_version").Scan(&version))
	if version != SchemaVersion() {
		t.Errorf("after the next start the version is %d, want %d", version, SchemaVersion())
	}
	ok(t, SearchIndexProblem(db))
	if files := upgradeCopies(t, path); len(files) != 1 {
		t.Errorf("the upgrade made copies %v, want one", files)
	}
	cs, err := db.Councils(t.Context())
	ok(t, err)
	if len(cs) != 1 {
		t.Fatalf("%d councils after the upgrade, want the demo's one", len(cs))
	}
	// The demo's project, found by the search indexes that migration 020
	// rebuilt.
	hits, err := db.Search(t.Context(), cs[0].ID, "byfest", 10)
	ok(t, err)
	if len(hits) != 1 || hits[0].Title != "Jyderup Byfest" {
		t.Errorf("searching for »byfest« after the upgrade finds %v, want the project Jyderup Byfest", hits)
	}
}

// A large upgrade of a database written just before migration 020 (a
// council with thousands of rows to index) is stopped at several points of
// its rebuild; every time the file keeps version 19 and its rows.
func TestOpenCancelledDuringSearchRebuild(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	old := openBefore(t, path, "020_search_council_words.sql")
	bigCouncil(t, old, 300)
	ok(t, old.Close())
	before := fileState(t, path)
	if !strings.HasPrefix(before, fmt.Sprintf("version %d,", versionBefore(t, "020_search_council_words.sql"))) {
		t.Fatalf("old file: %s", before[:40])
	}
	for _, n := range []int64{1, 1500} {
		ctx, calls := cancelInWords(t, n)
		db, err := Open(ctx, path)
		if err == nil {
			db.Close()
			t.Fatalf("cancelled at call %d: Open went on (%d calls)", n, calls.Load())
		}
		if !errors.Is(err, model.ErrCanceled) || err.Error() != "afbrudt" {
			t.Fatalf("cancelled at call %d: %v, want »afbrudt«", n, err)
		}
		if after := fileState(t, path); after != before {
			t.Fatalf("cancelled at call %d: the file changed:\n%s", n, dbstate.Diff(before, after))
		}
		if files := upgradeCopies(t, path); len(files) > 0 {
			t.Errorf("cancelled at call %d: the copy %s is left", n, files)
		}
	}
	wordsHook.Store(nil)
	db, err := Open(context.Background(), path)
	ok(t, err)
	defer db.Close()
	ok(t, SearchIndexProblem(db))
}

// Open with a context already ended (Ctrl-C before the database opened)
// says »afbrudt« and neither makes nor upgrades a file.
func TestOpenAlreadyCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	fresh := filepath.Join(t.TempDir(), "ny.db")
	if db, err := Open(ctx, fresh); err == nil || !errors.Is(err, model.ErrCanceled) {
		if db != nil {
			db.Close()
		}
		t.Fatalf("Open of a new file with a cancelled context: %v, want »afbrudt«", err)
	}
	if st, err := os.Stat(fresh); err == nil && st.Size() > 0 {
		state := fileState(t, fresh)
		if !strings.HasPrefix(state, "version 0, 0 rows") {
			t.Errorf("a cancelled Open wrote a schema: %s", state[:60])
		}
	}
	old := copyFixture(t, "schema-v3.db")
	before := fileState(t, old)
	if _, err := Open(ctx, old); !errors.Is(err, model.ErrCanceled) {
		t.Fatalf("Open of an old file with a cancelled context: %v", err)
	}
	if fileState(t, old) != before {
		t.Error("a cancelled Open changed the old file")
	}
	if files := upgradeCopies(t, old); len(files) > 0 {
		t.Errorf("a cancelled Open left %s", files)
	}
}

// The upgrade's one transaction holds only because no migration has a
// statement that SQLite refuses in a transaction (VACUUM, ATTACH), ignores
// there (PRAGMA foreign_keys, journal_mode, …) or that ends the transaction
// (COMMIT, END, ROLLBACK, RELEASE) halfway through the upgrade.
func TestMigrationsRunInATransaction(t *testing.T) {
	comment := regexp.MustCompile(`--[^\n]*`)
	trigger := regexp.MustCompile(`(?is)CREATE\s+TRIGGER.*?\bEND\s*;`)
	forbidden := regexp.MustCompile(`(?i)^(VACUUM|ATTACH|DETACH|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|BEGIN|END|PRAGMA)\b`)
	statements := 0
	for _, f := range migrationFiles() {
		body, err := migrations.ReadFile(f)
		ok(t, err)
		text := trigger.ReplaceAllString(comment.ReplaceAllString(string(body), ""), "CREATE TRIGGER;")
		for _, stmt := range strings.Split(text, ";") {
			stmt = strings.TrimSpace(stmt)
			if stmt == "" {
				continue
			}
			statements++
			if m := forbidden.FindString(stmt); m != "" {
				t.Errorf("%s: %q cannot run inside the upgrade's transaction", filepath.Base(f), stmt)
			}
		}
	}
	if statements < 100 {
		t.Fatalf("read %d statements in the migrations: the split is wrong", statements)
	}
}

// An upgrade that fails (here: the search rebuild of migration 020 returns
// an error, as a full disk would) keeps the copy it made before it began,
// and the file stays as it was. A second start in the same second must not
// stumble over that copy (VACUUM INTO refuses a file that exists) nor
// replace it: each start makes its own copy beside the ones there, and the
// start after the fault is gone upgrades the file.
func TestFailedUpgradesInOneSecondKeepEachCopy(t *testing.T) {
	path := copyFixture(t, "schema-v1.db")
	before := fileState(t, path)
	// Copies "made earlier" under the names of this second and the next
	// few, so that every start below meets a name that is taken.
	dir := backupDir(path)
	ok(t, os.MkdirAll(dir, 0o755))
	now := time.Now()
	var earlier []string
	for s := range 5 {
		name := filepath.Join(dir, "foer-opgradering-v1-"+now.Add(time.Duration(s)*time.Second).Format(backupStamp)+".db")
		ok(t, os.WriteFile(name, []byte("en kopi fra før"), 0o644))
		earlier = append(earlier, name)
	}
	fault := errors.New("disken er fuld (prøve)")
	h := func() error { return fault }
	wordsHook.Store(&h)
	t.Cleanup(func() { wordsHook.Store(nil) })
	for i := range 2 {
		db, err := Open(t.Context(), path)
		if err == nil {
			db.Close()
			t.Fatalf("start %d: the upgrade went on past a failing migration", i+1)
		}
		if strings.Contains(err.Error(), "exists") || strings.Contains(err.Error(), "sikkerhedskopi") {
			t.Fatalf("start %d failed before it upgraded, at the copy: %v", i+1, err)
		}
		if !strings.Contains(err.Error(), "migration 020") {
			t.Errorf("start %d: %v, want the fault of migration 020", i+1, err)
		}
		if after := fileState(t, path); after != before {
			t.Fatalf("start %d changed the file:\n%s", i+1, dbstate.Diff(before, after))
		}
	}
	wordsHook.Store(nil)
	db, err := Open(t.Context(), path)
	ok(t, err)
	db.Close()
	for _, name := range earlier {
		if b, err := os.ReadFile(name); err != nil || string(b) != "en kopi fra før" {
			t.Errorf("the copy made earlier %s was replaced or removed (%v)", filepath.Base(name), err)
		}
	}
	// Two failed starts and the one that upgraded: a copy each, all of
	// the old file.
	copies := upgradeCopies(t, path)
	var made []string
	for _, c := range copies {
		if filepath.Ext(c) == ".db" && !slices.Contains(earlier, c) {
			made = append(made, c)
		}
	}
	if len(made) != 3 {
		t.Fatalf("the three starts made the copies %v, want three", made)
	}
	for _, c := range made {
		if v, _ := dbstate.Of(t, c); v != 1 {
			t.Errorf("%s holds version %d, want the old file's 1", filepath.Base(c), v)
		}
	}
}
