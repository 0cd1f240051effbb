package storage_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"lokalraad/storage"
)

// Issue 9: the status bar's note is kept as what happened (a clock 3 days
// ahead, 12 changes re-stamped, 2 refused with the hub's reason), so that
// an English screen can say it in English; read back it is the same, and
// its Danish is the sentence the command line prints.
func TestSyncStateNoteKeptStructured(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	data := storage.StatusNote{
		Clock:   storage.ClockNote{AheadSeconds: int64(3 * 24 * time.Hour / time.Second), Ops: 12, StillWrong: true},
		Refused: storage.RefusedNote{Count: 2, Reason: "referatet er godkendt"}}
	must(t, db.UpdateSyncState(ctx, func(st *storage.SyncState) error {
		st.NoteData, st.NoteAt = data, at
		return nil
	}))
	raw, err := db.Meta(ctx, storage.MetaNote)
	must(t, err)
	if !strings.HasPrefix(raw, "2026-11-26T10:00:00Z {") {
		t.Errorf("stored as %q, want its time and JSON", raw)
	}
	st, err := db.SyncState(ctx)
	must(t, err)
	want := "Enhedens ur gik 3 dage for hurtigt; 12 ændringer er omstemplet. Uret går stadig forkert: ret datoen på computeren." +
		" Kommunen afviste 2 ændringer, som er lagt til side (se Filer › Afviste ændringer): referatet er godkendt"
	if st.NoteData != data || !st.NoteAt.Equal(at) || st.Note != want {
		t.Errorf("read back %+v at %v, %q\nwant %+v, %q", st.NoteData, st.NoteAt, st.Note, data, want)
	}
	// Written again unchanged (another field updated), it stays.
	must(t, db.UpdateSyncState(ctx, func(st *storage.SyncState) error { st.Error = "x"; return nil }))
	if again, err := db.SyncState(ctx); err != nil || again.NoteData != data || again.Note != want {
		t.Errorf("after another update: %+v, %q, %v", again.NoteData, again.Note, err)
	}
}

// A note an older version stored as Danish text still shows, as it is.
func TestSyncStateNoteOldText(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	old := "Kommunen afviste 1 ændring(er), som er lagt til side (se Filer → Afviste ændringer): {ugyldig}"
	must(t, db.SetMeta(ctx, storage.MetaNote, "2026-11-26T10:00:00Z "+old))
	st, err := db.SyncState(ctx)
	must(t, err)
	if st.Note != old || !st.NoteData.IsZero() || !st.NoteAt.Equal(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("old note read as %q, %+v at %v", st.Note, st.NoteData, st.NoteAt)
	}
	must(t, db.UpdateSyncState(ctx, func(st *storage.SyncState) error { st.Error = "x"; return nil }))
	if raw, err := db.Meta(ctx, storage.MetaNote); err != nil || raw != "2026-11-26T10:00:00Z "+old {
		t.Errorf("old note written back as %q, %v", raw, err)
	}
}

// The clock's lead is said in days, hours or minutes, one or many, as
// before it was kept structured.
func TestRestampedClockNoteDanish(t *testing.T) {
	for _, c := range []struct {
		ahead time.Duration
		ops   int
		want  string
	}{
		{20 * time.Second, 0, "Enhedens ur gik 1 minut for hurtigt; det er nu stillet tilbage."},
		{45 * time.Minute, 1, "Enhedens ur gik 45 minutter for hurtigt; 1 ændring er omstemplet."},
		{2 * time.Hour, 3, "Enhedens ur gik 2 timer for hurtigt; 3 ændringer er omstemplet."},
		{36 * time.Hour, 2, "Enhedens ur gik 2 dage for hurtigt; 2 ændringer er omstemplet."},
		{35*time.Hour + 59*time.Minute, 2, "Enhedens ur gik 36 timer for hurtigt; 2 ændringer er omstemplet."},
		{0, 2, "Enhedens ur gik 1 minut for hurtigt; 2 ændringer er omstemplet."},
	} {
		r := storage.Restamped{Ops: c.ops, Ahead: c.ahead}
		if got := r.Note(); got != c.want || r.ClockNote().Danish() != got {
			t.Errorf("%v ahead, %d ops: %q, want %q", c.ahead, c.ops, got, c.want)
		}
	}
	if n := (storage.Restamped{}).ClockNote(); !n.IsZero() || n.Danish() != "" {
		t.Errorf("nothing done noted as %+v %q", n, n.Danish())
	}
}
