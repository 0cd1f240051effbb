package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/exchange"
)

// Through the real server and `kommune bundle import`: a laptop whose
// change log was tampered with (an amount no editor accepts) is refused
// whole, by sync and by bundle, with the field named in Danish.
func TestServerRunsTheModelRules(t *testing.T) {
	dir := t.TempDir()
	hubPath := filepath.Join(dir, "kommune.db")
	council := lastLine(runOK(t, "council", "add", "--db", hubPath, "--name", "Jyderup Lokalråd"))
	code := lastLine(runOK(t, "device", "enroll", "--db", hubPath, "--council", council, "--name", "Karens bærbare"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--db", hubPath}, &bytes.Buffer{}, &bytes.Buffer{}, ready)
	}()
	url := "http://" + <-ready

	lapPath := filepath.Join(dir, "a.db")
	a, err := storage.Open(context.Background(), lapPath)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := exchange.NewClient().Enroll(ctx, a, url, code); err != nil {
		t.Fatal(err)
	}
	if _, err := exchange.NewClient().Sync(ctx, a, ""); err != nil {
		t.Fatal(err)
	}
	w := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Shelter ved søen", Estimate: 250_000_00, Status: model.WishDraft}
	if err := a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w); err != nil {
		t.Fatal(err)
	}
	// Tampered: the op of the estimate says 10 mia. kr., signed again with
	// the laptop's own key (a tampered laptop has it).
	ops, err := a.CouncilOps(context.Background(), council)
	if err != nil {
		t.Fatal(err)
	}
	var op storage.Change
	for _, o := range ops {
		if o.Table == "budget_wishes" && o.Field == "estimate" {
			op = o
		}
	}
	op.Value = int64(10_000_000_000_00)
	if err := a.SignOwn(&op); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", lapPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("UPDATE changes SET value = ?, sig = ? WHERE device = ? AND seq = ?", op.Value, op.Sig, op.Device, op.Seq); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	bundle := filepath.Join(dir, "a.lokalraad")
	var buf bytes.Buffer
	if _, err := exchange.NewClient().WriteBundle(context.Background(), &buf, a, council); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bundle, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	// By sync: the op is refused with the field named, set aside on the
	// laptop, and the rest of the wish goes up.
	r, err := exchange.NewClient().Sync(ctx, a, "")
	if err != nil || r.Refused != 1 || !strings.Contains(r.Note, "budgetønsket »Shelter ved søen«: beløbet i feltet »overslag« er uden for det tilladte") {
		t.Errorf("sync of a tampered laptop: %+v, %v", r, err)
	}
	cancel()
	<-done
	var out, errb bytes.Buffer
	err = run(context.Background(), []string{"bundle", "import", "--db", hubPath, bundle}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "»overslag«") {
		t.Errorf("kommune bundle import of a tampered bundle: %v", err)
	}
	hub, err := storage.Open(context.Background(), hubPath)
	if err != nil {
		t.Fatal(err)
	}
	defer hub.Close()
	if ws := noerr.Get(hub.BudgetWishes(t.Context(), council, 0))(t); len(ws) != 1 || ws[0].Estimate != 0 {
		t.Errorf("the hub took %+v", ws)
	}
}
