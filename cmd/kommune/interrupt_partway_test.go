package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/dbstate"
	"lokalraad/model"
	"lokalraad/storage"
)

// The hub's SQLite file of an old schema is upgraded by the first command
// that opens it. Ctrl-C at moments from the start of such a command to
// twice as long as a whole one takes: it says »afbrudt« in Danish only,
// and the file is either at its old version with every row as it was, or
// upgraded whole; never between two migrations. The next command upgrades
// it and works.
func TestCtrlCDuringUpgradeOnOpen(t *testing.T) {
	fixture, err := os.ReadFile(filepath.Join("..", "..", "storage", "testdata", "schema-v1.db"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "kommune.db")
	setup := func() {
		for _, p := range []string{path, path + "-wal", path + "-shm", storage.SecretPath(path)} {
			os.Remove(p)
		}
		os.RemoveAll(filepath.Join(dir, "sikkerhedskopier"))
		if err := os.WriteFile(path, fixture, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := func(ctx context.Context) (string, error) {
		var stdout, stderr bytes.Buffer
		err := run(ctx, []string{"council", "list", "--db", path}, &stdout, &stderr)
		return stdout.String() + stderr.String(), err
	}
	setup()
	_, before := dbstate.Of(t, path)
	start := time.Now()
	if out, err := cmd(context.Background()); err != nil || !strings.Contains(out, "Jyderup") {
		t.Fatalf("a whole run: %v\n%s", err, out)
	}
	whole := time.Since(start)
	stopped, inUpgrade := 0, 0
	for i := range 12 {
		setup()
		at := whole * time.Duration(i) / 6
		ctx, cancel := context.WithCancel(context.Background())
		timer := time.AfterFunc(at, cancel)
		out, err := cmd(ctx)
		timer.Stop()
		cancel()
		if err == nil {
			continue
		}
		stopped++
		if err.Error() != "afbrudt" || !errors.Is(err, model.ErrCanceled) {
			t.Errorf("at %v: %v, want »afbrudt«", at, err)
		}
		if s := strings.ToLower(out); strings.Contains(s, "context") || strings.Contains(s, "interrupt") {
			t.Errorf("at %v: printed English: %s", at, out)
		}
		switch v, state := dbstate.Of(t, path); v {
		case 1:
			inUpgrade++
			if state != before {
				t.Errorf("at %v: stopped in the upgrade, but the file changed", at)
			}
		case storage.SchemaVersion():
		default:
			t.Errorf("at %v: stopped between two migrations, at version %d", at, v)
		}
		if out, err := cmd(context.Background()); err != nil || !strings.Contains(out, "Jyderup") {
			t.Errorf("at %v: the next command: %v\n%s", at, err, out)
		}
	}
	t.Logf("%d of 12 runs stopped, %d in the upgrade; a whole one takes %v", stopped, inUpgrade, whole)
	if stopped == 0 {
		t.Error("no run was stopped: nothing was tested")
	}
}
