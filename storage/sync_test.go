package storage

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"lokalraad/internal/noerr"
	"lokalraad/internal/replicatest"
	"lokalraad/model"
)

var syncNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// replica opens a temp database whose clock ticks a millisecond a call.
func replica(t testing.TB, name string) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), name+".db"))
	if err != nil {
		t.Fatal(err)
	}
	clock := syncNow
	db.Now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }
	t.Cleanup(func() { db.Close() })
	return db
}

// tester is what both *testing.T and *rapid.T offer.
type tester interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

func ok(t tester, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// send gives to every op from holds that to lacks.
func send(t tester, from, to *DB) {
	t.Helper()
	ops, err := from.CouncilOps(context.Background(), "")
	ok(t, err)
	_, err = to.ApplyOps(context.Background(), ops)
	ok(t, err)
}

// sendSome gives to a part of from's ops, as a pull or a bundle that
// lost some might: one op in dropOneIn dropped (by chance), the rest
// shuffled, and the first of them maybe given twice.
func sendSome(rt *rapid.T, from, to *DB, dropOneIn int) {
	rt.Helper()
	var sub []Change
	for _, o := range mustOps(rt, from) {
		if rapid.IntRange(0, dropOneIn-1).Draw(rt, "keep") > 0 {
			sub = append(sub, o)
		}
	}
	perm := rapid.Permutation(sub).Draw(rt, "order")
	if rapid.Bool().Draw(rt, "repeat") && len(perm) > 0 {
		perm = append(perm, perm[0])
	}
	_, err := to.ApplyOps(context.Background(), perm)
	ok(rt, err)
}

// sendAll gives every replica every other's ops, in two rounds, so that
// everyone gets everything: what one replica holds after the first round
// reaches the rest in the second.
func sendAll(t tester, dbs ...*DB) {
	t.Helper()
	for round := 0; round < 2; round++ {
		for i := range dbs {
			for j := range dbs {
				if i != j {
					send(t, dbs[i], dbs[j])
				}
			}
		}
	}
}

// dump is everything a replica shows: every table's rows, tombstones and
// the open conflicts.
func dump(t tester, db *DB) string {
	t.Helper()
	var b strings.Builder
	for _, tb := range append(append([]string{}, Tables...), "tombstones") {
		order := "id"
		if tb == "tombstones" {
			order = "tbl, row_id"
		}
		rows, err := db.sql().Query("SELECT * FROM " + tb + " ORDER BY " + order)
		ok(t, err)
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			ok(t, rows.Scan(ptrs...))
			for i := range vals {
				vals[i] = textValue(vals[i])
			}
			fmt.Fprintf(&b, "%s %v\n", tb, vals)
		}
		rows.Close()
	}
	councils, err := db.Councils(context.Background())
	ok(t, err)
	for _, c := range councils {
		cs, err := db.Conflicts(context.Background(), c.ID)
		ok(t, err)
		for _, x := range cs {
			fmt.Fprintf(&b, "conflict %s %v %v\n", x.ID, x.Kept, x.Other)
		}
	}
	return b.String()
}

// converged fails t unless every replica shows the same as the first:
// every table's rows, tombstones and open conflicts (dump).
func converged(t tester, dbs ...*DB) {
	t.Helper()
	replicatest.Converged(t, func(db *DB) string { return dump(t, db) }, dbs...)
}

func setup(t testing.TB) (a, b *DB, c model.Council, m model.Meeting, it model.AgendaItem) {
	a, b = replica(t, "a"), replica(t, "b")
	c = model.Council{Name: "Jyderup Lokalråd", Area: "Jyderup"}
	ok(t, a.SaveCouncil(t.Context(), model.Council{}, &c))
	m = model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: syncNow, Place: "Hallen"}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &m))
	it = model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Stien", Kind: model.ItemDiscussion,
		Notes: "Linje 1\nLinje 2\nLinje 3\n"}
	ok(t, a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	send(t, a, b)
	return
}

