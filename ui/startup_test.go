package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"lokalraad/model"
	"lokalraad/storage"
)

// inWindow tells whether o is laid out in the window.
func inWindow(u *App, o fyne.CanvasObject) bool {
	return slices.Contains(test.LaidOutObjects(u.win.Content()), o)
}

// The window opens with only the Oversigt tab's screen in the tabs, so
// that the first frame does not measure ten hidden screens (AppTabs sizes
// itself by every tab's content); every other tab shows its screen when it
// is chosen (by a tap, a shortcut or a search hit), and keeps it.
func TestTabsJoinTheWindowWhenChosen(t *testing.T) {
	u, _, _ := withCouncil(t)
	if slices.Contains(test.LaidOutObjects(u.tabs.Items[1].Content), fyne.CanvasObject(u.meetings.newBtn)) {
		t.Fatal("the Møder tab holds its screen before the tab was chosen")
	}
	for i, it := range u.tabs.Items {
		u.tabs.SelectIndex(i)
		if c, ok := it.Content.(*fyne.Container); ok && len(c.Objects) == 0 {
			t.Errorf("tab %d (%s) shows nothing after it was chosen", i, it.Text)
		}
		if !inWindow(u, it.Content) {
			t.Errorf("tab %d (%s): its content is not in the window", i, it.Text)
		}
	}
	u.tabs.SelectIndex(0)
	u.onNewMeeting() // Ctrl+N: to Møder, a new meeting
	if !inWindow(u, u.meetings.newBtn) {
		t.Error("Ctrl+N went to a Møder tab without its screen")
	}
	first := u.tabs.Items[1].Content
	u.tabs.SelectIndex(0)
	u.tabs.SelectIndex(1)
	if u.tabs.Items[1].Content != first {
		t.Error("the Møder tab was built again when chosen a second time")
	}
}

// Ctrl+F from a fresh window goes to the search field, in the window.
func TestSearchShortcutOnAFreshWindow(t *testing.T) {
	u, _, _ := withCouncil(t)
	u.onSearchShortcut()
	if !inWindow(u, u.search.query) {
		t.Fatal("the search field is not in the window after Ctrl+F")
	}
	if u.win.Canvas().Focused() != u.search.query {
		t.Errorf("focus is on %v, not the search field", u.win.Canvas().Focused())
	}
}

// newLazyUI is newTestUI as the app starts: only the tab shown has its
// screen (NewLater: not even that until Fill).
func newLazyUI(t *testing.T, db *storage.DB, later bool) *App {
	t.Helper()
	if err := SetupLanguage("da"); err != nil {
		t.Fatal(err)
	}
	queue := make(chan func(), 10000)
	testQueue = queue
	uiDo = func(f func()) { queue <- f }
	var u *App
	if later {
		u = NewLater(test.NewApp(), db)
	} else {
		u = New(test.NewApp(), db)
	}
	u.saver.delay = time.Hour
	return u
}

// councilWithData stores a council with a meeting to come, a project and
// a member.
func councilWithData(t *testing.T) (*storage.DB, string) {
	t.Helper()
	db := newTestDB(t)
	c := model.Council{Name: "Jyderup Lokalråd", Area: "Jyderup"}
	ok(t, db.SaveCouncil(t.Context(), model.Council{}, &c))
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Title: "Bestyrelsesmøde om shelteret",
		Start: time.Now().Add(10 * 24 * time.Hour).UTC().Truncate(time.Minute)}
	ok(t, db.SaveMeeting(t.Context(), model.Meeting{}, &m))
	p := model.Project{CouncilID: c.ID, Title: "Shelter ved søen", Status: model.ProjectIdea}
	ok(t, db.SaveProject(t.Context(), model.Project{}, &p))
	mem := model.Member{CouncilID: c.ID, Name: "Mette Hansen", Role: model.RoleMember}
	ok(t, db.SaveMember(t.Context(), model.Member{}, &mem))
	return db, c.ID
}

// unbuilt lists the tabs whose screens are not built.
func unbuilt(u *App) []int {
	var is []int
	for i := range numTabs {
		if !u.built(i) {
			is = append(is, i)
		}
	}
	return is
}

// At start only Oversigt's screen is built and has read its data; every
// other tab reads the council's data when it is first chosen, and shows
// what is stored then.
func TestHiddenTabsReadTheirDataWhenChosen(t *testing.T) {
	db, _ := councilWithData(t)
	u := newLazyUI(t, db, false)
	if got, want := unbuilt(u), []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}; !slices.Equal(got, want) {
		t.Fatalf("tabs not built at start: %v, want %v", got, want)
	}
	if u.meetings.list != nil || u.projects.list != nil || u.year.label != nil || u.accounts.label != nil || u.plan.label != nil {
		t.Fatal("a hidden tab's screen was built at start")
	}
	if u.overview.nextID == "" {
		t.Error("Oversigt does not show the next meeting")
	}
	u.tabs.SelectIndex(tabMeetings)
	if len(u.meetings.items) != 1 || u.meetings.items[0].Title != "Bestyrelsesmøde om shelteret" {
		t.Errorf("Møder shows %+v", u.meetings.items)
	}
	u.tabs.SelectIndex(tabProjects)
	if len(u.projects.items) != 1 || u.projects.items[0].Title != "Shelter ved søen" {
		t.Errorf("Projekter shows %+v", u.projects.items)
	}
	u.tabs.SelectIndex(tabMembers)
	if len(u.members.items) != 1 || u.members.items[0].Name != "Mette Hansen" {
		t.Errorf("Medlemmer shows %+v", u.members.items)
	}
	if got, want := unbuilt(u), []int{3, 5, 6, 7, 8, 9, 10}; !slices.Equal(got, want) {
		t.Errorf("tabs not built after choosing three: %v, want %v", got, want)
	}
}

