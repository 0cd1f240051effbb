package storage

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

// minutes is twelve lines of minutes, one per line.
func minutes() string {
	var b strings.Builder
	for k := 1; k <= 12; k++ {
		fmt.Fprintf(&b, "Linje %d\n", k)
	}
	return b.String()
}

// setLine replaces line k (1-based) of a text.
func setLine(text string, k int, s string) string {
	ls := strings.SplitAfter(text, "\n")
	ls[k-1] = s + "\n"
	return strings.Join(ls, "")
}

func editNotes(t *testing.T, db *DB, id string, k int, s string) {
	t.Helper()
	it, err := db.AgendaItem(t.Context(), id)
	ok(t, err)
	it.Notes = setLine(it.Notes, k, s)
	ok(t, db.SaveAgendaItem(t.Context(), Overwriting(t.Context(), db, it), &it))
}

// Finding 1 of the trust issue, as four laptops and a hub saw it: L1, L2
// and L3 edit lines 7, 2 and 10 of the same minutes offline; L4 syncs
// (getting some of them), then edits line 5 of the merged text; everyone
// syncs twice. Every line edit is on every replica, and with edits on
// distinct lines no conflict is kept.
func TestMinutesLineEditsAllSurvive(t *testing.T) {
	hub := replica(t, "hub")
	ls := []*DB{replica(t, "l1"), replica(t, "l2"), replica(t, "l3"), replica(t, "l4")}
	c := model.Council{Name: "Jyderup Lokalråd"}
	ok(t, ls[0].SaveCouncil(t.Context(), model.Council{}, &c))
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: syncNow}
	ok(t, ls[0].SaveMeeting(t.Context(), model.Meeting{}, &m))
	it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Referat", Kind: model.ItemDiscussion, Notes: minutes()}
	ok(t, ls[0].SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	send(t, ls[0], hub)
	for _, l := range ls[1:] {
		send(t, hub, l)
	}
	// Offline edits; L2's sorts before L4's later edit but reaches the
	// hub after L4 has synced.
	at(ls[0], 1*time.Hour)
	at(ls[1], 2*time.Hour)
	at(ls[2], 3*time.Hour)
	at(ls[3], 4*time.Hour)
	editNotes(t, ls[0], it.ID, 7, "L1 rettede linje 7")
	editNotes(t, ls[1], it.ID, 2, "L2 rettede linje 2")
	editNotes(t, ls[2], it.ID, 10, "L3 rettede linje 10")
	send(t, ls[0], hub)
	send(t, ls[2], hub)
	send(t, hub, ls[3]) // L4 gets L1's and L3's lines
	editNotes(t, ls[3], it.ID, 5, "L4 rettede linje 5")
	send(t, ls[3], hub)
	send(t, ls[1], hub) // L2 comes online last
	for round := 0; round < 2; round++ {
		for _, l := range ls {
			send(t, l, hub)
			send(t, hub, l)
		}
	}
	want := minutes()
	want = setLine(want, 7, "L1 rettede linje 7")
	want = setLine(want, 2, "L2 rettede linje 2")
	want = setLine(want, 10, "L3 rettede linje 10")
	want = setLine(want, 5, "L4 rettede linje 5")
	for i, db := range append([]*DB{hub}, ls...) {
		got, err := db.AgendaItem(t.Context(), it.ID)
		ok(t, err)
		if got.Notes != want {
			t.Errorf("replica %d: notes\n%s\nwant\n%s", i, got.Notes, want)
		}
		if cs := noerr.Get(db.Conflicts(t.Context(), c.ID))(t); len(cs) != 0 {
			t.Errorf("replica %d: a false conflict: %+v", i, cs)
		}
	}
	converged(t, append([]*DB{hub}, ls...)...)
}

