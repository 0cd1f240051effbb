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
