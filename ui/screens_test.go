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
	"fyne.io/fyne/v2/widget"

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
// as a sync brings it, saying the rows it changed, once while a field of
// the open editor has the focus (the editor is left alone) and once while
// nobody types (the editor shows the item as stored). It returns the
// editor open after each.
func syncShows[T any, E paneEditor[T]](t *testing.T, u *App, p *editPane[T, E], focus *entry,
	theirs func() storage.Changed) (typing, after E) {
	t.Helper()
	before := p.editor
	changed := theirs()
	u.win.Canvas().Focus(focus)
	u.refreshScreens(changed)
	if p.editor != before {
		t.Error("a sync rebuilt the editor someone types in")
	}
	typing = p.editor
	u.win.Canvas().Unfocus()
	u.refreshScreens(changed)
	if p.editor == before {
		t.Error("a sync that changed the item shown did not show it")
	}
	return typing, p.editor
}

// screenCase is how the pattern is tried on one screen with a new button
// and a leave guard.
type screenCase[T any, E paneEditor[T]] struct {
	tab   int
	pane  func(*App) *editPane[T, E]
	first func(E) *entry // has the cursor in a new item
	// field is typed in; stored is what the database holds of it.
	field  func(E) *entry
	stored func(T) string
	// date, if given, is a date field whose bad value is told on leaving.
	date func(E) *entry
	// While someone types in focus, another laptop makes their edit of the
	// item open, which a sync brings (theirs says the rows it changed);
	// shown is what the editor shows of it, which is want after. A sync of
	// a row of others leaves it be.
	focus  func(E) *entry
	theirs func(*testing.T, *storage.DB, T) storage.Changed
	shown  func(E) string
	want   string
	others []string
	// del is the editor's delete button; question, with the field's
	// text, what it asks.
	del, question string
}

// someRows names a row of each of tables, none shown.
func someRows(tables ...string) storage.Changed {
	rows := storage.Changed{}
	for _, t := range tables {
		rows.Add(t, "0190c0de-0000-7000-8000-000000000000")
	}
	return rows
}

// run tries the pattern on the screen, and returns the ids of the two
// items it made, with the first open.
func (c screenCase[T, E]) run(t *testing.T, u *App) (first, second string) {
	t.Helper()
	u.tabs.SelectIndex(c.tab)
	p := c.pane(u)

	// New: stored, listed, opened with the cursor in it.
	test.Tap(p.newBtn)
	if !p.opened() {
		t.Fatal("a new item is not opened")
	}
	one := p.editor
	first = p.k.id(one.item())
	if p.index(first) < 0 || p.k.id(storage.Overwriting(t.Context(), u.db, one.item())) != first {
		t.Fatalf("a new item is not stored and listed: %+v", one.item())
	}
	if u.win.Canvas().Focused() != c.first(one) {
		t.Error("a new item's first field has not the cursor")
	}
	retype(c.field(one), "Først")
	test.Tap(p.newBtn)
	two := p.editor
	second = p.k.id(two.item())
	retype(c.field(two), "Dernæst")

	// Choosing a row stores what was typed in the one left, at once.
	chooseRow(t, p, first)
	if got := c.stored(storage.Overwriting(t.Context(), u.db, two.item())); got != "Dernæst" {
		t.Errorf("the item left is stored with %q", got)
	}
	if got := c.stored(storage.Overwriting(t.Context(), u.db, one.item())); got != "Først" {
		t.Errorf("the first item is stored with %q", got)
	}
	toldNothing(t, u)

	// A date that could not be saved is told when the user leaves it.
	if c.date != nil {
		retype(c.date(p.editor), "31.02.2027")
		chooseRow(t, p, second)
		toldUnsaved(t, u, "31.02.2027")
		chooseRow(t, p, first)
		toldNothing(t, u)
	}

	typing, after := syncShows(t, u, p, c.focus(p.editor), func() storage.Changed { return c.theirs(t, u.db, p.editor.item()) })
	if c.shown(typing) == c.want || c.shown(after) != c.want || c.field(after).Text != "Først" {
		t.Errorf("the editor shows %q while typing and %q after, want %q", c.shown(typing), c.shown(after), c.want)
	}
	u.refreshScreens(someRows(c.others...))
	if p.editor != after {
		t.Errorf("a sync of %v rebuilt the editor", c.others)
	}
	if c.del != "" {
		c.deletes(t, u, p)
	}
	return first, second
}

