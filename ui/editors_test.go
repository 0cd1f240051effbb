package ui

// Every editor is an edit of what it loaded: left open while a sync brings
// another laptop's edit of the same row, typing in it stores the typed
// field and keeps the other laptop's, on the first save and every later
// one. Each test opens an editor, lets the edit arrive as a sync applies
// it (ops from a second database), types into a different field twice and
// reads the database.

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
	"lokalraad/storage"
)

// otherLaptopEdits brings an edit made on another laptop, as a sync does:
// that laptop holds a copy of every op here, change edits row (a value
// with its id) as stored there and save stores it there, and its ops are
// applied here. Open editors are not told.
func otherLaptopEdits[T any](t *testing.T, db *storage.DB, row T, change func(*T), save func(*storage.DB, context.Context, T, *T) error) storage.Changed {
	t.Helper()
	other := newTestDB(t)
	ops, err := db.CouncilOps(context.Background(), "")
	ok(t, err)
	_, err = other.ApplyOps(context.Background(), ops)
	ok(t, err)
	loaded := storage.Overwriting(t.Context(), other, row)
	x := loaded
	change(&x)
	ok(t, save(other, t.Context(), loaded, &x))
	ops, err = other.CouncilOps(context.Background(), "")
	ok(t, err)
	a, err := db.ApplyOpsReport(context.Background(), ops)
	ok(t, err)
	return a.Rows
}

// typeTwice types into two fields, saving after each: the second save is
// an edit of what the editor showed after the first.
func typeTwice(u *App, e1 *entry, s1 string, e2 *entry, s2 string) {
	retype(e1, s1)
	u.saver.flush()
	retype(e2, s2)
	u.saver.flush()
}

// staffEdit opens a new item in the staff pane i (0 pools, 1 deadlines, 2
// contacts, 3 announcements), lets the other laptop edit it (theirs, saved
// with save), types into two other fields of the open editor (label, text,
// label, text), and returns the item as stored.
func staffEdit[T any](t *testing.T, i int, theirs func(*T), save func(*storage.DB, context.Context, T, *T) error, typed ...string) T {
	t.Helper()
	u, db := staffUI(t)
	p := pane[T](t, u, i)
	test.Tap(p.newBtn)
	x := p.editor.x
	otherLaptopEdits(t, db, x, theirs, save)
	for k := 0; k+1 < len(typed); k += 2 {
		switch f := field(t, p, typed[k]).(type) {
		case *entry:
			retype(f, typed[k+1])
		case *widget.SelectEntry:
			f.SetText(typed[k+1])
		}
		u.saver.flush()
	}
	return storage.Overwriting(t.Context(), db, x)
}

func TestPoolEditorKeepsOtherLaptopsEdit(t *testing.T) {
	got := staffEdit(t, 0, func(p *model.Pool) { p.Description, p.Available = "Til projekter i landsbyerne.", 300_000_00 },
		(*storage.DB).SavePool,
		"Navn", "Landsbypuljen", "Regler", "Højst to ansøgninger om året.")
	if got.Name != "Landsbypuljen" || got.Rules != "Højst to ansøgninger om året." ||
		got.Description != "Til projekter i landsbyerne." || got.Available != 300_000_00 {
		t.Errorf("stored %+v; want this editor's name and rules and the other laptop's description and amount", got)
	}
}

func TestDeadlineEditorKeepsOtherLaptopsEdit(t *testing.T) {
	date := time.Date(2027, 9, 1, 0, 0, 0, 0, model.Copenhagen)
	got := staffEdit(t, 1, func(d *model.MunicipalDeadline) { d.Date, d.Description = date, "Send ønskerne til Teknik og Miljø." },
		(*storage.DB).SaveDeadline,
		"Titel", "Budgetønsker 2028", "Type", model.DeadlineKinds[0])
	if got.Title != "Budgetønsker 2028" || got.Kind != model.DeadlineKinds[0] ||
		!got.Date.Equal(date) || got.Description != "Send ønskerne til Teknik og Miljø." {
		t.Errorf("stored %+v; want this editor's title and kind and the other laptop's date and description", got)
	}
}