func TestApplyOpsReplicates(t *testing.T) {
	a, b, c, m, it := setup(t)
	converged(t, a, b)
	got, err := b.AgendaItem(t.Context(), it.ID)
	ok(t, err)
	if got != it {
		t.Errorf("item on b = %+v, want %+v", got, it)
	}
	// No local ops were written on b, and b's clock moved past a's.
	log := noerr.Get(b.ChangeLog())(t)
	for _, o := range log {
		if o.Device == b.DeviceID() {
			t.Fatalf("applying wrote a local op: %+v", o)
		}
	}
	m.Place = "Skolen"
	ok(t, b.SaveMeeting(t.Context(), Overwriting(t.Context(), b, m), &m))
	log = noerr.Get(b.ChangeLog())(t)
	var last, maxA int64
	for _, o := range log {
		if o.Device == b.DeviceID() {
			last = o.HLC
		} else {
			maxA = max(maxA, o.HLC)
		}
	}
	if last <= maxA {
		t.Errorf("b's new op has hlc %d, not after a's %d", last, maxA)
	}
	// Idempotent: sending again changes nothing.
	before := dump(t, b)
	n, err := b.ApplyOps(context.Background(), mustOps(t, a))
	ok(t, err)
	if n != 0 || dump(t, b) != before {
		t.Errorf("resending applied %d ops", n)
	}
	_ = c
}

func mustOps(t tester, db *DB) []Change {
	ops, err := db.CouncilOps(context.Background(), "")
	ok(t, err)
	return ops
}

func TestApplyOpsOrderFree(t *testing.T) {
	a := replica(t, "a")
	c := model.Council{Name: "Råd"}
	ok(t, a.SaveCouncil(t.Context(), model.Council{}, &c))
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: syncNow}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &m))
	for i := 0; i < 3; i++ {
		it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: fmt.Sprint("Punkt ", i), Kind: model.ItemDecision, Notes: "x"}
		ok(t, a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
		it.Notes = "x\ny"
		ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, it), &it))
		if i == 1 {
			ok(t, a.DeleteAgendaItem(t.Context(), it.ID))
		}
	}
	ops := mustOps(t, a)
	b := replica(t, "b")
	rev := append([]Change{}, ops...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	for _, o := range rev { // one at a time, last first
		_, err := b.ApplyOps(context.Background(), []Change{o})
		ok(t, err)
	}
	converged(t, a, b)
}

func TestConcurrentShortFieldKeepsConflict(t *testing.T) {
	a, b, c, m, _ := setup(t)
	ma, mb := m, m
	ma.Place = "Forsamlingshuset"
	ok(t, a.SaveMeeting(t.Context(), Overwriting(t.Context(), a, ma), &ma))
	mb.Place = "Kirken"
	ok(t, b.SaveMeeting(t.Context(), Overwriting(t.Context(), b, mb), &mb)) // b's clock is later: b wins
	send(t, a, b)
	send(t, b, a)
	converged(t, a, b)
	got := noerr.Get(a.Meeting(t.Context(), m.ID))(t)
	cs := noerr.Get(a.Conflicts(t.Context(), c.ID))(t)
	if len(cs) != 1 {
		t.Fatalf("conflicts = %+v, want 1", cs)
	}
	x := cs[0]
	if got.Place != x.Kept || x.Current != got.Place || !(x.Kept == "Kirken" && x.Other == "Forsamlingshuset" || x.Kept == "Forsamlingshuset" && x.Other == "Kirken") {
		t.Errorf("place %q, conflict %+v", got.Place, x)
	}
	// Resolving on a keeps the other value, and the dismissal travels.
	ok(t, a.ResolveConflict(t.Context(), x.ID, x.Other))
	send(t, a, b)
	for _, db := range []*DB{a, b} {
		got := noerr.Get(db.Meeting(t.Context(), m.ID))(t)
		if got.Place != x.Other {
			t.Errorf("after resolve place = %q, want %q", got.Place, x.Other)
		}
		if cs := noerr.Get(db.Conflicts(t.Context(), c.ID))(t); len(cs) != 0 {
			t.Errorf("conflict still open: %+v", cs)
		}
	}
	converged(t, a, b)
}