// deletes makes an item and deletes it just after its field was typed in:
// the question names it as typed, and once the user says yes it is gone
// from the database, the list and the editor. It opens the item open
// before again.
func (c screenCase[T, E]) deletes(t *testing.T, u *App, p *editPane[T, E]) {
	t.Helper()
	back := p.k.id(p.editor.item())
	test.Tap(p.newBtn)
	ed := p.editor
	id := p.k.id(ed.item())
	retype(c.field(ed), "Går ud")
	var del *widget.Button
	for _, o := range test.LaidOutObjects(p.detail) {
		if b, isB := o.(*widget.Button); isB && b.Text == c.del {
			del = b
		}
	}
	if del == nil {
		t.Fatalf("no button %q:\n%s", c.del, texts(p.detail))
	}
	test.Tap(del)
	top := u.win.Canvas().Overlays().Top()
	if want := strings.ReplaceAll(c.question, "%s", "Går ud"); top == nil || !strings.Contains(texts(top), want) {
		t.Fatalf("deleting does not ask %q", want)
	}
	// Every delete answers Slet, never a plain Ja (a tester took the
	// highlighted Ja to delete a budget wish).
	for _, x := range test.LaidOutObjects(top) {
		if b, isBtn := x.(*widget.Button); isBtn && b.Text == "Ja" {
			t.Error("the delete question answers Ja")
		}
	}
	test.Tap(overlayButton(t, u, "Slet"))
	if p.k.id(storage.Overwriting(t.Context(), u.db, ed.item())) != "" || p.index(id) >= 0 || p.opened() {
		t.Errorf("after the delete: stored %v, listed %v, open %v",
			p.k.id(storage.Overwriting(t.Context(), u.db, ed.item())) != "", p.index(id) >= 0, p.opened())
	}
	if !strings.Contains(texts(p.detail), p.k.choose) {
		t.Errorf("the editor shows after the delete:\n%s", texts(p.detail))
	}
	chooseRow(t, p, back)
}

func TestMembersScreenPattern(t *testing.T) {
	u, _, _ := withCouncil(t)
	screenCase[model.Member, *memberEditor]{
		tab: 4, pane: func(u *App) *editPane[model.Member, *memberEditor] { return u.members.editPane },
		first:  func(e *memberEditor) *entry { return e.name },
		field:  func(e *memberEditor) *entry { return e.name },
		stored: func(m model.Member) string { return m.Name },
		date:   func(e *memberEditor) *entry { return e.termEnd },
		focus:  func(e *memberEditor) *entry { return e.email },
		theirs: func(t *testing.T, db *storage.DB, m model.Member) storage.Changed {
			return otherLaptopEdits(t, db, m, func(m *model.Member) { m.Phone = "20 11 22 33" }, (*storage.DB).SaveMember)
		},
		shown: func(e *memberEditor) string { return e.phone.Text }, want: "20 11 22 33",
		others: []string{"meetings"}, del: "Slet medlem", question: "Slet medlemmet «%s»? Det kan ikke fortrydes.",
	}.run(t, u)
}

