package storage

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"lokalraad/model"
)

// An edit of the minutes made offline while another laptop erased a
// person the minutes name, on a line of its own, keeps its line, and the
// erased name does not come back with the rest of what that laptop had
// loaded: the erasure rewrote the copies of the text the edit was made
// on, so the edit's unchanged lines look, beside them, like lines it
// wrote. Whichever of the two the clocks put first, on every replica, and
// in the kept conflicts as well.
func TestOfflineEditDuringErasureKeepsTheNameErased(t *testing.T) {
	for _, tc := range []struct {
		name     string
		bClock   time.Duration // b's edit, against a's erasure at +1h
		nameLine []int         // the lines naming the person
		editLine int           // the line b edits
		edit     string
	}{
		{"edit after the erasure", 2 * time.Hour, []int{2}, 8, "B rettede"},
		{"edit before the erasure", 30 * time.Minute, []int{2}, 8, "B rettede"},
		{"name on the edited line too", 2 * time.Hour, []int{2, 8}, 8, "Karen Østergaard og B rettede"},
		{"name twice, edit before", 30 * time.Minute, []int{2, 5}, 8, "B rettede, Karen Østergaard sagde ja"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b, c, _, it := setup(t)
			ia, err := a.AgendaItem(t.Context(), it.ID)
			ok(t, err)
			ia.Notes = minutes()
			for _, k := range tc.nameLine {
				ia.Notes = setLine(ia.Notes, k, "Karen Østergaard kom")
			}
			ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia))
			send(t, a, b)

			at(b, tc.bClock) // offline: b has not seen the erasure
			editNotes(t, b, it.ID, tc.editLine, tc.edit)
			at(a, time.Hour)
			_, err = a.ErasePerson(t.Context(), c.ID, "Karen Østergaard")
			ok(t, err)

			d := replica(t, "d") // the erasure first, b's edit later
			send(t, a, d)
			send(t, b, d)
			e := replica(t, "e") // b's edit first
			send(t, b, e)
			send(t, a, e)
			send(t, b, a)
			send(t, a, b)
			converged(t, a, b, d, e)
			shown := dump(t, a)
			// The laptops that found the name brought back erased it from
			// the change log too; once their erasures have travelled, no
			// replica's log holds it, and nothing shown changed.
			sendAll(t, a, b, d, e)
			converged(t, a, b, d, e)
			if after := dump(t, a); after != shown {
				t.Errorf("erasing the log changed what is shown:\n%s\nwas\n%s", after, shown)
			}

			for name, db := range map[string]*DB{"a": a, "b": b, "d": d, "e": e} {
				got, err := db.AgendaItem(t.Context(), it.ID)
				ok(t, err)
				cs, err := db.Conflicts(t.Context(), c.ID)
				ok(t, err)
				if all := allText(t, db, c.ID, it.ID); strings.Contains(all, "Karen") || strings.Contains(all, "Østergaard") {
					t.Errorf("%s: the erased name came back: notes and conflicts\n%s", name, all)
				}
				want := model.Anonymise(tc.edit, "Karen Østergaard", model.FormerMember)
				if !strings.Contains(got.Notes, want) {
					t.Errorf("%s: b's line %q lost: notes\n%s", name, want, got.Notes)
				}
				if n := strings.Count(got.Notes, model.FormerMember+" kom"); n != len(tc.nameLine) && !(tc.editLine == tc.nameLine[len(tc.nameLine)-1] && n == len(tc.nameLine)-1) {
					t.Errorf("%s: %d lines say %q: notes\n%s", name, n, model.FormerMember+" kom", got.Notes)
				}
				if len(cs) != 0 {
					t.Errorf("%s: edits on other lines than the erasure's keep no conflict: %+v", name, cs)
				}
				for _, o := range mustOps(t, db) {
					if s := fmt.Sprint(o.Value); strings.Contains(s, "Karen") || strings.Contains(s, "Østergaard") {
						t.Errorf("%s: the change log still names the person: %s %s.%s %q", name, o.ID(), o.Table, o.Field, s)
					}
				}
			}
		})
	}
}

