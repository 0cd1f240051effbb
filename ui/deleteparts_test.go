package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// What a chair meets when deleting something that takes more with it: the
// question names, in Danish, what goes with it (and leaves out what there
// is none of), the highlighted answer is not the one that deletes, Escape
// deletes nothing, and once the chair says Slet the whole and its parts are
// gone from the database and from search, and nothing else is.

// askedToDelete taps del and returns the question shown, after checking
// that its highlighted answer is not the deleting one.
func askedToDelete(t *testing.T, u *App, del *widget.Button) string {
	t.Helper()
	test.Tap(del)
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("deleting asks nothing")
	}
	for _, x := range test.LaidOutObjects(top) {
		if b, isB := x.(*widget.Button); isB && b.Importance == widget.HighImportance {
			t.Errorf("the highlighted answer is %q", b.Text)
		}
	}
	return texts(top)
}

// escape answers the dialog shown with Escape, as a chair who changed her
// mind.
func escape(t *testing.T, u *App) {
	t.Helper()
	u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if u.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape left the question open")
	}
}

// wants fails for each of want not in q.
func wants(t *testing.T, q string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(q, w) {
			t.Errorf("the question does not say %q:\n%s", w, q)
		}
	}
}

func hits(t *testing.T, db *storage.DB, council, words string) int {
	t.Helper()
	return len(noerr.Get(db.Search(t.Context(), council, words, 50))(t))
}

func attach(t *testing.T, db *storage.DB, kind model.OwnerKind, owner, name string) model.Attachment {
	t.Helper()
	return noerr.Get(db.AddAttachment(t.Context(), kind, owner, name, strings.NewReader("indhold af "+name)))(t)
}

// An agenda item with minutes, a decision, a bilag and an action item: the
// question says the minutes, the decision and the bilag go, and that the
// action item stays on the meeting; so it does.
func TestDeletingAnItemSaysWhatGoesAndWhatStays(t *testing.T) {
	u, db, cid := withCouncil(t)
	ed := newMeeting(t, u)
	test.Tap(ed.addItem)
	test.Tap(ed.addItem)
	u.saver.flush()
	c := ed.items[0]
	retype(c.title, "Legeplads i Kirkeby")
	test.Type(c.notes, "Kommunen har sagt ja til placeringen.")
	test.Type(c.decision, "Rådet går videre med legepladsen.")
	test.Tap(c.addAction)
	test.Type(c.actions[0].what, "Skriv til kommunen")
	retype(ed.items[1].title, "Eventuelt")
	u.saver.flush()
	item := c.it.ID
	attach(t, db, model.OwnerItem, item, "tegning.pdf")

	q := askedToDelete(t, u, ed.items[0].del)
	wants(t, q, "Slet punktet «Legeplads i Kirkeby»?",
		"Samtidig slettes: referatet, beslutningen og bilag (1).",
		"Opgaverne aftalt under punktet (1) bliver på mødet under »Andre opgaver«.")
	escape(t, u)
	if len(noerr.Get(db.AgendaItems(t.Context(), ed.m.ID))(t)) != 2 || len(noerr.Get(db.Attachments(t.Context(), model.OwnerItem, item))(t)) != 1 {
		t.Fatal("Escape deleted something")
	}

	askedToDelete(t, u, ed.items[0].del)
	test.Tap(overlayButton(t, u, "Slet"))
	items := noerr.Get(db.AgendaItems(t.Context(), ed.m.ID))(t)
	if len(items) != 1 || items[0].Title != "Eventuelt" {
		t.Fatalf("left on the agenda: %+v", items)
	}
	if as := noerr.Get(db.Attachments(t.Context(), model.OwnerItem, item))(t); len(as) != 0 {
		t.Errorf("the item's bilag is still stored: %+v", as)
	}
	actions := noerr.Get(db.MeetingActionItems(t.Context(), ed.m.ID))(t)
	if len(actions) != 1 || actions[0].What != "Skriv til kommunen" || actions[0].AgendaItemID != "" {
		t.Errorf("the action item agreed under it: %+v", actions)
	}
	if n := hits(t, db, cid, "placeringen"); n != 0 {
		t.Errorf("search still finds the deleted minutes (%d hits)", n)
	}
	if len(u.meetings.editor.items) != 1 {
		t.Errorf("the agenda shows %d items", len(u.meetings.editor.items))
	}
	if got := texts(u.meetings.editor.minutesBox); !strings.Contains(got, "Andre opgaver") {
		t.Errorf("the minutes do not show the action item that stayed:\n%s", got)
	}
}

