package ui

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
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
