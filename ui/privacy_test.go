package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// A person's data is shown on request, and erasing it asks first and then
// leaves decisions readable with "tidligere medlem".
func TestPersonDataAndErasure(t *testing.T) {
	u, db, council := withCouncil(t)
	karen := model.Member{CouncilID: council, Name: "Karen Østergaard", Role: model.RoleChair, Phone: "20 11 22 33"}
	if err := db.SaveMember(t.Context(), model.Member{}, &karen); err != nil {
		t.Fatal(err)
	}
	m := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingHeld,
		Start: time.Date(2026, 11, 12, 18, 0, 0, 0, time.UTC), Attendees: "Karen Østergaard\nŞule Yılmaz"}
	if err := db.SaveMeeting(t.Context(), model.Meeting{}, &m); err != nil {
		t.Fatal(err)
	}
	it := model.AgendaItem{CouncilID: council, MeetingID: m.ID, Title: "Shelter", Kind: model.ItemDecision, Notes: "Karen Østergaard fremlagde sagen."}
	if err := db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it); err != nil {
		t.Fatal(err)
	}

	p := u.showPersonData("Karen Østergaard")
	shown := p.result.Text
	for _, want := range []string{"Medlemsoplysninger (1)", "20 11 22 33", "Deltog i møder (1)", "Nævnt i referater (1)"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the report lacks %q:\n%s", want, shown)
		}
	}
	test.Tap(p.erase)
	// Nothing is erased before the confirmation.
	if ms := noerr.Get(db.Members(t.Context(), council))(t); ms[0].Phone == "" {
		t.Fatal("erased before confirming")
	}
	test.Tap(overlayButton(t, u, "Slet"))
	ms := noerr.Get(db.Members(t.Context(), council))(t)
	if ms[0].Name != "Tidligere medlem" || ms[0].Phone != "" {
		t.Errorf("member after erasure: %+v", ms[0])
	}
	got := noerr.Get(db.AgendaItem(t.Context(), it.ID))(t)
	if got.Notes != "tidligere medlem fremlagde sagen." {
		t.Errorf("minutes after erasure: %q", got.Notes)
	}
	// A name nobody has is reported as such.
	p = u.showPersonData("Ingen Ukendt")
	if !strings.Contains(p.result.Text, "ikke gemt noget") || !p.erase.Disabled() {
		t.Errorf("unknown person: %q, erase enabled: %v", p.result.Text, !p.erase.Disabled())
	}
}

// "See / erase a person" covers names in attachments' file names.
func TestPersonInAttachmentFileName(t *testing.T) {
	u, db, council := withCouncil(t)
	m := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: time.Date(2026, 12, 12, 18, 0, 0, 0, time.UTC)}
	if err := db.SaveMeeting(t.Context(), model.Meeting{}, &m); err != nil {
		t.Fatal(err)
	}
	it := model.AgendaItem{CouncilID: council, MeetingID: m.ID, Title: "Klager", Kind: model.ItemDiscussion}
	if err := db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it); err != nil {
		t.Fatal(err)
	}
	a, err := db.AddAttachment(t.Context(), model.OwnerItem, it.ID, "Klage fra Karen_Østergaard.pdf", strings.NewReader("klage"))
	if err != nil {
		t.Fatal(err)
	}
	p := u.showPersonData("Karen Østergaard")
	if shown := p.result.Text; !strings.Contains(shown, "Bilag med navnet i filnavnet (1)") || !strings.Contains(shown, "Klage fra Karen_Østergaard.pdf") {
		t.Fatalf("the report:\n%s", shown)
	}
	test.Tap(p.erase)
	test.Tap(overlayButton(t, u, "Slet"))
	if got := noerr.Get(db.Attachment(t.Context(), a.ID))(t); got.Name != "Klage fra tidligere medlem.pdf" {
		t.Errorf("file name after erasure: %q", got.Name)
	}
}

// The GDPR dialog shows the citizen-budgeting proposals a citizen handed
// in, with name and contact, and erasing removes both.
func TestPersonDataShowsProposals(t *testing.T) {
	u, db, council := withCouncil(t)
	r := pbRound(t, db, council, model.PhaseReview)
	ps, err := db.PBProposals(t.Context(), r.ID)
	ok(t, err)
	p := ps[0]
	x := p
	x.ProposerName, x.ProposerContact = "Şule Yılmaz", "sule@example.dk"
	ok(t, db.SavePBProposal(t.Context(), p, &x))

	d := u.showPersonData("Şule Yılmaz")
	shown := d.result.Text
	for _, want := range []string{"Borgerbudgetforslag (1)", "1. Shelter ved søen", "sule@example.dk"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the report lacks %q:\n%s", want, shown)
		}
	}
	test.Tap(d.erase)
	test.Tap(overlayButton(t, u, "Slet"))
	ps, err = db.PBProposals(t.Context(), r.ID)
	ok(t, err)
	if ps[0].ProposerName != model.FormerMemberName || ps[0].ProposerContact != "" || ps[0].Title != "Shelter ved søen" {
		t.Errorf("the proposal after the erasure: %+v", ps[0])
	}
}
