package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// hitIDs is the ids of what a search of the council finds.
func hitIDs(t *testing.T, db *DB, council, query string) []string {
	t.Helper()
	hits, err := db.Search(t.Context(), council, query, 200)
	ok(t, err)
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.ID)
	}
	slices.Sort(ids)
	return ids
}

func wantHits(t *testing.T, db *DB, council, query string, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := hitIDs(t, db, council, query); !slices.Equal(got, want) {
		t.Errorf("Search(%q) = %v, want %v", query, got, want)
	}
}

// A pull that inserts, edits and deletes indexed rows, and inserts and
// deletes one within the same batch, leaves the search finding the new
// words, not the old ones nor any deleted row, and the indexes equal to
// indexes rebuilt from the tables.
func TestApplyKeepsSearchIndex(t *testing.T) {
	src, dst := replica(t, "src"), replica(t, "dst")
	c := model.Council{Name: "Jyderup Lokalråd"}
	ok(t, src.SaveCouncil(t.Context(), model.Council{}, &c))
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Title: "Bestyrelsesmøde", Place: "Forsamlingshuset", Status: model.MeetingPlanned, Start: syncNow}
	ok(t, src.SaveMeeting(t.Context(), model.Meeting{}, &m))
	var items []model.AgendaItem
	for i, title := range []string{"Skolevejen", "Shelteret", "Legepladsen"} {
		it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Position: i + 1, Title: title, Kind: model.ItemDecision, Notes: "Drøftet i " + title + "\n"}
		ok(t, src.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
		items = append(items, it)
	}
	p := model.Project{CouncilID: c.ID, Title: "Naturstien", Description: "Sti langs åen", Status: model.ProjectIdea}
	ok(t, src.SaveProject(t.Context(), model.Project{}, &p))

	_, err := dst.ApplyOps(context.Background(), mustOps(t, src))
	ok(t, err)
	ok(t, SearchIndexProblem(dst))
	wantHits(t, dst, c.ID, "skolevejen", items[0].ID)
	wantHits(t, dst, c.ID, "drøftet", items[0].ID, items[1].ID, items[2].ID)
	wantHits(t, dst, c.ID, "åen", p.ID)

	// One batch: an edit of an indexed text, an edit of a text that is
	// not indexed (position), a delete, a new row, and a row made and
	// deleted again.
	edited := items[0]
	edited.Title = "Kirkegården"
	edited.Notes = "Drøftet igen\n"
	ok(t, src.SaveAgendaItem(t.Context(), items[0], &edited))
	moved := items[2]
	moved.Position = 9
	ok(t, src.SaveAgendaItem(t.Context(), items[2], &moved))
	ok(t, src.DeleteAgendaItem(t.Context(), items[1].ID))
	added := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Position: 4, Title: "Juletræet", Kind: model.ItemDecision}
	ok(t, src.SaveAgendaItem(t.Context(), model.AgendaItem{}, &added))
	gone := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Position: 5, Title: "Fastelavn", Kind: model.ItemDecision}
	ok(t, src.SaveAgendaItem(t.Context(), model.AgendaItem{}, &gone))
	ok(t, src.DeleteAgendaItem(t.Context(), gone.ID))
	p2 := p
	p2.Description = "Sti langs mosen"
	ok(t, src.SaveProject(t.Context(), p, &p2))

	n, err := dst.ApplyOps(context.Background(), mustOps(t, src))
	ok(t, err)
	if n == 0 {
		t.Fatal("the second batch brought nothing")
	}
	ok(t, SearchIndexProblem(dst))
	wantHits(t, dst, c.ID, "skolevejen")
	wantHits(t, dst, c.ID, "kirkegården", edited.ID)
	wantHits(t, dst, c.ID, "drøftet", items[0].ID, items[2].ID)
	wantHits(t, dst, c.ID, "shelteret")
	wantHits(t, dst, c.ID, "juletræet", added.ID)
	wantHits(t, dst, c.ID, "fastelavn")
	wantHits(t, dst, c.ID, "åen")
	wantHits(t, dst, c.ID, "mosen", p.ID)
	wantHits(t, dst, c.ID, "forsamlingshuset", m.ID)

	// A local edit after the pull is indexed by the triggers as before.
	local := edited
	local.Title = "Kirkegårdsdiget"
	ok(t, dst.SaveAgendaItem(t.Context(), edited, &local))
	ok(t, SearchIndexProblem(dst))
	wantHits(t, dst, c.ID, "kirkegårdsdiget", edited.ID)
}

