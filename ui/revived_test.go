package ui

import (
	"strings"
	"testing"

	"lokalraad/model"
	"lokalraad/storage"
)

// A citizen budgeting round and a proposal of it that came back are named
// by their titles, as a meeting is, not by their kind alone: »Runde« does
// not tell the chair which of the council's rounds to look at. In the
// user's language: Danish, or English.
func TestRevivedRoundIsNamed(t *testing.T) {
	u, db, council := withCouncil(t)
	r := model.PBRound{CouncilID: council, Title: "Borgerbudget 2027", Pot: 100_000_00, Phase: model.PhaseProposals, BallotKind: model.PBApproval,
		Method: model.CountVotes, TieRule: model.TieByID}
	ok(t, db.SavePBRound(t.Context(), model.PBRound{}, &r))
	p := model.PBProposal{CouncilID: council, RoundID: r.ID, Title: "Bænk ved søen", Cost: 20_000_00}
	ok(t, db.SavePBProposal(t.Context(), model.PBProposal{}, &p))
	back := storage.Changed{}
	back.Add("pb_rounds", r.ID)
	back.Add("pb_proposals", p.ID)
	msg := u.revivedText(back)
	for _, want := range []string{"Slettet på denne computer", "Runde «Borgerbudget 2027»", "Forslag «Bænk ved søen»"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the notice lacks %q: %q", want, msg)
		}
	}
	// In English, the second language, the same rows in English words.
	ok(t, SetupLanguage("en"))
	t.Cleanup(func() { _ = SetupLanguage("da") })
	msg = u.revivedText(back)
	for _, want := range []string{"Deleted on this computer", "Round «Borgerbudget 2027»", "Proposal «Bænk ved søen»"} {
		if !strings.Contains(msg, want) {
			t.Errorf("in English the notice lacks %q: %q", want, msg)
		}
	}
}
