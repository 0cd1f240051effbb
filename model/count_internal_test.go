package model

import (
	"fmt"
	"math/big"
	"math/rand"
	"slices"
	"testing"
)

// TestFastMESAgreesWithExact runs the float MES and the exact one on
// generated elections of a few thousand ballots, over the first rounds of
// mes-add1: where the float run says it is sure, it selects exactly what
// the exact run selects, in the same order.
func TestFastMESAgreesWithExact(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	sure := 0
	for i := range 6 {
		e := Election{Kind: BallotApproval}
		np := 10 + r.Intn(30)
		var total int64
		for p := range np {
			cost := int64(1000 + r.Intn(100)*1000)
			if i%2 == 1 {
				cost = int64(1+r.Intn(5)) * 10_000 // many equal costs: ties
			}
			total += cost
			e.Projects = append(e.Projects, ElectionProject{ID: fmt.Sprint(p), Cost: big.NewRat(cost, 1)})
		}
		e.Budget = big.NewRat(total/4, 1)
		for range 500 + r.Intn(3000) {
			var b ElectionBallot
			seen := map[int]bool{}
			for range 1 + r.Intn(5) {
				p := int(float64(np) * r.Float64() * r.Float64())
				if !seen[p] {
					seen[p] = true
					b.Projects = append(b.Projects, fmt.Sprint(p))
				}
			}
			e.Ballots = append(e.Ballots, b)
		}
		c, err := compile(e)
		if err != nil {
			t.Fatal(err)
		}
		fr := c.newFastRun()
		per := new(big.Rat).Quo(c.budget, big.NewRat(c.n, 1))
		for k := 0; k < 60; k += 3 {
			pk := new(big.Rat).Add(per, big.NewRat(int64(k), 1))
			f, _ := pk.Float64()
			fast, ok := c.mesFast(fr, f, nil)
			if !ok {
				continue
			}
			sure++
			exact := c.mesExact(pk, nil)
			if !slices.Equal(fast, exact.selected) {
				t.Fatalf("election %d, +%d per ballot: float %v, exact %v", i, k, fast, exact.selected)
			}
		}
	}
	if sure < 20 {
		t.Errorf("the float run was sure in only %d rounds", sure)
	}
}

// TestLargeElectionExplained: above exactReplayTypes distinct ballots the
// steps come from the float run; they must still add up: what the
// supporters paid is the cost, to the øre.
func TestLargeElectionExplained(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	e := Election{Kind: BallotApproval, Budget: big.NewRat(3_000_000, 1)}
	for p := range 40 {
		e.Projects = append(e.Projects, ElectionProject{ID: fmt.Sprint(p), Cost: big.NewRat(int64(50_000+r.Intn(400)*1000), 1)})
	}
	for range 40_000 {
		var b ElectionBallot
		for p := range 40 {
			if r.Intn(6) == 0 {
				b.Projects = append(b.Projects, fmt.Sprint(p))
			}
		}
		e.Ballots = append(e.Ballots, b)
	}
	c, _ := compile(e)
	if len(c.typeW) <= exactReplayTypes {
		t.Fatalf("only %d distinct ballots", len(c.typeW))
	}
	for _, m := range []CountMethod{CountMES, CountMESAdd1} {
		out, err := Count(e, m)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Selected) == 0 {
			t.Fatalf("%s selected nothing", m)
		}
		for _, st := range out.Steps[:len(out.Selected)] {
			paid := new(big.Rat).Mul(st.Share, big.NewRat(int64(st.FullPayers), 1))
			paid.Add(paid, st.PartPaid)
			diff, _ := new(big.Rat).Sub(paid, st.Cost).Float64()
			if !st.Funded || st.Reason == "" || diff > 0.005 || diff < -0.005 {
				t.Errorf("%s: %s paid %s for a cost of %s", m, st.Project, paid.FloatString(4), st.Cost.FloatString(2))
			}
		}
		if out.Cost.Cmp(e.Budget) > 0 {
			t.Errorf("%s spends %s", m, out.Cost.FloatString(2))
		}
	}
}
