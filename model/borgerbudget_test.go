package model_test

import (
	"errors"
	"strings"
	"testing"

	"lokalraad/model"
)

func pbRound() model.PBRound {
	return model.PBRound{ID: "r", Title: "Borgerbudget 2027", Pot: 100_000_00, Phase: model.PhaseVoting,
		BallotKind: model.PBApproval, MaxChoices: 2, Method: model.CountVotes, TieRule: model.TieByID}
}

func pbProposals() []model.PBProposal {
	return []model.PBProposal{
		{ID: "a", Number: 1, Title: "Bænke ved søen", Cost: 40_000_00, Status: model.ProposalOnBallot},
		{ID: "b", Number: 2, Title: "Legeplads", Cost: 70_000_00, Status: model.ProposalOnBallot},
		{ID: "c", Number: 3, Title: "Shelter", Cost: 30_000_00, AdjustedCost: 50_000_00, Status: model.ProposalOnBallot},
		{ID: "d", Number: 4, Title: "Svømmehal", Cost: 9_000_000_00, Status: model.ProposalRejected, Reason: "for dyr"},
	}
}

func ballot(entry, number int, marks string) model.PBBallot {
	m, err := model.ParseMarks(marks, false)
	if err != nil {
		panic(err)
	}
	return model.PBBallot{ID: strings.Repeat("x", entry) + marks, Entry: entry, Number: number, Place: "Hallen", Marks: m}
}

func TestPBBallotRules(t *testing.T) {
	r := pbRound()
	on := map[int]model.PBProposal{}
	for _, p := range model.OnBallot(pbProposals()) {
		on[p.Number] = p
	}
	pot := r
	pot.BallotKind = model.PBApprovalPot
	for _, c := range []struct {
		r     model.PBRound
		marks string
		want  string // part of the reason; "" valid
	}{
		{r, "1 2", ""},
		{r, "1 2 3", "for mange krydser"},
		{r, "", "blank"},
		{r, "4", "ikke på stemmesedlen"},
		{r, "9", "ikke på stemmesedlen"},
		{r, "1 1", "to gange"},
		{pot, "1 3", ""},                // 40.000 + 50.000 (the municipality's cost) ≤ 100.000
		{pot, "2 3", "mere end puljen"}, // 70.000 + 50.000
	} {
		got := model.CheckBallot(c.r, on, ballot(1, 1, c.marks))
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s %q: reason %q, want %q", c.r.BallotKind, c.marks, got, c.want)
		}
	}
}

