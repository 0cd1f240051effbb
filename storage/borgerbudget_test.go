package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// newPBRound saves a round of approval voting (at most 2 marks, most
// votes) with three proposals: 1 and 2 on the ballot, 3 rejected.
func newPBRound(t *testing.T, db *storage.DB, councilID string) (model.PBRound, []model.PBProposal) {
	t.Helper()
	r := model.PBRound{CouncilID: councilID, Title: "Borgerbudget 2027", Pot: 100_000_00, Phase: model.PhaseReview,
		BallotKind: model.PBApproval, MaxChoices: 2, Method: model.CountVotes, TieRule: model.TieByID}
	must(t, db.SavePBRound(t.Context(), model.PBRound{}, &r))
	var ps []model.PBProposal
	for _, p := range []model.PBProposal{
		{Title: "Shelter ved søen", Cost: 60_000_00, Status: model.ProposalOnBallot, ProposerName: "Jens Hansen", ProposerContact: "jens@example.dk"},
		{Title: "Petanquebane", Cost: 30_000_00, Status: model.ProposalOnBallot},
		{Title: "Ny kirke", Cost: 900_000_00, Status: model.ProposalRejected, Reason: "for dyr"},
	} {
		p.CouncilID, p.RoundID = councilID, r.ID
		must(t, db.SavePBProposal(t.Context(), model.PBProposal{}, &p))
		ps = append(ps, p)
	}
	return r, ps
}

func openVoting(t *testing.T, db *storage.DB, r *model.PBRound) {
	t.Helper()
	loaded := *r
	r.Phase = model.PhaseVoting
	must(t, db.SavePBRound(t.Context(), loaded, r))
}

func ballot(r model.PBRound, entry, number int, marks ...int) model.PBBallot {
	b := model.PBBallot{CouncilID: r.CouncilID, RoundID: r.ID, Entry: entry, Number: number, Place: "Hallen"}
	for _, m := range marks {
		b.Marks = append(b.Marks, model.PBMark{Number: m})
	}
	return b
}

func wantCode(t *testing.T, what string, err error, code model.Code) {
	t.Helper()
	if model.ErrorCode(err) != code {
		t.Fatalf("%s: got %v (%s), want a %s error", what, err, model.ErrorCode(err), code)
	}
}

func TestPBProposalsAreNumberedAndUnique(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	r, ps := newPBRound(t, db, c.ID)
	for i, p := range ps {
		if p.Number != i+1 {
			t.Fatalf("proposal %q got number %d, want %d", p.Title, p.Number, i+1)
		}
	}
	dup := model.PBProposal{CouncilID: c.ID, RoundID: r.ID, Number: 2, Title: "Bænke", Status: model.ProposalReceived}
	err := db.SavePBProposal(t.Context(), model.PBProposal{}, &dup)
	wantCode(t, "a number used twice", err, model.Conflict)
	if dup.ID != "" {
		t.Fatal("a refused proposal kept an id")
	}
	got, err := db.PBProposals(t.Context(), r.ID)
	must(t, err)
	if len(got) != 3 || got[0].ProposerName != "Jens Hansen" || got[1].Title != "Petanquebane" {
		t.Fatalf("stored proposals: %+v", got)
	}
	// Another round numbers from 1 again.
	r2 := model.PBRound{CouncilID: c.ID, Title: "Borgerbudget 2028", Phase: model.PhaseProposals, BallotKind: model.PBApproval, Method: model.CountVotes, TieRule: model.TieByID}
	must(t, db.SavePBRound(t.Context(), model.PBRound{}, &r2))
	p := model.PBProposal{CouncilID: c.ID, RoundID: r2.ID, Title: "Bænke"}
	must(t, db.SavePBProposal(t.Context(), model.PBProposal{}, &p))
	if p.Number != 1 || p.Status != model.ProposalReceived {
		t.Fatalf("first proposal of a new round: %+v", p)
	}
}