func TestContactEditorKeepsOtherLaptopsEdit(t *testing.T) {
	got := staffEdit(t, 2, func(c *model.Contact) { c.Phone = "59 53 00 00" },
		(*storage.DB).SaveContact,
		"E-mail", "lokalraad@kalundborg.dk", "Områder", "Jyderup\nSkarresø")
	if got.Email != "lokalraad@kalundborg.dk" || len(got.Areas) != 2 || got.Phone != "59 53 00 00" {
		t.Errorf("stored %+v; want this editor's e-mail and areas and the other laptop's phone", got)
	}
}

func TestAnnouncementEditorKeepsOtherLaptopsEdit(t *testing.T) {
	got := staffEdit(t, 3, func(a *model.Announcement) { a.Text = "Puljen er åben for ansøgninger fra 1. marts." },
		(*storage.DB).SaveAnnouncement,
		"Titel", "Ny pulje", "Dato", "15.02.2027")
	if got.Title != "Ny pulje" || model.ShortDate(got.Date) != "15.02.2027" || got.Text != "Puljen er åben for ansøgninger fra 1. marts." {
		t.Errorf("stored %+v; want this editor's title and date and the other laptop's text", got)
	}
}

func TestCouncilDialogKeepsOtherLaptopsEdit(t *testing.T) {
	u, db, cid := withCouncil(t)
	d := u.onEditCouncil()
	otherLaptopEdits(t, db, model.Council{ID: cid}, func(c *model.Council) {
		c.Area = "Jyderup og Skarresø"
	}, (*storage.DB).SaveCouncil)
	d.name.SetText("Jyderup-Skarresø Lokalråd")
	d.grant.SetText("30.000")
	d.onSave()
	got, err := db.Council(t.Context(), cid)
	ok(t, err)
	if got.Name != "Jyderup-Skarresø Lokalråd" || got.AnnualGrant != 30_000_00 || got.Area != "Jyderup og Skarresø" {
		t.Errorf("stored %+v; want this dialog's name and grant and the other laptop's area", got)
	}
}

func TestMemberEditorKeepsOtherLaptopsEdit(t *testing.T) {
	u, db, _ := withCouncil(t)
	u.tabs.SelectIndex(4)
	test.Tap(u.members.newBtn)
	ed := u.members.editor
	retype(ed.name, "Łukasz Nowak")
	u.saver.flush()
	id := ed.m.ID
	otherLaptopEdits(t, db, model.Member{ID: id}, func(m *model.Member) {
		m.Phone, m.Role, m.TermStart = "20 11 22 33", model.RoleTreasurer, time.Date(2026, 3, 1, 0, 0, 0, 0, model.Copenhagen)
	}, (*storage.DB).SaveMember)
	typeTwice(u, ed.email, "lukasz@example.dk", ed.name, "Łukasz Nowak-Hansen")
	got := storage.Overwriting(t.Context(), db, model.Member{ID: id})
	if got.Name != "Łukasz Nowak-Hansen" || got.Email != "lukasz@example.dk" ||
		got.Phone != "20 11 22 33" || got.Role != model.RoleTreasurer || model.ShortDate(got.TermStart) != "01.03.2026" {
		t.Errorf("stored %+v; want this editor's name and e-mail and the other laptop's phone, role and term", got)
	}
}

func TestMeetingEditorKeepsOtherLaptopsEdit(t *testing.T) {
	u, db, _ := withCouncil(t)
	ed := newMeeting(t, u)
	retype(ed.place, "Forsamlingshuset")
	u.saver.flush()
	id := ed.m.ID
	otherLaptopEdits(t, db, model.Meeting{ID: id}, func(m *model.Meeting) {
		m.Kind, m.Apologies, m.Place = model.MeetingAGM, "Søren", "Skarresø Kro"
	}, (*storage.DB).SaveMeeting)
	typeTwice(u, ed.title, "Ekstraordinært møde", ed.guests, "Karen, Mette")
	got, err := db.Meeting(t.Context(), id)
	ok(t, err)
	if got.Title != "Ekstraordinært møde" || got.Guests != "Karen, Mette" ||
		got.Kind != model.MeetingAGM || got.Apologies != "Søren" || got.Place != "Skarresø Kro" {
		t.Errorf("stored %+v; want this editor's title and guests and the other laptop's kind, apologies and place", got)
	}
	if ed.place.Text != "Skarresø Kro" {
		t.Errorf("the place field shows %q after a save", ed.place.Text)
	}
}

