package ui

// A meeting whose date is erased is not stored without a start: the date
// field says what the model's rule says, in the user's language.

import (
	"testing"

	"lokalraad/model"
)

func TestMeetingEditorAsksForTheDateWhenErased(t *testing.T) {
	u, db, _ := withCouncil(t)
	ed := newMeeting(t, u)
	retype(ed.date, "26.11.2026")
	retype(ed.clock, "19:00")
	u.saver.flush()
	erase(ed.date)
	u.saver.flush()
	showsErr(t, "erased date", ed.dateErr, "Vælg mødets dato og tidspunkt")
	m, err := db.Meeting(t.Context(), ed.m.ID)
	ok(t, err)
	if model.DateTime(m.Start) != "26.11.2026 19:00" {
		t.Errorf("stored start %s after the date was erased, want the one typed before", model.DateTime(m.Start))
	}
}