// A batch that fails after the search was held is rolled back whole: no
// hold is left, the index is as before, and later writes are indexed.
func TestFailedApplyLeavesSearchUnheld(t *testing.T) {
	src, dst := replica(t, "src"), replica(t, "dst")
	c := model.Council{Name: "Jyderup Lokalråd"}
	ok(t, src.SaveCouncil(t.Context(), model.Council{}, &c))
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Title: "Sankthans", Status: model.MeetingPlanned, Start: syncNow}
	ok(t, src.SaveMeeting(t.Context(), model.Meeting{}, &m))
	it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Position: 1, Title: "Bålet", Kind: model.ItemDecision}
	ok(t, src.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	a := model.ActionItem{CouncilID: c.ID, MeetingID: m.ID, AgendaItemID: it.ID, Who: "Karen", What: "Bestil brænde", Due: syncNow}
	ok(t, src.SaveActionItem(t.Context(), model.ActionItem{}, &a))
	// The receiver's disk refuses the action item's row, the last row
	// the batch writes (tables in order: action_items sort first, but
	// new rows are written after the others' updates).
	_, err := dst.sql().Exec("CREATE TRIGGER boom BEFORE INSERT ON action_items WHEN new.what = 'Bestil brænde' BEGIN SELECT RAISE(FAIL, 'disk full'); END")
	ok(t, err)
	if _, err := dst.ApplyOps(context.Background(), mustOps(t, src)); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("apply: %v, want the row refused", err)
	}
	ok(t, SearchIndexProblem(dst))
	wantHits(t, dst, c.ID, "sankthans")
	ok(t, dst.SaveCouncil(t.Context(), model.Council{}, &c)) // the same council made here
	local := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Title: "Høstfest", Status: model.MeetingPlanned, Start: syncNow}
	ok(t, dst.SaveMeeting(t.Context(), model.Meeting{}, &local))
	wantHits(t, dst, c.ID, "høstfest", local.ID)
	ok(t, SearchIndexProblem(dst))
}

// SearchIndexProblem finds an index that misses a write (a hold
// committed and lifted without indexing what was written under it), an
// index that holds a word its row no longer has, and a hold left behind.
func TestSearchIndexProblemFindsStaleIndex(t *testing.T) {
	db := replica(t, "db")
	c := model.Council{Name: "Jyderup Lokalråd"}
	ok(t, db.SaveCouncil(t.Context(), model.Council{}, &c))
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Title: "Generalforsamling", Status: model.MeetingPlanned, Start: syncNow}
	ok(t, db.SaveMeeting(t.Context(), model.Meeting{}, &m))
	ok(t, SearchIndexProblem(db))

	for name, sql := range map[string][]string{
		"write under a hold never indexed": {"INSERT INTO search_hold(one) VALUES (1)", "UPDATE meetings SET title = 'Vinterfest'", "DELETE FROM search_pending", "DELETE FROM search_hold"},
		"hold left behind":                 {"INSERT INTO search_hold(one) VALUES (1)"},
		"index not told of a change":       {"DROP TRIGGER meetings_au", "UPDATE meetings SET place = 'Hallen'"},
	} {
		t.Run(name, func(t *testing.T) {
			bad := replica(t, "bad")
			ok(t, bad.SaveCouncil(t.Context(), model.Council{}, &c))
			mm := m
			mm.ID = ""
			ok(t, bad.SaveMeeting(t.Context(), model.Meeting{}, &mm))
			for _, q := range sql {
				_, err := bad.sql().Exec(q)
				ok(t, err)
			}
			if err := SearchIndexProblem(bad); err == nil {
				t.Error("no problem found")
			} else {
				t.Log(err)
			}
		})
	}
}

