package storage_test

import (
	"context"
	"strings"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

func TestPersonDataAndErasure(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	karen := model.Member{CouncilID: c.ID, Name: "Karen Østergaard", Role: model.RoleChair, Contact: true, Phone: "20 11 22 33", Email: "karen@example.dk"}
	must(t, db.SaveMember(t.Context(), model.Member{}, &karen))
	other := model.Member{CouncilID: c.ID, Name: "Søren Ærenlund", Role: model.RoleMember, Phone: "30 00 00 00"}
	must(t, db.SaveMember(t.Context(), model.Member{}, &other))
	m := newMeeting(t, db, c.ID, fixedNow)
	m.Attendees, m.Apologies, m.Status = "Karen Østergaard\nSøren Ærenlund", "", model.MeetingHeld
	must(t, db.SaveMeeting(t.Context(), storage.Overwriting(t.Context(), db, m), &m))
	it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Shelter", Kind: model.ItemDecision,
		Notes: "Karen Østergaard fremlagde tegningerne.", Decision: "Shelteret bygges ved søen."}
	must(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	a := model.ActionItem{CouncilID: c.ID, MeetingID: m.ID, Who: "Karen Østergaard", What: "Søg puljen"}
	must(t, db.SaveActionItem(t.Context(), model.ActionItem{}, &a))
	p := model.Project{CouncilID: c.ID, Title: "Shelter", Status: model.ProjectRunning, ResponsibleID: karen.ID}
	must(t, db.SaveProject(t.Context(), model.Project{}, &p))
	// The minutes are approved, and so locked, before the request comes.
	m.Status = model.MeetingApproved
	must(t, db.SaveMeeting(t.Context(), storage.Overwriting(t.Context(), db, m), &m))

	r, err := db.PersonData(t.Context(), c.ID, "Karen Østergaard")
	must(t, err)
	if len(r.Members) != 1 || len(r.Attended) != 1 || len(r.Actions) != 1 || len(r.Mentions) != 1 || len(r.Projects) != 1 {
		t.Fatalf("report = %+v", r)
	}

	n, err := db.ErasePerson(t.Context(), c.ID, "Karen Østergaard")
	must(t, err)
	// The member, the meeting, the item and the action item; the project
	// keeps pointing at the (now nameless) member record.
	if n != 4 {
		t.Errorf("%d rows changed, want 4", n)
	}
	after := noerr.Get(db.PersonData(t.Context(), c.ID, "Karen Østergaard"))(t)
	if !after.Empty() {
		t.Errorf("still kept after erasure: %+v", after)
	}
	// The decision and minutes stay readable; the other member is untouched.
	got := noerr.Get(db.AgendaItem(t.Context(), it.ID))(t)
	if got.Notes != "tidligere medlem fremlagde tegningerne." || got.Decision != it.Decision {
		t.Errorf("minutes after erasure: %+v", got)
	}
	ms := noerr.Get(db.Members(t.Context(), c.ID))(t)
	for _, mem := range ms {
		if mem.ID == karen.ID && (mem.Phone != "" || mem.Email != "" || mem.Name != "Tidligere medlem") {
			t.Errorf("erased member keeps %+v", mem)
		}
		if mem.ID == other.ID && mem.Phone != "30 00 00 00" {
			t.Errorf("the other member changed: %+v", mem)
		}
	}
	meeting := noerr.Get(db.Meeting(t.Context(), m.ID))(t)
	if meeting.Attendees != "tidligere medlem\nSøren Ærenlund" || meeting.Status != model.MeetingApproved {
		t.Errorf("meeting after erasure: %+v", meeting)
	}
	// Nothing in the change log or the search index still names her, and
	// the erasure itself is in the log, for sync to carry.
	ops := noerr.Get(db.ChangeLog())(t)
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
	if hits := noerr.Get(db.Search(t.Context(), c.ID, "Karen", 10))(t); len(hits) != 0 {
		t.Errorf("search still finds her: %+v", hits)
	}
}

// "See / erase a person" covers citizen budgeting: a proposer's proposals
// are in the report, with name and contact; erasing removes both and the
// name from the texts, also from the change log and on a replica that
// takes the erasure, while a proposal that only mentions the person keeps
// its own proposer, and the vote (voting open) is untouched.
func TestPersonDataCoversProposers(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	r, ps := newPBRound(t, db, c.ID)
	// Another proposal names Jens in its description; its proposer is Ole.
	ole := model.PBProposal{CouncilID: c.ID, RoundID: r.ID, Title: "Bænke", Cost: 10_000_00, Status: model.ProposalOnBallot,
		ProposerName: "Ole Berg", ProposerContact: "ole@example.dk", Text: "Sammen med Jens Hansen fra borgerforeningen."}
	must(t, db.SavePBProposal(t.Context(), model.PBProposal{}, &ole))
	openVoting(t, db, &r)
	b := ballot(r, 1, 1, 1, 4)
	must(t, db.SavePBBallot(t.Context(), model.PBBallot{}, &b))
	replica, _ := openTemp(t)
	before, err := db.CouncilOps(context.Background(), c.ID)
	must(t, err)
	if _, err := replica.ApplyOps(context.Background(), before); err != nil {
		t.Fatal(err)
	}

	rep, err := db.PersonData(t.Context(), c.ID, "jens hansen")
	must(t, err)
	if rep.Empty() || len(rep.Proposals) != 2 || rep.Proposals[0].ID != ps[0].ID || rep.Proposals[0].ProposerContact != "jens@example.dk" {
		t.Fatalf("the report of a proposer: %+v", rep.Proposals)
	}
	if other := noerr.Get(db.PersonData(t.Context(), c.ID, "Karen Holm"))(t); !other.Empty() {
		t.Fatalf("someone who proposed nothing: %+v", other)
	}

	n, err := db.ErasePerson(t.Context(), c.ID, "Jens Hansen")
	must(t, err)
	if n != 2 {
		t.Errorf("%d rows changed, want 2", n)
	}
	if after := noerr.Get(db.PersonData(t.Context(), c.ID, "Jens Hansen"))(t); !after.Empty() {
		t.Fatalf("still kept after the erasure: %+v", after.Proposals)
	}
	ops, err := db.CouncilOps(context.Background(), c.ID)
	must(t, err)
	if _, err := replica.ApplyOps(context.Background(), ops); err != nil {
		t.Fatalf("the replica refused the erasure: %v", err)
	}
	for name, x := range map[string]*storage.DB{"the erasing device": db, "the replica": replica} {
		got, err := x.PBProposals(t.Context(), r.ID)
		must(t, err)
		byID := map[string]model.PBProposal{}
		for _, p := range got {
			byID[p.ID] = p
		}
		if p := byID[ps[0].ID]; p.ProposerName != model.FormerMemberName || p.ProposerContact != "" || p.Cost != 60_000_00 || p.Status != model.ProposalOnBallot {
			t.Errorf("%s: the proposer's proposal after the erasure: %+v", name, p)
		}
		if p := byID[ole.ID]; p.ProposerName != "Ole Berg" || p.ProposerContact != "ole@example.dk" || p.Text != "Sammen med tidligere medlem fra borgerforeningen." {
			t.Errorf("%s: the proposal that mentions him: %+v", name, p)
		}
		log, err := x.CouncilOps(context.Background(), c.ID)
		must(t, err)
		oleKept := false
		for _, o := range log {
			s, _ := o.Value.(string)
			if strings.Contains(s, "Jens Hansen") || strings.Contains(s, "jens@example.dk") {
				t.Errorf("%s's change log keeps %q in %s.%s", name, s, o.Table, o.Field)
			}
			oleKept = oleKept || s == "Ole Berg"
		}
		if !oleKept {
			t.Errorf("%s: the other proposer's name left the change log", name)
		}
		d, err := x.PBRoundData(t.Context(), r.ID)
		must(t, err)
		if len(d.Ballots) != 1 || d.Round.Phase != model.PhaseVoting {
			t.Errorf("%s: the vote changed: %+v", name, d.Ballots)
		}
	}
}
