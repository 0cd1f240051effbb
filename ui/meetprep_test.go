package ui

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"lokalraad/internal/noerr"
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
		ok(t, db.SaveMember(t.Context(), model.Member{}, &m))
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
	ok(t, db.SaveMeeting(t.Context(), model.Meeting{}, &dec))
	it := model.AgendaItem{CouncilID: c, MeetingID: dec.ID, Title: "Shelter ved søen", Kind: model.ItemDecision, Minutes: 20, Background: "Tegninger", Decision: "Vi søger Fællesskabspuljen."}
	ok(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	jan := model.Meeting{CouncilID: c, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: time.Date(2026, 11, 24, 19, 0, 0, 0, model.Copenhagen)}
	ok(t, db.SaveMeeting(t.Context(), model.Meeting{}, &jan))
	std := model.StandardTemplates(model.Danish)[0]
	ok(t, db.AppendAgenda(t.Context(), jan.ID, std.Agenda()))
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
		t.Errorf("the meeting offered first is %q, want the later one held by now", got)
	}
	if n := len(ed.approveAt.Options); n != 2 {
		t.Errorf("meetings offered: %q", ed.approveAt.Options)
	}
	ed.approveBy.SetText("Karen Østergaard")
	test.Tap(overlayButton(t, u, "Godkend"))

	m, err := db.Meeting(t.Context(), dec.ID)
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
	items, err := db.AgendaItems(t.Context(), jan.ID)
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

// Approving before the next meeting is held does not offer it: the
// minutes are not said to be approved at a meeting yet to come (the
// approval, dated today, stood under a later meeting's date, and in its
// packet before it was held).
func TestApproveAtMeetingNotYetHeldIsNotChosen(t *testing.T) {
	u, db, dec, jan := heldMeetings(t)
	fixed := time.Date(2026, 11, 20, 12, 0, 0, 0, model.Copenhagen) // before January's (24.11)
	u.now = func() time.Time { return fixed }
	db.Now = func() time.Time { return fixed }
	test.Tap(u.meetings.editor.approveBtn)
	ed := u.meetings.editor
	if ed.approveAt.Selected != "Ikke angivet" || len(ed.approveAt.Options) != 1 {
		t.Errorf("chosen %q of %q", ed.approveAt.Selected, ed.approveAt.Options)
	}
	test.Tap(overlayButton(t, u, "Godkend"))
	m := noerr.Get(db.Meeting(t.Context(), dec.ID))(t)
	if m.Status != model.MeetingApproved || m.ApprovedIn != "" || m.ApprovedBy != "" {
		t.Errorf("stored %+v", m)
	}
	if items := noerr.Get(db.AgendaItems(t.Context(), jan.ID))(t); strings.Contains(items[1].Decision, "blev godkendt") {
		t.Errorf("recorded in a meeting not chosen: %q", items[1].Decision)
	}
	if b := u.meetings.editor.banner.Text; b != "Godkendt 20.11.2026" {
		t.Errorf("banner %q", b)
	}
}

