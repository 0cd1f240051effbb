package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Escape closes the dialog on top as its dismissing button does (Nej,
// Annullér, Luk, OK): Fyne 2.7.1's dialogs take no key but Enter. A dialog
// without buttons (a progress dialog) stays, and so does the window when
// no dialog is shown.

// escapeDismisses makes Escape on the window's canvas close its top dialog.
// Escape in a field of ours (entry) does the same (entry.TypedKey).
func escapeDismisses(c fyne.Canvas) {
	before := c.OnTypedKey()
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape && dismissTop(c) {
			return
		}
		if before != nil {
			before(ev)
		}
	})
}

// dismissTop taps the dismissing button of the dialog on top of c, and
// tells whether there was one. A Fyne dialog is a modal pop-up whose
// content holds, in this order, its icon, background, content, buttons and
// title; the dismissing button is the first of its buttons (dialog.create
// in Fyne 2.7.1; TestEscapeClosesDialogs notices a Fyne that builds them
// otherwise).
func dismissTop(c fyne.Canvas) bool {
	if c == nil {
		return false
	}
	pop, ok := c.Overlays().Top().(*widget.PopUp)
	if !ok {
		return false
	}
	box, ok := pop.Content.(*fyne.Container)
	if !ok || len(box.Objects) != 5 {
		return false
	}
	if _, ok := box.Objects[4].(*widget.Label); !ok {
		return false
	}
	buttons, ok := box.Objects[3].(*fyne.Container)
	if !ok {
		return false
	}
	for _, o := range buttons.Objects {
		if b, ok := o.(*widget.Button); ok && b.Visible() && !b.Disabled() && b.OnTapped != nil {
			b.OnTapped()
			return true
		}
	}
	return false
}
