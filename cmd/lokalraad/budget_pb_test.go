package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/model/pb"
	"lokalraad/model/xlsx"
	"lokalraad/storage"
)

// pbDB is a database with one council, and its path.
func pbDB(t *testing.T) (string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pb.db")
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := model.Council{Name: "Vestby Lokalråd"}
	if err := db.SaveCouncil(t.Context(), model.Council{}, &c); err != nil {
		t.Fatal(err)
	}
	return path, c.ID
}

func winners(res model.PBResult) []string {
	var out []string
	for _, w := range res.Winners {
		out = append(out, strconv.Itoa(w.Number))
	}
	return out
}

// A real election goes in as a round, and out again as ballots, results,
// a Pabulib file and a workbook; the file exported counts to the same
// winners as the round in the database.
func TestBudgetRoundInAndOut(t *testing.T) {
	dbPath, _ := pbDB(t)
	dir := t.TempDir()
	anin := filepath.Join("..", "..", "model", "pb", "testdata", "instances", "poland_warszawa_2017_anin.pb")
	out, stderr, err := runCmd(t, "budget", "import-pb", "--db", dbPath, anin)
	if err != nil {
		t.Fatalf("import-pb: %v\n%s", err, stderr)
	}
	roundID := strings.TrimSpace(out)
	db, err := storage.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.PBRoundData(t.Context(), roundID)
	db.Close()
	if err != nil {
		t.Fatalf("the printed id %q is no round: %v", roundID, err)
	}
	if len(d.Proposals) != 17 || len(d.Ballots) != 510 || d.Round.Phase != model.PhaseResult {
		t.Fatalf("round: %d proposals, %d ballots, phase %s", len(d.Proposals), len(d.Ballots), d.Round.Phase)
	}
	res, err := d.Result()
	if err != nil {
		t.Fatal(err)
	}
	// pabutools' greedy outcome on Anin (see budget_test.go).
	got := winners(res)
	slices.Sort(got)
	if strings.Join(got, " ") != "1828 1998 2515 2533 2584 418" {
		t.Errorf("winners %v", got)
	}

	for _, c := range []struct {
		args  []string
		magic string
	}{
		{[]string{"ballots", "--from", "1", "--to", "3", "--place", "Kvanløse", "--large"}, "%PDF-"},
		{[]string{"results"}, "%PDF-"},
		{[]string{"workbook"}, "PK"},
		{[]string{"export-pb"}, "META\n"},
	} {
		file := filepath.Join(dir, c.args[0])
		args := append([]string{"budget"}, c.args...)
		args = append(args, "--db", dbPath, "--round", roundID, "--out", file, "--date", "01.06.2026")
		out, stderr, err := runCmd(t, args...)
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.args[0], err, stderr)
		}
		b, err := os.ReadFile(file)
		if err != nil || strings.TrimSpace(out) != file || !bytes.HasPrefix(b, []byte(c.magic)) {
			t.Errorf("%s: printed %q, file starts %q, %v", c.args[0], out, b[:min(len(b), 10)], err)
		}
	}

	// The exported file counts as the round does.
	fh, err := os.Open(filepath.Join(dir, "export-pb"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := pb.Parse(fh)
	fh.Close()
	if err != nil {
		t.Fatal(err)
	}
	r2, ps2, bs2, err := f.Round()
	if err != nil {
		t.Fatal(err)
	}
	res2, err := r2.Result(ps2, bs2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(winners(res), winners(res2)) {
		t.Errorf("exported file counts %v, the round %v", winners(res2), winners(res))
	}
	// The workbook reads back as the proposals.
	wb := noerr.Get(os.Open(filepath.Join(dir, "workbook")))(t)
	ps, problems, err := xlsx.ReadPBProposals(wb)
	wb.Close()
	if err != nil || len(problems) != 0 || len(ps) != 17 {
		t.Errorf("workbook: %d proposals, %v, %v", len(ps), problems, err)
	}

	// The round is counted: proposals can no longer be added.
	tmpl := filepath.Join(dir, "tmpl.xlsx")
	if _, _, err := runCmd(t, "budget", "proposals-template", "--out", tmpl); err != nil {
		t.Fatal(err)
	}
	book := fillTemplate(t, tmpl, []any{nil, "Bænke", nil, nil, nil, "12.500"})
	if _, _, err := runCmd(t, "budget", "import-proposals", "--db", dbPath, "--round", roundID, book); err == nil || !strings.Contains(err.Error(), "intet er importeret") {
		t.Errorf("import into a counted round: %v", err)
	}
}

// fillTemplate writes rows below the template's example into a new file.
func fillTemplate(t *testing.T, tmpl string, rows ...[]any) string {
	t.Helper()
	f, err := excelize.OpenFile(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, r := range rows {
		if err := f.SetSheetRow("Forslag", "A"+strconv.Itoa(3+i), &r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "forslag.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// Proposals typed into the template go into a round in its proposal
// phase; a file with a bad row names it and writes nothing.
func TestBudgetImportProposals(t *testing.T) {
	dbPath, councilID := pbDB(t)
	db, err := storage.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	r := model.PBRound{CouncilID: councilID, Title: "Borgerbudget 2027", Pot: 100_000_00, Phase: model.PhaseProposals,
		BallotKind: model.PBApproval, MaxChoices: 3, Method: model.CountVotes, TieRule: model.TieByID}
	if err := db.SavePBRound(t.Context(), model.PBRound{}, &r); err != nil {
		t.Fatal(err)
	}
	db.Close()
	tmpl := filepath.Join(t.TempDir(), "tmpl.xlsx")
	if out, _, err := runCmd(t, "budget", "proposals-template", "--out", tmpl); err != nil || strings.TrimSpace(out) != tmpl {
		t.Fatalf("template: %v %q", err, out)
	}

	bad := fillTemplate(t, tmpl, []any{nil, "Shelter", nil, "Åse", nil, "45.000"}, []any{nil, "Sti", nil, nil, nil, "mange penge"})
	out, _, err := runCmd(t, "budget", "import-proposals", "--db", dbPath, "--round", r.ID, bad)
	if err == nil || !strings.Contains(out, "Forslag, række 4: Anslået pris: »mange penge« er ikke et beløb") {
		t.Errorf("a bad row: %v\n%s", err, out)
	}
	good := fillTemplate(t, tmpl, []any{nil, "Shelter", "To shelters", "Åse", "åse@example.dk", "45.000"}, []any{nil, "Bænke", nil, nil, nil, "12.500,50 kr."})
	out, _, err = runCmd(t, "budget", "import-proposals", "--db", dbPath, "--round", r.ID, good)
	if err != nil || !strings.Contains(out, "2 forslag importeret") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	db = noerr.Get(storage.Open(context.Background(), dbPath))(t)
	defer db.Close()
	ps, err := db.PBProposals(t.Context(), r.ID)
	if err != nil || len(ps) != 2 {
		t.Fatalf("%d proposals stored after a refused and a good import: %v", len(ps), err)
	}
	if ps[0].Number != 1 || ps[0].Title != "Shelter" || ps[0].Cost != 45_000_00 || ps[0].ProposerName != "Åse" ||
		ps[1].Number != 2 || ps[1].Cost != 12_500_50 || ps[1].Status != model.ProposalReceived {
		t.Errorf("stored %+v", ps)
	}
}

func TestBudgetRoundCommandsRefuseBadInput(t *testing.T) {
	dbPath, _ := pbDB(t)
	dir := t.TempDir()
	ordinal := filepath.Join("..", "..", "model", "pb", "testdata", "instances", "poland_krakow_2018_swoszowice.pb")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"budget", "ballots", "--db", dbPath, "--out", filepath.Join(dir, "x.pdf")}, "angiv --round"},
		{[]string{"budget", "results", "--db", dbPath, "--round", "nope", "--out", filepath.Join(dir, "x.pdf")}, "runden nope findes ikke"},
		{[]string{"budget", "export-pb", "--db", filepath.Join(dir, "none.db"), "--round", "r", "--out", filepath.Join(dir, "x.pb")}, "findes ikke"},
		{[]string{"budget", "import-pb", "--db", dbPath, ordinal}, "vote_type"},
		{[]string{"budget", "import-pb", "--db", dbPath, filepath.Join(dir, "missing.pb")}, "filen findes ikke"},
		{[]string{"budget", "import-proposals", "--db", dbPath, "--round", "r", filepath.Join(dir, "missing.xlsx")}, "filen findes ikke"},
		{[]string{"budget", "workbook", "--db", dbPath, "--round", "r", "--out", filepath.Join(dir, "x.xlsx"), "--lang", "de"}, "ukendt sprog"},
	}
	for _, c := range cases {
		out, _, err := runCmd(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
		if out != "" {
			t.Errorf("%v printed %q", c.args, out)
		}
	}
	db := noerr.Get(storage.Open(context.Background(), dbPath))(t)
	defer db.Close()
	if rs := noerr.Get(db.PBRoundsAll(t.Context()))(t); len(rs) != 0 {
		t.Errorf("%d rounds written by refused commands", len(rs))
	}
	if _, err := os.Stat(filepath.Join(dir, "x.pdf")); err == nil {
		t.Error("a refused command wrote its file")
	}
}
