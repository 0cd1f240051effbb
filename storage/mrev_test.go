package storage

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
)

// Review of 3e87ee8 (besideKept). Minutes repeat lines ("Beslutning:
// Godkendt" under every item). Laptop A changes item 1's decision and adds
// item 2, whose decision reads as item 1's did; laptop B, offline, changes
// item 1's decision to "Udsat". Both changed the same line: a conflict
// keeping A's text. With 3e87ee8 the merge was clean: A's item-2 decision
// was in neither the text nor a conflict, and the minutes said item 2 was
// postponed (B's edit of item 1 landed under item 2). Lines added before a
// kept line no longer count as added beside it.
func TestMrevRepeatedDecisionLineLostOnSync(t *testing.T) {
	a, b, c, _, it := setup(t)
	it.Notes = "Punkt 1: Stien\nBeslutning: Godkendt\n"
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, it), &it))
	send(t, a, b)
	at(a, time.Hour)
	at(b, 2*time.Hour)
	ia := noerr.Get(a.AgendaItem(t.Context(), it.ID))(t)
	ia.Notes = "Punkt 1: Stien\nBeslutning: Godkendt med rettelser\nPunkt 2: Bænke\nBeslutning: Godkendt\n"
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia))
	ib := noerr.Get(b.AgendaItem(t.Context(), it.ID))(t)
	ib.Notes = "Punkt 1: Stien\nBeslutning: Udsat\n"
	ok(t, b.SaveAgendaItem(t.Context(), Overwriting(t.Context(), b, ib), &ib))
	send(t, a, b)
	send(t, b, a)
	for name, db := range map[string]*DB{"a": a, "b": b} {
		got := noerr.Get(db.AgendaItem(t.Context(), it.ID))(t)
		kept := false
		for _, cf := range noerr.Get(db.Conflicts(t.Context(), c.ID))(t) {
			if s := fmt.Sprint(cf.Other) + fmt.Sprint(cf.Kept); strings.Contains(s, "Punkt 2: Bænke\nBeslutning: Godkendt\n") {
				kept = true
			}
		}
		if !kept && !strings.Contains(got.Notes, "Punkt 2: Bænke\nBeslutning: Godkendt\n") {
			t.Errorf("%s: item 2's decision as A wrote it is nowhere; notes %q", name, got.Notes)
		}
	}
}

// I10 beside 3e87ee8's final-newline rule: Merge3 now takes "Karen
// Østergaard kom" (last line, typed without a newline) and "Karen
// Østergaard kom\n" (the same line once another laptop added a line
// after it) as one line, but model.MeetErasedLines still aligns the raw
// lines, so the erasure's own edit, arriving before its rewrite, did not
// take b's copy of the line as erased and the name came back (so before
// 3e87ee8 too). Both now compare lines as Merge3 does. With a final
// newline (control) the same steps kept the name out.
func TestMrevErasureBesideLineAddedAtTheEnd(t *testing.T) {
	for _, end := range []string{"\n", ""} {
		t.Run(fmt.Sprintf("final newline %q", end), func(t *testing.T) {
			a, b, e, c, it := minutesOnThree(t, "Linje 1\nKaren Østergaard kom"+end)
			at(b, time.Hour)
			ib := noerr.Get(b.AgendaItem(t.Context(), it.ID))(t)
			ib.Notes = "Linje 1\nKaren Østergaard kom\nT1" + end
			ok(t, b.SaveAgendaItem(t.Context(), Overwriting(t.Context(), b, ib), &ib))
			at(e, 2*time.Hour)
			_, err := e.ErasePerson(t.Context(), c.ID, "Karen Østergaard")
			ok(t, err)
			sendNoScrub(t, e, b) // e's edit of the text, without the erasure's rewrite
			if got := noerr.Get(b.AgendaItem(t.Context(), it.ID))(t); strings.Contains(got.Notes, "Karen") {
				t.Errorf("b, with the erasure's edit: the erased name is back: %q", got.Notes)
			}
			sendAll(t, a, b, e)
			sendAll(t, a, b, e)
			converged(t, a, b, e)
			if all := allText(t, a, c.ID, it.ID); strings.Contains(all, "Karen") || !strings.Contains(all, "T1") {
				t.Errorf("after sync: %q", all)
			}
		})
	}
}

// Three laptops, a merge of a merge (review of 3e87ee8). From "Punkt 1 /
// Beslutning: Godkendt", laptop A adds item 2 (decision "Godkendt" too)
// and touches nothing else; B changes item 1's decision to "Godkendt med
// rettelser"; C, offline, changes item 1's decision to "Udsat". B and C
// changed the same line: a conflict. With 3e87ee8, C's merge aligned
// base's decision line with item 2's (Merge3 from C's base against A+B)
// and besideKept resolved it cleanly: item 2 was "Udsat", A's decision
// line in neither the text nor a conflict, and nobody saw B and C
// disagree.
func TestMrevThreeLaptopsEditLandsUnderAnotherItem(t *testing.T) {
	a, b, e, c, it := minutesOnThree(t, "Punkt 1: Stien\nBeslutning: Godkendt\n")
	edit := func(db *DB, d time.Duration, notes string) {
		at(db, d)
		x := noerr.Get(db.AgendaItem(t.Context(), it.ID))(t)
		x.Notes = notes
		ok(t, db.SaveAgendaItem(t.Context(), Overwriting(t.Context(), db, x), &x))
	}
	edit(a, time.Hour, "Punkt 1: Stien\nBeslutning: Godkendt\nPunkt 2: Bænke\nBeslutning: Godkendt\n")
	edit(b, 2*time.Hour, "Punkt 1: Stien\nBeslutning: Godkendt med rettelser\n")
	edit(e, 3*time.Hour, "Punkt 1: Stien\nBeslutning: Udsat\n")
	sendAll(t, a, b, e)
	sendAll(t, a, b, e)
	converged(t, a, b, e)
	got := noerr.Get(a.AgendaItem(t.Context(), it.ID))(t)
	cs := noerr.Get(a.Conflicts(t.Context(), c.ID))(t)
	if len(cs) == 0 && (strings.Contains(got.Notes, "Punkt 2: Bænke\nBeslutning: Udsat") || !strings.Contains(got.Notes, "Punkt 2: Bænke\nBeslutning: Godkendt\n")) {
		t.Errorf("no conflict, and item 2's decision is C's edit of item 1: %q", got.Notes)
	}
}
