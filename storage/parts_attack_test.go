package storage

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

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
			ok(t, b.SetAside(t.Context(), *refused, "afvist", model.Locked))
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

// TestPropertyPartsOrderFree: laptops work on meetings, their items and
// the items' attachments (parts of parts), and on a project and its
// budget line; they delete wholes (the same one on two laptops, again
// after it came back), and a hand-written op moves an item to another
// meeting or an attachment to the project. Once all have everything they
// agree, and a new laptop given every op in any order and any batches
// shows the same: I9 depends on the set of ops, never on their order.
// No part lives under a whole that is gone.
func TestPropertyPartsOrderFree(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		dir := t.TempDir()
		n := 3
		dbs := openReplicas(rt, dir, n+1, func(i int) time.Duration { return time.Duration(i) * time.Second })
		fresh := dbs[n]
		dbs = dbs[:n]
		ctx := context.Background()
		c, m1 := councilMeeting(rt, dbs[0])
		m2 := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: syncNow}
		ok(rt, dbs[0].SaveMeeting(ctx, model.Meeting{}, &m2))
		meetings := []string{m1.ID, m2.ID}
		var items, attachments []string
		for k, mid := range []string{m1.ID, m1.ID, m2.ID} {
			it := model.AgendaItem{CouncilID: c.ID, MeetingID: mid, Title: fmt.Sprint("P", k), Kind: model.ItemDecision, Notes: "a\n"}
			ok(rt, dbs[0].SaveAgendaItem(ctx, model.AgendaItem{}, &it))
			items = append(items, it.ID)
		}
		x, err := dbs[0].AddAttachment(ctx, model.OwnerItem, items[0], "bilag.txt", strings.NewReader("bilag 0"))
		ok(rt, err)
		attachments = append(attachments, x.ID)
		p := model.Project{CouncilID: c.ID, Title: "Stien", Status: model.ProjectIdea}
		ok(rt, dbs[0].SaveProject(ctx, model.Project{}, &p))
		line := model.BudgetLine{CouncilID: c.ID, ProjectID: p.ID, Text: "Grus", Kind: model.LineExpense, Amount: 100}
		ok(rt, dbs[0].SaveBudgetLine(ctx, model.BudgetLine{}, &line))
		spreadFirst(rt, dbs)
		var forgedSeq int64
		// The forger's ops are stamped with the clock of the laptop that
		// takes them, as a laptop's own would be.
		forge := func(db *DB, row, field string, value any) Change {
			forgedSeq++
			o := forged("forger", forgedSeq, "", row, c.ID, field, value, "")
			o.HLC = db.Now().UnixMilli() << 16
			return o
		}
		steps := rapid.IntRange(1, 20).Draw(rt, "steps")
		for s := 0; s < steps; s++ {
			db := dbs[rapid.IntRange(0, n-1).Draw(rt, "who")]
			switch rapid.IntRange(0, 9).Draw(rt, "what") {
			case 0: // minutes into an item
				if it, err := db.AgendaItem(ctx, rapid.SampledFrom(items).Draw(rt, "item")); err == nil {
					y := it
					y.Notes += fmt.Sprint("linje ", s, "\n")
					valid(rt, db.SaveAgendaItem(ctx, it, &y))
				}
			case 1: // a file attached to an item this laptop shows
				if it, err := db.AgendaItem(ctx, rapid.SampledFrom(items).Draw(rt, "item")); err == nil {
					if x, err := db.AddAttachment(ctx, model.OwnerItem, it.ID, "b.txt", strings.NewReader(fmt.Sprint("bilag ", s))); err == nil {
						attachments = append(attachments, x.ID)
					}
				}
			case 2:
				ok(rt, db.DeleteMeeting(ctx, rapid.SampledFrom(meetings).Draw(rt, "meeting")))
			case 3: // an item of a meeting this laptop shows
				if it, err := db.AgendaItem(ctx, rapid.SampledFrom(items).Draw(rt, "item")); err == nil {
					if _, err := db.Meeting(ctx, it.MeetingID); err == nil {
						ok(rt, db.DeleteAgendaItem(ctx, it.ID))
					}
				}
			case 4:
				if _, err := db.Attachment(ctx, rapid.SampledFrom(attachments).Draw(rt, "attachment")); err == nil {
					valid(rt, db.DeleteAttachment(ctx, attachments[0]))
				}
			case 5: // the project's budget line, or the project
				if rapid.Bool().Draw(rt, "line") {
					if ls, err := db.BudgetLines(ctx, p.ID); err == nil && len(ls) > 0 {
						y := ls[0]
						y.Amount += 100
						valid(rt, db.SaveBudgetLine(ctx, ls[0], &y))
					}
				} else {
					ok(rt, db.DeleteProject(ctx, p.ID))
				}
			case 6: // a hand-written move of an item to another meeting
				o := forge(db, rapid.SampledFrom(items).Draw(rt, "item"), "meeting_id", rapid.SampledFrom(meetings).Draw(rt, "to"))
				o.Table = "agenda_items"
				_, _ = db.ApplyOps(ctx, []Change{o})
			case 7: // a hand-written move of an attachment to the project
				id := rapid.SampledFrom(attachments).Draw(rt, "attachment")
				o1, o2 := forge(db, id, "owner_kind", string(model.OwnerProject)), forge(db, id, "owner_id", p.ID)
				o1.Table, o2.Table = "attachments", "attachments"
				_, _ = db.ApplyOps(ctx, []Change{o1, o2})
			default: // some ops from another laptop, maybe twice, shuffled
				sendSome(rt, dbs[rapid.IntRange(0, n-1).Draw(rt, "from")], db, 3)
			}
		}
		sendAll(rt, dbs...)
		converged(rt, dbs...)
		// A new laptop given everything in any order, in any batches.
		all := mustOps(rt, dbs[0])
		rand.New(rand.NewPCG(rapid.Uint64().Draw(rt, "order"), 0)).Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		for len(all) > 0 {
			k := rapid.IntRange(1, len(all)).Draw(rt, "batch")
			_, err := fresh.ApplyOps(ctx, all[:k])
			ok(rt, err)
			all = all[k:]
		}
		converged(rt, dbs[0], fresh)
		var orphans []string
		rows, err := fresh.sql().QueryContext(ctx, `SELECT 'agenda item '||id FROM agenda_items WHERE meeting_id NOT IN (SELECT id FROM meetings)
			UNION ALL SELECT 'attachment '||id FROM attachments WHERE owner_kind = 'item' AND owner_id NOT IN (SELECT id FROM agenda_items)
			UNION ALL SELECT 'attachment '||id FROM attachments WHERE owner_kind = 'project' AND owner_id NOT IN (SELECT id FROM projects)
			UNION ALL SELECT 'budget line '||id FROM budget_lines WHERE project_id NOT IN (SELECT id FROM projects)`)
		ok(rt, err)
		for rows.Next() {
			var o string
			ok(rt, rows.Scan(&o))
			orphans = append(orphans, o)
		}
		ok(rt, rows.Err())
		rows.Close()
		if len(orphans) > 0 {
			rt.Fatalf("parts under a whole that is gone: %v", orphans)
		}
	})
}

