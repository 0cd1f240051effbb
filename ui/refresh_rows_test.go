package ui

// A sync (or a bundle from a USB stick) says which rows it changed, and
// each screen reads again only what shows one of them: a list when one of
// its rows changed, an open editor only when its own row, or a row of its
// own (a meeting's agenda items), changed, and never while someone types.

import (
	"bytes"
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/exchange"
)

// syncNow lets the other laptop send its edits to the hub, then taps
// "Synkronisér nu" in u and waits until shown holds.
func syncNow(t *testing.T, u *App, other *storage.DB, what string, shown func() bool) {
	t.Helper()
	_, err := exchange.NewClient().Sync(context.Background(), other, "")
	ok(t, err)
	eventually(t, "the sync button free", func() bool { return !u.sync.nowBtn.Disabled() })
	test.Tap(u.sync.nowBtn)
	eventually(t, what, shown)
}

// meetingOn stores a board meeting titled title on date (dd.mm.yyyy).
func meetingOn(t *testing.T, db *storage.DB, council, title, date string) model.Meeting {
	t.Helper()
	m := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Title: title, Start: mustDate(t, date).Add(19 * time.Hour)}
	ok(t, db.SaveMeeting(t.Context(), model.Meeting{}, &m))
	return m
}

// listedTitle is the title meeting id has in the meetings list.
func listedTitle(u *App, id string) string {
	if i := u.meetings.index(id); i >= 0 {
		return u.meetings.items[i].Title
	}
	return ""
}

// twoLaptops is a council on a hub with two laptops, the app on the first
// showing meetings A and B, made on the second, with A open.
func twoLaptops(t *testing.T) (u *App, other *storage.DB, a, b model.Meeting) {
	t.Helper()
	return twoLaptopsOn(t, newTestHub(t))
}

// twoLaptopsOn is twoLaptops on hub.
func twoLaptopsOn(t *testing.T, hub *testHub) (u *App, other *storage.DB, a, b model.Meeting) {
	t.Helper()
	council := hub.council(t, "Jyderup Lokalråd")
	mine := hub.laptop(t, council)
	other = hub.laptop(t, council)
	a = meetingOn(t, other, council, "Bestyrelsesmøde", "12.01.2027")
	b = meetingOn(t, other, council, "Borgermøde", "19.01.2027")
	u = newTestUI(t, mine)
	stopSync(t, u)
	syncNow(t, u, other, "both meetings listed", func() bool { return len(u.meetings.items) == 2 })
	u.tabs.SelectIndex(tabMeetings)
	chooseRow(t, u.meetings.editPane, a.ID)
	return u, other, a, b
}

// A sync that renames meeting B shows B's new title in the list and leaves
// meeting A's open editor as it is, with a date typed that could not be
// saved, though nobody types; a sync that renames A shows A's new title in
// its editor.
func TestSyncOfAnotherMeetingLeavesTheOpenOneAlone(t *testing.T) {
	u, other, a, b := twoLaptops(t)
	ed := u.meetings.editor
	retype(ed.date, "31.02.2027") // not a date: not saved, kept on screen
	u.saver.flush()
	u.win.Canvas().Unfocus()
	if u.typing() {
		t.Fatal("someone types after the flush and the unfocus")
	}

	b.Title = "Borgermøde om stien"
	ok(t, other.SaveMeeting(t.Context(), storage.Overwriting(t.Context(), other, b), &b))
	syncNow(t, u, other, "B's new title in the list", func() bool { return listedTitle(u, b.ID) == "Borgermøde om stien" })
	if u.meetings.editor != ed || ed.date.Text != "31.02.2027" {
		t.Errorf("a sync of meeting B rebuilt meeting A's editor (same: %v), its date shows %q",
			u.meetings.editor == ed, ed.date.Text)
	}

	a.Title = "Ekstraordinært bestyrelsesmøde"
	ok(t, other.SaveMeeting(t.Context(), storage.Overwriting(t.Context(), other, a), &a))
	syncNow(t, u, other, "A's new title in its open editor", func() bool {
		return u.meetings.editor != nil && u.meetings.editor.title.Text == "Ekstraordinært bestyrelsesmøde"
	})
}

