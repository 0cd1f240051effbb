package xlsx_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"lokalraad/model"
	"lokalraad/model/xlsx"
)

// pbRound is a counted round: four proposals on the ballot and one
// rejected, ballots at two places (one invalid, one difference), a place
// that reported totals.
func pbRound() (model.PBRound, []model.PBProposal, []model.PBBallot, []model.PBTotal) {
	r := model.PBRound{ID: "r", CouncilID: "c1", Title: "Borgerbudget 2026", Pot: 150_000_00, Population: 400,
		Phase: model.PhaseResult, BallotKind: model.PBApproval, MaxChoices: 2, Method: model.CountVotes, TieRule: model.TieByID, TotalsMode: true}
	ps := []model.PBProposal{
		{ID: "p1", Number: 1, Title: "Shelter ved Skarresø", Text: "To shelters", Cost: 60_000_00, Status: model.ProposalOnBallot,
			ProposerName: "Łukasz Nowak", ProposerContact: "lukasz@example.dk", Category: "Natur", Place: "Skarresø"},
		{ID: "p2", Number: 2, Title: "Petanquebane", Cost: 25_000_50, AdjustedCost: 30_000_00, Status: model.ProposalOnBallot},
		{ID: "p3", Number: 3, Title: "Bænke langs stien", Cost: 12_000_00, Status: model.ProposalOnBallot},
		{ID: "p4", Number: 4, Title: "Legeplads i Tølløse", Cost: 90_000_00, Status: model.ProposalOnBallot},
		{ID: "p5", Number: 5, Title: "Skaterbane", Cost: 500_000_00, Status: model.ProposalRejected, Reason: "for dyr"},
	}
	m := func(ns ...int) []model.PBMark {
		var out []model.PBMark
		for _, n := range ns {
			out = append(out, model.PBMark{Number: n})
		}
		return out
	}
	bs := []model.PBBallot{
		{ID: "b1", Entry: 1, Number: 1, Place: "Kvanløse", Marks: m(1, 3)},
		{ID: "b2", Entry: 2, Number: 1, Place: "Kvanløse", Marks: m(3, 1)},
		{ID: "b3", Entry: 1, Number: 2, Place: "Kvanløse", Marks: m(2)},
		{ID: "b4", Entry: 2, Number: 2, Place: "Kvanløse", Marks: m(2)},
		{ID: "b5", Entry: 1, Number: 3, Place: "Tølløse", Marks: m(1, 2, 3)},
		{ID: "b6", Entry: 2, Number: 3, Place: "Tølløse", Marks: m(1, 2, 3)},
		{ID: "b7", Entry: 1, Number: 4, Place: "Tølløse", Marks: m(4)},
		{ID: "b8", Entry: 2, Number: 4, Place: "Tølløse", Marks: m(1)},
	}
	ts := []model.PBTotal{{ID: "t1", Place: "Ågerup Skole", ProposalID: "p4", Votes: 7}, {ID: "t2", Place: "Ågerup Skole", ProposalID: "p3", Votes: 2}}
	return r, ps, bs, ts
}