// An item with nothing written under it is asked about plainly: nothing
// goes with it, and the answer that deletes says Slet as every delete's.
func TestDeletingAnEmptyItemAsksPlainly(t *testing.T) {
	u, _, _ := withCouncil(t)
	ed := newMeeting(t, u)
	test.Tap(ed.addItem)
	u.saver.flush()
	test.Tap(ed.items[0].del)
	q := texts(u.win.Canvas().Overlays().Top())
	if strings.Contains(q, "Samtidig") || strings.Contains(q, "Opgaverne") {
		t.Errorf("an empty item's question:\n%s", q)
	}
	test.Tap(overlayButton(t, u, "Slet"))
}

// A meeting: what it has none of is not named ("referatet under 0 af dem"),
// and its items' bilag are.
func TestDeletingAMeetingNamesOnlyWhatItHas(t *testing.T) {
	u, db, cid := withCouncil(t)
	ed := newMeeting(t, u)
	retype(ed.title, "Bestyrelsesmøde om legepladsen")
	test.Tap(ed.addItem)
	test.Tap(ed.addItem)
	u.saver.flush()
	attach(t, db, model.OwnerItem, ed.items[0].it.ID, "tegning.pdf")
	other := newMeeting(t, u)
	retype(other.title, "Generalforsamling")
	u.saver.flush()
	ed = openMeeting(t, u, ed.m.ID)

	q := askedToDelete(t, u, ed.del)
	wants(t, q, "Slet mødet «Bestyrelsesmøde om legepladsen»?", "dagsordenens punkter (2) og punkternes bilag (1).")
	if strings.Contains(q, "(0)") || strings.Contains(q, "under 0") {
		t.Errorf("the question names what the meeting has none of:\n%s", q)
	}
	escape(t, u)
	if n := len(noerr.Get(db.Meetings(t.Context(), cid))(t)); n != 2 {
		t.Fatalf("Escape left %d meetings", n)
	}
	askedToDelete(t, u, ed.del)
	test.Tap(overlayButton(t, u, "Slet"))
	ms := noerr.Get(db.Meetings(t.Context(), cid))(t)
	if len(ms) != 1 || ms[0].Title != "Generalforsamling" {
		t.Fatalf("left: %+v", ms)
	}
	if n := hits(t, db, cid, "legepladsen"); n != 0 {
		t.Errorf("search still finds the deleted meeting (%d hits)", n)
	}
}

