// Package ui is Lokalråd's desktop screens, built with Fyne: a welcome
// screen on first start, and per council the tabs Oversigt, Møder,
// Projekter, Budgetønsker, Medlemmer, Søg, Fra kommunen, Årshjul,
// Regnskab, Udviklingsplan and Borgerbudget, above a status bar that tells how sync with the municipality's
// server goes. Every screen is a struct that holds its widgets, a build
// method that lays them out and onX handlers that call storage and
// refresh. Edits are saved as they are typed (after a short pause, on
// Enter, when a field loses focus, and before the window closes).
//
// What it holds: app.go (the window, tabs and menus); window.go (the
// window's size, kept from session to session); tabs.go (the
// council's tabs, named once, and what a sync refreshes); one file a screen
// (overview.go, meetings.go, meeting_editor.go, agenda.go, meetprep.go,
// decisions.go, projects.go, wishes.go, accounts.go, plan.go,
// yearwheel.go, borgerbudget.go, pb_ballots.go, pb_result.go, members.go,
// search.go, municipality.go, municipal_edit.go, staff.go,
// overview_all.go, welcome.go); the dialogs around them (council.go,
// publication.go, export.go, print.go, backup.go, rescue.go, privacy.go,
// attachments.go, conflicts.go, refused.go, help.go); sync.go (the status
// bar and the sync loop); and the parts every screen uses: autosave.go,
// widgets.go, layouts.go, fields.go (field texts), keepvalid.go (typed
// values a rule refused, kept on screen), year_fields.go, parse.go and
// lang.go (the catalogues, and errors said in the screen's language).
//
// Texts are English catalogue keys through fyne's lang; SetupLanguage
// chooses Danish (the default) or English.
package ui

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/assets"
	"lokalraad/model"
	"lokalraad/storage"
)

// Exporters are the printing and export actions that cmd/lokalraad wires
// in (PDF and spreadsheets live outside ui). The buttons are always shown;
// while a field is nil its button says that export is not available.
type Exporters struct {
	// Meeting prints or exports one meeting (agenda, minutes).
	Meeting func(w fyne.Window, db *storage.DB, meetingID string)
	// Wishes prints or exports a council's budget wishes of a year.
	Wishes func(w fyne.Window, db *storage.DB, councilID string, year int)
	// Council exports everything a council keeps.
	Council func(w fyne.Window, db *storage.DB, councilID string)
}

// App is the main window and its screens.
type App struct {
	// Exporters may be set by the caller before ShowAndRun.
	Exporters Exporters
	// Version is shown in Hjælp › Om Lokalråd; the app's metadata
	// (FyneApp.toml) when empty.
	Version string

	// ctx is the window's: cancelled once the session ends (after the
	// last edit is saved), so that reads, syncs and exports in flight stop.
	ctx    context.Context
	cancel context.CancelFunc
	app    fyne.App
	db     *storage.DB
	do     func(func()) // runs background work's results on the UI thread (uiDo)
	win    fyne.Window
	saver  *saver
	now    func() time.Time
	// drafts are refused field texts kept while the user is elsewhere.
	drafts drafts
	// importChoice is the import preview's choice for rows already stored.
	importChoice *widget.RadioGroup
	printBtn     *widget.Button // the export dialog's, for tests
	pendingLang  string         // chosen in Settings, applied when it closes

	councilID string
	councils  []model.Council

	welcome       *welcomeScreen
	councilSelect *widget.Select
	tabs          *container.AppTabs
	overview      *overviewScreen
	meetings      *meetingsScreen
	projects      *projectsScreen
	wishes        *wishesScreen
	members       *membersScreen
	search        *searchScreen
	municipal     *municipalScreen
	year          *yearScreen
	accounts      *accountsScreen
	plan          *planScreen
	borgerbudget  *pbScreen
	// tabList is the council's tabs (tabs.go); tabContents holds their
	// screens built (tabContent).
	tabList     [numTabs]councilTab
	tabContents [numTabs]fyne.CanvasObject
	fillLater   bool               // NewLater: the first council opened leaves Oversigt to Fill
	publication *publicationDialog // the last one opened (tests)
	sync        *syncer
	restoring   atomic.Bool // a restore runs (restoreFrom): the menus wait
	// own is how background sync reads the open editors' own rows as
	// each sync starts (ownReaders).
	own ownReaders

	// endOnce and ended belong to end: the session's work is finished
	// once, and background work that reports after it is dropped.
	endOnce sync.Once
	ended   atomic.Bool
	endedCh chan struct{} // closed when end has run (Ended)
	// quitApp ends Fyne's event loop (the driver's Quit, see Quit); tests
	// watch it.
	quitApp func()
}

