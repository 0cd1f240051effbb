package exchange

// Review 3: a tester's attack on "no laptop stuck by USB stick" (a laptop
// reading the hub's file sets aside its own changes the hub will refuse).

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// notesOn is the minutes of item id on db.
func notesOn(t *testing.T, db *storage.DB, id string) string {
	t.Helper()
	return noerr.Get(db.AgendaItem(t.Context(), id))(t).Notes
}

// approvedOnBoth is a meeting with one item (minutes »L1«) made and
// approved on a, and synced to a and b.
func approvedOnBoth(t *testing.T, council string, a, b *storage.DB) (model.Meeting, model.AgendaItem) {
	t.Helper()
	m := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: now}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &m))
	it := model.AgendaItem{CouncilID: council, MeetingID: m.ID, Title: "Sti", Kind: model.ItemDecision, Notes: "L1\n"}
	ok(t, a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	approve(t, a, m.ID)
	syncOK(t, a)
	syncOK(t, b)
	return m, it
}

// approve approves meeting id on db.
func approve(t *testing.T, db *storage.DB, id string) {
	t.Helper()
	lm := noerr.Get(db.Meeting(t.Context(), id))(t)
	nm := lm
	nm.Status, nm.ApprovedAt = model.MeetingApproved, now
	ok(t, db.SaveMeeting(t.Context(), lm, &nm))
}

// A laptop judges its own changes as the hub will judge its next file:
// with everything it holds that the hub's file does not, the hub's
// file's ops held. Laptop c took b's minutes line by stick and then
// approved the minutes; b read c's file, and then a file of the hub's
// that holds neither. The hub takes b's line and c's approval in one file
// (the line sorts before the approval), so b must not set its line aside:
// that made b show minutes without the line that c shows, and once b's
// file (the approval, not the line) reached the hub first, every file of
// c's (which carries b's line, sorting before an approval the hub then
// holds) was refused whole at the hub, for good, and c cannot set aside
// an op that is not its own.
func TestUSBLaptopJudgesWithWhatTheHubLacks(t *testing.T) {
	h, council, a, b := twoLaptops(t, "Jyderup", 0)
	c := h.laptop(t, "c", council, 0)
	m, it := itemEditedOnB(t, council, a, b, model.MeetingHeld)
	syncOK(t, c)
	stale := bundleOf(t, h.db, council)
	_, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, b, council)), c)
	ok(t, err)
	approve(t, c, m.ID)
	_, _, err = cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, c, council)), b)
	ok(t, err)
	_, got, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(stale), b)
	ok(t, err)
	if len(got.SetAside) != 0 {
		t.Errorf("b set aside %+v, which the hub takes with c's approval", got.SetAside)
	}
	if n := notesOn(t, b, it.ID); n != "L1\nB skrev\n" {
		t.Errorf("b shows minutes %q, c %q", n, notesOn(t, c, it.ID))
	}
	if _, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(bundleOf(t, b, council)), h.db, now, storage.MaxClockSkew); err != nil {
		t.Errorf("the hub refuses b's file: %v", err)
	}
	ok(t, c.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Åse", Role: model.RoleChair}))
	if _, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(bundleOf(t, c, council)), h.db, now, storage.MaxClockSkew); err != nil {
		t.Errorf("c's file is refused at the hub: %v", err)
	}
	syncOK(t, a)
	_, _, err = cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, h.db, council)), b)
	ok(t, err)
	converged(t, council, h.db, a, b, c)
}

// A forged file of the hub's that leaves out an edit the hub took, the
// genuine file's seal copied, sets nothing aside (hubseal_test.go). If the
// laptop then syncs over the network once (a later change pushed and
// acknowledged), the hub's genuine file is read in and the edit stays:
// before files were sealed, the forged file set the edit aside, the push
// acknowledged past it, and the laptop refused every genuine file of the
// hub's from then on.
func TestForgedHubFileThenNetworkSync(t *testing.T) {
	h, council, a, b, it, genuine := editTakenThenApproved(t)
	forged := reencoded(t, genuine, nil, func(c storage.Change) bool { return c.Device != b.DeviceID() })
	_, got, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(forged), b)
	ok(t, err)
	lineKept(t, "forged file", got, b, council, it)
	lineKeptAfterNetworkSync(t, h, council, a, b, it)
}

