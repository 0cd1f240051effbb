package storage

// An adversarial review of the merge's I10 (commit c63657a): an erased
// name that an offline edit brings back is erased again by the replay,
// and the laptops that find it erase it from the change log as well.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// allText is what a replica shows of an item's minutes: the notes and
// every kept conflict's texts.
func allText(t *testing.T, db *DB, council, item string) string {
	t.Helper()
	got, err := db.AgendaItem(t.Context(), item)
	ok(t, err)
	cs, err := db.Conflicts(t.Context(), council)
	ok(t, err)
	all := got.Notes
	for _, k := range cs {
		all += fmt.Sprintf("\n%v\n%v\n%v", k.Kept, k.Other, k.Current)
	}
	return all
}

// Found in review (fixed: each side of a merge loses only the names
// found in it): after an erasure, minutes keep "tidligere medlem" on a line. A
// laptop corrects that line into a capitalised word that is no name
// ("Formanden stemte for"), while another laptop, at the same time, adds
// a line of its own that happens to use the same word. The merge takes
// the word for an erased name coming back and erases it from the other
// laptop's line too: a legitimate line on another line than anything
// the erasure touched loses a word on every replica, with no conflict
// kept (and the follow-up erasures rewrite it in the change log, so it is
// gone from history as well). README documents only that the corrected
// line itself is taken for an erased name.
func TestReviewI10ConcurrentLineLosesAWord(t *testing.T) {
	a, b, c, _, it := setup(t)
	ia, err := a.AgendaItem(t.Context(), it.ID)
	ok(t, err)
	ia.Notes = setLine(minutes(), 2, "Karen Østergaard stemte for")
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia))
	_, err = a.ErasePerson(t.Context(), c.ID, "Karen Østergaard")
	ok(t, err)
	send(t, a, b)

	at(a, time.Hour)
	editNotes(t, a, it.ID, 2, "Formanden stemte for")
	at(b, 2*time.Hour)
	bLine := "Formanden takkede for god ro og orden"
	editNotes(t, b, it.ID, 9, bLine)
	send(t, a, b)
	send(t, b, a)
	sendAll(t, a, b)
	converged(t, a, b)

	for name, db := range map[string]*DB{"a": a, "b": b} {
		all := allText(t, db, c.ID, it.ID)
		if !strings.Contains(all, bLine) {
			t.Errorf("%s: b's line %q is neither in the minutes nor in a conflict:\n%s", name, bLine, all)
		}
		if !strings.Contains(all, "Formanden stemte for") {
			t.Logf("%s: a's correction is lost too (README's documented case)", name)
		}
	}
}

// Found in review (fixed: each side of a merge loses only the names found
// in it, and a follow-up erasure rewrites only the ops of the device that
// brought a name back): a laptop that holds the minutes as
// they stood after an erasure (a stale laptop, or a hostile one that
// simply does not pull) writes the name of a living member, Jens Hansen,
// where the erased text says "tidligere medlem". Every replica then
// erases "Jens Hansen" from the lines another laptop wrote about him that
// the stale laptop never saw, and the laptops write erasures of their
// own that rewrite the other laptop's past ops in the change log: a
// council device has other devices erase a person nobody erased, from
// history too, without itself writing any erasure (which a fix of the
// known gap "an erasure may replace any capitalised phrase" would not
// stop, since the erasures come from the victims' laptops).
func TestReviewI10StaleLaptopErasesALivingMember(t *testing.T) {
	a, _, c, _, it := setup(t)
	h := replica(t, "h")
	ia, err := a.AgendaItem(t.Context(), it.ID)
	ok(t, err)
	ia.Notes = "Karen Østergaard kom\nLinje 2\n"
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia))
	_, err = a.ErasePerson(t.Context(), c.ID, "Karen Østergaard")
	ok(t, err)
	send(t, a, h) // h holds "tidligere medlem kom\nLinje 2\n"

	at(a, time.Hour) // a goes on writing, h does not see it
	ia, err = a.AgendaItem(t.Context(), it.ID)
	ok(t, err)
	ia.Notes += "Jens Hansen bød velkommen\nJens Hansen blev valgt som formand\n"
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia))
	aOp := ""
	for _, o := range mustOps(t, a) {
		if s, _ := o.Value.(string); o.Field == "notes" && strings.Contains(s, "Jens Hansen blev valgt") {
			aOp = o.ID()
		}
	}
	at(h, 2*time.Hour)
	editNotes(t, h, it.ID, 1, "Jens Hansen kom")

	send(t, h, a)
	send(t, a, h)
	d := replica(t, "d")
	sendAll(t, a, h, d)
	converged(t, a, h, d)

	for name, db := range map[string]*DB{"a": a, "h": h, "d": d} {
		all := allText(t, db, c.ID, it.ID)
		for _, l := range []string{"Jens Hansen bød velkommen", "Jens Hansen blev valgt som formand"} {
			if !strings.Contains(all, l) {
				t.Errorf("%s: a's line %q is neither in the minutes nor in a conflict:\n%s", name, l, all)
			}
		}
		for _, o := range mustOps(t, db) {
			if o.ID() == aOp && !strings.Contains(fmt.Sprint(o.Value), "Jens Hansen blev valgt") {
				t.Errorf("%s: a's own past op %s was rewritten in the change log: %q", name, aOp, o.Value)
			}
		}
	}
}

