package storage

// Adversarial review of issue 8 at the storage level.

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"lokalraad/model"
)

// Finding 8 for long text: an editor of minutes left open during a sync.
// Laptop a loads the item; b's edit of line 1 arrives; a's user then edits
// line 3 in the open editor and it saves with the value it loaded. Both
// lines must survive (and without a conflict: they are different lines).
func TestAttackStaleMinutesEditorKeepsOtherLine(t *testing.T) {
	a, b := replica(t, "a"), replica(t, "b")
	c := model.Council{Name: "Råd"}
	ok(t, a.SaveCouncil(model.Council{}, &c))
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: syncNow}
	ok(t, a.SaveMeeting(model.Meeting{}, &m))
	it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "P", Kind: model.ItemDecision, Notes: "Linje 1\nLinje 2\nLinje 3\n"}
	ok(t, a.SaveAgendaItem(model.AgendaItem{}, &it))
	_, err := b.ApplyOps(mustOps(t, a))
	ok(t, err)

	loaded, err := a.AgendaItem(it.ID) // a's editor opens
	ok(t, err)
	bi, err := b.AgendaItem(it.ID)
	ok(t, err)
	nb := bi
	nb.Notes = "Linje 1 fra b\nLinje 2\nLinje 3\n"
	ok(t, b.SaveAgendaItem(bi, &nb))
	_, err = a.ApplyOps(mustOps(t, b)) // a syncs while the editor is open
	ok(t, err)
	x := loaded
	x.Notes = "Linje 1\nLinje 2\nLinje 3 fra a\n"
	ok(t, a.SaveAgendaItem(loaded, &x))
	_, err = b.ApplyOps(mustOps(t, a))
	ok(t, err)
	for name, db := range map[string]*DB{"a": a, "b": b} {
		got, err := db.AgendaItem(it.ID)
		ok(t, err)
		if !strings.Contains(got.Notes, "Linje 1 fra b") || !strings.Contains(got.Notes, "Linje 3 fra a") {
			cs, _ := db.Conflicts(c.ID)
			t.Errorf("%s: notes %q, conflicts %+v", name, got.Notes, cs)
		}
	}
}

// The same with adjacent lines (found by TestAttackPropertyStaleEditors…):
// b's edit of line 3 arrives while a's editor is open; a edits line 2 and
// saves with the value it loaded. b's line is gone on every replica and no
// conflict keeps it.
func TestAttackStaleMinutesEditorAdjacentLine(t *testing.T) {
	a, b := replica(t, "a"), replica(t, "b")
	c := model.Council{Name: "Råd"}
	ok(t, a.SaveCouncil(model.Council{}, &c))
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: syncNow}
	ok(t, a.SaveMeeting(model.Meeting{}, &m))
	it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "P", Kind: model.ItemDecision, Notes: "Linje 1\nLinje 2\nLinje 3\nLinje 4\n"}
	ok(t, a.SaveAgendaItem(model.AgendaItem{}, &it))
	_, err := b.ApplyOps(mustOps(t, a))
	ok(t, err)

	loaded, err := a.AgendaItem(it.ID) // a's editor opens
	ok(t, err)
	bi, err := b.AgendaItem(it.ID)
	ok(t, err)
	nb := bi
	nb.Notes = "Linje 1\nLinje 2\nLinje 3 fra b\nLinje 4\n"
	ok(t, b.SaveAgendaItem(bi, &nb))
	_, err = a.ApplyOps(mustOps(t, b)) // a syncs while the editor is open
	ok(t, err)
	x := loaded
	x.Notes = "Linje 1\nLinje 2 fra a\nLinje 3\nLinje 4\n"
	ok(t, a.SaveAgendaItem(loaded, &x))
	_, err = b.ApplyOps(mustOps(t, a))
	ok(t, err)
	for name, db := range map[string]*DB{"a": a, "b": b} {
		got, err := db.AgendaItem(it.ID)
		ok(t, err)
		cs, _ := db.Conflicts(c.ID)
		kept := fmt.Sprint(cs)
		if !strings.Contains(got.Notes+kept, "Linje 3 fra b") || !strings.Contains(got.Notes+kept, "Linje 2 fra a") {
			t.Errorf("%s: a line is lost: notes %q, conflicts %+v", name, got.Notes, cs)
		}
	}
}

