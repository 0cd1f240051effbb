package ui

import (
	"context"
	"maps"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"lokalraad/model"
	"lokalraad/storage"
)

// A council's tabs are named once, in councilTabs: each one's title,
// screen (no icon: see openCouncil) and how the screen reads its data again
// when its tab is chosen again. The screen is built when its tab is first
// chosen (tabContent); after a sync, each built screen that shows what a
// sync brings (changeShower) is told what changed, and reads again only
// what shows a changed row (refreshScreens). Adding a tab is a line here
// and its constant (tabOverview…).

// councilTab is one of a council's tabs.
type councilTab struct {
	title  string
	screen tabScreen
	// again, when given, reads again what the screen shows when its tab
	// is chosen again (a screen built just now has read it).
	again func()
}

// tabScreen is a tab's screen: build lays it out and reads its data, the
// first time the tab is chosen.
type tabScreen interface {
	build() fyne.CanvasObject
}

// changeShower is a tab's screen that shows what a sync brought: it reads
// again what shows a row that changed (nil: any), and an open item only
// when nobody is typing.
type changeShower interface {
	refreshChanged(changed storage.Changed, typing bool)
}

// itemOpener is a tab's screen that lists items and shows one open (an
// editPane): the language switch opens that item again.
type itemOpener interface {
	openID() string
	choose(id string)
}

// kidsNoter is a tab's screen with an editor that knows its own rows
// (editPane.noteKids), told after every sync to note them as stored now. A
// screen holding such a pane in a field says so itself (accountsScreen).
type kidsNoter interface {
	noteKids()
}

// councilTabs are the open council's tabs, in their order.
func (u *App) councilTabs() [numTabs]councilTab {
	return [numTabs]councilTab{
		tabOverview:     {lang.L("Overview"), u.overview, u.overview.refresh},
		tabMeetings:     {lang.L("Meetings"), u.meetings, nil},
		tabProjects:     {lang.L("Projects"), u.projects, u.projects.refreshMembers},
		tabWishes:       {lang.L("Budget wishes"), u.wishes, u.wishes.refreshYears},
		tabMembers:      {lang.L("Members"), u.members, nil},
		tabSearch:       {lang.L("Search"), u.search, nil},
		tabMunicipal:    {u.municipal.title(), u.municipal, u.municipal.refresh},
		tabYear:         {lang.L("Year wheel"), u.year, u.year.refresh},
		tabAccounts:     {lang.L("Accounts"), u.accounts, u.accounts.refresh},
		tabPlan:         {lang.L("Development plan"), u.plan, u.plan.refresh},
		tabBorgerbudget: {lang.L("Citizen budget"), u.borgerbudget, u.borgerbudget.refresh},
	}
}

// refreshScreens reads the open council's screens showing what changed
// again (all of them when changed is nil). A tab not yet chosen has no
// screen: it reads what is current when it is built.
func (u *App) refreshScreens(changed storage.Changed) {
	if u.tabs == nil {
		return
	}
	typing := u.typing()
	for i, t := range u.tabList {
		if s, shows := t.screen.(changeShower); shows && u.built(i) {
			s.refreshChanged(changed, typing)
		}
	}
}

// noteKids has every built screen's open editor note its own rows as
// stored now (kidsNoter), after every sync, also one that brought nothing
// or while someone types.
func (u *App) noteKids() {
	if u.tabs == nil {
		return
	}
	for i, t := range u.tabList {
		if s, notes := t.screen.(kidsNoter); notes && u.built(i) {
			s.noteKids()
		}
	}
}

// ownReaders hold, for each pane with an item open whose editor shows rows
// of its own (editKind.children: a meeting's agenda items), how to read
// those rows, set on the UI goroutine (watchOwn). Background sync reads
// them on its own goroutine as each sync starts, before it sends anything
// (readAll), and the panes note what was read (noteOwn) before they are
// told what the sync brought: a row added here, sent by that sync and
// deleted on another computer before the same sync fetched, is known then,
// though it is gone when the sync has ended (noteKids).
type ownReaders struct {
	mu   sync.Mutex
	open map[ownNoter]ownReader
}

// ownNoter is a pane with an item open that notes its own rows (editPane).
type ownNoter interface {
	noteOwn(id string, rows storage.Changed)
}

type ownReader struct {
	id   string // the item open
	read func(ctx context.Context) (storage.Changed, error)
}

func (o *ownReaders) set(p ownNoter, id string, read func(ctx context.Context) (storage.Changed, error)) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.open == nil {
		o.open = map[ownNoter]ownReader{}
	}
	o.open[p] = ownReader{id: id, read: read}
}

func (o *ownReaders) drop(p ownNoter) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.open, p)
}

// reset forgets every pane (a council's screens are built anew).
func (o *ownReaders) reset() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.open = nil
}

// readAll reads the own rows of every item open, from any goroutine, and
// returns what notes them, to run on the UI goroutine. Rows that cannot be
// read are left out: the editor reads them when the sync has ended.
func (o *ownReaders) readAll(ctx context.Context) (note func()) {
	o.mu.Lock()
	open := make(map[ownNoter]ownReader, len(o.open))
	maps.Copy(open, o.open)
	o.mu.Unlock()
	type read struct {
		p    ownNoter
		id   string
		rows storage.Changed
	}
	var got []read
	for p, r := range open {
		if rows, err := r.read(ctx); err == nil {
			got = append(got, read{p, r.id, rows})
		}
	}
	return func() {
		for _, r := range got {
			r.p.noteOwn(r.id, r.rows)
		}
	}
}

// touches tells whether a sync that changed changed (nil: it does not say,
// so anything) changed a row of one of tables.
func touches(changed storage.Changed, tables ...string) bool {
	if changed == nil {
		return true
	}
	for _, t := range tables {
		if len(changed[t]) > 0 {
			return true
		}
	}
	return false
}

// touchesRows tells whether changed (nil: anything) names one of rows.
func touchesRows(changed, rows storage.Changed) bool {
	if changed == nil {
		return true
	}
	for t, ids := range rows {
		for _, id := range ids {
			if changed.Has(t, id) {
				return true
			}
		}
	}
	return false
}

// addAttachments names the attachments of owner in rows.
func (u *App) addAttachments(ctx context.Context, rows storage.Changed, kind model.OwnerKind, owner string) error {
	as, err := u.db.Attachments(ctx, kind, owner)
	for _, a := range as {
		rows.Add("attachments", a.ID)
	}
	return err
}

// attachmentsGoWith is what goes with a row whose only parts are its
// attachments (an accounts line, a budget wish) when it is deleted.
func (u *App) attachmentsGoWith(ctx context.Context, kind model.OwnerKind, owner string) (goesWith, error) {
	bilag, err := u.db.Attachments(ctx, kind, owner)
	var g goesWith
	g.addAttachments(len(bilag))
	return g, err
}

// attachmentRows is the rows the editor of such a row shows as its own:
// its attachments.
func (u *App) attachmentRows(ctx context.Context, kind model.OwnerKind, owner string) (storage.Changed, error) {
	rows := storage.Changed{}
	return rows, u.addAttachments(ctx, rows, kind, owner)
}
