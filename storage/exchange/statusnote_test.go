package exchange

import (
	"context"
	"strings"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// Issue 9: a laptop two days ahead of its hub and peers keeps the note as
// what happened (2 days, the changes re-stamped, still wrong) for a screen
// to say in its language; the next sync, its clock still wrong, neither
// says it again nor changes the note.
func TestClockNoteStoredStructured(t *testing.T) {
	_, council, a := aheadOfPeers(t)
	ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Åse", Role: model.RoleMember}))
	res := syncOK(t, a)
	st := noerr.Get(a.SyncState(t.Context()))(t)
	n, unit := st.NoteData.Clock.AheadUnit()
	if !st.NoteData.Clock.StillWrong || n != 2 || unit != "day" || st.NoteData.Clock.Ops != res.Restamped || !st.NoteData.Refused.IsZero() {
		t.Fatalf("stored note %+v after re-stamping %d", st.NoteData, res.Restamped)
	}
	if raw := noerr.Get(a.Meta(t.Context(), storage.MetaNote))(t); !strings.Contains(raw, `"still_wrong":true`) {
		t.Errorf("stored as %q", raw)
	}
	if st.Note != res.Note {
		t.Errorf("its Danish %q, the sync said %q", st.Note, res.Note)
	}
	ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Bo", Role: model.RoleMember}))
	if again := syncOK(t, a); again.Note != "" || again.Restamped == 0 {
		t.Errorf("second sync: %+v", again)
	}
	if later := noerr.Get(a.SyncState(t.Context()))(t); later.NoteData != st.NoteData || !later.NoteAt.Equal(st.NoteAt) {
		t.Errorf("second sync changed the note: %+v at %v, was %+v at %v", later.NoteData, later.NoteAt, st.NoteData, st.NoteAt)
	}
}

// A change the hub refuses for good is noted with its count and the hub's
// reason, which only a Danish screen shows.
func TestRefusedNoteStoredStructured(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup")
	a := h.laptop(t, "a", council, 0)
	syncOK(t, a)
	h.srv.MaxOp = 50_000
	p := model.Project{CouncilID: council, Title: "Shelter", Status: model.ProjectIdea, Description: strings.Repeat("Lang tekst.\n", 6000)}
	ok(t, a.SaveProject(t.Context(), model.Project{}, &p))
	r, err := cli.Sync(context.Background(), a, "")
	if err != nil || r.Refused != 1 {
		t.Fatalf("long description: %+v, %v", r, err)
	}
	refused := noerr.Get(a.RefusedChanges(t.Context(), council))(t)
	st := noerr.Get(a.SyncState(t.Context()))(t)
	want := storage.RefusedNote{Count: 1, Reason: refused[0].Reason}
	if len(refused) != 1 || st.NoteData.Refused != want || !st.NoteData.Clock.IsZero() {
		t.Errorf("stored note %+v, want %+v", st.NoteData, want)
	}
	if !strings.HasPrefix(st.Note, "Kommunen afviste 1 ændring, som er lagt til side") || st.Note != r.Note {
		t.Errorf("its Danish %q, the sync said %q", st.Note, r.Note)
	}
}
