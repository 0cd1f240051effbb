package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// newCouncilDB is a database with one empty council.
func newCouncilDB(t *testing.T) (string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ny.db")
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := model.Council{Name: "Tølløse Lokalråd"}
	if err := db.SaveCouncil(t.Context(), model.Council{}, &c); err != nil {
		t.Fatal(err)
	}
	return path, c.ID
}

// mustRun runs the CLI with args and returns what it printed; a failure
// fails t with what it said.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, stderr, err := runCmd(t, args...)
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, stderr)
	}
	return out
}

// Flags may come after the file; a second import of the same file asks
// what to do with the rows already there, and skip or update never adds
// them twice.
func TestImportWorkbookTwice(t *testing.T) {
	src, council := demoDB(t)
	book := filepath.Join(t.TempDir(), "jyderup.xlsx")
	if _, _, err := runCmd(t, "export", "workbook", "--db", src, "--council", council, "--out", book); err != nil {
		t.Fatal(err)
	}
	target, cid := newCouncilDB(t)
	out, stderr, err := runCmd(t, "import", "workbook", "--db", target, book, "--dry-run")
	if err != nil || !strings.Contains(out, "Prøvekørsel: intet er gemt.") {
		t.Fatalf("flags after the file: %v\n%s%s", err, out, stderr)
	}
	if _, _, err := runCmd(t, "import", "workbook", "--db", target, book); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		db := noerr.Get(storage.Open(context.Background(), target))(t)
		defer db.Close()
		d := noerr.Get(db.CouncilData(context.Background(), cid))(t)
		return len(d.Wishes) + len(d.Members) + len(d.Projects)
	}
	n := count()
	out, _, err = runCmd(t, "import", "workbook", "--db", target, book)
	if err == nil || !strings.Contains(err.Error(), "--existing skip") || !strings.Contains(out, "findes allerede") {
		t.Fatalf("a second import without a choice: %v\n%s", err, out)
	}
	if count() != n {
		t.Fatal("a second import without a choice wrote rows")
	}
	for _, how := range []string{"skip", "update"} {
		if out, _, err := runCmd(t, "import", "workbook", book, "--db", target, "--existing", how); err != nil {
			t.Fatalf("--existing %s: %v\n%s", how, err, out)
		}
		if got := count(); got != n {
			t.Errorf("--existing %s: %d rows, want %d", how, got, n)
		}
	}
}

// Refusals are Danish, and a cancelled import (Ctrl-C) writes nothing.
func TestImportRefusalsAndCancel(t *testing.T) {
	target, _ := newCouncilDB(t)
	bad := filepath.Join(t.TempDir(), "ønsker.xlsx")
	os.WriteFile(bad, []byte("PK\x03\x04 dette er ikke et regneark"), 0o644)
	_, _, err := runCmd(t, "import", "workbook", "--db", target, bad)
	if err == nil || strings.Contains(err.Error(), "zip:") || !strings.Contains(err.Error(), "ikke et Excel-regneark") {
		t.Errorf("refusal: %v", err)
	}

	src, council := demoDB(t)
	book := filepath.Join(t.TempDir(), "jyderup.xlsx")
	if _, _, err := runCmd(t, "export", "workbook", "--db", src, "--council", council, "--out", book); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errOut strings.Builder
	err = run(ctx, []string{"import", "workbook", "--db", target, book}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "afbrudt; intet er importeret") {
		t.Errorf("cancelled import: %v", err)
	}
	db := noerr.Get(storage.Open(context.Background(), target))(t)
	defer db.Close()
	cs := noerr.Get(db.Councils(t.Context()))(t)
	d := noerr.Get(db.CouncilData(t.Context(), cs[0].ID))(t)
	if len(d.Wishes)+len(d.Members)+len(d.Projects) != 0 {
		t.Error("a cancelled import wrote rows")
	}
}

// A council's own workbook, read back into a new database, brings each
// project's responsible member (»Ansvarlig«, a name in the file) linked to
// the member of that name, and says nothing of a column not used.
func TestImportWorkbookKeepsResponsible(t *testing.T) {
	src, council := demoDB(t)
	book := filepath.Join(t.TempDir(), "jyderup.xlsx")
	if _, _, err := runCmd(t, "export", "workbook", "--db", src, "--council", council, "--out", book); err != nil {
		t.Fatal(err)
	}
	responsible := func(path, cid string) map[string]string { // project title → member name
		db := noerr.Get(storage.Open(context.Background(), path))(t)
		defer db.Close()
		d := noerr.Get(db.CouncilData(context.Background(), cid))(t)
		names := map[string]string{}
		for _, m := range d.Members {
			names[m.ID] = m.Name
		}
		out := map[string]string{}
		for _, p := range d.Projects {
			if p.ResponsibleID != "" {
				out[p.Title] = names[p.ResponsibleID]
			}
		}
		return out
	}
	want := responsible(src, council)
	if len(want) == 0 {
		t.Fatal("the demo council has no project with a responsible member to carry over")
	}
	target, cid := newCouncilDB(t)
	out, stderr, err := runCmd(t, "import", "workbook", "--db", target, book)
	if err != nil {
		t.Fatalf("%v\n%s%s", err, out, stderr)
	}
	if strings.Contains(out+stderr, "bruges ikke") || strings.Contains(out+stderr, "ikke medlem") {
		t.Errorf("the app's own workbook has a column the import does not use:\n%s%s", out, stderr)
	}
	got := responsible(target, cid)
	for title, name := range want {
		if got[title] != name {
			t.Errorf("project %q: responsible %q after the import, want %q", title, got[title], name)
		}
	}
}

// A treasurer's workbook (other header words) that names as »Tovholder«
// someone who is no member says so, and the name is kept in the
// project's working group.
func TestImportWorkbookOfATreasurer(t *testing.T) {
	book := filepath.Join(t.TempDir(), "kasserer.xlsx")
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", "Projekter"); err != nil {
		t.Fatal(err)
	}
	for i, row := range [][]any{{"Projektnavn", "Tovholder"}, {"Bænke ved søen", "Hans Kasserer"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Projekter", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(book); err != nil {
		t.Fatal(err)
	}
	target, cid := newCouncilDB(t)
	out, stderr, err := runCmd(t, "import", "workbook", "--db", target, book)
	if err != nil {
		t.Fatalf("%v\n%s%s", err, out, stderr)
	}
	if !strings.Contains(out, "Bemærk: »Hans Kasserer« er ikke medlem af lokalrådet") {
		t.Errorf("the import does not say that the responsible is no member:\n%s", out)
	}
	db := noerr.Get(storage.Open(context.Background(), target))(t)
	defer db.Close()
	ps := noerr.Get(db.Projects(t.Context(), cid))(t)
	if len(ps) != 1 || ps[0].WorkingGroup != "Hans Kasserer" {
		t.Errorf("projects after the import: %+v", ps)
	}
}