// The merge property test with what it leaves out: lines removed, and
// minutes saved from an editor loaded before a sync (finding 8 with
// finding 1).
func TestAttackPropertyStaleEditorsAndLineRemoval(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		dir := t.TempDir()
		n := rapid.IntRange(5, 6).Draw(rt, "replicas")
		dbs := make([]*DB, n)
		for i := range dbs {
			db, err := Open(filepath.Join(dir, fmt.Sprint(i, ".db")))
			if err != nil {
				rt.Fatal(err)
			}
			defer db.Close()
			// Clocks a little apart, as laptops' are.
			clock := syncNow.Add(time.Duration(rapid.IntRange(0, 5000).Draw(rt, "skew")) * time.Millisecond)
			db.Now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }
			dbs[i] = db
		}
		c := model.Council{Name: "Råd"}
		ok(rt, dbs[0].SaveCouncil(model.Council{}, &c))
		m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: syncNow}
		ok(rt, dbs[0].SaveMeeting(model.Meeting{}, &m))
		it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "P", Kind: model.ItemDecision, Notes: minutes()}
		ok(rt, dbs[0].SaveAgendaItem(model.AgendaItem{}, &it))
		for i := 1; i < n; i++ {
			_, err := dbs[i].ApplyOps(mustOps(rt, dbs[0]))
			ok(rt, err)
		}
		written := map[string]bool{}  // every line token a laptop wrote
		replaced := map[string]bool{} // tokens a laptop replaced on purpose
		token := 0
		steps := rapid.IntRange(1, 30).Draw(rt, "steps")
		for s := 0; s < steps; s++ {
			db := dbs[rapid.IntRange(0, n-1).Draw(rt, "who")]
			switch rapid.IntRange(0, 12).Draw(rt, "what") {
			case 0, 1, 2, 3: // change one line of the minutes as shown
				cur, err := db.AgendaItem(it.ID)
				if err != nil {
					continue
				}
				ls := strings.SplitAfter(cur.Notes, "\n")
				if len(ls) > 0 && ls[len(ls)-1] == "" {
					ls = ls[:len(ls)-1]
				}
				if len(ls) == 0 {
					continue
				}
				k := rapid.IntRange(0, len(ls)-1).Draw(rt, "line")
				token++
				tok := fmt.Sprintf("T%d", token)
				if old := strings.TrimSuffix(ls[k], "\n"); strings.HasPrefix(old, "T") {
					replaced[old] = true
				}
				written[tok] = true
				ls[k] = tok + "\n"
				cur.Notes = strings.Join(ls, "")
				ok(rt, db.SaveAgendaItem(Overwriting(db, cur), &cur))
			case 4: // add a line after one
				cur, err := db.AgendaItem(it.ID)
				if err != nil {
					continue
				}
				token++
				tok := fmt.Sprintf("T%d", token)
				written[tok] = true
				cur.Notes += tok + "\n"
				ok(rt, db.SaveAgendaItem(Overwriting(db, cur), &cur))
			case 10: // remove a line
				cur, err := db.AgendaItem(it.ID)
				if err != nil {
					continue
				}
				ls := strings.SplitAfter(cur.Notes, "\n")
				if len(ls) > 0 && ls[len(ls)-1] == "" {
					ls = ls[:len(ls)-1]
				}
				if len(ls) < 2 {
					continue
				}
				k := rapid.IntRange(0, len(ls)-1).Draw(rt, "line")
				if old := strings.TrimSuffix(ls[k], "\n"); strings.HasPrefix(old, "T") {
					replaced[old] = true
				}
				ls = append(ls[:k], ls[k+1:]...)
				cur.Notes = strings.Join(ls, "")
				ok(rt, db.SaveAgendaItem(Overwriting(db, cur), &cur))
			case 11, 12: // an editor left open during a sync: loaded before, saved after
				loaded, err := db.AgendaItem(it.ID)
				if err != nil {
					continue
				}
				from := dbs[rapid.IntRange(0, n-1).Draw(rt, "from")]
				if _, err := db.ApplyOps(mustOps(rt, from)); err != nil {
					rt.Fatal(err)
				}
				if _, err := db.AgendaItem(it.ID); err != nil {
					continue
				}
				ls := strings.SplitAfter(loaded.Notes, "\n")
				if len(ls) > 0 && ls[len(ls)-1] == "" {
					ls = ls[:len(ls)-1]
				}
				if len(ls) == 0 {
					continue
				}
				k := rapid.IntRange(0, len(ls)-1).Draw(rt, "line")
				token++
				tok := fmt.Sprintf("T%d", token)
				if old := strings.TrimSuffix(ls[k], "\n"); strings.HasPrefix(old, "T") {
					replaced[old] = true
				}
				written[tok] = true
				ls[k] = tok + "\n"
				x := loaded
				x.Notes = strings.Join(ls, "")
				ok(rt, db.SaveAgendaItem(loaded, &x))
			case 5: // a short field
				cur, err := db.AgendaItem(it.ID)
				if err != nil {
					continue
				}
				cur.Title = rapid.SampledFrom([]string{"Stien", "Søen", "Hallen"}).Draw(rt, "title")
				ok(rt, db.SaveAgendaItem(Overwriting(db, cur), &cur))
			case 6: // delete the item (rarely: it ends the story)
				if rapid.IntRange(0, 3).Draw(rt, "really") == 0 {
					ok(rt, db.DeleteAgendaItem(it.ID))
				}
			default: // deliver some ops of another replica: a pull or a bundle
				from := dbs[rapid.IntRange(0, n-1).Draw(rt, "from")]
				ops := mustOps(rt, from)
				var sub []Change
				for _, o := range ops {
					if rapid.IntRange(0, 3).Draw(rt, "keep") > 0 {
						sub = append(sub, o)
					}
				}
				perm := rapid.Permutation(sub).Draw(rt, "order")
				if rapid.Bool().Draw(rt, "repeat") && len(perm) > 0 {
					perm = append(perm, perm[0])
				}
				_, err := db.ApplyOps(perm)
				ok(rt, err)
			}
		}
		for round := 0; round < 2; round++ {
			for i := range dbs {
				for j := range dbs {
					if i != j {
						_, err := dbs[j].ApplyOps(mustOps(rt, dbs[i]))
						ok(rt, err)
					}
				}
			}
		}
		want := dump(rt, dbs[0])
		for i := 1; i < n; i++ {
			if got := dump(rt, dbs[i]); got != want {
				rt.Fatalf("replica %d differs:\n%s\n---\n%s", i, got, want)
			}
		}
		final, err := dbs[0].AgendaItem(it.ID)
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
		cs, err := dbs[0].Conflicts(c.ID)
		ok(rt, err)
		var kept strings.Builder
		for _, x := range cs {
			fmt.Fprintf(&kept, "%v\n%v\n", x.Kept, x.Other)
		}
		have := map[string]bool{}
		for _, l := range strings.Split(final.Notes+"\n"+kept.String(), "\n") {
			have[l] = true
		}
		for tok := range written {
			if !have[tok] && !replaced[tok] {
				rt.Fatalf("line %s lost: notes\n%s\nconflicts:\n%s", tok, final.Notes, kept.String())
			}
		}
		checkNothingLost(rt, dbs[0], c.ID)
	})
}

