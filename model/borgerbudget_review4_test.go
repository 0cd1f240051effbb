package model_test

import (
	"strings"
	"testing"

	"lokalraad/model"
)

// An override naming a proposal twice (a hand-written Pabulib file's
// override_order "3,3", or an override_ids op from another replica, which
// no Validate sees) would list the winner twice and spend its cost twice
// on the public page and the results PDF. It is refused.
func TestPBOverrideNamesAProposalOnce(t *testing.T) {
	r := pbRound()
	r.Phase = model.PhaseResult
	r.OverrideNumbers = []int{3, 3}
	r.OverrideReason = "Fonden betaler"
	if err := r.Validate(); err == nil || !strings.Contains(err.Error(), "to gange") {
		t.Errorf("Validate of override 3,3: %v", err)
	}
	res, err := r.Result(pbProposals(), []model.PBBallot{ballot(1, 1, "2")}, nil)
	if err == nil {
		t.Errorf("Result of override 3,3: winners %d, cost %d, left %d; want refused", len(res.Winners), res.Cost, res.Left)
	}
}

// Totals are counted only on a round whose places report totals: a total
// that came by sync or bundle to a round without totals (no local edit
// can make one) must not change the votes shown beside the winners while
// the count itself ignores it.
func TestPBTotalsOnlyOnATotalsRound(t *testing.T) {
	r := pbRound()
	tot := []model.PBTotal{{ID: "t", RoundID: "r", Place: "Skolen", ProposalID: "a", Votes: 500}}
	ballots := []model.PBBallot{ballot(1, 1, "2"), ballot(1, 2, "2")}
	res, err := r.Result(pbProposals(), ballots, tot)
	if err != nil {
		t.Fatal(err)
	}
	if v := res.Tally.Votes[1]; v != 0 {
		t.Errorf("proposal 1 shows %d votes from a stray total on a round without totals; want 0", v)
	}
	if len(res.Winners) == 0 || res.Winners[0].Number != 2 {
		t.Errorf("winners: %+v", res.Winners)
	}
	r.TotalsMode = true
	res, err = r.Result(pbProposals(), ballots, tot)
	if err != nil || res.Tally.Votes[1] != 500 {
		t.Errorf("totals round: votes %v, %v", res.Tally.Votes, err)
	}
}