// Convergence (I1) with two erasures of different names on different
// laptops, an offline edit on a third, and replicas that receive the
// three in different orders; then the follow-up erasures travel. Every
// replica shows the same, and no name comes back.
func TestReviewI10TwoErasuresAnyOrder(t *testing.T) {
	for _, tc := range []struct {
		name   string
		bClock time.Duration
	}{{"edit last", 3 * time.Hour}, {"edit first", 30 * time.Minute}, {"edit between", 90 * time.Minute}} {
		t.Run(tc.name, func(t *testing.T) {
			a, b, e, c, it := minutesOnThree(t, setLine(setLine(minutes(), 2, "Karen Østergaard kom"), 5, "Jens Hansen gik"))

			at(b, tc.bClock)
			editNotes(t, b, it.ID, 8, "B rettede")
			at(a, time.Hour)
			_, err := a.ErasePerson(t.Context(), c.ID, "Karen Østergaard")
			ok(t, err)
			at(e, 2*time.Hour)
			_, err = e.ErasePerson(t.Context(), c.ID, "Jens Hansen")
			ok(t, err)

			orders := [][]*DB{{a, e, b}, {b, e, a}, {e, b, a}, {b, a, e}}
			var rs []*DB
			for i, order := range orders {
				r := replica(t, fmt.Sprintf("r%d", i))
				for _, from := range order {
					send(t, from, r)
				}
				rs = append(rs, r)
			}
			// Follow-up erasures, from several laptops, in different orders.
			send(t, rs[0], rs[3])
			send(t, rs[1], rs[2])
			send(t, rs[2], rs[0])
			all := append([]*DB{a, b, e}, rs...)
			sendAll(t, all...)
			converged(t, all...)
			for i, db := range all {
				s := allText(t, db, c.ID, it.ID)
				for _, n := range []string{"Karen", "Østergaard", "Jens", "Hansen"} {
					if strings.Contains(s, n) {
						t.Errorf("replica %d: %q came back:\n%s", i, n, s)
					}
				}
				if !strings.Contains(s, "B rettede") {
					t.Errorf("replica %d: b's edit lost:\n%s", i, s)
				}
				for _, o := range mustOps(t, db) {
					if v := fmt.Sprint(o.Value); o.Table != scrubTable && (strings.Contains(v, "Karen") || strings.Contains(v, "Jens")) {
						t.Errorf("replica %d: the change log names a person: %s %s.%s %q", i, o.ID(), o.Table, o.Field, v)
					}
				}
			}
		})
	}
}