func TestPBRulesFixedOnceVotingOpens(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	r, ps := newPBRound(t, db, c.ID)
	stale := r // an editor opened before voting opened
	openVoting(t, db, &r)

	// Rules and the phase going back are refused; the title is not.
	for name, change := range map[string]func(*model.PBRound){
		"pot":        func(x *model.PBRound) { x.Pot = 200_000_00 },
		"method":     func(x *model.PBRound) { x.Method = model.CountMES },
		"marks":      func(x *model.PBRound) { x.MaxChoices = 3 },
		"phase back": func(x *model.PBRound) { x.Phase = model.PhaseReview },
	} {
		x := r
		change(&x)
		wantCode(t, name, db.SavePBRound(t.Context(), r, &x), model.Locked)
	}
	x := stale
	x.Pot = 1
	wantCode(t, "a rule from a stale editor", db.SavePBRound(t.Context(), stale, &x), model.Locked)
	x = stale
	x.Title = "Borgerbudget 2027 i Jyderup"
	must(t, db.SavePBRound(t.Context(), stale, &x))
	if x.Phase != model.PhaseVoting || x.Pot != 100_000_00 || x.Title != "Borgerbudget 2027 i Jyderup" {
		t.Fatalf("a stale editor's title change stored %+v", x)
	}
	got, err := db.PBRound(t.Context(), r.ID)
	must(t, err)
	if got.Pot != 100_000_00 || got.Method != model.CountVotes || got.Phase != model.PhaseVoting {
		t.Fatalf("stored round after refused edits: %+v", got)
	}

	// Proposals: number, costs and status stay; none added or deleted.
	p := ps[0]
	for name, change := range map[string]func(*model.PBProposal){
		"number":   func(x *model.PBProposal) { x.Number = 7 },
		"cost":     func(x *model.PBProposal) { x.Cost = 1 },
		"adjusted": func(x *model.PBProposal) { x.AdjustedCost = 50_000_00 },
		"status":   func(x *model.PBProposal) { x.Status = model.ProposalRejected; x.Reason = "nej" },
	} {
		x := p
		change(&x)
		wantCode(t, name, db.SavePBProposal(t.Context(), p, &x), model.Locked)
	}
	other := model.PBRound{CouncilID: c.ID, Title: "Næste år", Phase: model.PhaseProposals, BallotKind: model.PBApproval, Method: model.CountVotes, TieRule: model.TieByID}
	must(t, db.SavePBRound(t.Context(), model.PBRound{}, &other))
	moved := p
	moved.RoundID, moved.Number = other.ID, 1
	wantCode(t, "a proposal moved out of the vote", db.SavePBProposal(t.Context(), p, &moved), model.Locked)
	x2 := p
	x2.Text = "Et shelter til seks personer ved søen."
	must(t, db.SavePBProposal(t.Context(), p, &x2))
	late := model.PBProposal{CouncilID: c.ID, RoundID: r.ID, Title: "Sent forslag", Status: model.ProposalOnBallot}
	wantCode(t, "a proposal added", db.SavePBProposal(t.Context(), model.PBProposal{}, &late), model.Locked)
	wantCode(t, "a proposal deleted", db.DeletePBProposal(t.Context(), p.ID), model.Locked)
	wantCode(t, "the round deleted", db.DeletePBRound(t.Context(), r.ID), model.Locked)
	if got := noerr.Get(db.PBProposals(t.Context(), r.ID))(t); len(got) != 3 {
		t.Fatalf("%d proposals after refused edits, want 3", len(got))
	}

	// Forward to the result, then the lot is fixed too.
	loaded := r
	r.Phase, r.TieOrder = model.PhaseResult, []int{2, 1}
	must(t, db.SavePBRound(t.Context(), loaded, &r))
	x = r
	x.TieOrder = []int{1, 2}
	wantCode(t, "the lot after the result", db.SavePBRound(t.Context(), r, &x), model.Locked)
}

