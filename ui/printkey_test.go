package ui

// The chair prints with Ctrl+P, as in every other program: the open
// meeting's Udskriv / eksportér…, or the council's when no meeting is open.

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"lokalraad/storage"
)

// ctrlItem is the File menu's item with the shortcut Ctrl+key.
func ctrlItem(t *testing.T, u *App, key fyne.KeyName) *fyne.MenuItem {
	t.Helper()
	want := (&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}).ShortcutName()
	for _, it := range u.win.MainMenu().Items[0].Items {
		if it.Shortcut != nil && it.Shortcut.ShortcutName() == want {
			return it
		}
	}
	t.Fatalf("no item with Ctrl+%s in the file menu", key)
	return nil
}

func TestCtrlPPrintsTheOpenMeeting(t *testing.T) {
	u, _, cid := withCouncil(t)
	var meeting, council string
	u.Exporters.Meeting = func(_ fyne.Window, _ *storage.DB, id string) { meeting = id }
	u.Exporters.Council = func(_ fyne.Window, _ *storage.DB, id string) { council = id }

	u.tabs.SelectIndex(tabOverview)
	ctrlItem(t, u, fyne.KeyP).Action()
	if council != cid || meeting != "" {
		t.Errorf("Ctrl+P on Oversigt printed meeting %q, council %q; want the council's", meeting, council)
	}

	council = ""
	u.tabs.SelectIndex(tabMeetings)
	ed := newMeeting(t, u)
	ctrlItem(t, u, fyne.KeyP).Action()
	if meeting != ed.m.ID || council != "" {
		t.Errorf("Ctrl+P on an open meeting printed meeting %q, council %q; want the meeting %q", meeting, council, ed.m.ID)
	}
}