// A project with budget lines, an application and a bilag.
func TestDeletingAProjectNamesItsBudgetApplicationsAndBilag(t *testing.T) {
	u, db, cid := withCouncil(t)
	p := model.Project{CouncilID: cid, Title: "Shelter ved Skarresø", Status: model.ProjectIdea}
	ok(t, db.SaveProject(t.Context(), model.Project{}, &p))
	keep := model.Project{CouncilID: cid, Title: "Stien til skolen", Status: model.ProjectIdea}
	ok(t, db.SaveProject(t.Context(), model.Project{}, &keep))
	for _, text := range []string{"Tømmer", "Tag"} {
		l := model.BudgetLine{CouncilID: cid, ProjectID: p.ID, Kind: model.LineExpense, Text: text, Amount: 10_000_00}
		ok(t, db.SaveBudgetLine(t.Context(), model.BudgetLine{}, &l))
	}
	a := model.FundingApplication{CouncilID: cid, ProjectID: p.ID, Pool: "Fællesskabspuljen", Status: model.ApplicationDraft, Applied: 20_000_00}
	ok(t, db.SaveFundingApplication(t.Context(), model.FundingApplication{}, &a))
	attach(t, db, model.OwnerProject, p.ID, "tegning.pdf")
	keptLine := model.BudgetLine{CouncilID: cid, ProjectID: keep.ID, Kind: model.LineExpense, Text: "Grus", Amount: 5_000_00}
	ok(t, db.SaveBudgetLine(t.Context(), model.BudgetLine{}, &keptLine))

	u.tabs.SelectIndex(tabProjects)
	pane := u.projects.editPane
	pane.refreshList()
	chooseRow(t, pane, p.ID)
	del := buttonIn(t, pane.detail, "Slet projekt")
	q := askedToDelete(t, u, del)
	wants(t, q, "Slet projektet «Shelter ved Skarresø»?", "Samtidig slettes: budgetlinjer (2), ansøgninger om midler (1) og bilag (1).")
	escape(t, u)
	if len(noerr.Get(db.BudgetLines(t.Context(), p.ID))(t)) != 2 {
		t.Fatal("Escape deleted the budget")
	}
	askedToDelete(t, u, del)
	test.Tap(overlayButton(t, u, "Slet"))
	if len(noerr.Get(db.BudgetLines(t.Context(), p.ID))(t)) != 0 || len(noerr.Get(db.FundingApplications(t.Context(), p.ID))(t)) != 0 ||
		len(noerr.Get(db.Attachments(t.Context(), model.OwnerProject, p.ID))(t)) != 0 {
		t.Error("a part of the deleted project is still stored")
	}
	ps := noerr.Get(db.Projects(t.Context(), cid))(t)
	if len(ps) != 1 || ps[0].ID != keep.ID || len(noerr.Get(db.BudgetLines(t.Context(), keep.ID))(t)) != 1 {
		t.Errorf("the other project or its budget went too: %+v", ps)
	}
	if n := hits(t, db, cid, "Skarresø"); n != 0 {
		t.Errorf("search still finds the deleted project (%d hits)", n)
	}
}