func TestPBBallotsOnlyWhileVoting(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	r, ps := newPBRound(t, db, c.ID)
	b := ballot(r, 1, 1, 1, 2)
	wantCode(t, "a ballot before voting", db.SavePBBallot(t.Context(), model.PBBallot{}, &b), model.Locked)
	b.ID = ""
	openVoting(t, db, &r)
	must(t, db.SavePBBallot(t.Context(), model.PBBallot{}, &b))
	if b.Entered.IsZero() {
		t.Fatal("the entry time was not set")
	}
	for _, x := range []model.PBBallot{ballot(r, 2, 1, 2, 1), ballot(r, 1, 2, 2), ballot(r, 2, 2, 2), ballot(r, 1, 3, 1), ballot(r, 2, 3, 2), ballot(r, 1, 4, 1, 2, 3)} {
		must(t, db.SavePBBallot(t.Context(), model.PBBallot{}, &x))
	}
	// A wrong entry corrected, and one removed.
	bs, err := db.PBBallots(t.Context(), r.ID)
	must(t, err)
	if len(bs) != 7 || bs[0].Number != 1 || bs[0].Entry != 1 || bs[1].Entry != 2 {
		t.Fatalf("ballots by number and entry: %+v", bs)
	}
	fix := bs[5] // number 3, entry 2
	fix.Marks = []model.PBMark{{Number: 1}}
	must(t, db.SavePBBallot(t.Context(), bs[5], &fix))

	d, err := db.PBRoundData(t.Context(), r.ID)
	must(t, err)
	if d.Council.Name != c.Name || len(d.Proposals) != 3 || len(d.Ballots) != 7 {
		t.Fatalf("round data: council %q, %d proposals, %d ballots", d.Council.Name, len(d.Proposals), len(d.Ballots))
	}
	res, err := d.Result()
	must(t, err)
	// Ballots 1 (1, 2), 2 (2), 3 (1) counted; 4 is invalid (three marks,
	// one of a rejected proposal).
	if res.Tally.Votes[1] != 2 || res.Tally.Votes[2] != 2 || len(res.Tally.Invalid) != 1 || res.Pending {
		t.Fatalf("tally: votes %v, invalid %v, pending %v", res.Tally.Votes, res.Tally.Invalid, res.Pending)
	}
	if len(res.Winners) != 2 || res.Cost != ps[0].Cost+ps[1].Cost || res.Left != r.Pot-res.Cost {
		t.Fatalf("winners %v, cost %d, left %d", res.Winners, res.Cost, res.Left)
	}

	// Totals only in a totals round.
	tot := model.PBTotal{CouncilID: c.ID, RoundID: r.ID, Place: "Skolen", ProposalID: ps[0].ID, Votes: 12}
	wantCode(t, "a total in a round without totals", db.SavePBTotal(t.Context(), model.PBTotal{}, &tot), model.Invalid)

	loaded := r
	r.Phase = model.PhaseResult
	must(t, db.SavePBRound(t.Context(), loaded, &r))
	late := ballot(r, 1, 5, 1)
	wantCode(t, "a ballot after the result", db.SavePBBallot(t.Context(), model.PBBallot{}, &late), model.Locked)
	wantCode(t, "a ballot deleted after the result", db.DeletePBBallot(t.Context(), bs[0].ID), model.Locked)
	again := noerr.Get(db.PBBallots(t.Context(), r.ID))(t)
	if len(again) != 7 {
		t.Fatalf("%d ballots after the result's refusals, want 7", len(again))
	}
}