// Finding: an erasure op carries the new values of the ops it rewrote,
// whole texts, and a later erasure of another name never rewrites an
// erasure op. When two people named in the same minutes are erased, each
// erasure op keeps the other's name in the change log for good, and it
// travels in every bundle and to every new laptop. I10 makes this worse:
// every laptop that finds a name brought back writes a follow-up erasure
// of the offline edit's op, carrying every other name that op still held
// (the offline edit was made before either erasure). README: "once it has
// synced the name travels in no bundle".
//
// Not fixed (README's known gaps): an erasure op is checked by its own
// author's signature before it may justify anything, so a later erasure
// cannot rewrite it without a new rule for erasures of erasures, which
// every replica, both hubs and the bundle check would have to agree on.
func TestReviewI10ErasureOpsKeepTheOtherName(t *testing.T) {
	t.Skip("known gap: an erasure op keeps the other names of the texts it rewrote (README, Known gaps); rewriting erasure ops needs a rule for erasures of erasures")
	for _, offline := range []bool{false, true} {
		t.Run(fmt.Sprintf("offline edit %v", offline), func(t *testing.T) {
			a, b, e, c, it := minutesOnThree(t, setLine(setLine(minutes(), 2, "Karen Østergaard kom"), 5, "Jens Hansen gik"))
			if offline {
				at(b, 3*time.Hour)
				editNotes(t, b, it.ID, 8, "B rettede")
			}
			at(a, time.Hour)
			_, err := a.ErasePerson(t.Context(), c.ID, "Karen Østergaard")
			ok(t, err)
			at(e, 2*time.Hour)
			_, err = e.ErasePerson(t.Context(), c.ID, "Jens Hansen")
			ok(t, err)
			sendAll(t, a, b, e)
			converged(t, a, b, e)
			for _, o := range mustOps(t, b) {
				if v := fmt.Sprint(o.Value); strings.Contains(v, "Karen") || strings.Contains(v, "Jens") {
					t.Errorf("the change log names an erased person: %s %s.%s %q", o.ID(), o.Table, o.Field, v)
				}
			}
		})
	}
}

// craftedLine is one line of n capitalised words alike where the erased
// text has n times "tidligere medlem": the same skeleton, so
// RestoredNames aligns it, and the alignment fails only at its last
// word, having tried every way to cut the line into names.
func craftedLine(n int) (anc, text string) {
	return strings.Repeat(model.FormerMember+" X ", n) + "Z\nLinje 2\n",
		strings.Repeat("B C X ", n) + "W\nLinje 2\n"
}

// Cost: one line of such a text, well under the 100.000 characters a
// text may have, merged concurrently with another laptop's edit. The
// alignment costs the square of the line's length (maxRestoreTries
// bounds the lines tried, not the work of one), on every laptop and on
// the hub, inside the apply transaction.
func BenchmarkReviewI10CraftedLineMerge(b *testing.B) {
	for _, n := range []int{1000, 2000, 4000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				x, y, _, _, it := setup(b)
				anc, text := craftedLine(n)
				ix, err := x.AgendaItem(b.Context(), it.ID)
				ok(b, err)
				ix.Notes = anc
				ok(b, x.SaveAgendaItem(b.Context(), Overwriting(b.Context(), x, ix), &ix))
				send(b, x, y)
				at(x, time.Hour)
				ix.Notes = strings.Replace(anc, "Linje 2", "Linje 2 rettet", 1)
				ok(b, x.SaveAgendaItem(b.Context(), Overwriting(b.Context(), x, ix), &ix))
				at(y, 2*time.Hour)
				iy, err := y.AgendaItem(b.Context(), it.ID)
				ok(b, err)
				iy.Notes = text
				ok(b, y.SaveAgendaItem(b.Context(), Overwriting(b.Context(), y, iy), &iy))
				ops := mustOps(b, y)
				b.StartTimer()
				_, err = x.ApplyOps(b.Context(), ops)
				ok(b, err)
			}
		})
	}
}

// The same cost in RestoredNames alone.
func BenchmarkReviewI10CraftedLineRestoredNames(b *testing.B) {
	for _, n := range []int{1000, 2000, 4000} {
		anc, text := craftedLine(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				model.RestoredNames(anc, text)
			}
		})
	}
}

// Cost, as a count rather than a time: RestoredNames on one crafted line
// of a text far under the length a text may have allocates millions of
// times (the aligner's memo of failed positions grows with the square of
// the line). A bounded alignment does a small, fixed amount of work.
func TestReviewI10CraftedLineIsCheap(t *testing.T) {
	anc, text := craftedLine(1000)
	allocs := testing.AllocsPerRun(1, func() { model.RestoredNames(anc, text) })
	if allocs > 200_000 {
		t.Errorf("RestoredNames on a crafted line of %d characters: %.0f allocations", len(anc), allocs)
	}
}