// A hold committed by a fault (a caller that committed after an error)
// leaves local writes unindexed but noted; the next pulled page takes the
// hold over and indexes them, rather than failing every later sync on the
// hold's key.
func TestLeakedHoldHealsAtNextApply(t *testing.T) {
	src, dst := replica(t, "src"), replica(t, "dst")
	c := model.Council{Name: "Jyderup Lokalråd"}
	ok(t, src.SaveCouncil(t.Context(), model.Council{}, &c))
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Title: "Generalforsamling", Place: "Hallen", Status: model.MeetingPlanned, Start: syncNow}
	ok(t, src.SaveMeeting(t.Context(), model.Meeting{}, &m))
	_, err := dst.ApplyOps(t.Context(), mustOps(t, src))
	ok(t, err)

	_, err = dst.sql().Exec("INSERT INTO search_hold(one) VALUES (1)") // the fault
	ok(t, err)
	local := m
	local.Title = "Vinterfest"
	ok(t, dst.SaveMeeting(t.Context(), m, &local)) // written under the leaked hold
	if SearchIndexProblem(dst) == nil {
		t.Fatal("the leaked hold left no trace the check sees")
	}

	p := model.Project{CouncilID: c.ID, Title: "Naturstien", Status: model.ProjectIdea}
	ok(t, src.SaveProject(t.Context(), model.Project{}, &p))
	_, err = dst.ApplyOps(t.Context(), mustOps(t, src))
	ok(t, err)
	ok(t, SearchIndexProblem(dst))
	wantHits(t, dst, c.ID, "vinterfest", m.ID)
	wantHits(t, dst, c.ID, "generalforsamling")
	wantHits(t, dst, c.ID, "naturstien", p.ID)
}

// pulledSource is a council whose ops come in three pages as a pull
// brings them: a meeting and its agenda items, then more items, then a
// project, each page's rows found by a word of its own.
func pulledSource(t *testing.T) (council string, pages [3][]Change, ids map[string]string) {
	t.Helper()
	src := replica(t, "src")
	c := model.Council{Name: "Jyderup Lokalråd"}
	ok(t, src.SaveCouncil(t.Context(), model.Council{}, &c))
	ids = map[string]string{}
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Title: "Bestyrelsesmøde", Place: "Forsamlingshuset", Status: model.MeetingPlanned, Start: syncNow}
	ok(t, src.SaveMeeting(t.Context(), model.Meeting{}, &m))
	ids["forsamlingshuset"] = m.ID
	first := len(mustOps(t, src))
	for i, title := range []string{"Skolevejen", "Shelteret"} {
		it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Position: i + 1, Title: title, Kind: model.ItemDecision, Notes: "Drøftet.\n"}
		ok(t, src.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
		ids[strings.ToLower(title)] = it.ID
	}
	second := len(mustOps(t, src))
	p := model.Project{CouncilID: c.ID, Title: "Naturstien", Description: "Sti langs åen", Status: model.ProjectIdea}
	ok(t, src.SaveProject(t.Context(), model.Project{}, &p))
	ids["naturstien"] = p.ID
	ops := mustOps(t, src)
	return c.ID, [3][]Change{ops[:first], ops[first:second], ops[second:]}, ids
}

// A pull's pages with more to come leave their rows to the last page's
// indexing (ApplyPulledPart): after the last page the search finds every
// page's rows, and a local edit made between pages, and the indexes equal
// indexes rebuilt from the tables.
func TestPulledPartsIndexedByLastPage(t *testing.T) {
	council, pages, ids := pulledSource(t)
	dst := replica(t, "dst")
	_, err := dst.ApplyPulledPart(t.Context(), pages[0], "1")
	ok(t, err)
	// A local edit while the pull is under way, of a row the pull brought.
	m, err := dst.Meeting(t.Context(), ids["forsamlingshuset"])
	ok(t, err)
	edited := m
	edited.Place = "Kirkegårdsdiget"
	ok(t, dst.SaveMeeting(t.Context(), m, &edited))
	_, err = dst.ApplyPulledPart(t.Context(), pages[1], "2")
	ok(t, err)
	_, err = dst.ApplyPulledPage(t.Context(), pages[2], "3")
	ok(t, err)
	ok(t, SearchIndexProblem(dst))
	wantHits(t, dst, council, "kirkegårdsdiget", m.ID)
	wantHits(t, dst, council, "forsamlingshuset")
	wantHits(t, dst, council, "skolevejen", ids["skolevejen"])
	wantHits(t, dst, council, "naturstien", ids["naturstien"])
	// A later local write is indexed as it is made: no hold is left.
	edited2 := edited
	edited2.Title = "Sankthans"
	ok(t, dst.SaveMeeting(t.Context(), edited, &edited2))
	wantHits(t, dst, council, "sankthans", m.ID)
	ok(t, SearchIndexProblem(dst))
}

