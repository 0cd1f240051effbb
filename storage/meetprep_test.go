package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// twoMeetings: on a, a held December meeting with an item and a January
// meeting (held an hour ago) whose agenda has the standing item
// "Godkendelse af referat"; b has everything.
func twoMeetings(t *testing.T) (a, b *DB, dec, jan model.Meeting, approvalItem model.AgendaItem) {
	t.Helper()
	a, b = replica(t, "a"), replica(t, "b")
	c := model.Council{Name: "Jyderup Lokalråd"}
	ok(t, a.SaveCouncil(t.Context(), model.Council{}, &c))
	dec = model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: syncNow.AddDate(0, -1, 0)}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &dec))
	it := model.AgendaItem{CouncilID: c.ID, MeetingID: dec.ID, Title: "Shelter", Kind: model.ItemDecision, Decision: "Shelteret bygges."}
	ok(t, a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	jan = model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: syncNow.Add(-time.Hour)}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &jan))
	approvalItem = model.AgendaItem{CouncilID: c.ID, MeetingID: jan.ID, Title: "Godkendelse af referat", Kind: model.ItemDecision, Decision: "Ingen bemærkninger."}
	ok(t, a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &approvalItem))
	send(t, a, b)
	return
}

func TestApproveMinutesAtLaterMeeting(t *testing.T) {
	a, b, dec, jan, ai := twoMeetings(t)
	before := len(mustOps(t, a))
	got, err := a.ApproveMinutes(t.Context(), dec, "  Karen   Østergaard ", jan.ID)
	ok(t, err)
	if got.Status != model.MeetingApproved || got.ApprovedBy != "Karen Østergaard" || got.ApprovedIn != jan.ID || !got.ApprovedAt.Equal(syncNow.Truncate(time.Second)) {
		t.Fatalf("stored %+v", got)
	}
	it, err := a.AgendaItem(t.Context(), ai.ID)
	ok(t, err)
	want := "Ingen bemærkninger.\nReferatet af mødet " + model.MeetingTitle(dec, model.Danish) + " blev godkendt (Karen Østergaard)."
	if it.Decision != want {
		t.Errorf("January's minutes say %q, want %q", it.Decision, want)
	}
	if len(mustOps(t, a)) == before {
		t.Fatal("the approval wrote nothing to the change log")
	}
	// Approved is locked: no second approval, no edit of the attendance.
	if _, err := a.ApproveMinutes(t.Context(), got, "Søren", jan.ID); !errors.Is(err, ErrLocked) {
		t.Errorf("approved twice: %v", err)
	}
	if _, err := a.SetPresence(t.Context(), got, "Søren", model.Present); !errors.Is(err, ErrLocked) {
		t.Errorf("attendance of approved minutes changed: %v", err)
	}

	// The other laptop gets the approval, the banner's facts and the line
	// in January's minutes.
	send(t, a, b)
	onB, err := b.Meeting(t.Context(), dec.ID)
	ok(t, err)
	if onB.Status != model.MeetingApproved || onB.ApprovedBy != "Karen Østergaard" || onB.ApprovedIn != jan.ID {
		t.Errorf("b has %+v", onB)
	}
	janOnB, err := b.Meeting(t.Context(), jan.ID)
	ok(t, err)
	if txt := model.ApprovalText(onB, janOnB, model.Danish); !strings.Contains(txt, "på mødet "+model.MeetingTitle(jan, model.Danish)+" af Karen Østergaard") {
		t.Errorf("banner %q", txt)
	}
	if it := noerr.Get(b.AgendaItem(t.Context(), ai.ID))(t); it.Decision != want {
		t.Errorf("b's January minutes: %q", it.Decision)
	}

	// Reopening clears who approved, and is a save with the status.
	reopened := onB
	reopened.Status = model.MeetingHeld
	ok(t, b.SaveMeeting(t.Context(), onB, &reopened))
	if reopened.ApprovedBy != "" || reopened.ApprovedIn != "" || !reopened.ApprovedAt.IsZero() {
		t.Errorf("reopened keeps the approval: %+v", reopened)
	}
	send(t, b, a)
	if m := noerr.Get(a.Meeting(t.Context(), dec.ID))(t); m.Status != model.MeetingHeld || m.ApprovedBy != "" {
		t.Errorf("a after the reopening: %+v", m)
	}
}

