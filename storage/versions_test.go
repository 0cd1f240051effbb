package storage

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// openFixture opens a copy of a database in testdata with a fixed clock
// after the fixture's own.
func openFixture(t *testing.T, name string) *DB {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	ok(t, err)
	path := filepath.Join(t.TempDir(), name)
	ok(t, os.WriteFile(path, data, 0o644))
	secret, err := os.ReadFile(filepath.Join("testdata", name+".secret"))
	ok(t, err)
	ok(t, os.WriteFile(SecretPath(path), secret, 0o600))
	db, err := Open(context.Background(), path)
	ok(t, err)
	clock := syncNow.Add(time.Hour)
	db.Now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }
	t.Cleanup(func() { db.Close() })
	return db
}

func hasIndex(t *testing.T, db *DB, name string) bool {
	t.Helper()
	var n int
	ok(t, db.sql().QueryRow("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ?", name).Scan(&n))
	return n > 0
}

// Two laptops' databases written by the code before migration 016 (a
// field_versions row for every field, the change log's index by council):
// they hold a conflict over a meeting's place, and each an edit of the
// minutes the other has not seen. After the upgrade, which drops the index,
// they sync as before: the minutes merge, the conflict stays the same on
// both, and a new laptop whose first pull stores no field versions shows
// exactly what they show, before and after further edits.
func TestMigration016OldDatabasesSyncAsBefore(t *testing.T) {
	a, b := openFixture(t, "before016-a.db"), openFixture(t, "before016-b.db")
	for _, db := range []*DB{a, b} {
		if hasIndex(t, db, "changes_council") {
			t.Fatal("changes_council still there after migration 016")
		}
	}
	send(t, a, b)
	send(t, b, a)
	da, db := dump(t, a), dump(t, b)
	if da != db {
		t.Fatalf("replicas differ:\n%s\n---\n%s", da, db)
	}
	for _, want := range []string{"Linje 1 rettet på a", "Linje 3 rettet på b"} {
		if !strings.Contains(da, want) {
			t.Errorf("the minutes lost %q:\n%s", want, da)
		}
	}
	if n := strings.Count(da, "\nconflict "); n != 1 {
		t.Errorf("%d conflicts, want the one over the place:\n%s", n, da)
	}

	c := replica(t, "c")
	send(t, a, c)
	if dc := dump(t, c); dc != da {
		t.Fatalf("a new laptop differs from the old ones:\n%s\n---\n%s", dc, da)
	}
	var rows int
	ok(t, c.sql().QueryRow("SELECT COUNT(*) FROM field_versions").Scan(&rows))
	if rows != 0 {
		t.Errorf("the first pull stored %d field versions; every field's version is its last op", rows)
	}

	// Further edits on the old and the new databases meet the same way.
	cs, err := a.Councils(t.Context())
	ok(t, err)
	ms, err := a.Meetings(t.Context(), cs[0].ID)
	ok(t, err)
	if len(ms) != 1 {
		t.Fatalf("meetings = %+v", ms)
	}
	m := ms[0]
	m.Place = "Skolen"
	ok(t, a.SaveMeeting(t.Context(), Overwriting(t.Context(), a, m), &m))
	mc, err := c.Meeting(t.Context(), m.ID)
	ok(t, err)
	mc.Title = "Bestyrelsesmøde"
	ok(t, c.SaveMeeting(t.Context(), Overwriting(t.Context(), c, mc), &mc))
	for _, p := range [][2]*DB{{a, b}, {a, c}, {c, a}, {c, b}, {b, a}, {b, c}} {
		send(t, p[0], p[1])
	}
	da = dump(t, a)
	for _, x := range []*DB{b, c} {
		if dx := dump(t, x); dx != da {
			t.Fatalf("replicas differ after further edits:\n%s\n---\n%s", da, dx)
		}
	}
	got, err := b.Meeting(t.Context(), m.ID)
	ok(t, err)
	if got.Place != "Skolen" || got.Title != "Bestyrelsesmøde" {
		t.Errorf("meeting on b = %q, %q", got.Place, got.Title)
	}
}