// New builds the main window for db in app a. a.Preferences() keeps the
// chosen council and language.
// uiDo runs a function from a background goroutine (sync) on the UI
// thread: fyne.Do. Tests replace it before New so that such work runs on
// the test's goroutine when it waits (see eventually), never beside it.
var uiDo = fyne.Do

func New(a fyne.App, db *storage.DB) *App { return newApp(a, db, false) }

// NewLater is New for the app's own start, where time to the first frame
// counts (issue 10): that frame shows the council's tabs with "Indlæser…"
// where Oversigt goes, and Fill, called once the frame is drawn, builds
// Oversigt and reads its data. Nothing on the frame can be typed into.
func NewLater(a fyne.App, db *storage.DB) *App { return newApp(a, db, true) }

// Fill builds the screen NewLater left for later, when its tab is still
// the one shown (a tab chosen before builds its own screen then).
func (u *App) Fill() {
	u.fillLater = false // a council opened from now on is built at once
	if u.tabs != nil && u.tabs.SelectedIndex() == tabOverview {
		u.showTab(tabOverview)
	}
}

func newApp(a fyne.App, db *storage.DB, later bool) *App {
	u := &App{app: a, db: db, saver: newSaver(400 * time.Millisecond), now: time.Now, drafts: drafts{}, fillLater: later, quitApp: a.Driver().Quit}
	u.ctx, u.cancel = context.WithCancel(context.Background())
	u.endedCh = make(chan struct{})
	// Background work (sync, counts, attachments) that reports after the
	// session ended finds no window to report to: dropped, also when Fyne
	// runs it on the background goroutine because its loop has ended.
	do := uiDo
	u.do = func(f func()) {
		if u.ended.Load() {
			return
		}
		do(func() {
			if !u.ended.Load() {
				f()
			}
		})
	}
	u.saver.do = u.do
	u.win = a.NewWindow("Lokalråd")
	u.win.SetIcon(fyne.NewStaticResource("icon.png", assets.WindowIcon))
	u.win.Resize(windowSize(a.Preferences())) // the last session's, or one that fits a laptop
	u.win.SetOnClosed(u.end)                  // closing never loses typed text
	// The close button quits like Ctrl+Q: see Quit.
	u.win.SetCloseIntercept(u.quitAsked)
	escapeDismisses(u.win.Canvas())
	u.sync = newSyncer(u)
	u.win.SetMainMenu(u.mainMenu())
	u.start()
	u.sync.refresh()
	u.sync.start()
	return u
}

// Window is the main window.
func (u *App) Window() fyne.Window { return u.win }

// ShowAndRun shows the window and runs the app until it quits, and ends
// the session's work (end) however the loop ended.
func (u *App) ShowAndRun() {
	u.win.ShowAndRun()
	u.end()
}

// Quit ends the app the one orderly way, whether the user pressed Ctrl+Q,
// chose Filer › Afslut or the window's close button, or the system sent a
// signal: pending edits are saved, sync and counts stop (end), then Fyne's
// event loop ends, which makes ShowAndRun return; the caller closes the
// database after that.
//
// It does not close the window through Fyne (neither Window.Close nor
// fyne.App.Quit, which closes every window first): Fyne 2.7.1's window
// close marks the window closing at once but destroys it only on the next
// tick, and a mouse move that arrives in between, in the same poll of
// events as the Ctrl+Q that closed it, dereferences the closing window's
// nil view (processMouseMoved -> SetInputMode) and crashes the app. The
// driver's Quit only ends the loop and leaves the window whole until glfw
// terminates.
//
// Safe to call again and after the loop has ended (a late signal): end
// runs once, and quitting an ended app does nothing.
func (u *App) Quit() {
	u.end()
	u.quitApp()
}