// A name added offline to an attendee list that names a person erased
// long ago stays, though another laptop changed the list at the same
// time: the erased line is still there, so the new name is no erased name
// coming back.
func TestNameAddedBesideAnOldErasureIsKept(t *testing.T) {
	a, b, c, m, _ := setup(t)
	ma, err := a.Meeting(t.Context(), m.ID)
	ok(t, err)
	ma.Attendees = "Karen Østergaard\nSøren\n"
	ok(t, a.SaveMeeting(t.Context(), Overwriting(t.Context(), a, ma), &ma))
	_, err = a.ErasePerson(t.Context(), c.ID, "Karen Østergaard")
	ok(t, err)
	send(t, a, b)

	at(b, time.Hour)
	mb, err := b.Meeting(t.Context(), m.ID)
	ok(t, err)
	mb.Attendees += "Jens\n"
	ok(t, b.SaveMeeting(t.Context(), Overwriting(t.Context(), b, mb), &mb))
	at(a, 2*time.Hour)
	ma, err = a.Meeting(t.Context(), m.ID)
	ok(t, err)
	ma.Attendees = "Mette\n" + ma.Attendees
	ok(t, a.SaveMeeting(t.Context(), Overwriting(t.Context(), a, ma), &ma))
	send(t, a, b)
	send(t, b, a)
	sendAll(t, a, b)
	converged(t, a, b)
	got, err := a.Meeting(t.Context(), m.ID)
	ok(t, err)
	if want := "Mette\n" + model.FormerMember + "\nSøren\nJens\n"; got.Attendees != want {
		t.Errorf("attendees %q, want %q", got.Attendees, want)
	}
}

// The minimal case of TestReviewI10PropertyErasuresConverge's seed
// 4241390173861499647, which failed before this session's code too: b
// writes a line next to a line naming a person; c erases the person, and
// b receives c's edit of the text before the erasure's rewrite of the
// log. The two edits overlap, so b shows c's lines and keeps its own line
// as a conflict, and b's next edit is made on that. Once the rewrite
// arrives, the merge of the two edits must come out as it did on b (it
// came out clean, b's next edit then read as deleting b's line, and the
// line was gone on every replica with no conflict). Only the lines the
// erasure's edit changed are taken as erased before the rewrite arrives.
func TestErasureArrivingLateLosesNoLine(t *testing.T) {
	a, b, e, c, it := minutesOnThree(t, setLine(minutes(), 2, "Karen Østergaard kom"))
	at(b, time.Hour)
	editNotes(t, b, it.ID, 3, "T1 Karen Østergaard sagde")
	at(e, 2*time.Hour)
	_, err := e.ErasePerson(t.Context(), c.ID, "Karen Østergaard")
	ok(t, err)
	sendNoScrub(t, e, b) // e's edit of the text, without the erasure's rewrite
	at(b, 3*time.Hour)
	editNotes(t, b, it.ID, 6, "T3")

	sendAll(t, a, b, e)
	sendAll(t, a, b, e)
	converged(t, a, b, e)
	all := allText(t, a, c.ID, it.ID)
	for _, l := range []string{"T1", "T3"} {
		if !strings.Contains(all, l) {
			t.Errorf("line %s lost: notes and conflicts\n%s", l, all)
		}
	}
	// b's own line still names the person: b edited the text on the
	// erasure's edit without the erasure (README, known gaps).
}

// minutesOnThree is setup's council and agenda item with notes, saved on
// a and held by b and by a third replica, e.
func minutesOnThree(t *testing.T, notes string) (a, b, e *DB, c model.Council, it model.AgendaItem) {
	t.Helper()
	a, b, c, _, it = setup(t)
	e = replica(t, "e")
	ia, err := a.AgendaItem(t.Context(), it.ID)
	ok(t, err)
	ia.Notes = notes
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia))
	send(t, a, b)
	send(t, a, e)
	return a, b, e, c, it
}