func TestPBWorkbookSheets(t *testing.T) {
	r, ps, bs, ts := pbRound()
	res, err := r.Result(ps, bs, ts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := xlsx.PBWorkbook(&buf, "Vestby Lokalråd", r, ps, bs, ts, &res, xlsx.Options{}); err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Forslag", "Stemmesedler", "Steder", "Resultat"}) {
		t.Fatalf("sheets %q", got)
	}
	if got := firstRow(t, f, "Forslag"); !slices.Equal(got, []string{"Nr.", "Titel", "Beskrivelse", "Forslagsstiller", "Anslået pris", "Kommunens pris",
		"Kategori", "Sted", "Status", "Begrundelse for afvisning", "Stemmer", "Valgt"}) {
		t.Errorf("Forslag headers %q", got)
	}
	if all := strings.Join(flat(t, f, "Forslag"), "|"); strings.Contains(all, "lukasz@example.dk") {
		t.Error("the proposer's contact is written without ContactDetails")
	}
	// Shelter: 1 vote (ballot 1; ballot 3 is invalid, 4 differs), not in
	// the winners? Legeplads has 7 from totals and wins first.
	for ref, want := range map[string]string{"A2": "1", "B2": "Shelter ved Skarresø", "D2": "Łukasz Nowak", "E2": "60000", "F3": "30000",
		"I2": "Til afstemning", "K2": "1", "K5": "7", "L5": "Ja", "I6": "Afvist", "J6": "for dyr", "K6": ""} {
		if got := cell(t, f, "Forslag", ref); got != want {
			t.Errorf("Forslag %s = %q, want %q", ref, got, want)
		}
	}
	if got := numFmt(t, f, "Forslag", "E2"); got != xlsx.KronerFormat {
		t.Errorf("cost format %q", got)
	}
	ballots := strings.Join(flat(t, f, "Stemmesedler"), "|")
	for _, want := range []string{"1 3|Gyldig", "Ugyldig: for mange krydser: 3, højst 2", "Forskel mellem tællerne – ikke talt med", "Tølløse"} {
		if !strings.Contains(ballots, want) {
			t.Errorf("Stemmesedler lack %q: %s", want, ballots)
		}
	}
	places := strings.Join(flat(t, f, "Steder"), "|")
	for _, want := range []string{"Kvanløse|1|Shelter ved Skarresø|1", "Kvanløse|2|Petanquebane|1", "Ågerup Skole|4|Legeplads i Tølløse|7|7", "I alt"} {
		if !strings.Contains(places, want) {
			t.Errorf("Steder lack %q: %s", want, places)
		}
	}
	result := strings.Join(flat(t, f, "Resultat"), "|")
	for _, want := range []string{"Pulje|150000", "Flest stemmer", "FORELØBIGT RESULTAT|1 stemmeseddel er tastet forskelligt", "Tilbage af puljen|" + strings.TrimSuffix(strings.TrimSuffix(strings.ReplaceAll(model.KronerNumber(res.Left), ".", ""), ",00"), ","),
		"4|Legeplads i Tølløse|7|90000|Valgt med"} {
		if !strings.Contains(result, want) {
			t.Errorf("Resultat lacks %q: %s", want, result)
		}
	}

	buf.Reset()
	if err := xlsx.PBWorkbook(&buf, "Vestby Lokalråd", r, ps, bs, ts, nil, xlsx.Options{ContactDetails: true, Lang: model.English}); err != nil {
		t.Fatal(err)
	}
	f = open(t, buf.Bytes())
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Proposals", "Ballots", "Places", "Result"}) {
		t.Fatalf("English sheets %q", got)
	}
	if all := strings.Join(flat(t, f, "Proposals"), "|"); !strings.Contains(all, "lukasz@example.dk") {
		t.Error("no contact with ContactDetails")
	}
	if all := strings.Join(flat(t, f, "Result"), "|"); !strings.Contains(all, "not been counted yet") {
		t.Errorf("an uncounted round: %s", all)
	}
}

// flat is every non-empty row of a sheet, its cells joined by "|".
func flat(t *testing.T, f *excelize.File, sheet string) []string {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		if s := strings.Join(r, "|"); strings.Trim(s, "|") != "" {
			out = append(out, s)
		}
	}
	return out
}

