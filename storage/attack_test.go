package storage

// Adversarial review of issue 8 at the storage level.

import (
	"fmt"
	"strings"
	"testing"

	"lokalraad/model"
)

// Finding 8 for long text: an editor of minutes left open during a sync.
// Laptop a loads the item; b's edit of line 1 arrives; a's user then edits
// line 3 in the open editor and it saves with the value it loaded. Both
// lines must survive (and without a conflict: they are different lines).
func TestAttackStaleMinutesEditorKeepsOtherLine(t *testing.T) {
	a, b := replica(t, "a"), replica(t, "b")
	c := model.Council{Name: "Råd"}
	ok(t, a.SaveCouncil(model.Council{}, &c))
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: syncNow}
	ok(t, a.SaveMeeting(model.Meeting{}, &m))
	it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "P", Kind: model.ItemDecision, Notes: "Linje 1\nLinje 2\nLinje 3\n"}
	ok(t, a.SaveAgendaItem(model.AgendaItem{}, &it))
	_, err := b.ApplyOps(mustOps(t, a))
	ok(t, err)

	loaded, err := a.AgendaItem(it.ID) // a's editor opens
	ok(t, err)
	bi, err := b.AgendaItem(it.ID)
	ok(t, err)
	nb := bi
	nb.Notes = "Linje 1 fra b\nLinje 2\nLinje 3\n"
	ok(t, b.SaveAgendaItem(bi, &nb))
	_, err = a.ApplyOps(mustOps(t, b)) // a syncs while the editor is open
	ok(t, err)
	x := loaded
	x.Notes = "Linje 1\nLinje 2\nLinje 3 fra a\n"
	ok(t, a.SaveAgendaItem(loaded, &x))
	_, err = b.ApplyOps(mustOps(t, a))
	ok(t, err)
	for name, db := range map[string]*DB{"a": a, "b": b} {
		got, err := db.AgendaItem(it.ID)
		ok(t, err)
		if !strings.Contains(got.Notes, "Linje 1 fra b") || !strings.Contains(got.Notes, "Linje 3 fra a") {
			cs, _ := db.Conflicts(c.ID)
			t.Errorf("%s: notes %q, conflicts %+v", name, got.Notes, cs)
		}
	}
}

// The same with adjacent lines (found by TestAttackPropertyStaleEditors…):
// b's edit of line 3 arrives while a's editor is open; a edits line 2 and
// saves with the value it loaded. b's line is gone on every replica and no
// conflict keeps it.
func TestAttackStaleMinutesEditorAdjacentLine(t *testing.T) {
	a, b := replica(t, "a"), replica(t, "b")
	c := model.Council{Name: "Råd"}
	ok(t, a.SaveCouncil(model.Council{}, &c))
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: syncNow}
	ok(t, a.SaveMeeting(model.Meeting{}, &m))
	it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "P", Kind: model.ItemDecision, Notes: "Linje 1\nLinje 2\nLinje 3\nLinje 4\n"}
	ok(t, a.SaveAgendaItem(model.AgendaItem{}, &it))
	_, err := b.ApplyOps(mustOps(t, a))
	ok(t, err)

	loaded, err := a.AgendaItem(it.ID) // a's editor opens
	ok(t, err)
	bi, err := b.AgendaItem(it.ID)
	ok(t, err)
	nb := bi
	nb.Notes = "Linje 1\nLinje 2\nLinje 3 fra b\nLinje 4\n"
	ok(t, b.SaveAgendaItem(bi, &nb))
	_, err = a.ApplyOps(mustOps(t, b)) // a syncs while the editor is open
	ok(t, err)
	x := loaded
	x.Notes = "Linje 1\nLinje 2 fra a\nLinje 3\nLinje 4\n"
	ok(t, a.SaveAgendaItem(loaded, &x))
	_, err = b.ApplyOps(mustOps(t, a))
	ok(t, err)
	for name, db := range map[string]*DB{"a": a, "b": b} {
		got, err := db.AgendaItem(it.ID)
		ok(t, err)
		cs, _ := db.Conflicts(c.ID)
		kept := fmt.Sprint(cs)
		if !strings.Contains(got.Notes+kept, "Linje 3 fra b") || !strings.Contains(got.Notes+kept, "Linje 2 fra a") {
			t.Errorf("%s: a line is lost: notes %q, conflicts %+v", name, got.Notes, cs)
		}
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
	ok(t, a.SaveCouncil(model.Council{}, &c))
	p := model.Project{CouncilID: c.ID, Title: "P", Status: model.ProjectIdea}
	ok(t, a.SaveProject(model.Project{}, &p))
	_, err := b.ApplyOps(mustOps(t, a))
	ok(t, err)
	loaded, err := a.Project(p.ID)
	ok(t, err)
	bp, err := b.Project(p.ID)
	ok(t, err)
	nb := bp
	nb.Title = "Q"
	ok(t, b.SaveProject(bp, &nb))
	_, err = a.ApplyOps(mustOps(t, b))
	ok(t, err)
	x := loaded
	x.Title = "R"
	ok(t, a.SaveProject(loaded, &x))
	cs, _ := a.Conflicts(c.ID)
	got, _ := a.Project(p.ID)
	if !strings.Contains(fmt.Sprint(got.Title, cs), "Q") {
		t.Errorf("b's title %q is gone without a conflict: title %q, conflicts %+v", "Q", got.Title, cs)
	}
}
