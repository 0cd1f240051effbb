package model_test

import (
	"fmt"
	"math/big"
	"math/rand"
	"testing"

	"lokalraad/model"
)

// bigElection is a generated election the size of the largest Pabulib file
// (Warszawa: 160 projects, about 90,000 ballots): approval ballots of 1–8
// marks, skewed to popular projects, costs from 50,000 to 2,000,000, a
// budget that funds about a fifth of them.
func bigElection(projects, ballots int, seed int64) model.Election {
	r := rand.New(rand.NewSource(seed))
	e := model.Election{Kind: model.BallotApproval}
	weights := make([]float64, projects)
	var total int64
	for i := range projects {
		cost := int64(50_000 + r.Intn(40)*50_000)
		total += cost
		e.Projects = append(e.Projects, model.ElectionProject{ID: fmt.Sprint(1000 + i), Name: fmt.Sprint("Projekt ", i), Cost: big.NewRat(cost, 1)})
		weights[i] = 1 / float64(i+3) // Zipf-like popularity
	}
	var wsum float64
	for _, w := range weights {
		wsum += w
	}
	e.Budget = big.NewRat(total/5, 1)
	for range ballots {
		marks := 1 + r.Intn(8)
		seen := map[int]bool{}
		var b model.ElectionBallot
		for len(b.Projects) < marks {
			x := r.Float64() * wsum
			p := 0
			for ; p < projects-1 && x > weights[p]; p++ {
				x -= weights[p]
			}
			if !seen[p] {
				seen[p] = true
				b.Projects = append(b.Projects, e.Projects[p].ID)
			}
		}
		e.Ballots = append(e.Ballots, b)
	}
	return e
}

func BenchmarkCountMESAdd1Warsaw(b *testing.B) {
	e := bigElection(160, 90_000, 1)
	b.ResetTimer()
	var out model.Outcome
	for b.Loop() {
		var err error
		out, err = model.Count(e, model.CountMESAdd1)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(out.Rounds), "rounds")
	b.ReportMetric(float64(len(out.Selected)), "selected")
}

func BenchmarkCountMESWarsaw(b *testing.B) {
	e := bigElection(160, 90_000, 1)
	b.ResetTimer()
	for b.Loop() {
		if _, err := model.Count(e, model.CountMES); err != nil {
			b.Fatal(err)
		}
	}
}