// quitAsked is Quit for the user's own Ctrl+Q, Filer › Afslut and close
// button: a paper ballot typed that cannot be stored as it is (its number
// or marks refused) is said first, with the choice of going back to it;
// a ballot that can be stored is stored by end. A signal quits at once.
func (u *App) quitAsked() {
	var why string
	var b *ballotEntry
	if u.borgerbudget != nil && u.borgerbudget.entry != nil {
		b = u.borgerbudget.entry
		why = b.refusal()
	}
	if why == "" {
		u.Quit()
		return
	}
	msg := lang.L("Ballot no. {{.N}} is typed but not saved: {{.Why}}", map[string]any{"N": strings.TrimSpace(b.number.Text), "Why": why})
	d := dialog.NewConfirm(lang.L("Not saved"), msg, func(quit bool) {
		if quit {
			u.Quit()
			return
		}
		u.win.Canvas().Focus(b.marks)
	}, u.win)
	d.SetConfirmText(lang.L("Quit without saving it"))
	d.SetDismissText(lang.L("Back to the ballot"))
	u.showFitted(d, msg)
}

// end saves pending edits and stops background work, once: the first of
// Quit, the window's close and ShowAndRun's return. Background work that
// reports afterwards is dropped (u.do).
func (u *App) end() {
	u.endOnce.Do(func() {
		if u.borgerbudget != nil && u.borgerbudget.entry != nil {
			u.borgerbudget.entry.saveTyped() // a paper ballot typed without Enter
		}
		u.saver.flush()
		u.keepWindowSize()
		u.ended.Store(true)
		u.sync.stop()
		if u.borgerbudget != nil {
			u.borgerbudget.stop()
		}
		u.cancel() // after the last edit is saved: work in flight stops
		close(u.endedCh)
	})
}

// End ends the session's work as Quit does (pending edits saved, sync and
// counts stopped) without asking Fyne for anything: for a caller whose
// Fyne loop no longer answers. Safe to call from any goroutine once the
// loop has stopped, and again.
func (u *App) End() { u.end() }

// Ended is closed once the session's work has ended (Quit, the window's
// close, ShowAndRun's return or End).
func (u *App) Ended() <-chan struct{} { return u.endedCh }

// start shows the last council, or the welcome screen when there is none.
func (u *App) start() {
	cs, err := u.db.Councils(u.ctx)
	if err != nil {
		u.setContent(widget.NewLabel(errText(err)))
		return
	}
	u.councils = cs
	if len(cs) == 0 {
		u.fillLater = false // the council made here is shown at once
		u.welcome = newWelcomeScreen(u)
		u.tabs = nil
		u.setContent(container.NewBorder(nil, u.sync.bar, nil, nil, u.welcome.build()))
		return
	}
	id := u.app.Preferences().String(prefCouncil)
	if !slices.ContainsFunc(cs, func(c model.Council) bool { return c.ID == id }) {
		id = cs[0].ID
	}
	u.openCouncil(id)
}