// Edits three lines apart, both made on the same merged text: no false
// conflict, and no stale line comes back.
func TestEditsOnMergedTextNoFalseConflict(t *testing.T) {
	a, b, c, _, it := setup(t)
	hub := replica(t, "hub")
	send(t, a, hub)
	at(a, time.Hour)
	at(b, 2*time.Hour)
	it.Notes = minutes()
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, it), &it))
	send(t, a, hub)
	send(t, hub, b)
	editNotes(t, a, it.ID, 1, "A")
	editNotes(t, b, it.ID, 12, "B")
	send(t, a, hub)
	send(t, b, hub)
	send(t, hub, a)
	send(t, hub, b) // both see the merge
	at(a, 3*time.Hour)
	at(b, 4*time.Hour)
	editNotes(t, a, it.ID, 4, "A igen")
	editNotes(t, b, it.ID, 7, "B igen")
	for round := 0; round < 2; round++ {
		for _, l := range []*DB{a, b} {
			send(t, l, hub)
			send(t, hub, l)
		}
	}
	want := setLine(setLine(setLine(setLine(minutes(), 1, "A"), 12, "B"), 4, "A igen"), 7, "B igen")
	for name, db := range map[string]*DB{"a": a, "b": b, "hub": hub} {
		got, err := db.AgendaItem(t.Context(), it.ID)
		ok(t, err)
		if got.Notes != want {
			t.Errorf("%s: notes\n%s\nwant\n%s", name, got.Notes, want)
		}
		if cs := noerr.Get(db.Conflicts(t.Context(), c.ID))(t); len(cs) != 0 {
			t.Errorf("%s: a false conflict: %+v", name, cs)
		}
	}
}

// TestPropertyMinutesNothingLost: five or more laptops edit, add and
// remove lines of the same minutes and a short field, on whatever merged
// state they hold and in editors left open during a sync, erase a person
// named in them, delete the item, and exchange ops as pulls and bundles
// would — some dropped, repeated and reordered. In the end every replica shows the
// same, and every line a laptop wrote is in the final text or kept in a
// conflict, unless a laptop later replaced that very line on a text that
// showed it, or a delete that had seen it removed the item.
func TestPropertyMinutesNothingLost(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) { minutesNothingLost(t, rt, false) })
}

// TestPropertyMinutesRepeatedLinesNothingLost is
// TestPropertyMinutesNothingLost on minutes as a secretary types them:
// the same line stands under several items ("Beslutning: Godkendt"), a
// laptop adds such a line or a new one anywhere, not only at the end,
// changes a line and adds an item with its decision in one save, and the
// text often ends without a newline. It checks the written lines (each
// unique), not the repeated ones: a repeated line moved under another
// item, the fault the review of 3e87ee8 found, is the TestMrev tests'
// (this test does not find it on 3e87ee8's merge in 1,000 checks).
func TestPropertyMinutesRepeatedLinesNothingLost(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) { minutesNothingLost(t, rt, true) })
}

// repeatedLines are lines that stand under many items in real minutes;
// none begins with a T, so none is taken for a written token.
var repeatedLines = []string{"Beslutning: Godkendt\n", "Ingen bemærkninger.\n", "Beslutning: Godkendt\n", "\n"}

// repeatedMinutes are the minutes of three items, each followed by its
// decision, two of them the same line.
func repeatedMinutes() string {
	return "Punkt 1: Stien\nBeslutning: Godkendt\nPunkt 2: Søen\nBeslutning: Godkendt\nPunkt 3: Hallen\nIngen bemærkninger.\n"
}

