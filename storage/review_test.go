package storage

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// at fixes a replica's clock at base+d (still ticking a millisecond a call).
func at(db *DB, d time.Duration) {
	clock := syncNow.Add(d)
	db.Now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }
}

// A long text merged cleanly from two concurrent edits, then edited again
// by a device that held only one of them: the edit is based on the
// merge's version but not on its value, so the other side's lines must
// survive (they were never kept as a conflict). An op's base names one op;
// the replay sees that the field's state is more than that op's own text,
// and merges the edit in.
func TestReviewEditAfterCleanMergeKeepsOtherSide(t *testing.T) {
	a, b, _, _, it := setup(t)
	at(b, time.Hour)
	ib := it
	ib.Notes = "Linje 1\nLinje 2\nLinje 3 (Søren)\n"
	ok(t, b.SaveAgendaItem(t.Context(), Overwriting(t.Context(), b, ib), &ib)) // P
	at(a, 2*time.Hour)
	ia := it
	ia.Notes = "Linje 1 (Karen)\nLinje 2\nLinje 3\n"
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia)) // O, concurrent with P
	ia.Notes = "Linje 1 (Karen, rettet)\nLinje 2\nLinje 3\n"
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia)) // based on O; a has not seen P
	c := replica(t, "c")
	send(t, a, c)
	send(t, b, c)
	send(t, a, b)
	send(t, b, a)
	want := "Linje 1 (Karen, rettet)\nLinje 2\nLinje 3 (Søren)\n"
	for name, db := range map[string]*DB{"a": a, "b": b, "c": c} {
		got, err := db.AgendaItem(t.Context(), it.ID)
		ok(t, err)
		if got.Notes != want {
			t.Errorf("%s: notes = %q, want %q", name, got.Notes, want)
		}
	}
	converged(t, a, b, c)
}

// Saving a row again after deleting it (an editor still open) makes it
// live again here; the other replicas must agree.
func TestReviewSaveAfterLocalDeleteConverges(t *testing.T) {
	a, b, _, _, it := setup(t)
	ok(t, a.DeleteAgendaItem(t.Context(), it.ID))
	it.Title = "Stien igen"
	ok(t, a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	send(t, a, b)
	if _, err := a.AgendaItem(t.Context(), it.ID); err != nil {
		t.Fatalf("a: %v", err)
	}
	if a.Tombstoned("agenda_items", it.ID) {
		t.Error("a: live row keeps its tombstone")
	}
	converged(t, a, b)
}

// An erasure rewrites past values; replicas that got it in one batch with
// the ops it rewrites, after them, or before them agree, and no kept
// conflict still shows the name.
func TestReviewErasureConvergesWithConflicts(t *testing.T) {
	a, b, c, _, it := setup(t)
	at(b, time.Hour)
	ib := it
	ib.Title = "Hans Hansen inviteres"
	ok(t, b.SaveAgendaItem(t.Context(), Overwriting(t.Context(), b, ib), &ib))
	at(a, 2*time.Hour)
	ia := it
	ia.Title = "Møde med Hans Hansen"
	ia.Notes = "Linje 1\nHans Hansen\nLinje 3\n"
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia))
	before := mustOps(t, a) // what a holds before it hears of b
	send(t, b, a)
	send(t, a, b)
	if cs := noerr.Get(a.Conflicts(t.Context(), c.ID))(t); len(cs) != 1 {
		t.Fatalf("conflicts = %+v", cs)
	}
	_, err := a.ErasePerson(t.Context(), c.ID, "Hans Hansen")
	ok(t, err)
	all := mustOps(t, a)
	var scrub []Change
	for _, o := range all {
		if o.Table == scrubTable {
			scrub = append(scrub, o)
		}
	}
	if len(scrub) != 1 {
		t.Fatalf("scrub ops = %d", len(scrub))
	}

	send(t, a, b)        // b had the ops, gets the erasure
	d := replica(t, "d") // everything in one batch
	send(t, a, d)
	e := replica(t, "e") // the erasure first, the rest later
	_, err = e.ApplyOps(context.Background(), before)
	ok(t, err)
	_, err = e.ApplyOps(context.Background(), scrub)
	ok(t, err)
	send(t, a, e)
	converged(t, a, b, d, e)
	for name, db := range map[string]*DB{"a": a, "b": b, "d": d, "e": e} {
		cs := noerr.Get(db.Conflicts(t.Context(), c.ID))(t)
		for _, x := range cs {
			if strings.Contains(fmt.Sprint(x.Kept, x.Other, x.Current), "Hans") {
				t.Errorf("%s: conflict still names the person: %+v", name, x)
			}
		}
		ops := mustOps(t, db)
		for _, o := range ops {
			if strings.Contains(fmt.Sprint(o.Value), "Hans") {
				t.Errorf("%s: log still names the person: %s.%s %v", name, o.Table, o.Field, o.Value)
			}
		}
	}
}

