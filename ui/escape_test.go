package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
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