// A meeting not yet held cannot be approved from the button either.
func TestApproveButtonRefusesFutureMeeting(t *testing.T) {
	u, db, _, jan := heldMeetings(t)
	fut := jan
	fut.ID = ""
	fut.Start = time.Date(2026, 12, 10, 19, 0, 0, 0, model.Copenhagen)
	ok(t, db.SaveMeeting(t.Context(), model.Meeting{}, &fut))
	u.meetings.refreshList()
	u.meetings.selectMeeting(fut.ID)
	test.Tap(u.meetings.editor.approveBtn)
	if msg := texts(u.win.Canvas().Overlays().Top()); !strings.Contains(msg, "Mødet er ikke holdt endnu (det er den 10.12.2026)") {
		t.Errorf("shown:\n%s", msg)
	}
	if m := noerr.Get(db.Meeting(t.Context(), fut.ID))(t); m.Status != model.MeetingPlanned {
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
	m, err := db.Meeting(t.Context(), dec.ID)
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
	m = noerr.Get(db.Meeting(t.Context(), dec.ID))(t)
	if m.Guests != "Borgmester Bo" || m.Apologies != "Søren Ærø\nAnne-Mette Brøndum" || m.Attendees != "Karen Østergaard" {
		t.Errorf("after guests: %+v", m)
	}
	// A council's own rule: 1 present is enough.
	c := noerr.Get(db.Council(t.Context(), dec.CouncilID))(t)
	loaded := c
	c.Quorum = 1
	ok(t, db.SaveCouncil(t.Context(), loaded, &c))
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
	acts, err := db.MeetingActionItems(t.Context(), dec.ID)
	ok(t, err)
	if len(acts) != 1 || acts[0].Who != "Anne-Mette Brøndum" || acts[0].What != "Skriv ansøgningen" {
		t.Errorf("stored %+v", acts)
	}
	retype(r.who, "Borgerforeningen")
	u.saver.flush()
	if acts := noerr.Get(db.MeetingActionItems(t.Context(), dec.ID))(t); acts[0].Who != "Borgerforeningen" {
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
	items, err := db.AgendaItems(t.Context(), ed.m.ID)
	ok(t, err)
	if len(items) != 4 || items[1].Title != model.ApprovedMinutesItem || len(ed.items) != 4 {
		t.Fatalf("copied agenda %+v", items)
	}
	// Any earlier meeting's agenda, newest first: here December's one item.
	ed.onCopyOther()
	if got := ed.copyFrom.Options; len(got) != 2 || !strings.HasPrefix(got[1], "Bestyrelsesmøde 03.11.2026") {
		t.Fatalf("meetings offered %q", got)
	}
	ed.copyFrom.SetSelectedIndex(1)
	test.Tap(overlayButton(t, u, "Kopiér"))
	items = noerr.Get(db.AgendaItems(t.Context(), ed.m.ID))(t)
	if len(items) != 5 || items[4].Title != "Shelter ved søen" || items[4].Background != "Tegninger" || items[4].Decision != "" {
		t.Fatalf("after copying December's agenda: %+v", items[len(items)-1])
	}
	ok(t, db.DeleteAgendaItem(t.Context(), items[4].ID))
	ed.onSaveTemplate()
	ed.templateName.SetText("Vores faste møde")
	test.Tap(overlayButton(t, u, "Gem"))
	own, err := db.AgendaTemplates(t.Context(), ed.m.CouncilID)
	ok(t, err)
	if len(own) != 1 || own[0].Name != "Vores faste møde" || len(own[0].Items) != 4 {
		t.Fatalf("saved template %+v", own)
	}
	ts = ed.templates()
	if len(ts) != 3 || ts[0].Name != "Vores faste møde" {
		t.Errorf("templates offered after saving %+v", ts)
	}
	ed.onDeleteTemplate(ts[0])
	test.Tap(overlayButton(t, u, "Nej"))
	if own := noerr.Get(db.AgendaTemplates(t.Context(), ed.m.CouncilID))(t); len(own) != 1 {
		t.Fatal("deleted before the answer")
	}
	ed.onDeleteTemplate(ts[0])
	test.Tap(overlayButton(t, u, "Slet"))
	if own := noerr.Get(db.AgendaTemplates(t.Context(), ed.m.CouncilID))(t); len(own) != 0 {
		t.Errorf("not deleted: %+v", own)
	}
	ed.onTemplate(ts[2]) // the generalforsamling
	items = noerr.Get(db.AgendaItems(t.Context(), ed.m.ID))(t)
	if len(items) != 4+len(model.AGMAgenda) || items[4].Title != "Valg af dirigent" || items[4].Position != 5 {
		t.Errorf("agenda after the template: %d items", len(items))
	}
}

// The meetings list is grouped by year (the year above each year's first
// meeting) and filtered by year.
func TestMeetingsListByYear(t *testing.T) {
	u, db, c := withCouncil(t)
	for _, d := range []time.Time{
		time.Date(2025, 3, 4, 19, 0, 0, 0, model.Copenhagen),
		time.Date(2025, 9, 4, 19, 0, 0, 0, model.Copenhagen),
		time.Date(2026, 1, 14, 19, 0, 0, 0, model.Copenhagen),
	} {
		m := model.Meeting{CouncilID: c, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: d}
		ok(t, db.SaveMeeting(t.Context(), model.Meeting{}, &m))
	}
	s := u.meetings
	u.tabs.SelectIndex(1)
	s.refreshList()
	if len(s.items) != 3 || !s.firstOfYear(0) || s.firstOfYear(1) != true || s.firstOfYear(2) {
		t.Fatalf("groups: %d meetings, first of year %v %v %v", len(s.items), s.firstOfYear(0), s.firstOfYear(1), s.firstOfYear(2))
	}
	if got := s.year.Options; strings.Join(got, ",") != "Alle år,2026,2025" {
		t.Errorf("year options %q", got)
	}
	shown := texts(s.list)
	if !strings.Contains(shown, "2026") || !strings.Contains(shown, "2025") {
		t.Errorf("years not shown in the list:\n%s", shown)
	}
	s.year.SetSelected("2025")
	if len(s.items) != 2 || s.items[0].Start.Month() != time.September {
		t.Errorf("2025 shows %+v", s.items)
	}
	// A meeting of another year opened (a new one, a search hit) lists all years again.
	test.Tap(s.newBtn)
	if s.chosenYear() != 0 || len(s.items) != 4 {
		t.Errorf("after a new meeting: year %d, %d meetings", s.chosenYear(), len(s.items))
	}
}

// The decisions register lists every decision, searches them, filters by
// year and project, and opens the meeting of the one chosen.
func TestDecisionsRegister(t *testing.T) {
	u, db, dec, jan := heldMeetings(t)
	p := model.Project{CouncilID: dec.CouncilID, Title: "Shelter ved søen", Status: model.ProjectIdea}
	ok(t, db.SaveProject(t.Context(), model.Project{}, &p))
	items := noerr.Get(db.AgendaItems(t.Context(), jan.ID))(t)
	it := items[0]
	loaded := it
	it.Decision = "Dagsordenen blev godkendt."
	ok(t, db.SaveAgendaItem(t.Context(), loaded, &it))
	old := model.Meeting{CouncilID: dec.CouncilID, Kind: model.MeetingAGM, Status: model.MeetingHeld, Start: time.Date(2025, 2, 20, 19, 0, 0, 0, model.Copenhagen)}
	ok(t, db.SaveMeeting(t.Context(), model.Meeting{}, &old))
	ok(t, db.AppendAgenda(t.Context(), old.ID, []model.AgendaItem{{Title: "Valg til bestyrelsen", Kind: model.ItemDecision}}))
	oi := noerr.Get(db.AgendaItems(t.Context(), old.ID))(t)
	loaded = oi[0]
	oi[0].Decision = "Karen Østergaard blev valgt."
	ok(t, db.SaveAgendaItem(t.Context(), loaded, &oi[0]))

	s := u.meetings
	test.Tap(s.decBtn)
	v := s.register
	if v == nil || len(v.shown) != 3 || v.info.Text != "Beslutninger: 3" {
		t.Fatalf("register shows %d: %q", len(v.shown), v.info.Text)
	}
	if v.shown[0].MeetingID != jan.ID || v.shown[2].MeetingID != old.ID {
		t.Errorf("not newest first: %+v", v.shown)
	}
	v.query.SetText("valgt")
	if len(v.shown) != 1 || v.info.Text != "Viser 1 af 3 beslutninger" {
		t.Errorf("search: %d, %q", len(v.shown), v.info.Text)
	}
	v.query.SetText("")
	v.year.SetSelected("2026")
	if len(v.shown) != 2 {
		t.Errorf("2026: %d", len(v.shown))
	}
	v.project.SetSelected("Shelter ved søen")
	if len(v.shown) != 1 || v.shown[0].Decision != "Vi søger Fællesskabspuljen." {
		t.Errorf("project: %+v", v.shown)
	}
	v.list.Select(0)
	if s.editor == nil || s.editor.m.ID != dec.ID || s.editor.views.SelectedIndex() != 1 {
		t.Error("choosing a decision does not open its meeting's minutes")
	}
}

// Search says when it shows only the first hits, and sorts by date.
func TestSearchCutOffAndByDate(t *testing.T) {
	u, db, c := withCouncil(t)
	var last model.Meeting
	for i, d := range []time.Time{time.Date(2024, 5, 1, 19, 0, 0, 0, model.Copenhagen), time.Date(2026, 5, 1, 19, 0, 0, 0, model.Copenhagen)} {
		m := model.Meeting{CouncilID: c, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: d}
		ok(t, db.SaveMeeting(t.Context(), model.Meeting{}, &m))
		var items []model.AgendaItem
		for j := range 110 + 3*i {
			items = append(items, model.AgendaItem{Title: "Stien punkt " + strconv.Itoa(j), Kind: model.ItemInformation})
		}
		ok(t, db.AppendAgenda(t.Context(), m.ID, items))
		last = m
	}
	u.tabs.SelectIndex(5)
	s := u.search
	s.query.SetText("stien")
	s.onSearch()
	if s.info.Text != "Viser de første 200 af 223" {
		t.Errorf("info %q", s.info.Text)
	}
	s.sort.SetSelected("Nyeste først")
	if s.hits[0].MeetingID != last.ID {
		t.Errorf("newest first starts with %+v", s.hits[0])
	}
	s.query.SetText("punkt 7")
	s.onSearch()
	if !strings.HasSuffix(s.info.Text, "fundet") && !strings.Contains(s.info.Text, "fundet") {
		t.Errorf("a short result says %q", s.info.Text)
	}
}

// The quorum is a council setting: empty is more than half the board, a
// number is that many members; a word is refused with a message.
func TestCouncilQuorumSetting(t *testing.T) {
	u, db, council := withCouncil(t)
	d := u.onEditCouncil()
	d.quorum.SetText("tre")
	test.Tap(overlayButton(t, u, "Gem"))
	if d.quorumErr.Text != "Skriv et helt tal" {
		t.Errorf("message %q", d.quorumErr.Text)
	}
	d.quorum.SetText("3")
	test.Tap(overlayButton(t, u, "Gem"))
	if c := noerr.Get(db.Council(t.Context(), council))(t); c.Quorum != 3 {
		t.Fatalf("stored %+v", c)
	}
	d = u.onEditCouncil()
	if d.quorum.Text != "3" {
		t.Errorf("shown %q", d.quorum.Text)
	}
	d.quorum.SetText("")
	test.Tap(overlayButton(t, u, "Gem"))
	if c := noerr.Get(db.Council(t.Context(), council))(t); c.Quorum != 0 {
		t.Errorf("cleared: %+v", c)
	}
}
