package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// A tester pasted 5 MB into the minutes and the window froze for good:
// Fyne lays the field's text out again on every change. A paste that would
// make a field longer than any field may be is refused whole, in Danish,
// and what was typed and stored stays; a paste up to the limit goes in and
// is saved.
func TestPasteLongerThanAFieldIsRefused(t *testing.T) {
	u, notes, cb, paste, stored := minutesField(t, "Formanden bød velkommen.")

	// One character more than the limit, counted with what the field holds.
	typed := "Formanden bød velkommen."
	cb.SetContent(minutesOf(model.MaxLong - len([]rune(typed)) + 1))
	paste()
	if notes.Text != typed || stored() != typed {
		t.Fatalf("after a paste one character too long the field holds %d characters, %d stored; want %q kept",
			len([]rune(notes.Text)), len([]rune(stored())), typed)
	}
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("a refused paste says nothing")
	}
	if s := texts(top); !strings.Contains(s, "Ikke sat ind") || !strings.Contains(s, "højst have 100.000") || !strings.Contains(s, "100.001 tegn") {
		t.Errorf("the message of a refused paste reads:\n%s", s)
	}
	closeOverlays(u.win.Canvas())

	// What is selected is replaced, so it does not count: the whole field
	// selected and a text of exactly the limit pasted goes in.
	full := minutesOf(model.MaxLong)
	cb.SetContent(full)
	u.win.Canvas().Focus(notes)
	notes.TypedShortcut(&fyne.ShortcutSelectAll{})
	paste()
	if u.win.Canvas().Overlays().Top() != nil {
		t.Errorf("a paste of exactly %d characters over the whole field was refused:\n%s", model.MaxLong, texts(u.win.Canvas().Overlays().Top()))
	}
	if notes.Text != full || stored() != full {
		t.Errorf("a paste of exactly the limit: field %d characters, stored %d; want %d",
			len([]rune(notes.Text)), len([]rune(stored())), model.MaxLong)
	}
}

// minutesOf is n characters of minutes, in lines of words: a field
// wrapped by words lays out one long word far more slowly (README, known
// limits).
func minutesOf(n int) string {
	line := []rune("Formanden bød velkommen, og rådet gennemgik punkterne på dagsordenen.\n")
	r := make([]rune, 0, n)
	for len(r) < n {
		r = append(r, line...)
	}
	return string(r[:n])
}

// A "word" of tens of thousands of characters, pasted or brought by a sync,
// is shown unwrapped: Fyne wraps one in time that grows with its length
// squared, and 100,000 characters stalled the window for minutes. Minutes
// of ordinary words wrap as before.
func TestLongWordIsShownUnwrapped(t *testing.T) {
	_, notes, cb, paste, stored := minutesField(t, "Bilag: ")
	word := strings.Repeat("x", 50_000)
	cb.SetContent(word)
	paste()
	if notes.Wrapping != fyne.TextWrapOff {
		t.Errorf("a pasted word of %d characters is wrapped (%v)", len(word), notes.Wrapping)
	}
	if stored() != "Bilag: "+word {
		t.Fatalf("stored %d characters, want the paste", len(stored()))
	}

	// Opened again, as a sync would show it, and then given ordinary
	// minutes: unwrapped, then wrapped at words again.
	notes.SetText(stored())
	if notes.Wrapping != fyne.TextWrapOff {
		t.Error("a stored text with a long word is shown wrapped")
	}
	notes.SetText(minutesOf(5000))
	if notes.Wrapping != fyne.TextWrapWord {
		t.Error("ordinary minutes are not wrapped at words")
	}
}

// minutesField opens a new meeting's first item with typed in its
// minutes, stored, and gives the field, the clipboard, paste (the field
// focused, Ctrl+V, saved) and what the minutes hold as stored.
func minutesField(t *testing.T, typed string) (u *App, notes *entry, cb fyne.Clipboard, paste func(), stored func() string) {
	t.Helper()
	u, db, _ := withCouncil(t)
	ed := newMeeting(t, u)
	test.Tap(ed.addItem)
	notes = ed.items[0].notes
	test.Type(notes, typed)
	u.saver.flush()
	cb = u.app.Clipboard()
	paste = func() {
		u.win.Canvas().Focus(notes)
		notes.TypedShortcut(&fyne.ShortcutPaste{Clipboard: cb})
		u.saver.flush()
	}
	stored = func() string {
		return noerr.Get(db.AgendaItems(t.Context(), ed.m.ID))(t)[0].Notes
	}
	return u, notes, cb, paste, stored
}

// Ctrl+Home and Ctrl+End go to the start and the end of the minutes: a
// tester's correction typed after Ctrl+Home landed at the end.
func TestCtrlHomeAndEndInTheMinutes(t *testing.T) {
	u, notes, _, _, stored := minutesField(t, "Linje 1\nLinje 2\nLinje 3")
	notes.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyHome, Modifier: fyne.KeyModifierControl})
	test.Type(notes, "Rettet: ")
	notes.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyEnd, Modifier: fyne.KeyModifierControl})
	test.Type(notes, " (slut)")
	u.saver.flush()
	if want := "Rettet: Linje 1\nLinje 2\nLinje 3 (slut)"; notes.Text != want || stored() != want {
		t.Errorf("the minutes read %q, stored %q; want %q", notes.Text, stored(), want)
	}
}
