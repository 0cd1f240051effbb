package storage

import (
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
	db, err := Open(path)
	ok(t, err)
	clock := syncNow.Add(time.Hour)
	db.Now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }
	t.Cleanup(func() { db.Close() })
	return db
}

func hasIndex(t *testing.T, db *DB, name string) bool {
	t.Helper()
	var n int
	ok(t, db.sql.QueryRow("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ?", name).Scan(&n))
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
	ok(t, c.sql.QueryRow("SELECT COUNT(*) FROM field_versions").Scan(&rows))
	if rows != 0 {
		t.Errorf("the first pull stored %d field versions; every field's version is its last op", rows)
	}

	// Further edits on the old and the new databases meet the same way.
	cs, err := a.Councils()
	ok(t, err)
	ms, err := a.Meetings(cs[0].ID)
	ok(t, err)
	if len(ms) != 1 {
		t.Fatalf("meetings = %+v", ms)
	}
	m := ms[0]
	m.Place = "Skolen"
	ok(t, a.SaveMeeting(Overwriting(a, m), &m))
	mc, err := c.Meeting(m.ID)
	ok(t, err)
	mc.Title = "Bestyrelsesmøde"
	ok(t, c.SaveMeeting(Overwriting(c, mc), &mc))
	for _, p := range [][2]*DB{{a, b}, {a, c}, {c, a}, {c, b}, {b, a}, {b, c}} {
		send(t, p[0], p[1])
	}
	da = dump(t, a)
	for _, x := range []*DB{b, c} {
		if dx := dump(t, x); dx != da {
			t.Fatalf("replicas differ after further edits:\n%s\n---\n%s", da, dx)
		}
	}
	got, err := b.Meeting(m.ID)
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
	rows, err := a.CouncilOverviews(syncNow)
	ok(t, err)
	if len(rows) != 1 || rows[0].LastSync.IsZero() {
		t.Errorf("overview = %+v, want one council heard from", rows)
	}
	if !hasIndex(t, a, "changes_council") {
		t.Error("the overview did not make changes_council")
	}
}
