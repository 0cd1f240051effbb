package ui

// The screens that list items beside the editor of the one chosen
// (editPane) behave alike, and these tests hold each to it: choosing
// another row stores what was typed in the one left, without waiting for
// the save's delay; a new item is stored and opened with the cursor in it;
// a value that could not be saved is told when the user leaves it; and a
// sync that changes the item shown shows it, unless someone is typing.

import (
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// chooseRow selects item id in a pane's list, as a click does, and returns
// the editor it opened.
func chooseRow[T any, E paneEditor[T]](t *testing.T, p *editPane[T, E], id string) E {
	t.Helper()
	i := p.index(id)
	if i < 0 {
		t.Fatalf("%s is not listed", id)
	}
	p.list.Select(i)
	if !p.opened() || p.k.id(p.editor.item()) != id {
		t.Fatalf("choosing %s did not open it", id)
	}
	return p.editor
}

// toldUnsaved checks that a dialog says that text was not saved, and
// closes it.
func toldUnsaved(t *testing.T, u *App, text string) {
	t.Helper()
	top := u.win.Canvas().Overlays().Top()
	want := "Datoen «" + text + "» er ugyldig og blev ikke gemt."
	if top == nil || !strings.Contains(texts(top), want) {
		t.Fatalf("leaving did not say %q", want)
	}
	test.Tap(overlayButton(t, u, "OK"))
}

// toldNothing checks that no dialog is shown.
func toldNothing(t *testing.T, u *App) {
	t.Helper()
	if top := u.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a message without reason:\n%s", texts(top))
	}
}

// syncShows lets another laptop's edit (theirs, of the item open) arrive
// as a sync that changed tables brings it, once while a field of the open
// editor has the focus (the editor is left alone) and once while nobody
// types (the editor shows the item as stored). It returns the editor open
// after each.
func syncShows[T any, E paneEditor[T]](t *testing.T, u *App, p *editPane[T, E], focus *entry, tables []string,
	theirs func()) (typing, after E) {
	t.Helper()
	before := p.editor
	theirs()
	u.win.Canvas().Focus(focus)
	u.refreshScreens(tables)
	if p.editor != before {
		t.Error("a sync rebuilt the editor someone types in")
	}
	typing = p.editor
	u.win.Canvas().Unfocus()
	u.refreshScreens(tables)
	if p.editor == before {
		t.Error("a sync that changed the item shown did not show it")
	}
	return typing, p.editor
}

func TestMembersScreenPattern(t *testing.T) {
	u, db, cid := withCouncil(t)
	u.tabs.SelectIndex(4)
	s := u.members

	test.Tap(s.newBtn)
	first := s.editor
	ms := noerr.Get(db.Members(cid))(t)
	if len(ms) != 1 || ms[0].Name != "Nyt medlem" || first == nil || first.m.ID != ms[0].ID {
		t.Fatalf("a new member: stored %+v, opened %v", ms, first)
	}
	if u.win.Canvas().Focused() != first.name {
		t.Error("a new member's name has not the cursor")
	}
	retype(first.name, "Karen Østergaard")
	test.Tap(s.newBtn)
	second := s.editor
	retype(second.name, "Søren Madsen")

	// Choosing a row stores what was typed in the one left.
	chooseRow(t, s.editPane, first.m.ID)
	if got := storage.Overwriting(db, model.Member{ID: second.m.ID}); got.Name != "Søren Madsen" {
		t.Errorf("the member left is stored as %q", got.Name)
	}
	if got := storage.Overwriting(db, model.Member{ID: first.m.ID}); got.Name != "Karen Østergaard" {
		t.Errorf("the first member is stored as %q", got.Name)
	}
	toldNothing(t, u)

	// A date that could not be saved is told when the user leaves it.
	retype(s.editor.termEnd, "30.02.2028")
	chooseRow(t, s.editPane, second.m.ID)
	toldUnsaved(t, u, "30.02.2028")
	chooseRow(t, s.editPane, first.m.ID)
	toldNothing(t, u)

	typing, after := syncShows(t, u, s.editPane, s.editor.email, []string{"members"}, func() {
		otherLaptopEdits(t, db, s.editor.item(), func(m *model.Member) { m.Phone = "20 11 22 33" }, (*storage.DB).SaveMember)
	})
	if typing.phone.Text == "20 11 22 33" || after.phone.Text != "20 11 22 33" || after.name.Text != "Karen Østergaard" {
		t.Errorf("the phone shows %q while typing and %q after", typing.phone.Text, after.phone.Text)
	}
	// A sync of other tables leaves the member as it is.
	u.refreshScreens([]string{"meetings"})
	if s.editor != after {
		t.Error("a sync of meetings rebuilt the member's editor")
	}
}

