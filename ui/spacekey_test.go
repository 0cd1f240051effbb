package ui

// A keyboard user presses a "new" button with Space. The desktop driver
// sends the key to the button first and then the typed character to
// whatever has the focus by then: the new field. That space must not
// become the first letter of what the user types next.

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"lokalraad/internal/noerr"
	"lokalraad/storage"
)

// pressSpace presses Space on b as the desktop driver does: the key to the
// button, then the character to the field focused after the press.
func pressSpace(u *App, b *widget.Button) {
	u.win.Canvas().Focus(b)
	b.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if f := u.win.Canvas().Focused(); f != nil {
		f.TypedRune(' ')
	}
}

func TestSpaceOnAddItemDoesNotStartTheTitle(t *testing.T) {
	_, db, ed := itemAddedWithSpace(t)
	items := noerr.Get(db.AgendaItems(t.Context(), ed.m.ID))(t)
	if len(items) != 1 || items[0].Title != "Legepladsen" {
		t.Errorf("stored items %+v; want one titled %q", items, "Legepladsen")
	}
}

func TestSpaceOnAddActionDoesNotStartTheWhat(t *testing.T) {
	u, db, ed := itemAddedWithSpace(t)
	c := ed.items[0]
	ed.views.SelectIndex(1) // Referat
	pressSpace(u, c.addAction)
	typeFocused(t, u, "Ring til kommunen")
	u.saver.flush()

	as := noerr.Get(db.ActionItems(t.Context(), ed.m.CouncilID))(t)
	if len(as) != 1 || as[0].What != "Ring til kommunen" {
		t.Errorf("stored action items %+v; want one whose what is %q", as, "Ring til kommunen")
	}
}

func TestSpaceOnNewMemberDoesNotStartTheName(t *testing.T) {
	u, db, cid := withCouncil(t)
	u.tabs.SelectIndex(4)
	pressSpace(u, u.members.newBtn)
	typeFocused(t, u, "Åse Ærø")
	u.saver.flush()

	ms := noerr.Get(db.Members(t.Context(), cid))(t)
	if len(ms) != 1 || ms[0].Name != "Åse Ærø" {
		t.Errorf("stored members %+v; want one named %q", ms, "Åse Ærø")
	}
}

// Space on »Gem som…« opens the save dialog with the cursor in its file
// name; the space must not land in front of the name (the walk saved
// » Referat – Jyderup Lokalråd – 12.11.2026.pdf«).
func TestSpaceOnSaveAsDoesNotStartTheFileName(t *testing.T) {
	u, _, cid := withCouncil(t)
	u.UseBuiltinExporters()
	u.tabs.SelectIndex(1)
	ed := newMeeting(t, u)
	u.exportDialog("Udskriv møde", meetingDocs, cid, ed.m.ID, 0, ed.m.Start, nil)
	pressSpace(u, overlayButton(t, u, "Gem som…"))
	drainUI()

	name, isEntry := u.win.Canvas().Focused().(*widget.Entry)
	if !isEntry {
		t.Fatalf("the save dialog's file name has not the cursor: %T", u.win.Canvas().Focused())
	}
	if !strings.HasPrefix(name.Text, "Mødemappe") {
		t.Errorf("the file name offered is %q", name.Text)
	}
}

// itemAddedWithSpace makes a meeting and adds an agenda item with Space on
// »Tilføj punkt«, typing its title »Legepladsen«.
func itemAddedWithSpace(t *testing.T) (*App, *storage.DB, *meetingEditor) {
	t.Helper()
	u, db, _ := withCouncil(t)
	u.tabs.SelectIndex(1)
	ed := newMeeting(t, u)
	pressSpace(u, ed.addItem)
	typeFocused(t, u, "Legepladsen")
	u.saver.flush()
	return u, db, ed
}
