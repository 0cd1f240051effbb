package model

import (
	"strings"
	"testing"
)

// Every step of every method, and every kind of invalid ballot, has an
// English sentence with no Danish in it; Danish stays the count's own.
func TestReasonsInEnglish(t *testing.T) {
	r := PBRound{Pot: 100_00, BallotKind: PBApproval, MaxChoices: 2, TieRule: TieByID}
	ps := []PBProposal{
		{ID: "a", Number: 1, Title: "A", Cost: 60_00, Status: ProposalOnBallot},
		{ID: "b", Number: 2, Title: "B", Cost: 30_00, Status: ProposalOnBallot},
		{ID: "c", Number: 3, Title: "C", Cost: 50_00, Status: ProposalOnBallot},
		{ID: "d", Number: 4, Title: "D", Cost: 0, Status: ProposalOnBallot},
		{ID: "e", Number: 5, Title: "E", Cost: 10_00, Status: ProposalOnBallot},
	}
	marks := [][]int{{1, 2}, {1}, {1, 3}, {2, 4}, {3}, {9}, {}, {1, 1}, {1, 2, 3}}
	var bs []PBBallot
	for i, ms := range marks {
		b := PBBallot{Entry: 1, Number: i + 1}
		for _, m := range ms {
			b.Marks = append(b.Marks, PBMark{Number: m})
		}
		bs = append(bs, b)
	}
	danish := []string{"Valgt", "valgt", "stemme", "forslag", "betalte", "tilbage", "krydser", "blank stemmeseddel", "ingen"}
	for _, m := range PBMethods {
		r.Method = m
		res, err := r.Result(ps, bs, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Tally.Invalid) != 4 {
			t.Fatalf("%d invalid", len(res.Tally.Invalid))
		}
		for _, st := range res.Outcome.Steps {
			if da := res.StepReason(st, Danish); da != st.Reason {
				t.Errorf("%s: Danish %q is not the count's own %q", m, da, st.Reason)
			}
			en := res.StepReason(st, English)
			if en == "" || en == st.Reason {
				t.Errorf("%s, proposal %s: English %q", m, st.Project, en)
			}
			for _, w := range danish {
				if strings.Contains(en, w) {
					t.Errorf("%s: %q says %q", m, en, w)
				}
			}
		}
		for _, g := range PBInvalidGroups(res.Tally.Invalid, English) {
			for _, w := range danish {
				if g.Reason == "" || strings.Contains(g.Reason, w) {
					t.Errorf("invalid group %q", g.Reason)
				}
			}
		}
		for _, iv := range res.Tally.Invalid {
			if iv.Fault.Text(Danish) != iv.Reason || iv.Fault.Text(English) == iv.Reason {
				t.Errorf("invalid ballot %d: %q / %q", iv.Ballot.Number, iv.Reason, iv.Fault.Text(English))
			}
		}
	}
}