// A stale file of the hub's (genuine, written before the hub took an edit
// of reopened minutes) read after the laptop took the second approval from
// another laptop's file: the edit is the hub's, and judged with what the
// stale file lacks (the reopening, the edit, the new approval arrive
// together) it is an edit of open minutes, so it stays. Judging the
// laptop's own ops alone set it aside, and once a network push
// acknowledged past it, every file of the hub's was refused on it.
func TestStaleHubFileKeepsEditOfReopenedMinutes(t *testing.T) {
	h, council, a, b := twoLaptops(t, "Jyderup", 0)
	m, it := approvedOnBoth(t, council, a, b)
	stale := bundleOf(t, h.db, council)
	lm := noerr.Get(a.Meeting(t.Context(), m.ID))(t)
	nm := lm
	nm.Status, nm.ApprovedAt = model.MeetingHeld, time.Time{}
	ok(t, a.SaveMeeting(t.Context(), lm, &nm))
	syncOK(t, a)
	syncOK(t, b)
	l := noerr.Get(b.AgendaItem(t.Context(), it.ID))(t)
	x := l
	x.Notes = "L1\nB skrev\n"
	ok(t, b.SaveAgendaItem(t.Context(), l, &x))
	_, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(bundleOf(t, b, council)), h.db, now, storage.MaxClockSkew)
	ok(t, err)
	syncOK(t, a)
	approve(t, a, m.ID)
	syncOK(t, a)
	_, _, err = cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, a, council)), b)
	ok(t, err)
	_, got, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(stale), b)
	ok(t, err)
	if len(got.SetAside) != 0 {
		t.Errorf("a stale file of the hub's set aside %+v, which the hub holds", got.SetAside)
	}
	ok(t, b.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Åse", Role: model.RoleChair}))
	syncOK(t, b)
	if _, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, h.db, council)), b); err != nil {
		t.Errorf("b refuses the hub's file: %v", err)
	}
	for name, db := range map[string]*storage.DB{"hub": h.db, "a": a, "b": b} {
		if n := notesOn(t, db, it.ID); n != "L1\nB skrev\n" {
			t.Errorf("%s shows %q, want b's line", name, n)
		}
	}
	syncOK(t, a)
	converged(t, council, h.db, a, b)
}

// By stick, a round's voting opened meanwhile: a laptop that raised the
// pot offline on its copy from before sets that aside on reading the
// hub's file (and only that: its new member stays and goes out), and its
// next file, with a ballot entered now that voting is open, goes through.
func TestUSBLaptopPBVotingOpenedMeanwhile(t *testing.T) {
	h, jy, a, b := twoLaptops(t, "Jyderup", time.Second)
	r := model.PBRound{CouncilID: jy, Title: "Borgerbudget 2027", Pot: 100_000_00, Phase: model.PhaseReview,
		BallotKind: model.PBApproval, MaxChoices: 2, Method: model.CountVotes, TieRule: model.TieByID}
	ok(t, a.SavePBRound(t.Context(), model.PBRound{}, &r))
	p := model.PBProposal{CouncilID: jy, RoundID: r.ID, Title: "Shelter ved søen", Cost: 40_000_00, Status: model.ProposalOnBallot}
	ok(t, a.SavePBProposal(t.Context(), model.PBProposal{}, &p))
	syncOK(t, a)
	syncOK(t, b)
	old := noerr.Get(b.PBRound(t.Context(), r.ID))(t)
	x := old
	x.Pot = 150_000_00
	ok(t, b.SavePBRound(t.Context(), old, &x))
	ok(t, b.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: jy, Name: "Åse", Role: model.RoleChair}))
	loaded := r
	r.Phase = model.PhaseVoting
	ok(t, a.SavePBRound(t.Context(), loaded, &r))
	syncOK(t, a)
	_, got, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(bundleOf(t, h.db, jy)), b)
	ok(t, err)
	if len(got.SetAside) != 1 || got.SetAside[0].Field != "pot" {
		t.Errorf("set aside %+v, want b's pot", got.SetAside)
	}
	if got := noerr.Get(b.PBRound(t.Context(), r.ID))(t); got.Pot != 100_000_00 || got.Phase != model.PhaseVoting {
		t.Errorf("b shows %+v, every other computer the pot 100000 kr. and voting open", got)
	}
	bl := model.PBBallot{CouncilID: jy, RoundID: r.ID, Entry: 1, Number: 1, Place: "Hallen", Marks: []model.PBMark{{Number: 1}}}
	ok(t, b.SavePBBallot(t.Context(), model.PBBallot{}, &bl))
	if _, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(bundleOf(t, b, jy)), h.db, now, storage.MaxClockSkew); err != nil {
		t.Errorf("b's next file refused: %v", err)
	}
	syncOK(t, a)
	converged(t, jy, h.db, a, b)
	if ms := noerr.Get(a.Members(t.Context(), jy))(t); len(ms) != 1 {
		t.Errorf("b's member did not reach a: %+v", ms)
	}
}