func TestLongTextMergesThreeWay(t *testing.T) {
	a, b, c, _, it := setup(t)
	ia, ib := it, it
	ia.Notes = "Linje 1 (Karen)\nLinje 2\nLinje 3\n"
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia))
	ib.Notes = "Linje 1\nLinje 2\nLinje 3 (Søren)\n"
	ok(t, b.SaveAgendaItem(t.Context(), Overwriting(t.Context(), b, ib), &ib))
	send(t, a, b)
	send(t, b, a)
	want := "Linje 1 (Karen)\nLinje 2\nLinje 3 (Søren)\n"
	for _, db := range []*DB{a, b} {
		got := noerr.Get(db.AgendaItem(t.Context(), it.ID))(t)
		if got.Notes != want {
			t.Errorf("notes = %q, want %q", got.Notes, want)
		}
		if cs := noerr.Get(db.Conflicts(t.Context(), c.ID))(t); len(cs) != 0 {
			t.Errorf("clean merge left conflicts: %+v", cs)
		}
	}
	// Overlapping edits: the later wins in the text, the other is kept.
	ia.Notes, ib.Notes = want+"Aftalt: A\n", want+"Aftalt: B\n"
	ia2 := noerr.Get(a.AgendaItem(t.Context(), it.ID))(t)
	ia2.Notes = ia.Notes
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia2), &ia2))
	ib2 := noerr.Get(b.AgendaItem(t.Context(), it.ID))(t)
	ib2.Notes = ib.Notes
	ok(t, b.SaveAgendaItem(t.Context(), Overwriting(t.Context(), b, ib2), &ib2))
	send(t, a, b)
	send(t, b, a)
	converged(t, a, b)
	cs := noerr.Get(a.Conflicts(t.Context(), c.ID))(t)
	if len(cs) != 1 || !cs[0].Merged || cs[0].Current != cs[0].Kept ||
		!(cs[0].Other == ia.Notes && cs[0].Kept == ib.Notes || cs[0].Other == ib.Notes && cs[0].Kept == ia.Notes) {
		t.Errorf("conflicts = %+v", cs)
	}
}

func TestConcurrentEditBeatsDelete(t *testing.T) {
	a, b, _, _, it := setup(t)
	ok(t, a.DeleteAgendaItem(t.Context(), it.ID))
	ib := it
	ib.Decision = "Vedtaget"
	ok(t, b.SaveAgendaItem(t.Context(), Overwriting(t.Context(), b, ib), &ib))
	send(t, a, b)
	send(t, b, a)
	for _, db := range []*DB{a, b} {
		got, err := db.AgendaItem(t.Context(), it.ID)
		if err != nil || got.Decision != "Vedtaget" || got.Notes != it.Notes {
			t.Errorf("item after concurrent delete and edit = %+v, %v", got, err)
		}
	}
	converged(t, a, b)
	// A delete after seeing the edit wins.
	ok(t, b.DeleteAgendaItem(t.Context(), it.ID))
	send(t, b, a)
	for _, db := range []*DB{a, b} {
		if _, err := db.AgendaItem(t.Context(), it.ID); err == nil || !db.Tombstoned("agenda_items", it.ID) {
			t.Errorf("deleted item is back: %v", err)
		}
	}
}

// An edit made earlier on the clock but unseen by the deleter still wins.
func TestUnseenEarlierEditBeatsDelete(t *testing.T) {
	a, b, _, _, it := setup(t)
	ia := it
	ia.Title = "Stien langs søen"
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia)) // earlier
	b.Now = func() time.Time { return syncNow.Add(time.Hour) }                 // b's clock ahead
	ok(t, b.DeleteAgendaItem(t.Context(), it.ID))
	send(t, b, a)
	send(t, a, b)
	for _, db := range []*DB{a, b} {
		got, err := db.AgendaItem(t.Context(), it.ID)
		if err != nil || got.Title != "Stien langs søen" {
			t.Errorf("edit lost to a delete that never saw it: %+v, %v", got, err)
		}
	}
}