// minutesNothingLost is the body of the two minutes property tests; with
// repeated false its draws are those of TestPropertyMinutesNothingLost
// before the repeated-lines test was added, so rapid's saved failures
// replay.
func minutesNothingLost(t *testing.T, rt *rapid.T, repeated bool) {
	{
		dir := t.TempDir()
		var n int
		if repeated {
			// Two or three laptops meet on the same few lines more often.
			n = rapid.IntRange(2, 3).Draw(rt, "laptops")
		} else {
			n = rapid.IntRange(5, 6).Draw(rt, "replicas")
		}
		// Clocks a little apart, as laptops' are.
		dbs := openReplicas(rt, dir, n, func(int) time.Duration {
			return time.Duration(rapid.IntRange(0, 5000).Draw(rt, "skew")) * time.Millisecond
		})
		c, m := councilMeeting(rt, dbs[0])
		notes, kinds := minutes(), 14
		if repeated {
			notes, kinds = repeatedMinutes(), 19
		}
		// join is a laptop's text of lines ls; with repeated lines, it
		// often ends without a newline, as typed minutes do.
		join := func(ls []string) string {
			text := strings.Join(ls, "")
			if repeated && rapid.IntRange(0, 1).Draw(rt, "no final newline") == 0 {
				text = strings.TrimSuffix(text, "\n")
			}
			return text
		}
		it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "P", Kind: model.ItemDecision, Notes: notes}
		ok(rt, dbs[0].SaveAgendaItem(context.Background(), model.AgendaItem{}, &it))
		spreadFirst(rt, dbs)
		written := map[string]bool{}  // every line token a laptop wrote
		replaced := map[string]bool{} // tokens a laptop replaced on purpose
		token := 0
		// newToken is a line token no laptop wrote before, counted as written.
		newToken := func() string {
			token++
			tok := fmt.Sprintf("T%d", token)
			written[tok] = true
			return tok
		}
		// replacing counts the token of a line a laptop replaces on purpose.
		replacing := func(line string) {
			if old := strings.Fields(line); len(old) > 0 && strings.HasPrefix(old[0], "T") {
				replaced[old[0]] = true
			}
		}
		steps := rapid.IntRange(1, 30).Draw(rt, "steps")
		for s := 0; s < steps; s++ {
			db := dbs[rapid.IntRange(0, n-1).Draw(rt, "who")]
			switch rapid.IntRange(0, kinds).Draw(rt, "what") {
			case 0, 1, 2, 3: // change one line of the minutes as shown
				cur, err := db.AgendaItem(context.Background(), it.ID)
				if err != nil {
					continue
				}
				ls := noteLines(cur.Notes)
				if len(ls) == 0 {
					continue
				}
				k := rapid.IntRange(0, len(ls)-1).Draw(rt, "line")
				replacing(ls[k])
				tok := newToken()
				if rapid.IntRange(0, 3).Draw(rt, "mentions") == 0 {
					tok += " Karen Østergaard" // a name someone may ask to erase
				}
				ls[k] = tok + "\n"
				cur.Notes = join(ls)
				ok(rt, db.SaveAgendaItem(context.Background(), Overwriting(context.Background(), db, cur), &cur))
			case 9: // remove a line, as shown
				cur, err := db.AgendaItem(context.Background(), it.ID)
				if err != nil {
					continue
				}
				ls := noteLines(cur.Notes)
				if len(ls) < 2 {
					continue
				}
				k := rapid.IntRange(0, len(ls)-1).Draw(rt, "line")
				replacing(ls[k])
				ls = append(ls[:k], ls[k+1:]...)
				cur.Notes = join(ls)
				ok(rt, db.SaveAgendaItem(context.Background(), Overwriting(context.Background(), db, cur), &cur))
			case 11, 12: // an editor left open during a sync: loaded before, saved after
				loaded, err := db.AgendaItem(context.Background(), it.ID)
				if err != nil {
					continue
				}
				from := dbs[rapid.IntRange(0, n-1).Draw(rt, "from")]
				if _, err := db.ApplyOps(context.Background(), mustOps(rt, from)); err != nil {
					rt.Fatal(err)
				}
				if _, err := db.AgendaItem(context.Background(), it.ID); err != nil {
					continue
				}
				ls := noteLines(loaded.Notes)
				if len(ls) == 0 {
					continue
				}
				k := rapid.IntRange(0, len(ls)-1).Draw(rt, "line")
				replacing(ls[k])
				tok := newToken()
				ls[k] = tok + "\n"
				x := loaded
				x.Notes = join(ls)
				ok(rt, db.SaveAgendaItem(context.Background(), loaded, &x))
			case 4: // add a line after one
				cur, err := db.AgendaItem(context.Background(), it.ID)
				if err != nil {
					continue
				}
				tok := newToken()
				if cur.Notes != "" && !strings.HasSuffix(cur.Notes, "\n") {
					cur.Notes += "\n"
				}
				cur.Notes += tok + "\n"
				ok(rt, db.SaveAgendaItem(context.Background(), Overwriting(context.Background(), db, cur), &cur))
			case 18, 19: // change a line and add a new item with its decision, in one save (repeated only)
				cur, err := db.AgendaItem(context.Background(), it.ID)
				if err != nil {
					continue
				}
				ls := noteLines(cur.Notes)
				if len(ls) == 0 {
					continue
				}
				if n := len(ls); !strings.HasSuffix(ls[n-1], "\n") {
					ls[n-1] += "\n"
				}
				k := rapid.IntRange(0, len(ls)-1).Draw(rt, "line")
				replacing(ls[k])
				ls[k] = newToken() + "\n"
				item := []string{newToken() + "\n", rapid.SampledFrom(repeatedLines).Draw(rt, "its decision")}
				w := rapid.IntRange(0, len(ls)).Draw(rt, "where")
				ls = append(ls[:w], append(item, ls[w:]...)...)
				cur.Notes = join(ls)
				ok(rt, db.SaveAgendaItem(context.Background(), Overwriting(context.Background(), db, cur), &cur))
			case 15, 16, 17: // add a new line or a repeated one anywhere (repeated only)
				cur, err := db.AgendaItem(context.Background(), it.ID)
				if err != nil {
					continue
				}
				ls := noteLines(cur.Notes)
				if n := len(ls); n > 0 && !strings.HasSuffix(ls[n-1], "\n") {
					ls[n-1] += "\n"
				}
				line := rapid.SampledFrom(repeatedLines).Draw(rt, "repeated line")
				if rapid.IntRange(0, 1).Draw(rt, "new line") == 0 {
					line = newToken() + "\n"
				}
				k := rapid.IntRange(0, len(ls)).Draw(rt, "where")
				ls = append(ls[:k], append([]string{line}, ls[k:]...)...)
				cur.Notes = join(ls)
				ok(rt, db.SaveAgendaItem(context.Background(), Overwriting(context.Background(), db, cur), &cur))
			case 5: // a short field
				cur, err := db.AgendaItem(context.Background(), it.ID)
				if err != nil {
					continue
				}
				cur.Title = rapid.SampledFrom([]string{"Stien", "Søen", "Hallen"}).Draw(rt, "title")
				ok(rt, db.SaveAgendaItem(context.Background(), Overwriting(context.Background(), db, cur), &cur))
			case 8: // GDPR: erase a person, as any laptop may
				if _, err := db.ErasePerson(context.Background(), c.ID, "Karen Østergaard"); err != nil {
					rt.Fatalf("erasure: %v", err)
				}
			case 6: // delete the item (rarely: it ends the story)
				if rapid.IntRange(0, 3).Draw(rt, "really") == 0 {
					ok(rt, db.DeleteAgendaItem(context.Background(), it.ID))
				}
			default: // deliver some ops of another replica: a pull or a bundle
				sendSome(rt, dbs[rapid.IntRange(0, n-1).Draw(rt, "from")], db, 4)
			}
		}
		sendAll(rt, dbs...)
		converged(rt, dbs...)
		final, err := dbs[0].AgendaItem(context.Background(), it.ID)
		if err != nil {
			// Deleted: every edit of the item was seen by a delete.
			log, err := dbs[0].ChangeLog()
			ok(rt, err)
			for _, e := range log {
				if e.Row != it.ID || e.Field == "" {
					continue
				}
				seen := false
				for _, d := range log {
					if d.Row == it.ID && d.Field == "" {
						know, _ := d.Value.(string)
						seen = seen || d.Device == e.Device && e.Seq < d.Seq || Saw(know, e.Device, e.Seq)
					}
				}
				if !seen {
					rt.Fatalf("item deleted, but edit %s:%d %s was seen by no delete", e.Device, e.Seq, e.Field)
				}
			}
			return
		}
		linesKept(rt, dbs[0], c.ID, final.Notes, written, replaced)
		checkNothingLost(rt, dbs[0], c.ID)
	}
}

