package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// Escape closes the dialog on top as its dismissing button does (Nej,
// Annullér, Luk, OK), and Enter a dialog of one button (a message's OK):
// Fyne 2.7.1's dialogs take no key of their own when nothing in them has
// the focus. A dialog without buttons (a progress dialog) stays, and so
// does the window when no dialog is shown.

// escapeDismisses makes Escape on the window's canvas close its top dialog.
// Escape in a field of ours (entry) does the same (entry.TypedKey).
func escapeDismisses(c fyne.Canvas) {
	before := c.OnTypedKey()
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape && dismissTop(c) {
			return
		}
		if (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && acknowledgeTop(c) {
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
	bs := topButtons(c)
	if len(bs) == 0 {
		return cancelFileDialog(c)
	}
	bs[0].OnTapped()
	return true
}

// cancelFileDialog taps Annullér of a file dialog on top of c, and tells
// whether there was one. Fyne's file dialog is built otherwise than its
// other dialogs (dialog/file.go: a border of header, footer and the split
// of places and files); its Annullér is the button of that text in it.
func cancelFileDialog(c fyne.Canvas) bool {
	if c == nil {
		return false
	}
	pop, ok := c.Overlays().Top().(*widget.PopUp)
	if !ok || placesList(pop.Content) == nil {
		return false
	}
	if b := usableButton(pop.Content, lang.L("Cancel")); b != nil {
		b.OnTapped()
		return true
	}
	return false
}

// usableButton finds the usable button with text among o's containers.
func usableButton(o fyne.CanvasObject, text string) *widget.Button {
	switch v := o.(type) {
	case *widget.Button:
		if v.Text == text && v.Visible() && !v.Disabled() && v.OnTapped != nil {
			return v
		}
	case *fyne.Container:
		for _, x := range v.Objects {
			if b := usableButton(x, text); b != nil {
				return b
			}
		}
	}
	return nil
}

// acknowledgeTop taps the one button of the dialog on top of c (OK of a
// message: »Tilbage efter synkroniseringen«, an error), and tells whether
// there was such a dialog: Enter closes what only tells. A question of two
// answers is left to the mouse and Escape, so that Enter never deletes.
func acknowledgeTop(c fyne.Canvas) bool {
	bs := topButtons(c)
	if len(bs) != 1 {
		return false
	}
	bs[0].OnTapped()
	return true
}

// topButtons are the usable buttons of the dialog on top of c, the
// dismissing one first; none when no dialog is on top.
func topButtons(c fyne.Canvas) []*widget.Button {
	if c == nil {
		return nil
	}
	pop, ok := c.Overlays().Top().(*widget.PopUp)
	if !ok {
		return nil
	}
	box, ok := pop.Content.(*fyne.Container)
	if !ok || len(box.Objects) != 5 {
		return nil
	}
	if _, ok := box.Objects[4].(*widget.Label); !ok {
		return nil
	}
	buttons, ok := box.Objects[3].(*fyne.Container)
	if !ok {
		return nil
	}
	var out []*widget.Button
	for _, o := range buttons.Objects {
		if b, ok := o.(*widget.Button); ok && b.Visible() && !b.Disabled() && b.OnTapped != nil {
			out = append(out, b)
		}
	}
	return out
}