func TestAgendaItemKeepsOtherLaptopsEdit(t *testing.T) {
	u, db, _ := withCouncil(t)
	ed := newMeeting(t, u)
	test.Tap(ed.addItem)
	card := ed.items[0]
	retype(card.notes, "Linje 1\nLinje 2\nLinje 3")
	u.saver.flush()
	id := card.it.ID
	otherLaptopEdits(t, db, model.AgendaItem{ID: id}, func(it *model.AgendaItem) {
		it.Kind, it.Minutes, it.Notes = model.ItemDecision, 25, "Linje 1\nLinje 2\nLinje 3 (Søren)"
	}, (*storage.DB).SaveAgendaItem)
	// Line 1 typed on the stale text is merged with the other laptop's line 3.
	typeTwice(u, card.notes, "Linje 1 (Karen)\nLinje 2\nLinje 3", card.title, "Økonomi")
	got, err := db.AgendaItem(t.Context(), id)
	ok(t, err)
	if got.Title != "Økonomi" || got.Kind != model.ItemDecision || got.Minutes != 25 ||
		got.Notes != "Linje 1 (Karen)\nLinje 2\nLinje 3 (Søren)" {
		t.Errorf("stored %+v; want this editor's title and line 1 and the other laptop's kind, minutes and line 3", got)
	}
}

func TestActionItemRowKeepsOtherLaptopsEdit(t *testing.T) {
	u, db, _ := withCouncil(t)
	ed := newMeeting(t, u)
	test.Tap(ed.addItem)
	test.Tap(ed.items[0].addAction)
	row := ed.items[0].actions[0]
	test.Type(row.what, "Skriv til Vej og Park")
	u.saver.flush()
	id := row.a.ID
	otherLaptopEdits(t, db, model.ActionItem{ID: id}, func(a *model.ActionItem) {
		a.Due = time.Date(2026, 12, 1, 0, 0, 0, 0, model.Copenhagen)
	}, (*storage.DB).SaveActionItem)
	typeTwice(u, row.who, "Mette", row.what, "Skriv til Vej og Park om fartbump")
	got := storage.Overwriting(t.Context(), db, model.ActionItem{ID: id})
	if got.Who != "Mette" || got.What != "Skriv til Vej og Park om fartbump" || model.ShortDate(got.Due) != "01.12.2026" {
		t.Errorf("stored %+v; want this row's who and what and the other laptop's date", got)
	}
}

func TestOverviewDoneKeepsOtherLaptopsEdit(t *testing.T) {
	u, db, cid := withCouncil(t)
	m := model.Meeting{CouncilID: cid, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: time.Date(2026, 11, 1, 18, 0, 0, 0, time.UTC)}
	ok(t, db.SaveMeeting(t.Context(), model.Meeting{}, &m))
	a := model.ActionItem{CouncilID: cid, MeetingID: m.ID, What: "Book salen"}
	ok(t, db.SaveActionItem(t.Context(), model.ActionItem{}, &a))
	u.overview.refresh()
	if len(u.overview.actions) != 1 {
		t.Fatalf("overview lists %d actions", len(u.overview.actions))
	}
	shown := u.overview.actions[0]
	otherLaptopEdits(t, db, a, func(a *model.ActionItem) {
		a.Who = "Mette"
	}, (*storage.DB).SaveActionItem)
	u.overview.onDone(shown, true)
	got := storage.Overwriting(t.Context(), db, a)
	if !got.Done || got.Who != "Mette" {
		t.Errorf("stored %+v; want done here and the other laptop's who", got)
	}
}

