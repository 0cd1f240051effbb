package storage

// Adversarial review of issue 8 at the storage level.

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// Finding 8 for long text: an editor of minutes left open during a sync.
// Laptop a loads the item; b's edit of one line arrives; a's user then
// edits another line in the open editor, and it saves with the value it
// loaded. Both lines stay, in the text or (adjacent lines, which diff3
// cannot tell apart) in a conflict: never one of them gone.
func TestAttackStaleMinutesEditor(t *testing.T) {
	for _, tt := range []struct {
		name         string
		notes, b, a  string
		bLine, aLine string
		inText       bool // both lines in the text itself, no conflict
	}{
		{"lines apart", "Linje 1\nLinje 2\nLinje 3\n", "Linje 1 fra b\nLinje 2\nLinje 3\n", "Linje 1\nLinje 2\nLinje 3 fra a\n", "Linje 1 fra b", "Linje 3 fra a", true},
		{"adjacent lines", "Linje 1\nLinje 2\nLinje 3\nLinje 4\n", "Linje 1\nLinje 2\nLinje 3 fra b\nLinje 4\n", "Linje 1\nLinje 2 fra a\nLinje 3\nLinje 4\n", "Linje 3 fra b", "Linje 2 fra a", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, b := replica(t, "a"), replica(t, "b")
			c := model.Council{Name: "Råd"}
			ok(t, a.SaveCouncil(t.Context(), model.Council{}, &c))
			m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: syncNow}
			ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &m))
			it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "P", Kind: model.ItemDecision, Notes: tt.notes}
			ok(t, a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
			_, err := b.ApplyOps(context.Background(), mustOps(t, a))
			ok(t, err)

			loaded, err := a.AgendaItem(t.Context(), it.ID) // a's editor opens
			ok(t, err)
			bi, err := b.AgendaItem(t.Context(), it.ID)
			ok(t, err)
			nb := bi
			nb.Notes = tt.b
			ok(t, b.SaveAgendaItem(t.Context(), bi, &nb))
			_, err = a.ApplyOps(context.Background(), mustOps(t, b)) // a syncs while the editor is open
			ok(t, err)
			x := loaded
			x.Notes = tt.a
			ok(t, a.SaveAgendaItem(t.Context(), loaded, &x))
			_, err = b.ApplyOps(context.Background(), mustOps(t, a))
			ok(t, err)
			for name, db := range map[string]*DB{"a": a, "b": b} {
				got, err := db.AgendaItem(t.Context(), it.ID)
				ok(t, err)
				cs := noerr.Get(db.Conflicts(t.Context(), c.ID))(t)
				kept := got.Notes + fmt.Sprint(cs)
				if tt.inText {
					kept = got.Notes
				}
				if !strings.Contains(kept, tt.bLine) || !strings.Contains(kept, tt.aLine) {
					t.Errorf("%s: a line is lost: notes %q, conflicts %+v", name, got.Notes, cs)
				}
			}
		})
	}
}

// Same field, short: a's editor shows the title "P"; b's "Q" arrives by
// sync while it is open; a's user, who never saw "Q", types "R". The save
// writes "R" as an edit that had seen "Q" (rebase: "otherwise the
// editor's value is the edit"), so "Q" is replaced with no conflict kept,
// where the same two edits made on two laptops keep one.
func TestAttackStaleEditorSameShortField(t *testing.T) {
	a, b := replica(t, "a"), replica(t, "b")
	c := model.Council{Name: "Råd"}
	ok(t, a.SaveCouncil(t.Context(), model.Council{}, &c))
	p := model.Project{CouncilID: c.ID, Title: "P", Status: model.ProjectIdea}
	ok(t, a.SaveProject(t.Context(), model.Project{}, &p))
	_, err := b.ApplyOps(context.Background(), mustOps(t, a))
	ok(t, err)
	loaded, err := a.Project(t.Context(), p.ID)
	ok(t, err)
	bp, err := b.Project(t.Context(), p.ID)
	ok(t, err)
	nb := bp
	nb.Title = "Q"
	ok(t, b.SaveProject(t.Context(), bp, &nb))
	_, err = a.ApplyOps(context.Background(), mustOps(t, b))
	ok(t, err)
	x := loaded
	x.Title = "R"
	ok(t, a.SaveProject(t.Context(), loaded, &x))
	cs := noerr.Get(a.Conflicts(t.Context(), c.ID))(t)
	got := noerr.Get(a.Project(t.Context(), p.ID))(t)
	if !strings.Contains(fmt.Sprint(got.Title, cs), "Q") {
		t.Errorf("b's title %q is gone without a conflict: title %q, conflicts %+v", "Q", got.Title, cs)
	}
}
