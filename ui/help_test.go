package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"lokalraad/internal/noerr"
)

// menu finds the main menu named label.
func menu(t *testing.T, u *App, label string) *fyne.Menu {
	t.Helper()
	for _, m := range u.win.MainMenu().Items {
		if m.Label == label {
			return m
		}
	}
	t.Fatalf("no menu %q", label)
	return nil
}

func menuItem(t *testing.T, m *fyne.Menu, label string) *fyne.MenuItem {
	t.Helper()
	for _, it := range m.Items {
		if it.Label == label {
			return it
		}
	}
	t.Fatalf("no item %q in %s", label, m.Label)
	return nil
}

// Hjælp › Om Lokalråd tells the version and where the database and the
// backups are; Tastaturgenveje lists the keys.
func TestHelpMenu(t *testing.T) {
	u, db, _ := withCouncil(t)
	u.Version = "1.2.3"
	help := menu(t, u, "Hjælp")
	menuItem(t, help, "Om Lokalråd").Action()
	shown := texts(u.win.Canvas().Overlays().Top())
	for _, want := range []string{"Lokalråd, version 1.2.3", "Databasen: " + db.Path(), "Sikkerhedskopier: " + db.BackupDir()} {
		if !strings.Contains(shown, want) {
			t.Errorf("Om Lokalråd does not say %q:\n%s", want, shown)
		}
	}
	closeDialogs(u)
	menuItem(t, help, "Tastaturgenveje").Action()
	shown = texts(u.win.Canvas().Overlays().Top())
	for _, want := range []string{"Ctrl+N", "Nyt møde", "Ctrl+Z", "Fortryd"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the shortcuts do not list %q:\n%s", want, shown)
		}
	}
}

// Rediger › Fortryd takes back the last edit of the focused field, and
// what is stored follows.
func TestEditMenuUndo(t *testing.T) {
	u, db, cid := withCouncil(t)
	u.tabs.SelectIndex(3)
	test.Tap(u.wishes.newBtn)
	ed := u.wishes.editor
	u.win.Canvas().Focus(ed.justification)
	test.Type(ed.justification, "Stien er farlig.")
	u.saver.flush()
	u.win.Canvas().Focus(ed.justification)
	test.Type(ed.justification, " mig")
	menuItem(t, menu(t, u, "Rediger"), "Fortryd").Action()
	u.saver.flush()
	if ed.justification.Text != "Stien er farlig." {
		t.Errorf("after Fortryd the field shows %q", ed.justification.Text)
	}
	ws := noerr.Get(db.BudgetWishes(t.Context(), cid, 0))(t)
	if ws[0].Justification != "Stien er farlig." {
		t.Errorf("after Fortryd stored %q", ws[0].Justification)
	}
	menuItem(t, menu(t, u, "Rediger"), "Gentag").Action()
	if ed.justification.Text != "Stien er farlig. mig" {
		t.Errorf("after Gentag the field shows %q", ed.justification.Text)
	}
}

// A new language applies when Settings is saved, without a restart.
func TestLanguageAppliesAtOnce(t *testing.T) {
	u, _, _ := withCouncil(t)
	defer SetupLanguage("da")
	u.onSettings()
	top := u.win.Canvas().Overlays().Top()
	for _, x := range test.LaidOutObjects(top) {
		if r, ok := x.(interface{ SetSelected(string) }); ok {
			r.SetSelected("English")
			break
		}
	}
	test.Tap(overlayButton(t, u, "Gem"))
	if u.tabs == nil || u.tabs.Items[1].Text != "Meetings" {
		t.Fatalf("the tabs are not in English at once: %q", u.tabs.Items[1].Text)
	}
	menu(t, u, "Help")
	// The status bar is not rebuilt with the screens: its button and its
	// state say the new language too.
	if got := u.sync.nowBtn.Text; got != "Sync now" {
		t.Errorf("the sync button says %q after the switch, want Sync now", got)
	}
	if got := u.sync.state.Text; !strings.HasPrefix(got, "Not connected") {
		t.Errorf("the status bar says %q after the switch, want it in English", got)
	}
	if Language(u.app) != "en" {
		t.Error("the choice is not kept for the next start")
	}
}

// The window cannot be made so small that the screens overlap, and at its
// smallest it fits a 1024×600 screen with Fyne's menu bar (36 px), the
// window's padding, a title bar and a task bar (the walk found the status
// bar below the screen's edge there, at 1024×600 of content).
func TestMinimumWindowSize(t *testing.T) {
	u, _, _ := withCouncil(t)
	min := u.win.Content().MinSize()
	if min.Width < MinWindow.Width || min.Height < MinWindow.Height {
		t.Errorf("the window can shrink to %v, below %v", min, MinWindow)
	}
	if MinWindow.Width+8 > 1024 || MinWindow.Height+36+8+30+30 > 600 {
		t.Errorf("at its smallest, %v, the window does not fit a 1024×600 screen", MinWindow)
	}
	screens := u.win.Content().(*fyne.Container).Objects[0]
	for i, tab := range u.tabs.Items {
		u.tabs.SelectIndex(i)
		drainUI()
		if need := screens.MinSize(); need.Width > MinWindow.Width || need.Height > MinWindow.Height {
			t.Errorf("%s needs %v, more than the smallest window %v: it would overlap", tab.Text, need, MinWindow)
		}
	}
}
