package exchange

import (
	"errors"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// Two laptops of one council through the real hub: attendance marked on
// one, approval (who, at which meeting) on the other, a template saved on
// the first; both end with the same meetings, minutes and templates, and
// the approved minutes' attendance cannot be changed any more.
func TestAttendanceApprovalAndTemplatesThroughHub(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup Lokalråd")
	a := h.laptop(t, "a", council, 0)
	b := h.laptop(t, "b", council, time.Second)
	syncOK(t, a) // the council's own record

	nov := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: now.Add(-30 * 24 * time.Hour)}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &nov))
	dec := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: now.Add(-time.Hour)}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &dec))
	ok(t, a.AppendAgenda(t.Context(), dec.ID, model.StandardTemplates(model.Danish)[0].Agenda()))
	m, err := a.SetPresence(t.Context(), nov, "Karen Østergaard", model.Present)
	ok(t, err)
	_, err = a.SetPresence(t.Context(), m, "Anne-Mette Brøndum", model.Apology)
	ok(t, err)
	tpl := model.AgendaTemplate{CouncilID: council, Name: "Vores møde", Items: model.StandingItems}
	ok(t, a.SaveAgendaTemplate(t.Context(), model.AgendaTemplate{}, &tpl))
	syncOK(t, a)
	syncOK(t, b)

	onB, err := b.Meeting(t.Context(), nov.ID)
	ok(t, err)
	if model.PresenceOf(onB, "Anne-Mette Brøndum") != model.Apology {
		t.Fatalf("b's attendance: %q / %q", onB.Attendees, onB.Apologies)
	}
	_, err = b.ApproveMinutes(t.Context(), onB, "Karen Østergaard", dec.ID)
	ok(t, err)
	syncOK(t, b)
	syncOK(t, a)

	got, err := a.Meeting(t.Context(), nov.ID)
	ok(t, err)
	if got.Status != model.MeetingApproved || got.ApprovedBy != "Karen Østergaard" || got.ApprovedIn != dec.ID {
		t.Errorf("a after sync: %+v", got)
	}
	items := noerr.Get(a.AgendaItems(t.Context(), dec.ID))(t)
	if it, found := model.ApprovalItem(items); !found || it.Decision == "" {
		t.Errorf("December's minutes on a: %+v", items)
	}
	if ts := noerr.Get(b.AgendaTemplates(t.Context(), council))(t); len(ts) != 1 || len(ts[0].Items) != len(model.StandingItems) {
		t.Errorf("b's templates: %+v", ts)
	}
	converged(t, council, a, b)
	if _, err := a.SetPresence(t.Context(), got, "Søren Ærø", model.Present); !errors.Is(err, storage.ErrLocked) {
		t.Errorf("attendance of approved minutes changed on a: %v", err)
	}
}