func TestPBProposalsTemplateAndRead(t *testing.T) {
	var buf bytes.Buffer
	if err := xlsx.PBProposalsTemplate(&buf); err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	if got := firstRow(t, f, "Forslag"); !slices.Equal(got, []string{"Nr.", "Titel", "Beskrivelse", "Forslagsstiller", "Kontakt", "Anslået pris", "Kategori", "Sted", "Status"}) {
		t.Errorf("template headers %q", got)
	}
	ps, problems, err := xlsx.ReadPBProposals(bytes.NewReader(buf.Bytes()))
	if err != nil || len(ps) != 0 || len(problems) != 0 {
		t.Fatalf("the empty template: %v, %v, %v", ps, problems, err)
	}

	// Typed in below the example as a treasurer types amounts.
	f.SetSheetRow("Forslag", "A3", &[]any{2, "Bænke ved gadekæret", "Tre bænke.\nOg en skraldespand.", "Åse Ærø", "20 30 40 50", "12.500", "Fællesskab", "Kvanløse", "Modtaget"})
	f.SetSheetRow("Forslag", "A4", &[]any{nil, "Petanquebane", nil, nil, nil, "12.500,50 kr.", nil, nil, "Til afstemning"})
	f.SetSheetRow("Forslag", "A5", &[]any{nil, "Legeplads", nil, nil, nil, 90000.5})
	f.SetSheetRow("Forslag", "A6", &[]any{7, "", "uden titel", nil, nil, 100})
	f.SetSheetRow("Forslag", "A7", &[]any{8, "Sti", nil, nil, nil, "mange penge"})
	f.SetSheetRow("Forslag", "A8", &[]any{2, "Samme nummer", nil, nil, nil, 100})
	f.SetSheetRow("Forslag", "A9", &[]any{9, "Skaterbane", nil, nil, nil, 100, nil, nil, "Afvist"})
	f.SetSheetRow("Forslag", "A10", &[]any{10, "Hundeskov", nil, nil, nil, 100, nil, nil, "Måske"})
	var filled bytes.Buffer
	if err := f.Write(&filled); err != nil {
		t.Fatal(err)
	}
	ps, problems, err = xlsx.ReadPBProposals(&filled)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 3 {
		t.Fatalf("%d proposals: %+v", len(ps), ps)
	}
	want := []model.PBProposal{
		{Number: 2, Title: "Bænke ved gadekæret", Text: "Tre bænke.\nOg en skraldespand.", ProposerName: "Åse Ærø", ProposerContact: "20 30 40 50", Cost: 12_500_00, Category: "Fællesskab", Place: "Kvanløse", Status: model.ProposalReceived},
		{Title: "Petanquebane", Cost: 12_500_50, Status: model.ProposalOnBallot},
		{Title: "Legeplads", Cost: 90_000_50, Status: model.ProposalReceived},
	}
	for i := range want {
		if ps[i] != want[i] {
			t.Errorf("row %d: %+v, want %+v", i+3, ps[i], want[i])
		}
	}
	var msgs []string
	for _, p := range problems {
		msgs = append(msgs, p.String())
	}
	got := strings.Join(msgs, "\n")
	for _, w := range []string{"Forslag, række 6: ", "Forslag, række 7: Anslået pris: »mange penge« er ikke et beløb", "Forslag, række 8: Nr.: nummer 2 er brugt",
		"Forslag, række 9: ", "afvist", "Forslag, række 10: Status: »Måske« kendes ikke"} {
		if !strings.Contains(got, w) {
			t.Errorf("problems lack %q:\n%s", w, got)
		}
	}
	if len(problems) != 5 {
		t.Errorf("%d problems:\n%s", len(problems), got)
	}
}

// The round's workbook reads back as its proposals, without the
// municipality's cost (only staff devices set it).
func TestPBWorkbookReadsBack(t *testing.T) {
	r, ps, bs, ts := pbRound()
	var buf bytes.Buffer
	if err := xlsx.PBWorkbook(&buf, "Vestby Lokalråd", r, ps, bs, ts, nil, xlsx.Options{ContactDetails: true}); err != nil {
		t.Fatal(err)
	}
	got, problems, err := xlsx.ReadPBProposals(&buf)
	if err != nil || len(problems) != 0 {
		t.Fatalf("%v %v", err, problems)
	}
	if len(got) != len(ps) {
		t.Fatalf("%d proposals back", len(got))
	}
	for i, p := range ps {
		p.ID, p.CouncilID, p.RoundID, p.AdjustedCost = "", "", "", 0
		if got[i] != p {
			t.Errorf("%+v, want %+v", got[i], p)
		}
	}
}

func TestReadPBProposalsRefusesOtherFiles(t *testing.T) {
	if _, _, err := xlsx.ReadPBProposals(strings.NewReader("Nr;Titel\n1;Shelter\n")); !errors.Is(err, xlsx.ErrNotWorkbook) {
		t.Errorf("a CSV file: %v", err)
	}
	var buf bytes.Buffer
	if err := xlsx.Template(&buf); err != nil {
		t.Fatal(err)
	}
	if _, _, err := xlsx.ReadPBProposals(&buf); !errors.Is(err, xlsx.ErrNoProposalSheet) {
		t.Errorf("the wishes template: %v", err)
	}
}

// An empty price in a proposals workbook is refused as an empty amount in
// the council's workbook is, never read as 0 kr.; 0 typed is 0 kr.
func TestReadPBProposalsRefusesEmptyPrice(t *testing.T) {
	ps, problems, err := xlsx.ReadPBProposals(bytes.NewReader(book(t, map[string][][]any{
		"Forslag": {{"Nummer", "Titel", "Pris"}, {1, "Bænke", nil}, {2, "Lys", 0}, {3, "Sti", ""}},
	})))
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Title != "Lys" || ps[0].Cost != 0 {
		t.Errorf("proposals %+v", ps)
	}
	var msgs []string
	for _, p := range problems {
		msgs = append(msgs, p.String())
	}
	got := strings.Join(msgs, "\n")
	if len(problems) != 2 || !strings.Contains(got, "Forslag, række 2: Pris: mangler; skriv 0, hvis forslaget ikke koster noget") ||
		!strings.Contains(got, "Forslag, række 4: Pris: mangler") {
		t.Errorf("problems:\n%s", got)
	}
}
