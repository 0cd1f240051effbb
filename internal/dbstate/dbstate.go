// Package dbstate is for tests only: it says what an SQLite file holds,
// read without opening it the way the programs do (which would upgrade
// it), so that a test can tell that a command stopped partway left the
// file exactly as it was.
package dbstate

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
)

// TB is the part of testing.TB that Of uses.
type TB interface {
	Helper()
	Fatal(args ...any)
}

// Of is the schema version of the SQLite file at path and a text of its
// state: the version, every schema object, the row count of every table
// and a hash of every row (the search indexes' shadow tables included).
// Two files hold the same when their states are equal; Diff says where
// they are not. The caller links an SQLite driver named "sqlite".
//
// It reads with a busy timeout, as the programs do: a step stopped after
// an upgrade (a write whose transaction database/sql rolls back on a
// goroutine of its own) may hold the lock a moment after a command
// returned.
func Of(t TB, path string) (version int, state string) {
	t.Helper()
	ok := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	db, err := sql.Open("sqlite", path+"?mode=ro&_pragma=busy_timeout(10000)")
	ok(err)
	defer db.Close()
	ok(db.QueryRow("PRAGMA user_version").Scan(&version))
	rows, err := db.Query("SELECT type, name, COALESCE(sql, '') FROM sqlite_master ORDER BY type, name")
	ok(err)
	var b strings.Builder
	var tables []string
	for rows.Next() {
		var typ, name, text string
		ok(rows.Scan(&typ, &name, &text))
		fmt.Fprintf(&b, "%s %s %s\n", typ, name, text)
		if typ == "table" && !strings.HasPrefix(strings.ToUpper(text), "CREATE VIRTUAL") {
			tables = append(tables, name)
		}
	}
	ok(rows.Err())
	rows.Close()
	h := sha256.New()
	n := 0
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM "` + table + `" ORDER BY rowid`)
		if err != nil { // WITHOUT ROWID
			rows, err = db.Query(`SELECT * FROM "` + table + `"`)
		}
		ok(err)
		cols, err := rows.Columns()
		ok(err)
		vals, ptrs := make([]any, len(cols)), make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		m := 0
		for rows.Next() {
			ok(rows.Scan(ptrs...))
			fmt.Fprintf(h, "%s %q\n", table, vals)
			m++
		}
		n += m
		fmt.Fprintf(&b, "rows %s %d\n", table, m)
		ok(rows.Err())
		rows.Close()
	}
	return version, fmt.Sprintf("version %d, %d tables, %d rows %s\n%s", version, len(tables), n, hex.EncodeToString(h.Sum(nil)), b.String())
}

// Diff is the lines of two states (Of) that differ, each marked with
// - (only in before) or + (only in after).
func Diff(before, after string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	b, a := in(before), in(after)
	var out []string
	for _, l := range strings.Split(before, "\n") {
		if !a[l] {
			out = append(out, "- "+l)
		}
	}
	for _, l := range strings.Split(after, "\n") {
		if !b[l] {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}