// A long-text merge whose ancestor was rewritten by an erasure gives the
// same text on a replica that merged before the erasure arrived and on one
// that got everything at once.
func TestReviewErasureAndLongTextMerge(t *testing.T) {
	a, b, c, _, it := setup(t)
	ia := it
	ia.Notes = "Linje 1\nHans Hansen kom\nLinje 3\n"
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia)) // X
	send(t, a, b)
	at(b, time.Hour)
	ib := noerr.Get(b.AgendaItem(t.Context(), it.ID))(t)
	ib.Notes = "Linje 1\nHans Hansen kom\nLinje 3 (b)\n"
	ok(t, b.SaveAgendaItem(t.Context(), Overwriting(t.Context(), b, ib), &ib)) // based on X
	ok(t, func() error { _, err := a.ErasePerson(context.Background(), c.ID, "Hans Hansen"); return err }())
	d := replica(t, "d")
	send(t, a, d)
	send(t, b, d)
	send(t, b, a)
	send(t, a, b)
	converged(t, a, b, d)
}

// An erasure naming another erasure op (only a crafted one can) rewrites
// nothing there and does not break the batch.
func TestReviewScrubCannotRewriteScrub(t *testing.T) {
	a, b, c, _, it := setup(t)
	ia := it
	ia.Title = "Møde med Hans Hansen"
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia))
	_, err := a.ErasePerson(t.Context(), c.ID, "Hans Hansen")
	ok(t, err)
	send(t, a, b)
	var target Change
	for _, o := range mustOps(t, a) {
		if o.Table == scrubTable {
			target = o
		}
	}
	evil := Change{Device: "evil", Seq: 1, HLC: target.HLC + 1, Table: scrubTable, Row: "x", Council: c.ID, Field: "ops",
		Value: `{"` + target.ID() + `": "{}"}`}
	for _, db := range []*DB{a, b} {
		if _, err := db.ApplyOps(context.Background(), []Change{evil}); err != nil {
			t.Fatalf("crafted erasure broke the batch: %v", err)
		}
	}
	for _, o := range mustOps(t, b) {
		if o.ID() == target.ID() && o.Value != target.Value {
			t.Errorf("erasure op rewritten to %v", o.Value)
		}
	}
	converged(t, a, b)
}

// The other way round: a device that saw the merged text edits it (its
// base says it saw the merged state): the edit replaces the merge, with no
// conflict, and every replica agrees with what that device shows.
func TestReviewEditOnMergedStateReplaces(t *testing.T) {
	a, b, _, _, it := setup(t)
	at(b, time.Hour)
	ib := it
	ib.Notes = "Linje 1\nLinje 2\nLinje 3 (Søren)\n"
	ok(t, b.SaveAgendaItem(t.Context(), Overwriting(t.Context(), b, ib), &ib))
	at(a, 2*time.Hour)
	ia := it
	ia.Notes = "Linje 1 (Karen)\nLinje 2\nLinje 3\n"
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia))
	send(t, b, a) // a now shows the clean merge
	merged, err := a.AgendaItem(t.Context(), it.ID)
	ok(t, err)
	if merged.Notes != "Linje 1 (Karen)\nLinje 2\nLinje 3 (Søren)\n" {
		t.Fatalf("merge on a: %q", merged.Notes)
	}
	// Karen rewrites Søren's line too, on the merged text she sees.
	merged.Notes = "Linje 1 (Karen)\nLinje 2\nLinje 3 (Søren, rettet af Karen)\n"
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, merged), &merged))
	send(t, a, b)
	c := replica(t, "c")
	send(t, b, c)
	for name, db := range map[string]*DB{"a": a, "b": b, "c": c} {
		got, err := db.AgendaItem(t.Context(), it.ID)
		ok(t, err)
		if got.Notes != merged.Notes {
			t.Errorf("%s: notes = %q, want %q", name, got.Notes, merged.Notes)
		}
		cs := noerr.Get(db.Conflicts(t.Context(), it.CouncilID))(t)
		if len(cs) != 0 {
			t.Errorf("%s: a false conflict: %+v", name, cs)
		}
	}
	converged(t, a, b, c)
}