// A laptop whose clock is two days slow edits a title it received from a
// laptop with the right date: its edit sorts after what it saw, so it is
// the value everywhere, with no false conflict.
func TestSlowClockEditSortsAfterWhatItSaw(t *testing.T) {
	a, b, c, _, it := setup(t)
	at(a, time.Hour)
	at(b, -48*time.Hour)
	it.Title = "Stien langs søen"
	ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, it), &it))
	send(t, a, b)
	got, err := b.AgendaItem(t.Context(), it.ID)
	ok(t, err)
	got.Title = "Stien langs søen og skoven"
	ok(t, b.SaveAgendaItem(t.Context(), Overwriting(t.Context(), b, got), &got))
	send(t, b, a)
	for name, db := range map[string]*DB{"a": a, "b": b} {
		now, err := db.AgendaItem(t.Context(), it.ID)
		ok(t, err)
		if now.Title != got.Title {
			t.Errorf("%s: title %q, want %q", name, now.Title, got.Title)
		}
		if cs := noerr.Get(db.Conflicts(t.Context(), c.ID))(t); len(cs) != 0 {
			t.Errorf("%s: a false conflict: %+v", name, cs)
		}
	}
}

// The minimal case of TestPropertyMinutesNothingLost's seed
// 7759622619914537886: b's editor loads minutes that name a person; while
// it is open a sync brings a's edit of the last line and a's erasure of
// the name, which rewrites the change log's copies of the text b loaded;
// b then saves its own edit of the last line. The two edits overlap, so
// one is in the text and the other kept as a conflict: neither is lost,
// on every replica, and the erased name does not come back. (Before, the
// save found no ops that gave what the editor loaded, merged as if it had
// seen a's edit, and dropped it; with the name next to the edited line
// the name came back too.)
func TestStaleEditorAfterErasureKeepsOverlappingLine(t *testing.T) {
	for _, tc := range []struct {
		name      string
		nameLine  int // the line naming the person
		editLines int // the line both edit
	}{
		{"name far from the edits", 10, 12},
		{"name next to the edits", 11, 12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b, c, _, it := setup(t)
			ia, err := a.AgendaItem(t.Context(), it.ID)
			ok(t, err)
			ia.Notes = setLine(minutes(), tc.nameLine, "Karen Østergaard kom")
			ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia))
			send(t, a, b)
			loaded, err := b.AgendaItem(t.Context(), it.ID) // b's editor opens
			ok(t, err)
			at(a, time.Hour)
			editNotes(t, a, it.ID, tc.editLines, "A rettede")
			_, err = a.ErasePerson(t.Context(), c.ID, "Karen Østergaard")
			ok(t, err)
			send(t, a, b) // the sync while b's editor is open
			at(b, 2*time.Hour)
			x := loaded
			x.Notes = setLine(loaded.Notes, tc.editLines, "B rettede")
			ok(t, b.SaveAgendaItem(t.Context(), loaded, &x))
			d := replica(t, "d") // everything at once
			send(t, b, d)
			send(t, b, a)
			converged(t, a, b, d)
			got, err := a.AgendaItem(t.Context(), it.ID)
			ok(t, err)
			cs, err := a.Conflicts(t.Context(), c.ID)
			ok(t, err)
			all := got.Notes
			for _, k := range cs {
				all += fmt.Sprintf("\n%v\n%v", k.Kept, k.Other)
			}
			for _, line := range []string{"A rettede", "B rettede"} {
				if !strings.Contains(all, line) {
					t.Errorf("%q lost: notes\n%s\nconflicts %+v", line, got.Notes, cs)
				}
			}
			if len(cs) != 1 {
				t.Errorf("want the overlap kept as one conflict, have %+v", cs)
			}
			if want := setLine(setLine(minutes(), tc.nameLine, model.FormerMember+" kom"), tc.editLines, "B rettede"); got.Notes != want {
				t.Errorf("notes\n%s\nwant the later edit's lines with the name erased\n%s", got.Notes, want)
			}
			if strings.Contains(all, "Karen") {
				t.Errorf("the erased name came back: notes\n%s\nconflicts %+v", got.Notes, cs)
			}
		})
	}
}

