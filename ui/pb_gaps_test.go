package ui

import (
	"strings"
	"testing"

	"lokalraad/model"
)

// The result is counted in the background with a busy bar; a recount
// asked for while one runs starts none beside it, only one more after it.
func TestResultCountsInTheBackgroundOnceAtATime(t *testing.T) {
	u, db, council := withCouncil(t)
	r := pbRound(t, db, council, model.PhaseVoting)
	pbBallots(t, db, r, "1 2", "1", "1 3")
	s := openPB(t, u, r.ID, 0)
	s.tabs.SelectIndex(5)
	v := s.result
	if !v.running || v.busy.Hidden {
		t.Fatal("the count did not start in the background with a busy bar")
	}
	v.refresh()
	v.refresh()
	if v.counts != 1 {
		t.Fatalf("%d counts run side by side", v.counts)
	}
	waitCount(t, s)
	if v.counts != 2 {
		t.Errorf("%d counts after two recounts asked for while one ran, want 2 (the first and one more)", v.counts)
	}
	if !v.busy.Hidden || !strings.Contains(texts(v.body), "1. Shelter ved søen — 3 stemmer") {
		t.Errorf("after the count: busy shown %v, result:\n%s", !v.busy.Hidden, texts(v.body))
	}
}

// Leaving the round stops its count: nothing of it is shown.
func TestResultCountStopsWhenTheRoundIsLeft(t *testing.T) {
	u, db, council := withCouncil(t)
	r := pbRound(t, db, council, model.PhaseVoting)
	pbBallots(t, db, r, "1 2", "1")
	s := openPB(t, u, r.ID, 0)
	s.tabs.SelectIndex(5)
	v := s.result
	if !v.running {
		t.Fatal("no count runs")
	}
	s.close()
	eventually(t, "the stopped count to end", func() bool { return !v.running })
	if len(v.body.Objects) != 0 {
		t.Errorf("a stopped count was shown:\n%s", texts(v.body))
	}
}

// On an English screen the count's reasons are English: the invalid
// ballots' faults and each step's explanation.
func TestResultReasonsInEnglish(t *testing.T) {
	u, db, council := withCouncil(t)
	defer SetupLanguage("da")
	if err := SetupLanguage("en"); err != nil {
		t.Fatal(err)
	}
	r := pbRound(t, db, council, model.PhaseVoting)
	pbBallots(t, db, r, "1 2", "1", "1 3", "9", "", "1 2 3 4")
	s := openPB(t, u, r.ID, 5)
	shown := texts(s.result.body)
	for _, want := range []string{"1 × blank ballot", "1 × a mark at a number that is not on the ballot", "1 × too many marks",
		"Chosen with 3 votes: the price 20.000 kr. was within the 150.000 kr. that were left.", "Not chosen: nobody voted for the proposal."} {
		if !strings.Contains(shown, want) {
			t.Errorf("the English result lacks %q:\n%s", want, shown)
		}
	}
	for _, da := range []string{"Valgt", "Ikke valgt", "stemmesedlen", "krydser", "blank stemmeseddel"} {
		if strings.Contains(shown, da) {
			t.Errorf("the English result says %q:\n%s", da, shown)
		}
	}
	s.tabs.SelectIndex(2)
	if got := s.entry.verdict(model.PBBallot{Number: 9, Marks: []model.PBMark{{Number: 9}}}); !strings.Contains(got, "proposal no. 9 is not on the ballot") {
		t.Errorf("ballot entry's verdict in English: %q", got)
	}
}