// openCouncil shows council id in the main layout.
func (u *App) openCouncil(id string) {
	u.saver.flush()
	cs, err := u.db.Councils(u.ctx)
	if err != nil {
		u.showError(err)
		return
	}
	u.councils = cs
	u.councilID = id
	u.welcome = nil
	u.app.Preferences().SetString(prefCouncil, id)
	for _, c := range cs {
		if c.ID == id {
			u.win.SetTitle("Lokalråd – " + c.Name)
		}
	}

	u.own.reset() // the panes of the screens replaced
	u.overview = newOverviewScreen(u)
	u.meetings = newMeetingsScreen(u)
	u.projects = newProjectsScreen(u)
	u.wishes = newWishesScreen(u)
	u.members = newMembersScreen(u)
	u.search = newSearchScreen(u)
	u.municipal = newMunicipalScreen(u)
	u.year = newYearScreen(u)
	u.accounts = newAccountsScreen(u)
	u.plan = newPlanScreen(u)
	u.borgerbudget = newPBScreen(u)
	// A tab's screen is built, and reads its data, when the tab is first
	// chosen (showTab): the first frame builds, reads and measures only
	// Oversigt's (issue 10). Until then the screen's struct has no
	// widgets, and work that would refresh it (refreshScreens) passes it
	// by: it reads what is current when it is built.
	u.tabList = u.councilTabs()
	u.tabContents = [numTabs]fyne.CanvasObject{}
	// The tabs show their names without icons: with an icon each, the
	// eleven did not fit beside each other in a window on a 1366×768
	// laptop (Danish: the last one went into Fyne's »…« menu at 1280 px;
	// English: at 1360), and Fyne 2.7.1 decodes and recolours each tab's
	// SVG icon again on every layout of the tabs (issue 10).
	items := make([]*container.TabItem, numTabs)
	for i, t := range u.tabList {
		items[i] = container.NewTabItem(t.title, container.NewStack())
	}
	u.tabs = container.NewAppTabs(items...)
	if u.fillLater { // NewLater: Fill builds it once the first frame is drawn
		u.fillLater = false
		u.tabs.Items[tabOverview].Content = container.NewCenter(widget.NewLabel(lang.L("Loading…")))
	} else {
		u.tabs.Items[tabOverview].Content = u.tabContent(tabOverview)
	}
	u.tabs.OnSelected = func(*container.TabItem) {
		i := u.tabs.SelectedIndex()
		// A screen built just now has read its data; one chosen again
		// reads it again as its tab says (tabs.go).
		fresh := !u.built(i)
		u.showTab(i)
		u.saver.flush()
		// A value typed wrong (a date like 31.02.2026) is not saved; say so
		// when the user leaves it behind.
		u.meetings.leave()
		u.projects.leave()
		u.members.leave()
		if i == tabSearch {
			u.win.Canvas().Focus(u.search.query)
		}
		if again := u.tabList[i].again; !fresh && again != nil {
			again()
		}
	}

	u.councilSelect = widget.NewSelect(u.councilOptions(), nil)
	u.councilSelect.SetSelectedIndex(slices.IndexFunc(cs, func(c model.Council) bool { return c.ID == id }))
	u.councilSelect.OnChanged = func(string) { u.onCouncilChosen() }

	top := container.NewHBox(widget.NewLabel(lang.L("Local council:")), container.New(minWidth{320}, u.councilSelect), layout.NewSpacer(),
		u.sync.nowBtn,
		widget.NewButtonWithIcon(lang.L("Print / export…"), theme.DocumentPrintIcon(), u.onExportCouncil),
		widget.NewButtonWithIcon(lang.L("Settings"), theme.SettingsIcon(), u.onSettings))
	u.setContent(container.NewBorder(top, u.sync.bar, nil, nil, u.tabs))
	u.sync.refreshConflicts()
}

// The tabs of a council, in their order.
const (
	tabOverview = iota
	tabMeetings
	tabProjects
	tabWishes
	tabMembers
	tabSearch
	tabMunicipal
	tabYear
	tabAccounts
	tabPlan
	tabBorgerbudget
	numTabs
)

// tabContent is tab i's screen, built (and its data read) the first time
// it is asked for.
func (u *App) tabContent(i int) fyne.CanvasObject {
	if u.tabContents[i] == nil {
		u.tabContents[i] = u.tabList[i].screen.build()
	}
	return u.tabContents[i]
}

// built tells whether tab i's screen has been built.
func (u *App) built(i int) bool { return u.tabs != nil && u.tabContents[i] != nil }

// showTab puts tab i's screen into the tabs, building it first when it
// has not been chosen before.
func (u *App) showTab(i int) {
	if it := u.tabs.Items[i]; it.Content != u.tabContent(i) {
		it.Content = u.tabContents[i]
		u.tabs.Refresh()
	}
}

func (u *App) councilOptions() []string {
	var opts []string
	for _, c := range u.councils {
		opts = append(opts, c.Name)
	}
	return append(opts, lang.L("New local council…"))
}

// onCouncilChosen switches council, or offers to create one.
func (u *App) onCouncilChosen() {
	i := u.councilSelect.SelectedIndex()
	switch {
	case i >= 0 && i < len(u.councils):
		if u.councils[i].ID != u.councilID {
			u.openCouncil(u.councils[i].ID)
		}
	case i == len(u.councils):
		cur := slices.IndexFunc(u.councils, func(c model.Council) bool { return c.ID == u.councilID })
		setSelected(u.councilSelect, "")
		if cur >= 0 {
			u.councilSelect.OnChanged = nil
			u.councilSelect.SetSelectedIndex(cur)
			u.councilSelect.OnChanged = func(string) { u.onCouncilChosen() }
		}
		u.onNewCouncil()
	}
}

