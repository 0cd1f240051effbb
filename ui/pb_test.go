package ui

import (
	"bytes"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/model/pb"
	"lokalraad/model/pdf/pdftext"
	"lokalraad/storage"
)

// pbRound stores a round of council in phase with proposals 1–5 on the
// ballot (approval, at most 3 marks), and returns it.
func pbRound(t *testing.T, db *storage.DB, council string, phase model.PBPhase) model.PBRound {
	t.Helper()
	r := model.PBRound{CouncilID: council, Title: "Borgerbudget 2026", Pot: 150_000_00, Population: 1200,
		Phase: model.PhaseReview, BallotKind: model.PBApproval, MaxChoices: 3, Method: model.CountVotes, TieRule: model.TieByID}
	ok(t, db.SavePBRound(t.Context(), model.PBRound{}, &r))
	for i, title := range []string{"Shelter ved søen", "Petanquebane", "Bænke langs stien", "Legeplads", "Stiforløb til skoven"} {
		p := model.PBProposal{CouncilID: council, RoundID: r.ID, Number: i + 1, Title: title,
			Cost: int64(20_000_00 + i*10_000_00), Status: model.ProposalOnBallot}
		ok(t, db.SavePBProposal(t.Context(), model.PBProposal{}, &p))
	}
	if phase != r.Phase {
		was := r
		r.Phase = phase
		ok(t, db.SavePBRound(t.Context(), was, &r))
	}
	return r
}

// openPB shows the Borgerbudget tab with round id open on tab.
func openPB(t *testing.T, u *App, id string, tab int) *pbScreen {
	t.Helper()
	u.tabs.SelectIndex(10)
	s := u.borgerbudget
	s.selectRound(id)
	if s.tabs == nil || s.round.ID != id {
		t.Fatal("the round did not open")
	}
	s.tabs.SelectIndex(tab)
	waitCount(t, s)
	return s
}

// waitCount runs the UI work of the result's background count until no
// count runs.
func waitCount(t *testing.T, s *pbScreen) {
	t.Helper()
	eventually(t, "the count to end", func() bool { return !s.result.running })
}

// typeFocused types into whatever has the keyboard focus, as a counter's
// keyboard does.
func typeFocused(t *testing.T, u *App, s string) {
	t.Helper()
	f := u.win.Canvas().Focused()
	if f == nil {
		t.Fatalf("nothing has the focus to type %q into", s)
	}
	for _, r := range s {
		f.TypedRune(r)
	}
}

