package storage

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"lokalraad/model"
)

// versionBefore is the schema version of the migrations before the one
// named first.
func versionBefore(t *testing.T, first string) int {
	t.Helper()
	i := slices.IndexFunc(migrationFiles(), func(f string) bool { return strings.HasSuffix(f, "/"+first) })
	if i < 0 {
		t.Fatalf("no migration %s", first)
	}
	return i
}

// openBefore opens a new database at path with the schema of the
// migrations before the one named first (the schema of the code before
// it), as a *DB of this code.
func openBefore(t *testing.T, path, first string) *DB {
	t.Helper()
	files := migrationFiles()
	i := slices.IndexFunc(files, func(f string) bool { return strings.HasSuffix(f, "/"+first) })
	if i < 0 {
		t.Fatalf("no migration %s in %v", first, files)
	}
	sqldb, err := sql.Open("sqlite", dsn(path))
	ok(t, err)
	db := &DB{path: path, Now: func() time.Time { return syncNow }, apply: applyConn{turn: make(chan struct{}, 1)}} // as Open makes it
	db.pool.Store(sqldb)
	ctx := context.Background()
	ok(t, db.migrateTo(ctx, files[:i]))
	ok(t, db.loadDevice(ctx))
	ok(t, db.loadSecrets(ctx))
	return db
}

// A database written before migration 020 (words indexed once for all
// councils, a council column in every index), with a search hold that a
// fault committed and a write noted under it, is upgraded when it is
// opened: each council finds its own words, old and new, and only its own;
// the indexes are those a rebuild makes and no hold is left; and pulled ops
// still go through the hold of migration 019 into the new indexes.
func TestMigration020UpgradesSearch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	old := openBefore(t, path, "020_search_council_words.sql")
	var version int
	ok(t, old.sql().QueryRow("PRAGMA user_version").Scan(&version))
	if want := versionBefore(t, "020_search_council_words.sql"); version != want {
		t.Fatalf("old schema is version %d, want %d", version, want)
	}
	a, b := model.Council{Name: "Jyderup Lokalråd"}, model.Council{Name: "Tølløse Lokalråd"}
	ok(t, old.SaveCouncil(t.Context(), model.Council{}, &a))
	ok(t, old.SaveCouncil(t.Context(), model.Council{}, &b))
	var meetings []model.Meeting
	for _, c := range []model.Council{a, b} {
		m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Title: "Bestyrelsesmøde", Place: "Forsamlingshuset", Status: model.MeetingPlanned, Start: syncNow}
		ok(t, old.SaveMeeting(t.Context(), model.Meeting{}, &m))
		meetings = append(meetings, m)
	}
	it := model.AgendaItem{CouncilID: a.ID, MeetingID: meetings[0].ID, Position: 1, Title: "Shelter ved søen", Kind: model.ItemDecision, Notes: "Drøftet længe\n"}
	ok(t, old.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	// The fault of migration 019's tests: a hold committed, and a write
	// noted under it with the old index's council word.
	_, err := old.sql().Exec("INSERT INTO search_hold(one) VALUES (1)")
	ok(t, err)
	edited := meetings[0]
	edited.Title = "Vinterfest"
	ok(t, old.SaveMeeting(t.Context(), meetings[0], &edited))
	var pending int
	ok(t, old.sql().QueryRow("SELECT COUNT(*) FROM search_pending").Scan(&pending))
	if pending != 1 {
		t.Fatalf("%d rows noted under the hold, want 1", pending)
	}
	ok(t, old.Close())

	db, err := Open(context.Background(), path)
	ok(t, err)
	defer db.Close()
	ok(t, SearchIndexProblem(db))
	wantHits(t, db, a.ID, "vinterfest", meetings[0].ID)
	wantHits(t, db, a.ID, "bestyrelse")
	wantHits(t, db, b.ID, "bestyrelse", meetings[1].ID)
	wantHits(t, db, a.ID, "forsaml", meetings[0].ID)
	wantHits(t, db, b.ID, "forsaml", meetings[1].ID)
	wantHits(t, db, a.ID, "sø drøf", it.ID)
	wantHits(t, db, b.ID, "shelter")
	for _, c := range []string{a.ID, b.ID} {
		if n, err := db.SearchTotal(t.Context(), c, "forsamlingshuset"); err != nil || n != 1 {
			t.Errorf("SearchTotal(forsamlingshuset) in %s = %d, %v; want its 1 meeting", c, n, err)
		}
	}

	// Pulled ops go through the hold into the new indexes.
	src := replica(t, "src")
	c := model.Council{Name: "Svinninge Lokalråd"}
	ok(t, src.SaveCouncil(t.Context(), model.Council{}, &c))
	p := model.Project{CouncilID: c.ID, Title: "Naturstien", Description: "Sti langs åen", Status: model.ProjectIdea}
	ok(t, src.SaveProject(t.Context(), model.Project{}, &p))
	_, err = db.ApplyOps(t.Context(), mustOps(t, src))
	ok(t, err)
	ok(t, SearchIndexProblem(db))
	wantHits(t, db, c.ID, "naturstien åen", p.ID)
	wantHits(t, db, a.ID, "naturstien")
}
