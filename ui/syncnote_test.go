package ui

import (
	"strings"
	"testing"
	"time"

	"lokalraad/storage"
)

// Issue 9: the sync status line says the note about this computer's clock
// and about its refused changes in the screen's language. In English no
// Danish word is left: the hub's reason, which it words in Danish, is left
// out, and the line says where the refused changes are (File › Refused
// changes). In Danish it is the Danish the command line prints, the hub's
// reason included.
func TestSyncNoteInScreenLanguage(t *testing.T) {
	u, db, _ := withCouncil(t)
	defer SetupLanguage("da")
	reason := "referatet er godkendt, og kun kommunen kan ændre det"
	show := func(n storage.StatusNote, text string, age time.Duration) string {
		t.Helper()
		ok(t, db.UpdateSyncState(t.Context(), func(st *storage.SyncState) error {
			st.Server, st.Token = "https://lokalraad.holbaek.dk", "dev1.hemmelig"
			st.NoteData, st.Note, st.NoteAt = n, text, db.Now().Add(-age).UTC().Truncate(time.Second)
			return nil
		}))
		u.sync.refresh()
		if !u.sync.problem.Visible() {
			return ""
		}
		return u.sync.problem.Text
	}
	day := int64(24 * time.Hour / time.Second)
	for _, c := range []struct {
		note storage.StatusNote
		en   string
	}{
		{storage.StatusNote{Clock: storage.ClockNote{AheadSeconds: 3 * day, Ops: 2, StillWrong: true}},
			"This computer's clock ran 3 days fast; 2 changes are re-stamped. The clock is still wrong: correct the date on the computer."},
		{storage.StatusNote{Clock: storage.ClockNote{AheadSeconds: 100 * 60}},
			"This computer's clock ran 2 hours fast; it is set back now."},
		{storage.StatusNote{Refused: storage.RefusedNote{Count: 1, Reason: reason}},
			"The municipality refused 1 change, which is set aside (see File › Refused changes)."},
		{storage.StatusNote{Clock: storage.ClockNote{AheadSeconds: day, Ops: 1}, Refused: storage.RefusedNote{Count: 3, Reason: reason}},
			"This computer's clock ran 24 hours fast; 1 change is re-stamped. The municipality refused 3 changes, which are set aside (see File › Refused changes)."},
		{storage.StatusNote{Refused: storage.RefusedNote{Count: 2, Reason: reason, Bundle: true}},
			"2 of this computer's changes are refused now and set aside (see File › Refused changes)."},
		{storage.StatusNote{Refused: storage.RefusedNote{Count: 1, Reason: reason, Bundle: true}},
			"1 of this computer's changes is refused now and set aside (see File › Refused changes)."},
	} {
		ok(t, SetupLanguage("en"))
		en := show(c.note, "", time.Hour)
		if en != c.en {
			t.Errorf("English status line %q, want %q", en, c.en)
		}
		for _, w := range []string{"ændring", "uret", "afviste", "for hurtigt", "omstemplet", "filer", "referatet", "enhedens"} {
			if strings.Contains(strings.ToLower(en), w) {
				t.Errorf("English status line %q says »%s«", en, w)
			}
		}
		ok(t, SetupLanguage("da"))
		if da := show(c.note, "", time.Hour); da != c.note.Danish() {
			t.Errorf("Danish status line %q, want %q", da, c.note.Danish())
		}
	}
	// Today's Danish, word for word.
	ok(t, SetupLanguage("da"))
	clock := storage.StatusNote{Clock: storage.ClockNote{AheadSeconds: 3 * day, Ops: 12}}
	if da := show(clock, "", time.Hour); da != "Enhedens ur gik 3 dage for hurtigt; 12 ændringer er omstemplet." {
		t.Errorf("Danish clock note %q", da)
	}
	refused := storage.StatusNote{Refused: storage.RefusedNote{Count: 2, Reason: reason}}
	if da := show(refused, "", time.Hour); da != "Kommunen afviste 2 ændringer, som er lagt til side (se Filer › Afviste ændringer): "+reason {
		t.Errorf("Danish refusal note %q", da)
	}
	// A note an older version stored as text shows as it is, also in
	// English; a note older than a week shows no more.
	old := "Enhedens ur gik 3 dage for hurtigt; 2 ændringer er omstemplet."
	ok(t, SetupLanguage("en"))
	if got := show(storage.StatusNote{}, old, time.Hour); got != old {
		t.Errorf("an older version's note shows as %q", got)
	}
	if got := show(clock, "", 8*24*time.Hour); got != "" {
		t.Errorf("a note of 8 days ago still shows: %q", got)
	}
}
