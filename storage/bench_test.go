package storage_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/demo"
)

var (
	largeOnce sync.Once
	largePath string
	largeErr  error
)

// largeDB is ten years of data for 18 councils, written once per run of
// the benchmarks (it takes a while) into a temp folder, or the one that
// LOKALRAAD_LARGE_DB names (lokalraad demo --large), to save that minute
// and to run two builds on copies of the same data.
func largeDB(b *testing.B) string {
	largeOnce.Do(func() {
		if path := os.Getenv("LOKALRAAD_LARGE_DB"); path != "" {
			largePath = path
			return
		}
		dir, err := osMkdirTemp()
		if err != nil {
			largeErr = err
			return
		}
		largePath = filepath.Join(dir, "large.db")
		db, err := storage.Open(context.Background(), largePath)
		if err != nil {
			largeErr = err
			return
		}
		defer db.Close()
		largeErr = demo.Large(context.Background(), db, fixedNow, demo.LargeSize{Councils: 18, Years: 10}, nil)
	})
	if largeErr != nil {
		b.Fatal(largeErr)
	}
	return largePath
}

// BenchmarkOpenLarge opens the large database: what a user waits for at start.
func BenchmarkOpenLarge(b *testing.B) {
	path := largeDB(b)
	b.ResetTimer()
	for b.Loop() {
		db, err := storage.Open(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Councils(b.Context()); err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

func openLarge(b *testing.B) (*storage.DB, string) {
	db, err := storage.Open(context.Background(), largeDB(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	cs, err := db.Councils(b.Context())
	if err != nil || len(cs) == 0 {
		b.Fatal(err)
	}
	return db, cs[len(cs)/2].ID
}

// BenchmarkListMeetings lists one council's 120 meetings.
func BenchmarkListMeetings(b *testing.B) {
	db, council := openLarge(b)
	for b.Loop() {
		ms, err := db.Meetings(b.Context(), council)
		if err != nil || len(ms) == 0 {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenMeeting reads what the meeting screen shows: agenda, action
// items agreed and those carried over.
func BenchmarkOpenMeeting(b *testing.B) {
	db, council := openLarge(b)
	ms := noerr.Get(db.Meetings(b.Context(), council))(b)
	m := ms[len(ms)-1]
	for b.Loop() {
		if _, err := db.AgendaItems(b.Context(), m.ID); err != nil {
			b.Fatal(err)
		}
		if _, err := db.MeetingActionItems(b.Context(), m.ID); err != nil {
			b.Fatal(err)
		}
		if _, err := db.CarriedOver(b.Context(), m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearch searches one council's ten years of minutes.
func BenchmarkSearch(b *testing.B) {
	db, council := openLarge(b)
	for b.Loop() {
		hits, err := db.Search(b.Context(), council, "shelter sø", 100)
		if err != nil {
			b.Fatal(err)
		}
		_ = hits
	}
}

// BenchmarkCouncilData reads everything of one council, as the exports do.
func BenchmarkCouncilData(b *testing.B) {
	db, council := openLarge(b)
	for b.Loop() {
		if _, err := db.CouncilData(b.Context(), council); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSaveAgendaItem is one edit of the minutes, with its change log.
func BenchmarkSaveAgendaItem(b *testing.B) {
	db, council := openLarge(b)
	ms := noerr.Get(db.Meetings(b.Context(), council))(b)
	items := noerr.Get(db.AgendaItems(b.Context(), ms[len(ms)-1].ID))(b)
	it := items[0]
	i := 0
	for b.Loop() {
		i++
		loaded := it
		it.Notes = "Referat, version " + string(rune('a'+i%26))
		if err := db.SaveAgendaItem(b.Context(), loaded, &it); err != nil {
			b.Fatal(err)
		}
	}
}

func osMkdirTemp() (string, error) { return os.MkdirTemp("", "lokalraad-bench-") }

// BenchmarkDecisions reads one council's decisions register over ten
// years, as the Beslutninger view opens.
func BenchmarkDecisions(b *testing.B) {
	db, council := openLarge(b)
	for b.Loop() {
		ds, err := db.Decisions(b.Context(), council, model.Danish)
		if err != nil || len(ds) == 0 {
			b.Fatal(len(ds), err)
		}
	}
}

// BenchmarkSearchTotal counts every hit of a search past the shown ones.
func BenchmarkSearchTotal(b *testing.B) {
	db, council := openLarge(b)
	for b.Loop() {
		if _, err := db.SearchTotal(b.Context(), council, "shelter sø"); err != nil {
			b.Fatal(err)
		}
	}
}