func TestProjectsScreenPattern(t *testing.T) {
	u, db, cid := withCouncil(t)
	u.tabs.SelectIndex(2)
	s := u.projects

	test.Tap(s.newBtn)
	first := s.editor
	ps := noerr.Get(db.Projects(cid))(t)
	if len(ps) != 1 || ps[0].Title != "Nyt projekt" || first == nil || first.p.ID != ps[0].ID {
		t.Fatalf("a new project: stored %+v, opened %v", ps, first)
	}
	if u.win.Canvas().Focused() != first.title {
		t.Error("a new project's title has not the cursor")
	}
	retype(first.title, "Shelter ved mosen")
	test.Tap(s.newBtn)
	second := s.editor
	retype(second.title, "Ny legeplads")

	chooseRow(t, s.editPane, first.p.ID)
	if got := noerr.Get(db.Project(second.p.ID))(t); got.Title != "Ny legeplads" {
		t.Errorf("the project left is stored as %q", got.Title)
	}
	if got := noerr.Get(db.Project(first.p.ID))(t); got.Title != "Shelter ved mosen" {
		t.Errorf("the first project is stored as %q", got.Title)
	}
	toldNothing(t, u)

	retype(s.editor.start, "31.02.2027")
	chooseRow(t, s.editPane, second.p.ID)
	toldUnsaved(t, u, "31.02.2027")
	chooseRow(t, s.editPane, first.p.ID)
	toldNothing(t, u)

	typing, after := syncShows(t, u, s.editPane, s.editor.workingGroup, []string{"projects"}, func() {
		otherLaptopEdits(t, db, s.editor.item(), func(p *model.Project) { p.Description = "Et shelter ved mosen." }, (*storage.DB).SaveProject)
	})
	if typing.description.Text == "Et shelter ved mosen." || after.description.Text != "Et shelter ved mosen." || after.title.Text != "Shelter ved mosen" {
		t.Errorf("the description shows %q while typing and %q after", typing.description.Text, after.description.Text)
	}
	u.refreshScreens([]string{"budget_wishes"})
	if s.editor != after {
		t.Error("a sync of budget wishes rebuilt the project's editor")
	}
}

func TestWishesScreenPattern(t *testing.T) {
	u, db, cid := withCouncil(t)
	u.tabs.SelectIndex(3)
	s := u.wishes

	test.Tap(s.newBtn)
	first := s.editor
	ws := noerr.Get(db.BudgetWishes(cid, 0))(t)
	if len(ws) != 1 || ws[0].Title != "Nyt budgetønske" || ws[0].Year != s.year || first == nil || first.w.ID != ws[0].ID {
		t.Fatalf("a new wish: stored %+v, opened %v", ws, first)
	}
	if u.win.Canvas().Focused() != first.title {
		t.Error("a new wish's title has not the cursor")
	}
	retype(first.title, "Ny sti til skolen")
	test.Tap(s.newBtn)
	second := s.editor
	retype(second.estimate, "250.000")

	chooseRow(t, s.editPane, first.w.ID)
	if got := storage.Overwriting(db, model.BudgetWish{ID: second.w.ID}); got.Estimate != 250_000_00 {
		t.Errorf("the wish left is stored with %d øre", got.Estimate)
	}
	if got := storage.Overwriting(db, model.BudgetWish{ID: first.w.ID}); got.Title != "Ny sti til skolen" {
		t.Errorf("the first wish is stored as %q", got.Title)
	}
	if want := "I alt " + strconv.Itoa(s.year) + ": 250.000 kr. ønsket, 0 kr. bevilget"; s.total.Text != want {
		t.Errorf("the total says %q, want %q", s.total.Text, want)
	}

	// An amount that could not be read is kept as a draft while the user
	// looks at another wish, and shown again with its message on return.
	retype(s.editor.estimate, "mange penge")
	chooseRow(t, s.editPane, second.w.ID)
	toldNothing(t, u)
	back := chooseRow(t, s.editPane, first.w.ID)
	if back.estimate.Text != "mange penge" || !back.estimateErr.Visible() {
		t.Errorf("the refused amount shows %q (message shown: %v)", back.estimate.Text, back.estimateErr.Visible())
	}
	retype(back.estimate, "")
	u.saver.flush()

	typing, after := syncShows(t, u, s.editPane, s.editor.justification, []string{"budget_wishes"}, func() {
		otherLaptopEdits(t, db, s.editor.item(), func(w *model.BudgetWish) { w.Category = model.WishCategories[0] }, (*storage.DB).SaveBudgetWish)
	})
	if typing.category.Text == model.WishCategories[0] || after.category.Text != model.WishCategories[0] || after.title.Text != "Ny sti til skolen" {
		t.Errorf("the category shows %q while typing and %q after", typing.category.Text, after.category.Text)
	}
	u.refreshScreens([]string{"members"})
	if s.editor != after {
		t.Error("a sync of members rebuilt the wish's editor")
	}
}

