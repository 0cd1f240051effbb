package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lokalraad/model"
	"lokalraad/storage/postgres/pgtest"
)

// Ctrl-C (or SIGTERM: main's signal context cancelled) during an admin
// command ends it with the one Danish message, never "context canceled",
// on both stores, and leaves the registry, the councils and the folder of
// --out as they were.
func TestCtrlCSaysAfbrudt(t *testing.T) {
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "kommune.db")
			if store == "postgres" {
				db = pgtest.URL(t)
			}
			council := lastLine(runOK(t, "council", "add", "--db", db, "--name", "Jyderup Lokalråd"))
			runOK(t, "device", "enroll", "--db", db, "--council", council, "--name", "Karens bærbare")
			var device string
			for _, l := range strings.Split(runOK(t, "device", "list", "--db", db), "\n") {
				if strings.Contains(l, "Karens bærbare") {
					device = strings.Fields(l)[0]
				}
			}
			state := func() string {
				return runOK(t, "council", "list", "--db", db) + runOK(t, "device", "list", "--db", db)
			}
			before := state()
			out := t.TempDir()
			for _, args := range [][]string{
				{"council", "add", "--db", db, "--name", "Tølløse Lokalråd"},
				{"device", "enroll", "--db", db, "--council", council, "--name", "Sørens bærbare"},
				{"device", "revoke", "--db", db, device},
				{"bundle", "export", "--db", db, "--council", council, "--out", filepath.Join(out, "jyderup.lokalraad")},
			} {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				var stdout, stderr bytes.Buffer
				err := run(ctx, args, &stdout, &stderr)
				if err == nil || err.Error() != "afbrudt" || !errors.Is(err, model.ErrCanceled) {
					t.Errorf("%s %s: %v, want »afbrudt«", args[0], args[1], err)
				}
				if s := stdout.String() + stderr.String(); strings.Contains(s, "context") {
					t.Errorf("%s %s printed English: %s", args[0], args[1], s)
				}
				if files, _ := os.ReadDir(out); len(files) > 0 {
					t.Errorf("%s %s left %s behind", args[0], args[1], files[0].Name())
				}
				if got := state(); got != before {
					t.Errorf("%s %s changed the hub:\n%s\n%s", args[0], args[1], before, got)
				}
			}
		})
	}
}