func TestPBPointsBallotAndTotals(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	r := model.PBRound{CouncilID: c.ID, Title: "Point", Pot: 50_000_00, Phase: model.PhaseReview,
		BallotKind: model.PBPoints, Points: 5, Method: model.CountVotes, TieRule: model.TieByID, TotalsMode: true}
	must(t, db.SavePBRound(t.Context(), model.PBRound{}, &r))
	a := model.PBProposal{CouncilID: c.ID, RoundID: r.ID, Title: "Bænke", Cost: 10_000_00, Status: model.ProposalOnBallot}
	must(t, db.SavePBProposal(t.Context(), model.PBProposal{}, &a))
	tot := model.PBTotal{CouncilID: c.ID, RoundID: r.ID, Place: "Skolen", ProposalID: a.ID, Votes: 40}
	wantCode(t, "a total before voting", db.SavePBTotal(t.Context(), model.PBTotal{}, &tot), model.Locked)
	tot.ID = ""
	openVoting(t, db, &r)
	must(t, db.SavePBTotal(t.Context(), model.PBTotal{}, &tot))
	b := model.PBBallot{CouncilID: c.ID, RoundID: r.ID, Entry: 1, Number: 1, Marks: []model.PBMark{{Number: 1, Points: 3}}}
	must(t, db.SavePBBallot(t.Context(), model.PBBallot{}, &b))
	ops, err := db.CouncilOps(context.Background(), c.ID)
	must(t, err)
	found := false
	for _, o := range ops {
		if o.Table == "pb_ballots" && o.Field == "marks" {
			found = o.Value == "1:3"
		}
	}
	if !found {
		t.Fatal(`a points ballot's marks were not logged as "1:3"`)
	}
	d, err := db.PBRoundData(t.Context(), r.ID)
	must(t, err)
	if len(d.Totals) != 1 || d.Ballots[0].Marks[0].Points != 3 {
		t.Fatalf("totals %+v, ballots %+v", d.Totals, d.Ballots)
	}
	res, err := d.Result()
	must(t, err)
	if res.Tally.Votes[1] != 43 {
		t.Fatalf("votes for no. 1: %d, want 3 points + 40 reported", res.Tally.Votes[1])
	}
	must(t, db.DeletePBTotal(t.Context(), tot.ID))
	if ts := noerr.Get(db.PBTotals(t.Context(), r.ID))(t); len(ts) != 0 {
		t.Fatal("the total was not deleted")
	}
}

func TestPBImportAllOrNothing(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	r, _ := newPBRound(t, db, c.ID)
	bad := []model.PBProposal{{Title: "Legeplads", Cost: 80_000_00}, {Title: "", Cost: 1}}
	if err := db.ImportPBProposals(t.Context(), r.ID, bad); err == nil {
		t.Fatal("an import with a proposal without a title was stored")
	}
	dup := []model.PBProposal{{Title: "Legeplads", Number: 9}, {Title: "Stiforløb", Number: 9}}
	wantCode(t, "an import with a number twice", db.ImportPBProposals(t.Context(), r.ID, dup), model.Conflict)
	if got := noerr.Get(db.PBProposals(t.Context(), r.ID))(t); len(got) != 3 {
		t.Fatalf("%d proposals after refused imports, want the 3 there were", len(got))
	}
	good := []model.PBProposal{{Title: "Legeplads", Cost: 80_000_00}, {Title: "Stiforløb", Number: 10}, {Title: "Bænke"}}
	must(t, db.ImportPBProposals(t.Context(), r.ID, good))
	got, err := db.PBProposals(t.Context(), r.ID)
	must(t, err)
	var nums []string
	for _, p := range got {
		nums = append(nums, fmt.Sprint(p.Number, p.Title))
		if p.CouncilID != c.ID || p.Status == "" {
			t.Fatalf("imported proposal %+v", p)
		}
	}
	if strings.Join(nums, ",") != "1Shelter ved søen,2Petanquebane,3Ny kirke,4Legeplads,10Stiforløb,11Bænke" {
		t.Fatalf("numbers after the import: %v", nums)
	}
	many := make([]model.PBProposal, model.MaxPBProposals)
	for i := range many {
		many[i].Title = fmt.Sprint("Forslag ", i)
	}
	err = db.ImportPBProposals(t.Context(), r.ID, many)
	if model.ErrorCode(err) != model.Invalid || !strings.Contains(err.Error(), "højst have 1.000 forslag") {
		t.Fatalf("an import past the round's bound: %v", err)
	}
	openVoting(t, db, &r)
	wantCode(t, "an import after voting opened", db.ImportPBProposals(t.Context(), r.ID, []model.PBProposal{{Title: "Sent"}}), model.Locked)
}