// Same field, short: a's editor shows the title "P"; b's "Q" arrives by
// sync while it is open; a's user, who never saw "Q", types "R". The save
// writes "R" as an edit that had seen "Q" (rebase: "otherwise the
// editor's value is the edit"), so "Q" is replaced with no conflict kept,
// where the same two edits made on two laptops keep one.
func TestAttackStaleEditorSameShortField(t *testing.T) {
	a, b := replica(t, "a"), replica(t, "b")
	c := model.Council{Name: "Råd"}
	ok(t, a.SaveCouncil(model.Council{}, &c))
	p := model.Project{CouncilID: c.ID, Title: "P", Status: model.ProjectIdea}
	ok(t, a.SaveProject(model.Project{}, &p))
	_, err := b.ApplyOps(mustOps(t, a))
	ok(t, err)
	loaded, err := a.Project(p.ID)
	ok(t, err)
	bp, err := b.Project(p.ID)
	ok(t, err)
	nb := bp
	nb.Title = "Q"
	ok(t, b.SaveProject(bp, &nb))
	_, err = a.ApplyOps(mustOps(t, b))
	ok(t, err)
	x := loaded
	x.Title = "R"
	ok(t, a.SaveProject(loaded, &x))
	cs, _ := a.Conflicts(c.ID)
	got, _ := a.Project(p.ID)
	if !strings.Contains(fmt.Sprint(got.Title, cs), "Q") {
		t.Errorf("b's title %q is gone without a conflict: title %q, conflicts %+v", "Q", got.Title, cs)
	}
}