func TestProjectsScreenPattern(t *testing.T) {
	u, _, _ := withCouncil(t)
	screenCase[model.Project, *projectEditor]{
		tab: 2, pane: func(u *App) *editPane[model.Project, *projectEditor] { return u.projects.editPane },
		first:  func(e *projectEditor) *entry { return e.title },
		field:  func(e *projectEditor) *entry { return e.title },
		stored: func(p model.Project) string { return p.Title },
		date:   func(e *projectEditor) *entry { return e.start },
		focus:  func(e *projectEditor) *entry { return e.workingGroup },
		theirs: func(t *testing.T, db *storage.DB, p model.Project) storage.Changed {
			return otherLaptopEdits(t, db, p, func(p *model.Project) { p.Description = "Et shelter ved mosen." }, (*storage.DB).SaveProject)
		},
		shown: func(e *projectEditor) string { return e.description.Text }, want: "Et shelter ved mosen.",
		others: []string{"budget_wishes"}, del: "Slet projekt", question: "Slet projektet «%s»? Det kan ikke fortrydes.",
	}.run(t, u)
}

func TestMeetingsScreenPattern(t *testing.T) {
	u, _, _ := withCouncil(t)
	screenCase[model.Meeting, *meetingEditor]{
		tab: 1, pane: func(u *App) *editPane[model.Meeting, *meetingEditor] { return u.meetings.editPane },
		first:  func(e *meetingEditor) *entry { return e.title },
		field:  func(e *meetingEditor) *entry { return e.place },
		stored: func(m model.Meeting) string { return m.Place },
		date:   func(e *meetingEditor) *entry { return e.date },
		focus:  func(e *meetingEditor) *entry { return e.guests },
		theirs: func(t *testing.T, db *storage.DB, m model.Meeting) storage.Changed {
			return otherLaptopEdits(t, db, m, func(m *model.Meeting) { m.Title = "Ekstraordinært møde" }, (*storage.DB).SaveMeeting)
		},
		shown: func(e *meetingEditor) string { return e.title.Text }, want: "Ekstraordinært møde",
		others: []string{"budget_wishes"},
	}.run(t, u)
}

// A wish has no date to guard; an amount that could not be read is kept as
// a draft while the user looks at another wish, and shown again with its
// message on return.
func TestWishesScreenPattern(t *testing.T) {
	u, db, _ := withCouncil(t)
	s := u.wishes
	first, second := screenCase[model.BudgetWish, *wishEditor]{
		tab: 3, pane: func(u *App) *editPane[model.BudgetWish, *wishEditor] { return u.wishes.editPane },
		first:  func(e *wishEditor) *entry { return e.title },
		field:  func(e *wishEditor) *entry { return e.title },
		stored: func(w model.BudgetWish) string { return w.Title },
		focus:  func(e *wishEditor) *entry { return e.justification },
		theirs: func(t *testing.T, db *storage.DB, w model.BudgetWish) storage.Changed {
			return otherLaptopEdits(t, db, w, func(w *model.BudgetWish) { w.Category = model.WishCategories[0] }, (*storage.DB).SaveBudgetWish)
		},
		shown: func(e *wishEditor) string { return e.category.Text }, want: model.WishCategories[0],
		others: []string{"members"}, del: "Slet", question: "Slet budgetønsket «%s»? Det kan ikke fortrydes.",
	}.run(t, u)

	retype(s.editor.estimate, "mange penge")
	chooseRow(t, s.editPane, second)
	retype(s.editor.estimate, "250.000")
	back := chooseRow(t, s.editPane, first)
	toldNothing(t, u)
	if back.estimate.Text != "mange penge" || !back.estimateErr.Visible() {
		t.Errorf("the refused amount shows %q (message shown: %v)", back.estimate.Text, back.estimateErr.Visible())
	}
	if got := storage.Overwriting(t.Context(), db, model.BudgetWish{ID: second}); got.Estimate != 250_000_00 {
		t.Errorf("the wish left is stored with %d øre", got.Estimate)
	}
	if want := "I alt " + strconv.Itoa(s.year) + ": 250.000 kr. ønsket, 0 kr. bevilget"; s.total.Text != want {
		t.Errorf("the total says %q, want %q", s.total.Text, want)
	}
}