// The staff overview reads a council's newest ops by the index migration
// 016 leaves out on laptops: it is made again where the overview is used.
func TestOverviewMakesCouncilIndex(t *testing.T) {
	a := openFixture(t, "before016-a.db")
	if hasIndex(t, a, "changes_council") {
		t.Fatal("changes_council still there after migration 016")
	}
	rows, err := a.CouncilOverviews(t.Context(), syncNow)
	ok(t, err)
	if len(rows) != 1 || rows[0].LastSync.IsZero() {
		t.Errorf("overview = %+v, want one council heard from", rows)
	}
	if !hasIndex(t, a, "changes_council") {
		t.Error("the overview did not make changes_council")
	}
}

// A value the sticky rule keeps (the municipality's "besvaret" on a wish)
// is written by an op that is not the field's last: the one case where a
// field's version needs a row in field_versions. Pulled in three pages, in
// one, or in the other order, the laptops show the same, and a later edit
// that had seen everything replaces the answer on each.
func TestStickyVersionIsStored(t *testing.T) {
	ctx := context.Background()
	const council, wish = "r1", "w1"
	op := func(dev string, seq, hlc int64, status, base string) Change {
		return Change{Device: dev, Seq: seq, HLC: hlc << 16, Table: "budget_wishes", Row: wish, Council: council, Field: "status", Value: status, Base: base}
	}
	created := op("c", 1, 10, "indsendt", "")
	answered := op("k", 1, 20, "besvaret", "=c:1")
	unseen := op("c", 2, 30, "udkast", "=c:1") // never saw the answer: loses
	pages := []Change{created, answered, unseen}
	later := op("k", 2, 40, "indsendt", "=c:2,k:1")

	status := func(db *DB) string {
		var s string
		ok(t, db.sql().QueryRow("SELECT status FROM budget_wishes WHERE id = ?", wish).Scan(&s))
		return s
	}
	version := func(db *DB) string {
		v, ok2, err := fieldVersion(context.Background(), db.sql(), "budget_wishes", wish, "status")
		ok(t, err)
		if !ok2 {
			return ""
		}
		return v.id()
	}

	paged := replica(t, "paged")
	for i, p := range [][]Change{{created, answered}, {unseen}} {
		_, err := paged.ApplyPulled(ctx, p, int64(i+1))
		ok(t, err)
	}
	var rows int
	ok(t, paged.sql().QueryRow("SELECT COUNT(*) FROM field_versions WHERE tbl = 'budget_wishes' AND row_id = ?", wish).Scan(&rows))
	if rows != 1 || version(paged) != "k:1" || status(paged) != "besvaret" {
		t.Fatalf("after the unseen edit: %d rows, version %s, status %q; want the answer k:1 stored", rows, version(paged), status(paged))
	}
	whole := replica(t, "whole")
	_, err := whole.ApplyPulled(ctx, pages, 1)
	ok(t, err)
	reversed := replica(t, "reversed")
	for i := len(pages) - 1; i >= 0; i-- {
		_, err := reversed.ApplyPulled(ctx, pages[i:i+1], int64(len(pages)-i))
		ok(t, err)
	}
	want := dump(t, paged)
	for _, db := range []*DB{whole, reversed} {
		if got := dump(t, db); got != want || version(db) != "k:1" {
			t.Fatalf("version %s, replicas differ:\n%s\n---\n%s", version(db), got, want)
		}
	}
	for i, db := range []*DB{paged, whole, reversed} {
		_, err := db.ApplyPulled(ctx, []Change{later}, int64(10+i))
		ok(t, err)
		if status(db) != "indsendt" || version(db) != "k:2" {
			t.Errorf("after the edit that saw everything: status %q, version %s", status(db), version(db))
		}
	}
}
