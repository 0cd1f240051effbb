package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"lokalraad/model"
)

// TestPartsRevive is I9's rule, one case a row: whether a whole its own
// ops leave deleted comes back for its parts' edits.
func TestPartsRevive(t *testing.T) {
	e := func(d string, s int64) rowOp { return rowOp{field: "notes", v: version{s * 10, d}, seq: s} }
	del := func(d string, s int64, parts string) rowOp {
		return rowOp{v: version{s * 10, d}, seq: s, know: "=", parts: parts}
	}
	tests := []struct {
		name        string
		dels, edits []rowOp
		revive      bool
	}{
		{"no part edited", []rowOp{del("a", 5, "=a:4,b:3")}, nil, false},
		{"every part edit seen", []rowOp{del("a", 5, "=a:4,b:3")}, []rowOp{e("b", 3), e("a", 2)}, false},
		{"a part edit the delete had not seen", []rowOp{del("a", 5, "=a:4,b:3")}, []rowOp{e("b", 3), e("b", 4)}, true},
		{"a device unknown to the delete", []rowOp{del("a", 5, "=a:4")}, []rowOp{e("c", 1)}, true},
		{"the deleting device's own earlier edit", []rowOp{del("a", 5, "=b:3")}, []rowOp{e("a", 4)}, false},
		{"an older version's delete saw every part", []rowOp{del("a", 5, "")}, []rowOp{e("b", 9)}, false},
		{"one of two deletes had seen it", []rowOp{del("a", 5, "=a:4"), del("c", 2, "=b:9,c:1")}, []rowOp{e("b", 4)}, false},
	}
	for _, tt := range tests {
		if got := partsRevive(tt.dels, tt.edits); got != tt.revive {
			t.Errorf("%s: revive = %v, want %v", tt.name, got, tt.revive)
		}
	}
}

// Every link of model.Parts is looked up by an index of migration 022:
// deciding whether a deleted whole comes back reads the rows that name it,
// and without its index that read is the whole change log.
func TestPartLinksIndexed(t *testing.T) {
	db := replica(t, "a")
	for _, p := range model.Parts() {
		if plan := queryPlan(t, db, namingRowsSQL(p), p.Table, "x", "c"); !strings.Contains(plan, "INDEX changes_link_") {
			t.Errorf("%s.%s: the rows naming a whole are read without an index: %s", p.Table, p.Column, plan)
		}
	}
}

// queryPlan is SQLite's plan of query, its steps joined by "; ".
func queryPlan(t *testing.T, db *DB, query string, args ...any) string {
	t.Helper()
	var plan strings.Builder
	rows, err := db.sql().QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query, args...)
	ok(t, err)
	defer rows.Close()
	for rows.Next() {
		var id, parent, notused int
		var detail string
		ok(t, rows.Scan(&id, &parent, &notused, &detail))
		plan.WriteString(detail + "; ")
	}
	ok(t, rows.Err())
	return plan.String()
}

// A meeting deleted on a while b wrote in one of its items comes back
// with b's item on both; a's delete of it afterwards, having seen b's
// work, deletes it for good, and deleting the revived meeting's last item
// does not take the meeting with it.
func TestWholeBackThenDeletedAgain(t *testing.T) {
	a, b, c, m, it := setup(t)
	send(t, a, b)
	x, err := b.AgendaItem(t.Context(), it.ID)
	ok(t, err)
	y := x
	y.Notes += "B's linje\n"
	ok(t, b.SaveAgendaItem(t.Context(), x, &y))
	ok(t, a.DeleteMeeting(t.Context(), m.ID))
	send(t, a, b)
	send(t, b, a)
	converged(t, a, b)
	for name, db := range map[string]*DB{"a": a, "b": b} {
		if _, err := db.Meeting(t.Context(), m.ID); err != nil {
			t.Fatalf("%s: the meeting did not come back: %v", name, err)
		}
		got, err := db.AgendaItem(t.Context(), it.ID)
		if err != nil || !strings.Contains(got.Notes, "B's linje") {
			t.Fatalf("%s: b's minutes are not under the meeting: %v %q", name, err, got.Notes)
		}
	}
	// Deleting the item on b: the meeting a deleted stays, for b's work
	// in it was never seen by a's delete.
	ok(t, b.DeleteAgendaItem(t.Context(), it.ID))
	send(t, b, a)
	converged(t, a, b)
	if _, err := a.Meeting(t.Context(), m.ID); err != nil {
		t.Errorf("deleting its last item took the meeting away: %v", err)
	}
	// a, having seen everything, deletes the meeting again: gone on both.
	ok(t, a.DeleteMeeting(t.Context(), m.ID))
	send(t, a, b)
	converged(t, a, b)
	ms, err := b.Meetings(t.Context(), c.ID)
	ok(t, err)
	if len(ms) != 0 {
		t.Errorf("deleted again with everything seen, the meeting stays: %v", ms)
	}
}