func TestPBDoubleEntryNeverCountsTwice(t *testing.T) {
	r := pbRound()
	ballots := []model.PBBallot{
		ballot(1, 1, "1 2"), ballot(2, 1, "2 1"), // alike: counted once
		ballot(1, 2, "1"), ballot(2, 2, "3"), // differ: not counted
		ballot(1, 3, "3"), ballot(1, 3, "3"), // one counter twice alike: once
		ballot(1, 4, "1 2 3"), // invalid
		ballot(1, 5, "2"),     // only one counter
	}
	tl := model.Tally(r, pbProposals(), ballots, nil)
	if len(tl.Valid) != 3 || len(tl.Invalid) != 1 || len(tl.Differences) != 1 || tl.Differences[0].Number != 2 {
		t.Fatalf("valid %d invalid %d differences %+v", len(tl.Valid), len(tl.Invalid), tl.Differences)
	}
	if tl.Votes[1] != 1 || tl.Votes[2] != 2 || tl.Votes[3] != 1 || tl.Turnout != 4 {
		t.Errorf("votes %v turnout %d", tl.Votes, tl.Turnout)
	}
	if len(tl.Single) != 3 || len(tl.Repeated) != 1 || tl.Repeated[0] != 3 {
		t.Errorf("single %v repeated %v", tl.Single, tl.Repeated)
	}
	res, err := r.Result(pbProposals(), ballots, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Votes: 2 (2 votes, 70.000) first, then 1 (40.000) does not fit, 3 (50.000 adjusted) does not either.
	if !res.Pending || len(res.Winners) != 1 || res.Winners[0].Number != 2 || res.Left != 30_000_00 {
		t.Errorf("result %+v", res)
	}
}

func TestPBOverrideNeedsReason(t *testing.T) {
	r := pbRound()
	r.OverrideNumbers = []int{1, 3}
	if err := r.Validate(); err == nil || !strings.Contains(err.Error(), "begrundelse") {
		t.Errorf("override without reason: %v", err)
	}
	r.OverrideReason = "Legepladsen er finansieret af fonden"
	res, err := r.Result(pbProposals(), []model.PBBallot{ballot(1, 1, "2")}, nil)
	if err != nil || !res.Overridden || len(res.Winners) != 2 || res.Cost != 90_000_00 {
		t.Errorf("override: %+v %v", res, err)
	}
}

func TestPBRulesFixedOnceVotingOpens(t *testing.T) {
	was := pbRound()
	was.Phase = model.PhaseReview
	r := was
	r.Pot = 1
	if err := model.CheckRoundChange(was, r); err != nil {
		t.Errorf("before voting, rules may change: %v", err)
	}
	was.Phase = model.PhaseVoting
	r.Phase = model.PhaseVoting
	if err := model.CheckRoundChange(was, r); !errors.Is(err, model.ErrRulesLocked) || model.ErrorCode(err) != model.Locked {
		t.Errorf("pot changed during voting: %v", err)
	}
	r = was
	r.Phase = model.PhaseReview
	if err := model.CheckRoundChange(was, r); !errors.Is(err, model.ErrPhaseBack) {
		t.Errorf("phase back: %v", err)
	}
	r = was
	r.Title, r.Phase = "Nyt navn", model.PhaseResult
	if err := model.CheckRoundChange(was, r); err != nil {
		t.Errorf("title and phase forward: %v", err)
	}
}

func TestPBParseMarks(t *testing.T) {
	m, err := model.ParseMarks(" 3, 7;12\n", false)
	if err != nil || model.FormatMarks(m, false) != "3 7 12" {
		t.Errorf("%v %v", m, err)
	}
	m, err = model.ParseMarks("3:2 7", true)
	if err != nil || model.FormatMarks(m, true) != "3:2 7:1" {
		t.Errorf("%v %v", m, err)
	}
	for _, bad := range []string{"x", "0", "-1", "3:0", "3:x", "99999999999"} {
		if _, err := model.ParseMarks(bad, true); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := model.ParseMarks("3:2", false); err == nil {
		t.Error("points on an approval ballot accepted")
	}
	if err := model.CheckField("pb_ballots", "marks", "1 x"); err == nil {
		t.Error("op with bad marks accepted")
	}
}

// The votes from places that report only totals are every vote less what
// the valid ballots gave: one a cross, the points on a points ballot.
func TestPBTallyFromTotals(t *testing.T) {
	ps := pbProposals()
	totals := []model.PBTotal{{ID: "t1", Place: "Skolen", ProposalID: "a", Votes: 12}, {ID: "t2", Place: "Skolen", ProposalID: "b", Votes: 5}}
	r := pbRound()
	r.TotalsMode = true
	crosses := []model.PBBallot{
		{ID: "1", Entry: 1, Number: 1, Marks: []model.PBMark{{Number: 1}, {Number: 2}}},
		{ID: "2", Entry: 1, Number: 2, Marks: []model.PBMark{{Number: 1}}},
	}
	if got := model.Tally(r, ps, crosses, totals).FromTotals(r.BallotKind); got != 17 {
		t.Errorf("crosses: %d from totals, want 17", got)
	}
	r.BallotKind, r.Points, r.MaxChoices = model.PBPoints, 5, 0
	points := []model.PBBallot{{ID: "1", Entry: 1, Number: 1, Marks: []model.PBMark{{Number: 1, Points: 3}, {Number: 2, Points: 2}}}}
	tally := model.Tally(r, ps, points, totals)
	if len(tally.Valid) != 1 {
		t.Fatalf("the points ballot was not valid: %+v", tally.Invalid)
	}
	if got := tally.FromTotals(r.BallotKind); got != 17 {
		t.Errorf("points: %d from totals, want 17", got)
	}
}
