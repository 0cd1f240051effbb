package model

import (
	"fmt"
	"math/big"
	"math/rand"
	"testing"
)

// bigElection is a generated election the size of the largest Pabulib file
// (Warszawa: 160 projects, about 90,000 ballots): approval ballots of 1–8
// marks, skewed to popular projects, costs from 50,000 to 2,000,000, a
// budget that funds about a fifth of them.
func bigElection(projects, ballots int, seed int64) Election {
	r := rand.New(rand.NewSource(seed))
	e := Election{Kind: BallotApproval}
	weights := make([]float64, projects)
	var total int64
	for i := range projects {
		cost := int64(50_000 + r.Intn(40)*50_000)
		total += cost
		e.Projects = append(e.Projects, ElectionProject{ID: fmt.Sprint(1000 + i), Name: fmt.Sprint("Projekt ", i), Cost: big.NewRat(cost, 1)})
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
		var b ElectionBallot
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

// BenchmarkCountMESAdd1Warsaw counts mes-add1 on the Warsaw-sized
// election: "new" is Count as it is; "previous" is the counting before the
// speed work of issue 11 (count_ref_test.go), measured in the same run so
// that the load of the shared machine falls on both alike. cpu-ms/op is the
// process's CPU time an op (both cores together, the garbage collector
// included), which the load distorts less than the wall clock.
func BenchmarkCountMESAdd1Warsaw(b *testing.B) {
	e := bigElection(160, 90_000, 1)
	b.Run("new", func(b *testing.B) {
		var out Outcome
		cpu := processCPU()
		for b.Loop() {
			var err error
			out, err = Count(e, CountMESAdd1)
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(processCPU()-cpu)/1e6/float64(b.N), "cpu-ms/op")
		b.ReportMetric(float64(out.Rounds), "rounds")
		b.ReportMetric(float64(len(out.Selected)), "selected")
	})
	b.Run("previous", func(b *testing.B) {
		var sel []int32
		var rounds int
		cpu := processCPU()
		for b.Loop() {
			c, err := refCompile(e)
			if err != nil {
				b.Fatal(err)
			}
			sel, _, rounds, err = c.refMesAdd1()
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(processCPU()-cpu)/1e6/float64(b.N), "cpu-ms/op")
		b.ReportMetric(float64(rounds), "rounds")
		b.ReportMetric(float64(len(sel)), "selected")
	})
}

func BenchmarkCountMESWarsaw(b *testing.B) {
	e := bigElection(160, 90_000, 1)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Count(e, CountMES); err != nil {
			b.Fatal(err)
		}
	}
}
