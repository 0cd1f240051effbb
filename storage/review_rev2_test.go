package storage

// Adversarial review of commit 00609f0 (merge.go, I10's "erased
// direction": a side that erased names the ancestor still has erases
// them on every side of the merge).

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"lokalraad/model"
)

// Finding (step 1 abuse, and the honest case): nobody erases anybody. A
// secretary anonymises one line of the minutes by hand, writing
// "tidligere medlem" where Karen Østergaard's name stood (a plain edit,
// no erasure, no sync_scrub op), while another laptop, at the same time,
// adds a line of its own naming Karen Østergaard. The merge takes the
// hand edit for an erasure's edit and erases "Karen Østergaard" from the
// other laptop's new line too, on every replica, with no conflict kept:
// a living member's name is gone from a line its author wrote about her.
func TestRev2PlainEditErasesNameFromConcurrentLine(t *testing.T) {
	a, b, c, _, it := setup(t)
	ia, err := a.AgendaItem(t.Context(), it.ID)
	ok(t, err)
	ia.Notes = setLine(minutes(), 2, "Karen Østergaard sagde: vi må vente")
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia))
	send(t, a, b)

	at(a, time.Hour)
	editNotes(t, a, it.ID, 2, model.FormerMember+" sagde: vi må vente") // anonymised by hand
	at(b, 2*time.Hour)
	bLine := "Karen Østergaard blev valgt som formand"
	editNotes(t, b, it.ID, 9, bLine)
	for _, o := range mustOps(t, a) {
		if o.Table == scrubTable {
			t.Fatalf("the hand edit wrote an erasure: %+v", o)
		}
	}
	d := replica(t, "d")
	sendAll(t, a, b, d)
	converged(t, a, b, d)
	for name, db := range map[string]*DB{"a": a, "b": b, "d": d} {
		all := allText(t, db, c.ID, it.ID)
		if !strings.Contains(all, bLine) {
			t.Errorf("%s: b's line %q is neither in the minutes nor in a conflict:\n%s", name, bLine, all)
		}
	}
}

// The same with the roles the other way round in replay order: the
// laptop adding the line sorts first, the hand edit second (the hand
// edit is then "ours", the added line "theirs").
func TestRev2PlainEditErasesNameFromEarlierConcurrentLine(t *testing.T) {
	a, b, c, _, it := setup(t)
	ia, err := a.AgendaItem(t.Context(), it.ID)
	ok(t, err)
	ia.Notes = setLine(minutes(), 2, "Karen Østergaard sagde: vi må vente")
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia))
	send(t, a, b)

	at(b, time.Hour)
	bLine := "Karen Østergaard blev valgt som formand"
	editNotes(t, b, it.ID, 9, bLine)
	at(a, 2*time.Hour)
	editNotes(t, a, it.ID, 2, model.FormerMember+" sagde: vi må vente")
	sendAll(t, a, b)
	converged(t, a, b)
	all := allText(t, a, c.ID, it.ID)
	if !strings.Contains(all, bLine) {
		t.Errorf("b's line %q is neither in the minutes nor in a conflict:\n%s", bLine, all)
	}
}

// sendNoScrub gives to every op of from but the erasures' rewrites of the
// log: an erasure's edit arriving before its sync_scrub op.
func sendNoScrub(t tester, from, to *DB) {
	applyWhere(t, from, to, func(o Change) bool { return o.Table != scrubTable })
}

