package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"lokalraad/model"
	"lokalraad/storage/exchange"
)

// A second laptop starts empty: enrolling from the welcome screen fetches
// the council from the server and opens it with its data.
func TestWelcomeEnrolsAndFetches(t *testing.T) {
	hub := newTestHub(t)
	council := hub.council(t, "Jyderup Lokalråd")
	// The first laptop has the council's data on the server already.
	first := hub.laptop(t, council)
	w := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Bænke ved søen", Status: model.WishDraft}
	ok(t, first.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	p := model.Project{CouncilID: council, Title: "Shelter ved mosen", Status: model.ProjectIdea}
	ok(t, first.SaveProject(t.Context(), model.Project{}, &p))
	_, err := exchange.NewClient().Sync(context.Background(), first, "")
	ok(t, err)

	db := newTestDB(t)
	u := newTestUI(t, db)
	stopSync(t, u)
	s := u.welcome
	if s == nil || s.enrol == nil {
		t.Fatal("no enrolment on the welcome screen")
	}
	if !strings.Contains(texts(u.win.Content()), "Tilmeld computeren hos kommunen") {
		t.Errorf("the welcome screen does not offer enrolment:\n%s", texts(u.win.Content()))
	}

	// Nothing typed, then a wrong code: plain Danish, still on the welcome screen.
	test.Tap(s.enrol)
	if !s.enrolMsg.Visible() || !strings.Contains(s.enrolMsg.Text, "Skriv serverens adresse") {
		t.Errorf("empty fields: %q", s.enrolMsg.Text)
	}
	test.Type(s.server, hub.url)
	test.Type(s.code, "forkert-kode")
	test.Tap(s.enrol)
	eventually(t, "the refusal is shown", func() bool { return s.enrolMsg.Visible() && s.enrol.Disabled() == false })
	if !strings.Contains(s.enrolMsg.Text, "Tilmeldingen blev afvist") || s.progress.Visible() {
		t.Errorf("wrong code: %q (progress shown %v)", s.enrolMsg.Text, s.progress.Visible())
	}
	if u.welcome != s || u.tabs != nil {
		t.Fatal("the welcome screen left after a refused enrolment")
	}

	s.code.SetText(hub.code(t, council))
	test.Tap(s.enrol)
	if !s.progress.Visible() && u.tabs == nil {
		t.Error("no progress shown while enrolling")
	}
	eventually(t, "the council is open", func() bool { return u.tabs != nil && u.councilID == council })
	if got := u.win.Title(); got != "Lokalråd – Jyderup Lokalråd" {
		t.Errorf("title %q", got)
	}
	u.tabs.SelectIndex(2)
	if !strings.Contains(texts(u.tabs.Items[2].Content), "Shelter ved mosen") {
		t.Errorf("projects shown:\n%s", texts(u.tabs.Items[2].Content))
	}
	u.tabs.SelectIndex(3)
	u.wishes.selectWish(w.ID)
	if u.wishes.editor == nil || u.wishes.editor.w.Title != "Bænke ved søen" {
		t.Error("the council's budget wish is not on screen")
	}
	eventually(t, "the status bar says synced", func() bool {
		return !u.sync.problem.Visible() && strings.HasPrefix(u.sync.state.Text, "Sidst synkroniseret")
	})
	if !u.councilDevice() {
		t.Error("the computer is not enrolled for the council")
	}
}

// The municipality's own computer enrolled from the welcome screen opens
// on the staff view.
func TestWelcomeEnrolsStaff(t *testing.T) {
	hub := newTestHub(t)
	hub.council(t, "Tølløse Lokalråd")
	u := newTestUI(t, newTestDB(t))
	stopSync(t, u)
	test.Type(u.welcome.server, hub.url)
	test.Type(u.welcome.code, hub.code(t, ""))
	test.Tap(u.welcome.enrol)
	eventually(t, "the staff view is open", func() bool { return u.tabs != nil && u.tabs.SelectedIndex() == 6 })
	if got := u.tabs.Items[6].Text; got != "Besvar budgetønsker" || len(u.municipal.editors) != 4 {
		t.Errorf("staff tab %q with %d editors", got, len(u.municipal.editors))
	}
}
