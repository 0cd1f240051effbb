package ui

// An invalid field never costs the valid ones: in every editor, a field
// the model refuses is typed next to a valid one, the user switches to
// another row and back, and the test reads what was stored and what is
// shown. The valid text is stored; the refused text is not, and is still
// on screen with its message.

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// tooLong is a title no field takes (the limit is 200 characters).
var tooLong = strings.Repeat("Lang titel ", 30)

// erase empties an entry like a user: select all, then Backspace.
func erase(e *entry) {
	e.FocusGained()
	e.TypedShortcut(&fyne.ShortcutSelectAll{})
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
}

// showsErr fails unless l shows a message containing want.
func showsErr(t *testing.T, what string, l *widget.Label, want string) {
	t.Helper()
	if !l.Visible() || !strings.Contains(l.Text, want) {
		t.Errorf("%s: message %q (shown %v), want it to say %q", what, l.Text, l.Visible(), want)
	}
}

func TestWishEditorKeepsValidFieldsBesideInvalidTitle(t *testing.T) {
	u, db, cid := withCouncil(t)
	u.tabs.SelectIndex(3)
	test.Tap(u.wishes.newBtn)
	first := u.wishes.editor
	erase(first.title)
	test.Type(first.justification, "Stien er farlig for børnene.")
	retype(first.estimate, "12.500")
	u.saver.flush()

	test.Tap(u.wishes.newBtn) // the user goes to another wish
	if u.wishes.editor == first {
		t.Fatal("still the first wish")
	}
	u.wishes.selectWish(first.w.ID) // and back

	ws, err := db.BudgetWishes(cid, 0)
	ok(t, err)
	var got = ws[0]
	for _, w := range ws {
		if w.ID == first.w.ID {
			got = w
		}
	}
	if got.Justification != "Stien er farlig for børnene." || got.Estimate != 12_500_00 {
		t.Errorf("stored %+v: the justification and estimate typed beside an empty title are lost", got)
	}
	if got.Title == "" {
		t.Error("an empty title was stored")
	}
	ed := u.wishes.editor
	if ed.w.ID != first.w.ID {
		t.Fatal("the first wish is not shown again")
	}
	if ed.title.Text != "" || ed.justification.Text != "Stien er farlig for børnene." {
		t.Errorf("shown title %q, justification %q; want the empty title kept until fixed", ed.title.Text, ed.justification.Text)
	}
	showsErr(t, "empty title", ed.msg, "Udfyld titel")

	// Fixed: stored, and the message goes.
	retype(ed.title, "Sikker skolevej")
	u.saver.flush()
	ws, _ = db.BudgetWishes(cid, 0)
	for _, w := range ws {
		if w.ID == first.w.ID && w.Title != "Sikker skolevej" {
			t.Errorf("fixed title stored as %q", w.Title)
		}
	}
	if ed.msg.Visible() {
		t.Errorf("message left after the fix: %q", ed.msg.Text)
	}
}