// onNewCouncil asks for a new council's name and area and opens it.
func (u *App) onNewCouncil() {
	name, area := widget.NewEntry(), widget.NewEntry()
	name.SetPlaceHolder("Jyderup Lokalråd")
	area.SetPlaceHolder("Jyderup")
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Name"), name),
		widget.NewFormItem(lang.L("Area"), area),
	}
	dialog.ShowForm(lang.L("New local council"), lang.L("Create"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		c := model.Council{Name: name.Text, Area: area.Text}
		if err := u.db.SaveCouncil(u.ctx, model.Council{}, &c); err != nil {
			u.showError(err)
			return
		}
		u.openCouncil(c.ID)
	}, u.win)
}

// mainMenu is the menu with the keyboard shortcuts.
func (u *App) mainMenu() *fyne.MainMenu {
	newMeeting := fyne.NewMenuItem(lang.L("New meeting"), u.onNewMeeting)
	newMeeting.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	search := fyne.NewMenuItem(lang.L("Search"), u.onSearchShortcut)
	search.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	quit := fyne.NewMenuItem(lang.L("Quit"), u.quitAsked)
	quit.IsQuit = true
	quit.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
	export := fyne.NewMenuItem(lang.L("Print / export…"), u.onPrintShortcut)
	export.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierShortcutDefault}
	syncNow := fyne.NewMenuItem(lang.L("Sync now"), u.sync.onSyncNow)
	syncNow.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
	file := fyne.NewMenu(lang.L("File menu"),
		newMeeting,
		search,
		fyne.NewMenuItem(lang.L("New local council…"), u.onNewCouncil),
		fyne.NewMenuItemSeparator(),
		export,
		syncNow,
		fyne.NewMenuItem(lang.L("Save changes to a file (USB stick)…"), u.onBundleExport),
		fyne.NewMenuItem(lang.L("Read changes from a file…"), u.onBundleImport),
		fyne.NewMenuItem(lang.L("Conflicts…"), u.showConflicts),
		fyne.NewMenuItem(lang.L("Refused changes…"), u.showRefused),
		fyne.NewMenuItem(lang.L("The local council…"), func() {
			if u.councilID != "" {
				u.onEditCouncil()
			}
		}),
		fyne.NewMenuItem(lang.L("Public page…"), u.onPublication),
		fyne.NewMenuItem(lang.L("Settings"), u.onSettings),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(lang.L("Take a backup now…"), u.onBackupNow),
		fyne.NewMenuItem(lang.L("Restore from a backup…"), u.onRestore),
		fyne.NewMenuItemSeparator(),
		quit,
	)
	return u.whenIdle(fyne.NewMainMenu(file, u.editMenu(), u.helpMenu()))
}

// onExportCouncil prints or exports the council through Exporters.
func (u *App) onExportCouncil() {
	if u.councilID == "" {
		return
	}
	u.saver.flush()
	if u.Exporters.Council == nil {
		u.notAvailable()
		return
	}
	u.Exporters.Council(u.win, u.db, u.councilID)
}

// onPrintShortcut (Ctrl+P, Filer › Udskriv / eksportér…) prints the meeting
// open in Møder, and otherwise what the council keeps.
func (u *App) onPrintShortcut() {
	if u.tabs != nil && u.tabs.SelectedIndex() == tabMeetings && u.meetings != nil && u.meetings.editor != nil {
		u.saver.flush()
		if u.Exporters.Meeting == nil {
			u.notAvailable()
			return
		}
		u.Exporters.Meeting(u.win, u.db, u.meetings.editor.m.ID)
		return
	}
	u.onExportCouncil()
}

// working shows a progress dialog for work in the background; it has no
// button (Escape leaves it too), and Hide ends it.
func (u *App) working(title string) dialog.Dialog {
	d := dialog.NewCustomWithoutButtons(title, widget.NewProgressBarInfinite(), u.win)
	d.Show()
	return d
}

// notAvailable says that an export is not wired in.
func (u *App) notAvailable() {
	dialog.ShowInformation(lang.L("Print / export…"), lang.L("Printing and export are not available in this version."), u.win)
}

// onNewMeeting (Ctrl+N) creates a meeting in the Møder tab.
func (u *App) onNewMeeting() {
	if u.tabs == nil {
		return
	}
	u.tabs.SelectIndex(tabMeetings)
	u.meetings.onNew()
}

// onSearchShortcut (Ctrl+F) goes to the search field.
func (u *App) onSearchShortcut() {
	if u.tabs == nil {
		return
	}
	u.tabs.SelectIndex(tabSearch)
	u.win.Canvas().Focus(u.search.query)
}