func TestApproveMinutesMakesTheItemWhenMissing(t *testing.T) {
	a, _, dec, jan, ai := twoMeetings(t)
	ok(t, a.DeleteAgendaItem(t.Context(), ai.ID))
	_, err := a.ApproveMinutes(t.Context(), dec, "Karen", jan.ID)
	ok(t, err)
	items, err := a.AgendaItems(t.Context(), jan.ID)
	ok(t, err)
	if len(items) != 1 || items[0].Title != model.ApprovedMinutesItem || !strings.Contains(items[0].Decision, "blev godkendt (Karen)") {
		t.Errorf("January's agenda: %+v", items)
	}
}

func TestApproveMinutesRefused(t *testing.T) {
	a, _, dec, jan, _ := twoMeetings(t)
	// Not held yet.
	future := model.Meeting{CouncilID: dec.CouncilID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: syncNow.AddDate(0, 0, 7)}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &future))
	if _, err := a.ApproveMinutes(t.Context(), future, "Karen", ""); !errors.Is(err, ErrNotHeld) {
		t.Errorf("future meeting approved: %v", err)
	}
	// The later meeting's own minutes are locked: nothing is written.
	_, err := a.ApproveMinutes(t.Context(), jan, "Karen", "")
	ok(t, err)
	if _, err := a.ApproveMinutes(t.Context(), dec, "Karen", jan.ID); !errors.Is(err, ErrLocked) {
		t.Errorf("recorded in locked minutes: %v", err)
	}
	if m := noerr.Get(a.Meeting(t.Context(), dec.ID))(t); m.Status != model.MeetingHeld {
		t.Errorf("half an approval stored: %+v", m)
	}
	// A meeting of another council.
	other := model.Council{Name: "Tølløse"}
	ok(t, a.SaveCouncil(t.Context(), model.Council{}, &other))
	om := model.Meeting{CouncilID: other.ID, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: syncNow.Add(-time.Hour)}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &om))
	if _, err := a.ApproveMinutes(t.Context(), dec, "Karen", om.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("recorded at another council's meeting: %v", err)
	}
	// A name longer than a short field.
	if _, err := a.ApproveMinutes(t.Context(), dec, strings.Repeat("Ø", model.MaxShort+1), ""); err == nil {
		t.Error("a 201-character name was stored")
	}
}

// Attendance marked on one laptop and then on the other arrives whole on
// both; marks made on both at once lose nothing: a mark that is not in the
// merged list is kept as a conflict the conflicts view shows.
func TestAttendanceSyncsBetweenTwoLaptops(t *testing.T) {
	a, b, _, jan, _ := twoMeetings(t)
	ja, err := a.SetPresence(t.Context(), jan, "Karen Østergaard", model.Present)
	ok(t, err)
	_, err = a.SetPresence(t.Context(), ja, "Anne-Mette Brøndum", model.Apology)
	ok(t, err)
	send(t, a, b)
	jb, err := b.SetPresence(t.Context(), mustMeeting(t, b, jan.ID), "Søren Ærø", model.Present)
	ok(t, err)
	loaded := jb
	jb.Guests = "Borgmester Bo"
	ok(t, b.SaveMeeting(t.Context(), loaded, &jb))
	send(t, b, a)
	for name, db := range map[string]*DB{"a": a, "b": b} {
		m := mustMeeting(t, db, jan.ID)
		if model.PresenceOf(m, "Karen Østergaard") != model.Present || model.PresenceOf(m, "Søren Ærø") != model.Present ||
			model.PresenceOf(m, "Anne-Mette Brøndum") != model.Apology || m.Guests != "Borgmester Bo" {
			t.Errorf("%s: attendees %q apologies %q guests %q", name, m.Attendees, m.Apologies, m.Guests)
		}
		q := model.QuorumOf(model.Council{}, []model.Member{{Name: "Karen Østergaard", Role: model.RoleChair}, {Name: "Søren Ærø", Role: model.RoleMember}, {Name: "Anne-Mette Brøndum", Role: model.RoleMember}}, m)
		if !q.OK() || q.Present != 2 {
			t.Errorf("%s: quorum %+v", name, q)
		}
	}

	// Both at once, offline.
	ma, err := a.SetPresence(t.Context(), mustMeeting(t, a, jan.ID), "Ib Holm", model.AbsentP)
	ok(t, err)
	mb, err := b.SetPresence(t.Context(), mustMeeting(t, b, jan.ID), "Lis Berg", model.AbsentP)
	ok(t, err)
	send(t, a, b)
	send(t, b, a)
	converged(t, a, b)
	m := mustMeeting(t, a, jan.ID)
	cs, err := a.Conflicts(t.Context(), jan.CouncilID)
	ok(t, err)
	for _, who := range []string{"Ib Holm", "Lis Berg"} {
		found := model.PresenceOf(m, who) == model.AbsentP
		for _, c := range cs {
			if c.Field == "absent" && strings.Contains(fmt.Sprint(c.Kept, c.Other), who) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s's mark is lost: absent %q, conflicts %+v (a wrote %q, b %q)", who, m.Absent, cs, ma.Absent, mb.Absent)
		}
	}
}