func TestMeetingsScreenPattern(t *testing.T) {
	u, db, cid := withCouncil(t)
	u.tabs.SelectIndex(1)
	s := u.meetings

	test.Tap(s.newBtn)
	first := s.editor
	ms := noerr.Get(db.Meetings(cid))(t)
	if len(ms) != 1 || ms[0].Kind != model.MeetingBoard || first == nil || first.m.ID != ms[0].ID {
		t.Fatalf("a new meeting: stored %+v, opened %v", ms, first)
	}
	if u.win.Canvas().Focused() != first.title {
		t.Error("a new meeting's title has not the cursor")
	}
	retype(first.place, "Forsamlingshuset")
	test.Tap(s.newBtn)
	second := s.editor
	retype(second.place, "Skolen")

	chooseRow(t, s.editPane, first.m.ID)
	if got := noerr.Get(db.Meeting(second.m.ID))(t); got.Place != "Skolen" {
		t.Errorf("the meeting left is stored at %q", got.Place)
	}
	if got := noerr.Get(db.Meeting(first.m.ID))(t); got.Place != "Forsamlingshuset" {
		t.Errorf("the first meeting is stored at %q", got.Place)
	}
	toldNothing(t, u)

	retype(s.editor.date, "31.02.2027")
	chooseRow(t, s.editPane, second.m.ID)
	toldUnsaved(t, u, "31.02.2027")
	chooseRow(t, s.editPane, first.m.ID)
	toldNothing(t, u)

	typing, after := syncShows(t, u, s.editPane, s.editor.guests, []string{"meetings"}, func() {
		otherLaptopEdits(t, db, s.editor.item(), func(m *model.Meeting) { m.Title = "Ekstraordinært møde" }, (*storage.DB).SaveMeeting)
	})
	if typing.title.Text == "Ekstraordinært møde" || after.title.Text != "Ekstraordinært møde" || after.place.Text != "Forsamlingshuset" {
		t.Errorf("the title shows %q while typing and %q after", typing.title.Text, after.title.Text)
	}
	u.refreshScreens([]string{"budget_wishes"})
	if s.editor != after {
		t.Error("a sync of budget wishes rebuilt the meeting's editor")
	}
}

func TestStaffScreenPattern(t *testing.T) {
	db := newTestDB(t)
	c := model.Council{Name: "Tølløse Lokalråd"}
	ok(t, db.SaveCouncil(model.Council{}, &c))
	var ws []model.BudgetWish
	for _, title := range []string{"Ny legeplads", "Ny sti til skolen"} {
		w := model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: title, Status: model.WishSubmitted}
		ok(t, db.SaveBudgetWish(model.BudgetWish{}, &w))
		ws = append(ws, w)
	}
	ok(t, db.SetMeta(storage.MetaStaff, "1"))
	u := newTestUI(t, db)
	u.tabs.SelectIndex(6)
	s := u.municipal.staff
	if s.newBtn != nil {
		t.Error("the municipality is offered to make a council's wish")
	}

	first := chooseRow(t, s.editPane, ws[0].ID)
	test.Type(first.text, "Byrådet giver halvdelen.")
	second := chooseRow(t, s.editPane, ws[1].ID)
	if got := storage.Overwriting(db, ws[0]); got.AnswerText != "Byrådet giver halvdelen." {
		t.Errorf("the wish left is stored with %q", got.AnswerText)
	}

	// An amount that could not be read stays as a draft, and says why on
	// return.
	test.Type(second.granted, "mange penge")
	chooseRow(t, s.editPane, ws[0].ID)
	toldNothing(t, u)
	back := chooseRow(t, s.editPane, ws[1].ID)
	if back.granted.Text != "mange penge" || !back.grantedErr.Visible() {
		t.Errorf("the refused amount shows %q (message shown: %v)", back.granted.Text, back.grantedErr.Visible())
	}
	retype(back.granted, "40.000")
	u.saver.flush()

	// The council corrects its justification while the answer is open.
	_, after := syncShows(t, u, s.editPane, s.editor.text, []string{"budget_wishes"}, func() {
		otherLaptopEdits(t, db, s.editor.w, func(w *model.BudgetWish) { w.Justification = "Børnene cykler på vejen." }, (*storage.DB).SaveBudgetWish)
	})
	if !strings.Contains(texts(s.detail), "Børnene cykler på vejen.") || after.granted.Text != "40.000" {
		t.Errorf("after a sync the answer editor shows:\n%s", texts(s.detail))
	}
}
