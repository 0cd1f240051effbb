package storage

import (
	"context"
	"errors"
	"testing"

	"lokalraad/model"
)

// Attacks on I9 (merge.go): a whole deleted on one laptop comes back for
// the work done in its parts elsewhere meanwhile. These tests try to make
// it come back when it should not, stay away when it should not, or make
// replicas disagree.

// forged is an op as any enrolled laptop of the council could hand-write
// it (the hub checks who signed it, not what it says).
func forged(dev string, seq int64, table, row, council, field string, value any, base string) Change {
	return Change{Device: dev, Seq: seq, HLC: (syncNow.UnixMilli()+3_600_000)<<16 | seq, Table: table, Row: row,
		Council: council, Field: field, Value: value, Base: base}
}

// rowCount is how many rows of table have id.
func rowCount(t tester, db *DB, table, id string) int {
	t.Helper()
	var n int
	ok(t, db.sql().QueryRow("SELECT COUNT(*) FROM "+table+" WHERE id = ?", id).Scan(&n))
	return n
}

// A hand-written delete of a meeting nobody ever made, with an agenda item
// naming it, must not make a meeting of nothing (no kind, no date) appear
// in Møder: there is no work of the whole to bring back.
func TestWholeOfNothingNotMade(t *testing.T) {
	_, b, c, _, _ := setup(t)
	ops := []Change{
		forged("forger", 1, "meetings", "ghost", c.ID, "", "=", "="),
		forged("forger", 2, "agenda_items", "ghost-item", c.ID, "meeting_id", "ghost", ""),
		forged("forger", 3, "agenda_items", "ghost-item", c.ID, "title", "Spøg", ""),
		forged("forger", 4, "agenda_items", "ghost-item", c.ID, "kind", string(model.ItemDecision), ""),
		// An item naming a meeting of which no op exists at all.
		forged("forger", 5, "agenda_items", "lost-item", c.ID, "meeting_id", "nowhere", ""),
		forged("forger", 6, "agenda_items", "lost-item", c.ID, "title", "Væk", ""),
	}
	if _, err := b.ApplyOps(t.Context(), ops); err != nil {
		t.Logf("refused: %v", err) // refusing them is as good
	}
	for _, id := range []string{"ghost", "nowhere"} {
		if n := rowCount(t, b, "meetings", id); n != 0 {
			t.Errorf("a meeting of nothing %q was made by a part naming it", id)
		}
	}
	// The same ops one at a time, last first: the same answer.
	fresh := replica(t, "fresh")
	all := append(mustOps(t, b), ops...)
	for i := len(all) - 1; i >= 0; i-- {
		_, _ = fresh.ApplyOps(t.Context(), []Change{all[i]})
	}
	if n := rowCount(t, fresh, "meetings", "ghost"); n != 0 {
		t.Errorf("one op at a time: a meeting of nothing was made")
	}
}

// The notice »deleted on this computer, but worked on elsewhere« is for
// the laptop that deleted the row: a third laptop that only received the
// delete, and a new laptop whose first pull comes in pages, are told
// nothing (Applied.Revived).
func TestRevivedOnlyWhereDeleted(t *testing.T) {
	a, b, _, m, it := setup(t)
	c := replica(t, "c")
	send(t, a, c)
	x, err := b.AgendaItem(t.Context(), it.ID)
	ok(t, err)
	y := x
	y.Notes += "B's linje\n"
	ok(t, b.SaveAgendaItem(t.Context(), x, &y))
	ok(t, a.DeleteMeeting(t.Context(), m.ID))
	send(t, a, c) // c loses the meeting: it never deleted it
	if _, err := c.Meeting(t.Context(), m.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("c still shows the deleted meeting: %v", err)
	}
	bOps := mustOps(t, b)
	got, err := c.ApplyOpsReport(t.Context(), bOps)
	ok(t, err)
	if _, err := c.Meeting(t.Context(), m.ID); err != nil {
		t.Fatalf("the meeting did not come back on c: %v", err)
	}
	if len(got.Revived) > 0 {
		t.Errorf("c never deleted the meeting, yet is told it came back: %v", got.Revived)
	}
	got, err = a.ApplyOpsReport(t.Context(), bOps)
	ok(t, err)
	if !got.Revived.Has("meetings", m.ID) {
		t.Errorf("a deleted the meeting and is not told it came back: %v", got.Revived)
	}
	// A new laptop's first pull in two pages: the meeting and its delete,
	// then b's minutes.
	d := replica(t, "d")
	var page1, page2 []Change
	for _, o := range mustOps(t, a) {
		if o.Device == b.DeviceID() {
			page2 = append(page2, o)
		} else {
			page1 = append(page1, o)
		}
	}
	_, err = d.ApplyOpsReport(t.Context(), page1)
	ok(t, err)
	got, err = d.ApplyOpsReport(t.Context(), page2)
	ok(t, err)
	if len(got.Revived) > 0 {
		t.Errorf("a new laptop's first pull tells it %v came back", got.Revived)
	}
	converged(t, a, b, c, d)
}