// A sync that adds an agenda item to the open meeting, or changes one of
// its items, shows it in the open editor; one that changes an item of
// another meeting leaves the editor as it is.
func TestSyncOfTheOpenMeetingsAgendaItemShowsIt(t *testing.T) {
	u, other, a, b := twoLaptops(t)
	agenda := func() string { return texts(u.meetings.detail) }

	it := model.AgendaItem{CouncilID: a.CouncilID, MeetingID: a.ID, Position: 1, Title: "Trafik på Skolevej", Kind: model.ItemDiscussion}
	ok(t, other.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	syncNow(t, u, other, "the new agenda item in the open meeting", func() bool {
		return strings.Contains(agenda(), "Trafik på Skolevej")
	})

	loaded := it
	it.Title = "Trafik og fortove på Skolevej"
	ok(t, other.SaveAgendaItem(t.Context(), loaded, &it))
	syncNow(t, u, other, "the agenda item's new title in the open meeting", func() bool {
		return strings.Contains(agenda(), "Trafik og fortove på Skolevej")
	})

	ed := u.meetings.editor
	theirs := model.AgendaItem{CouncilID: b.CouncilID, MeetingID: b.ID, Position: 1, Title: "Stien til skolen", Kind: model.ItemInformation}
	ok(t, other.SaveAgendaItem(t.Context(), model.AgendaItem{}, &theirs))
	_, err := exchange.NewClient().Sync(context.Background(), other, "")
	ok(t, err)
	eventually(t, "the sync button free", func() bool { return !u.sync.nowBtn.Disabled() })
	mine := u.db
	test.Tap(u.sync.nowBtn)
	eventually(t, "B's agenda item on this laptop", func() bool {
		items, err := mine.AgendaItems(t.Context(), b.ID)
		return err == nil && len(items) == 1 && !u.sync.running
	})
	drainUI()
	if u.meetings.editor != ed {
		t.Error("an agenda item of meeting B rebuilt meeting A's editor")
	}
	if strings.Contains(agenda(), "Stien til skolen") {
		t.Errorf("meeting A shows meeting B's agenda item:\n%s", agenda())
	}
}

// The year wheel, the accounts and the development plan show what a sync
// brought while their tab is shown, without choosing it again.
func TestYearAccountsAndPlanShowASync(t *testing.T) {
	hub := newTestHub(t)
	council := hub.council(t, "Jyderup Lokalråd")
	mine := hub.laptop(t, council)
	other := hub.laptop(t, council)
	u := newTestUI(t, mine)
	stopSync(t, u)
	year := u.now().In(model.Copenhagen).Year()

	u.tabs.SelectIndex(tabYear)
	r := model.YearRule{CouncilID: council, Title: "Sankthansbål ved søen", Kind: model.YearDate, Month: 6, Day: 23, Nth: 1}
	ok(t, other.SaveYearRule(t.Context(), model.YearRule{}, &r))
	syncNow(t, u, other, "the yearly date in June on the year wheel", func() bool {
		return strings.Contains(u.year.months[5].Text, "Sankthansbål ved søen")
	})

	u.tabs.SelectIndex(tabAccounts)
	e := model.AccountEntry{CouncilID: council, Date: time.Date(year, 3, 14, 0, 0, 0, 0, model.Copenhagen), Text: "Kaffe og kage",
		Kind: model.EntryExpense, Amount: 245_50}
	ok(t, other.SaveAccountEntry(t.Context(), model.AccountEntry{}, &e))
	y := model.AccountsYear{CouncilID: council, Year: year, Opening: 12_500_00}
	ok(t, other.SaveAccountsYear(t.Context(), model.AccountsYear{}, &y))
	syncNow(t, u, other, "the entry and the opening balance in the accounts", func() bool {
		return u.accounts.lines.index(e.ID) >= 0 && u.accounts.opening.Text == "12.500"
	})

	u.tabs.SelectIndex(tabPlan)
	p := model.DevPlan{CouncilID: council, Year: year, Vision: "Et levende Jyderup"}
	ok(t, other.SavePlan(t.Context(), model.DevPlan{}, &p))
	syncNow(t, u, other, "the plan made on the other laptop", func() bool {
		return u.plan.has && u.plan.vision != nil && u.plan.vision.Text == "Et levende Jyderup"
	})
	loaded := p
	p.Vision = "Et levende Jyderup for alle"
	ok(t, other.SavePlan(t.Context(), loaded, &p))
	syncNow(t, u, other, "the plan's new vision", func() bool { return u.plan.vision.Text == "Et levende Jyderup for alle" })
	if got := u.tabs.SelectedIndex(); got != tabPlan {
		t.Errorf("the tab shown is %d", got)
	}
}

// A bundle carried on a USB stick says the rows it brought as a pull does,
// and the screens show it the same way: meeting B's new title in the list,
// meeting A's editor left as it is.
func TestBundleRefreshesLikeAPull(t *testing.T) {
	hub := newTestHub(t)
	council := hub.council(t, "Jyderup Lokalråd")
	other := hub.laptop(t, council)
	puller := hub.laptop(t, council)
	a := meetingOn(t, other, council, "Bestyrelsesmøde", "12.01.2027")
	b := meetingOn(t, other, council, "Borgermøde", "19.01.2027")
	_, err := exchange.NewClient().Sync(context.Background(), other, "")
	ok(t, err)
	_, err = exchange.NewClient().Sync(context.Background(), puller, "")
	ok(t, err)
	bundle := func() *bytes.Reader {
		var buf bytes.Buffer
		_, err := exchange.NewClient().WriteBundle(context.Background(), &buf, hub.db, council)
		ok(t, err)
		return bytes.NewReader(buf.Bytes())
	}

	// A laptop that never enrolled takes the council from a bundle.
	mine := newTestDB(t)
	_, first, err := exchange.NewClient().ImportBundleReport(context.Background(), bundle(), mine)
	ok(t, err)
	if !first.Rows.Has("meetings", a.ID) || !first.Rows.Has("meetings", b.ID) {
		t.Fatalf("the first bundle brought rows %v", first.Rows)
	}
	u := newTestUI(t, mine)
	u.tabs.SelectIndex(tabMeetings)
	chooseRow(t, u.meetings.editPane, a.ID)
	ed := u.meetings.editor

	b.Title = "Borgermøde om stien"
	ok(t, other.SaveMeeting(t.Context(), storage.Overwriting(t.Context(), other, b), &b))
	_, err = exchange.NewClient().Sync(context.Background(), other, "")
	ok(t, err)
	pulled, err := exchange.NewClient().Sync(context.Background(), puller, "")
	ok(t, err)
	_, got, err := exchange.NewClient().ImportBundleReport(context.Background(), bundle(), mine)
	ok(t, err)
	if want := (storage.Changed{"meetings": {b.ID}}); !maps.EqualFunc(got.Rows, want, slices.Equal) ||
		!maps.EqualFunc(got.Rows, pulled.Rows, slices.Equal) || !slices.Equal(got.Tables, pulled.Tables) {
		t.Errorf("the bundle brought rows %v (tables %q), the pull %v (tables %q); want %v",
			got.Rows, got.Tables, pulled.Rows, pulled.Tables, want)
	}

	u.refreshAfterSync(got.Rows)
	if listedTitle(u, b.ID) != "Borgermøde om stien" {
		t.Errorf("the list shows B as %q after the bundle", listedTitle(u, b.ID))
	}
	if u.meetings.editor != ed {
		t.Error("a bundle changing meeting B rebuilt meeting A's editor")
	}
	a.Title = "Ekstraordinært bestyrelsesmøde"
	ok(t, other.SaveMeeting(t.Context(), storage.Overwriting(t.Context(), other, a), &a))
	_, err = exchange.NewClient().Sync(context.Background(), other, "")
	ok(t, err)
	_, got, err = exchange.NewClient().ImportBundleReport(context.Background(), bundle(), mine)
	ok(t, err)
	u.refreshAfterSync(got.Rows)
	if u.meetings.editor == ed || u.meetings.editor.title.Text != "Ekstraordinært bestyrelsesmøde" {
		t.Errorf("a bundle changing meeting A left its editor showing %q", u.meetings.editor.title.Text)
	}
}

// Every tab's screen but the search shows what a sync brings: a screen
// added to the tab list without refreshChanged would show a sync's news
// only when chosen again.
func TestEveryTabShowsASync(t *testing.T) {
	u, _, _ := withCouncil(t)
	for i, tab := range u.tabList {
		if _, shows := tab.screen.(changeShower); !shows && i != tabSearch {
			t.Errorf("tab %d (%s) does not show what a sync brings", i, tab.title)
		}
	}
	if got := len(u.tabs.Items); got != numTabs || u.tabs.Items[tabYear].Text != "Årshjul" {
		t.Errorf("%d tabs, the year wheel's titled %q", got, u.tabs.Items[tabYear].Text)
	}
}

// A member a sync brings is offered as a project's responsible in the
// project open, without choosing the tab again.
func TestSyncedMemberIsOfferedAsResponsible(t *testing.T) {
	u, db, council := withCouncil(t)
	p := model.Project{CouncilID: council, Title: "Shelter ved Skarresø", Status: model.ProjectIdea}
	ok(t, db.SaveProject(t.Context(), model.Project{}, &p))
	u.tabs.SelectIndex(tabProjects)
	u.projects.refreshList()
	chooseRow(t, u.projects.editPane, p.ID)

	m := model.Member{CouncilID: council, Name: "Łucja Nowak", Role: model.RoleMember}
	ok(t, db.SaveMember(t.Context(), model.Member{}, &m)) // as a pull stores it
	u.refreshAfterSync(storage.Changed{"members": {m.ID}})
	if opts := u.projects.editor.responsible.Options; !slices.Contains(opts, "Łucja Nowak") {
		t.Errorf("the responsible's choices after a sync: %q", opts)
	}
}

// An agenda item added here to the open meeting, sent to the hub and
// deleted on the other laptop is gone from the open meeting after the next
// sync, though the editor was opened before the item was added (it knew
// only the items it had then) and the item is no longer stored (the items
// read after the sync do not name it either).
func TestItemAddedHereAndDeletedElsewhereLeavesTheOpenMeeting(t *testing.T) {
	u, other, a, _ := twoLaptops(t)
	ctx := t.Context()
	ed := u.meetings.editor
	test.Tap(ed.addItem)
	if len(ed.items) != 1 {
		t.Fatalf("the meeting shows %d agenda items after Tilføj punkt, want 1", len(ed.items))
	}
	card := ed.items[0]
	id := card.it.ID
	test.Type(card.title, "Trafik på Skolevej") // the new item's title is focused, selected
	u.saver.flush()
	shows := func() bool {
		e := u.meetings.editor
		return e != nil && (strings.Contains(texts(u.meetings.detail), "Trafik på Skolevej") ||
			slices.ContainsFunc(e.items, func(c *itemCard) bool { return c.it.ID == id }))
	}
	if !shows() {
		t.Fatalf("the open meeting does not show its new item:\n%s", texts(u.meetings.detail))
	}

	// The title still has the cursor while this laptop sends the item:
	// a sync leaves an editor alone while someone types.
	eventually(t, "the sync button free", func() bool { return !u.sync.nowBtn.Disabled() })
	test.Tap(u.sync.nowBtn)
	eventually(t, "the new item on the other laptop", func() bool {
		_, err := exchange.NewClient().Sync(context.Background(), other, "")
		items, _ := other.AgendaItems(ctx, a.ID)
		return err == nil && len(items) == 1 && items[0].ID == id && items[0].Title == "Trafik på Skolevej"
	})
	ok(t, other.DeleteAgendaItem(ctx, id))
	u.win.Canvas().Unfocus()
	if u.typing() {
		t.Fatal("someone types after the unfocus")
	}
	syncNow(t, u, other, "the item deleted elsewhere gone from the open meeting", func() bool {
		items, err := u.db.AgendaItems(ctx, a.ID)
		return err == nil && len(items) == 0 && !u.sync.running && !shows()
	})
	if u.meetings.editor == nil || u.meetings.editor.m.ID != a.ID {
		t.Error("meeting A is no longer open")
	}
}

// A sync sends, then fetches: the other laptop can fetch an agenda item
// added here, delete it and send the delete while the sync that sent the
// item still runs, and that same sync then brings the delete. The open
// meeting shows the item no more once the sync has ended, though the item
// was never stored here at the end of a sync (the editor learnt its own
// rows only then, and kept the item's card).
func TestItemDeletedElsewhereInTheSyncThatSentItLeavesTheOpenMeeting(t *testing.T) {
	hub := newTestHub(t)
	u, other, a, _ := twoLaptopsOn(t, hub)
	ctx := t.Context()
	ed := u.meetings.editor
	test.Tap(ed.addItem)
	if len(ed.items) != 1 {
		t.Fatalf("the meeting shows %d agenda items after Tilføj punkt, want 1", len(ed.items))
	}
	id := ed.items[0].it.ID
	u.win.Canvas().Unfocus() // nobody types: a sync may build the editor again
	if u.typing() {
		t.Fatal("someone types after the unfocus")
	}

	// When this laptop asks the hub for what is new, once the hub has the
	// item, the other laptop first fetches the item, deletes it and sends
	// the delete.
	st := noerr.Get(u.db.SyncState(ctx))(t)
	mine := "Bearer " + st.Token
	var deleted atomic.Bool
	meanwhile := func(r *http.Request) {
		if r.URL.Path != "/v1/pull" || r.Header.Get("Authorization") != mine {
			return
		}
		if items, err := hub.db.AgendaItems(ctx, a.ID); err != nil || len(items) == 0 {
			return
		}
		if !deleted.CompareAndSwap(false, true) {
			return
		}
		_, err := exchange.NewClient().Sync(ctx, other, "")
		if err == nil {
			err = other.DeleteAgendaItem(ctx, id)
		}
		if err == nil {
			_, err = exchange.NewClient().Sync(ctx, other, "")
		}
		if err != nil {
			t.Errorf("the other laptop: %v", err)
		}
	}
	hub.before.Store(&meanwhile)
	defer hub.before.Store(nil)

	// One sync of the app's background loop, run here so that the test
	// knows when it has ended (one the loop had begun runs before it);
	// then what the syncs report is shown.
	u.sync.bg.SyncOnce(ctx)
	drainUI()

	if !deleted.Load() {
		t.Fatal("the hub did not have the item when this laptop fetched")
	}
	if items := noerr.Get(u.db.AgendaItems(ctx, a.ID))(t); len(items) != 0 {
		t.Fatalf("meeting A has %d agenda items stored here after the sync, want none", len(items))
	}
	e := u.meetings.editor
	if e == nil || e.m.ID != a.ID {
		t.Fatal("meeting A is no longer open")
	}
	if slices.ContainsFunc(e.items, func(c *itemCard) bool { return c.it.ID == id }) ||
		strings.Contains(texts(u.meetings.detail), "Nyt punkt") {
		t.Errorf("the open meeting still shows the agenda item deleted elsewhere:\n%s", texts(u.meetings.detail))
	}
}
