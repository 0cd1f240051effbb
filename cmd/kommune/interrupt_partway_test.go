package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

// fileState is the schema version of the SQLite file at path and a hash of
// its schema and rows, read without opening it as the hub does (which
// would upgrade it).
func fileState(t *testing.T, path string) (int, string) {
	t.Helper()
	// A busy timeout, as the program's own: a step stopped after the
	// upgrade (a write in a transaction that database/sql rolls back on
	// a goroutine of its own) may hold the lock a moment after the
	// command returned.
	db, err := sql.Open("sqlite", path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var version int
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	var tables []string
	for rows.Next() {
		var name, text string
		if err := rows.Scan(&name, &text); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
		fmt.Fprintln(h, text)
	}
	rows.Close()
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals, ptrs := make([]any, len(cols)), make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(h, "%s %q\n", table, vals)
		}
		rows.Close()
	}
	return version, hex.EncodeToString(h.Sum(nil))
}

// The hub's SQLite file of an old schema is upgraded by the first command
// that opens it. Ctrl-C at moments from the start of such a command to
// twice as long as a whole one takes: it says »afbrudt« in Danish only,
// and the file is either at its old version with every row as it was, or
// upgraded whole; never between two migrations. The next command upgrades
// it and works.
func TestCtrlCDuringUpgradeOnOpen(t *testing.T) {
	fixture, err := os.ReadFile(filepath.Join("..", "..", "storage", "testdata", "schema-v1.db"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "kommune.db")
	setup := func() {
		for _, p := range []string{path, path + "-wal", path + "-shm", storage.SecretPath(path)} {
			os.Remove(p)
		}
		os.RemoveAll(filepath.Join(dir, "sikkerhedskopier"))
		if err := os.WriteFile(path, fixture, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := func(ctx context.Context) (string, error) {
		var stdout, stderr bytes.Buffer
		err := run(ctx, []string{"council", "list", "--db", path}, &stdout, &stderr)
		return stdout.String() + stderr.String(), err
	}
	setup()
	_, before := fileState(t, path)
	start := time.Now()
	if out, err := cmd(context.Background()); err != nil || !strings.Contains(out, "Jyderup") {
		t.Fatalf("a whole run: %v\n%s", err, out)
	}
	whole := time.Since(start)
	stopped, inUpgrade := 0, 0
	for i := range 12 {
		setup()
		at := whole * time.Duration(i) / 6
		ctx, cancel := context.WithCancel(context.Background())
		timer := time.AfterFunc(at, cancel)
		out, err := cmd(ctx)
		timer.Stop()
		cancel()
		if err == nil {
			continue
		}
		stopped++
		if err.Error() != "afbrudt" || !errors.Is(err, model.ErrCanceled) {
			t.Errorf("at %v: %v, want »afbrudt«", at, err)
		}
		if s := strings.ToLower(out); strings.Contains(s, "context") || strings.Contains(s, "interrupt") {
			t.Errorf("at %v: printed English: %s", at, out)
		}
		switch v, state := fileState(t, path); v {
		case 1:
			inUpgrade++
			if state != before {
				t.Errorf("at %v: stopped in the upgrade, but the file changed", at)
			}
		case storage.SchemaVersion():
		default:
			t.Errorf("at %v: stopped between two migrations, at version %d", at, v)
		}
		if out, err := cmd(context.Background()); err != nil || !strings.Contains(out, "Jyderup") {
			t.Errorf("at %v: the next command: %v\n%s", at, err, out)
		}
	}
	t.Logf("%d of 12 runs stopped, %d in the upgrade; a whole one takes %v", stopped, inUpgrade, whole)
	if stopped == 0 {
		t.Error("no run was stopped: nothing was tested")
	}
}
