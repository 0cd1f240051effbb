package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"lokalraad/storage"
	"lokalraad/storage/postgres/pgtest"
)

// A small push (10 ops) and a council's pull page on a hub holding 200
// councils' ops. `kommune load` measures the whole hub under load.
func BenchmarkSmallPushAndPull(b *testing.B) {
	s := open(b, pgtest.URL(b))
	hlc := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC).UnixMilli() << 16
	var councils []string
	for i := range 200 {
		c, err := s.AddCouncil(b.Context(), fmt.Sprint("Lokalråd ", i))
		if err != nil {
			b.Fatal(err)
		}
		councils = append(councils, c)
	}
	seq := int64(0)
	batch := func(n int, council func(i int) string) {
		ops := make([]storage.Change, n)
		for i := range ops {
			seq++
			ops[i] = storage.Change{Device: "bench", Seq: seq, HLC: hlc + seq, Table: "members", Row: fmt.Sprint("m", seq),
				Council: council(i), Field: "name", Value: fmt.Sprintf("Medlem %d", seq)}
		}
		if got, err := s.HubApply(context.Background(), ops); err != nil || got != n {
			b.Fatalf("push: %d new of %d, %v", got, n, err)
		}
	}
	push := func(council string) { batch(10, func(int) string { return council }) }
	for range 40 { // 20,000 ops, 100 a council
		batch(500, func(i int) string { return councils[i%len(councils)] })
	}
	b.Run("push", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			push(councils[i%len(councils)])
		}
	})
	b.Run("pull", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			ops, _, _, err := s.HubPage(context.Background(), councils[i%len(councils)], storage.Cursor{}, storage.Page{Ops: 1000, Bytes: 4 << 20}, "")
			if err != nil || len(ops) < 50 {
				b.Fatalf("pull: %d ops, %v", len(ops), err)
			}
		}
	})
}
