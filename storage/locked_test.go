package storage

import (
	"errors"
	"testing"

	"lokalraad/model"
)

// Approved minutes are deleted only after reopening: here, as the server
// refuses a delete of them from anywhere else.
func TestDeleteApprovedMeetingRefused(t *testing.T) {
	a, _, _, m, it := setup(t)
	held := m
	m.Status = model.MeetingApproved
	ok(t, a.SaveMeeting(t.Context(), Overwriting(t.Context(), a, held), &m))
	if err := a.DeleteMeeting(t.Context(), m.ID); !errors.Is(err, ErrLocked) {
		t.Fatalf("deleting approved minutes: %v", err)
	}
	if _, err := a.AgendaItem(t.Context(), it.ID); err != nil {
		t.Errorf("an item of the approved meeting went: %v", err)
	}
	approved := m
	m.Status = model.MeetingHeld // reopened
	ok(t, a.SaveMeeting(t.Context(), approved, &m))
	ok(t, a.DeleteMeeting(t.Context(), m.ID))
	if _, err := a.AgendaItem(t.Context(), it.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("item after deleting the reopened meeting: %v", err)
	}
}
