package storage_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/demo"
)

// The demo council's finished round of citizen budgeting: counted, final
// (no difference left open), the same on every computer.
func TestDemoBorgerbudget(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	var results []string
	for i := range 2 {
		db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), fmt.Sprint(i, ".db")))
		must(t, err)
		defer db.Close()
		council, err := demo.Council(t.Context(), db, now)
		must(t, err)
		rounds, err := db.PBRounds(t.Context(), council)
		must(t, err)
		if len(rounds) != 1 || rounds[0].Title != "Borgerbudget 2026" || rounds[0].Phase != model.PhaseResult ||
			rounds[0].Pot != 150_000_00 || rounds[0].Method != model.CountMESAdd1 || rounds[0].MaxChoices != 3 {
			t.Fatalf("demo rounds: %+v", rounds)
		}
		d, err := db.PBRoundData(t.Context(), rounds[0].ID)
		must(t, err)
		rejected := 0
		for _, p := range d.Proposals {
			if p.Status == model.ProposalRejected && p.Reason != "" {
				rejected++
			}
		}
		if len(d.Proposals) != 10 || rejected != 2 || len(d.Ballots) != 2*demo.DemoPBBallots {
			t.Fatalf("%d proposals (%d rejected with a reason), %d ballot entries", len(d.Proposals), rejected, len(d.Ballots))
		}
		res, err := d.Result()
		must(t, err)
		tl := res.Tally
		if res.Pending || tl.Turnout != demo.DemoPBBallots || len(tl.Invalid) < 3 || len(tl.Invalid) > 15 || len(tl.Places) != 2 || len(tl.Single) != 0 {
			t.Fatalf("tally: pending %v, turnout %d, %d invalid, %d places, %d single", res.Pending, tl.Turnout, len(tl.Invalid), len(tl.Places), len(tl.Single))
		}
		if len(res.Winners) < 2 || res.Cost > d.Round.Pot || res.Left != d.Round.Pot-res.Cost {
			t.Fatalf("winners %d, cost %d, left %d", len(res.Winners), res.Cost, res.Left)
		}
		// Two numbers were corrected after the counters differed.
		corrections := 0
		ops, err := db.CouncilOps(context.Background(), council)
		must(t, err)
		for _, o := range ops {
			if o.Table == "pb_ballots" && o.Field == "marks" {
				corrections++
			}
		}
		if corrections != 2*demo.DemoPBBallots+2 {
			t.Fatalf("%d marks ops, want every entry and 2 corrections", corrections)
		}
		var s string
		for _, w := range res.Winners {
			s += fmt.Sprintf("%d %s; ", w.Number, w.Title)
		}
		results = append(results, fmt.Sprint(s, tl.Votes))
	}
	if results[0] != results[1] {
		t.Fatalf("the demo round differs between two computers:\n%s\n%s", results[0], results[1])
	}
	t.Log(results[0])
}
