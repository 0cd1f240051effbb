package storage_test

import (
	"strings"
	"testing"

	"lokalraad/model"
	"lokalraad/storage"
)

func TestPersonDataAndErasure(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	karen := model.Member{CouncilID: c.ID, Name: "Karen Østergaard", Role: model.RoleChair, Contact: true, Phone: "20 11 22 33", Email: "karen@example.dk"}
	must(t, db.SaveMember(model.Member{}, &karen))
	other := model.Member{CouncilID: c.ID, Name: "Søren Ærenlund", Role: model.RoleMember, Phone: "30 00 00 00"}
	must(t, db.SaveMember(model.Member{}, &other))
	m := newMeeting(t, db, c.ID, fixedNow)
	m.Attendees, m.Apologies, m.Status = "Karen Østergaard\nSøren Ærenlund", "", model.MeetingHeld
	must(t, db.SaveMeeting(storage.Overwriting(db, m), &m))
	it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Shelter", Kind: model.ItemDecision,
		Notes: "Karen Østergaard fremlagde tegningerne.", Decision: "Shelteret bygges ved søen."}
	must(t, db.SaveAgendaItem(model.AgendaItem{}, &it))
	a := model.ActionItem{CouncilID: c.ID, MeetingID: m.ID, Who: "Karen Østergaard", What: "Søg puljen"}
	must(t, db.SaveActionItem(model.ActionItem{}, &a))
	p := model.Project{CouncilID: c.ID, Title: "Shelter", Status: model.ProjectRunning, ResponsibleID: karen.ID}
	must(t, db.SaveProject(model.Project{}, &p))
	// The minutes are approved, and so locked, before the request comes.
	m.Status = model.MeetingApproved
	must(t, db.SaveMeeting(storage.Overwriting(db, m), &m))

	r, err := db.PersonData(c.ID, "Karen Østergaard")
	must(t, err)
	if len(r.Members) != 1 || len(r.Attended) != 1 || len(r.Actions) != 1 || len(r.Mentions) != 1 || len(r.Projects) != 1 {
		t.Fatalf("report = %+v", r)
	}

	n, err := db.ErasePerson(c.ID, "Karen Østergaard")
	must(t, err)
	// The member, the meeting, the item and the action item; the project
	// keeps pointing at the (now nameless) member record.
	if n != 4 {
		t.Errorf("%d rows changed, want 4", n)
	}
	after, _ := db.PersonData(c.ID, "Karen Østergaard")
	if !after.Empty() {
		t.Errorf("still kept after erasure: %+v", after)
	}
	// The decision and minutes stay readable; the other member is untouched.
	got, _ := db.AgendaItem(it.ID)
	if got.Notes != "tidligere medlem fremlagde tegningerne." || got.Decision != it.Decision {
		t.Errorf("minutes after erasure: %+v", got)
	}
	ms, _ := db.Members(c.ID)
	for _, mem := range ms {
		if mem.ID == karen.ID && (mem.Phone != "" || mem.Email != "" || mem.Name != "Tidligere medlem") {
			t.Errorf("erased member keeps %+v", mem)
		}
		if mem.ID == other.ID && mem.Phone != "30 00 00 00" {
			t.Errorf("the other member changed: %+v", mem)
		}
	}
	meeting, _ := db.Meeting(m.ID)
	if meeting.Attendees != "tidligere medlem\nSøren Ærenlund" || meeting.Status != model.MeetingApproved {
		t.Errorf("meeting after erasure: %+v", meeting)
	}
	// Nothing in the change log or the search index still names her, and
	// the erasure itself is in the log, for sync to carry.
	ops, _ := db.ChangeLog()
	erasures := 0
	for _, o := range ops {
		if s, ok := o.Value.(string); ok && (strings.Contains(s, "Karen") || strings.Contains(s, "karen@")) {
			t.Errorf("change log still holds %q (%s.%s)", s, o.Table, o.Field)
		}
		if o.Field == "phone" && o.Row == karen.ID {
			erasures++
		}
	}
	if erasures != 2 { // the creation (scrubbed) and the erasure
		t.Errorf("the erasure of the phone number is not a logged change")
	}
	if hits, _ := db.Search(c.ID, "Karen", 10); len(hits) != 0 {
		t.Errorf("search still finds her: %+v", hits)
	}
}