func TestDeletePBRoundBeforeVoting(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	r, _ := newPBRound(t, db, c.ID)
	keep, _ := newPBRound(t, db, c.ID)
	must(t, db.DeletePBRound(t.Context(), r.ID))
	if _, err := db.PBRound(t.Context(), r.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("the deleted round: %v", err)
	}
	if ps := noerr.Get(db.PBProposals(t.Context(), r.ID))(t); len(ps) != 0 {
		t.Fatal("the deleted round's proposals are left")
	}
	if ps := noerr.Get(db.PBProposals(t.Context(), keep.ID))(t); len(ps) != 3 {
		t.Fatal("another round's proposals went with it")
	}
	ops, err := db.CouncilOps(context.Background(), c.ID)
	must(t, err)
	deletes := 0
	for _, o := range ops {
		if o.Field == "" && (o.Table == "pb_rounds" || o.Table == "pb_proposals") {
			deletes++
		}
	}
	if deletes != 4 {
		t.Fatalf("%d deletes logged, want the round's and its 3 proposals'", deletes)
	}
	rounds, err := db.PBRounds(t.Context(), c.ID)
	must(t, err)
	if len(rounds) != 1 || rounds[0].ID != keep.ID {
		t.Fatalf("rounds left: %+v", rounds)
	}
}

func TestCreatePBRoundAndRoundsAll(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	other := model.Council{Name: "Tølløse Lokalforum", Area: "Tølløse"}
	must(t, db.SaveCouncil(t.Context(), model.Council{}, &other))
	d := storage.PBRoundData{Council: other, Round: model.PBRound{ID: "x", Title: "Fra Pabulib", Pot: 10_000_00, Phase: model.PhaseResult,
		BallotKind: model.PBApproval, Method: model.CountVotes, TieRule: model.TieByID}}
	d.Proposals = []model.PBProposal{{ID: "p1", Number: 1, Title: "A", Cost: 6_000_00, Status: model.ProposalOnBallot},
		{ID: "p2", Number: 2, Title: "B", Cost: 5_000_00, Status: model.ProposalOnBallot}}
	for i := 1; i <= 5; i++ {
		marks := []model.PBMark{{Number: 1}}
		if i > 3 {
			marks = []model.PBMark{{Number: 2}}
		}
		d.Ballots = append(d.Ballots, model.PBBallot{Number: i, Marks: marks})
	}
	r, err := db.CreatePBRound(t.Context(), d)
	must(t, err)
	if r.ID == "x" || r.CouncilID != other.ID || r.Phase != model.PhaseResult {
		t.Fatalf("created round %+v", r)
	}
	got, err := db.PBRoundData(t.Context(), r.ID)
	must(t, err)
	res, err := got.Result()
	must(t, err)
	if len(got.Ballots) != 5 || len(res.Winners) != 1 || res.Winners[0].Title != "A" || res.Left != 4_000_00 {
		t.Fatalf("%d ballots, winners %+v, left %d", len(got.Ballots), res.Winners, res.Left)
	}
	// Another replica takes the new round from a bundle: its log opens
	// voting before the ballots and publishes the result after them.
	opened := model.PBRound{CouncilID: c.ID, Title: "Oprettet åben", Phase: model.PhaseVoting, BallotKind: model.PBApproval, Method: model.CountVotes, TieRule: model.TieByID, MinAge: 15}
	must(t, db.SavePBRound(t.Context(), model.PBRound{}, &opened))
	if opened.Phase != model.PhaseVoting || opened.MinAge != 15 {
		t.Fatalf("a round made with voting open: %+v", opened)
	}
	ops, err := db.CouncilOps(context.Background(), "")
	must(t, err)
	fresh, _ := openTemp(t)
	if _, err := fresh.ApplyOps(context.Background(), ops); err != nil {
		t.Fatalf("a replica refused the created rounds: %v", err)
	}
	if bs := noerr.Get(fresh.PBBallots(t.Context(), r.ID))(t); len(bs) != 5 {
		t.Fatalf("the replica holds %d ballots, want 5", len(bs))
	}
	// A proposal number twice refuses the whole round.
	d.Proposals[1].Number = 1
	wantCode(t, "a round with a number twice", func() error { _, err := db.CreatePBRound(context.Background(), d); return err }(), model.Conflict)

	newPBRound(t, db, c.ID)
	all, err := db.PBRoundsAll(t.Context())
	must(t, err)
	if len(all) != 3 || all[0].Council.Name != c.Name || all[1].Council.Name != c.Name || all[0].Proposals+all[1].Proposals != 3 ||
		all[2].Council.Name != other.Name || all[2].Ballots != 5 || all[2].Proposals != 2 {
		t.Fatalf("every council's rounds: %+v", all)
	}
}

