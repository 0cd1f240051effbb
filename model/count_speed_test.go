package model_test

import (
	"fmt"
	"math/big"
	"math/rand"
	"slices"
	"testing"

	"lokalraad/model"
)

// speedElection is a random election for checking the fast MES against
// the plain one: up to a few hundred ballots of every kind (points and
// ranks must not matter to MES), costs drawn from few values so that ties
// of ρ are common, some proposals free of cost, some ballots blank, and
// sometimes a drawn lot.
func speedElection(r *rand.Rand) model.Election {
	kinds := []model.BallotKind{model.BallotApproval, model.BallotCumulative, model.BallotScoring, model.BallotOrdinal}
	e := model.Election{Kind: kinds[r.Intn(len(kinds))]}
	np := 2 + r.Intn(9)
	nb := 20 + r.Intn(200)
	var total int64
	for i := range np {
		var c int64
		switch r.Intn(4) {
		case 0:
			c = 0 // free: never selected by MES
		case 1:
			c = int64(1+r.Intn(3)) * int64(nb) // equal costs: ties of ρ
		default:
			c = int64(1 + r.Intn(4*nb))
		}
		total += c
		e.Projects = append(e.Projects, model.ElectionProject{ID: fmt.Sprintf("P%d", i), Cost: big.NewRat(c, 1)})
	}
	// A budget of a fraction of the total, often with øre.
	e.Budget = big.NewRat(int64(r.Intn(int(total+1)))*100+int64(r.Intn(100)), 100)
	popular := r.Perm(np)
	for range nb {
		var b model.ElectionBallot
		for _, i := range popular {
			if r.Intn(1+i%3) == 0 && r.Intn(2) == 0 {
				b.Projects = append(b.Projects, e.Projects[i].ID)
				switch e.Kind {
				case model.BallotCumulative:
					b.Points = append(b.Points, int64(r.Intn(5)))
				case model.BallotScoring:
					b.Points = append(b.Points, int64(r.Intn(11)-5))
				}
			}
		}
		e.Ballots = append(e.Ballots, b)
	}
	if r.Intn(2) == 0 {
		// A twin: the same cost and the same supporters as another
		// proposal, so their ρ tie exactly at every step.
		i := r.Intn(np)
		twin := fmt.Sprintf("T%d", i)
		e.Projects = append(e.Projects, model.ElectionProject{ID: twin, Cost: e.Projects[i].Cost})
		for b := range e.Ballots {
			if slices.Contains(e.Ballots[b].Projects, e.Projects[i].ID) {
				e.Ballots[b].Projects = append(e.Ballots[b].Projects, twin)
				if e.Kind == model.BallotCumulative || e.Kind == model.BallotScoring {
					e.Ballots[b].Points = append(e.Ballots[b].Points, 1)
				}
			}
		}
		np++
	}
	if e.Kind == model.BallotOrdinal {
		e.MaxLength = np
	}
	if r.Intn(3) == 0 {
		for _, i := range r.Perm(np) {
			e.TieOrder = append(e.TieOrder, e.Projects[i].ID)
		}
	}
	return e
}

// TestFastCountMatchesPlainMES: on 200 random elections of every ballot
// kind, with ties, free proposals and blank ballots, mes selects exactly
// what the plain MES (one purse per ballot, exact, count_test.go's
// naiveMES) selects, in the same order; and mes-add1 returns the plain
// MES's outcome at the first number of units per ballot at which that
// outcome is exhaustive or the next one overspends, checked round by
// round with the plain MES.
func TestFastCountMatchesPlainMES(t *testing.T) {
	r := rand.New(rand.NewSource(1111))
	checkedRounds, ties := 0, 0
	for i := range 200 {
		e := speedElection(r)
		per := new(big.Rat).Quo(e.Budget, big.NewRat(int64(len(e.Ballots)), 1))
		out, err := model.Count(e, model.CountMES)
		if err != nil {
			t.Fatalf("#%d mes: %v", i, err)
		}
		want, _ := naiveMES(e, per)
		if !slices.Equal(out.Selected, want) {
			t.Fatalf("#%d %s mes: %v, plain %v", i, e.Kind, out.Selected, want)
		}
		if out.TieDecided {
			ties++
		}
		add1, err := model.Count(e, model.CountMESAdd1)
		if err != nil {
			t.Fatalf("#%d mes-add1: %v", i, err)
		}
		if add1.TieDecided {
			ties++
		}
		if add1.Rounds > 60 {
			// Too many rounds for the plain MES each: check the round
			// returned and the next.
			sel, _ := naiveMES(e, add1.PerBallot)
			if !slices.Equal(add1.Selected, sel) {
				t.Fatalf("#%d mes-add1 %v, plain at %s %v", i, add1.Selected, add1.PerBallot.RatString(), sel)
			}
			continue
		}
		// The plain completion: MES at B/n, B/n+1, … until an outcome is
		// exhaustive (return it) or overspends (return the one before).
		var prev []string
		prevPer := new(big.Rat)
		var wantSel []string
		var wantPer *big.Rat
		for k := 0; ; k++ {
			pk := new(big.Rat).Add(per, big.NewRat(int64(k), 1))
			sel, cost := naiveMES(e, pk)
			checkedRounds++
			if cost.Cmp(e.Budget) > 0 {
				wantSel, wantPer = prev, prevPer
				break
			}
			o := model.Outcome{Selected: sel, Left: new(big.Rat).Sub(e.Budget, cost)}
			if exhaustive(e, o) {
				wantSel, wantPer = sel, pk
				break
			}
			prev, prevPer = sel, pk
			if k > 70 {
				t.Fatalf("#%d: Count said %d rounds, the plain completion goes on", i, add1.Rounds)
			}
		}
		if !slices.Equal(add1.Selected, wantSel) || (len(wantSel) > 0 && add1.PerBallot.Cmp(wantPer) != 0) {
			t.Fatalf("#%d %s mes-add1: %v at %s, plain %v at %s", i, e.Kind, add1.Selected, add1.PerBallot.RatString(), wantSel, wantPer.RatString())
		}
	}
	if checkedRounds < 500 || ties < 30 {
		t.Errorf("too easy: %d rounds checked in full, %d counts decided by a tie", checkedRounds, ties)
	}
	t.Logf("%d rounds checked in full, %d ties", checkedRounds, ties)
}
