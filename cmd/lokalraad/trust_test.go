package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/exchange"
)

// forgeFile appends ops to a bundle file and recomputes its checksum.
func forgeFile(t *testing.T, path string, extra []storage.Change) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Header map[string]any  `json:"header"`
		Ops    json.RawMessage `json:"ops"`
	}
	if err := json.NewDecoder(zr).Decode(&f); err != nil {
		t.Fatal(err)
	}
	var ops []exchange.Op
	json.Unmarshal(f.Ops, &ops)
	more := noerr.Get(exchange.EncodeOps(extra))(t)
	f.Ops, _ = json.Marshal(append(ops, more...))
	sum := sha256.Sum256(f.Ops)
	f.Header["sha256"], f.Header["count"] = hex.EncodeToString(sum[:]), len(ops)+len(more)
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	json.NewEncoder(zw).Encode(f)
	zw.Close()
	os.WriteFile(path, out.Bytes(), 0o644)
}

// Issue 8, finding 2 on the laptop: a bundle with an op claiming this
// laptop's own id is refused whole by `lokalraad bundle import`, and later
// syncs still work. A database copied without its secrets file asks to be
// enrolled again, and then syncs.
func TestBundleImportRefusesForgedOwnOp(t *testing.T) {
	dir := t.TempDir()
	hub, err := storage.Open(filepath.Join(dir, "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer hub.Close()
	srv := httptest.NewServer(exchange.NewServer(t.Context(), hub, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler())
	defer srv.Close()
	c := model.Council{Name: "Jyderup Lokalråd"}
	if err := hub.SaveCouncil(t.Context(), model.Council{}, &c); err != nil {
		t.Fatal(err)
	}
	_, code, _ := hub.AddDevice(t.Context(), "a", c.ID, false)
	_, code2, _ := hub.AddDevice(t.Context(), "a igen", c.ID, false)
	ctx := context.Background()
	pathA := filepath.Join(dir, "a.db")
	var out, errb bytes.Buffer
	if err := runSync(ctx, []string{"--db", pathA, "--server", srv.URL, "--code", code}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	a, err := storage.Open(pathA)
	if err != nil {
		t.Fatal(err)
	}
	self := a.DeviceID()
	a.Close()

	file := filepath.Join(dir, "fra-kommunen.lokalraad")
	f, _ := os.Create(file)
	if _, err := exchange.NewClient().WriteBundle(context.Background(), f, hub, c.ID); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	forged := storage.Change{Device: self, Seq: 5000, HLC: time.Now().UnixMilli() << 16, Table: "councils", Row: c.ID, Council: c.ID, Field: "name", Value: "Overtaget"}
	storage.SignChange(&forged, key)
	forgeFile(t, file, []storage.Change{forged})
	err = runBundle(ctx, []string{"import", "--db", pathA, file}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "afvist") || !strings.Contains(err.Error(), "denne computer") {
		t.Errorf("forged own op: %v", err)
	}
	out.Reset()
	if err := runSync(ctx, []string{"--db", pathA}, &out, &errb); err != nil {
		t.Fatalf("sync after the refused bundle: %v", err)
	}
	if got := noerr.Get(hub.Council(t.Context(), c.ID))(t); got.Name != "Jyderup Lokalråd" {
		t.Errorf("hub council = %+v", got)
	}

	// A copy without the secrets file.
	a = noerr.Get(storage.Open(pathA))(t)
	copyPath := filepath.Join(dir, "kopi.db")
	if err := a.Backup(context.Background(), copyPath); err != nil {
		t.Fatal(err)
	}
	a.Close()
	err = runSync(ctx, []string{"--db", copyPath}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "tilmeld computeren igen") {
		t.Errorf("copy without secrets: %v", err)
	}
	if err := runSync(ctx, []string{"--db", copyPath, "--code", code2}, &out, &errb); err != nil {
		t.Errorf("copy enrolled again: %v", err)
	}
}
