package storage

import (
	"context"
	"errors"
	"strings"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// pbSetup: laptop a made a round with two proposals on the ballot; b has
// a copy of it from before voting opened.
func pbSetup(t *testing.T) (a, b *DB, r model.PBRound, ps []model.PBProposal) {
	t.Helper()
	a, b = replica(t, "a"), replica(t, "b")
	c := model.Council{Name: "Jyderup Lokalråd"}
	ok(t, a.SaveCouncil(model.Council{}, &c))
	r = model.PBRound{CouncilID: c.ID, Title: "Borgerbudget 2027", Pot: 100_000_00, Phase: model.PhaseReview,
		BallotKind: model.PBApproval, MaxChoices: 2, Method: model.CountVotes, TieRule: model.TieByID}
	ok(t, a.SavePBRound(model.PBRound{}, &r))
	for _, title := range []string{"Shelter ved søen", "Petanquebane"} {
		p := model.PBProposal{CouncilID: c.ID, RoundID: r.ID, Title: title, Cost: 40_000_00, Status: model.ProposalOnBallot}
		ok(t, a.SavePBProposal(model.PBProposal{}, &p))
		ps = append(ps, p)
	}
	send(t, a, b)
	return a, b, r, ps
}

func setPhase(t *testing.T, db *DB, r *model.PBRound, p model.PBPhase) {
	t.Helper()
	loaded := *r
	r.Phase = p
	ok(t, db.SavePBRound(loaded, r))
}

// lastOp is the op of a field that db logged last.
func lastOp(t *testing.T, db *DB, table, row, field string) Change {
	t.Helper()
	ops, err := db.FieldOps(context.Background(), table, row, field)
	ok(t, err)
	if len(ops) == 0 {
		t.Fatalf("no op of %s.%s", table, field)
	}
	return ops[len(ops)-1]
}

func refusedLocked(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, ErrRefused) || model.ErrorCode(err) != model.Locked {
		t.Fatalf("%s: err = %v (%s), want refused as locked", what, err, model.ErrorCode(err))
	}
}

// Both receivers of ops that decide on what they hold, the SQLite hub
// (HubApply) and a laptop importing a bundle (ApplyOps): an old copy's
// edits, backdated ops and ballots outside voting are refused, whole.
func TestPBLocksAtTheDoor(t *testing.T) {
	for _, via := range []string{"hub", "bundle"} {
		t.Run(via, func(t *testing.T) {
			a, b, r, ps := pbSetup(t)
			hub := replica(t, "hub")
			apply := func(ops []Change) error {
				var err error
				if via == "hub" {
					_, err = hub.HubApply(context.Background(), ops)
				} else {
					_, err = hub.ApplyOps(context.Background(), ops)
				}
				return err
			}
			all := func(db *DB) []Change {
				ops, err := db.CouncilOps(context.Background(), "")
				ok(t, err)
				return ops
			}
			ok(t, apply(all(a)))

			// a opens voting and enters ballots: one batch, taken although
			// the receiver held the round in review.
			setPhase(t, a, &r, model.PhaseVoting)
			for n := 1; n <= 3; n++ {
				bl := model.PBBallot{CouncilID: r.CouncilID, RoundID: r.ID, Entry: 1, Number: n, Marks: []model.PBMark{{Number: 1}}}
				ok(t, a.SavePBBallot(model.PBBallot{}, &bl))
			}
			ok(t, apply(all(a)))
			if bs := noerr.Get(hub.PBBallots(r.ID))(t); len(bs) != 3 {
				t.Fatalf("%d ballots taken, want 3", len(bs))
			}

			// b, offline with the copy from before voting, raises the pot
			// and a proposal's cost: its edits pass there, not here.
			br, err := b.PBRound(r.ID)
			ok(t, err)
			x := br
			x.Pot = 150_000_00
			ok(t, b.SavePBRound(br, &x))
			refusedLocked(t, "an old copy's pot", apply(all(b)))
			var c *DB // a fresh old copy for each edit below
			reset := func() {
				c = replica(t, "c")
				cops := all(a)
				var before []Change
				for _, o := range cops {
					if !(o.Table == "pb_rounds" && o.Field == "phase" && o.Value != string(model.PhaseReview)) && o.Table != "pb_ballots" {
						before = append(before, o)
					}
				}
				_, err := c.ApplyOps(context.Background(), before)
				ok(t, err)
			}
			reset()
			cp := noerr.Get(c.PBProposals(r.ID))(t)
			y := cp[0]
			y.Cost = 1_00
			ok(t, c.SavePBProposal(cp[0], &y))
			refusedLocked(t, "an old copy's cost", apply(all(c)))
			reset()
			ok(t, c.DeletePBProposal(ps[1].ID))
			refusedLocked(t, "an old copy's delete of a proposal", apply(all(c)))
			reset()
			late := model.PBProposal{CouncilID: r.CouncilID, RoundID: r.ID, Title: "Sent forslag", Status: model.ProposalOnBallot}
			ok(t, c.SavePBProposal(model.PBProposal{}, &late))
			refusedLocked(t, "a proposal added on an old copy", apply(all(c)))

			// Backdated: stamped before voting opened, arriving after.
			opened := lastOp(t, hub, "pb_rounds", r.ID, "phase")
			evil := Change{Device: "evil", Seq: 1, HLC: opened.HLC - 1, Table: "pb_rounds", Row: r.ID, Council: r.CouncilID, Field: "method", Value: string(model.CountMES)}
			refusedLocked(t, "a backdated rule", apply([]Change{evil}))
			evil = Change{Device: "evil", Seq: 2, HLC: opened.HLC - 1, Table: "pb_proposals", Row: ps[0].ID, Council: r.CouncilID, Field: "number", Value: int64(9)}
			refusedLocked(t, "a backdated number", apply([]Change{evil}))
			back := Change{Device: "evil", Seq: 3, HLC: opened.HLC + 1<<16, Table: "pb_rounds", Row: r.ID, Council: r.CouncilID, Field: "phase", Value: string(model.PhaseProposals)}
			refusedLocked(t, "the phase back", apply([]Change{back}))
			same := Change{Device: "evil", Seq: 4, HLC: opened.HLC - 1, Table: "pb_rounds", Row: r.ID, Council: r.CouncilID, Field: "pot", Value: r.Pot}
			ok(t, apply([]Change{same})) // the value held, sent again

			// The result: no ballot after it, however it is stamped.
			setPhase(t, a, &r, model.PhaseResult)
			ok(t, apply(all(a)))
			firstBallot := lastOp(t, hub, "pb_ballots", func() string { bs, _ := hub.PBBallots(r.ID); return bs[0].ID }(), "marks")
			for i, o := range []Change{
				{Device: "evil", Seq: 10, HLC: firstBallot.HLC + 1, Table: "pb_ballots", Row: "late", Council: r.CouncilID, Field: "round_id", Value: r.ID},
				{Device: "evil", Seq: 11, HLC: firstBallot.HLC + 1, Table: "pb_ballots", Row: firstBallot.Row, Council: r.CouncilID, Field: "marks", Value: "2"},
				{Device: "evil", Seq: 12, HLC: firstBallot.HLC + 1, Table: "pb_ballots", Row: firstBallot.Row, Council: r.CouncilID, Field: "", Value: "="},
			} {
				err := apply([]Change{o})
				if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "»Afstemning«") {
					t.Fatalf("ballot op %d after the result: %v", i, err)
				}
			}

			// What the receiver holds is a's round, untouched.
			got, err := hub.PBRoundData(r.ID)
			ok(t, err)
			if got.Round.Pot != 100_000_00 || got.Round.Method != model.CountVotes || got.Round.Phase != model.PhaseResult ||
				len(got.Proposals) != 2 || got.Proposals[0].Number != 1 || got.Proposals[0].Cost != 40_000_00 || len(got.Ballots) != 3 || got.Ballots[0].Marks[0].Number != 1 {
				t.Fatalf("held after the refusals: %+v", got)
			}

			// A laptop new to the round takes the whole history from one
			// bundle: ballots stamped while voting was open pass.
			fresh := replica(t, "fresh")
			if _, err := fresh.ApplyOps(context.Background(), all(hub)); err != nil {
				t.Fatalf("a new laptop refused the round's history: %v", err)
			}
			if bs := noerr.Get(fresh.PBBallots(r.ID))(t); len(bs) != 3 {
				t.Fatalf("the new laptop holds %d ballots", len(bs))
			}
		})
	}
}

