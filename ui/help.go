package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// The Rediger and Hjælp menus, the window's minimum size, and a language
// change that applies at once.

// MinWindow is the smallest window the screens are laid out for: below it
// the tabs, lists and editors would overlap, so the window cannot be made
// smaller. It was 660 px high: with Fyne's menu bar, the window's padding,
// the title bar and Windows' task bar that is more than a 1366×768 laptop
// screen has (issue 10), so the window could neither open nor be made
// small enough to fit. At 1024×600 of content it still did not fit a
// 1024×600 screen (the status bar was below its edge); the screens
// themselves need about 871×396 (TestMinimumWindowSize), so the window may
// now shrink to 960×480, which fits that screen with the menu bar, a
// title bar and a task bar.
var MinWindow = fyne.NewSize(960, 480)

// setContent shows o as the window's content, no smaller than MinWindow.
func (u *App) setContent(o fyne.CanvasObject) {
	u.win.SetContent(container.New(minSize{MinWindow}, o))
}

// editMenu is Rediger: undo and redo the last edit of the field being
// typed in, and the clipboard.
func (u *App) editMenu() *fyne.Menu {
	shortcut := func(s fyne.Shortcut) func() {
		return func() {
			if f, ok := u.win.Canvas().Focused().(fyne.Shortcutable); ok {
				f.TypedShortcut(s)
			}
		}
	}
	undo := fyne.NewMenuItem(lang.L("Undo"), u.onUndo)
	undo.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault}
	redo := fyne.NewMenuItem(lang.L("Redo"), u.onRedo)
	redo.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyY, Modifier: fyne.KeyModifierShortcutDefault}
	cut := fyne.NewMenuItem(lang.L("Cut"), shortcut(&fyne.ShortcutCut{Clipboard: u.app.Clipboard()}))
	cp := fyne.NewMenuItem(lang.L("Copy"), shortcut(&fyne.ShortcutCopy{Clipboard: u.app.Clipboard()}))
	paste := fyne.NewMenuItem(lang.L("Paste"), shortcut(&fyne.ShortcutPaste{Clipboard: u.app.Clipboard()}))
	return fyne.NewMenu(lang.L("Edit menu"), undo, redo, fyne.NewMenuItemSeparator(), cut, cp, paste)
}

// onUndo takes back the last edit in the field that has the focus; the
// field then saves itself as after any edit.
func (u *App) onUndo() {
	if e, ok := u.win.Canvas().Focused().(*entry); ok {
		e.Undo()
	}
}

// onRedo makes the edit undone again.
func (u *App) onRedo() {
	if e, ok := u.win.Canvas().Focused().(*entry); ok {
		e.Redo()
	}
}

// helpMenu is Hjælp: about Lokalråd, and the keyboard shortcuts.
func (u *App) helpMenu() *fyne.Menu {
	return fyne.NewMenu(lang.L("Help menu"),
		fyne.NewMenuItem(lang.L("Keyboard shortcuts"), u.onShortcuts),
		fyne.NewMenuItem(lang.L("About Lokalråd"), u.onAbout))
}

// version is the app's version: App.Version, set by the program, or the
// one FyneApp.toml gives the app's metadata.
func (u *App) version() string {
	if u.Version != "" {
		return u.Version
	}
	if v := u.app.Metadata().Version; v != "" {
		return v
	}
	return "?"
}

// aboutText is what Om Lokalråd says: the version and where the data is.
func (u *App) aboutText() string {
	return strings.Join([]string{
		lang.L("Lokalråd, version {{.Version}}", map[string]any{"Version": u.version()}),
		"",
		lang.L("The database: {{.Path}}", map[string]any{"Path": u.db.Path()}),
		lang.L("Backups: {{.Path}}", map[string]any{"Path": u.db.BackupDir()}),
	}, "\n")
}

func (u *App) onAbout() {
	l := widget.NewLabel(u.aboutText())
	l.Wrapping = fyne.TextWrapWord
	l.Selectable = true
	d := dialog.NewCustom(lang.L("About Lokalråd"), lang.L("Close"), l, u.win)
	d.Resize(fyne.NewSize(620, 260))
	d.Show()
}

// shortcuts are the keys the app answers to, as they are shown.
func shortcuts() [][2]string {
	return [][2]string{
		{"Ctrl+N", lang.L("New meeting")},
		{"Ctrl+F", lang.L("Search")},
		{"Ctrl+S", lang.L("Sync now")},
		{"Ctrl+P", lang.L("Print / export…")},
		{"Ctrl+Z", lang.L("Undo")},
		{"Ctrl+Y", lang.L("Redo")},
		{"Tab / Shift+Tab", lang.L("Next / previous field")},
		{"Enter", lang.L("Save the field (one-line fields)")},
		{"Ctrl+Q", lang.L("Quit")},
	}
}

func (u *App) onShortcuts() {
	form := widget.NewForm()
	for _, s := range shortcuts() {
		form.Append(s[0], widget.NewLabel(s[1]))
	}
	dialog.ShowCustom(lang.L("Keyboard shortcuts"), lang.L("Close"), form, u.win)
}

// keepPlace runs rebuild, which builds the window's screens anew, and
// then shows the tab the user was on and the meeting, project, … that was
// open on it.
func (u *App) keepPlace(rebuild func()) {
	tab, open := -1, ""
	if u.tabs != nil {
		tab = u.tabs.SelectedIndex()
		if o, opens := u.tabList[max(tab, 0)].screen.(itemOpener); opens && tab >= 0 && u.built(tab) {
			open = o.openID()
		}
	}
	rebuild()
	if u.tabs != nil && tab > 0 && tab < len(u.tabs.Items) {
		u.tabs.SelectIndex(tab)
		if o, opens := u.tabList[tab].screen.(itemOpener); opens && open != "" && u.built(tab) {
			o.choose(open)
		}
	}
}

// applyLanguage switches to code now: the menus and screens are built
// again in it (what was typed is saved first).
func (u *App) applyLanguage(code string) {
	if code == Language(u.app) {
		return
	}
	u.saver.flush()
	u.app.Preferences().SetString(PrefLanguage, code)
	if err := SetupLanguage(code); err != nil {
		u.showError(err)
		return
	}
	u.win.SetMainMenu(u.mainMenu())
	u.keepPlace(u.start) // the screen the user was on, now in code
	// The status bar stays through start: its texts are set again.
	u.sync.nowBtn.SetText(lang.L("Sync now"))
	u.sync.refresh()
}
