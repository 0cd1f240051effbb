package pb_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/model/pb"
)

// numbers are the winners' numbers as text, in the order funded.
func numbers(ws []model.PBProposal) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = strconv.Itoa(w.Number)
	}
	return out
}

// countsAsFile fails t unless the round r read from a file (named name),
// counted by every method, funds the winners the file's election e
// counts; it returns each method's result, for what else a test checks.
func countsAsFile(t *testing.T, name string, e model.Election, r model.PBRound, ps []model.PBProposal, bs []model.PBBallot) map[model.CountMethod]model.PBResult {
	t.Helper()
	out := map[model.CountMethod]model.PBResult{}
	for _, m := range model.PBMethods {
		want, err := model.Count(e, m)
		if err != nil {
			t.Fatal(err)
		}
		r.Method = m
		res, err := r.Result(ps, bs, nil)
		if err != nil {
			t.Fatalf("%s %s: %v", name, m, err)
		}
		if got := numbers(res.Winners); !slices.Equal(got, want.Selected) {
			t.Errorf("%s %s: winners %v, the file counts %v", name, m, got, want.Selected)
		}
		out[m] = res
	}
	return out
}

// A real election read as a round counts to the same winners as the file
// itself, on every method: an approval file (Warszawa, Anin) and a
// cumulative one (Częstochowa, Błeszno).
func TestRoundFromReferenceElectionCountsTheSame(t *testing.T) {
	for _, name := range []string{"poland_warszawa_2017_anin", "poland_czestochowa_2020_bleszno"} {
		f := parseFile(t, filepath.Join("testdata", "instances", name+".pb"))
		r, ps, bs, err := f.Round()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		e, err := f.Election()
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != len(e.Projects) || len(bs) != len(e.Ballots) || r.Phase != model.PhaseResult {
			t.Fatalf("%s: %d proposals, %d ballots, phase %s", name, len(ps), len(bs), r.Phase)
		}
		for _, res := range countsAsFile(t, name, e, r, ps, bs) {
			if len(res.Tally.Invalid) != 0 {
				t.Errorf("%s: %d ballots invalid, first %q", name, len(res.Tally.Invalid), res.Tally.Invalid[0].Reason)
			}
		}
	}
	// Anin says max_sum_cost = budget: the round is "within the pot".
	r, _, _, _ := parseFile(t, "testdata/instances/poland_warszawa_2017_anin.pb").Round()
	if r.BallotKind != model.PBApprovalPot || r.Pot != 122468_00 {
		t.Errorf("Anin: %s, pot %d", r.BallotKind, r.Pot)
	}
	r, _, _, _ = parseFile(t, "testdata/instances/poland_czestochowa_2020_bleszno.pb").Round()
	if r.BallotKind != model.PBPoints || r.Points != 10 {
		t.Errorf("Błeszno: %s, %d points", r.BallotKind, r.Points)
	}
}

func TestRoundRefusesWhatARoundCannotHold(t *testing.T) {
	f := parseFile(t, filepath.Join("testdata", "instances", "poland_krakow_2018_swoszowice.pb"))
	_, _, _, err := f.Round()
	if err == nil || !strings.Contains(err.Error(), "vote_type") || !strings.Contains(err.Error(), "ordinal") || model.ErrorCode(err) != model.Invalid {
		t.Errorf("an ordinal file: %v", err)
	}
	cases := []struct{ file, want string }{
		{"META\nkey;value\nbudget;100.125\nPROJECTS\nproject_id;cost\n1;50\nVOTES\nvoter_id;vote\n1;1\n", "META budget: 100.125 er ikke et helt antal øre"},
		{"META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\n1;50.001\nVOTES\nvoter_id;vote\n1;1\n", "linje 6: pris"},
		{"META\nkey;value\nbudget;100\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;50\n2;20\nVOTES\nvoter_id;vote;points\n1;1,2;3,0\n", "linje 11: 0 point til forslaget \"2\""},
		{"META\nkey;value\nbudget;100\nvote_type;scoring\nPROJECTS\nproject_id;cost\n1;50\nVOTES\nvoter_id;vote;points\n1;1;3\n", "vote_type \"scoring\""},
		// A lot or an override naming a proposal twice: which place counts?
		{"META\nkey;value\nbudget;100\ntie_order;2,1,2\nPROJECTS\nproject_id;cost\n1;50\n2;50\nVOTES\nvoter_id;vote\n1;1\n", "linje 4: META tie_order: forslag 2 står to gange"},
		{"META\nkey;value\nbudget;100\noverride_reason;Kommunen bad om det\noverride_order;1,1\nPROJECTS\nproject_id;cost\n1;50\n2;50\nVOTES\nvoter_id;vote\n1;1\n", "linje 5: META override_order: forslag 1 står to gange"},
		{"META\nkey;value\nbudget;100\ntie_order;1,9\nPROJECTS\nproject_id;cost\n1;50\nVOTES\nvoter_id;vote\n1;1\n", "linje 4: META tie_order: \"9\""},
	}
	for _, c := range cases {
		f, err := pb.Parse(strings.NewReader(c.file))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := f.Round(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.file, err, c.want)
		}
	}
}

