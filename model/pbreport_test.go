package model

import (
	"slices"
	"testing"
)

func TestPBInvalidGroupsByKindOfFault(t *testing.T) {
	r := PBRound{BallotKind: PBApproval, MaxChoices: 2}
	on := map[int]PBProposal{1: {Number: 1}, 2: {Number: 2}, 3: {Number: 3}}
	var inv []PBInvalid
	for n, marks := range map[int][]int{5: {1, 2, 3}, 9: {9}, 2: {1, 2, 3, 1}, 7: {}, 4: {3, 1, 2}} {
		b := PBBallot{Number: n}
		for _, m := range marks {
			b.Marks = append(b.Marks, PBMark{Number: m})
		}
		if reason := CheckBallot(r, on, b); reason != "" {
			inv = append(inv, PBInvalid{Ballot: b, Reason: reason})
		}
	}
	gs := PBInvalidGroups(inv, Danish)
	if len(gs) != 4 || gs[0].Reason != "for mange krydser" || !slices.Equal(gs[0].Numbers, []int{4, 5}) {
		t.Fatalf("groups %+v", gs)
	}
	want := map[string][]int{"blank stemmeseddel": {7}, "kryds ved et nummer, der ikke er på stemmesedlen": {9}, "kryds ved samme forslag to gange": {2}}
	for _, g := range gs[1:] {
		if !slices.Equal(want[g.Reason], g.Numbers) {
			t.Errorf("group %q: %v", g.Reason, g.Numbers)
		}
	}
}

func TestTurnoutPercent(t *testing.T) {
	for _, c := range []struct {
		ballots, pop int
		want         string
	}{{300, 2400, "12,5 %"}, {1, 3, "33,3 %"}, {2, 3, "66,7 %"}, {0, 10, "0,0 %"}, {5, 0, ""}, {1, 2000, "0,1 %"}} {
		if got := TurnoutPercent(c.ballots, c.pop); got != c.want {
			t.Errorf("%d of %d: %q, want %q", c.ballots, c.pop, got, c.want)
		}
	}
}