// A laptop that reopened approved minutes, corrected them and approved
// them again, all unsent, sets none of it aside on reading the hub's file
// (the correction sorts between its own reopening and approval), and the
// hub and the other laptop take the whole save.
func TestUSBLaptopOwnReopenEditApproveKept(t *testing.T) {
	h, council, a, b := twoLaptops(t, "Jyderup", 0)
	m, it := approvedOnBoth(t, council, a, b)
	lm := noerr.Get(b.Meeting(t.Context(), m.ID))(t)
	nm := lm
	nm.Status, nm.ApprovedAt = model.MeetingHeld, time.Time{}
	ok(t, b.SaveMeeting(t.Context(), lm, &nm))
	l := noerr.Get(b.AgendaItem(t.Context(), it.ID))(t)
	x := l
	x.Notes = "L1\nRettet\n"
	ok(t, b.SaveAgendaItem(t.Context(), l, &x))
	approve(t, b, m.ID)
	ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Åse", Role: model.RoleChair}))
	syncOK(t, a)
	_, got, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(bundleOf(t, h.db, council)), b)
	ok(t, err)
	if len(got.SetAside) != 0 {
		t.Errorf("b set aside %+v of its own reopening, correction and approval", got.SetAside)
	}
	if _, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(bundleOf(t, b, council)), h.db, now, storage.MaxClockSkew); err != nil {
		t.Errorf("the hub refuses b's file: %v", err)
	}
	syncOK(t, a)
	for name, db := range map[string]*storage.DB{"hub": h.db, "a": a, "b": b} {
		if n, st := notesOn(t, db, it.ID), noerr.Get(db.Meeting(t.Context(), m.ID))(t).Status; n != "L1\nRettet\n" || st != model.MeetingApproved {
			t.Errorf("%s shows %q, %s; want b's correction, approved", name, n, st)
		}
	}
	converged(t, council, h.db, a, b)
}

// The same laptop syncing over the network after a file of the hub's set
// its edit aside: the edit is not pushed (nor refused) again, its later
// change goes out, and the refused list still holds the one edit.
func TestUSBSetAsideThenNetworkSync(t *testing.T) {
	h, council, a, b := twoLaptops(t, "Jyderup", 0)
	m, it := itemEditedOnB(t, council, a, b, model.MeetingHeld)
	approve(t, a, m.ID)
	syncOK(t, a)
	_, got, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(bundleOf(t, h.db, council)), b)
	ok(t, err)
	if len(got.SetAside) != 1 {
		t.Fatalf("set aside %+v, want b's minutes line", got.SetAside)
	}
	ok(t, b.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Åse", Role: model.RoleChair}))
	r := syncOK(t, b)
	if r.Refused != 0 || r.Pushed == 0 {
		t.Errorf("b's sync after the file: %+v; want its member pushed and nothing refused", r)
	}
	if rs := noerr.Get(b.RefusedChanges(t.Context(), council))(t); len(rs) != 1 || rs[0].Row != it.ID {
		t.Errorf("b's refused list: %+v, want its minutes line once", rs)
	}
	if n := noerr.Get(b.PendingCount(t.Context(), council))(t); n != 0 {
		t.Errorf("%d of b's changes still wait to go out", n)
	}
	if _, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, h.db, council)), b); err != nil {
		t.Errorf("b refuses the hub's next file: %v", err)
	}
	syncOK(t, a)
	converged(t, council, h.db, a, b)
}