func TestRefusesBadOps(t *testing.T) {
	a, b, c, _, it := setup(t)
	before := dump(t, b)
	base := Change{Device: "x", Seq: 1, HLC: 1 << 20, Table: "agenda_items", Row: it.ID, Council: c.ID, Field: "title", Value: "ny"}
	for name, mod := range map[string]func(*Change){
		"unknown table":  func(o *Change) { o.Table = "meta" },
		"unknown field":  func(o *Change) { o.Field = "id" },
		"wrong type":     func(o *Change) { o.Value = int64(3) },
		"other council":  func(o *Change) { o.Council = "andet" },
		"no device":      func(o *Change) { o.Device = "" },
		"injected field": func(o *Change) { o.Field = "title = 'x', council_id" },
		"bad base":       func(o *Change) { o.Base = "nix" },
	} {
		o := base
		mod(&o)
		good := base
		good.Seq = 2
		if _, err := b.ApplyOps(context.Background(), []Change{good, o}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if dump(t, b) != before {
		t.Error("a refused batch wrote something")
	}
	_ = a
}

func TestLinkCouncil(t *testing.T) {
	a := replica(t, "a")
	c := model.Council{Name: "Demo"}
	ok(t, a.SaveCouncil(t.Context(), model.Council{}, &c))
	mem := model.Member{CouncilID: c.ID, Name: "Åse", Role: model.RoleMember}
	ok(t, a.SaveMember(t.Context(), model.Member{}, &mem))
	ok(t, a.LinkCouncil(t.Context(), c.ID, "hub-council"))
	if got, err := a.Council(t.Context(), "hub-council"); err != nil || got.Name != "Demo" {
		t.Fatalf("linked council = %+v, %v", got, err)
	}
	ops := noerr.Get(a.PendingOps(context.Background(), "hub-council", 100))(t)
	if len(ops) != len(councilsT.cols)+len(membersT.cols) || ops[0].Row != "hub-council" {
		t.Errorf("pending after link = %d ops: %+v", len(ops), ops[0])
	}
	ok(t, a.AckOps(context.Background(), ops[len(ops)-1].Seq))
	if err := a.LinkCouncil(t.Context(), "hub-council", "x"); err == nil {
		t.Error("relinked a synced council")
	}
}

// openReplicas opens n replicas in dir, closed when rt ends, whose clocks
// start skew(i) after syncNow and tick a millisecond a reading.
func openReplicas(rt *rapid.T, dir string, n int, skew func(i int) time.Duration) []*DB {
	dbs := make([]*DB, n)
	for i := range dbs {
		db, err := Open(context.Background(), filepath.Join(dir, fmt.Sprint(i, ".db")))
		if err != nil {
			rt.Fatal(err)
		}
		rt.Cleanup(func() { db.Close() })
		clock := syncNow.Add(skew(i))
		db.Now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }
		dbs[i] = db
	}
	return dbs
}

// councilMeeting saves a council with a planned meeting on db.
func councilMeeting(rt *rapid.T, db *DB) (model.Council, model.Meeting) {
	c := model.Council{Name: "Råd"}
	ok(rt, db.SaveCouncil(context.Background(), model.Council{}, &c))
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: syncNow}
	ok(rt, db.SaveMeeting(context.Background(), model.Meeting{}, &m))
	return c, m
}

// spreadFirst applies every op of the first replica to the others.
func spreadFirst(rt *rapid.T, dbs []*DB) {
	for _, db := range dbs[1:] {
		_, err := db.ApplyOps(context.Background(), mustOps(rt, dbs[0]))
		ok(rt, err)
	}
}

// noteLines is a text's lines with their line ends, none for "".
func noteLines(s string) []string {
	ls := strings.SplitAfter(s, "\n")
	if len(ls) > 0 && ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	return ls
}