// A ballot sent before voting opened is refused: the receiver holds the
// round in review.
func TestPBBallotBeforeVotingRefused(t *testing.T) {
	a, _, r, _ := pbSetup(t)
	hub := replica(t, "hub")
	ops, err := a.CouncilOps(context.Background(), "")
	ok(t, err)
	_, err = hub.HubApply(context.Background(), ops)
	ok(t, err)
	last := ops[len(ops)-1]
	for i, o := range []Change{
		{Device: "evil", Seq: 1, HLC: last.HLC + 1<<16, Table: "pb_ballots", Row: "b1", Council: r.CouncilID, Field: "round_id", Value: r.ID},
		{Device: "evil", Seq: 2, HLC: last.HLC + 1<<16, Table: "pb_totals", Row: "t1", Council: r.CouncilID, Field: "round_id", Value: r.ID},
	} {
		if _, err := hub.HubApply(context.Background(), []Change{o}); !errors.Is(err, ErrRefused) {
			t.Fatalf("op %d before voting: %v", i, err)
		}
	}
	// A proposal or a ballot moved into a round whose voting opened.
	open := model.PBRound{CouncilID: r.CouncilID, Title: "Åben runde", Phase: model.PhaseReview, BallotKind: model.PBApproval, Method: model.CountVotes, TieRule: model.TieByID}
	ok(t, a.SavePBRound(model.PBRound{}, &open))
	setPhase(t, a, &open, model.PhaseResult)
	ops, err = a.CouncilOps(context.Background(), "")
	ok(t, err)
	_, err = hub.HubApply(context.Background(), ops)
	ok(t, err)
	ps := noerr.Get(hub.PBProposals(r.ID))(t)
	last = ops[len(ops)-1]
	move := Change{Device: "evil", Seq: 3, HLC: last.HLC + 1<<16, Table: "pb_proposals", Row: ps[0].ID, Council: r.CouncilID, Field: "round_id", Value: open.ID}
	if _, err := hub.HubApply(context.Background(), []Change{move}); !errors.Is(err, ErrRefused) {
		t.Fatalf("a proposal moved into a round after its result: %v", err)
	}
	// The round deleted before voting: taken.
	ok(t, a.DeletePBRound(r.ID))
	ops, err = a.CouncilOps(context.Background(), "")
	ok(t, err)
	if _, err := hub.HubApply(context.Background(), ops); err != nil {
		t.Fatalf("a delete before voting was refused: %v", err)
	}
	if _, err := hub.PBRound(r.ID); !errors.Is(err, ErrNotFound) {
		t.Fatal("the round is still there")
	}
}