// A pull cut off after pages with more to come (the hub gone, a page
// refused, the process killed) still leaves the search complete: at
// FinishPull, at a last page that brings nothing new, or, after a kill,
// at the next Open.
func TestPullCutOffLeavesSearchComplete(t *testing.T) {
	council, pages, ids := pulledSource(t)
	complete := func(t *testing.T, db *DB) {
		t.Helper()
		ok(t, SearchIndexProblem(db))
		wantHits(t, db, council, "forsamlingshuset", ids["forsamlingshuset"])
		wantHits(t, db, council, "shelteret", ids["shelteret"])
	}
	t.Run("FinishPull", func(t *testing.T) {
		dst := replica(t, "dst")
		for i, p := range pages[:2] {
			_, err := dst.ApplyPulledPart(t.Context(), p, fmt.Sprint(i+1))
			ok(t, err)
		}
		bad := slices.Clone(pages[2])
		bad[0].Council = "another council"
		if _, err := dst.ApplyPulledPage(t.Context(), bad, "3"); err == nil {
			t.Fatal("a page with an op of another council was applied")
		}
		ok(t, dst.FinishPull(t.Context()))
		complete(t, dst)
		ok(t, dst.FinishPull(t.Context())) // nothing held: nothing to do
	})
	t.Run("last page brings nothing new", func(t *testing.T) {
		dst := replica(t, "dst")
		for i, p := range pages[:2] {
			_, err := dst.ApplyPulledPart(t.Context(), p, fmt.Sprint(i+1))
			ok(t, err)
		}
		_, err := dst.ApplyPulledPage(t.Context(), pages[1], "2")
		ok(t, err)
		complete(t, dst)
	})
	t.Run("next Open", func(t *testing.T) {
		dst := replica(t, "dst")
		for i, p := range pages[:2] {
			_, err := dst.ApplyPulledPart(t.Context(), p, fmt.Sprint(i+1))
			ok(t, err)
		}
		if SearchIndexProblem(dst) == nil {
			t.Fatal("the pages left nothing for the last page to index")
		}
		ok(t, dst.Close())
		again, err := Open(context.Background(), dst.Path())
		ok(t, err)
		defer again.Close()
		complete(t, again)
		if cur := noerr.Get(again.Meta(t.Context(), MetaCursor))(t); cur != "2" {
			t.Errorf("cursor %q after reopening, want 2", cur)
		}
	})
}

// A pull that deletes the newest agenda item and brings a new one gives
// the new row the deleted row's rowid (SQLite reuses the highest). The
// new row's insert (INSERT OR FAIL, one statement of many rows) must not
// turn the search triggers' own conflict rule into a failure: SQLite lets
// an outer statement's OR clause override a trigger's. Before, such a pull
// failed whole with »UNIQUE constraint failed: search_pending…« and the
// laptop never synced again.
func TestPullDeletingNewestRowAndAddingOne(t *testing.T) {
	src, dst := replica(t, "src"), replica(t, "dst")
	c := model.Council{Name: "Tølløse Lokalråd"}
	ok(t, src.SaveCouncil(t.Context(), model.Council{}, &c))
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Title: "Bestyrelsesmøde", Status: model.MeetingPlanned, Start: syncNow}
	ok(t, src.SaveMeeting(t.Context(), model.Meeting{}, &m))
	var items []model.AgendaItem
	for i, title := range []string{"Skolevejen", "Shelteret"} {
		it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Position: i + 1, Title: title, Kind: model.ItemDecision}
		ok(t, src.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
		items = append(items, it)
	}
	p := model.Project{CouncilID: c.ID, Title: "Naturstien", Status: model.ProjectIdea}
	ok(t, src.SaveProject(t.Context(), model.Project{}, &p))
	_, err := dst.ApplyOps(t.Context(), mustOps(t, src))
	ok(t, err)

	ok(t, src.DeleteAgendaItem(t.Context(), items[1].ID))
	added := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Position: 2, Title: "Juletræet", Kind: model.ItemDecision}
	ok(t, src.SaveAgendaItem(t.Context(), model.AgendaItem{}, &added))
	ok(t, src.DeleteProject(t.Context(), p.ID))
	p2 := model.Project{CouncilID: c.ID, Title: "Fællesbålet", Status: model.ProjectIdea}
	ok(t, src.SaveProject(t.Context(), model.Project{}, &p2))

	if _, err := dst.ApplyOps(t.Context(), mustOps(t, src)); err != nil {
		t.Fatalf("the pull failed: %v", err)
	}
	ok(t, SearchIndexProblem(dst))
	wantHits(t, dst, c.ID, "shelteret")
	wantHits(t, dst, c.ID, "juletræet", added.ID)
	wantHits(t, dst, c.ID, "naturstien")
	wantHits(t, dst, c.ID, "fællesbålet", p2.ID)
	wantHits(t, dst, c.ID, "skolevejen", items[0].ID)
}