// A treasurer's laptop that corrected a line of the accounts and then
// approved the year itself, both unsent, sets neither aside on reading
// the hub's file: the hub takes the correction, made before the approval,
// with it.
func TestUSBLaptopOwnCorrectionThenOwnApprovalKept(t *testing.T) {
	h, jy, a, b := twoLaptops(t, "Jyderup", time.Second)
	_, year := coffeeCorrectedOnB(t, jy, a, b)
	approved := year
	approved.Approved = day(2026, 11, 26)
	ok(t, b.SaveAccountsYear(t.Context(), year, &approved))
	_, got, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(bundleOf(t, h.db, jy)), b)
	ok(t, err)
	if len(got.SetAside) != 0 {
		t.Errorf("b set aside %+v of its own correction and approval", got.SetAside)
	}
	if _, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(bundleOf(t, b, jy)), h.db, now, storage.MaxClockSkew); err != nil {
		t.Errorf("the hub refuses b's file: %v", err)
	}
	syncOK(t, a)
	if es := noerr.Get(a.AccountEntries(t.Context(), jy, 2026))(t); len(es) != 1 || es[0].Amount != 540_00 {
		t.Errorf("a shows %+v, want b's correction", es)
	}
	converged(t, jy, h.db, a, b)
}

// A new agenda item written offline into minutes approved meanwhile is
// set aside whole on reading the hub's file: no half of it (a title
// without its meeting) is left to travel, every field of it is kept in
// the refused list, and the laptop's next file goes through.
func TestUSBLaptopNewItemInApprovedMinutes(t *testing.T) {
	h, council, a, b := twoLaptops(t, "Jyderup", 0)
	m, _ := itemEditedOnB(t, council, a, b, model.MeetingHeld)
	extra := model.AgendaItem{CouncilID: council, MeetingID: m.ID, Title: "Eventuelt", Kind: model.ItemDecision, Notes: "Intet."}
	ok(t, b.SaveAgendaItem(t.Context(), model.AgendaItem{}, &extra))
	approve(t, a, m.ID)
	syncOK(t, a)
	_, got, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(bundleOf(t, h.db, council)), b)
	ok(t, err)
	var fields []string
	for _, r := range got.SetAside {
		if r.Row == extra.ID {
			fields = append(fields, r.Field)
		}
	}
	if !slices.Contains(fields, "title") || !slices.Contains(fields, "meeting_id") || !slices.Contains(fields, "notes") {
		t.Errorf("set aside of the new item: %v (all: %d)", fields, len(got.SetAside))
	}
	if _, err := b.AgendaItem(t.Context(), extra.ID); err == nil {
		t.Errorf("b still shows the new item in approved minutes")
	}
	if _, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(bundleOf(t, b, council)), h.db, now, storage.MaxClockSkew); err != nil {
		t.Errorf("the hub refuses b's file: %v", err)
	}
	syncOK(t, a)
	converged(t, council, h.db, a, b)
}

// relayedRefused: laptop c took b's minutes line by stick before the
// minutes were approved; b's line is refused now, and b set it aside on
// reading the hub's file, which c has read too.
func relayedRefused(t *testing.T) (h *hub, council string, b, c *storage.DB, it model.AgendaItem) {
	h, council, a, b := twoLaptops(t, "Jyderup", 0)
	c = h.laptop(t, "c", council, 0)
	m, it := itemEditedOnB(t, council, a, b, model.MeetingHeld)
	syncOK(t, c)
	_, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, b, council)), c)
	ok(t, err)
	approve(t, a, m.ID)
	syncOK(t, a)
	hubFile := bundleOf(t, h.db, council)
	_, got, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(hubFile), b)
	ok(t, err)
	if len(got.SetAside) != 1 {
		t.Fatalf("b set aside %+v, want its minutes line", got.SetAside)
	}
	_, _, err = cli.ImportBundle(context.Background(), bytes.NewReader(hubFile), c)
	ok(t, err)
	return h, council, b, c, it
}

