package ui

// One ballot typed differently by the two counters is the common case at a
// count; the screens said "1 stemmesedler er indtastet forskelligt".

import (
	"strings"
	"testing"

	"lokalraad/model"
)

func TestOneDifferenceIsSaidInTheSingular(t *testing.T) {
	u, db, council := withCouncil(t)
	r := pbRound(t, db, council, model.PhaseVoting)
	for _, b := range []model.PBBallot{
		{Entry: 1, Number: 7, Marks: []model.PBMark{{Number: 2}}},
		{Entry: 2, Number: 7, Marks: []model.PBMark{{Number: 3}}},
	} {
		b.CouncilID, b.RoundID = council, r.ID
		ok(t, db.SavePBBallot(t.Context(), model.PBBallot{}, &b))
	}
	s := openPB(t, u, r.ID, 3)
	if h := s.diffs.head.Text; !strings.HasPrefix(h, "1 stemmeseddel er indtastet forskelligt.") {
		t.Errorf("Forskelle says %q", h)
	}
	s.tabs.SelectIndex(5)
	waitCount(t, s)
	if shown := texts(s.result.body); !strings.Contains(shown, "FORELØBIGT RESULTAT: 1 stemmeseddel er indtastet forskelligt af de to tællere og tælles ikke med, før forskellen er afgjort") {
		t.Errorf("Resultat says:\n%s", shown)
	}
}

// A proposal that costs more than the whole pot is allowed (the pot may
// still grow), but its line in the list says that no count can fund it.
func TestProposalOverThePotIsMarked(t *testing.T) {
	u, db, council := withCouncil(t)
	r := pbRound(t, db, council, model.PhaseProposals)
	s := openPB(t, u, r.ID, 0)
	over := model.PBProposal{Number: 7, Title: "Ny hal", Cost: r.Pot + 1}
	within := model.PBProposal{Number: 8, Title: "Bænk", Cost: r.Pot}
	if _, sub := s.proposals.pane.k.row(over); !strings.Contains(sub, "koster mere end hele puljen") {
		t.Errorf("a proposal over the pot is listed as %q", sub)
	}
	if _, sub := s.proposals.pane.k.row(within); strings.Contains(sub, "puljen") {
		t.Errorf("a proposal of the whole pot is listed as %q", sub)
	}
}

// A grant above the wish's estimate is kept (it is the municipality's to
// set), but where the answer is read it says so: likely a slip of the
// keyboard (300.000 for 30.000).
func TestGrantAboveTheEstimateIsMarked(t *testing.T) {
	if err := SetupLanguage("da"); err != nil {
		t.Fatal(err)
	}
	w := model.BudgetWish{Estimate: 250_000_00, Answer: model.AnswerPartly, Granted: 300_000_00}
	if got := answerLine(w); !strings.Contains(got, "mere end det anslåede beløb") {
		t.Errorf("a grant above the estimate reads %q", got)
	}
	w.Granted = 250_000_00
	if got := answerLine(w); strings.Contains(got, "anslåede") {
		t.Errorf("a grant of the estimate reads %q", got)
	}
}