// Convergence (I1) and nothing lost, with I10 at work: four laptops edit
// lines of the same minutes, lines that name two people, while any laptop
// may erase either, and ops travel dropped, repeated and reordered; then
// everything, the follow-up erasures too, reaches everyone. Every replica
// shows the same, and every line written is in the text or a conflict
// (or was replaced on purpose).
func TestReviewI10PropertyErasuresConverge(t *testing.T) {
	erasuresConverge(t, 8, nil)
}

// erasuresConverge checks the property of TestReviewI10PropertyErasuresConverge
// with steps of kinds kinds, drawn in [0, kinds): 0–2 change a line as
// shown, maybe naming someone, 3 erases one of names, and the others send
// some ops from a laptop to db, unless more, given, takes kind k (more
// steps of a review, TestRev2PropertyLateScrubsAndHandAnonymising) and
// says so.
func erasuresConverge(t *testing.T, kinds int, more func(rt *rapid.T, k int, db *DB, dbs []*DB, it model.AgendaItem, names []string) bool) {
	rapid.Check(t, func(rt *rapid.T) {
		dir := t.TempDir()
		n := 4
		dbs := openReplicas(rt, dir, n, func(int) time.Duration {
			return time.Duration(rapid.IntRange(0, 5000).Draw(rt, "skew")) * time.Millisecond
		})
		c, m := councilMeeting(rt, dbs[0])
		names := []string{"Karen Østergaard", "Jens Hansen"}
		base := setLine(setLine(minutes(), 2, "T0 "+names[0]+" kom"), 5, "T00 "+names[1]+" gik")
		it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "P", Kind: model.ItemDecision, Notes: base}
		ok(rt, dbs[0].SaveAgendaItem(context.Background(), model.AgendaItem{}, &it))
		spreadFirst(rt, dbs)
		written, replaced := map[string]bool{}, map[string]bool{}
		token := 0
		steps := rapid.IntRange(1, 20).Draw(rt, "steps")
		for s := 0; s < steps; s++ {
			db := dbs[rapid.IntRange(0, n-1).Draw(rt, "who")]
			switch k := rapid.IntRange(0, kinds-1).Draw(rt, "what"); k {
			case 0, 1, 2: // change one line as shown, maybe naming someone
				cur, err := db.AgendaItem(context.Background(), it.ID)
				if err != nil {
					continue
				}
				ls := noteLines(cur.Notes)
				k := rapid.IntRange(0, len(ls)-1).Draw(rt, "line")
				if old := strings.Fields(ls[k]); len(old) > 0 && strings.HasPrefix(old[0], "T") {
					replaced[old[0]] = true
				}
				token++
				tok := fmt.Sprintf("T%d", token)
				written[tok] = true
				if who := rapid.IntRange(0, 3).Draw(rt, "mentions"); who < len(names) {
					tok += " " + names[who] + " sagde"
				}
				ls[k] = tok + "\n"
				cur.Notes = strings.Join(ls, "")
				ok(rt, db.SaveAgendaItem(context.Background(), Overwriting(context.Background(), db, cur), &cur))
			case 3: // erase one of them
				if _, err := db.ErasePerson(context.Background(), c.ID, names[rapid.IntRange(0, 1).Draw(rt, "erase")]); err != nil {
					rt.Fatalf("erasure: %v", err)
				}
			default:
				if more == nil || !more(rt, k, db, dbs, it, names) {
					sendSome(rt, dbs[rapid.IntRange(0, n-1).Draw(rt, "from")], db, 4)
				}
			}
		}
		sendAll(rt, dbs...)
		sendAll(rt, dbs...)
		converged(rt, dbs...)
		final, err := dbs[0].AgendaItem(context.Background(), it.ID)
		ok(rt, err)
		linesKept(rt, dbs[0], c.ID, final.Notes, written, replaced)
	})
}