func TestPBWinnerToProject(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	r, ps := newPBRound(t, db, c.ID)
	openVoting(t, db, &r)
	for i := 1; i <= 3; i++ {
		b := ballot(r, 1, i, 1)
		must(t, db.SavePBBallot(t.Context(), model.PBBallot{}, &b))
	}
	loaded := r
	r.Phase = model.PhaseResult
	must(t, db.SavePBRound(t.Context(), loaded, &r))
	if _, err := db.PBWinnerToProject(t.Context(), ps[1].ID); !errors.Is(err, storage.ErrPBNotWinner) {
		t.Fatalf("a proposal without votes became a project: %v", err)
	}
	pr, err := db.PBWinnerToProject(t.Context(), ps[0].ID)
	must(t, err)
	if pr.Title != "Shelter ved søen" || pr.CouncilID != c.ID {
		t.Fatalf("project %+v", pr)
	}
	lines, err := db.BudgetLines(t.Context(), pr.ID)
	must(t, err)
	if len(lines) != 1 || lines[0].Amount != 60_000_00 || lines[0].Kind != model.LineExpense {
		t.Fatalf("budget lines %+v", lines)
	}
	again, err := db.PBWinnerToProject(t.Context(), ps[0].ID)
	must(t, err)
	if again.ID != pr.ID {
		t.Fatal("a second call made a second project")
	}
	if projects := noerr.Get(db.Projects(t.Context(), c.ID))(t); len(projects) != 1 {
		t.Fatalf("%d projects, want 1", len(projects))
	}
	p := noerr.Get(db.PBProposals(t.Context(), r.ID))(t)
	if p[0].ProjectID != pr.ID {
		t.Fatal("the proposal is not linked to its project")
	}
}

func TestErasePBProposer(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	r, ps := newPBRound(t, db, c.ID)
	p := ps[0]
	x := p
	x.Text = "Jens Hansen foreslår et shelter.\nRing til Jens Hansen."
	must(t, db.SavePBProposal(t.Context(), p, &x))
	// Another replica held the proposal before the erasure.
	b, _ := openTemp(t)
	before, err := db.CouncilOps(context.Background(), c.ID)
	must(t, err)
	if _, err := b.ApplyOps(context.Background(), before); err != nil {
		t.Fatal(err)
	}
	must(t, db.ErasePBProposer(t.Context(), p.ID))
	got := noerr.Get(db.PBProposals(t.Context(), r.ID))(t)
	if got[0].ProposerName != model.FormerMemberName || got[0].ProposerContact != "" || strings.Contains(got[0].Text, "Jens") {
		t.Fatalf("after the erasure: %+v", got[0])
	}
	ops, err := db.CouncilOps(context.Background(), c.ID)
	must(t, err)
	if _, err := b.ApplyOps(context.Background(), ops); err != nil {
		t.Fatalf("a replica refused the erasure: %v", err)
	}
	for name, x := range map[string]*storage.DB{"the erasing device": db, "the other replica": b} {
		ops, err := x.CouncilOps(context.Background(), c.ID)
		must(t, err)
		for _, o := range ops {
			if s, ok := o.Value.(string); ok && (strings.Contains(s, "Jens Hansen") || strings.Contains(s, "jens@example.dk")) {
				t.Fatalf("%s's change log keeps %q in %s.%s", name, s, o.Table, o.Field)
			}
		}
		got := noerr.Get(x.PBProposals(t.Context(), r.ID))(t)
		if got[0].ProposerName != model.FormerMemberName || got[0].ProposerContact != "" {
			t.Fatalf("%s holds %+v", name, got[0])
		}
	}
}