// An op that changes the attendance of approved minutes is refused at
// the door (bundle import, the hub), as a local edit is.
func TestLockedAttendanceRefusedOnImport(t *testing.T) {
	a, b := replica(t, "a"), replica(t, "b")
	m, _ := approvedMinutes(t, a, b)
	for _, field := range []string{"absent", "guests", "attendees"} {
		op := forge(t, b, "x", 1, "meetings", m.ID, m.CouncilID, field, "Falsk Navn", "")
		if _, err := b.ApplyOps(context.Background(), []Change{op}); !errors.Is(err, ErrLocked) {
			t.Errorf("%s of approved minutes: %v", field, err)
		}
	}
	op := forge(t, b, "x", 1, "meetings", m.ID, m.CouncilID, "approved_by", strings.Repeat("x", model.MaxShort+1), "")
	if _, err := b.ApplyOps(context.Background(), []Change{op}); !errors.Is(err, ErrRefused) {
		t.Errorf("an approver's name over the limit: %v", err)
	}
	// Who approved, and where, are locked with the minutes: rewriting them
	// without reopening is refused, as a local save is.
	for field, v := range map[string]string{"approved_by": "Falsk Formand", "approved_in": m.ID} {
		op := forge(t, b, "x", 1, "meetings", m.ID, m.CouncilID, field, v, "")
		if _, err := b.ApplyOps(context.Background(), []Change{op}); !errors.Is(err, ErrLocked) {
			t.Errorf("%s of approved minutes rewritten: %v", field, err)
		}
	}
	got, err := b.Meeting(t.Context(), m.ID)
	ok(t, err)
	loaded := got
	got.ApprovedBy = "Falsk Formand"
	ok(t, b.SaveMeeting(t.Context(), loaded, &got))
	if got.ApprovedBy != "" {
		t.Errorf("a local save rewrote who approved: %q", got.ApprovedBy)
	}
}

func mustMeeting(t *testing.T, db *DB, id string) model.Meeting {
	t.Helper()
	m, err := db.Meeting(t.Context(), id)
	ok(t, err)
	return m
}

func TestCopyAgendaAndTemplates(t *testing.T) {
	a, b, dec, jan, _ := twoMeetings(t)
	next := model.Meeting{CouncilID: dec.CouncilID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: syncNow.AddDate(0, 1, 0)}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &next))
	decItems, err := a.AgendaItems(t.Context(), dec.ID)
	ok(t, err)
	ok(t, a.AppendAgenda(t.Context(), next.ID, model.CopyAgenda(decItems)))
	items, err := a.AgendaItems(t.Context(), next.ID)
	ok(t, err)
	if len(items) != 1 || items[0].Title != "Shelter" || items[0].Decision != "" || items[0].Notes != "" || items[0].Position != 1 {
		t.Errorf("copied agenda %+v", items)
	}

	tpl := model.TemplateOf("Vores bestyrelsesmøde", append(items, model.AgendaItem{Title: "Eventuelt", Kind: model.ItemInformation, Minutes: 10, Position: 9}))
	tpl.CouncilID = dec.CouncilID
	ok(t, a.SaveAgendaTemplate(t.Context(), model.AgendaTemplate{}, &tpl))
	send(t, a, b)
	onB, err := b.AgendaTemplates(t.Context(), dec.CouncilID)
	ok(t, err)
	if len(onB) != 1 || onB[0].Name != "Vores bestyrelsesmøde" || len(onB[0].Items) != 2 || onB[0].Items[1].Title != "Eventuelt" {
		t.Fatalf("b's templates: %+v", onB)
	}
	ok(t, b.AppendAgenda(t.Context(), next.ID, onB[0].Agenda()))
	its, err := b.AgendaItems(t.Context(), next.ID)
	ok(t, err)
	if len(its) != 3 || its[1].Position != 2 || its[2].Title != "Eventuelt" || its[2].Position != 3 {
		t.Errorf("agenda after the template: %+v", its)
	}
	// Approved minutes get no new items.
	_, err = b.ApproveMinutes(t.Context(), mustMeeting(t, b, jan.ID), "", "")
	ok(t, err)
	if err := b.AppendAgenda(t.Context(), jan.ID, onB[0].Agenda()); !errors.Is(err, ErrLocked) {
		t.Errorf("template into approved minutes: %v", err)
	}
	// A forged template whose items do not read is refused whole.
	op := forge(t, a, "x", 1, "agenda_templates", tpl.ID, tpl.CouncilID, "items", "5|ukendt|Punkt", "")
	if _, err := a.ApplyOps(context.Background(), []Change{op}); !errors.Is(err, ErrRefused) {
		t.Errorf("a template with a bad kind: %v", err)
	}
	ok(t, b.DeleteAgendaTemplate(t.Context(), onB[0].ID))
	send(t, b, a)
	if ts := noerr.Get(a.AgendaTemplates(t.Context(), dec.CouncilID))(t); len(ts) != 0 {
		t.Errorf("deleted template still on a: %+v", ts)
	}
}

