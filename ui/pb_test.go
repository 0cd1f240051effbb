package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
	"lokalraad/storage"
)

// pbRound stores a round of council in phase with proposals 1–5 on the
// ballot (approval, at most 3 marks), and returns it.
func pbRound(t *testing.T, db *storage.DB, council string, phase model.PBPhase) model.PBRound {
	t.Helper()
	r := model.PBRound{CouncilID: council, Title: "Borgerbudget 2026", Pot: 150_000_00, Population: 1200,
		Phase: model.PhaseReview, BallotKind: model.PBApproval, MaxChoices: 3, Method: model.CountVotes, TieRule: model.TieByID}
	ok(t, db.SavePBRound(model.PBRound{}, &r))
	for i, title := range []string{"Shelter ved søen", "Petanquebane", "Bænke langs stien", "Legeplads", "Stiforløb til skoven"} {
		p := model.PBProposal{CouncilID: council, RoundID: r.ID, Number: i + 1, Title: title,
			Cost: int64(20_000_00 + i*10_000_00), Status: model.ProposalOnBallot}
		ok(t, db.SavePBProposal(model.PBProposal{}, &p))
	}
	if phase != r.Phase {
		was := r
		r.Phase = phase
		ok(t, db.SavePBRound(was, &r))
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
	return s
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
	bs, err := db.PBBallots(round)
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
		ok(t, db.SavePBBallot(model.PBBallot{}, &b))
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
	data, err := db.PBRoundData(r.ID)
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
	pot, isEntry := s.rounds.editor.f.fields["Pulje (kr.)"].(*entry)
	if !isEntry {
		t.Fatalf("the pot is no field before the vote: %T", s.rounds.editor.f.fields["Pulje (kr.)"])
	}
	retype(pot, "200.000")
	u.saver.flush()
	stored, err := db.PBRound(r.ID)
	ok(t, err)
	if stored.Pot != 200_000_00 {
		t.Fatalf("pot stored %d", stored.Pot)
	}

	var open *widget.Button
	for _, o := range test.LaidOutObjects(s.rounds.detail) {
		if b, isB := o.(*widget.Button); isB && b.Text == "Åbn afstemningen" {
			open = b
		}
	}
	if open == nil {
		t.Fatalf("no button Åbn afstemningen:\n%s", texts(s.rounds.detail))
	}
	test.Tap(open)
	top := u.win.Canvas().Overlays().Top()
	if top == nil || !strings.Contains(texts(top), "kan ikke ændres bagefter") {
		t.Fatal("opening the vote did not ask, saying the rules become fixed")
	}
	test.Tap(overlayButton(t, u, "Ja"))
	stored, err = db.PBRound(r.ID)
	ok(t, err)
	if stored.Phase != model.PhaseVoting {
		t.Fatalf("phase %s after opening the vote", stored.Phase)
	}
	e := s.rounds.editor
	if _, still := e.f.fields["Pulje (kr.)"]; still {
		t.Error("the pot is still a field after the vote opened")
	}
	for _, name := range []string{"Optællingsmetode", "Stemmeseddel", "Højst antal krydser (0: ubegrænset)"} {
		if _, still := e.f.fields[name]; still {
			t.Errorf("%s is still a field after the vote opened", name)
		}
	}
	shown := texts(s.rounds.detail)
	if !strings.Contains(shown, "reglerne ligger fast") || !strings.Contains(shown, "200.000 kr.") {
		t.Errorf("the locked rules are not shown with the reason:\n%s", shown)
	}
	// The title may still change.
	title := e.f.fields["Titel"].(*entry)
	retype(title, "Borgerbudget Jyderup 2026")
	u.saver.flush()
	stored, err = db.PBRound(r.ID)
	ok(t, err)
	if stored.Title != "Borgerbudget Jyderup 2026" || stored.Pot != 200_000_00 {
		t.Errorf("after editing the title: %q, pot %d", stored.Title, stored.Pot)
	}
}