func TestStaffScreenPattern(t *testing.T) {
	db := newTestDB(t)
	c := model.Council{Name: "Tølløse Lokalråd"}
	ok(t, db.SaveCouncil(t.Context(), model.Council{}, &c))
	var ws []model.BudgetWish
	for _, title := range []string{"Ny legeplads", "Ny sti til skolen"} {
		w := model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: title, Status: model.WishSubmitted}
		ok(t, db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
		ws = append(ws, w)
	}
	ok(t, db.SetMeta(t.Context(), storage.MetaStaff, "1"))
	u := newTestUI(t, db)
	u.tabs.SelectIndex(6)
	s := u.municipal.staff
	if s.newBtn != nil {
		t.Error("the municipality is offered to make a council's wish")
	}

	first := chooseRow(t, s.editPane, ws[0].ID)
	test.Type(first.text, "Byrådet giver halvdelen.")
	second := chooseRow(t, s.editPane, ws[1].ID)
	if got := storage.Overwriting(t.Context(), db, ws[0]); got.AnswerText != "Byrådet giver halvdelen." {
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
	_, after := syncShows(t, u, s.editPane, s.editor.text, func() storage.Changed {
		return otherLaptopEdits(t, db, s.editor.w, func(w *model.BudgetWish) { w.Justification = "Børnene cykler på vejen." }, (*storage.DB).SaveBudgetWish)
	})
	if !strings.Contains(texts(s.detail), "Børnene cykler på vejen.") || after.granted.Text != "40.000" {
		t.Errorf("after a sync the answer editor shows:\n%s", texts(s.detail))
	}
}

// The citizen budget's rounds are a pane like the others: its editor is
// the round's form in the first of the round's tabs. A sync that changes
// the round open while someone looks at another of its tabs shows the
// round as stored on the same tab.
func TestPBScreenPattern(t *testing.T) {
	u, db, _ := withCouncil(t)
	s := u.borgerbudget
	title := func(e *roundEditor) *entry { return e.f.fields["Titel"].(*entry) }
	note := func(e *roundEditor) *entry { return e.f.fields["Bemærk"].(*entry) }
	screenCase[model.PBRound, *roundEditor]{
		tab: 10, pane: func(u *App) *editPane[model.PBRound, *roundEditor] { return u.borgerbudget.editPane },
		first:  title,
		field:  title,
		stored: func(r model.PBRound) string { return r.Title },
		focus:  func(e *roundEditor) *entry { return e.f.fields["Indbyggere i området"].(*entry) },
		theirs: func(t *testing.T, db *storage.DB, r model.PBRound) storage.Changed {
			return otherLaptopEdits(t, db, r, func(r *model.PBRound) { r.Note = "Afstemning på biblioteket." }, (*storage.DB).SavePBRound)
		},
		shown: func(e *roundEditor) string { return note(e).Text }, want: "Afstemning på biblioteket.",
		others: []string{"members", "budget_wishes"}, del: "Slet", question: "Slet runden »%s« med dens forslag og stemmesedler? Det kan ikke fortrydes.",
	}.run(t, u)

	open := s.editor.item()
	if s.round.ID != open.ID || s.round.Note != "Afstemning på biblioteket." {
		t.Fatalf("the round the other tabs work on is %+v", s.round)
	}
	s.tabs.SelectIndex(4)
	changed := otherLaptopEdits(t, db, open, func(r *model.PBRound) { r.Pot = 150_000_00 }, (*storage.DB).SavePBRound)
	before := s.editor
	u.refreshScreens(changed)
	if s.editor == before || s.tabs.SelectedIndex() != 4 || s.round.Pot != 150_000_00 {
		t.Errorf("after a sync: rebuilt %v, tab %d, pot %d", s.editor != before, s.tabs.SelectedIndex(), s.round.Pot)
	}
	if i := s.index(open.ID); i < 0 || !strings.Contains(texts(s.list), "150.000 kr.") {
		t.Errorf("the list does not show the new pot:\n%s", texts(s.list))
	}
}
