package storage

import (
	"context"
	"strings"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// A device of another council may send ops of its own council's rows
// only, but a proposal, ballot or total names its round by id: one of
// council B's proposals that names council A's round (a crafted op,
// properly signed by B's device) must never be on A's ballot, in A's
// count or on A's public result.
func TestPBRoundDataKeepsToItsCouncil(t *testing.T) {
	for _, via := range []string{"hub", "bundle"} {
		t.Run(via, func(t *testing.T) {
			a, b, hub := replica(t, "a"), replica(t, "b"), replica(t, "hub")
			f := twoCouncilsOneRound(t, a, b, model.ProposalOnBallot)
			ca, cb, ra := f.ca, f.cb, f.ra
			rb := ra
			rb.ID, rb.CouncilID = "", cb.ID
			ok(t, b.SavePBRound(t.Context(), model.PBRound{}, &rb))
			theirs := model.PBProposal{CouncilID: cb.ID, RoundID: rb.ID, Title: "Fremmed forslag", Cost: 90_000_00, Status: model.ProposalOnBallot}
			ok(t, b.SavePBProposal(t.Context(), model.PBProposal{}, &theirs))

			apply := hubOrBundle(hub, via)
			_, crafted := applyAThenCraft(t, apply, a, b, pbProposalsT.name, theirs.ID, ra.ID)
			_ = apply(crafted) // refused or taken: either way A's round must not show it

			d, err := hub.PBRoundData(t.Context(), ra.ID)
			ok(t, err)
			for _, p := range d.Proposals {
				if p.CouncilID != ca.ID {
					t.Errorf("council A's round holds %q of another council", p.Title)
				}
			}
		})
	}
}

// The door refuses (at the SQLite hub and at a bundle's import) what the
// reads above ignore: council B's ballot that names council A's round,
// and A's own total on a round that takes no totals.
func TestPBDoorRefusesForeignRowsAndStrayTotals(t *testing.T) {
	for _, via := range []string{"hub", "bundle"} {
		t.Run(via, func(t *testing.T) {
			a, b, hub := replica(t, "a"), replica(t, "b"), replica(t, "hub")
			f := twoCouncilsOneRound(t, a, b, model.ProposalOnBallot)
			ca, cb, ra, mine := f.ca, f.cb, f.ra, f.mine
			loaded := ra
			ra.Phase = model.PhaseVoting
			ok(t, a.SavePBRound(t.Context(), loaded, &ra))
			rb := ra
			rb.ID, rb.CouncilID, rb.Phase, rb.TotalsMode = "", cb.ID, model.PhaseReview, true
			ok(t, b.SavePBRound(t.Context(), model.PBRound{}, &rb))
			loaded = rb
			rb.Phase = model.PhaseVoting
			ok(t, b.SavePBRound(t.Context(), loaded, &rb))
			theirs := model.PBBallot{CouncilID: cb.ID, RoundID: rb.ID, Entry: 1, Number: 1, Marks: []model.PBMark{{Number: 1}}}
			ok(t, b.SavePBBallot(t.Context(), model.PBBallot{}, &theirs))

			apply := hubOrBundle(hub, via)
			opsA, crafted := applyAThenCraft(t, apply, a, b, pbBallotsT.name, theirs.ID, ra.ID)
			if err := apply(crafted); err == nil || !strings.Contains(err.Error(), "andet råd") {
				t.Errorf("council B's ballot on A's round: err = %v, want refused as another council's", err)
			}
			tot := model.PBTotal{CouncilID: ca.ID, RoundID: ra.ID, Place: "Skolen", ProposalID: mine.ID, Votes: 5}
			if err := a.SavePBTotal(t.Context(), model.PBTotal{}, &tot); err == nil {
				t.Fatal("a total was saved on a round without totals")
			}
			stray := Change{Device: a.DeviceID(), Seq: 900, HLC: opsA[len(opsA)-1].HLC + 1<<16, Table: pbTotalsT.name, Row: "t-stray", Council: ca.ID, Field: "round_id", Value: ra.ID}
			a.signChange(&stray)
			if err := apply([]Change{stray}); err == nil || !strings.Contains(err.Error(), "totaler") {
				t.Errorf("a total on a round without totals: err = %v, want refused", err)
			}
			if bs := noerr.Get(hub.PBBallots(t.Context(), ra.ID))(t); len(bs) != 0 {
				t.Errorf("A's round holds %d ballots", len(bs))
			}
		})
	}
}

// A stray row of another council (one stored before the door refused
// them) is no part of the round: the municipality's list of rounds does
// not count it, and it takes no number from the round's own proposals.
func TestPBStrayRowsNotCounted(t *testing.T) {
	a := replica(t, "a")
	f := twoCouncilsOneRound(t, a, a, "")
	ca, cb, ra := f.ca, f.cb, f.ra
	for _, q := range []string{
		"INSERT INTO pb_proposals (id, council_id, round_id, number, title, status) VALUES ('x1', ?, ?, 7, 'Fremmed', 'modtaget')",
		"INSERT INTO pb_ballots (id, council_id, round_id, entry, number) VALUES ('x2', ?, ?, 1, 9)",
	} {
		if _, err := a.sql().Exec(q, cb.ID, ra.ID); err != nil {
			t.Fatal(err)
		}
	}
	all, err := a.PBRoundsAll(t.Context())
	ok(t, err)
	if len(all) != 1 || all[0].Proposals != 1 || all[0].Ballots != 0 {
		t.Errorf("the list of rounds counts another council's rows: %+v", all)
	}
	next := model.PBProposal{CouncilID: ca.ID, RoundID: ra.ID, Title: "Bænke"}
	ok(t, a.SavePBProposal(t.Context(), model.PBProposal{}, &next))
	if next.Number != 2 {
		t.Errorf("the next proposal got no. %d, want 2 (the stray no. 7 is not the round's)", next.Number)
	}
	seven := model.PBProposal{CouncilID: ca.ID, RoundID: ra.ID, Title: "Legeplads", Number: 7}
	if err := a.SavePBProposal(t.Context(), model.PBProposal{}, &seven); err != nil {
		t.Errorf("no. 7 is free in the round, but: %v", err)
	}
}

// A ballot whose stored marks cannot be read (the door refuses such marks,
// so only a damaged file holds one) is refused with the ballot's number,
// never taken as a blank ballot.
func TestPBUnreadableMarksRefused(t *testing.T) {
	a := replica(t, "a")
	ca := model.Council{Name: "Jyderup Lokalråd"}
	ok(t, a.SaveCouncil(t.Context(), model.Council{}, &ca))
	r := reviewRound(ca.ID)
	r.BlankValid = true
	ok(t, a.SavePBRound(t.Context(), model.PBRound{}, &r))
	if _, err := a.sql().Exec("INSERT INTO pb_ballots (id, council_id, round_id, entry, number, marks) VALUES ('x1', ?, ?, 1, 17, '3 x')", ca.ID, r.ID); err != nil {
		t.Fatal(err)
	}
	bs, err := a.PBBallots(t.Context(), r.ID)
	if err == nil || !strings.Contains(err.Error(), "nr. 17") {
		t.Errorf("unreadable marks: %v, %+v; want an error naming ballot 17", err, bs)
	}
	if _, err := a.PBRoundData(t.Context(), r.ID); err == nil {
		t.Error("the round's data read a ballot whose marks cannot be read")
	}
}

// reviewRound is a council's approval round in review, counted by votes.
func reviewRound(council string) model.PBRound {
	return model.PBRound{CouncilID: council, Title: "Borgerbudget 2027", Pot: 100_000_00, Phase: model.PhaseReview,
		BallotKind: model.PBApproval, MaxChoices: 2, Method: model.CountVotes, TieRule: model.TieByID}
}

// pbTwoCouncils is council A with its round and a proposal of A's, and
// council B, made by twoCouncilsOneRound.
type pbTwoCouncils struct {
	ca, cb model.Council
	ra     model.PBRound
	mine   model.PBProposal
}

// twoCouncilsOneRound saves council A (Jyderup) on a and council B
// (Svebølle) on b (which may be a), and on a A's round in review with A's
// proposal "Shelter ved søen" of the given status.
func twoCouncilsOneRound(t *testing.T, a, b *DB, status model.ProposalStatus) pbTwoCouncils {
	t.Helper()
	f := pbTwoCouncils{ca: model.Council{Name: "Jyderup Lokalråd"}, cb: model.Council{Name: "Svebølle Lokalråd"}}
	ok(t, a.SaveCouncil(t.Context(), model.Council{}, &f.ca))
	ok(t, b.SaveCouncil(t.Context(), model.Council{}, &f.cb))
	f.ra = reviewRound(f.ca.ID)
	ok(t, a.SavePBRound(t.Context(), model.PBRound{}, &f.ra))
	f.mine = model.PBProposal{CouncilID: f.ca.ID, RoundID: f.ra.ID, Title: "Shelter ved søen", Cost: 40_000_00, Status: status}
	ok(t, a.SavePBProposal(t.Context(), model.PBProposal{}, &f.mine))
	return f
}

// hubOrBundle applies ops on hub as the hub takes a push ("hub") or as a
// bundle's import ("bundle").
func hubOrBundle(hub *DB, via string) func([]Change) error {
	return func(ops []Change) error {
		var err error
		if via == "hub" {
			_, err = hub.HubApply(context.Background(), ops)
		} else {
			_, err = hub.ApplyOps(context.Background(), ops)
		}
		return err
	}
}

// applyAThenCraft applies every op of a with apply, and returns them and
// b's ops of row in table moved to round (movedToRound).
func applyAThenCraft(t *testing.T, apply func([]Change) error, a, b *DB, table, row, round string) (opsA, crafted []Change) {
	t.Helper()
	opsA, err := a.CouncilOps(context.Background(), "")
	ok(t, err)
	ok(t, apply(opsA))
	opsB, err := b.CouncilOps(context.Background(), "")
	ok(t, err)
	return opsA, movedToRound(b, opsB, table, row, round)
}

// movedToRound is b's ops of row in table with its round_id changed to
// round and signed again by b: a crafted op, properly signed.
func movedToRound(b *DB, ops []Change, table, row, round string) []Change {
	var crafted []Change
	for _, c := range ops {
		if c.Table == table && c.Row == row {
			if c.Field == "round_id" {
				c.Value = round
				b.signChange(&c)
			}
			crafted = append(crafted, c)
		}
	}
	return crafted
}
