package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/exchange/exchangetest"
)

// `lokalraad bundle import` runs the model's rules: a bundle from a
// laptop of the council whose approved minutes were rewritten, signed
// with that laptop's own key, is refused whole, the field named.
func TestBundleImportRunsTheRules(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, srv, c, codes := testHub(t, dir, "a", "b")
	codeA, codeB := codes[0], codes[1]
	ctx := context.Background()
	var out, errb bytes.Buffer
	pathA, pathB := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	must(run(ctx, []string{"sync", "--db", pathA, "--server", srv.URL, "--code", codeA}, &out, &errb))
	must(run(ctx, []string{"sync", "--db", pathB, "--server", srv.URL, "--code", codeB}, &out, &errb))

	a, err := storage.Open(context.Background(), pathA)
	must(err)
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: time.Now().Add(-time.Hour)}
	must(a.SaveMeeting(t.Context(), model.Meeting{}, &m))
	it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Shelter", Kind: model.ItemDecision, Decision: "Shelteret bygges."}
	must(a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	held := m
	m.Status = model.MeetingApproved
	must(a.SaveMeeting(t.Context(), held, &m))
	ops, err := a.CouncilOps(context.Background(), c.ID)
	must(err)
	self, last := a.DeviceID(), ops[len(ops)-1]
	// Tampered: a new op of a's, stamped after the approval and signed by
	// a, rewrites the decision.
	forged := storage.Change{Device: self, Seq: 5000, HLC: last.HLC + 1<<16, Table: "agenda_items", Row: it.ID, Council: c.ID,
		Field: "decision", Value: "Shelteret bygges ikke."}
	must(a.SignOwn(&forged))
	a.Close()
	file := filepath.Join(dir, "jyderup.lokalraad")
	must(run(ctx, []string{"bundle", "export", "--db", pathA, "--out", file}, &out, &errb))
	must(run(ctx, []string{"bundle", "import", "--db", pathB, file}, &out, &errb))

	exchangetest.AppendOps(t, file, []storage.Change{forged})
	err = run(ctx, []string{"bundle", "import", "--db", pathB, file}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "»beslutning«") || !strings.Contains(err.Error(), "genåbnet") {
		t.Errorf("tampered bundle: %v", err)
	}
	b, err := storage.Open(context.Background(), pathB)
	must(err)
	defer b.Close()
	if got := noerr.Get(b.AgendaItem(t.Context(), it.ID))(t); got.Decision != "Shelteret bygges." {
		t.Errorf("decision on b = %q", got.Decision)
	}
}
