package dbstate

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// A changed value, an added row and a new index each change the state,
// and Diff names what changed; reading alone changes nothing.
func TestOfSeesEveryChange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec := func(q string) {
		t.Helper()
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	exec("CREATE TABLE minutes(id TEXT PRIMARY KEY, text TEXT); INSERT INTO minutes VALUES ('a', 'Vedtaget'); PRAGMA user_version = 3")
	v, first := Of(t, path)
	if v != 3 {
		t.Errorf("version %d, want 3", v)
	}
	if _, again := Of(t, path); again != first {
		t.Fatalf("reading changed the state:\n%s", Diff(first, again))
	}
	for _, step := range []struct{ change, says string }{
		{"UPDATE minutes SET text = 'Forkastet'", "rows "},
		{"INSERT INTO minutes VALUES ('b', '')", "rows minutes 2"},
		{"CREATE INDEX minutes_text ON minutes(text)", "index minutes_text"},
	} {
		_, before := Of(t, path)
		exec(step.change)
		_, after := Of(t, path)
		if after == before {
			t.Fatalf("%s: the state did not change", step.change)
		}
		if d := Diff(before, after); !strings.Contains(d, step.says) {
			t.Errorf("%s: Diff does not say %q:\n%s", step.change, step.says, d)
		}
	}
}