// A row's own ops of a column that links it to its whole are read by the
// index of a row's ops, not by migration 022's indexes of the rows naming
// a whole: those hold the column's ops of every row of the table, and
// reading them for each op of a batch made taking the delete of a meeting
// of 10,000 items cost 24 s (BenchmarkWholeRevive).
func TestRowOpsKeepTheirIndex(t *testing.T) {
	db := replica(t, "a")
	for _, p := range model.Parts() {
		for _, q := range []string{
			"SELECT DISTINCT value FROM changes WHERE tbl = ? AND row_id = ? AND field = '" + p.Column + "'",
			"SELECT DISTINCT value FROM changes WHERE tbl = ? AND row_id = ? AND field = ?",
		} {
			if plan := queryPlan(t, db, q, p.Table, "x", p.Column); !strings.Contains(plan, "INDEX changes_field") {
				t.Errorf("%s.%s: a row's ops are read by %s", p.Table, p.Column, plan)
			}
		}
	}
}

// A hand-written base on a meeting's delete: malformed, or naming more
// devices than any context may, it is refused with its batch; naming
// seqs beyond any the devices wrote, or nothing at all, it cannot leave
// b's minutes under a meeting that is gone: b's item lives by its own
// ops (I7), and a living part keeps its whole.
func TestForgedWholeDeleteBase(t *testing.T) {
	many := make([]string, maxContext+1)
	for i := range many {
		many[i] = fmt.Sprintf("d%d:1", i)
	}
	for _, tc := range []struct {
		name, base string
		refused    bool
	}{
		{"malformed", "=a:b", true},
		{"garbage", "nonsense", true},
		{"too many devices", "=" + strings.Join(many, ","), true},
		{"nothing seen", "=", false},
		{"huge seqs", "", false}, // filled in below: every device at MaxSeq
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b, _, m, it := setup(t)
			x, err := b.AgendaItem(t.Context(), it.ID)
			ok(t, err)
			y := x
			y.Notes += "B's linje\n"
			ok(t, b.SaveAgendaItem(t.Context(), x, &y))
			ok(t, a.DeleteMeeting(t.Context(), m.ID))
			var ops []Change
			for _, o := range mustOps(t, a) {
				if o.Table == "meetings" && o.Field == "" {
					o.Base = tc.base
					if tc.name == "huge seqs" {
						o.Base = fmt.Sprintf("=%s:%d,%s:%d", a.DeviceID(), MaxSeq, b.DeviceID(), MaxSeq)
						if b.DeviceID() < a.DeviceID() {
							o.Base = fmt.Sprintf("=%s:%d,%s:%d", b.DeviceID(), MaxSeq, a.DeviceID(), MaxSeq)
						}
					}
				}
				ops = append(ops, o)
			}
			before := dump(t, b)
			_, err = b.ApplyOps(t.Context(), ops)
			if tc.refused {
				if !errors.Is(err, ErrBadChange) {
					t.Fatalf("a delete with base %.40q was taken: %v", tc.base, err)
				}
				if dump(t, b) != before {
					t.Error("a refused batch changed b")
				}
				return
			}
			ok(t, err)
			_, errM := b.Meeting(t.Context(), m.ID)
			got, errI := b.AgendaItem(t.Context(), it.ID)
			if errI != nil || !strings.Contains(got.Notes, "B's linje") {
				t.Fatalf("b's minutes are gone: %v %q", errI, got.Notes)
			}
			if errM != nil {
				t.Errorf("b's minutes live under a meeting that is gone: %v", errM)
			}
		})
	}
}

