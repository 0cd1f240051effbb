package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"lokalraad/model"
	"lokalraad/storage"
)

// board stores a chair and two members (one of them a suppleant).
func board(t *testing.T, db *storage.DB, council string) {
	t.Helper()
	for _, m := range []model.Member{
		{CouncilID: council, Name: "Karen Østergaard", Role: model.RoleChair},
		{CouncilID: council, Name: "Anne-Mette Brøndum", Role: model.RoleMember},
		{CouncilID: council, Name: "Søren Ærø", Role: model.RoleMember},
		{CouncilID: council, Name: "Sam Suppleant", Role: model.RoleSubstitute},
	} {
		ok(t, db.SaveMember(model.Member{}, &m))
	}
}

// heldMeetings stores a December meeting (held, with a decision) and a
// January one with the standing item, and opens December's.
func heldMeetings(t *testing.T) (*App, *storage.DB, model.Meeting, model.Meeting) {
	t.Helper()
	u, db, c := withCouncil(t)
	db.Now = fixClock(u).UTC
	board(t, db, c)
	dec := model.Meeting{CouncilID: c, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: time.Date(2026, 11, 3, 19, 0, 0, 0, model.Copenhagen)}
	ok(t, db.SaveMeeting(model.Meeting{}, &dec))
	it := model.AgendaItem{CouncilID: c, MeetingID: dec.ID, Title: "Shelter ved søen", Kind: model.ItemDecision, Minutes: 20, Background: "Tegninger", Decision: "Vi søger Fællesskabspuljen."}
	ok(t, db.SaveAgendaItem(model.AgendaItem{}, &it))
	jan := model.Meeting{CouncilID: c, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: time.Date(2026, 11, 24, 19, 0, 0, 0, model.Copenhagen)}
	ok(t, db.SaveMeeting(model.Meeting{}, &jan))
	std := model.StandardTemplates(model.Danish)[0]
	ok(t, db.AppendAgenda(jan.ID, std.Agenda()))
	u.tabs.SelectIndex(1)
	u.meetings.refreshList()
	u.meetings.selectMeeting(dec.ID)
	return u, db, dec, jan
}

// Godkend referat: a clear button on the Referat tab asks who approved and
// at which meeting (the next one by default), stores both, locks the
// minutes with a banner that says so, and writes the approval into the
// later meeting's minutes.
func TestApproveButtonStoresWhoAndWhere(t *testing.T) {
	u, db, dec, jan := heldMeetings(t)
	ed := u.meetings.editor
	if ed.approveBtn == nil || !ed.approveBtn.Visible() || ed.approveBtn.Text != "Godkend referat" {
		t.Fatal("no Godkend referat button on held minutes")
	}
	test.Tap(ed.approveBtn)
	if got := ed.approveAt.Selected; !strings.HasPrefix(got, "Bestyrelsesmøde 24.11.2026") {
		t.Errorf("the meeting offered first is %q, want the next one", got)
	}
	ed.approveBy.SetText("Karen Østergaard")
	test.Tap(overlayButton(t, u, "Godkend"))

	m, err := db.Meeting(dec.ID)
	ok(t, err)
	if m.Status != model.MeetingApproved || m.ApprovedBy != "Karen Østergaard" || m.ApprovedIn != jan.ID {
		t.Fatalf("stored %+v", m)
	}
	ed = u.meetings.editor
	if !ed.locked || ed.banner == nil {
		t.Fatal("approved minutes are not shown locked with a banner")
	}
	if want := "Godkendt 26.11.2026 på mødet Bestyrelsesmøde 24.11.2026 af Karen Østergaard"; ed.banner.Text != want {
		t.Errorf("banner %q, want %q", ed.banner.Text, want)
	}
	items, err := db.AgendaItems(jan.ID)
	ok(t, err)
	it, found := model.ApprovalItem(items)
	if !found || it.Decision != "Referatet af mødet Bestyrelsesmøde 03.11.2026 blev godkendt (Karen Østergaard)." {
		t.Errorf("January's minutes: %+v", it)
	}
	// Locked: no attendance to change, no button.
	if ed.approveBtn != nil || len(ed.att.groups) != 0 {
		t.Error("approved minutes still offer approval or attendance marks")
	}
}

// A meeting not yet held cannot be approved from the button either.
func TestApproveButtonRefusesFutureMeeting(t *testing.T) {
	u, db, _, jan := heldMeetings(t)
	fut := jan
	fut.ID = ""
	fut.Start = time.Date(2026, 12, 10, 19, 0, 0, 0, model.Copenhagen)
	ok(t, db.SaveMeeting(model.Meeting{}, &fut))
	u.meetings.refreshList()
	u.meetings.selectMeeting(fut.ID)
	test.Tap(u.meetings.editor.approveBtn)
	if msg := texts(u.win.Canvas().Overlays().Top()); !strings.Contains(msg, "Mødet er ikke holdt endnu (det er den 10.12.2026)") {
		t.Errorf("shown:\n%s", msg)
	}
	if m, _ := db.Meeting(fut.ID); m.Status != model.MeetingPlanned {
		t.Errorf("status %s", m.Status)
	}
}