// Ids that are not numbers are numbered in file order, and ties are broken
// by the ids as text, as the file's own count breaks them.
func TestRoundNumbersTextIDsAndKeepsTheTieRule(t *testing.T) {
	// B/2 and A/1 cost the same and have the same votes; the budget fits
	// one: "A/1" wins as the smaller id, although it comes second.
	file := "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost;name\nB/2;60;Bænke\nA/1;60;Shelter\nVOTES\nvoter_id;vote\nx;B/2\ny;A/1\n"
	f, err := pb.Parse(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	r, ps, bs, err := f.Round()
	if err != nil {
		t.Fatal(err)
	}
	if ps[0].Number != 1 || ps[0].Title != "Bænke" || ps[1].Number != 2 || !strings.Contains(ps[1].Text, "A/1") {
		t.Errorf("proposals %+v", ps)
	}
	if bs[0].Number != 1 || bs[1].Number != 2 {
		t.Errorf("ballots numbered %d, %d", bs[0].Number, bs[1].Number)
	}
	res, err := r.Result(ps, bs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := numbers(res.Winners); !slices.Equal(got, []string{"2"}) {
		t.Errorf("winners %v, want the proposal that was A/1 (2)", got)
	}
}

// roundFixture is a finished round of Vestby Lokalråd: five proposals (one
// rejected), ballots by two counters at two places, one invalid, a
// difference, a lot and, when override is set, an override.
func roundFixture(override bool) (model.PBRound, []model.PBProposal, []model.PBBallot) {
	r := model.PBRound{ID: "r", CouncilID: "c", Title: "Borgerbudget 2026", Pot: 150_000_00, Population: 2400,
		Phase: model.PhaseResult, BallotKind: model.PBApproval, MaxChoices: 3, Method: model.CountMESAdd1,
		TieRule: model.TieByLot, TieOrder: []int{4, 2, 1, 3, 7}, MinAge: 15, ResidentsOnly: true,
		VotingFrom: time.Date(2026, 5, 1, 0, 0, 0, 0, model.Copenhagen), VotingTo: time.Date(2026, 5, 14, 0, 0, 0, 0, model.Copenhagen)}
	if override {
		r.OverrideNumbers, r.OverrideReason = []int{3, 1}, "Shelteret kan ikke bygges i år; bænkene rykker op."
	}
	ps := []model.PBProposal{
		{ID: "p1", Number: 1, Title: "Shelter ved Skarresø", Text: "To shelters; en bålplads.\nTil skolen og \"spejderne\".", Cost: 60_000_00, Category: "Natur", Status: model.ProposalOnBallot, ProposerName: "Łukasz Nowak", ProposerContact: "lukasz@example.dk"},
		{ID: "p2", Number: 2, Title: "Petanquebane i Kvanløse", Cost: 25_000_50, AdjustedCost: 30_000_00, Status: model.ProposalOnBallot},
		{ID: "p3", Number: 3, Title: "Bænke langs stien", Cost: 12_000_00, Status: model.ProposalOnBallot, Category: "Fællesskab"},
		{ID: "p4", Number: 4, Title: "Legeplads i Tølløse", Cost: 90_000_00, Status: model.ProposalOnBallot},
		{ID: "p5", Number: 5, Title: "Skaterbane", Cost: 500_000_00, Status: model.ProposalRejected, Reason: "for dyr"},
		{ID: "p7", Number: 7, Title: "Stiforløb ved åen", Cost: 45_000_00, Status: model.ProposalOnBallot},
	}
	var bs []model.PBBallot
	add := func(entry, n int, place string, marks ...int) {
		b := model.PBBallot{ID: strconv.Itoa(entry) + "-" + strconv.Itoa(n) + "-" + strconv.Itoa(len(bs)), Entry: entry, Number: n, Place: place, RoundID: "r"}
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
	add(1, 41, "Tølløse Bibliotek", 1, 2, 3, 4) // too many marks: invalid
	add(1, 42, "Tølløse Bibliotek", 1)          // a difference: not counted
	add(2, 42, "Tølløse Bibliotek", 2)
	return r, ps, bs
}

// Export → import gives the same round back: the same winners by every
// method, the same pot, rules, lot, override, proposals and valid
// ballots with their places; and no personal data goes into the file.
func TestRoundExportImportRoundTrip(t *testing.T) {
	for _, override := range []bool{false, true} {
		r, ps, bs := roundFixture(override)
		res, err := r.Result(ps, bs, nil)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := pb.Write(&buf, pb.FromRound("Vestby Lokalråd", r, ps, res.Tally, &res)); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, personal := range []string{"Łukasz", "lukasz@example.dk", "Skaterbane"} {
			if strings.Contains(out, personal) {
				t.Errorf("the export holds %q", personal)
			}
		}
		for _, want := range []string{"country;Denmark", "budget;150000", "max_length;3", "rule;mes-add1", "tie_order;4,2,1,3,7", "date_begin;1.05.2026", "place"} {
			if !strings.Contains(out, want) {
				t.Errorf("the export lacks %q:\n%s", want, out)
			}
		}
		f, err := pb.Parse(&buf)
		if err != nil {
			t.Fatal(err)
		}
		r2, ps2, bs2, err := f.Round()
		if err != nil {
			t.Fatal(err)
		}
		if r2.Pot != r.Pot || r2.BallotKind != r.BallotKind || r2.MaxChoices != 3 || r2.Method != r.Method ||
			r2.TieRule != model.TieByLot || !slices.Equal(r2.TieOrder, r.TieOrder) || r2.MinAge != 15 || !r2.ResidentsOnly ||
			!r2.VotingFrom.Equal(r.VotingFrom) || !r2.VotingTo.Equal(r.VotingTo) || r2.Title != r.Title {
			t.Errorf("round back: %+v", r2)
		}
		if !slices.Equal(r2.OverrideNumbers, r.OverrideNumbers) || r2.OverrideReason != r.OverrideReason {
			t.Errorf("override back: %v %q", r2.OverrideNumbers, r2.OverrideReason)
		}
		if len(ps2) != 5 || ps2[0].Title != "Shelter ved Skarresø" || ps2[0].Text != ps[0].Text || ps2[0].Category != "Natur" ||
			ps2[1].Cost != 30_000_00 || ps2[4].Number != 7 {
			t.Errorf("proposals back: %+v", ps2)
		}
		if len(bs2) != len(res.Tally.Valid) || bs2[0].Place == "" {
			t.Errorf("%d ballots back, %d valid", len(bs2), len(res.Tally.Valid))
		}
		for _, m := range model.PBMethods {
			r.Method, r2.Method = m, m
			a, err1 := r.Result(ps, bs, nil)
			b, err2 := r2.Result(ps2, bs2, nil)
			if err := errors.Join(err1, err2); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(numbers(a.Winners), numbers(b.Winners)) || a.Cost != b.Cost || a.Left != b.Left {
				t.Errorf("override %v, %s: winners %v (%d left), back %v (%d left)", override, m, numbers(a.Winners), a.Left, numbers(b.Winners), b.Left)
			}
		}
	}
}

// A points round goes out as cumulative with max_sum_points and comes back
// with its points.
func TestRoundExportImportPoints(t *testing.T) {
	r, ps, _ := roundFixture(false)
	r.BallotKind, r.Points, r.MaxChoices, r.Method, r.TieRule, r.TieOrder = model.PBPoints, 5, 0, model.CountVotes, model.TieByID, nil
	bs := []model.PBBallot{
		{Entry: 1, Number: 1, Marks: []model.PBMark{{Number: 1, Points: 3}, {Number: 2, Points: 2}}},
		{Entry: 1, Number: 2, Marks: []model.PBMark{{Number: 4, Points: 5}}},
		{Entry: 1, Number: 3, Marks: []model.PBMark{{Number: 3, Points: 1}, {Number: 7, Points: 4}}},
	}
	res, err := r.Result(ps, bs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := pb.Write(&buf, pb.FromRound("Vestby Lokalråd", r, ps, res.Tally, &res)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "vote_type;cumulative") || !strings.Contains(buf.String(), "max_sum_points;5") {
		t.Errorf("export:\n%s", buf.String())
	}
	f, err := pb.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	r2, ps2, bs2, err := f.Round()
	if err != nil {
		t.Fatal(err)
	}
	if r2.BallotKind != model.PBPoints || r2.Points != 5 || !slices.Equal(bs2[0].Marks, bs[0].Marks) {
		t.Errorf("back: %s %d %v", r2.BallotKind, r2.Points, bs2[0].Marks)
	}
	res2, err := r2.Result(ps2, bs2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(numbers(res.Winners), numbers(res2.Winners)) {
		t.Errorf("winners %v, back %v", numbers(res.Winners), numbers(res2.Winners))
	}
}

// A file with blank votes: in Pabulib a voter with no vote is a voter, and
// MES gives each of the n voters pot/n (../shared/pb/README.md). Read as a
// round, the blank ballots are valid blank ballots, and every method gives
// the file's own outcome. Here the two blank voters decide it: with them,
// 100/5 = 20 each, and proposal 1 (60) has 2 supporters with 40 between
// them, so MES funds nothing; without them (100/3 each) it would fund 1.
func TestRoundKeepsBlankVotesAsVoters(t *testing.T) {
	const file = "META\nkey;value\nbudget;100\nvote_type;approval\nmin_length;1\nPROJECTS\nproject_id;cost;name\n1;60;Shelter\n2;40;Bænke\n" +
		"VOTES\nvoter_id;vote\n1;1\n2;1\n3;2\n4;\n5;\n"
	f, err := pb.Parse(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	r, ps, bs, err := f.Round()
	if err != nil {
		t.Fatal(err)
	}
	e, err := f.Election()
	if err != nil {
		t.Fatal(err)
	}
	if !r.BlankValid || !strings.Contains(r.Note, "2 blanke") {
		t.Errorf("the round does not keep blank votes as valid: BlankValid %v, note %q", r.BlankValid, r.Note)
	}
	for m, res := range countsAsFile(t, "blank", e, r, ps, bs) {
		if len(res.Tally.Valid) != 5 || len(res.Tally.Invalid) != 0 || res.Tally.Turnout != 5 {
			t.Errorf("%s: %d valid, %d invalid, turnout %d; want 5 valid blank included", m, len(res.Tally.Valid), len(res.Tally.Invalid), res.Tally.Turnout)
		}
	}
	r.Method = model.CountMES
	if res := noerr.Get(r.Result(ps, bs, nil))(t); len(res.Winners) != 0 {
		t.Errorf("MES with the blank voters funds %v; their shares are too small for anything", numbers(res.Winners))
	}

	// Exported and read back: the same five voters, the same outcome.
	res, err := r.Result(ps, bs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := pb.Write(&buf, pb.FromRound("Jyderup", r, ps, res.Tally, &res)); err != nil {
		t.Fatal(err)
	}
	back, err := pb.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	r2, ps2, bs2, err := back.Round()
	if err != nil {
		t.Fatal(err)
	}
	if len(bs2) != 5 {
		t.Errorf("the export lost blank voters: %d ballots", len(bs2))
	}
	res2, err := r2.Result(ps2, bs2, nil)
	if err != nil || !slices.Equal(numbers(res2.Winners), numbers(res.Winners)) {
		t.Errorf("read back: %v, %v; want %v", numbers(res2.Winners), err, numbers(res.Winners))
	}

	// A paper round keeps a blank ballot invalid.
	paper := r
	paper.BlankValid = false
	if res, _ := paper.Result(ps, bs, nil); len(res.Tally.Invalid) != 2 {
		t.Errorf("a paper round: %d invalid, want the 2 blank", len(res.Tally.Invalid))
	}
}

// A round whose vote has no dates yet (counted from paper before the dates
// were typed) still writes Pabulib's instance: the year its proposals
// were asked for.
func TestExportInstanceFromTheProposalsYear(t *testing.T) {
	r := model.PBRound{Title: "Borgerbudget", Pot: 100000, BallotKind: model.PBApproval, Method: model.CountVotes,
		ProposalsFrom: time.Date(2027, 2, 1, 0, 0, 0, 0, model.Copenhagen)}
	ps := []model.PBProposal{{Number: 1, Title: "Bænk", Cost: 50000}}
	res, err := r.Result(ps, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := pb.FromRound("Jyderup", r, ps, res.Tally, &res)
	if got := f.Get("instance"); got != "2027" {
		t.Errorf("instance %q, want the proposals' year 2027", got)
	}
}