// enter presses Enter in the focused field.
func enter(t *testing.T, u *App) {
	t.Helper()
	f := u.win.Canvas().Focused()
	if f == nil {
		t.Fatal("nothing has the focus to press Enter in")
	}
	f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

func storedBallots(t *testing.T, db *storage.DB, round string) []model.PBBallot {
	t.Helper()
	bs, err := db.PBBallots(t.Context(), round)
	ok(t, err)
	return bs
}

// A counter types ballots with the keyboard only: number, Enter, marks,
// Enter. Each is stored at once and checked; the number moves on; a
// number this counter already entered is refused, and a ballot is
// corrected from the list of the last entries.
func TestBallotEntryByKeyboard(t *testing.T) {
	u, db, council := withCouncil(t)
	r := pbRound(t, db, council, model.PhaseVoting)
	s := openPB(t, u, r.ID, 2)
	b := s.entry
	b.counter.SetSelected("Tæller 2")
	b.place.SetText("Forsamlingshuset")
	if u.win.Canvas().Focused() != b.number || b.number.Text != "1" {
		t.Fatalf("the number field is not ready: focused %v, text %q", u.win.Canvas().Focused(), b.number.Text)
	}

	enter(t, u) // take the number offered
	if u.win.Canvas().Focused() != b.marks {
		t.Fatal("Enter in the number did not move to the marks")
	}
	typeFocused(t, u, "3 1")
	enter(t, u)
	bs := storedBallots(t, db, r.ID)
	if len(bs) != 1 || bs[0].Number != 1 || bs[0].Entry != 2 || bs[0].Place != "Forsamlingshuset" ||
		model.FormatMarks(bs[0].Marks, false) != "3 1" {
		t.Fatalf("stored %+v", bs)
	}
	if !strings.Contains(b.status.Text, "gyldig") || strings.Contains(b.status.Text, "ugyldig") {
		t.Errorf("status %q", b.status.Text)
	}
	if u.win.Canvas().Focused() != b.number || b.number.Text != "2" || b.marks.Text != "" {
		t.Fatalf("after Enter: focus %v, number %q, marks %q", u.win.Canvas().Focused(), b.number.Text, b.marks.Text)
	}

	// Ballot 2: too many marks, stored as invalid with the reason.
	enter(t, u)
	typeFocused(t, u, "1 2 3 4")
	enter(t, u)
	if !strings.Contains(b.status.Text, "ugyldig") || !strings.Contains(b.status.Text, "for mange krydser") {
		t.Errorf("status of a ballot with 4 marks: %q", b.status.Text)
	}
	if n := len(storedBallots(t, db, r.ID)); n != 2 {
		t.Fatalf("%d ballots stored", n)
	}

	// Number 1 again, by the same counter: refused, nothing stored.
	typeFocused(t, u, "1") // replaces the 3 offered: its text is selected
	enter(t, u)
	typeFocused(t, u, "5")
	enter(t, u)
	if !strings.Contains(b.status.Text, "allerede indtastet af denne tæller") {
		t.Errorf("status of a number entered twice: %q", b.status.Text)
	}
	if n := len(storedBallots(t, db, r.ID)); n != 2 {
		t.Fatalf("a number entered twice was stored: %d ballots", n)
	}

	// Correct ballot 1 from the list of the last entries.
	i := -1
	for k, x := range b.last {
		if x.Number == 1 {
			i = k
		}
	}
	if i < 0 {
		t.Fatalf("ballot 1 is not among the last entries: %+v", b.last)
	}
	b.recent.Select(i)
	if u.win.Canvas().Focused() != b.marks || b.marks.Text != "3 1" {
		t.Fatalf("correcting: focus %v, marks %q", u.win.Canvas().Focused(), b.marks.Text)
	}
	b.marks.TypedShortcut(&fyne.ShortcutSelectAll{})
	typeFocused(t, u, "5")
	enter(t, u)
	bs = storedBallots(t, db, r.ID)
	if len(bs) != 2 || bs[0].Number != 1 || model.FormatMarks(bs[0].Marks, false) != "5" {
		t.Fatalf("after correcting ballot 1: %+v", bs)
	}
	if !strings.Contains(b.count.Text, "Tæller 2 har indtastet 2 stemmesedler") {
		t.Errorf("running count %q", b.count.Text)
	}
}

// Ballots are not entered before the vote opens.
func TestBallotEntryClosedBeforeVoting(t *testing.T) {
	u, db, council := withCouncil(t)
	r := pbRound(t, db, council, model.PhaseReview)
	s := openPB(t, u, r.ID, 2)
	if !s.entry.number.Disabled() || !s.entry.note.Visible() {
		t.Fatal("ballot entry is open before the vote")
	}
	s.entry.onSave()
	if n := len(storedBallots(t, db, r.ID)); n != 0 {
		t.Fatalf("%d ballots stored before the vote", n)
	}
}

// After a sync brings counter 2's entries, a number the two counters
// entered differently is listed with both entries; choosing one makes the
// other equal, and the ballot counts.
func TestDifferenceSettled(t *testing.T) {
	u, db, council := withCouncil(t)
	r := pbRound(t, db, council, model.PhaseVoting)
	for _, b := range []model.PBBallot{
		{Entry: 1, Number: 7, Place: "Hallen", Marks: []model.PBMark{{Number: 2}, {Number: 4}}},
		{Entry: 2, Number: 7, Place: "Hallen", Marks: []model.PBMark{{Number: 2}, {Number: 5}}},
		{Entry: 1, Number: 8, Place: "Hallen", Marks: []model.PBMark{{Number: 1}}},
		{Entry: 2, Number: 8, Place: "Hallen", Marks: []model.PBMark{{Number: 1}}},
	} {
		b.CouncilID, b.RoundID = council, r.ID
		ok(t, db.SavePBBallot(t.Context(), model.PBBallot{}, &b))
	}
	s := openPB(t, u, r.ID, 3)
	shown := texts(s.diffs.box)
	if !strings.Contains(shown, "Stemmesedlens nr. 7") || !strings.Contains(shown, "Tæller 1: 2 4") || !strings.Contains(shown, "Tæller 2: 2 5") {
		t.Fatalf("the difference is not shown side by side:\n%s", shown)
	}
	if strings.Contains(shown, "nr. 8") {
		t.Errorf("ballot 8 (alike) is listed as a difference:\n%s", shown)
	}
	var use *widget.Button
	for _, o := range test.LaidOutObjects(s.diffs.box) {
		if b, isB := o.(*widget.Button); isB && b.Text == "Brug tæller 2's" {
			use = b
		}
	}
	if use == nil {
		t.Fatalf("no button Brug tæller 2's:\n%s", shown)
	}
	test.Tap(use)
	for _, b := range storedBallots(t, db, r.ID) {
		if b.Number == 7 && model.FormatMarks(b.Marks, false) != "2 5" {
			t.Errorf("counter %d's entry of no. 7 is %q after settling", b.Entry, model.FormatMarks(b.Marks, false))
		}
	}
	data, err := db.PBRoundData(t.Context(), r.ID)
	ok(t, err)
	res, err := data.Result()
	ok(t, err)
	if res.Pending || len(res.Tally.Valid) != 2 || res.Tally.Votes[5] != 1 {
		t.Errorf("after settling: pending %v, valid %d, votes for 5: %d", res.Pending, len(res.Tally.Valid), res.Tally.Votes[5])
	}
	if !strings.Contains(texts(s.diffs.box)+s.diffs.head.Text, "ingen forskelle") {
		t.Errorf("the list still shows differences: %s", s.diffs.head.Text)
	}
}

// The rules are edited until the vote opens; opening it asks first, says
// the rules become fixed, and then shows them as text with the reason.
func TestRulesDisabledAfterVotingOpens(t *testing.T) {
	u, db, council := withCouncil(t)
	r := pbRound(t, db, council, model.PhaseReview)
	s := openPB(t, u, r.ID, 0)
	pot, isEntry := s.editor.f.fields["Pulje (kr.)"].(*entry)
	if !isEntry {
		t.Fatalf("the pot is no field before the vote: %T", s.editor.f.fields["Pulje (kr.)"])
	}
	retype(pot, "200.000")
	u.saver.flush()
	stored, err := db.PBRound(t.Context(), r.ID)
	ok(t, err)
	if stored.Pot != 200_000_00 {
		t.Fatalf("pot stored %d", stored.Pot)
	}

	var open *widget.Button
	for _, o := range test.LaidOutObjects(s.detail) {
		if b, isB := o.(*widget.Button); isB && b.Text == "Åbn afstemningen" {
			open = b
		}
	}
	if open == nil {
		t.Fatalf("no button Åbn afstemningen:\n%s", texts(s.detail))
	}
	test.Tap(open)
	top := u.win.Canvas().Overlays().Top()
	if top == nil || !strings.Contains(texts(top), "kan ikke ændres bagefter") {
		t.Fatal("opening the vote did not ask, saying the rules become fixed")
	}
	test.Tap(overlayButton(t, u, "Ja"))
	stored, err = db.PBRound(t.Context(), r.ID)
	ok(t, err)
	if stored.Phase != model.PhaseVoting {
		t.Fatalf("phase %s after opening the vote", stored.Phase)
	}
	e := s.editor
	if e.del.Visible() {
		t.Error("the round can still be deleted after the vote opened (storage refuses it)")
	}
	if _, still := e.f.fields["Pulje (kr.)"]; still {
		t.Error("the pot is still a field after the vote opened")
	}
	for _, name := range []string{"Optællingsmetode", "Stemmeseddel", "Højst antal krydser (0: ubegrænset)"} {
		if _, still := e.f.fields[name]; still {
			t.Errorf("%s is still a field after the vote opened", name)
		}
	}
	shown := texts(s.detail)
	if !strings.Contains(shown, "reglerne ligger fast") || !strings.Contains(shown, "200.000 kr.") {
		t.Errorf("the locked rules are not shown with the reason:\n%s", shown)
	}
	// The title may still change.
	title := e.f.fields["Titel"].(*entry)
	retype(title, "Borgerbudget Jyderup 2026")
	u.saver.flush()
	stored, err = db.PBRound(t.Context(), r.ID)
	ok(t, err)
	if stored.Title != "Borgerbudget Jyderup 2026" || stored.Pot != 200_000_00 {
		t.Errorf("after editing the title: %q, pot %d", stored.Title, stored.Pot)
	}
}

// pbBallots stores ballots of counter 1 with the marks given, by number
// from 1.
func pbBallots(t *testing.T, db *storage.DB, r model.PBRound, marks ...string) {
	t.Helper()
	for i, m := range marks {
		ms, err := model.ParseMarks(m, false)
		ok(t, err)
		b := model.PBBallot{CouncilID: r.CouncilID, RoundID: r.ID, Entry: 1, Number: i + 1, Place: "Hallen", Marks: ms}
		ok(t, db.SavePBBallot(t.Context(), model.PBBallot{}, &b))
	}
}

// The result shows the winners with their votes, the money left and the
// invalid ballots; a winner becomes a project with one click, linked.
func TestResultWinnerBecomesProject(t *testing.T) {
	u, db, council := withCouncil(t)
	r := pbRound(t, db, council, model.PhaseVoting)
	pbBallots(t, db, r, "1 2", "1", "1 3", "9", "")
	s := openPB(t, u, r.ID, 5)
	shown := texts(s.result.body)
	for _, want := range []string{"1. Shelter ved søen — 3 stemmer — 20.000 kr.", "5 stemmesedler afgivet", "Stemmeprocent 0,4 % af 1.200 indbyggere",
		"1 × blank stemmeseddel", "1 × kryds ved et nummer, der ikke er på stemmesedlen", "tilbage 60.000 kr."} {
		if !strings.Contains(shown, want) {
			t.Errorf("the result lacks %q:\n%s", want, shown)
		}
	}
	if strings.Contains(shown, "kr..") {
		t.Errorf("an amount ends a sentence with two dots:\n%s", shown)
	}
	ps, err := db.PBProposals(t.Context(), r.ID)
	ok(t, err)
	btn := s.result.winnerBtns[ps[0].ID]
	if btn == nil {
		t.Fatalf("no Opret projekt on the winner:\n%s", shown)
	}
	test.Tap(btn)
	waitCount(t, s)
	if top := u.win.Canvas().Overlays().Top(); top != nil && !strings.Contains(texts(top), "ligger nu under Projekter") {
		t.Fatalf("Opret projekt says:\n%s", texts(top))
	}
	ps, err = db.PBProposals(t.Context(), r.ID)
	ok(t, err)
	projects, err := db.Projects(t.Context(), council)
	ok(t, err)
	if ps[0].ProjectID == "" || len(projects) != 1 || projects[0].ID != ps[0].ProjectID || projects[0].Title != "Shelter ved søen" {
		t.Fatalf("after Opret projekt: proposal's project %q, projects %+v", ps[0].ProjectID, projects)
	}
	if !strings.Contains(texts(s.result.body), "Er blevet et projekt") {
		t.Error("the winner does not say it became a project")
	}
}

// The result is changed by hand only with a reason, and then says so.
func TestOverrideNeedsReason(t *testing.T) {
	u, db, council := withCouncil(t)
	r := pbRound(t, db, council, model.PhaseVoting)
	pbBallots(t, db, r, "1 2", "1", "2")
	s := openPB(t, u, r.ID, 5)
	s.result.onOverride()
	top := u.win.Canvas().Overlays().Top()
	var choice *widget.CheckGroup
	var reason *entry
	for _, o := range test.LaidOutObjects(top) {
		switch x := o.(type) {
		case *widget.CheckGroup:
			choice = x
		case *entry:
			reason = x
		}
	}
	if choice == nil || reason == nil {
		t.Fatalf("the override dialog has no choice or reason:\n%s", texts(top))
	}
	choice.SetSelected([]string{"4. Legeplads"})
	test.Tap(overlayButton(t, u, "Gem"))
	stored, err := db.PBRound(t.Context(), r.ID)
	ok(t, err)
	if len(stored.OverrideNumbers) != 0 {
		t.Fatal("an override without a reason was stored")
	}
	if !strings.Contains(texts(top), "begrundelse") {
		t.Errorf("no message asks for the reason:\n%s", texts(top))
	}
	test.Type(reason, "Forslag 1 og 2 kan ikke få byggetilladelse")
	test.Tap(overlayButton(t, u, "Gem"))
	waitCount(t, s)
	stored, err = db.PBRound(t.Context(), r.ID)
	ok(t, err)
	if model.FormatNumbers(stored.OverrideNumbers) != "4" || stored.OverrideReason != "Forslag 1 og 2 kan ikke få byggetilladelse" {
		t.Fatalf("override stored: %v %q", stored.OverrideNumbers, stored.OverrideReason)
	}
	shown := texts(s.result.body)
	if !strings.Contains(shown, "Resultatet er ændret i hånden. Begrundelse: Forslag 1 og 2") || !strings.Contains(shown, "4. Legeplads") {
		t.Errorf("the result does not show the override:\n%s", shown)
	}
}

// proposalEditor opens proposal number n of the round open.
func proposalEditor(t *testing.T, s *pbScreen, n int) *itemEditor[model.PBProposal] {
	t.Helper()
	p := s.proposals.pane
	for i, x := range p.items {
		if x.Number == n {
			p.list.Select(i)
		}
	}
	if p.editor == nil || p.editor.x.Number != n {
		t.Fatalf("proposal %d did not open", n)
	}
	return p.editor
}

// A staff device writes the municipality's cost of a proposal and nothing
// else; a council's computer shows that cost but cannot write it.
func TestMunicipalCostOnlyOnStaffDevice(t *testing.T) {
	u, db := staffUI(t)
	r := pbRound(t, db, u.councilID, model.PhaseReview)
	s := openPB(t, u, r.ID, 1)
	e := proposalEditor(t, s, 2)
	cost, isEntry := e.f.fields["Kommunens pris (kr.)"].(*entry)
	if !isEntry {
		t.Fatal("the municipality's cost is no field on a staff device")
	}
	if _, has := e.f.fields["Titel"]; has {
		t.Error("the title is a field on a staff device")
	}
	if s.newBtn.Visible() || s.proposals.pane.newBtn.Visible() {
		t.Error("a staff device offers to create rounds or proposals")
	}
	retype(cost, "35.000")
	u.saver.flush()
	ps, err := db.PBProposals(t.Context(), r.ID)
	ok(t, err)
	if ps[1].AdjustedCost != 35_000_00 || ps[1].Title != "Petanquebane" || ps[1].Cost != 30_000_00 {
		t.Fatalf("after the staff edit: %+v", ps[1])
	}

	c, db2, council := withCouncil(t)
	r2 := pbRound(t, db2, council, model.PhaseReview)
	s2 := openPB(t, c, r2.ID, 1)
	e2 := proposalEditor(t, s2, 2)
	if _, has := e2.f.fields["Kommunens pris (kr.)"]; has {
		t.Error("the municipality's cost is a field on a council's computer")
	}
	if _, has := e2.f.fields["Titel"].(*entry); !has {
		t.Error("the title is no field on a council's computer")
	}
}

// Proposals read from a workbook are shown first and stored only when the
// user confirms; a workbook with any bad row imports nothing (all or
// nothing, as the CLI): its problems are listed and no Import is offered.
func TestProposalsImportWritesOnlyOnConfirm(t *testing.T) {
	u, db, council := withCouncil(t)
	r := pbRound(t, db, council, model.PhaseProposals)
	s := openPB(t, u, r.ID, 1)
	in := []model.PBProposal{
		{Title: "Hundeskov", Text: "En indhegnet hundeskov ved idrætspladsen", Cost: 45_000_00, Status: model.ProposalReceived},
		{Title: "Julebelysning", Cost: 12_500_50, Status: model.ProposalReceived},
	}
	s.proposals.preview(in, []string{"Forslag, række 4: Udfyld titel"})
	top := u.win.Canvas().Overlays().Top()
	if shown := texts(top); !strings.Contains(shown, "intet importeres") || !strings.Contains(shown, "række 4: Udfyld titel") {
		t.Fatalf("the preview of a workbook with a bad row says:\n%s", shown)
	}
	for _, x := range test.LaidOutObjects(top) {
		if b, isB := x.(*widget.Button); isB && b.Text == "Importér" {
			t.Fatal("a workbook with a bad row can be imported")
		}
	}
	test.Tap(overlayButton(t, u, "Luk"))
	if ps, err := db.PBProposals(t.Context(), r.ID); err != nil || len(ps) != 5 {
		t.Fatalf("stored from a workbook with a bad row: %d, %v", len(ps), err)
	}

	s.proposals.preview(in, nil)
	top = u.win.Canvas().Overlays().Top()
	if shown := texts(top); !strings.Contains(shown, "Klar til import: 2 forslag") {
		t.Fatalf("the preview says:\n%s", shown)
	}
	if ps, err := db.PBProposals(t.Context(), r.ID); err != nil || len(ps) != 5 {
		t.Fatalf("stored before confirming: %d, %v", len(ps), err)
	}
	test.Tap(overlayButton(t, u, "Importér"))
	ps, err := db.PBProposals(t.Context(), r.ID)
	ok(t, err)
	if len(ps) != 7 || ps[5].Title != "Hundeskov" || ps[6].Cost != 12_500_50 || ps[5].Number != 6 {
		t.Fatalf("after importing: %+v", ps)
	}
	if len(s.proposals.pane.items) != 7 {
		t.Errorf("the list shows %d proposals", len(s.proposals.pane.items))
	}
}

// The proposals' Delete is offered until voting opens, and then no more
// (the ballot's proposals are the record of the vote), nor the round's;
// a staff device is offered neither.
func TestProposalDeleteGoneOnceVotingOpens(t *testing.T) {
	u, db, council := withCouncil(t)
	r := pbRound(t, db, council, model.PhaseReview)
	s := openPB(t, u, r.ID, 1)
	if e := proposalEditor(t, s, 2); !e.del.Visible() {
		t.Fatal("a proposal cannot be deleted during the review")
	}
	if !s.editor.del.Visible() {
		t.Fatal("the round cannot be deleted during the review")
	}
	s.setPhase(model.PhaseVoting)
	s.tabs.SelectIndex(1)
	if e := proposalEditor(t, s, 2); e.del.Visible() {
		t.Error("a proposal's Delete is still offered after voting opened")
	}
	if s.editor.del.Visible() {
		t.Error("the round's Delete is still offered after voting opened")
	}
	if ps := noerr.Get(db.PBProposals(t.Context(), r.ID))(t); len(ps) != 5 {
		t.Fatalf("%d proposals", len(ps))
	}

	st, sdb := staffUI(t)
	r2 := pbRound(t, sdb, st.councilID, model.PhaseReview)
	s2 := openPB(t, st, r2.ID, 1)
	if e := proposalEditor(t, s2, 2); e.del.Visible() {
		t.Error("a staff device is offered to delete a council's proposal")
	}
}

// The second counter, on a laptop that holds the first counter's ballots
// after a sync, chooses "Tæller 2" and is offered ballot no. 1 with the
// cursor in the number field, not the first counter's next number (Enter
// would have stored the first sheet's marks as a ballot no. 4).
func TestSecondCounterStartsAtOne(t *testing.T) {
	u, db, council := withCouncil(t)
	r := pbRound(t, db, council, model.PhaseVoting)
	pbBallots(t, db, r, "1", "2 3", "4")
	s := openPB(t, u, r.ID, 2)
	b := s.entry
	b.counter.SetSelected("Tæller 1")
	if b.number.Text != "4" {
		t.Fatalf("counter 1 is offered %q", b.number.Text)
	}
	b.counter.SetSelected("Tæller 2")
	if b.number.Text != "1" || u.win.Canvas().Focused() != b.number {
		t.Fatalf("counter 2 is offered %q, focus %v", b.number.Text, u.win.Canvas().Focused())
	}
	enter(t, u)
	typeFocused(t, u, "1")
	enter(t, u)
	bs := storedBallots(t, db, r.ID)
	if len(bs) != 4 || bs[1].Number != 1 || bs[1].Entry != 2 {
		t.Fatalf("stored %+v", bs)
	}
	if b.number.Text != "2" {
		t.Errorf("then offered %q", b.number.Text)
	}
}

// The result view's files are made off the UI thread from the round as
// stored when they are made: ballots entered after the result was shown
// are in the PDF, the workbook and the Pabulib file, counted again.
func TestResultFilesCountWhatIsStored(t *testing.T) {
	u, db, council := withCouncil(t)
	r := pbRound(t, db, council, model.PhaseVoting)
	pbBallots(t, db, r, "1 2", "1", "1 3")
	s := openPB(t, u, r.ID, 5)
	if shown := texts(s.result.body); !strings.Contains(shown, "3 stemmesedler afgivet") {
		t.Fatalf("the result shown:\n%s", shown)
	}
	for i, m := range []string{"4", "4", "4", "4"} {
		ms, err := model.ParseMarks(m, false)
		ok(t, err)
		b := model.PBBallot{CouncilID: council, RoundID: r.ID, Entry: 1, Number: 10 + i, Place: "Hallen", Marks: ms}
		ok(t, db.SavePBBallot(t.Context(), model.PBBallot{}, &b))
	}
	made := func(name string, f func() ([]byte, error)) []byte {
		t.Helper()
		b, err := f()
		if err != nil || len(b) == 0 {
			t.Fatalf("%s: %d bytes, %v", name, len(b), err)
		}
		return b
	}
	text := pdftext.Plain(pdftext.Bytes(t, made("result PDF", s.result.resultPDF()), false))
	if !strings.Contains(text, "4 Legeplads 4 50.000 kr.") || !strings.Contains(text, "Hallen 7 7") {
		t.Errorf("the result PDF does not count the ballots entered after the view:\n%s", text)
	}
	if book := made("workbook", s.result.workbook()); !bytes.HasPrefix(book, []byte("PK")) {
		t.Error("the workbook is no xlsx file")
	}
	f, err := pb.Parse(bytes.NewReader(made("Pabulib", s.result.pabulib())))
	ok(t, err)
	if len(f.Votes.Rows) != 7 {
		t.Errorf("the Pabulib file holds %d votes, want the 7 stored", len(f.Votes.Rows))
	}
}

// The result's steps name the proposal each is about, as the results PDF
// and `budget count --explain` do: "Ikke valgt: 1 stemme, men …" alone
// does not tell a citizen which proposal was passed over.
func TestResultStepsNameTheProposal(t *testing.T) {
	u, db, council := withCouncil(t)
	r := pbRound(t, db, council, model.PhaseVoting)
	pbBallots(t, db, r, "1 2", "1", "1 3")
	s := openPB(t, u, r.ID, 5)
	shown := texts(s.result.body)
	for _, want := range []string{"1. 1 Shelter ved søen: Valgt", "2. 2 Petanquebane: Valgt", "3. 3 Bænke langs stien: Valgt", "3. Bænke langs stien — 1 stemme — 40.000 kr."} {
		if !strings.Contains(shown, want) {
			t.Errorf("the steps lack %q:\n%s", want, shown)
		}
	}
}