func TestDecisionsRegisterReadsEveryMeeting(t *testing.T) {
	a, _, dec, jan, ai := twoMeetings(t)
	ds, err := a.Decisions(t.Context(), dec.CouncilID, model.Danish)
	ok(t, err)
	if len(ds) != 2 || ds[0].ItemID != ai.ID || ds[0].MeetingID != jan.ID || ds[1].Decision != "Shelteret bygges." {
		t.Errorf("%+v", ds)
	}
}

// GDPR: erasing a person also finds them among the absent, the guests and
// as the one who approved, in approved minutes too, and the erasure syncs.
func TestErasePersonInAttendanceAndApproval(t *testing.T) {
	a, b, dec, _, _ := twoMeetings(t)
	m := mustMeeting(t, a, dec.ID)
	loaded := m
	m.Absent, m.Guests = "Karen Østergaard\nIb", "Karen Østergaard"
	ok(t, a.SaveMeeting(t.Context(), loaded, &m))
	_, err := a.ApproveMinutes(t.Context(), m, "Karen Østergaard", "")
	ok(t, err)
	r, err := a.PersonData(t.Context(), dec.CouncilID, "Karen Østergaard")
	ok(t, err)
	if len(r.Attended) != 1 || len(r.Apologies) != 1 {
		t.Fatalf("report: %d attended, %d apologies", len(r.Attended), len(r.Apologies))
	}
	_, err = a.ErasePerson(t.Context(), dec.CouncilID, "Karen Østergaard")
	ok(t, err)
	send(t, a, b)
	for name, db := range map[string]*DB{"a": a, "b": b} {
		got := mustMeeting(t, db, dec.ID)
		if s := got.Absent + got.Guests + got.ApprovedBy; strings.Contains(s, "Karen") || got.Status != model.MeetingApproved || !strings.Contains(got.Absent, "Ib") {
			t.Errorf("%s after erasure: %+v", name, got)
		}
	}
}

// The total of a search counts past its limit, in this council only.
func TestSearchTotalCountsPastTheLimit(t *testing.T) {
	a, _, dec, _, _ := twoMeetings(t)
	for i := range 7 {
		it := model.AgendaItem{CouncilID: dec.CouncilID, MeetingID: dec.ID, Title: fmt.Sprintf("Stien nr. %d", i), Kind: model.ItemInformation}
		ok(t, a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	}
	other := model.Council{Name: "Tølløse"}
	ok(t, a.SaveCouncil(t.Context(), model.Council{}, &other))
	om := model.Meeting{CouncilID: other.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: syncNow, Title: "Stien"}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &om))
	hits, err := a.Search(t.Context(), dec.CouncilID, "stien", 5)
	ok(t, err)
	n, err := a.SearchTotal(t.Context(), dec.CouncilID, "stien")
	ok(t, err)
	if len(hits) != 5 || n != 7 {
		t.Errorf("%d hits shown, total %d; want 5 of 7", len(hits), n)
	}
	if n := noerr.Get(a.SearchTotal(t.Context(), dec.CouncilID, " ,. "))(t); n != 0 {
		t.Errorf("no words: %d", n)
	}
}
