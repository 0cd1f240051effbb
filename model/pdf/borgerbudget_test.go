package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"lokalraad/model"
)

// pbFixture is Vestby Lokalråd's round: five proposals on the ballot and
// one rejected, 40 ballots entered twice alike at two places, one invalid,
// one blank, and (when diff) one number the counters entered differently.
func pbFixture(diff bool) (model.PBRound, []model.PBProposal, []model.PBBallot) {
	r := model.PBRound{ID: "r", CouncilID: "c", Title: "Borgerbudget 2026", Pot: 150_000_00, Population: 2400,
		Phase: model.PhaseResult, BallotKind: model.PBApproval, MaxChoices: 3, Method: model.CountVotes, TieRule: model.TieByID,
		VotingFrom: day(2026, time.May, 1), VotingTo: day(2026, time.May, 14)}
	ps := []model.PBProposal{
		{ID: "p1", Number: 1, Title: "Shelter ved Skarresø", Text: "To shelters og en bålplads ved søen.\nAnden linje kommer ikke på sedlen.", Cost: 60_000_00, Status: model.ProposalOnBallot},
		{ID: "p2", Number: 2, Title: "Petanquebane i Kvanløse", Text: "Ved forsamlingshuset.", Cost: 25_000_50, AdjustedCost: 30_000_00, Status: model.ProposalOnBallot},
		{ID: "p3", Number: 3, Title: "Bænke langs stien til Ågerup – for Şule og Łukasz", Cost: 12_000_00, Status: model.ProposalOnBallot},
		{ID: "p4", Number: 4, Title: "Legeplads i Tølløse", Cost: 90_000_00, Status: model.ProposalOnBallot},
		{ID: "p5", Number: 5, Title: "Skaterbane", Cost: 500_000_00, Status: model.ProposalRejected, Reason: "for dyr"},
		{ID: "p7", Number: 7, Title: "Stiforløb ved åen", Cost: 45_000_00, Status: model.ProposalOnBallot},
	}
	var bs []model.PBBallot
	add := func(entry, n int, place string, marks ...int) {
		b := model.PBBallot{ID: fmt.Sprint(entry, "-", n, "-", len(bs)), Entry: entry, Number: n, Place: place}
		for _, m := range marks {
			b.Marks = append(b.Marks, model.PBMark{Number: m})
		}
		bs = append(bs, b)
	}
	patterns := [][]int{{1, 3}, {1, 2, 3}, {4}, {2, 7}, {3}, {1, 4, 7}, {7, 3}, {2}}
	for n := 1; n <= 40; n++ {
		place := "Kvanløse Forsamlingshus"
		if n > 25 {
			place = "Tølløse Bibliotek"
		}
		add(1, n, place, patterns[n%len(patterns)]...)
		add(2, n, place, patterns[n%len(patterns)]...)
	}
	add(1, 41, "Tølløse Bibliotek", 1, 2, 3, 4)
	add(2, 41, "Tølløse Bibliotek", 1, 2, 3, 4)
	add(1, 43, "Tølløse Bibliotek")
	add(2, 43, "Tølløse Bibliotek")
	if diff {
		add(1, 42, "Tølløse Bibliotek", 1)
		add(2, 42, "Tølløse Bibliotek", 2)
	}
	return r, ps, bs
}

func TestBallotsCarryTheRuleTheProposalsAndTheirNumber(t *testing.T) {
	r, ps, _ := pbFixture(false)
	var buf bytes.Buffer
	if err := Ballots(&buf, "Vestby Lokalråd", r, ps, BallotOptions{From: 7, To: 9, Place: "Kvanløse Forsamlingshus"}, Options{Now: printedAt}); err != nil {
		t.Fatal(err)
	}
	got := pages(t, buf.Bytes())
	if len(got) != 3 {
		t.Fatalf("%d pages for 3 ballots", len(got))
	}
	for i, p := range got {
		p = strings.Join(strings.Fields(p), " ")
		contains(t, "ballot", p, fmt.Sprintf("Stemmeseddel nr. %d", 7+i), "Vestby Lokalråd", "Borgerbudget 2026", "Sæt højst 3 krydser",
			"1. Shelter ved Skarresø", "To shelters og en bålplads ved søen.", "60.000 kr.", "Petanquebane i Kvanløse", "30.000 kr.",
			"Łukasz", "7. Stiforløb ved åen", "Afstemningssted: Kvanløse Forsamlingshus", "Skriv ikke dit navn", "1. maj 2026")
		lacks(t, "ballot", p, "Skaterbane", "Anden linje", "25.000,50")
	}
	// Without a place: a line to write it on.
	buf.Reset()
	if err := Ballots(&buf, "Vestby Lokalråd", r, ps, BallotOptions{From: 1, To: 1}, Options{Now: printedAt}); err != nil {
		t.Fatal(err)
	}
	p := pages(t, buf.Bytes())[0]
	contains(t, "ballot", p, "Afstemningssted:")
	lacks(t, "ballot", p, "Kvanløse Forsamlingshus")

	// Points: the rule says so.
	r.BallotKind, r.Points = model.PBPoints, 10
	buf.Reset()
	if err := Ballots(&buf, "Vestby Lokalråd", r, ps, BallotOptions{From: 1, To: 1}, Options{Now: printedAt}); err != nil {
		t.Fatal(err)
	}
	contains(t, "points ballot", text(t, buf.Bytes()), "Fordel højst 10 point", "Point")
}