// Sync's refresh of the screens passes by the tabs not yet chosen; they
// show what sync brought when they are chosen.
func TestSyncRefreshBeforeTabsAreChosen(t *testing.T) {
	db, cid := councilWithData(t)
	u := newLazyUI(t, db, false)
	m := model.Meeting{CouncilID: cid, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Title: "Møde fra den anden bærbare",
		Start: time.Now().Add(5 * 24 * time.Hour).UTC().Truncate(time.Minute)}
	ok(t, db.SaveMeeting(t.Context(), model.Meeting{}, &m)) // as a pull stores it
	u.refreshScreens(nil)
	changed := someRows("projects", "members", "budget_wishes", "pb_rounds")
	changed.Add("meetings", m.ID)
	u.refreshScreens(changed)
	if u.overview.nextID != m.ID {
		t.Errorf("Oversigt's next meeting is %q, want the one sync brought", u.overview.nextID)
	}
	if got := unbuilt(u); len(got) != numTabs-1 {
		t.Errorf("sync's refresh built tabs: only %v are left unbuilt", got)
	}
	u.tabs.SelectIndex(tabMeetings)
	if len(u.meetings.items) != 2 {
		t.Errorf("Møder shows %d meetings, want 2 (one from sync)", len(u.meetings.items))
	}
}

// NewLater's first frame shows the tabs and "Indlæser…" where Oversigt
// goes, with nothing built or read; Fill shows Oversigt with its data.
// A tab chosen before Fill shows its own screen, and Fill leaves it.
func TestFirstFrameSaysLoadingThenFills(t *testing.T) {
	db, _ := councilWithData(t)
	u := newLazyUI(t, db, true)
	if got := unbuilt(u); len(got) != numTabs {
		t.Fatalf("built before the first frame: all but %v", got)
	}
	if got := texts(u.win.Content()); !strings.Contains(got, "Indlæser…") {
		t.Errorf("the first frame does not say Indlæser…:\n%s", got)
	}
	u.Fill()
	if u.overview.nextID == "" || !inWindow(u, u.overview.next) {
		t.Fatal("Oversigt is not shown with its next meeting after Fill")
	}
	if strings.Contains(texts(u.win.Content()), "Indlæser…") {
		t.Error("still Indlæser… after Fill")
	}

	u = newLazyUI(t, db, true)
	u.onNewMeeting() // Ctrl+N before the window was filled
	u.Fill()
	if u.built(tabOverview) {
		t.Error("Fill built Oversigt while Møder was shown")
	}
	if u.meetings.editor == nil || !inWindow(u, u.meetings.editor.title) {
		t.Fatal("Ctrl+N before Fill shows no meeting editor")
	}
	id := u.meetings.editor.m.ID
	u.saver.flush()
	if _, err := db.Meeting(t.Context(), id); err != nil {
		t.Errorf("the new meeting is not stored: %v", err)
	}
	u.tabs.SelectIndex(tabOverview)
	if !inWindow(u, u.overview.next) {
		t.Error("Oversigt chosen after Fill shows no screen")
	}
}

// A search hit opens its project in a Projekter tab not chosen before.
func TestSearchHitOpensAnUnbuiltTab(t *testing.T) {
	db, cid := councilWithData(t)
	u := newLazyUI(t, db, false)
	ps, err := db.Projects(t.Context(), cid)
	ok(t, err)
	u.openHit(model.SearchHit{Kind: "project", ID: ps[0].ID})
	if u.projects.editor == nil || u.projects.editor.p.ID != ps[0].ID {
		t.Fatal("the hit's project is not open")
	}
	if !inWindow(u, u.projects.list) {
		t.Error("Projekter is not in the window")
	}
}

// On a new database NewLater's first frame is the welcome screen; the
// council made there opens with Oversigt shown, not Indlæser….
func TestFirstCouncilAfterLaterStartIsShown(t *testing.T) {
	u := newLazyUI(t, newTestDB(t), true)
	if u.welcome == nil {
		t.Fatal("no welcome screen on a new database")
	}
	u.Fill()
	test.Type(u.welcome.name, "Tølløse Lokalråd")
	test.Type(u.welcome.area, "Tølløse")
	test.Tap(u.welcome.create)
	if u.tabs == nil || !inWindow(u, u.overview.next) {
		t.Fatal("the new council's Oversigt is not shown")
	}
	if strings.Contains(texts(u.win.Content()), "Indlæser…") {
		t.Error("the new council says Indlæser…")
	}
}
