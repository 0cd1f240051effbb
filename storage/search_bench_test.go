package storage_test

import (
	"slices"
	"testing"
	"time"

	"lokalraad/storage"
)

// searchQueries are what people type into the search field: whole words,
// word starts of two letters and more, æ ø å, several words.
var searchQueries = []string{
	"sti", "shelter sø", "byfest", "legepl", "forsamlingshus", "søen", "skole", "bålplads", "trafik",
	"belysning natur", "kultur", "frivillige", "fællesspisning", "bænke", "træer", "cykelsti", "hal",
	"bibliotek kirken", "forsaml", "sø", "medlem", "kirke sti træ",
}

// BenchmarkSearchQueries runs the queries one after another on one council
// of the large data set, with the search screen's limit (200 hits), and
// reports the median and 95th percentile of a single query.
func BenchmarkSearchQueries(b *testing.B) {
	db, council := openLarge(b)
	var took, cpu []time.Duration
	for b.Loop() {
		for _, q := range searchQueries {
			start, c0 := time.Now(), storage.CPUTime()
			hits, err := db.Search(council, q, 200)
			took = append(took, time.Since(start))
			cpu = append(cpu, storage.CPUTime()-c0)
			if err != nil || len(hits) == 0 {
				b.Fatalf("Search(%q): %d hits, %v", q, len(hits), err)
			}
		}
	}
	slices.Sort(took)
	slices.Sort(cpu)
	ms := func(ds []time.Duration, p float64) float64 {
		return float64(ds[int(p*float64(len(ds)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(ms(took, 0.50), "p50-ms")
	b.ReportMetric(ms(took, 0.95), "p95-ms")
	// By CPU time too: on a shared machine the wall clock also counts the
	// time other programs had the cores (a 10 ms granularity where the
	// kernel counts by ticks).
	b.ReportMetric(ms(cpu, 0.50), "p50-cpu-ms")
	b.ReportMetric(ms(cpu, 0.95), "p95-cpu-ms")
	b.ReportMetric(float64(len(searchQueries)), "queries/op")
}