// Many proposals flow onto a second sheet that repeats the number; large
// type takes more sheets than normal type for the same proposals.
func TestBallotsFlowOntoMoreSheets(t *testing.T) {
	r, _, _ := pbFixture(false)
	var ps []model.PBProposal
	for i := 1; i <= 24; i++ {
		ps = append(ps, model.PBProposal{ID: fmt.Sprint(i), Number: i, Title: fmt.Sprintf("Forslag nummer %d om byens grønne område", i),
			Text: "En kort beskrivelse af, hvad forslaget går ud på, og hvem der får glæde af det i landsbyen.", Cost: int64(i) * 1000_00, Status: model.ProposalOnBallot})
	}
	count := func(large bool) []string {
		var buf bytes.Buffer
		if err := Ballots(&buf, "Vestby Lokalråd", r, ps, BallotOptions{From: 11, To: 12, Large: large}, Options{Now: printedAt}); err != nil {
			t.Fatal(err)
		}
		return pages(t, buf.Bytes())
	}
	normal, large := count(false), count(true)
	if len(normal) < 4 || len(normal)%2 != 0 || len(large) <= len(normal) {
		t.Fatalf("%d normal pages, %d large pages for 2 ballots", len(normal), len(large))
	}
	per := len(large) / 2
	for i, p := range large {
		n, sheet := 11+i/per, i%per+1
		contains(t, "large ballot", p, fmt.Sprintf("Stemmeseddel nr. %d – side %d af %d", n, sheet, per), fmt.Sprintf("Stemmeseddel nr. %d", n))
	}
	all := strings.Join(strings.Fields(strings.Join(large[:per], "\n")), " ")
	for _, p := range ps {
		contains(t, "large ballot", all, fmt.Sprintf("%d. Forslag nummer %d", p.Number, p.Number))
	}
	contains(t, "last sheet", large[per-1], "Afstemningssted:")
	lacks(t, "first sheet", large[0], "Afstemningssted:")
}

func TestBallotsRefuseNonsense(t *testing.T) {
	r, ps, _ := pbFixture(false)
	for _, bo := range []BallotOptions{{From: 0, To: 5}, {From: 5, To: 4}, {From: 1, To: MaxBallotSheets + 1}} {
		if err := Ballots(io.Discard, "V", r, ps, bo, Options{}); !errors.Is(err, ErrBallotNumbers) {
			t.Errorf("%+v: %v", bo, err)
		}
	}
	if err := Ballots(io.Discard, "V", r, ps[4:5], BallotOptions{From: 1, To: 1}, Options{}); !errors.Is(err, ErrNoProposalsOnBallot) {
		t.Errorf("no proposals on the ballot: %v", err)
	}
}