// A budget wish with a bilag.
func TestDeletingAWishNamesItsBilag(t *testing.T) {
	u, db, cid := withCouncil(t)
	s := u.wishes
	w := model.BudgetWish{CouncilID: cid, Year: s.year, Title: "Ny belysning på stien", Status: model.WishDraft}
	ok(t, db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	attach(t, db, model.OwnerWish, w.ID, "kort over stien.pdf")
	u.tabs.SelectIndex(tabWishes)
	s.refreshList()
	chooseRow(t, s.editPane, w.ID)
	q := askedToDelete(t, u, s.editor.del)
	wants(t, q, "Slet budgetønsket «Ny belysning på stien»?", "Samtidig slettes: bilag (1).")
	escape(t, u)
	askedToDelete(t, u, s.editor.del)
	test.Tap(overlayButton(t, u, "Slet"))
	if len(noerr.Get(db.BudgetWishes(t.Context(), cid, 0))(t)) != 0 || len(noerr.Get(db.Attachments(t.Context(), model.OwnerWish, w.ID))(t)) != 0 {
		t.Error("the wish or its bilag is still stored")
	}
}

// An accounts line with its receipt, named by its date and text (not the
// list's row with its two spaces between them).
func TestDeletingAnEntryNamesItsReceipt(t *testing.T) {
	u, db, council, _ := withPool(t)
	coffee := model.AccountEntry{CouncilID: council, Date: time.Date(2026, 3, 1, 0, 0, 0, 0, model.Copenhagen), Text: "Kaffe til borgermødet",
		Kind: model.EntryExpense, Amount: 450_00}
	ok(t, db.SaveAccountEntry(t.Context(), model.AccountEntry{}, &coffee))
	attach(t, db, model.OwnerEntry, coffee.ID, "Kvittering Brugsen.pdf")
	u.tabs.SelectIndex(8)
	s := u.accounts
	s.refresh()
	s.lines.open(coffee.ID)
	del := buttonIn(t, s.lines.detail, "Slet")
	q := askedToDelete(t, u, del)
	wants(t, q, "Slet posteringen »01.03.2026 Kaffe til borgermødet«? Det kan ikke fortrydes.", "Samtidig slettes: bilag (1).")
	escape(t, u)
	askedToDelete(t, u, del)
	test.Tap(overlayButton(t, u, "Slet"))
	if len(noerr.Get(db.Attachments(t.Context(), model.OwnerEntry, coffee.ID))(t)) != 0 {
		t.Error("the receipt of the deleted line is still stored")
	}
}

// A citizen-budget round under review says how many proposals go with it
// (ballots are typed only once voting opened, and from then on the round
// offers no Delete: TestProposalDeleteGoneOnceVotingOpens).
func TestDeletingARoundCountsItsProposals(t *testing.T) {
	u, db, cid := withCouncil(t)
	r := pbRound(t, db, cid, model.PhaseReview)
	keep := pbRound(t, db, cid, model.PhaseReview)
	s := openPB(t, u, r.ID, 0)
	del := s.editor.del
	q := askedToDelete(t, u, del)
	wants(t, q, "Slet runden »Borgerbudget 2026« med dens forslag og stemmesedler?", "Samtidig slettes: forslag (5).")
	escape(t, u)
	if len(noerr.Get(db.PBProposals(t.Context(), r.ID))(t)) != 5 {
		t.Fatal("Escape deleted proposals")
	}
	askedToDelete(t, u, del)
	test.Tap(overlayButton(t, u, "Slet"))
	if len(noerr.Get(db.PBProposals(t.Context(), r.ID))(t)) != 0 {
		t.Error("the round's proposals are still stored")
	}
	if len(noerr.Get(db.PBProposals(t.Context(), keep.ID))(t)) != 5 {
		t.Error("the other round's proposals went too")
	}
}

// buttonIn finds the button labelled text in o.
func buttonIn(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	for _, x := range test.LaidOutObjects(o) {
		if b, isB := x.(*widget.Button); isB && b.Text == text {
			return b
		}
	}
	t.Fatalf("no button %q in:\n%s", text, texts(o))
	return nil
}

// A round whose voting opened offers no Delete; its form says so, so that
// a chair looking for the button is told why there is none.
func TestOpenRoundSaysItCannotBeDeleted(t *testing.T) {
	u, db, cid := withCouncil(t)
	r := pbRound(t, db, cid, model.PhaseVoting)
	s := openPB(t, u, r.ID, 0)
	if s.editor.del.Visible() {
		t.Fatal("the open round offers Delete")
	}
	if got := texts(s.detail); !strings.Contains(got, "Runden kan heller ikke længere slettes.") {
		t.Errorf("the round's form does not say why it has no Delete:\n%s", got)
	}
}

// A member responsible for a project: the question says the project loses
// its responsible person and stays; so it does. Before, the question said
// only »Det kan ikke fortrydes.«, and the project quietly had no one.
func TestDeletingAMemberSaysTheirProjectsStay(t *testing.T) {
	u, db, cid := withCouncil(t)
	m := model.Member{CouncilID: cid, Name: "Åse Holm", Role: model.RoleChair}
	ok(t, db.SaveMember(t.Context(), model.Member{}, &m))
	p := model.Project{CouncilID: cid, Title: "Shelter ved Skarresø", Status: model.ProjectIdea, ResponsibleID: m.ID}
	ok(t, db.SaveProject(t.Context(), model.Project{}, &p))

	u.tabs.SelectIndex(tabMembers)
	pane := u.members.editPane
	pane.refreshList()
	chooseRow(t, pane, m.ID)
	del := buttonIn(t, pane.detail, "Slet medlem")
	q := askedToDelete(t, u, del)
	wants(t, q, "«Åse Holm»", "«Shelter ved Skarresø» får ingen ansvarlig; projekterne bevares.")
	escape(t, u)
	if len(noerr.Get(db.Members(t.Context(), cid))(t)) != 1 {
		t.Fatal("Escape deleted the member")
	}
	askedToDelete(t, u, del)
	test.Tap(overlayButton(t, u, "Slet"))
	ps := noerr.Get(db.Projects(t.Context(), cid))(t)
	if len(noerr.Get(db.Members(t.Context(), cid))(t)) != 0 || len(ps) != 1 || ps[0].ResponsibleID != "" {
		t.Errorf("after the delete: projects %+v", ps)
	}
}
