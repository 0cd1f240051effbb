package storage

import (
	"context"
	"testing"

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
			ca, cb := model.Council{Name: "Jyderup Lokalråd"}, model.Council{Name: "Svebølle Lokalråd"}
			ok(t, a.SaveCouncil(model.Council{}, &ca))
			ok(t, b.SaveCouncil(model.Council{}, &cb))
			ra := model.PBRound{CouncilID: ca.ID, Title: "Borgerbudget 2027", Pot: 100_000_00, Phase: model.PhaseReview,
				BallotKind: model.PBApproval, MaxChoices: 2, Method: model.CountVotes, TieRule: model.TieByID}
			ok(t, a.SavePBRound(model.PBRound{}, &ra))
			mine := model.PBProposal{CouncilID: ca.ID, RoundID: ra.ID, Title: "Shelter ved søen", Cost: 40_000_00, Status: model.ProposalOnBallot}
			ok(t, a.SavePBProposal(model.PBProposal{}, &mine))
			rb := ra
			rb.ID, rb.CouncilID = "", cb.ID
			ok(t, b.SavePBRound(model.PBRound{}, &rb))
			theirs := model.PBProposal{CouncilID: cb.ID, RoundID: rb.ID, Title: "Fremmed forslag", Cost: 90_000_00, Status: model.ProposalOnBallot}
			ok(t, b.SavePBProposal(model.PBProposal{}, &theirs))

			apply := func(ops []Change) error {
				var err error
				if via == "hub" {
					_, err = hub.HubApply(ops)
				} else {
					_, err = hub.ApplyOps(context.Background(), ops)
				}
				return err
			}
			opsA, err := a.CouncilOps(context.Background(), "")
			ok(t, err)
			ok(t, apply(opsA))
			opsB, err := b.CouncilOps(context.Background(), "")
			ok(t, err)
			var crafted []Change
			for _, c := range opsB {
				if c.Table == pbProposalsT.name && c.Row == theirs.ID {
					if c.Field == "round_id" {
						c.Value = ra.ID
						b.signChange(&c)
					}
					crafted = append(crafted, c)
				}
			}
			_ = apply(crafted) // refused or taken: either way A's round must not show it

			d, err := hub.PBRoundData(ra.ID)
			ok(t, err)
			for _, p := range d.Proposals {
				if p.CouncilID != ca.ID {
					t.Errorf("council A's round holds %q of another council", p.Title)
				}
			}
		})
	}
}