// Attendance: every member is listed, a mark is stored at once, and the
// quorum follows the marks; guests are typed.
func TestAttendanceMarksAndQuorum(t *testing.T) {
	u, db, dec, _ := heldMeetings(t)
	ed := u.meetings.editor
	if len(ed.att.list) != 4 || ed.att.list[0].Name != "Karen Østergaard" || ed.att.list[3].Name != "Sam Suppleant" {
		t.Fatalf("attendance list %+v", ed.att.list)
	}
	if !strings.Contains(ed.att.quorum.Text, "Ikke beslutningsdygtig: 0 af 3") {
		t.Errorf("quorum before marks: %q", ed.att.quorum.Text)
	}
	ed.att.groups["Karen Østergaard"].SetSelected("Til stede")
	ed.att.groups["Anne-Mette Brøndum"].SetSelected("Til stede")
	ed.att.groups["Søren Ærø"].SetSelected("Afbud")
	ed.att.groups["Sam Suppleant"].SetSelected("Fraværende")
	m, err := db.Meeting(dec.ID)
	ok(t, err)
	if m.Attendees != "Karen Østergaard\nAnne-Mette Brøndum" || m.Apologies != "Søren Ærø" || m.Absent != "Sam Suppleant" {
		t.Errorf("stored attendees %q apologies %q absent %q", m.Attendees, m.Apologies, m.Absent)
	}
	if ed.att.quorum.Text != "Beslutningsdygtig: 2 af 3 i bestyrelsen til stede (mindst 2)" {
		t.Errorf("quorum: %q", ed.att.quorum.Text)
	}
	ed.att.groups["Anne-Mette Brøndum"].SetSelected("Afbud")
	if !strings.HasPrefix(ed.att.quorum.Text, "Ikke beslutningsdygtig: 1 af 3") {
		t.Errorf("quorum after a change: %q", ed.att.quorum.Text)
	}
	retype(ed.guests, "Borgmester Bo")
	u.saver.flush()
	m, _ = db.Meeting(dec.ID)
	if m.Guests != "Borgmester Bo" || m.Apologies != "Søren Ærø\nAnne-Mette Brøndum" || m.Attendees != "Karen Østergaard" {
		t.Errorf("after guests: %+v", m)
	}
	// A council's own rule: 1 present is enough.
	c, _ := db.Council(dec.CouncilID)
	loaded := c
	c.Quorum = 1
	ok(t, db.SaveCouncil(loaded, &c))
	ed.att.showQuorum()
	if !strings.HasPrefix(ed.att.quorum.Text, "Beslutningsdygtig: 1 af 3") {
		t.Errorf("quorum with the council's rule: %q", ed.att.quorum.Text)
	}
}

// "Hvem" on an action item picks a member from a menu, and stays free text.
func TestActionWhoPicksMember(t *testing.T) {
	u, db, dec, _ := heldMeetings(t)
	ed := u.meetings.editor
	ed.views.SelectIndex(1)
	test.Tap(ed.items[0].addAction)
	r := ed.items[0].actions[0]
	test.Type(r.what, "Skriv ansøgningen")
	u.saver.flush()
	test.Tap(r.pick)
	if r.pick.menu == nil || len(r.pick.menu.Items) != 4 {
		t.Fatalf("member menu %+v", r.pick.menu)
	}
	var anne func()
	for _, it := range r.pick.menu.Items {
		if it.Label == "Anne-Mette Brøndum" {
			anne = it.Action
		}
	}
	anne()
	acts, err := db.MeetingActionItems(dec.ID)
	ok(t, err)
	if len(acts) != 1 || acts[0].Who != "Anne-Mette Brøndum" || acts[0].What != "Skriv ansøgningen" {
		t.Errorf("stored %+v", acts)
	}
	retype(r.who, "Borgerforeningen")
	u.saver.flush()
	if acts, _ := db.MeetingActionItems(dec.ID); acts[0].Who != "Borgerforeningen" {
		t.Errorf("free text who: %q", acts[0].Who)
	}
}

// A new meeting offers the previous meeting's agenda and the templates;
// an agenda can be saved as the council's own template.
func TestNewMeetingAgendaFromPreviousAndTemplates(t *testing.T) {
	u, db, _, _ := heldMeetings(t)
	ed := newMeeting(t, u) // a week from now: after both
	prev, found := ed.previousMeeting()
	if !found || prev.Start.Day() != 24 {
		t.Fatalf("previous meeting %+v", prev)
	}
	ts := ed.templates()
	if len(ts) != 2 || ts[0].Items[0].Title != "Godkendelse af dagsorden" {
		t.Fatalf("templates offered %+v", ts)
	}
	ed.onCopyAgenda(prev)
	items, err := db.AgendaItems(ed.m.ID)
	ok(t, err)
	if len(items) != 4 || items[1].Title != model.ApprovedMinutesItem || len(ed.items) != 4 {
		t.Fatalf("copied agenda %+v", items)
	}
	ed.onSaveTemplate()
	ed.templateName.SetText("Vores faste møde")
	test.Tap(overlayButton(t, u, "Gem"))
	own, err := db.AgendaTemplates(ed.m.CouncilID)
	ok(t, err)
	if len(own) != 1 || own[0].Name != "Vores faste møde" || len(own[0].Items) != 4 {
		t.Fatalf("saved template %+v", own)
	}
	ts = ed.templates()
	if len(ts) != 3 || ts[0].Name != "Vores faste møde" {
		t.Errorf("templates offered after saving %+v", ts)
	}
	ed.onTemplate(ts[2]) // the generalforsamling
	items, _ = db.AgendaItems(ed.m.ID)
	if len(items) != 4+len(model.AGMAgenda) || items[4].Title != "Valg af dirigent" || items[4].Position != 5 {
		t.Errorf("agenda after the template: %d items", len(items))
	}
}