// Convergence (I1) and nothing lost with step 1 at work: as
// TestReviewI10PropertyErasuresConverge, and besides, erasures' edits
// that arrive before their rewrite of the log, and lines anonymised by
// hand (a name replaced by "tidligere medlem" with no erasure).
func TestRev2PropertyLateScrubsAndHandAnonymising(t *testing.T) {
	erasuresConverge(t, 10, func(rt *rapid.T, k int, db *DB, dbs []*DB, it model.AgendaItem, names []string) bool {
		switch k {
		case 4: // anonymise one line by hand
			cur, err := db.AgendaItem(context.Background(), it.ID)
			if err != nil {
				return true
			}
			ls := noteLines(cur.Notes)
			k := rapid.IntRange(0, len(ls)-1).Draw(rt, "line")
			nm := names[rapid.IntRange(0, 1).Draw(rt, "anon")]
			if !strings.Contains(ls[k], nm) {
				return true
			}
			ls[k] = strings.ReplaceAll(ls[k], nm, model.FormerMember)
			cur.Notes = strings.Join(ls, "")
			ok(rt, db.SaveAgendaItem(context.Background(), Overwriting(context.Background(), db, cur), &cur))
		case 5: // an erasure's edit before its rewrite of the log
			sendNoScrub(rt, dbs[rapid.IntRange(0, len(dbs)-1).Draw(rt, "from")], db)
		default:
			return false
		}
		return true
	})
}

// applyWhere gives to the ops of from that keep says.
func applyWhere(t tester, from, to *DB, keep func(Change) bool) {
	var sub []Change
	for _, o := range mustOps(t, from) {
		if keep(o) {
			sub = append(sub, o)
		}
	}
	_, err := to.ApplyOps(context.Background(), sub)
	ok(t, err)
}

