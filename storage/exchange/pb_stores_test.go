package exchange

import (
	"context"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// A borgerbudget round's locks on both stores: a laptop opens voting and
// enters ballots in one push; a laptop offline on a copy from before
// voting, and a device that backdates its op to before voting opened, may
// not change the rules or a proposal's cost; no ballot after the result.
func TestStoresPBRoundLocks(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy := h.council("Jyderup Lokalråd")
		a, _ := h.laptop(t, "a", jy, 0)
		b, _ := h.laptop(t, "b", jy, time.Second)
		c, _ := h.laptop(t, "c", jy, 2*time.Second)
		r := model.PBRound{CouncilID: jy, Title: "Borgerbudget 2027", Pot: 100_000_00, Phase: model.PhaseReview,
			BallotKind: model.PBApproval, MaxChoices: 2, Method: model.CountVotes, TieRule: model.TieByID}
		ok(t, a.SavePBRound(t.Context(), model.PBRound{}, &r))
		p := model.PBProposal{CouncilID: jy, RoundID: r.ID, Title: "Shelter ved søen", Cost: 40_000_00, Status: model.ProposalOnBallot}
		ok(t, a.SavePBProposal(t.Context(), model.PBProposal{}, &p))
		syncOK(t, a)
		staff, _ := h.laptop(t, "staff", "", 3*time.Second)
		syncOK(t, b)
		syncOK(t, c)

		// The municipality's cost: the staff writes it, a council device
		// may not.
		sp, err := staff.PBProposals(t.Context(), r.ID)
		ok(t, err)
		adj := sp[0]
		adj.AdjustedCost = 45_000_00
		ok(t, staff.SavePBProposal(t.Context(), sp[0], &adj))
		syncOK(t, staff)
		syncOK(t, a)
		if got := noerr.Get(a.PBProposals(t.Context(), r.ID))(t); got[0].AdjustedCost != 45_000_00 {
			t.Fatalf("the staff's cost did not reach the council: %+v", got[0])
		}
		adjOps, err := h.store.FieldOps(context.Background(), "pb_proposals", p.ID, "adjusted_cost")
		ok(t, err)
		own := forged(t, c, 5, "pb_proposals", p.ID, jy, "adjusted_cost", int64(1_00))
		own.Base = storage.BaseOn(adjOps)
		ok(t, c.SignOwn(&own))
		if _, err := pushAs(t, h.url, c, []storage.Change{own}); err == nil {
			t.Fatal("a council device wrote the municipality's cost")
		}
		syncOK(t, b)

		loaded := r
		r.Phase = model.PhaseVoting
		ok(t, a.SavePBRound(t.Context(), loaded, &r))
		bl := model.PBBallot{CouncilID: jy, RoundID: r.ID, Entry: 1, Number: 1, Place: "Hallen", Marks: []model.PBMark{{Number: 1}}}
		ok(t, a.SavePBBallot(t.Context(), model.PBBallot{}, &bl))
		syncOK(t, a)
		if ops := noerr.Get(h.store.FieldOps(context.Background(), "pb_ballots", bl.ID, "marks"))(t); len(ops) != 1 {
			t.Fatal("the ballot entered as voting opened was not taken")
		}

		// b, offline on its copy from before voting, raises the pot.
		old, err := b.PBRound(t.Context(), r.ID)
		ok(t, err)
		x := old
		x.Pot = 150_000_00
		ok(t, b.SavePBRound(t.Context(), old, &x))
		res := syncOK(t, b)
		refused, err := b.RefusedChanges(t.Context(), jy)
		ok(t, err)
		if res.Refused != 1 || len(refused) != 1 || !strings.Contains(refused[0].Reason, "afstemningen er åbnet") {
			t.Fatalf("an old copy's pot: %+v, set aside %+v", res, refused)
		}
		if got := noerr.Get(b.PBRound(t.Context(), r.ID))(t); got.Pot != 100_000_00 || got.Phase != model.PhaseVoting {
			t.Fatalf("b holds %+v after its refused edit", got)
		}

		// c backdates a cost change to before voting opened.
		phase, err := h.store.FieldOps(context.Background(), "pb_rounds", r.ID, "phase")
		ok(t, err)
		opened := phase[len(phase)-1]
		costs, err := h.store.FieldOps(context.Background(), "pb_proposals", p.ID, "cost")
		ok(t, err)
		evil := forged(t, c, 1, "pb_proposals", p.ID, jy, "cost", int64(1_00))
		evil.HLC, evil.Base = opened.HLC-1, storage.BaseOn(costs)
		ok(t, c.SignOwn(&evil))
		if _, err := pushAs(t, h.url, c, []storage.Change{evil}); err == nil {
			t.Fatal("a cost change stamped before voting opened was taken")
		}

		// The result is published; a ballot stamped while voting was open,
		// arriving after, is refused.
		loaded = r
		r.Phase = model.PhaseResult
		ok(t, a.SavePBRound(t.Context(), loaded, &r))
		syncOK(t, a)
		marks, err := h.store.FieldOps(context.Background(), "pb_ballots", bl.ID, "marks")
		ok(t, err)
		late := forged(t, c, 2, "pb_ballots", bl.ID, jy, "marks", "1 2")
		late.HLC, late.Base = marks[0].HLC+1, storage.BaseOn(marks)
		ok(t, c.SignOwn(&late))
		if _, err := pushAs(t, h.url, c, []storage.Change{late}); err == nil {
			t.Fatal("a ballot changed after the result was taken")
		}

		syncOK(t, a)
		got, err := a.PBRoundData(t.Context(), r.ID)
		ok(t, err)
		if got.Round.Pot != 100_000_00 || got.Proposals[0].Cost != 40_000_00 || got.Proposals[0].AdjustedCost != 45_000_00 || len(got.Ballots) != 1 || len(got.Ballots[0].Marks) != 1 {
			t.Fatalf("a holds after the refusals: %+v", got)
		}
	})
}

