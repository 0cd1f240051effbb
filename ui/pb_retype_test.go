package ui

// A counter types a number already entered, is told so, types the right
// number, Enter, and the marks again. The marks refused with the wrong
// number were still in their field, and what the counter typed was added
// to them: "2" and then "1 5" was stored as "21 5".

import (
	"testing"

	"lokalraad/model"
)

func TestMarksTypedAfterARefusedNumberReplaceTheOldOnes(t *testing.T) {
	u, db, council := withCouncil(t)
	r := pbRound(t, db, council, model.PhaseVoting)
	s := openPB(t, u, r.ID, 2)
	b := s.entry
	b.counter.SetSelected("Tæller 1")

	enter(t, u) // number 1
	typeFocused(t, u, "1 2")
	enter(t, u)

	typeFocused(t, u, "1") // ballot 1 again: refused
	enter(t, u)
	typeFocused(t, u, "2")
	enter(t, u)
	if n := len(storedBallots(t, db, r.ID)); n != 1 {
		t.Fatalf("a number entered twice was stored: %d ballots", n)
	}

	typeFocused(t, u, "2") // the right number, and the marks once more
	enter(t, u)
	typeFocused(t, u, "1 3")
	enter(t, u)

	bs := storedBallots(t, db, r.ID)
	var got string
	for _, x := range bs {
		if x.Number == 2 {
			got = model.FormatMarks(x.Marks, false)
		}
	}
	if got != "1 3" {
		t.Errorf("ballot 2 stored with marks %q, want %q (all stored: %+v)", got, "1 3", bs)
	}
}
