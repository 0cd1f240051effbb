package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

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

// Opening the vote while proposals are still »modtaget« or »vurderes«
// says in the question that they will not be on the ballot (the command
// line says the same); with all reviewed, the question says nothing of it.
func TestOpenVoteNamesProposalsOffTheBallot(t *testing.T) {
	u, db, council := withCouncil(t)
	r := pbRound(t, db, council, model.PhaseReview)
	for i, st := range []model.ProposalStatus{model.ProposalReceived, model.ProposalReviewing} {
		p := model.PBProposal{CouncilID: council, RoundID: r.ID, Number: 6 + i, Title: "Sent forslag", Cost: 1000_00, Status: st}
		ok(t, db.SavePBProposal(t.Context(), model.PBProposal{}, &p))
	}
	s := openPB(t, u, r.ID, 0)
	s.onOpenVoting()
	top := u.win.Canvas().Overlays().Top()
	if top == nil || !strings.Contains(texts(top), "2 forslag har stadig status »modtaget« eller »vurderes« og kommer ikke på stemmesedlen.") {
		t.Fatalf("the question does not name the proposals off the ballot: %v", top)
	}
	test.Tap(overlayButton(t, u, "Nej"))

	r2 := pbRound(t, db, council, model.PhaseReview)
	s = openPB(t, u, r2.ID, 0)
	s.onOpenVoting()
	if top := u.win.Canvas().Overlays().Top(); top == nil || strings.Contains(texts(top), "stadig status") {
		t.Errorf("a round with every proposal reviewed: %v", top)
	}
}
