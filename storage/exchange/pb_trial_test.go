package exchange

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

// The council's whole round, as the "done" says, over the hub:
// proposals typed in on the chair's laptop, the municipality's cost added
// on a staff device, the review, the vote opened; 300 paper ballots
// entered by two counters on two laptops (the secretary mistyping two,
// the chair one); after sync both laptops and the hub list exactly those
// three numbers as differences and the result is preliminary; settled
// against the paper, the result on every replica is the one the model
// computes from the paper ballots; published, the municipality sees the
// round with its phase, proposals and ballots.
func TestPBRoundDoubleEntryTwoLaptops(t *testing.T) {
	h := newHub(t)
	jy := h.council(t, "Jyderup Lokalråd")
	chair := h.laptop(t, "formand", jy, 0)
	secretary := h.laptop(t, "sekretær", jy, time.Second)
	staff := h.laptop(t, "kommunen", "", 2*time.Second)

	// The round and the proposals from the paper forms.
	r := model.PBRound{CouncilID: jy, Title: "Borgerbudget Jyderup 2027", Pot: 150_000_00, Population: 4200,
		Phase: model.PhaseProposals, BallotKind: model.PBApproval, MaxChoices: 3, Method: model.CountMESAdd1, TieRule: model.TieByID}
	ok(t, chair.SavePBRound(t.Context(), model.PBRound{}, &r))
	type form struct {
		title, who string
		cost       int64
	}
	forms := []form{
		{"Shelter ved Skarresø", "Jens Hansen", 60_000_00},
		{"Petanquebane ved hallen", "Şule Yılmaz", 25_000_00},
		{"Bænke langs Kongevejen", "Karen Østergaard", 18_000_00},
		{"Legeplads i Vestparken", "Ole Berg", 55_000_00},
		{"Julebelysning på torvet", "Anne-Mette Brøndum", 12_500_50},
		{"Hundeskov ved skolen", "Piotr Wójcik", 40_000_00},
		{"Stiforløb til skoven", "Lis Holm", 70_000_00},
		{"Ny kirke", "Hans Kirk", 900_000_00},
	}
	var ps []model.PBProposal
	for _, f := range forms {
		p := model.PBProposal{CouncilID: jy, RoundID: r.ID, Title: f.title, ProposerName: f.who, Cost: f.cost}
		ok(t, chair.SavePBProposal(t.Context(), model.PBProposal{}, &p))
		ps = append(ps, p)
	}
	if ps[7].Number != 8 || ps[0].Status != model.ProposalReceived {
		t.Fatalf("numbered %d, status %s", ps[7].Number, ps[0].Status)
	}
	syncOK(t, chair)

	// The municipality adjusts the cost of the shelter.
	syncOK(t, staff)
	sp, err := staff.PBProposals(t.Context(), r.ID)
	ok(t, err)
	adj := sp[0]
	adj.AdjustedCost = 65_000_00
	ok(t, staff.SavePBProposal(t.Context(), sp[0], &adj))
	syncOK(t, staff)
	syncOK(t, chair)

	// The review: seven on the ballot, the church rejected; the vote opens.
	loaded := r
	r.Phase = model.PhaseReview
	ok(t, chair.SavePBRound(t.Context(), loaded, &r))
	held, err := chair.PBProposals(t.Context(), r.ID)
	ok(t, err)
	for _, p := range held {
		x := p
		x.Status = model.ProposalOnBallot
		if p.Number == 8 {
			x.Status, x.Reason = model.ProposalRejected, "Langt over puljen"
		}
		ok(t, chair.SavePBProposal(t.Context(), p, &x))
	}
	loaded = r
	r.Phase = model.PhaseVoting
	ok(t, chair.SavePBRound(t.Context(), loaded, &r))
	syncOK(t, chair)
	syncOK(t, secretary)
	if got, err := secretary.PBRound(t.Context(), r.ID); err != nil || got.Phase != model.PhaseVoting {
		t.Fatalf("the secretary's laptop holds %+v, %v", got, err)
	}

	// The paper: 300 ballots at two places, some of them invalid.
	rng := rand.New(rand.NewPCG(11, 2027))
	paper := make([]model.PBBallot, 300)
	for i := range paper {
		n := i + 1
		place := "Forsamlingshuset"
		if n > 180 {
			place = "Biblioteket"
		}
		var marks []model.PBMark
		switch {
		case n%97 == 0: // blank
		case n%50 == 0: // four marks
			for _, k := range rng.Perm(7)[:4] {
				marks = append(marks, model.PBMark{Number: k + 1})
			}
		case n == 123: // the rejected church
			marks = []model.PBMark{{Number: 8}, {Number: 2}}
		default:
			for _, k := range rng.Perm(7)[:1+rng.IntN(3)] {
				marks = append(marks, model.PBMark{Number: k + 1})
			}
		}
		paper[i] = model.PBBallot{CouncilID: jy, RoundID: r.ID, Number: n, Place: place, Marks: marks}
	}
	// The typing errors: the secretary's at 17 and 142, the chair's at 263.
	typo := func(b model.PBBallot) model.PBBallot {
		b.Marks = slices.Clone(b.Marks)
		if len(b.Marks) > 1 {
			b.Marks = b.Marks[:len(b.Marks)-1] // a mark left out
			return b
		}
		for k := 1; k <= 7; k++ { // a neighbouring key
			if len(b.Marks) == 0 || b.Marks[0].Number != k {
				b.Marks = []model.PBMark{{Number: k}}
				return b
			}
		}
		return b
	}
	wrong := map[int]map[int]bool{1: {263: true}, 2: {17: true, 142: true}}
	for entry, db := range map[int]*storage.DB{1: chair, 2: secretary} {
		for _, b := range paper {
			x := b
			if wrong[entry][b.Number] {
				x = typo(b)
			}
			x.Entry = entry
			ok(t, db.SavePBBallot(t.Context(), model.PBBallot{}, &x))
		}
	}
	for _, db := range []*storage.DB{chair, secretary, chair, secretary} {
		syncOK(t, db)
	}
	for name, db := range map[string]*storage.DB{"the chair": chair, "the secretary": secretary, "the hub": h.db} {
		d, err := db.PBRoundData(t.Context(), r.ID)
		ok(t, err)
		res, err := d.Result()
		ok(t, err)
		var nums []int
		for _, diff := range res.Tally.Differences {
			nums = append(nums, diff.Number)
		}
		if !slices.Equal(nums, []int{17, 142, 263}) || !res.Pending || len(d.Ballots) != 600 {
			t.Fatalf("%s: differences %v, pending %v, %d entries", name, nums, res.Pending, len(d.Ballots))
		}
	}

	// Settled against the paper on the chair's laptop, as the Differences
	// tab does: the entry that matches the paper is chosen, the other made
	// equal to it.
	d, err := chair.PBRoundData(t.Context(), r.ID)
	ok(t, err)
	res, err := d.Result()
	ok(t, err)
	for _, diff := range res.Tally.Differences {
		right := paper[diff.Number-1]
		var chosen *model.PBBallot
		for i, e := range diff.Entries {
			if fmt.Sprint(e.Marks) == fmt.Sprint(right.Marks) {
				chosen = &diff.Entries[i]
			}
		}
		if chosen == nil {
			t.Fatalf("no entry of %d matches the paper: %+v", diff.Number, diff.Entries)
		}
		for _, e := range diff.Entries {
			if e.ID != chosen.ID {
				x := e
				x.Marks, x.Place = slices.Clone(chosen.Marks), chosen.Place
				ok(t, chair.SavePBBallot(t.Context(), e, &x))
			}
		}
	}
	syncOK(t, chair)
	syncOK(t, secretary)

	// The result every replica counts is the model's count of the paper.
	props, err := chair.PBProposals(t.Context(), r.ID)
	ok(t, err)
	want, err := r.Result(props, paper1(paper), nil)
	ok(t, err)
	if want.Pending || want.Tally.Turnout != 300 || len(want.Winners) == 0 {
		t.Fatalf("the paper's own count: %+v", want.Tally)
	}
	wantInvalid := 0
	for _, b := range paper {
		if len(b.Marks) == 0 || len(b.Marks) > 3 || b.Number == 123 {
			wantInvalid++
		}
	}
	if len(want.Tally.Invalid) != wantInvalid {
		t.Fatalf("the paper has %d invalid ballots, the count says %d", wantInvalid, len(want.Tally.Invalid))
	}
	for name, db := range map[string]*storage.DB{"the chair": chair, "the secretary": secretary, "the hub": h.db} {
		d, err := db.PBRoundData(t.Context(), r.ID)
		ok(t, err)
		got, err := d.Result()
		ok(t, err)
		if got.Pending || len(got.Tally.Differences) != 0 || got.Tally.Turnout != 300 || len(got.Tally.Invalid) != wantInvalid ||
			winners(got) != winners(want) || got.Cost != want.Cost || got.Left != want.Left {
			t.Errorf("%s: winners %s (cost %d, left %d, pending %v, %d invalid), want %s (cost %d, left %d)",
				name, winners(got), got.Cost, got.Left, got.Pending, len(got.Tally.Invalid), winners(want), want.Cost, want.Left)
		}
		if got.Left < 0 || got.Cost > r.Pot {
			t.Errorf("%s: the winners cost %d of a pot of %d", name, got.Cost, r.Pot)
		}
	}

	// Published: the municipality sees the round after its sync.
	loaded = r
	r.Phase = model.PhaseResult
	ok(t, chair.SavePBRound(t.Context(), loaded, &r))
	syncOK(t, chair)
	syncOK(t, staff)
	for name, db := range map[string]*storage.DB{"the hub": h.db, "the staff": staff} {
		all, err := db.PBRoundsAll(t.Context())
		ok(t, err)
		if len(all) != 1 || all[0].Round.ID != r.ID || all[0].Round.Phase != model.PhaseResult || all[0].Council.Name != "Jyderup Lokalråd" ||
			all[0].Proposals != 8 || all[0].Ballots != 300 {
			t.Fatalf("%s sees %+v", name, all)
		}
		d, err := db.PBRoundData(t.Context(), r.ID)
		ok(t, err)
		got, err := d.Result()
		ok(t, err)
		if winners(got) != winners(want) || d.Proposals[0].AdjustedCost != 65_000_00 {
			t.Errorf("%s counts %s, want %s", name, winners(got), winners(want))
		}
	}
	rows, err := staff.CouncilOverviews(t.Context(), now)
	ok(t, err)
	if len(rows) != 1 || rows[0].Extra[storage.OverviewPB] != "Borgerbudget Jyderup 2027 (Resultat)" {
		t.Errorf("the staff's overview: %+v", rows)
	}
	// A ballot typed on the secretary's laptop after publication is
	// refused there (it holds the result after its sync).
	syncOK(t, secretary)
	late := paper[0]
	late.Entry, late.Number = 2, 301
	if err := secretary.SavePBBallot(t.Context(), model.PBBallot{}, &late); err == nil {
		t.Error("a ballot was entered after the result was published")
	}
}

// paper1 is the paper ballots as one counter's entries.
func paper1(paper []model.PBBallot) []model.PBBallot {
	out := slices.Clone(paper)
	for i := range out {
		out[i].Entry = 1
		out[i].ID = fmt.Sprint("paper-", i)
	}
	return out
}

// winners lists a result's winners as "nr. titel", in the order funded.
func winners(res model.PBResult) string {
	var s []string
	for _, w := range res.Winners {
		s = append(s, fmt.Sprintf("%d. %s", w.Number, w.Title))
	}
	return fmt.Sprint(s)
}