// b, reading c's file, which carries b's refused line, keeps it aside and
// takes the rest: before, it took the line back (its own op, past what the
// hub acknowledged), showed what the hub and a do not, and its own next
// file was refused whole.
func TestOwnRefusedEditStaysAsideInLaptopFile(t *testing.T) {
	h, council, b, c, it := relayedRefused(t)
	ok(t, c.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Åse", Role: model.RoleChair}))
	_, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, c, council)), b)
	ok(t, err)
	if n := notesOn(t, b, it.ID); n != "L1\n" {
		t.Errorf("b, reading c's file, shows %q; its line is refused", n)
	}
	if rs := noerr.Get(b.RefusedChanges(t.Context(), council))(t); len(rs) != 1 {
		t.Errorf("b's refused list: %+v, want its line", rs)
	}
	if ms := noerr.Get(b.Members(t.Context(), council))(t); len(ms) != 1 {
		t.Errorf("b did not take c's member: %+v", ms)
	}
	if _, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(bundleOf(t, b, council)), h.db, now, storage.MaxClockSkew); err != nil {
		t.Errorf("b's file is refused at the hub: %v", err)
	}
}

// c carries b's line, which the hub refuses, taken from b's file before
// the approval. Reading the hub's file sets it aside on c too (relayed):
// c shows the minutes as every other computer does, lists the line as
// another computer's refused change, and its next file is taken at the
// hub. Before, c's every file was
// refused whole, for good.
func TestRelayedRefusedEditSticksCarrier(t *testing.T) {
	h, council, b, c, it := relayedRefused(t)
	if n := notesOn(t, c, it.ID); n != "L1\n" {
		t.Errorf("c shows %q after the hub's file; the hub %q", n, notesOn(t, h.db, it.ID))
	}
	rs := noerr.Get(c.RefusedChanges(t.Context(), council))(t)
	if len(rs) != 1 || rs[0].Device != b.DeviceID() || rs[0].Field != "notes" {
		t.Errorf("c's refused list: %+v, want b's line", rs)
	}
	ok(t, c.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Åse", Role: model.RoleChair}))
	if _, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(bundleOf(t, c, council)), h.db, now, storage.MaxClockSkew); err != nil {
		t.Errorf("c's file is refused at the hub: %v", err)
	}
	if ms := noerr.Get(h.db.Members(t.Context(), council))(t); len(ms) != 1 {
		t.Errorf("the hub holds members %+v, want c's", ms)
	}
}

// A laptop that carries another laptop's edit the hub will refuse still
// sets aside its own refused edits on reading the hub's file: the other's
// edit, refused first, is judged as the hub will hold it (without it), not
// a stop to the judging.
func TestCarrierStillSetsAsideItsOwn(t *testing.T) {
	h, council, a, b := twoLaptops(t, "Jyderup", 0)
	c := h.laptop(t, "c", council, 0)
	m, it := itemEditedOnB(t, council, a, b, model.MeetingHeld)
	syncOK(t, c)
	_, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, b, council)), c)
	ok(t, err)
	l := noerr.Get(c.AgendaItem(t.Context(), it.ID))(t)
	x := l
	x.Decision = "Stien bygges."
	ok(t, c.SaveAgendaItem(t.Context(), l, &x))
	approve(t, a, m.ID)
	syncOK(t, a)
	_, got, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(bundleOf(t, h.db, council)), c)
	ok(t, err)
	if len(got.SetAside) != 1 || got.SetAside[0].Field != "decision" || got.SetAside[0].Device != c.DeviceID() {
		t.Errorf("c set aside %+v, want its own decision", got.SetAside)
	}
	if x := noerr.Get(c.AgendaItem(t.Context(), it.ID))(t); x.Decision != "" {
		t.Errorf("c shows the decision %q, which the hub refuses", x.Decision)
	}
}
