package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage/demo"
	"lokalraad/storage/exchange"
)

// enrolFromSettings types the server and a code for council into the
// settings and taps "Tilmeld".
func enrolFromSettings(t *testing.T, u *App, hub *testHub, council string) {
	t.Helper()
	u.onSettings()
	st := u.sync.settings
	test.Type(st.server, hub.url)
	test.Type(st.code, hub.code(t, council))
	test.Tap(st.enrol)
}

// A laptop that still holds the demo council enrols without being asked
// anything: the demo stays on the laptop, none of it reaches the
// municipality, and the real council keeps its name there.
func TestEnrolWithDemoSendsNothingOfIt(t *testing.T) {
	hub := newTestHub(t)
	council := hub.council(t, "Tølløse Lokalråd")
	db := newTestDB(t)
	demoID, err := demo.Council(t.Context(), db, time.Now())
	ok(t, err)
	u := newTestUI(t, db)
	stopSync(t, u)
	enrolFromSettings(t, u, hub, council)
	eventually(t, "the enrolled council shown", func() bool { return u.councilID == council })
	if top := u.win.Canvas().Overlays().Top(); top != nil && strings.Contains(texts(top), "Vil du forbinde") {
		t.Errorf("asked to link the demo:\n%s", texts(top))
	}
	c, err := hub.db.Council(t.Context(), council)
	ok(t, err)
	if c.Name != "Tølløse Lokalråd" {
		t.Errorf("the municipality's council is named %q", c.Name)
	}
	if ms := noerr.Get(hub.db.Members(t.Context(), council))(t); len(ms) != 0 {
		t.Errorf("the demo's members reached the municipality: %+v", ms)
	}
	if ms := noerr.Get(db.Members(t.Context(), demoID))(t); len(ms) == 0 {
		t.Error("the demo is gone from the laptop")
	}
}

// "Hold adskilt" keeps the council made here on this computer only.
func TestEnrolKeepApart(t *testing.T) {
	hub := newTestHub(t)
	hubCouncil := hub.council(t, "Jyderup Lokalråd")
	u, db, own := withCouncil(t)
	stopSync(t, u)
	w := model.BudgetWish{CouncilID: own, Year: 2027, Title: "Ny sti til skolen", Status: model.WishDraft}
	ok(t, db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	enrolFromSettings(t, u, hub, hubCouncil)
	eventually(t, "the question whether to link", func() bool {
		top := u.win.Canvas().Overlays().Top()
		return top != nil && strings.Contains(texts(top), "Vil du forbinde rådet")
	})
	test.Tap(overlayButton(t, u, "Hold adskilt"))
	eventually(t, "the enrolled council shown", func() bool { return u.councilID == hubCouncil })
	if ws := noerr.Get(hub.db.BudgetWishes(t.Context(), hubCouncil, 0))(t); len(ws) != 0 {
		t.Errorf("kept apart, yet the municipality has %+v", ws)
	}
	if ws := noerr.Get(db.BudgetWishes(t.Context(), own, 0))(t); len(ws) != 1 {
		t.Errorf("the laptop's own council has %+v", ws)
	}
}

// A question left unanswered (the app closed meanwhile) is asked at the
// next start, and nothing is synced before the answer.
func TestUnansweredLinkAskedAtStart(t *testing.T) {
	hub := newTestHub(t)
	hubCouncil := hub.council(t, "Jyderup Lokalråd")
	db := newTestDB(t)
	c := model.Council{Name: "Jyderup Borgerforening"}
	ok(t, db.SaveCouncil(t.Context(), model.Council{}, &c))
	ok(t, db.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: c.ID, Name: "Karen Østergaard", Role: model.RoleChair}))
	_, err := exchange.NewClient().Enroll(context.Background(), db, hub.url, hub.code(t, hubCouncil))
	ok(t, err)

	u := newTestUI(t, db)
	stopSync(t, u)
	top := u.win.Canvas().Overlays().Top()
	if top == nil || !strings.Contains(texts(top), "Vil du forbinde rådet «Jyderup Borgerforening» med «Jyderup Lokalråd» hos kommunen?") {
		t.Fatal("the question is not asked at start")
	}
	if ms := noerr.Get(hub.db.Members(t.Context(), hubCouncil))(t); len(ms) != 0 {
		t.Errorf("sent before the answer: %+v", ms)
	}
	test.Tap(overlayButton(t, u, "Forbind"))
	eventually(t, "the council's member at the municipality", func() bool {
		ms, err := hub.db.Members(context.Background(), hubCouncil)
		return err == nil && len(ms) == 1 && ms[0].Name == "Karen Østergaard"
	})
	if u.councilID != hubCouncil {
		t.Errorf("the council shown is %s, want the linked %s", u.councilID, hubCouncil)
	}
}
