// Field texts: a message beside a field, headings, and stored values
// shown as text where they cannot be changed.

package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// newErrLabel is the place for a message next to a field.
func newErrLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

// showErr shows err's text in l, or hides l when err is nil.
func showErr(l *widget.Label, err error) {
	if err == nil {
		if l.Visible() || l.Text != "" {
			l.SetText("")
			l.Hide()
		}
		return
	}
	l.SetText(errText(err))
	l.Show()
}

// heading is a bold label.
func heading(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// joinErrs joins errors so that errText lists each.
func joinErrs(errs []error) error { return errors.Join(errs...) }

// shown is e for editing, or, when locked, its text as a label that reads
// well on any theme (a disabled entry is faint grey) and can be selected
// and copied.
func shown(e *entry, locked bool) fyne.CanvasObject {
	if !locked {
		return e
	}
	return lockedText(e.Text)
}

// lockedText shows a stored text that cannot be changed; a dash when it is
// empty.
func lockedText(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	l.Selectable = true
	if strings.TrimSpace(s) == "" {
		l.SetText("–")
	}
	return l
}

// shownSelect is sel for choosing, or, when locked, its choice as a label.
func shownSelect(sel *widget.Select, locked bool) fyne.CanvasObject {
	if !locked {
		return sel
	}
	return lockedText(sel.Selected)
}
