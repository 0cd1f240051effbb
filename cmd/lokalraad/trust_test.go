package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/storage"
	"lokalraad/storage/exchange"
	"lokalraad/storage/exchange/exchangetest"
)

// Issue 8, finding 2 on the laptop: a bundle with an op claiming this
// laptop's own id is refused whole by `lokalraad bundle import`, and later
// syncs still work. A database copied without its secrets file asks to be
// enrolled again, and then syncs.
func TestBundleImportRefusesForgedOwnOp(t *testing.T) {
	dir := t.TempDir()
	hub, srv, c, codes := testHub(t, dir, "a", "a igen")
	code, code2 := codes[0], codes[1]
	ctx := context.Background()
	pathA := filepath.Join(dir, "a.db")
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"sync", "--db", pathA, "--server", srv.URL, "--code", code}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	a, err := storage.Open(context.Background(), pathA)
	if err != nil {
		t.Fatal(err)
	}
	self := a.DeviceID()
	a.Close()

	file := filepath.Join(dir, "fra-kommunen.lokalraad")
	f := noerr.Get(os.Create(file))(t)
	if _, err := exchange.NewClient().WriteBundle(context.Background(), f, hub, c.ID); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	forged := storage.Change{Device: self, Seq: 5000, HLC: time.Now().UnixMilli() << 16, Table: "councils", Row: c.ID, Council: c.ID, Field: "name", Value: "Overtaget"}
	storage.SignChange(&forged, key)
	exchangetest.AppendOps(t, file, []storage.Change{forged})
	err = run(ctx, []string{"bundle", "import", "--db", pathA, file}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "afvist") || !strings.Contains(err.Error(), "denne computer") {
		t.Errorf("forged own op: %v", err)
	}
	out.Reset()
	if err := run(ctx, []string{"sync", "--db", pathA}, &out, &errb); err != nil {
		t.Fatalf("sync after the refused bundle: %v", err)
	}
	if got := noerr.Get(hub.Council(t.Context(), c.ID))(t); got.Name != "Jyderup Lokalråd" {
		t.Errorf("hub council = %+v", got)
	}

	// A copy without the secrets file.
	a = noerr.Get(storage.Open(context.Background(), pathA))(t)
	copyPath := filepath.Join(dir, "kopi.db")
	if err := a.Backup(context.Background(), copyPath); err != nil {
		t.Fatal(err)
	}
	a.Close()
	err = run(ctx, []string{"sync", "--db", copyPath}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "tilmeld computeren igen") {
		t.Errorf("copy without secrets: %v", err)
	}
	if err := run(ctx, []string{"sync", "--db", copyPath, "--code", code2}, &out, &errb); err != nil {
		t.Errorf("copy enrolled again: %v", err)
	}
}
