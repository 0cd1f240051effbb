package ui

import (
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The window's size is kept when the session ends and the next start
// opens at it; the first start opens at a size that fits a laptop.
func TestWindowSizeIsKeptForTheNextStart(t *testing.T) {
	db, _ := councilWithData(t)
	a := test.NewApp()
	if err := SetupLanguage("da"); err != nil {
		t.Fatal(err)
	}
	u := New(a, db)
	if got := u.win.Canvas().Size(); got != firstWindowSize {
		t.Fatalf("first start opens at %v, want %v", got, firstWindowSize)
	}
	// The user makes it larger and quits with Filer › Afslut.
	u.quitApp = func() {}
	u.win.Resize(fyne.NewSize(1500, 900))
	var quit *fyne.MenuItem
	for _, it := range u.win.MainMenu().Items[0].Items {
		if it.IsQuit {
			quit = it
		}
	}
	quit.Action()
	if w, h := a.Preferences().Float(prefWindowWidth), a.Preferences().Float(prefWindowHeight); w != 1500 || h != 900 {
		t.Fatalf("kept %v×%v, want 1500×900", w, h)
	}
	u2 := New(a, db)
	if got := u2.win.Canvas().Size(); got != fyne.NewSize(1500, 900) {
		t.Errorf("the next start opens at %v, want 1500×900", got)
	}
	// Made smaller, and the window closed (the test driver's Close ends
	// the session as the window's OnClosed does).
	u2.quitApp = func() {}
	u2.win.Resize(fyne.NewSize(1100, 640))
	u2.win.Close()
	u3 := New(a, db)
	if got := u3.win.Canvas().Size(); got != fyne.NewSize(1100, 640) {
		t.Errorf("after closing the window the next start opens at %v, want 1100×640", got)
	}
}

// The preferences file is the user's own and may hold anything: a size no
// window could have had opens the window at the first start's size.
func TestWindowSizeNotKeptWhenImpossible(t *testing.T) {
	for _, c := range []struct {
		name string
		w, h float64
		set  bool
	}{
		{"none kept", 0, 0, false},
		{"zero", 0, 0, true},
		{"negative", -1280, 680, true},
		{"not a number", math.NaN(), 680, true},
		{"infinite", math.Inf(1), 680, true},
		{"larger than any screen", 1e9, 680, true},
		{"a sliver", 1280, 3, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := test.NewApp()
			if c.set {
				a.Preferences().SetFloat(prefWindowWidth, c.w)
				a.Preferences().SetFloat(prefWindowHeight, c.h)
			}
			if got := windowSize(a.Preferences()); got != firstWindowSize {
				t.Errorf("opens at %v, want %v", got, firstWindowSize)
			}
		})
	}
}

// A 1366×768 screen, the commonest on council laptops, less Windows' task
// bar (40 px) and the title bar (31 px) leaves 697 px for the window; less
// Ubuntu's dock beside it, 1302 px. The first window fits in that, and so
// does the smallest the window can be made: Fyne grows a window to its
// content's size, menu bar and padding included, and keeps it from being
// made smaller.
func TestFirstWindowFitsTheLaptop(t *testing.T) {
	screen := fyne.NewSize(1302, 697)
	if !fits(firstWindowSize, screen) {
		t.Errorf("the first window, %v, does not fit in %v", firstWindowSize, screen)
	}
	db, _ := councilWithData(t)
	for _, l := range []string{"da", "en"} {
		if err := SetupLanguage(l); err != nil {
			t.Fatal(err)
		}
		u := New(test.NewApp(), db)
		buildAllTabs(u)
		// Fyne draws the menu bar in the window (but on macOS): about a
		// label's height with padding.
		menuBar := widget.NewLabel(u.win.MainMenu().Items[0].Label).MinSize().Height + 2*theme.Padding()
		min := u.win.Content().MinSize().Add(fyne.NewSize(2*theme.Padding(), 2*theme.Padding()+menuBar))
		if !fits(min, screen) {
			t.Errorf("%s: the window cannot be smaller than %v, more than %v", l, min, screen)
		}
		if !fits(min, firstWindowSize) {
			t.Errorf("%s: the window's content needs %v, more than the first window's %v: Fyne grows it", l, min, firstWindowSize)
		}
	}
}

func fits(s, in fyne.Size) bool { return s.Width <= in.Width && s.Height <= in.Height }

// In the first window every tab is in the tab bar, none in Fyne's »…«
// menu, in Danish and in English (with an icon each, the last tabs were
// hidden there at 1280 px).
func TestFirstWindowShowsEveryTab(t *testing.T) {
	db, _ := councilWithData(t)
	for _, l := range []string{"da", "en"} {
		if err := SetupLanguage(l); err != nil {
			t.Fatal(err)
		}
		u := New(test.NewApp(), db)
		shown := map[string]bool{}
		for _, o := range test.LaidOutObjects(u.win.Content()) {
			if tx, ok := o.(*canvas.Text); ok && tx.Visible() {
				shown[tx.Text] = true
			}
		}
		for _, it := range u.tabs.Items {
			if !shown[it.Text] {
				t.Errorf("%s: the tab %q is not in the tab bar of a %v window", l, it.Text, firstWindowSize)
			}
		}
	}
}