func TestCarriedActionKeepsOtherLaptopsEdit(t *testing.T) {
	u, db, cid := withCouncil(t)
	earlier := model.Meeting{CouncilID: cid, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: time.Date(2026, 10, 1, 17, 0, 0, 0, time.UTC)}
	ok(t, db.SaveMeeting(t.Context(), model.Meeting{}, &earlier))
	a := model.ActionItem{CouncilID: cid, MeetingID: earlier.ID, What: "Book salen"}
	ok(t, db.SaveActionItem(t.Context(), model.ActionItem{}, &a))
	next := model.Meeting{CouncilID: cid, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: time.Date(2026, 11, 1, 17, 0, 0, 0, time.UTC)}
	ok(t, db.SaveMeeting(t.Context(), model.Meeting{}, &next))
	u.tabs.SelectIndex(1)
	u.meetings.refreshList()
	u.meetings.selectMeeting(next.ID)
	ed := u.meetings.editor
	if ed == nil || len(ed.carried) != 1 {
		t.Fatalf("the next meeting does not show the open action item")
	}
	otherLaptopEdits(t, db, a, func(a *model.ActionItem) { a.Who = "Mette" }, (*storage.DB).SaveActionItem)
	test.Tap(ed.carried[0].done)
	got := storage.Overwriting(t.Context(), db, a)
	if !got.Done || got.Who != "Mette" {
		t.Errorf("stored %+v; want done here and the other laptop's who", got)
	}
}

func TestProjectEditorKeepsOtherLaptopsEdit(t *testing.T) {
	u, db, _ := withCouncil(t)
	u.tabs.SelectIndex(2)
	test.Tap(u.projects.newBtn)
	ed := u.projects.editor
	id := ed.p.ID
	otherLaptopEdits(t, db, model.Project{ID: id}, func(p *model.Project) {
		p.Description, p.Status, p.Progress = "Et shelter ved mosen.", model.ProjectStatuses[1], 40
	}, (*storage.DB).SaveProject)
	typeTwice(u, ed.title, "Shelter ved mosen", ed.workingGroup, "Søren og Mette")
	got, err := db.Project(t.Context(), id)
	ok(t, err)
	if got.Title != "Shelter ved mosen" || got.WorkingGroup != "Søren og Mette" ||
		got.Description != "Et shelter ved mosen." || got.Status != model.ProjectStatuses[1] || got.Progress != 40 {
		t.Errorf("stored %+v; want this editor's title and group and the other laptop's description, status and progress", got)
	}
}

// projectWithRows opens a new project's editor.
func projectEditorOf(t *testing.T, u *App) *projectEditor {
	t.Helper()
	u.tabs.SelectIndex(2)
	test.Tap(u.projects.newBtn)
	ed := u.projects.editor
	if ed == nil {
		t.Fatal("no project editor")
	}
	return ed
}

func TestBudgetLineRowKeepsOtherLaptopsEdit(t *testing.T) {
	u, db, _ := withCouncil(t)
	ed := projectEditorOf(t, u)
	r := newLineRow(ed, model.BudgetLine{CouncilID: ed.p.CouncilID, ProjectID: ed.p.ID, Kind: model.LineExpense})
	ed.lines = append(ed.lines, r)
	test.Type(r.text, "Materialer")
	u.saver.flush()
	id := r.l.ID
	otherLaptopEdits(t, db, model.BudgetLine{ID: id}, func(l *model.BudgetLine) {
		l.Amount, l.Kind = 120_000_00, model.LineOwn
	}, (*storage.DB).SaveBudgetLine)
	typeTwice(u, r.text, "Træ", r.text, "Træ og skruer")
	got := storage.Overwriting(t.Context(), db, model.BudgetLine{ID: id})
	if got.Text != "Træ og skruer" || got.Amount != 120_000_00 || got.Kind != model.LineOwn {
		t.Errorf("stored %+v; want this row's text and the other laptop's amount and kind", got)
	}
}

