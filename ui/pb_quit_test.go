package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"lokalraad/model"
)

// quitItem is Filer › Afslut (Ctrl+Q).
func quitItem(t *testing.T, u *App) *fyne.MenuItem {
	t.Helper()
	for _, it := range u.win.MainMenu().Items[0].Items {
		if it.IsQuit {
			return it
		}
	}
	t.Fatal("no Quit item in the file menu")
	return nil
}

// A paper ballot typed (number and marks) without Enter is stored when
// the counter presses Ctrl+Q: quitting never loses what was typed.
func TestCtrlQStoresTypedBallot(t *testing.T) {
	u, db, council := withCouncil(t)
	quits := 0
	u.quitApp = func() { quits++ }
	r := pbRound(t, db, council, model.PhaseVoting)
	s := openPB(t, u, r.ID, 2)
	b := s.entry
	b.number.TypedShortcut(&fyne.ShortcutSelectAll{})
	typeFocused(t, u, "6")
	enter(t, u)
	typeFocused(t, u, "1 2")
	quitItem(t, u).Action()
	bs := storedBallots(t, db, r.ID)
	if len(bs) != 1 || bs[0].Number != 6 || model.FormatMarks(bs[0].Marks, false) != "1 2" {
		t.Fatalf("after Ctrl+Q with ballot 6 typed: stored %+v", bs)
	}
	if quits != 1 {
		t.Errorf("the app was asked to quit %d times, want 1", quits)
	}
}

// A ballot typed that cannot be stored (marks refused) is said before
// quitting, with the choice of going back to it; nothing is stored.
func TestCtrlQAsksAboutRefusedBallot(t *testing.T) {
	u, db, council := withCouncil(t)
	quits := 0
	u.quitApp = func() { quits++ }
	r := pbRound(t, db, council, model.PhaseVoting)
	s := openPB(t, u, r.ID, 2)
	enter(t, u)
	typeFocused(t, u, "1 x")
	quitItem(t, u).Action()
	if quits != 0 {
		t.Fatal("quit without a word about the ballot typed")
	}
	top := u.win.Canvas().Overlays().Top()
	if top == nil || !strings.Contains(texts(top), "Stemmeseddel nr. 1 er tastet, men ikke gemt") {
		t.Fatalf("no question about the ballot: %v", top)
	}
	overlay := overlayButton(t, u, "Tilbage til stemmesedlen")
	overlay.OnTapped()
	if quits != 0 || u.win.Canvas().Focused() != s.entry.marks {
		t.Fatalf("back to the ballot: quits %d, focus %v", quits, u.win.Canvas().Focused())
	}
	quitItem(t, u).Action()
	overlayButton(t, u, "Afslut uden at gemme den").OnTapped()
	if quits != 1 {
		t.Errorf("quits %d after »Afslut uden at gemme den«", quits)
	}
	if n := len(storedBallots(t, db, r.ID)); n != 0 {
		t.Errorf("%d ballots stored", n)
	}
}