// BenchmarkBallots500 prints a run of 500 ballots.
func BenchmarkBallots500(b *testing.B) {
	r, ps, _ := pbFixture(false)
	for b.Loop() {
		if err := Ballots(io.Discard, "Vestby Lokalråd", r, ps, BallotOptions{From: 1, To: 500}, Options{Now: printedAt}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestPBResultsSayWhatWonAndWhy(t *testing.T) {
	r, ps, bs := pbFixture(false)
	res, err := r.Result(ps, bs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := PBResults(&buf, "Vestby Lokalråd", r, ps, res, Options{Now: printedAt}); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(strings.Fields(text(t, buf.Bytes())), " ")
	contains(t, "results", all, "Resultat – Borgerbudget 2026", "Vestby Lokalråd", "Pulje 150.000 kr.", "Flest stemmer",
		"Forslag, der får penge", "Tilbage af puljen", "Afgivne stemmesedler 42", "Gyldige 40", "Ugyldige 2",
		"Stemmeprocent 1,8 % af 2.400 indbyggere", "for mange krydser: 1 (nr. 41)", "blank stemmeseddel: 1 (nr. 43)",
		"Kvanløse Forsamlingshus", "Tølløse Bibliotek", "Alle forslag på stemmesedlen", "Sådan er der talt",
		"hvis det kan være i det, der er tilbage af puljen", "10 kommer før 2", "Optællingen trin for trin", "Valgt med")
	lacks(t, "results", all, "FORELØBIGT", "ÆNDRET I HÅNDEN", "Skaterbane", "Blanke sedler")
	for _, w := range res.Winners {
		contains(t, "results", all, w.Title)
	}
	contains(t, "results", all, "I alt "+model.Kroner(res.Cost), model.Kroner(res.Left))
}

// A round whose blank ballots are valid votes for nothing says so among its
// rules, since the rule changes who shares the pot under MES.
func TestPBResultsSayBlankBallotsAreValid(t *testing.T) {
	r, ps, bs := pbFixture(false)
	r.BlankValid = true
	res, err := r.Result(ps, bs, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lang model.Lang
		want string
	}{{model.Danish, "Blanke sedler gyldige: en stemme på intet"}, {model.English, "Blank ballots valid: a vote for nothing"}} {
		var buf bytes.Buffer
		if err := PBResults(&buf, "Vestby Lokalråd", r, ps, res, Options{Now: printedAt, Lang: c.lang}); err != nil {
			t.Fatal(err)
		}
		contains(t, "results", strings.Join(strings.Fields(text(t, buf.Bytes())), " "), c.want)
	}
}

// A difference still open makes the result preliminary on every page; an
// override prints its reason on every page.
func TestPBResultsMarkPreliminaryAndOverride(t *testing.T) {
	r, ps, bs := pbFixture(true)
	r.Method = model.CountMES
	r.OverrideNumbers, r.OverrideReason = []int{3, 1}, "Legepladsen får penge fra en fond i stedet."
	res, err := r.Result(ps, bs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Pending || !res.Overridden {
		t.Fatalf("pending %v, overridden %v", res.Pending, res.Overridden)
	}
	var buf bytes.Buffer
	if err := PBResults(&buf, "Vestby Lokalråd", r, ps, res, Options{Now: printedAt}); err != nil {
		t.Fatal(err)
	}
	ps2 := pages(t, buf.Bytes())
	if len(ps2) < 2 {
		t.Fatalf("%d pages; the test wants the marks on more than one", len(ps2))
	}
	for i, p := range ps2 {
		one := strings.Join(strings.Fields(p), " ")
		contains(t, fmt.Sprintf("page %d", i+1), one, "FORELØBIGT RESULTAT", "RESULTATET ER ÆNDRET I HÅNDEN: Legepladsen får penge")
	}
	all := strings.Join(strings.Fields(strings.Join(ps2, " ")), " ")
	contains(t, "results", all, "1 stemmeseddel er tastet forskelligt", "Nr. 42: tæller 1: 1 (Tølløse Bibliotek); tæller 2: 2 (Tølløse Bibliotek)",
		"Resultatet er ændret i hånden", "Optællingen gav:", "Lige andele", "Legeplads i Tølløse")
}

// However many proposals and places a round has, a table's heading never
// ends a page with its table on the next.
func TestPBResultsHeadingsStayWithTheirTables(t *testing.T) {
	r, ps, bs := pbFixture(false)
	for extra := 0; extra < 30; extra++ {
		ps := slices.Clone(ps)
		for i := range extra {
			ps = append(ps, model.PBProposal{ID: fmt.Sprint("x", i), Number: 10 + i, Title: fmt.Sprint("Forslag ", 10+i), Cost: 1_000_00, Status: model.ProposalOnBallot})
		}
		res, err := r.Result(ps, bs, nil)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := PBResults(&buf, "Vestby Lokalråd", r, ps, res, Options{Now: printedAt}); err != nil {
			t.Fatal(err)
		}
		for i, p := range pages(t, buf.Bytes()) {
			var last string
			for _, l := range strings.Split(p, "\n") {
				if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "Udskrevet") && !strings.Contains(l, "Side ") {
					last = l
				}
			}
			for _, h := range []string{"Forslag, der får penge", "Alle forslag på stemmesedlen", "Afstemningssteder"} {
				if last == h {
					t.Errorf("%d extra proposals: page %d ends with the heading %q", extra, i+1, h)
				}
			}
		}
	}
}