// Finding (an erased name comes back): a laptop offline during an
// erasure changed the one line that named Karen Østergaard ("… kom for
// sent"). A replica that holds the erasure's edit but not yet its
// rewrite of the log merges with step 1 and shows the line with
// "tidligere medlem"; once the rewrite arrives, step 1 no longer fires
// (the ancestor is rewritten too) and step 2 finds no line of the
// erased text that the edit left as it was, so the replica shows the
// name again. README documents that a name standing only on lines the
// edit changed is not found; what is new is that a replica first shows
// it erased and then brings it back.
func TestRev2NameComesBackWhenScrubArrives(t *testing.T) {
	a, b, e, c, it := minutesOnThree(t, setLine(minutes(), 2, "Karen Østergaard kom"))
	at(b, time.Hour)
	editNotes(t, b, it.ID, 2, "Karen Østergaard kom for sent")
	at(e, 2*time.Hour)
	_, err := e.ErasePerson(t.Context(), c.ID, "Karen Østergaard")
	ok(t, err)

	r := replica(t, "r")
	send(t, a, r)
	send(t, b, r)
	sendNoScrub(t, e, r)
	before := allText(t, r, c.ID, it.ID)
	send(t, e, r)
	after := allText(t, r, c.ID, it.ID)
	if strings.Contains(before, "Karen") {
		t.Logf("before the rewrite the name shows already:\n%s", before)
	}
	if strings.Contains(after, "Karen") && !strings.Contains(before, "Karen") {
		t.Errorf("the name was erased before the erasure's rewrite arrived, and came back with it:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// Convergence (I1) over the orders named in the brief: an erasure's edit
// before its rewrite, the rewrite before the edit, two erasures of
// different names, an offline edit adding a line naming both, then the
// follow-up erasures. Every replica shows the same, the offline
// laptop's lines are all there, and neither name is in the minutes.
func TestRev2ScrubOrdersConverge(t *testing.T) {
	a, b, c, _, it := setup(t)
	e, f := replica(t, "e"), replica(t, "f")
	ia, err := a.AgendaItem(t.Context(), it.ID)
	ok(t, err)
	ia.Notes = setLine(setLine(minutes(), 2, "Karen Østergaard kom"), 5, "Jens Hansen gik")
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia))
	for _, x := range []*DB{b, e, f} {
		send(t, a, x)
	}
	at(b, 90*time.Minute) // offline: writes beside both names
	ib, err := b.AgendaItem(t.Context(), it.ID)
	ok(t, err)
	ib.Notes = setLine(setLine(ib.Notes, 8, "B8 rettet"), 11, "B11 ny linje")
	ok(t, b.SaveAgendaItem(t.Context(), Overwriting(t.Context(), b, ib), &ib))
	at(e, time.Hour)
	_, err = e.ErasePerson(t.Context(), c.ID, "Karen Østergaard")
	ok(t, err)
	at(f, 2*time.Hour)
	_, err = f.ErasePerson(t.Context(), c.ID, "Jens Hansen")
	ok(t, err)

	isScrub := func(o Change) bool { return o.Table == scrubTable }
	notScrub := func(o Change) bool { return o.Table != scrubTable }
	all := func(Change) bool { return true }
	type step struct {
		from *DB
		keep func(Change) bool
	}
	orders := [][]step{
		{{e, notScrub}, {b, all}, {f, notScrub}, {e, isScrub}, {f, isScrub}},
		{{e, isScrub}, {f, isScrub}, {b, all}, {e, notScrub}, {f, notScrub}},
		{{b, all}, {f, notScrub}, {e, all}, {f, isScrub}},
		{{f, all}, {e, notScrub}, {b, all}, {e, isScrub}},
		{{e, all}, {f, all}, {b, all}},
	}
	var rs []*DB
	for i, order := range orders {
		r := replica(t, fmt.Sprintf("r%d", i))
		send(t, a, r)
		for _, s := range order {
			applyWhere(t, s.from, r, s.keep)
		}
		rs = append(rs, r)
	}
	first := allText(t, rs[0], c.ID, it.ID)
	for i, r := range rs[1:] {
		if got := allText(t, r, c.ID, it.ID); got != first {
			t.Errorf("before the follow-ups travel, replica r%d shows\n%s\nr0 shows\n%s", i+1, got, first)
		}
	}
	send(t, rs[0], rs[3])
	send(t, rs[1], rs[2])
	send(t, rs[4], rs[0])
	everyone := append([]*DB{a, b, e, f}, rs...)
	sendAll(t, everyone...)
	converged(t, everyone...)
	for i, db := range everyone {
		s := allText(t, db, c.ID, it.ID)
		for _, w := range []string{"Karen", "Jens", "Hansen", "Østergaard"} {
			if strings.Contains(s, w) {
				t.Errorf("replica %d: %q came back:\n%s", i, w, s)
			}
		}
		for _, w := range []string{"B8 rettet", "B11 ny linje"} {
			if !strings.Contains(s, w) {
				t.Errorf("replica %d: %q lost:\n%s", i, w, s)
			}
		}
		for _, o := range mustOps(t, db) {
			if v := fmt.Sprint(o.Value); o.Table != scrubTable && (strings.Contains(v, "Karen") || strings.Contains(v, "Jens")) {
				t.Errorf("replica %d: the change log names a person: %s %s.%s %q", i, o.ID(), o.Table, o.Field, v)
			}
		}
	}
}

// Finding (step 1 abuse reaches the change log): no erasure at all. One
// laptop anonymises a line by hand ("Karen Østergaard kom" → "tidligere
// medlem kom"); another, at the same time, corrects the same line to the
// member who really came ("Peter Jensen kom"). Step 1 takes the hand
// edit for an erasure and erases Karen Østergaard from the ancestor too;
// the ancestor's line then says "tidligere medlem kom", so step 2 takes
// "Peter Jensen" on the other laptop's line for an erased name brought
// back: it is erased from the minutes, with no conflict (this test), and
// the follow-up erasures rewrite the other laptop's op in every replica's
// change log (TestRev2PlainEditRewritesAnotherMembersOpInTheLog). A
// living member nobody erased leaves the history because of a plain
// edit. Before 00609f0 the two edits were kept as a conflict.
func TestRev2PlainEditErasesAnotherMembersLine(t *testing.T) {
	plainEditVersusCorrection(t, true, false)
}

// The change-log half of TestRev2PlainEditErasesAnotherMembersLine.
func TestRev2PlainEditRewritesAnotherMembersOpInTheLog(t *testing.T) {
	plainEditVersusCorrection(t, false, true)
}

func plainEditVersusCorrection(t *testing.T, checkText, checkLog bool) {
	for _, handFirst := range []bool{true, false} {
		t.Run(fmt.Sprintf("hand edit sorts first %v", handFirst), func(t *testing.T) {
			a, b, c, _, it := setup(t)
			ia, err := a.AgendaItem(t.Context(), it.ID)
			ok(t, err)
			ia.Notes = setLine(minutes(), 2, "Karen Østergaard kom")
			ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia))
			send(t, a, b)
			ha, hb := time.Hour, 2*time.Hour
			if !handFirst {
				ha, hb = hb, ha
			}
			at(a, ha)
			editNotes(t, a, it.ID, 2, model.FormerMember+" kom") // by hand, no erasure
			at(b, hb)
			editNotes(t, b, it.ID, 2, "Peter Jensen kom")
			bOp := ""
			for _, o := range mustOps(t, b) {
				if s, _ := o.Value.(string); o.Field == "notes" && strings.Contains(s, "Peter Jensen") {
					bOp = o.ID()
				}
			}
			d := replica(t, "d")
			sendAll(t, a, b, d)
			sendAll(t, a, b, d)
			converged(t, a, b, d)
			for name, db := range map[string]*DB{"a": a, "b": b, "d": d} {
				if all := allText(t, db, c.ID, it.ID); checkText && !strings.Contains(all, "Peter Jensen kom") {
					t.Errorf("%s: b's line is neither in the minutes nor in a conflict:\n%s", name, all)
				}
				for _, o := range mustOps(t, db) {
					if checkLog && o.ID() == bOp && !strings.Contains(fmt.Sprint(o.Value), "Peter Jensen") {
						t.Errorf("%s: b's op %s was rewritten in the change log: %q", name, bOp, o.Value)
					}
				}
			}
		})
	}
}