// TestPropertyWholesKeepTheirParts: laptops add, edit and delete agenda
// items, action items and meetings, and exchange parts of their ops in any
// order. Once all have everything, they agree, and no agenda item or
// action item lives under a meeting that is gone: work is never left
// where no screen shows it.
func TestPropertyWholesKeepTheirParts(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		dir := t.TempDir()
		n := rapid.IntRange(2, 3).Draw(rt, "replicas")
		dbs := openReplicas(rt, dir, n, func(i int) time.Duration { return time.Duration(i) * time.Second })
		c, m1 := councilMeeting(rt, dbs[0])
		m2 := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: syncNow}
		ok(rt, dbs[0].SaveMeeting(context.Background(), model.Meeting{}, &m2))
		meetings := []string{m1.ID, m2.ID}
		var items []string
		for k, mid := range []string{m1.ID, m1.ID, m2.ID} {
			it := model.AgendaItem{CouncilID: c.ID, MeetingID: mid, Title: fmt.Sprint("P", k), Kind: model.ItemDecision, Notes: "a\n"}
			ok(rt, dbs[0].SaveAgendaItem(context.Background(), model.AgendaItem{}, &it))
			items = append(items, it.ID)
		}
		spreadFirst(rt, dbs)
		steps := rapid.IntRange(1, 15).Draw(rt, "steps")
		for s := 0; s < steps; s++ {
			db := dbs[rapid.IntRange(0, n-1).Draw(rt, "who")]
			ctx := context.Background()
			switch rapid.IntRange(0, 6).Draw(rt, "what") {
			case 0: // minutes into an item
				if it, err := db.AgendaItem(ctx, rapid.SampledFrom(items).Draw(rt, "item")); err == nil {
					x := it
					x.Notes += fmt.Sprint("linje ", s, "\n")
					valid(rt, db.SaveAgendaItem(ctx, it, &x))
				}
			case 1: // a new item in a meeting this laptop shows
				if m, err := db.Meeting(ctx, rapid.SampledFrom(meetings).Draw(rt, "meeting")); err == nil {
					it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: fmt.Sprint("Nyt ", s), Kind: model.ItemDecision}
					ok(rt, db.SaveAgendaItem(ctx, model.AgendaItem{}, &it))
					items = append(items, it.ID)
				}
			case 2: // an action item agreed at a meeting
				if m, err := db.Meeting(ctx, rapid.SampledFrom(meetings).Draw(rt, "meeting")); err == nil {
					ai := model.ActionItem{CouncilID: c.ID, MeetingID: m.ID, Who: "Åse", What: fmt.Sprint("Ring ", s)}
					ok(rt, db.SaveActionItem(ctx, model.ActionItem{}, &ai))
				}
			case 3: // an item of a meeting this laptop shows
				if it, err := db.AgendaItem(ctx, rapid.SampledFrom(items).Draw(rt, "item")); err == nil {
					if _, err := db.Meeting(ctx, it.MeetingID); err == nil {
						ok(rt, db.DeleteAgendaItem(ctx, it.ID))
					}
				}
			case 4:
				ok(rt, db.DeleteMeeting(ctx, rapid.SampledFrom(meetings).Draw(rt, "meeting")))
			default: // some ops from another laptop, maybe twice, shuffled
				sendSome(rt, dbs[rapid.IntRange(0, n-1).Draw(rt, "from")], db, 3)
			}
		}
		sendAll(rt, dbs...)
		converged(rt, dbs...)
		checkNothingLost(rt, dbs[0], c.ID)
		for i, db := range dbs {
			var orphans []string
			rows, err := db.sql().QueryContext(context.Background(), `SELECT 'agenda item '||id FROM agenda_items WHERE meeting_id NOT IN (SELECT id FROM meetings)
				UNION ALL SELECT 'action item '||id FROM action_items WHERE meeting_id <> '' AND meeting_id NOT IN (SELECT id FROM meetings)`)
			ok(rt, err)
			for rows.Next() {
				var o string
				ok(rt, rows.Scan(&o))
				orphans = append(orphans, o)
			}
			ok(rt, rows.Err())
			rows.Close()
			if len(orphans) > 0 {
				rt.Fatalf("replica %d: parts under a meeting that is gone: %v", i, orphans)
			}
			if err := SearchIndexProblem(db); err != nil {
				rt.Fatalf("replica %d: %v", i, err)
			}
		}
	})
}

// valid fails on err, unless it is the model refusing what a laptop holds
// only part of yet (ops of a new row dropped on the way: no kind).
func valid(t tester, err error) {
	t.Helper()
	if fe := (*model.FieldError)(nil); err != nil && !errors.As(err, &fe) {
		t.Fatal(err)
	}
}
