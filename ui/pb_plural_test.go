package ui

import (
	"strings"
	"testing"

	"lokalraad/model"
)

// The ballot entry's running count says one ballot, one valid and one
// number in the singular, in Danish and in English; other counts in the
// plural (0 too).
func TestBallotCountSingularAndPlural(t *testing.T) {
	u, db, council := withCouncil(t)
	r := pbRound(t, db, council, model.PhaseVoting)
	s := openPB(t, u, r.ID, 2)
	b := s.entry
	enter(t, u)
	typeFocused(t, u, "1 2")
	enter(t, u)
	want := "Tæller 1 har indtastet 1 stemmeseddel. I alt: 1 stemmeseddel talt, 1 gyldig, 0 ugyldige, 0 numre, hvor tællerne er uenige."
	if b.count.Text != want {
		t.Errorf("after one ballot:\n got %q\nwant %q", b.count.Text, want)
	}
	enter(t, u)
	typeFocused(t, u, "1 2 3 4")
	enter(t, u)
	want = "Tæller 1 har indtastet 2 stemmesedler. I alt: 2 stemmesedler talt, 1 gyldig, 1 ugyldig, 0 numre, hvor tællerne er uenige."
	if b.count.Text != want {
		t.Errorf("after two ballots:\n got %q\nwant %q", b.count.Text, want)
	}
	defer SetupLanguage("da")
	ok(t, SetupLanguage("en"))
	b.refresh()
	want = "Counter 1 has entered 2 ballots. In all: 2 ballots counted, 1 valid, 1 invalid, 0 numbers where the counters differ."
	if b.count.Text != want {
		t.Errorf("in English:\n got %q\nwant %q", b.count.Text, want)
	}
	s.result.refresh()
	waitCount(t, s)
	if shown := texts(s.result.body); !strings.Contains(shown, "2 ballots handed in") {
		t.Errorf("result:\n%s", shown)
	}
}
