package ui

// A counter types a number already entered, is told so, types the right
// number, Enter, and the marks again. The marks refused with the wrong
// number were still in their field, and what the counter typed was added
// to them: "2" and then "1 5" was stored as "21 5".

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"lokalraad/model"
	"lokalraad/storage"
)

func TestMarksTypedAfterARefusedNumberReplaceTheOldOnes(t *testing.T) {
	u, db, r, b := afterBallotOne(t)

	// Ballot 1 again, its marks typed before the number was looked at
	// (the number changed by hand, then Enter in the marks): refused, and
	// the cursor goes back to the number with the refused marks still in
	// their field.
	b.number.SetText("1")
	b.marks.SetText("2")
	b.onSave()
	if n := len(storedBallots(t, db, r.ID)); n != 1 {
		t.Fatalf("a number entered twice was stored: %d ballots", n)
	}
	b.number.TypedShortcut(&fyne.ShortcutSelectAll{})

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

// A counter who types a number already entered is told so on its Enter,
// before typing its marks for nothing; the cursor stays in the number.
func TestANumberTypedTwiceIsSaidOnItsEnter(t *testing.T) {
	u, db, r, b := afterBallotOne(t)

	typeFocused(t, u, "1") // ballot 1 again
	enter(t, u)
	if !strings.Contains(b.status.Text, "allerede") {
		t.Errorf("after Enter in a number typed twice the counter reads %q", b.status.Text)
	}
	if u.win.Canvas().Focused() != b.number {
		t.Error("the cursor left the number typed twice")
	}
	typeFocused(t, u, "2") // typed over the selected number
	enter(t, u)
	typeFocused(t, u, "1 3")
	enter(t, u)
	for _, x := range storedBallots(t, db, r.ID) {
		if x.Number == 2 && model.FormatMarks(x.Marks, false) != "1 3" {
			t.Errorf("ballot 2 stored with %q", model.FormatMarks(x.Marks, false))
		}
	}
	if n := len(storedBallots(t, db, r.ID)); n != 2 {
		t.Errorf("%d ballots stored, want 2", n)
	}
}

// afterBallotOne opens the count of a round in its vote as Tæller 1, who
// has entered ballot 1 (marks 1 and 2) by the keyboard.
func afterBallotOne(t *testing.T) (*App, *storage.DB, model.PBRound, *ballotEntry) {
	t.Helper()
	u, db, council := withCouncil(t)
	r := pbRound(t, db, council, model.PhaseVoting)
	b := openPB(t, u, r.ID, 2).entry
	b.counter.SetSelected("Tæller 1")
	enter(t, u) // number 1
	typeFocused(t, u, "1 2")
	enter(t, u)
	return u, db, r, b
}