// A ballot's marks are stored as the round's kind reads them: a bare
// number on a points ballot is one point, points given on a ballot of
// crosses are dropped; marks a damaged file holds are refused with the
// ballot's number, never counted as a blank ballot.
func TestPBBallotMarksFitTheRound(t *testing.T) {
	db, path := openTemp(t)
	c := newCouncil(t, db)
	marks := func(ballotID string) string {
		t.Helper()
		var v string
		for _, o := range noerr.Get(db.CouncilOps(t.Context(), c.ID))(t) {
			if o.Table == "pb_ballots" && o.Row == ballotID && o.Field == "marks" {
				v = fmt.Sprint(o.Value)
			}
		}
		return v
	}

	cross, _ := newPBRound(t, db, c.ID)
	openVoting(t, db, &cross)
	b := ballot(cross, 1, 1, 1, 2)
	b.Marks[0].Points = 4
	must(t, db.SavePBBallot(t.Context(), model.PBBallot{}, &b))
	if got := marks(b.ID); got != "1 2" {
		t.Fatalf("a ballot of crosses given points was logged as %q, want \"1 2\"", got)
	}
	if b.Marks[0].Points != 0 {
		t.Fatalf("read back with %d points on a ballot of crosses", b.Marks[0].Points)
	}

	pts := model.PBRound{CouncilID: c.ID, Title: "Point", Pot: 50_000_00, Phase: model.PhaseReview,
		BallotKind: model.PBPoints, Points: 5, Method: model.CountVotes, TieRule: model.TieByID}
	must(t, db.SavePBRound(t.Context(), model.PBRound{}, &pts))
	openVoting(t, db, &pts)
	p := model.PBBallot{CouncilID: c.ID, RoundID: pts.ID, Entry: 1, Number: 7, Marks: []model.PBMark{{Number: 1, Points: 3}, {Number: 2}}}
	must(t, db.SavePBBallot(t.Context(), model.PBBallot{}, &p))
	if got := marks(p.ID); got != "1:3 2:1" {
		t.Fatalf("a points ballot with a bare mark was logged as %q, want \"1:3 2:1\"", got)
	}
	loaded := p
	p.Marks = []model.PBMark{{Number: 2, Points: 5}}
	must(t, db.SavePBBallot(t.Context(), loaded, &p))
	if got := noerr.Get(db.PBBallots(t.Context(), pts.ID))(t); len(got) != 1 || len(got[0].Marks) != 1 || got[0].Marks[0] != (model.PBMark{Number: 2, Points: 5}) {
		t.Fatalf("the corrected points ballot reads back as %+v", got)
	}

	raw, err := sql.Open("sqlite", path)
	must(t, err)
	_, err = raw.Exec("UPDATE pb_ballots SET marks = '1:x' WHERE id = ?", p.ID)
	raw.Close()
	must(t, err)
	_, err = db.PBBallots(t.Context(), pts.ID)
	wantCode(t, "damaged marks", err, model.Invalid)
	if !strings.Contains(err.Error(), "stemmesedel nr. 7") || strings.Contains(err.Error(), "pb_ballots") {
		t.Fatalf("damaged marks: %q should name ballot no. 7 in Danish only", err)
	}
}