// Replicas converge whatever subsets of ops reach them, in whatever order
// and however often; nothing is lost.
func TestPropertyConvergence(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		dir := t.TempDir()
		n := rapid.IntRange(2, 3).Draw(rt, "replicas")
		dbs := openReplicas(rt, dir, n, func(i int) time.Duration { return time.Duration(i) * time.Second })
		c, m := councilMeeting(rt, dbs[0])
		var items []string
		for k := 0; k < 3; k++ {
			it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: fmt.Sprint("P", k), Kind: model.ItemDecision, Notes: "a\nb\nc\n"}
			ok(rt, dbs[0].SaveAgendaItem(context.Background(), model.AgendaItem{}, &it))
			items = append(items, it.ID)
		}
		spreadFirst(rt, dbs)
		words := []string{"Stien", "Søen", "Hallen", "Kirken"}
		steps := rapid.IntRange(1, 25).Draw(rt, "steps")
		for s := 0; s < steps; s++ {
			i := rapid.IntRange(0, n-1).Draw(rt, "who")
			db := dbs[i]
			id := rapid.SampledFrom(items).Draw(rt, "item")
			switch rapid.IntRange(0, 5).Draw(rt, "what") {
			case 0, 1: // short field
				if it, err := db.AgendaItem(context.Background(), id); err == nil {
					it.Title = rapid.SampledFrom(words).Draw(rt, "title")
					ok(rt, db.SaveAgendaItem(context.Background(), Overwriting(context.Background(), db, it), &it))
				}
			case 2: // long text: change one line
				if it, err := db.AgendaItem(context.Background(), id); err == nil {
					lines := strings.SplitAfter(it.Notes, "\n")
					k := rapid.IntRange(0, len(lines)-1).Draw(rt, "line")
					lines[k] = rapid.SampledFrom(words).Draw(rt, "word") + "\n"
					it.Notes = strings.Join(lines, "")
					ok(rt, db.SaveAgendaItem(context.Background(), Overwriting(context.Background(), db, it), &it))
				}
			case 3:
				ok(rt, db.DeleteAgendaItem(context.Background(), id))
			case 4, 5: // deliver some ops from another replica, maybe twice, shuffled
				sendSome(rt, dbs[rapid.IntRange(0, n-1).Draw(rt, "from")], db, 3)
			}
		}
		sendAll(rt, dbs...)
		converged(rt, dbs...)
		checkNothingLost(rt, dbs[0], c.ID)
		for i, db := range dbs {
			if err := SearchIndexProblem(db); err != nil {
				rt.Fatalf("replica %d: %v", i, err)
			}
		}
	})
}

// checkNothingLost: every short-field edit nobody built on (a head) is the
// field's value or kept in a conflict, unless its row was deleted by a
// delete that had seen it.
func checkNothingLost(t tester, db *DB, council string) {
	log, err := db.ChangeLog()
	ok(t, err)
	// An edit was seen when some other op of its field had it in its
	// context, or wrote the same value (equal concurrent edits agree).
	based := map[string]bool{}
	seenValue := map[string]bool{}
	for _, o := range log {
		for _, b := range log {
			if b.Row == o.Row && b.Field == o.Field && b != o && Saw(o.Base, b.Device, b.Seq) {
				based[opID(b.Device, b.Seq)] = true
				seenValue[fmt.Sprintf("%s/%s/%v", b.Row, b.Field, b.Value)] = true
			}
		}
	}
	cs, err := db.Conflicts(context.Background(), council)
	if err != nil {
		t.Fatal(err)
	}
	var all []Conflict
	all = append(all, cs...)
	kept := map[string]bool{}
	for _, x := range all {
		kept[fmt.Sprintf("%s/%s/%s/%v", x.Table, x.Row, x.Field, x.Other)] = true
	}
	for _, o := range log {
		if o.Field != "title" || based[opID(o.Device, o.Seq)] || seenValue[fmt.Sprintf("%s/%s/%v", o.Row, o.Field, o.Value)] {
			continue
		}
		it, err := db.AgendaItem(context.Background(), o.Row)
		if err != nil {
			continue // deleted by a delete that saw it (else the row would live)
		}
		if it.Title != o.Value && !kept[fmt.Sprintf("%s/%s/%s/%v", o.Table, o.Row, o.Field, o.Value)] {
			for _, x := range log {
				if x.Row == o.Row {
					t.Helper()
					fmt.Printf("%s:%d hlc=%d %q %v base=%s\n", x.Device[len(x.Device)-4:], x.Seq, x.HLC, x.Field, x.Value, x.Base)
				}
			}
			t.Fatalf("edit %s:%d title=%v lost: now %q, conflicts %+v", o.Device, o.Seq, o.Value, it.Title, all)
		}
	}
}

func TestDeleteKnowledgeRoundTrip(t *testing.T) {
	k := deleteKnowledge{"title": {5, "a"}, "notes": {7, "b"}}
	if got := decodeKnowledge(encodeKnowledge(k)); !reflect.DeepEqual(got, k) {
		t.Errorf("got %v", got)
	}
	keys := []string{}
	for f := range decodeKnowledge("junk\n\t\t\nx\t1\ty\n") {
		keys = append(keys, f)
	}
	sort.Strings(keys)
	if !reflect.DeepEqual(keys, []string{"x"}) {
		t.Errorf("junk decoded to %v", keys)
	}
}
