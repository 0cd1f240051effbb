package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/storage/exchange"
	"lokalraad/storage/postgres"
	"lokalraad/storage/postgres/pgtest"
)

// The admin's mirror, its cache deleted, is made again in its place and
// the old one is revoked: `device list --mirrors` shows one live mirror
// there, with when it last pulled. `device prune-mirrors` revokes a
// mirror not seen for --older-than and leaves the recent one live.
func TestPGMirrorsListAndPrune(t *testing.T) {
	db := pgtest.URL(t)
	cache := t.TempDir()
	runOK(t, "pool", "list", "--db", db, "--cache", cache)
	ents, err := os.ReadDir(cache)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		os.RemoveAll(filepath.Join(cache, e.Name()))
	}
	runOK(t, "pool", "list", "--db", db, "--cache", cache)

	// A mirror of a node that stopped pulling 40 days ago.
	s, err := postgres.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Now = func() time.Time { return time.Now().Add(-40 * 24 * time.Hour) }
	old, err := exchange.OpenMirror(context.Background(), s, filepath.Join(t.TempDir(), "spejl.db"), "Spejl på en gammel node", nil)
	if err != nil {
		t.Fatal(err)
	}
	old.Close()

	live := func(list string) (n int, lines []string) {
		for _, l := range strings.Split(strings.TrimSpace(list), "\n")[1:] {
			if strings.HasSuffix(strings.TrimSpace(l), "-") { // SPÆRRET "-"
				n++
				lines = append(lines, l)
			}
		}
		return n, lines
	}
	list := runOK(t, "device", "list", "--db", db, "--mirrors")
	if n, lines := live(list); n != 2 || !strings.Contains(list, cache) || !strings.Contains(strings.Join(lines, "\n"), "Spejl på en gammel node") {
		t.Fatalf("device list --mirrors, want the admin's mirror live once and the old node's:\n%s", list)
	}
	if strings.Count(list, filepath.Join(cache, "spejl-")) != 2 {
		t.Errorf("the admin's two mirrors (the deleted and the new) are not both listed by place:\n%s", list)
	}
	out := runOK(t, "device", "prune-mirrors", "--db", db, "--older-than", "720h")
	if !strings.Contains(out, old.Device().ID) || lastLine(out) != "1 spejl er spærret." {
		t.Errorf("prune-mirrors:\n%s", out)
	}
	list = runOK(t, "device", "list", "--db", db, "--mirrors")
	if n, lines := live(list); n != 1 || !strings.Contains(lines[0], cache) || !strings.Contains(lines[0], time.Now().In(time.Local).Format("2006")) {
		t.Errorf("after prune, want only the admin's new mirror live, seen now:\n%s", list)
	}
	// The admin's mirror still works.
	runOK(t, "pool", "list", "--db", db, "--cache", cache)
}

// A serve node sweeps, on its own, a partial upload abandoned for longer
// than --partial-ttl, and keeps a recent one.
func TestServeTidySweepsAbandonedUploads(t *testing.T) {
	db, err := openDB(t.Context(), filepath.Join(t.TempDir(), "kommune.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hub := exchange.NewServer(t.Context(), db, nil)
	hub.PartialTTL = time.Hour
	old, recent := strings.Repeat("a", 64), strings.Repeat("b", 64)
	for _, sum := range []string{old, recent} {
		if _, _, err := db.AppendBlob(t.Context(), sum, 100, 0, strings.NewReader("del"), 1000); err != nil {
			t.Fatal(err)
		}
	}
	ago := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(filepath.Join(db.Blobs().Dir(), "partial", old), ago, ago); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	tidy(ctx, hub, nil, slog.New(slog.DiscardHandler), 20*time.Millisecond)
	if n, _ := noerr.Get2(db.BlobReceived(t.Context(), old))(t); n != 0 {
		t.Errorf("the abandoned upload holds %d bytes after serve tidied", n)
	}
	if n, _, _ := db.BlobReceived(t.Context(), recent); n != 3 {
		t.Errorf("the recent upload holds %d bytes, want its 3", n)
	}
}

// prune-mirrors never takes a limit a node's hourly pull could miss.
func TestPruneMirrorsRefusesAShortLimit(t *testing.T) {
	var out, errb strings.Builder
	err := run(context.Background(), []string{"device", "prune-mirrors", "--db", filepath.Join(t.TempDir(), "kommune.db"), "--older-than", "30m"}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "mindst 2h") {
		t.Errorf("prune-mirrors --older-than 30m: %v", err)
	}
}
