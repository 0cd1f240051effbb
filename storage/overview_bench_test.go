package storage_test

import (
	"context"
	"os"
	"testing"

	"lokalraad/storage"
)

// BenchmarkCouncilOverviews builds the municipality's overview of 18
// councils with ten years each (the large data set): the staff screen's
// and the web page's one query. LOKALRAAD_LARGE_DB names a large data set
// written already (lokalraad demo --large), to save the minute it takes.
func BenchmarkCouncilOverviews(b *testing.B) {
	var db *storage.DB
	if path := os.Getenv("LOKALRAAD_LARGE_DB"); path != "" {
		var err error
		if db, err = storage.Open(context.Background(), path); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
	} else {
		db, _ = openLarge(b)
	}
	b.ResetTimer()
	for b.Loop() {
		rows, err := db.CouncilOverviews(b.Context(), fixedNow)
		if err != nil || len(rows) != 18 {
			b.Fatalf("%d rows: %v", len(rows), err)
		}
	}
}
