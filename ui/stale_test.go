package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// An editor left open while a sync brings another laptop's edits does not
// undo them: typing in the stale minutes merges with the new lines, and a
// field left alone keeps the other laptop's value.
func TestStaleEditorKeepsOtherLaptopsEdits(t *testing.T) {
	u, db, _ := withCouncil(t)
	ed := newMeeting(t, u)
	test.Tap(ed.addItem)
	retype(ed.place, "Forsamlingshuset")
	retype(ed.items[0].title, "Økonomi")
	retype(ed.items[0].notes, "Linje 1\nLinje 2\nLinje 3")
	u.saver.flush()

	// The other laptop's edits arrive (as a sync writes them) while the
	// editor stays open with the old text.
	m, _ := db.Meeting(ed.m.ID)
	m.Place = "Skarresø Kro"
	if err := db.SaveMeeting(&m); err != nil {
		t.Fatal(err)
	}
	items, _ := db.AgendaItems(ed.m.ID)
	it := items[0]
	it.Notes = "Linje 1\nLinje 2\nLinje 3 (Søren)"
	if err := db.SaveAgendaItem(&it); err != nil {
		t.Fatal(err)
	}

	// Karen goes on typing on her screen: line 1 and the meeting's title.
	retype(ed.items[0].notes, "Linje 1 (Karen)\nLinje 2\nLinje 3")
	retype(ed.title, "Ekstraordinært møde")
	u.saver.flush()

	got, _ := db.AgendaItem(it.ID)
	if got.Notes != "Linje 1 (Karen)\nLinje 2\nLinje 3 (Søren)" {
		t.Errorf("notes = %q, want both laptops' lines", got.Notes)
	}
	if ed.items[0].notes.Text != got.Notes {
		t.Errorf("the editor shows %q, the database holds %q", ed.items[0].notes.Text, got.Notes)
	}
	m, _ = db.Meeting(ed.m.ID)
	if m.Place != "Skarresø Kro" || m.Title != "Ekstraordinært møde" {
		t.Errorf("meeting = %+v; the stale place overwrote the other laptop's", m)
	}
	if ed.place.Text != "Skarresø Kro" {
		t.Errorf("the place field shows %q", ed.place.Text)
	}
}
