package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"lokalraad/assets"
	"lokalraad/internal/noerr"
	"lokalraad/storage"
)

func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestDemoWritesTheDemoCouncil(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	out, _, err := runCmd(t, "demo", "--db", path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	id := lines[len(lines)-1]

	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d, err := db.CouncilData(t.Context(), id)
	if err != nil {
		t.Fatalf("the printed id %q is no council: %v", id, err)
	}
	if d.Council.Name != "Jyderup Lokalråd" || len(d.Members) < 5 || len(d.Meetings) < 6 || len(d.Items) < 30 ||
		len(d.Projects) < 3 || len(d.Wishes) < 4 || len(d.Applications) < 2 || len(d.Actions) < 3 {
		t.Errorf("demo council is thin: %d members, %d meetings, %d items, %d projects, %d wishes",
			len(d.Members), len(d.Meetings), len(d.Items), len(d.Projects), len(d.Wishes))
	}
	// A year of meetings: some with approved minutes, and the next one planned.
	approved, planned := 0, 0
	for _, m := range d.Meetings {
		switch m.Status {
		case "godkendt":
			approved++
		case "planlagt":
			planned++
		}
	}
	if approved == 0 || planned == 0 {
		t.Errorf("demo has %d approved and %d planned meetings", approved, planned)
	}
}

func TestDemoLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "large.db")
	if _, _, err := runCmd(t, "demo", "--db", path, "--large", "--councils", "2", "--years", "1"); err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cs := noerr.Get(db.Councils(t.Context()))(t)
	if len(cs) != 2 {
		t.Fatalf("%d councils, want 2", len(cs))
	}
	ms := noerr.Get(db.Meetings(t.Context(), cs[0].ID))(t)
	if len(ms) != 12 {
		t.Errorf("%d meetings in a year, want 12", len(ms))
	}
}

func TestDemoNeedsDB(t *testing.T) {
	_, _, err := runCmd(t, "demo")
	if err == nil || !strings.Contains(err.Error(), "--db") {
		t.Errorf("err = %v, want a message naming --db", err)
	}
}

func TestUnknownCommand(t *testing.T) {
	_, _, err := runCmd(t, "--db", filepath.Join(t.TempDir(), "x.db"), "eksportér")
	if err == nil || !strings.Contains(err.Error(), "ukendt kommando") {
		t.Errorf("err = %v", err)
	}
}

// `lokalraad version` prints the version FyneApp.toml names
// (assets.Version), without opening a window or a database.
func TestVersion(t *testing.T) {
	for _, arg := range []string{"version", "--version"} {
		out, _, err := runCmd(t, arg)
		if err != nil {
			t.Fatal(err)
		}
		if want := "Lokalråd " + assets.Version() + "\n"; out != want {
			t.Errorf("lokalraad %s printed %q, want %q", arg, out, want)
		}
	}
}