// A laptop whose unsent item kept a meeting deleted elsewhere, and whose
// hub then refuses that op for good (SetAside), must lose the meeting
// again, as every other laptop does without the op.
func TestSetAsideTakesRevivedWholeAway(t *testing.T) {
	for _, tc := range []struct {
		name  string
		field string // the op of b's that the hub refuses
		edit  bool   // b edits the existing item, rather than adding one
	}{
		{"the edit of an item's minutes", "notes", true},
		{"the new item's meeting", "meeting_id", false},
		{"the new item's title", "title", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b, c, m, it := setup(t)
			row := it.ID
			if tc.edit {
				x, err := b.AgendaItem(t.Context(), it.ID)
				ok(t, err)
				y := x
				y.Notes += "B's linje\n"
				ok(t, b.SaveAgendaItem(t.Context(), x, &y))
			} else {
				nw := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Nyt punkt", Kind: model.ItemDecision}
				ok(t, b.SaveAgendaItem(t.Context(), model.AgendaItem{}, &nw))
				row = nw.ID
			}
			ok(t, a.DeleteMeeting(t.Context(), m.ID))
			send(t, a, b)
			if _, err := b.Meeting(t.Context(), m.ID); err != nil {
				t.Fatalf("b's unsent work did not keep the meeting: %v", err)
			}
			var refused *Change
			for _, o := range mustOps(t, b) {
				if o.Device == b.DeviceID() && o.Row == row && o.Field == tc.field {
					refused = &o
				}
			}
			if refused == nil {
				t.Fatalf("no op of b's sets %s of %s", tc.field, row)
			}
			ok(t, b.SetAside(t.Context(), *refused, "afvist"))
			// Every other laptop gets b's ops without the refused one.
			send(t, b, a)
			converged(t, a, b)
			_, errA := a.Meeting(t.Context(), m.ID)
			_, errB := b.Meeting(t.Context(), m.ID)
			if (errA == nil) != (errB == nil) {
				t.Errorf("a shows the meeting: %v, b: %v", errA == nil, errB == nil)
			}
		})
	}
}

// An item moved by a hand-written op from a meeting to another, while
// the first is deleted elsewhere, does not keep the first meeting alive,
// and every replica agrees whatever order the ops come in.
func TestMovedPartKeepsOnlyItsNewWhole(t *testing.T) {
	a, b, c, m, it := setup(t)
	m2 := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: syncNow}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &m2))
	send(t, a, b)
	ok(t, a.DeleteMeeting(t.Context(), m.ID))
	move := forged(b.DeviceID()+"x", 1, "agenda_items", it.ID, c.ID, "meeting_id", m2.ID, "")
	_, err := b.ApplyOps(t.Context(), []Change{move})
	ok(t, err)
	send(t, a, b)
	send(t, b, a)
	converged(t, a, b)
	if _, err := a.Meeting(t.Context(), m.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("the meeting the item left came back: %v", err)
	}
	got, err := a.AgendaItem(t.Context(), it.ID)
	if err != nil || got.MeetingID != m2.ID {
		t.Errorf("the moved item is not under its new meeting: %v %+v", err, got)
	}
	// A fresh replica given the ops one at a time, last first.
	fresh := replica(t, "fresh")
	all := mustOps(t, a)
	for i := len(all) - 1; i >= 0; i-- {
		_, err := fresh.ApplyOps(context.Background(), []Change{all[i]})
		ok(t, err)
	}
	converged(t, a, fresh)
}