func TestFundingApplicationRowKeepsOtherLaptopsEdit(t *testing.T) {
	u, db, _ := withCouncil(t)
	ed := projectEditorOf(t, u)
	r := newAppRow(ed, model.FundingApplication{CouncilID: ed.p.CouncilID, ProjectID: ed.p.ID, Status: model.ApplicationDraft})
	ed.apps = append(ed.apps, r)
	test.Type(r.pool, "Udviklingspuljen")
	u.saver.flush()
	id := r.a.ID
	otherLaptopEdits(t, db, model.FundingApplication{ID: id}, func(a *model.FundingApplication) {
		a.Status, a.Applied = model.ApplicationStatuses[1], 50_000_00
	}, (*storage.DB).SaveFundingApplication)
	typeTwice(u, r.hours, "40", r.pool, "Landsbypuljen")
	got := storage.Overwriting(t.Context(), db, model.FundingApplication{ID: id})
	if got.Pool != "Landsbypuljen" || got.VolunteerHours != 40 || got.Status != model.ApplicationStatuses[1] || got.Applied != 50_000_00 {
		t.Errorf("stored %+v; want this row's pool and hours and the other laptop's status and amount", got)
	}
}

func TestWishEditorKeepsOtherLaptopsEdit(t *testing.T) {
	u, db, _ := withCouncil(t)
	u.tabs.SelectIndex(3)
	test.Tap(u.wishes.newBtn)
	ed := u.wishes.editor
	retype(ed.justification, "Børnene cykler på vejen.\nDer er intet fortov.\nBilerne kører stærkt.\n")
	u.saver.flush()
	id := ed.w.ID
	otherLaptopEdits(t, db, model.BudgetWish{ID: id}, func(w *model.BudgetWish) {
		w.Estimate, w.Category, w.Justification = 250_000_00, model.WishCategories[0], "Børnene cykler på vejen.\nDer er intet fortov.\nBilerne kører 70 km/t.\n"
	}, (*storage.DB).SaveBudgetWish)
	typeTwice(u, ed.justification, "Skolebørnene cykler på vejen.\nDer er intet fortov.\nBilerne kører stærkt.\n", ed.title, "Ny sti til skolen")
	got := storage.Overwriting(t.Context(), db, model.BudgetWish{ID: id})
	if got.Title != "Ny sti til skolen" || got.Estimate != 250_000_00 || got.Category != model.WishCategories[0] ||
		got.Justification != "Skolebørnene cykler på vejen.\nDer er intet fortov.\nBilerne kører 70 km/t.\n" {
		t.Errorf("stored %+v; want this editor's title and line 1 and the other laptop's estimate, category and line 3", got)
	}
}

func TestAnswerEditorKeepsOtherLaptopsEdit(t *testing.T) {
	db := newTestDB(t)
	c := model.Council{Name: "Tølløse Lokalråd"}
	ok(t, db.SaveCouncil(t.Context(), model.Council{}, &c))
	w := model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: "Ny legeplads", Status: model.WishSubmitted}
	ok(t, db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	ok(t, db.SetMeta(t.Context(), storage.MetaStaff, "1"))
	u := newTestUI(t, db)
	u.tabs.SelectIndex(6)
	s := u.municipal.staff
	s.list.Select(0)
	ed := s.editor
	if ed == nil || ed.w.ID != w.ID {
		t.Fatal("no answer editor")
	}
	// The council corrects its estimate while the answer is being written.
	otherLaptopEdits(t, db, w, func(w *model.BudgetWish) {
		w.Estimate = 80_000_00
	}, (*storage.DB).SaveBudgetWish)
	test.Type(ed.text, "Byrådet giver halvdelen.")
	u.saver.flush()
	test.Type(ed.granted, "40.000")
	u.saver.flush()
	got := storage.Overwriting(t.Context(), db, w)
	if got.AnswerText != "Byrådet giver halvdelen." || got.Granted != 40_000_00 || got.Estimate != 80_000_00 {
		t.Errorf("stored %+v; want the municipality's answer and the council's estimate", got)
	}
}
