package main

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

// `lokalraad bundle import` runs the model's rules: a bundle whose
// approved minutes were rewritten is refused whole, the field named.
func TestBundleImportRunsTheRules(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	pathA, pathB := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	a, err := storage.Open(pathA)
	if err != nil {
		t.Fatal(err)
	}
	c := model.Council{Name: "Jyderup Lokalråd"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(a.SaveCouncil(model.Council{}, &c))
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: time.Now().Add(-time.Hour)}
	must(a.SaveMeeting(model.Meeting{}, &m))
	it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Shelter", Kind: model.ItemDecision, Decision: "Shelteret bygges."}
	must(a.SaveAgendaItem(model.AgendaItem{}, &it))
	held := m
	m.Status = model.MeetingApproved
	must(a.SaveMeeting(held, &m))
	a.Close()
	var out, errb bytes.Buffer
	file := filepath.Join(dir, "jyderup.bundle")
	must(runBundle(ctx, []string{"export", "--db", pathA, "--out", file}, &out, &errb))
	must(runBundle(ctx, []string{"import", "--db", pathB, file}, &out, &errb))

	// Tampered: a new op, stamped after the approval, rewrites the decision.
	raw, err := sql.Open("sqlite", pathA)
	must(err)
	_, err = raw.Exec(`INSERT INTO changes(device, seq, hlc, tbl, row_id, council_id, field, value, base)
		SELECT device, seq + 1000, (SELECT MAX(hlc) FROM changes) + 65536, tbl, row_id, council_id, field, 'Shelteret bygges ikke.', '' FROM changes
		WHERE tbl = 'agenda_items' AND field = 'decision'`)
	must(err)
	raw.Close()
	must(runBundle(ctx, []string{"export", "--db", pathA, "--out", file}, &out, &errb))
	err = runBundle(ctx, []string{"import", "--db", pathB, file}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "»beslutning«") || !strings.Contains(err.Error(), "genåbnet") {
		t.Errorf("tampered bundle: %v", err)
	}
	b, err := storage.Open(pathB)
	must(err)
	defer b.Close()
	if got, _ := b.AgendaItem(it.ID); got.Decision != "Shelteret bygges." {
		t.Errorf("decision on b = %q", got.Decision)
	}
}
