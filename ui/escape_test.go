package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// Escape closes a dialog as its dismissing button does: a question is
// answered no (nothing is deleted), a message is closed, a form is
// cancelled also from inside its field; a progress dialog stays, and
// Escape with no dialog does nothing.
func TestEscapeClosesDialogs(t *testing.T) {
	u, _, _ := withCouncil(t)
	c := u.win.Canvas()
	escape := func() { c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape}) }

	escape() // nothing shown: nothing happens

	answer := "none"
	u.confirm("Slet mødet", "Slet mødet?", func() { answer = "yes" })
	if c.Overlays().Top() == nil {
		t.Fatal("no question shown")
	}
	escape()
	if c.Overlays().Top() != nil || answer != "none" {
		t.Errorf("after Escape: dialog shown %v, answer %q; want it closed without a yes", c.Overlays().Top() != nil, answer)
	}

	dialog.ShowInformation("Sikkerhedskopi", "Gemt", u.win)
	escape()
	if c.Overlays().Top() != nil {
		t.Error("Escape left a message open")
	}

	var got *bool
	name := newEntry()
	form := dialog.NewForm("Ny skabelon", "Gem", "Annullér", []*widget.FormItem{widget.NewFormItem("Navn", name)}, func(ok bool) { got = &ok }, u.win)
	form.Show()
	c.Focus(name)
	name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if c.Overlays().Top() != nil || got == nil || *got {
		t.Errorf("Escape in a form's field: open %v, answer %v; want it cancelled", c.Overlays().Top() != nil, got)
	}

	progress := u.working("Gendanner sikkerhedskopien…")
	escape()
	if c.Overlays().Top() == nil {
		t.Error("Escape closed a progress dialog, whose work goes on")
	}
	progress.Hide()
}

// Enter closes a message, as its OK does (the walk found the sync's
// »Tilbage efter synkroniseringen« needing the mouse), but never answers a
// question: Enter on »Slet mødet?« deletes nothing and leaves it asked.
func TestEnterClosesAMessageButAnswersNoQuestion(t *testing.T) {
	u, _, _ := withCouncil(t)
	c := u.win.Canvas()
	enter := func() { c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn}) }

	enter() // nothing shown: nothing happens
	dialog.ShowInformation(lang.L("Back after the sync"), "Møde «Juni-mødet»", u.win)
	enter()
	if c.Overlays().Top() != nil {
		t.Error("Enter left a message open")
	}
	answer := "none"
	u.confirmDelete("Slet mødet", "Slet mødet?", func() { answer = "yes" })
	enter()
	if c.Overlays().Top() == nil || answer != "none" {
		t.Errorf("Enter on a question: shown %v, answer %q; want it still asked", c.Overlays().Top() != nil, answer)
	}
	c.Overlays().Remove(c.Overlays().Top())
	progress := u.working("Gendanner sikkerhedskopien…")
	enter()
	if c.Overlays().Top() == nil {
		t.Error("Enter closed a progress dialog, whose work goes on")
	}
	progress.Hide()
}
