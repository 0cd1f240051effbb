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

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
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

	ws, err := db.BudgetWishes(t.Context(), cid, 0)
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
	ws = noerr.Get(db.BudgetWishes(t.Context(), cid, 0))(t)
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
	for i, m := range u.meetings.items {
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

	m, err := db.Meeting(t.Context(), id)
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
	m = noerr.Get(db.Meeting(t.Context(), id))(t)
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
	if ms := noerr.Get(db.Meetings(t.Context(), cid))(t); len(ms) != 1 {
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
	if ms := noerr.Get(db.Meetings(t.Context(), cid))(t); len(ms) != 0 {
		t.Fatal("the reopened meeting was not deleted")
	}
}

// meetingAway opens another meeting and then id again, closing the
// messages shown on leaving.
func meetingAway(t *testing.T, u *App, id string) *meetingEditor {
	t.Helper()
	newMeeting(t, u)
	closeDialogs(u)
	ed := openMeeting(t, u, id)
	closeDialogs(u)
	return ed
}

func TestAgendaItemKeepsValidFieldsBesideInvalidTitle(t *testing.T) {
	u, db, _ := withCouncil(t)
	ed := newMeeting(t, u)
	test.Tap(ed.addItem)
	u.saver.flush()
	c := ed.items[0]
	erase(c.title)
	retype(c.minutes, "25")
	test.Type(c.background, "Kommunen har svaret på vores brev.")
	test.Type(c.notes, "Formanden læste svaret op.")
	test.Type(c.decision, "Vi svarer inden jul.")
	u.saver.flush()

	ed = meetingAway(t, u, ed.m.ID)
	items, err := db.AgendaItems(t.Context(), ed.m.ID)
	ok(t, err)
	got := items[0]
	if got.Minutes != 25 || got.Background != "Kommunen har svaret på vores brev." ||
		got.Notes != "Formanden læste svaret op." || got.Decision != "Vi svarer inden jul." {
		t.Errorf("stored %+v: the fields typed beside an empty title are lost", got)
	}
	if got.Title == "" {
		t.Error("an empty title was stored")
	}
	c = ed.items[0]
	if c.title.Text != "" || c.notes.Text != "Formanden læste svaret op." {
		t.Errorf("shown title %q, notes %q; want the empty title kept until fixed", c.title.Text, c.notes.Text)
	}
	showsErr(t, "agenda", c.msg, "Udfyld titel")
	showsErr(t, "minutes", c.minutesMsg, "Udfyld titel")
}

func TestMinutesKeepValidFieldsBesideInvalidDuration(t *testing.T) {
	u, db, _ := withCouncil(t)
	ed := newMeeting(t, u)
	test.Tap(ed.addItem)
	u.saver.flush()
	c := ed.items[0]
	retype(c.minutes, "2000") // more than a day
	test.Type(c.notes, "Debat om trafikken.")
	u.saver.flush()

	ed = meetingAway(t, u, ed.m.ID)
	items := noerr.Get(db.AgendaItems(t.Context(), ed.m.ID))(t)
	if items[0].Notes != "Debat om trafikken." || items[0].Minutes == 2000 {
		t.Errorf("stored %+v: want the notes and not the duration", items[0])
	}
	c = ed.items[0]
	if c.minutes.Text != "2000" {
		t.Errorf("shown duration %q; want the refused one kept until fixed", c.minutes.Text)
	}
	showsErr(t, "duration", c.msg, "mellem 0 og 1440 minutter")
}

func TestActionItemKeepsValidFieldsBesideInvalidOnes(t *testing.T) {
	u, db, _ := withCouncil(t)
	ed := newMeeting(t, u)
	test.Tap(ed.addItem)
	u.saver.flush()
	test.Tap(ed.items[0].addAction)
	r := ed.items[0].actions[0]
	test.Type(r.what, "Skriv til Vej og Park")
	u.saver.flush()
	retype(r.who, tooLong)
	retype(r.what, "Skriv til Vej og Park om fartbump")
	retype(r.due, "32.12.2026")
	u.saver.flush()

	ed = meetingAway(t, u, ed.m.ID)
	acts, err := db.MeetingActionItems(t.Context(), ed.m.ID)
	ok(t, err)
	if len(acts) != 1 || acts[0].What != "Skriv til Vej og Park om fartbump" || acts[0].Who == tooLong {
		t.Fatalf("stored %+v: want the new what beside a too long who", acts)
	}
	r = ed.items[0].actions[0]
	if r.who.Text != tooLong || r.due.Text != "32.12.2026" {
		t.Errorf("shown who %.20q…, due %q; want the refused values kept until fixed", r.who.Text, r.due.Text)
	}
	showsErr(t, "who", r.msg, "er for lang (højst 200 tegn)")
	showsErr(t, "due", r.dueErr, "Ugyldig dato")
}

func TestProjectEditorKeepsValidFieldsBesideInvalidOnes(t *testing.T) {
	u, db, _ := withCouncil(t)
	ed := projectEditorOf(t, u)
	id := ed.p.ID
	erase(ed.title)
	test.Type(ed.description, "En sti langs søen.")
	retype(ed.start, "01.05.2027")
	retype(ed.end, "01.04.2027") // before the start
	u.saver.flush()

	test.Tap(u.projects.newBtn)
	closeDialogs(u)
	u.projects.selectProject(id)
	closeDialogs(u)
	p, err := db.Project(t.Context(), id)
	ok(t, err)
	if p.Description != "En sti langs søen." || p.Title == "" || !p.End.IsZero() {
		t.Errorf("stored %+v: want the description, not the empty title nor the end before the start", p)
	}
	ed = u.projects.editor
	if ed.p.ID != id || ed.title.Text != "" || ed.start.Text != "01.05.2027" || ed.end.Text != "01.04.2027" {
		t.Errorf("shown title %q, start %q, end %q; want the refused values kept until fixed", ed.title.Text, ed.start.Text, ed.end.Text)
	}
	showsErr(t, "title", ed.msg, "Udfyld titel")
	showsErr(t, "dates", ed.msg, "Slutdatoen ligger før startdatoen")
}

// projectAway opens a new project and then id again.
func projectAway(t *testing.T, u *App, id string) *projectEditor {
	t.Helper()
	test.Tap(u.projects.newBtn)
	closeDialogs(u)
	u.projects.selectProject(id)
	closeDialogs(u)
	if u.projects.editor == nil || u.projects.editor.p.ID != id {
		t.Fatal("the project is not opened again")
	}
	return u.projects.editor
}

func TestBudgetLineKeepsValidFieldsBesideInvalidText(t *testing.T) {
	u, db, _ := withCouncil(t)
	ed := projectEditorOf(t, u)
	r := newLineRow(ed, model.BudgetLine{CouncilID: ed.p.CouncilID, ProjectID: ed.p.ID, Kind: model.LineExpense})
	ed.lines = append(ed.lines, r)
	test.Type(r.text, "Grus")
	u.saver.flush()
	retype(r.text, tooLong)
	retype(r.amount, "12.500")
	u.saver.flush()

	ed = projectAway(t, u, ed.p.ID)
	lines, err := db.BudgetLines(t.Context(), ed.p.ID)
	ok(t, err)
	if len(lines) != 1 || lines[0].Amount != 12_500_00 || lines[0].Text != "Grus" {
		t.Fatalf("stored %+v: want the amount typed beside a too long text", lines)
	}
	r = ed.lines[0]
	if r.text.Text != tooLong || r.amount.Text != "12.500" {
		t.Errorf("shown text %.20q…, amount %q; want the too long text kept until fixed", r.text.Text, r.amount.Text)
	}
	showsErr(t, "text", r.msg, "er for lang (højst 200 tegn)")
}

func TestFundingApplicationKeepsValidFieldsBesideInvalidOnes(t *testing.T) {
	u, db, _ := withCouncil(t)
	ed := projectEditorOf(t, u)
	r := newAppRow(ed, model.FundingApplication{CouncilID: ed.p.CouncilID, ProjectID: ed.p.ID, Status: model.ApplicationDraft})
	ed.apps = append(ed.apps, r)
	test.Type(r.pool, "Landsbypuljen")
	u.saver.flush()
	retype(r.pool, tooLong)
	retype(r.applied, "50.000")
	retype(r.hours, "mange")
	u.saver.flush()

	ed = projectAway(t, u, ed.p.ID)
	apps, err := db.FundingApplications(t.Context(), ed.p.ID)
	ok(t, err)
	if len(apps) != 1 || apps[0].Applied != 50_000_00 || apps[0].Pool != "Landsbypuljen" {
		t.Fatalf("stored %+v: want the amount typed beside a too long pool", apps)
	}
	r = ed.apps[0]
	if r.pool.Text != tooLong || r.hours.Text != "mange" || r.applied.Text != "50.000" {
		t.Errorf("shown pool %.20q…, hours %q, applied %q; want the refused values kept until fixed", r.pool.Text, r.hours.Text, r.applied.Text)
	}
	showsErr(t, "pool", r.msg, "er for lang (højst 200 tegn)")
	showsErr(t, "hours", r.fieldErr, "helt tal")
}

func TestMemberEditorKeepsValidFieldsBesideInvalidEmail(t *testing.T) {
	u, db, cid := withCouncil(t)
	u.tabs.SelectIndex(4)
	test.Tap(u.members.newBtn)
	ed := u.members.editor
	id := ed.m.ID
	retype(ed.name, "Anne-Mette Brøndum")
	test.Type(ed.phone, "20 30 40 50")
	test.Type(ed.email, "anne-mette(at)jyderup.dk")
	u.saver.flush()

	test.Tap(u.members.newBtn)
	closeDialogs(u)
	u.members.open(id)
	closeDialogs(u)
	ms, err := db.Members(t.Context(), cid)
	ok(t, err)
	for _, m := range ms {
		if m.ID == id && (m.Name != "Anne-Mette Brøndum" || m.Phone != "20 30 40 50" || m.Email != "") {
			t.Errorf("stored %+v: want the name and phone typed beside a bad e-mail, not the e-mail", m)
		}
	}
	ed = u.members.editor
	if ed.m.ID != id || ed.email.Text != "anne-mette(at)jyderup.dk" {
		t.Errorf("shown e-mail %q; want the refused one kept until fixed", ed.email.Text)
	}
	showsErr(t, "e-mail", ed.msg, "E-mailadressen er ikke gyldig")
}

func TestAnswerEditorKeepsValidFieldsBesideInvalidAmount(t *testing.T) {
	db, u, w, ed := answering(t)
	test.Type(ed.text, "Byrådet giver halvdelen.")
	test.Type(ed.granted, "2.000.000.000") // more than any budget
	u.saver.flush()
	got := storage.Overwriting(t.Context(), db, w)
	if got.AnswerText != "Byrådet giver halvdelen." || got.Granted != 0 {
		t.Errorf("stored %+v: want the text typed beside a too large amount, not the amount", got)
	}
	if ed.granted.Text != "2.000.000.000" {
		t.Errorf("shown amount %q; want it kept until fixed", ed.granted.Text)
	}
	showsErr(t, "granted", ed.msg, "beløbet er for stort")
}

func TestPoolEditorKeepsValidFieldsBesideInvalidName(t *testing.T) {
	u, db := staffUI(t)
	p := pane[model.Pool](t, u, 0)
	test.Tap(p.newBtn)
	id := p.editor.x.ID
	retype(entryField(t, p, "Navn"), tooLong)
	retype(entryField(t, p, "Regler"), "Højst to ansøgninger om året.")
	retype(entryField(t, p, "Til rådighed (kr.)"), "300.000")
	u.saver.flush()

	test.Tap(p.newBtn)
	p.open(id)
	got := storage.Overwriting(t.Context(), db, model.Pool{ID: id})
	if got.Rules != "Højst to ansøgninger om året." || got.Available != 300_000_00 || got.Name == tooLong {
		t.Errorf("stored %+v: want the rules and amount typed beside a too long name, not the name", got)
	}
	if p.editor.x.ID != id || entryField(t, p, "Navn").Text != tooLong {
		t.Errorf("shown name %.20q…; want the too long name kept until fixed", entryField(t, p, "Navn").Text)
	}
	showsErr(t, "name", p.editor.msg, "er for lang (højst 200 tegn)")
}

// A new meeting's title is left empty and shows, greyed, the title it will
// get (»Bestyrelsesmøde 12.12.2026«). After the date is changed the list
// and the heading say the new date, and so must the grey title: it kept
// saying the old one.
func TestMeetingTitlePlaceholderFollowsTheDate(t *testing.T) {
	u, _, _ := withCouncil(t)
	ed := newMeeting(t, u)
	retype(ed.date, "10.12.2026")
	u.saver.flush()
	if got := ed.heading.Text; !strings.Contains(got, "10.12.2026") {
		t.Fatalf("heading %q", got)
	}
	if got := ed.title.PlaceHolder; got != ed.heading.Text {
		t.Errorf("the title's placeholder says %q, the heading %q", got, ed.heading.Text)
	}
}