// A meeting deleted on a and on c at once while b writes minutes comes
// back, and both deleters are told. a deletes it again having seen b's
// minutes while c, holding it too, writes more: it comes back again with
// c's work, a is told again; then a, having seen all, deletes it for good.
func TestWholeDeletedTwiceAndAgain(t *testing.T) {
	a, b, _, m, it := setup(t)
	c := replica(t, "c")
	send(t, a, c)
	edit := func(db *DB, line string) {
		t.Helper()
		x, err := db.AgendaItem(t.Context(), it.ID)
		ok(t, err)
		y := x
		y.Notes += line
		ok(t, db.SaveAgendaItem(t.Context(), x, &y))
	}
	told := func(db *DB, from ...*DB) bool {
		t.Helper()
		var all []Change
		for _, f := range from {
			all = append(all, mustOps(t, f)...)
		}
		got, err := db.ApplyOpsReport(t.Context(), all)
		ok(t, err)
		return got.Revived.Has("meetings", m.ID)
	}
	edit(b, "B\n")
	ok(t, a.DeleteMeeting(t.Context(), m.ID))
	ok(t, c.DeleteMeeting(t.Context(), m.ID))
	if !told(a, b, c) || !told(c, a, b) {
		t.Error("a deleter is not told the meeting came back")
	}
	if told(b, a, c) {
		t.Error("b is told the meeting it never lost came back")
	}
	converged(t, a, b, c)
	if _, err := b.Meeting(t.Context(), m.ID); err != nil {
		t.Fatalf("deleted twice while b wrote minutes, the meeting is gone: %v", err)
	}
	ok(t, a.DeleteMeeting(t.Context(), m.ID))
	edit(c, "C\n")
	if !told(a, c) {
		t.Error("a is not told the meeting came back a second time")
	}
	sendAll(t, a, b, c)
	converged(t, a, b, c)
	got, err := b.AgendaItem(t.Context(), it.ID)
	if _, merr := b.Meeting(t.Context(), m.ID); merr != nil || err != nil || !strings.Contains(got.Notes, "C\n") {
		t.Fatalf("c's second minutes are not back under the meeting: %v %v %q", merr, err, got.Notes)
	}
	ok(t, a.DeleteMeeting(t.Context(), m.ID))
	sendAll(t, a, b, c)
	converged(t, a, b, c)
	if _, err := c.Meeting(t.Context(), m.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted with everything seen, the meeting stays: %v", err)
	}
}

// A meeting deleted on a while b only deleted one of its agenda items
// comes back today: b's delete renumbers the other items (position ops),
// those count as edits no delete had seen (I7), the items live, and a
// living part keeps its whole (I9). The chair who deleted the meeting is
// told it was »worked on« elsewhere, though b only removed from it.
// Whether a renumbering is work that must keep a meeting is for the lead
// to decide (it is I7's rule as much as I9's).
func TestWholeNotBackForRenumbering(t *testing.T) {
	t.Skip("design question: b's DeleteAgendaItem renumbers the rest (position edits), which keeps the meeting a deleted; see the report")
	a, b, c, m, it := setup(t)
	for _, title := range []string{"To", "Tre"} {
		x := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: title, Kind: model.ItemDecision}
		ok(t, a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &x))
	}
	send(t, a, b)
	ok(t, a.DeleteMeeting(t.Context(), m.ID))
	ok(t, b.DeleteAgendaItem(t.Context(), it.ID))
	send(t, a, b)
	send(t, b, a)
	converged(t, a, b)
	if _, err := a.Meeting(t.Context(), m.ID); err == nil {
		t.Error("the meeting a deleted came back because b deleted one of its items")
	}
}
