package main

import (
	"path/filepath"
	"strings"
	"testing"

	"lokalraad/internal/ctxtest"
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
			out := t.TempDir()
			ctxtest.CommandsStop(t, run, [][]string{
				{"council", "add", "--db", db, "--name", "Tølløse Lokalråd"},
				{"device", "enroll", "--db", db, "--council", council, "--name", "Sørens bærbare"},
				{"device", "revoke", "--db", db, device},
				{"bundle", "export", "--db", db, "--council", council, "--out", filepath.Join(out, "jyderup.lokalraad")},
			}, model.ErrCanceled, nil, out, "hub", state)
		})
	}
}
