package storage_test

import (
	"slices"
	"testing"
	"time"
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
	var took []time.Duration
	for b.Loop() {
		for _, q := range searchQueries {
			start := time.Now()
			hits, err := db.Search(b.Context(), council, q, 200)
			took = append(took, time.Since(start))
			if err != nil || len(hits) == 0 {
				b.Fatalf("Search(%q): %d hits, %v", q, len(hits), err)
			}
		}
	}
	slices.Sort(took)
	ms := func(p float64) float64 {
		return float64(took[int(p*float64(len(took)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.95), "p95-ms")
	b.ReportMetric(float64(len(searchQueries)), "queries/op")
}
