package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// demoDB writes the demo council to a temp database and returns its path
// and the council id.
func demoDB(t *testing.T) (string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "demo.db")
	out, _, err := runCmd(t, "demo", "--db", path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return path, lines[len(lines)-1]
}

func TestExportEveryKind(t *testing.T) {
	path, council := demoDB(t)
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	ms := noerr.Get(db.Meetings(t.Context(), council))(t)
	ws := noerr.Get(db.BudgetWishes(t.Context(), council, 0))(t)
	db.Close()
	meeting := ms[len(ms)-2].ID
	dir := t.TempDir()
	cases := []struct {
		args  []string
		magic string
	}{
		{[]string{"export", "packet", "--meeting", meeting}, "%PDF"},
		{[]string{"export", "chair", "--meeting", meeting}, "%PDF"},
		{[]string{"export", "minutes", "--meeting", meeting, "--lang", "en"}, "%PDF"},
		{[]string{"export", "attendance", "--meeting", meeting}, "%PDF"},
		{[]string{"export", "notes", "--meeting", meeting}, "%PDF"},
		{[]string{"export", "wishes", "--year", itoa(ws[0].Year)}, "%PDF"},
		{[]string{"export", "workbook", "--council", council}, "PK"},
		{[]string{"export", "calendar"}, "BEGIN:VCALENDAR"},
		{[]string{"export", "yearwheel", "--year", "2027"}, "%PDF"},
		{[]string{"export", "accounts", "--year", "2027"}, "%PDF"},
		{[]string{"export", "plan", "--year", "2027"}, "%PDF"},
	}
	for i, c := range cases {
		out := filepath.Join(dir, c.args[1]+itoa(i))
		args := append(append([]string{}, c.args...), "--db", path, "--out", out)
		if _, stderr, err := runCmd(t, args...); err != nil {
			t.Errorf("%v: %v\n%s", c.args, err, stderr)
			continue
		}
		data, err := os.ReadFile(out)
		if err != nil || !bytes.HasPrefix(data, []byte(c.magic)) {
			t.Errorf("%v wrote %d bytes not starting with %q: %v", c.args, len(data), c.magic, err)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestExportErrors(t *testing.T) {
	path, _ := demoDB(t)
	out := filepath.Join(t.TempDir(), "x.pdf")
	for _, args := range [][]string{
		{"export", "packet", "--db", path, "--out", out},                             // no meeting
		{"export", "packet", "--db", path, "--out", out, "--meeting", "nope"},        // unknown meeting
		{"export", "wishes", "--db", path, "--out", out},                             // no year
		{"export", "yearwheel", "--db", path, "--out", out},                          // no year
		{"export", "accounts", "--db", path, "--out", out},                           // no year
		{"export", "plan", "--db", path, "--out", out},                               // no year
		{"export", "yearwheel", "--db", path, "--out", out, "--year", "99999"},       // no such year
		{"export", "poster", "--db", path, "--out", out},                             // unknown kind
		{"export", "packet", "--db", path + ".typo", "--out", out, "--meeting", "x"}, // no such db
	} {
		if _, _, err := runCmd(t, args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed export left a file")
	}
	if _, err := os.Stat(path + ".typo"); err == nil {
		t.Error("a mistyped --db created a database")
	}
}

// Export a council's workbook, then import it into a fresh council: the
// wishes, projects and members come across; a dry run writes nothing.
func TestWorkbookRoundTripByCommandLine(t *testing.T) {
	path, council := demoDB(t)
	book := filepath.Join(t.TempDir(), "jyderup.xlsx")
	if _, _, err := runCmd(t, "export", "workbook", "--db", path, "--council", council, "--out", book); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "ny.db")
	db, err := storage.Open(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	c := model.Council{Name: "Tølløse Lokalråd"}
	if err := db.SaveCouncil(t.Context(), model.Council{}, &c); err != nil {
		t.Fatal(err)
	}
	db.Close()

	out, _, err := runCmd(t, "import", "workbook", "--db", target, "--dry-run", book)
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	db = noerr.Get(storage.Open(context.Background(), target))(t)
	if ws := noerr.Get(db.BudgetWishes(t.Context(), c.ID, 0))(t); len(ws) != 0 {
		t.Errorf("a dry run wrote %d wishes", len(ws))
	}
	db.Close()

	if out, _, err := runCmd(t, "import", "workbook", "--db", target, book); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	src := noerr.Get(storage.Open(context.Background(), path))(t)
	defer src.Close()
	want := noerr.Get(src.CouncilData(t.Context(), council))(t)
	db = noerr.Get(storage.Open(context.Background(), target))(t)
	defer db.Close()
	got := noerr.Get(db.CouncilData(t.Context(), c.ID))(t)
	if len(got.Wishes) != len(want.Wishes) || len(got.Projects) != len(want.Projects) || len(got.Members) != len(want.Members) {
		t.Errorf("imported %d wishes, %d projects, %d members; exported %d, %d, %d",
			len(got.Wishes), len(got.Projects), len(got.Members), len(want.Wishes), len(want.Projects), len(want.Members))
	}
}

func TestImportRefusesNonWorkbook(t *testing.T) {
	path, council := demoDB(t)
	bad := filepath.Join(t.TempDir(), "ønsker.xlsx")
	os.WriteFile(bad, []byte("dette er ikke et regneark"), 0o644)
	if _, _, err := runCmd(t, "import", "workbook", "--db", path, "--council", council, bad); err == nil {
		t.Fatal("a file that is not a workbook was imported")
	}
}

func TestBackupRestoreAndPersonCommands(t *testing.T) {
	path, council := demoDB(t)
	copyPath := filepath.Join(t.TempDir(), "usb", "kopi.db")
	os.MkdirAll(filepath.Dir(copyPath), 0o755)
	if _, _, err := runCmd(t, "backup", "--db", path, "--out", copyPath); err != nil {
		t.Fatal(err)
	}

	out, _, err := runCmd(t, "person", "show", "--db", path, "--name", "Karen Østergaard")
	if err != nil {
		t.Fatal(err)
	}
	var r model.PersonReport
	if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.Members) != 1 || len(r.Attended) == 0 {
		t.Fatalf("person show: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, "person", "erase", "--db", path, "--council", council, "--name", "Karen Østergaard"); err != nil {
		t.Fatal(err)
	}
	out, _, _ = runCmd(t, "person", "show", "--db", path, "--name", "Karen Østergaard")
	json.Unmarshal([]byte(out), &r)
	if !r.Empty() {
		t.Errorf("still kept after erase: %s", out)
	}

	// Restoring the backup brings her back (the erasure came after it).
	if _, _, err := runCmd(t, "restore", "--db", path, copyPath); err != nil {
		t.Fatal(err)
	}
	out, _, _ = runCmd(t, "person", "show", "--db", path, "--name", "Karen Østergaard")
	r = model.PersonReport{}
	json.Unmarshal([]byte(out), &r)
	if len(r.Members) != 1 {
		t.Errorf("restore did not bring back the backup: %s", out)
	}
	if _, _, err := runCmd(t, "restore", "--db", path, path+".nope"); err == nil {
		t.Error("restoring a missing file succeeded")
	}
}