// Finding (nothing lost, beyond the documented case): nobody is offline
// during an erasure. Long after Karen Østergaard was erased from an
// attendance list, two laptops edit the minutes at the same time: one
// adds an attendee, Peter Jensen, on a line of his own, the other adds a
// heading, "Eventuelt". RestoredNames compares each new line with every
// erased line of the same skeleton, not with the line it stands in for:
// a line of capitalised words only has the skeleton of "tidligere
// medlem" alone, so both new lines are taken for an erased name brought
// back. Both are erased, from the whole text and, by the follow-up
// erasures, from the change log, on every replica, with no conflict.
func TestReviewI10NewLineOfTheErasedLinesShape(t *testing.T) {
	a, b, c, _, it := setup(t)
	ia, err := a.AgendaItem(t.Context(), it.ID)
	ok(t, err)
	ia.Notes = "Til stede:\nKaren Østergaard\nJens Hansen\n\nPunkt 1: Stien\nDer var enighed.\n"
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia))
	_, err = a.ErasePerson(t.Context(), c.ID, "Karen Østergaard")
	ok(t, err)
	send(t, a, b) // both hold the erasure

	at(a, time.Hour)
	ia, err = a.AgendaItem(t.Context(), it.ID)
	ok(t, err)
	ia.Notes += "\nEventuelt\nIntet.\n"
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia))
	at(b, 2*time.Hour)
	ib, err := b.AgendaItem(t.Context(), it.ID)
	ok(t, err)
	ib.Notes = strings.Replace(ib.Notes, "Jens Hansen\n", "Jens Hansen\nPeter Jensen\n", 1)
	ok(t, b.SaveAgendaItem(t.Context(), Overwriting(t.Context(), b, ib), &ib))
	sendAll(t, a, b)
	converged(t, a, b)

	all := allText(t, a, c.ID, it.ID)
	for _, w := range []string{"Peter Jensen", "Eventuelt"} {
		if !strings.Contains(all, w) {
			t.Errorf("%q is neither in the minutes nor in a conflict:\n%s", w, all)
		}
	}
}

// Related cost, before I10 and not fixed here: the door's check of an
// erasure op (checkScrubOp → model.ScrubMeet) aligns the held value with
// the erasure's value with the same unbounded aligner, so a laptop that
// pushes an op with one crafted line and an erasure op naming it with
// the "erased" line costs the hub the square of the line before it is
// refused; rescrub on every laptop the same.
func BenchmarkReviewI10CraftedScrubMeet(b *testing.B) {
	for _, n := range []int{1000, 2000} {
		anc, text := craftedLine(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				model.ScrubMeet(text, anc)
			}
		})
	}
}

// A project's description edited offline while another laptop erases a
// person it names: the name stays erased there too (I10 is the same for
// every long text), and a member line added to the description at the
// same time by a third laptop stays.
func TestReviewI10ProjectDescription(t *testing.T) {
	a, b, c, _, _ := setup(t)
	d := replica(t, "d")
	p := model.Project{CouncilID: c.ID, Title: "Stien", Status: model.ProjectIdea,
		Description: "Formål\nKaren Østergaard foreslog stien\nBudget\nTidsplan\n"}
	ok(t, a.SaveProject(t.Context(), model.Project{}, &p))
	send(t, a, b)
	send(t, a, d)
	at(b, 2*time.Hour) // offline
	pb, err := b.Project(t.Context(), p.ID)
	ok(t, err)
	pb.Description = strings.Replace(pb.Description, "Tidsplan", "Tidsplan: foråret", 1)
	ok(t, b.SaveProject(t.Context(), Overwriting(t.Context(), b, pb), &pb))
	at(a, time.Hour)
	_, err = a.ErasePerson(t.Context(), c.ID, "Karen Østergaard")
	ok(t, err)
	send(t, a, d) // d has the erasure, and adds a line beside
	at(d, 3*time.Hour)
	pd, err := d.Project(t.Context(), p.ID)
	ok(t, err)
	pd.Description = strings.Replace(pd.Description, "Formål\n", "Formål\nPeter Jensen\n", 1)
	ok(t, d.SaveProject(t.Context(), Overwriting(t.Context(), d, pd), &pd))
	sendAll(t, a, b, d)
	converged(t, a, b, d)
	got, err := a.Project(t.Context(), p.ID)
	ok(t, err)
	want := "Formål\nPeter Jensen\n" + model.FormerMember + " foreslog stien\nBudget\nTidsplan: foråret\n"
	if got.Description != want {
		t.Errorf("description %q, want %q", got.Description, want)
	}
	if cs := noerr.Get(a.Conflicts(t.Context(), c.ID))(t); len(cs) != 0 {
		t.Errorf("conflicts %+v", cs)
	}
}
