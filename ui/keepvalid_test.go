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

	"lokalraad/model"
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

// openMeeting selects meeting id in the list, as a click does.
func openMeeting(t *testing.T, u *App, id string) *meetingEditor {
	t.Helper()
	for i, m := range u.meetings.meetings {
		if m.ID == id {
			u.meetings.list.Select(i)
		}
	}
	if u.meetings.editor == nil || u.meetings.editor.m.ID != id {
		t.Fatal("the meeting is not opened")
	}
	return u.meetings.editor
}

// closeDialogs dismisses the messages shown on leaving.
func closeDialogs(u *App) {
	for u.win.Canvas().Overlays().Top() != nil {
		u.win.Canvas().Overlays().Top().Hide()
	}
}

func TestMeetingEditorKeepsValidFieldsBesideInvalidOnes(t *testing.T) {
	u, db, _ := withCouncil(t)
	first := newMeeting(t, u)
	retype(first.date, "26.11.2026")
	retype(first.clock, "19:00")
	u.saver.flush()
	id := first.m.ID
	retype(first.title, tooLong)
	retype(first.date, "31.02.2026")
	retype(first.clock, "25:99")
	test.Type(first.place, "Forsamlingshuset")
	u.saver.flush()
	// Both the date and the time are said to be wrong, not only the first.
	showsErr(t, "date", first.dateErr, "Ugyldig dato")
	showsErr(t, "time", first.clockErr, "Ugyldigt klokkeslæt")
	showsErr(t, "title", first.msg, "er for lang (højst 200 tegn)")

	newMeeting(t, u)
	closeDialogs(u)
	ed := openMeeting(t, u, id)
	closeDialogs(u)

	m, err := db.Meeting(id)
	ok(t, err)
	if m.Place != "Forsamlingshuset" {
		t.Errorf("stored place %q: the place typed beside a too long title is lost", m.Place)
	}
	if m.Title == tooLong || model.DateTime(m.Start) != "26.11.2026 19:00" {
		t.Errorf("stored title %q, start %s: a refused value was stored", m.Title, model.DateTime(m.Start))
	}
	if ed.title.Text != tooLong || ed.date.Text != "31.02.2026" || ed.clock.Text != "25:99" || ed.place.Text != "Forsamlingshuset" {
		t.Errorf("shown title %q…, date %q, time %q, place %q: want the refused values kept on screen until fixed",
			ed.title.Text[:min(20, len(ed.title.Text))], ed.date.Text, ed.clock.Text, ed.place.Text)
	}
	showsErr(t, "date after coming back", ed.dateErr, "Ugyldig dato")
	showsErr(t, "time after coming back", ed.clockErr, "Ugyldigt klokkeslæt")
	showsErr(t, "title after coming back", ed.msg, "er for lang (højst 200 tegn)")

	retype(ed.title, "Bestyrelsesmøde")
	retype(ed.date, "27.11.2026")
	retype(ed.clock, "19:30")
	u.saver.flush()
	m, _ = db.Meeting(id)
	if m.Title != "Bestyrelsesmøde" || model.DateTime(m.Start) != "27.11.2026 19:30" {
		t.Errorf("fixed values stored as %q, %s", m.Title, model.DateTime(m.Start))
	}
	if ed.msg.Visible() || ed.dateErr.Visible() || ed.clockErr.Visible() {
		t.Errorf("messages left after the fix: %q %q %q", ed.msg.Text, ed.dateErr.Text, ed.clockErr.Text)
	}
}

func TestApprovedMeetingCannotBeDeleted(t *testing.T) {
	u, db, cid := withCouncil(t)
	ed := newMeeting(t, u)
	retype(ed.title, "Møde i januar")
	retype(ed.date, "01.02.2026") // held
	test.Tap(ed.addItem)
	test.Tap(ed.addItem)
	u.saver.flush()
	test.Type(ed.items[0].notes, "Godkendt uden bemærkninger.")
	test.Tap(ed.items[0].addAction)
	test.Type(ed.items[0].actions[0].what, "Send referatet")
	u.saver.flush()
	ed.status.SetSelected("Referat godkendt")
	test.Tap(overlayButton(t, u, "Ja"))
	ed = u.meetings.editor
	if !ed.locked {
		t.Fatal("not locked after approval")
	}

	test.Tap(ed.del)
	top := u.win.Canvas().Overlays().Top()
	if top == nil || !strings.Contains(texts(top), "er godkendt, så mødet kan ikke slettes. Genåbn referatet først.") {
		t.Fatal("no word that approved minutes cannot be deleted")
	}
	for _, x := range test.LaidOutObjects(top) {
		if b, isBtn := x.(*widget.Button); isBtn && (b.Text == "Ja" || b.Text == "Slet") {
			t.Fatalf("the refusal offers %q", b.Text)
		}
	}
	closeDialogs(u)
	if ms, _ := db.Meetings(cid); len(ms) != 1 {
		t.Fatal("the approved meeting was deleted")
	}

	// Reopened, it can be deleted; the question names what goes with it,
	// and the highlighted answer is not the one that deletes.
	test.Tap(ed.reopen)
	test.Tap(overlayButton(t, u, "Ja"))
	ed = u.meetings.editor
	test.Tap(ed.del)
	q := texts(u.win.Canvas().Overlays().Top())
	if !strings.Contains(q, "dagsordenens punkter (2), referatet under 1 af dem og mødets opgaver (1)") {
		t.Errorf("the question does not name what goes with the meeting:\n%s", q)
	}
	for _, x := range test.LaidOutObjects(u.win.Canvas().Overlays().Top()) {
		if b, isBtn := x.(*widget.Button); isBtn && b.Importance == widget.HighImportance {
			t.Errorf("the highlighted answer is %q", b.Text)
		}
	}
	test.Tap(overlayButton(t, u, "Slet"))
	if ms, _ := db.Meetings(cid); len(ms) != 0 {
		t.Fatal("the reopened meeting was not deleted")
	}
}