// onSettings lets the user choose the language, used from the next start,
// and enrol the computer with the municipality's server.
func (u *App) onSettings() {
	langs := []string{"Dansk", "English"}
	radio := widget.NewRadioGroup(langs, nil)
	if Language(u.app) == "en" {
		radio.SetSelected(langs[1])
	} else {
		radio.SetSelected(langs[0])
	}
	radio.Required = true
	note := widget.NewLabel(lang.L("The language changes at once when you save."))
	note.Wrapping = fyne.TextWrapWord
	content := container.NewVBox(heading(lang.L("Language")), radio, note, widget.NewSeparator(), u.sync.settingsSection())
	save := func() {
		code := "da"
		if radio.Selected == langs[1] {
			code = "en"
		}
		u.pendingLang = code
	}
	d := dialog.NewCustomConfirm(lang.L("Settings"), lang.L("Save"), lang.L("Cancel"), content, func(ok bool) {
		if ok {
			save()
		}
	}, u.win)
	d.SetOnClosed(func() {
		u.sync.settings = nil
		if code := u.pendingLang; code != "" {
			u.pendingLang = ""
			u.applyLanguage(code)
		}
	})
	u.sync.settings.done = func() { // enrolled: the status bar takes over
		save()
		d.Hide()
	}
	d.Resize(fyne.NewSize(560, 560))
	d.Show()
}

// showError shows an error in a dialog.
func (u *App) showError(err error) {
	if err == nil {
		return
	}
	d := dialog.NewInformation(lang.L("Error"), errText(err), u.win)
	d.Show()
}

// confirm asks before something that cannot be undone.
func (u *App) confirm(title, question string, yes func()) {
	d := dialog.NewConfirm(title, question, func(ok bool) {
		if ok {
			yes()
		}
	}, u.win)
	u.showFitted(d, question)
}

// showFitted shows d, a dialog of text, as tall as text wraps to at the
// dialog's width. Fyne 2.7.1 sets a text dialog's height before its text
// is laid out, from the text wrapped at every word, which left a long
// question standing over a third of a screen of nothing; once shown, the
// text has its width and the dialog its real height. The width is
// Fyne's own rule (dialog/text.go): the text unwrapped, at most 600 and
// 90 % of the window.
func (u *App) showFitted(d dialog.Dialog, text string) {
	d.Show()
	w := widget.NewLabel(text).MinSize().Width + 32 + 2*theme.Padding()
	w = fyne.Min(fyne.Min(w, 600), u.win.Canvas().Size().Width*0.9)
	d.Resize(fyne.NewSize(w, d.MinSize().Height))
}

// deleteRow takes a row off an editor (an action item, a budget line, a
// funding application) with remove: at once when it was never stored (id
// ""), else when the user says yes to question and del has deleted it.
// The caller flushes the saver first, so that id and question are the
// row's as stored.
func (u *App) deleteRow(id, title, question string, del func(ctx context.Context, id string) error, remove func()) {
	if id == "" {
		remove()
		return
	}
	u.confirmDelete(title, question, func() {
		if err := del(u.ctx, id); err != nil {
			u.showError(err)
			return
		}
		remove()
	})
}

// confirmDelete asks before deleting anything: the answer that deletes
// says Delete, in the colour of danger, and is not the highlighted one (a
// tester took a plain yes, highlighted, to delete a budget wish).
func (u *App) confirmDelete(title, question string, yes func()) {
	d := dialog.NewConfirm(title, question, func(ok bool) {
		if ok {
			yes()
		}
	}, u.win)
	d.SetConfirmText(lang.L("Delete"))
	d.SetConfirmImportance(widget.DangerImportance)
	u.showFitted(d, question)
}

// openHit shows a search hit in its tab.
func (u *App) openHit(h model.SearchHit) {
	u.saver.flush()
	switch h.Kind {
	case "meeting":
		u.tabs.SelectIndex(tabMeetings)
		u.meetings.selectMeeting(h.ID)
	case "item", "action":
		if h.MeetingID != "" {
			u.tabs.SelectIndex(tabMeetings)
			u.meetings.selectMeeting(h.MeetingID)
		}
	case "project":
		u.tabs.SelectIndex(tabProjects)
		u.projects.selectProject(h.ID)
	case "wish":
		u.tabs.SelectIndex(tabWishes)
		u.wishes.selectWish(h.ID)
	}
}
