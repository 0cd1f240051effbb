package storage_test

import "testing"

// BenchmarkCouncilOverviews builds the municipality's overview of 18
// councils with ten years each (the large data set): the staff screen's
// and the web page's one query.
func BenchmarkCouncilOverviews(b *testing.B) {
	db, _ := openLarge(b)
	b.ResetTimer()
	for b.Loop() {
		rows, err := db.CouncilOverviews(fixedNow)
		if err != nil || len(rows) != 18 {
			b.Fatalf("%d rows: %v", len(rows), err)
		}
	}
}