// Held (and holds with the fix for the change-log half above): a
// replica that merged an erasure's edit before its rewrite of the log
// shows the same lines and conflicts after it arrives, and writes the
// follow-up erasure then, both for an
// offline edit that kept the erased line and for one that put another
// name in the erased name's place (README's documented case).
func TestRev2LateScrubStillRewritesTheLog(t *testing.T) {
	for _, tc := range []struct{ name, line, k string }{
		{"kept the line", "Karen Østergaard sagde ja", "Karen"},
		{"name in the erased name's place", "", "Peter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b, e, c, it := minutesOnThree(t, setLine(minutes(), 2, "Karen Østergaard kom"))
			at(b, time.Hour)
			if tc.line != "" {
				editNotes(t, b, it.ID, 9, tc.line)
			} else {
				editNotes(t, b, it.ID, 2, "Peter Jensen kom")
			}
			at(e, 2*time.Hour)
			_, err := e.ErasePerson(t.Context(), c.ID, "Karen Østergaard")
			ok(t, err)
			r := replica(t, "r")
			send(t, a, r)
			sendNoScrub(t, e, r)
			send(t, b, r)
			before := allText(t, r, c.ID, it.ID)
			send(t, e, r)
			after := allText(t, r, c.ID, it.ID)
			// The same lines and conflicts; only the names the rewrite
			// shows erased may differ (b's lines, which the erasure's own
			// edit did not touch, name the person until it arrives).
			if erased := model.EraseNames(before, []string{"Karen Østergaard", "Peter Jensen"}); erased != after {
				t.Errorf("r shows\n%s\nbefore the rewrite, and\n%s\nafter", before, after)
			}
			if strings.Contains(after, tc.k) {
				t.Errorf("%s shows:\n%s", tc.k, after)
			}
			for _, o := range mustOps(t, r) {
				if v := fmt.Sprint(o.Value); o.Table != scrubTable && o.Device == b.self() && strings.Contains(v, tc.k) {
					t.Errorf("r's change log keeps b's op naming %s: %s %q", tc.k, o.ID(), v)
				}
			}
		})
	}
}