// An editor left open while more ops of its field arrived than the save
// looks back through (a meeting typed live on another laptop): the save
// cannot tell what the editor had seen. Where the lines overlap, both
// sides are kept on every replica (one as a conflict); where they do not,
// the lines merge with no conflict.
func TestStaleEditorBeyondLookBack(t *testing.T) {
	for _, tc := range []struct {
		name      string
		bLine     int
		conflicts int
	}{
		{"same line", 12, 1},
		{"other lines", 8, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b, c, _, it := setup(t)
			ia, err := a.AgendaItem(t.Context(), it.ID)
			ok(t, err)
			ia.Notes = minutes()
			ok(t, a.SaveAgendaItem(t.Context(), Overwriting(t.Context(), a, ia), &ia))
			send(t, a, b)
			loaded, err := b.AgendaItem(t.Context(), it.ID) // b's editor opens
			ok(t, err)
			at(a, time.Hour)
			for i := 1; i <= loadedLookBack+10; i++ {
				editNotes(t, a, it.ID, 3, fmt.Sprintf("A skrev %d", i))
			}
			editNotes(t, a, it.ID, 12, "A rettede")
			send(t, a, b) // the sync while b's editor is open
			at(b, 2*time.Hour)
			x := loaded
			x.Notes = setLine(loaded.Notes, tc.bLine, "B rettede")
			ok(t, b.SaveAgendaItem(t.Context(), loaded, &x))
			d := replica(t, "d")
			send(t, b, d)
			send(t, b, a)
			converged(t, a, b, d)
			got, err := a.AgendaItem(t.Context(), it.ID)
			ok(t, err)
			cs, err := a.Conflicts(t.Context(), c.ID)
			ok(t, err)
			all := got.Notes
			for _, k := range cs {
				all += fmt.Sprintf("\n%v\n%v", k.Kept, k.Other)
			}
			for _, line := range []string{"A rettede", "B rettede", fmt.Sprintf("A skrev %d", loadedLookBack+10)} {
				if !strings.Contains(all, line) {
					t.Errorf("%q lost: notes\n%s\nconflicts %+v", line, got.Notes, cs)
				}
			}
			if len(cs) != tc.conflicts {
				t.Errorf("%d conflicts, want %d: %+v", len(cs), tc.conflicts, cs)
			}
		})
	}
}

// linesKept fails rt unless every line token written (the first word of
// a line a laptop wrote) is in notes, db's final text, or in one of the
// council's kept conflicts, but those a laptop replaced on purpose.
func linesKept(rt *rapid.T, db *DB, council, notes string, written, replaced map[string]bool) {
	rt.Helper()
	cs, err := db.Conflicts(context.Background(), council)
	ok(rt, err)
	var kept strings.Builder
	for _, x := range cs {
		fmt.Fprintf(&kept, "%v\n%v\n", x.Kept, x.Other)
	}
	have := map[string]bool{}
	for _, l := range strings.Split(notes+"\n"+kept.String(), "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			have[f[0]] = true
		}
	}
	for tok := range written {
		if !have[tok] && !replaced[tok] {
			rt.Fatalf("line %s lost: notes\n%s\nconflicts:\n%s", tok, notes, kept.String())
		}
	}
}