// The door on both stores: who may send a proposal, ballot or total is a
// device of the round's own council, and a total only on a round that
// takes totals. A device of another council (properly enrolled, signing
// its own council's rows) that names Jyderup's round is refused with a
// Danish reason, and so is a Jyderup total on a round without totals;
// Jyderup's own ballot in the same round is taken.
func TestStoresPBForeignRowsRefused(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy := h.council("Jyderup Lokalråd")
		ka := h.council("Kalundborg Lokalråd")
		a, _ := h.laptop(t, "a", jy, 0)
		c, _ := h.laptop(t, "c", ka, time.Second)
		r := model.PBRound{CouncilID: jy, Title: "Borgerbudget 2027", Pot: 100_000_00, Phase: model.PhaseReview,
			BallotKind: model.PBApproval, MaxChoices: 2, Method: model.CountVotes, TieRule: model.TieByID}
		ok(t, a.SavePBRound(t.Context(), model.PBRound{}, &r))
		p := model.PBProposal{CouncilID: jy, RoundID: r.ID, Title: "Shelter ved søen", Cost: 40_000_00, Status: model.ProposalOnBallot}
		ok(t, a.SavePBProposal(t.Context(), model.PBProposal{}, &p))
		loaded := r
		r.Phase = model.PhaseVoting
		ok(t, a.SavePBRound(t.Context(), loaded, &r))
		syncOK(t, a)

		// Kalundborg's own round, in voting and taking totals, with a
		// proposal, a ballot and a total: all its own, all taken.
		rk := model.PBRound{CouncilID: ka, Title: "Borgerbudget Kalundborg", Pot: 50_000_00, Phase: model.PhaseReview,
			BallotKind: model.PBApproval, MaxChoices: 2, Method: model.CountVotes, TieRule: model.TieByID, TotalsMode: true}
		ok(t, c.SavePBRound(t.Context(), model.PBRound{}, &rk))
		pk := model.PBProposal{CouncilID: ka, RoundID: rk.ID, Title: "Fremmed forslag", Cost: 10_000_00, Status: model.ProposalOnBallot}
		ok(t, c.SavePBProposal(t.Context(), model.PBProposal{}, &pk))
		loaded = rk
		rk.Phase = model.PhaseVoting
		ok(t, c.SavePBRound(t.Context(), loaded, &rk))
		bk := model.PBBallot{CouncilID: ka, RoundID: rk.ID, Entry: 1, Number: 7, Place: "Hallen", Marks: []model.PBMark{{Number: 1}}}
		ok(t, c.SavePBBallot(t.Context(), model.PBBallot{}, &bk))
		tk := model.PBTotal{CouncilID: ka, RoundID: rk.ID, Place: "Skolen", ProposalID: pk.ID, Votes: 12}
		ok(t, c.SavePBTotal(t.Context(), model.PBTotal{}, &tk))
		syncOK(t, c)

		// c's rows re-pointed at Jyderup's round, as new rows signed by c.
		ops, err := c.CouncilOps(context.Background(), "")
		ok(t, err)
		seq := int64(0)
		for _, o := range ops {
			if o.Device == c.DeviceID() {
				seq = max(seq, o.Seq)
			}
		}
		crafted := func(row string) []storage.Change {
			var out []storage.Change
			for _, o := range ops {
				if o.Row != row || o.Field == "" {
					continue
				}
				seq++
				o.Seq, o.Row, o.HLC = seq, row+"-x", o.HLC+1<<16
				if o.Field == "round_id" {
					o.Value = r.ID
				}
				if o.Field == "proposal_id" {
					o.Value = p.ID
				}
				ok(t, c.SignOwn(&o))
				out = append(out, o)
			}
			return out
		}
		for _, x := range []struct{ what, row string }{{"proposal", pk.ID}, {"ballot", bk.ID}, {"total", tk.ID}} {
			_, err := pushAs(t, h.url, c, crafted(x.row))
			if err == nil || !strings.Contains(err.Error(), "andet råd") {
				t.Errorf("Kalundborg's %s naming Jyderup's round: err = %v, want a refusal saying it is another council's", x.what, err)
			}
		}

		// A Jyderup total on Jyderup's round, which takes no totals.
		tot := forged(t, a, 1, "pb_totals", "t-jy", jy, "round_id", r.ID)
		ok(t, a.SignOwn(&tot))
		if _, err := pushAs(t, h.url, a, []storage.Change{tot}); err == nil || !strings.Contains(err.Error(), "totaler") {
			t.Errorf("a total on a round without totals: err = %v, want a refusal", err)
		}
		for _, tbl := range []string{"pb_proposals", "pb_ballots", "pb_totals"} {
			for _, row := range []string{pk.ID + "-x", bk.ID + "-x", tk.ID + "-x", "t-jy"} {
				if held := noerr.Get(h.store.FieldOps(context.Background(), tbl, row, "round_id"))(t); len(held) != 0 {
					t.Errorf("the hub stored %s %s", tbl, row)
				}
			}
		}

		// Jyderup's own ballot is taken.
		bl := model.PBBallot{CouncilID: jy, RoundID: r.ID, Entry: 1, Number: 1, Place: "Hallen", Marks: []model.PBMark{{Number: 1}}}
		ok(t, a.SavePBBallot(t.Context(), model.PBBallot{}, &bl))
		if res := syncOK(t, a); res.Refused != 0 {
			t.Fatalf("Jyderup's own ballot was refused: %+v", res)
		}
		if got, _ := h.store.FieldOps(context.Background(), "pb_ballots", bl.ID, "marks"); len(got) != 1 {
			t.Fatal("Jyderup's own ballot was not stored")
		}
	})
}
