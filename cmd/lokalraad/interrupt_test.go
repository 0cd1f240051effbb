package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// Ctrl-C (main's signal context cancelled) during a subcommand ends it
// with the one Danish message, never "context canceled", and leaves no
// half-written file and no changed database behind.
func TestCtrlCSaysAfbrudt(t *testing.T) {
	path, council := demoDB(t)
	db := noerr.Get(storage.Open(context.Background(), path))(t)
	ms := noerr.Get(db.Meetings(t.Context(), council))(t)
	backup := filepath.Join(t.TempDir(), "før.db")
	err := db.Backup(t.Context(), backup)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	overview := func() string {
		db := noerr.Get(storage.Open(context.Background(), path))(t)
		defer db.Close()
		d := noerr.Get(db.CouncilData(t.Context(), council))(t)
		ds := noerr.Get(db.Meetings(t.Context(), council))(t)
		var b strings.Builder
		for _, m := range d.Members {
			b.WriteString(m.Name + "|")
		}
		for _, m := range ds {
			b.WriteString(m.Title + "|")
		}
		return b.String()
	}
	before := overview()
	out := t.TempDir()
	for _, args := range [][]string{
		{"backup", "--db", path, "--out", filepath.Join(out, "kopi.db")},
		{"export", "minutes", "--db", path, "--meeting", ms[len(ms)-2].ID, "--out", filepath.Join(out, "referat.pdf")},
		{"export", "workbook", "--db", path, "--council", council, "--out", filepath.Join(out, "råd.xlsx")},
		{"person", "erase", "--db", path, "--council", council, "--name", "Karen Østergaard"},
		{"restore", "--db", path, backup},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // as main's signal.NotifyContext does on Ctrl-C
		var stdout, stderr strings.Builder
		err := run(ctx, args, &stdout, &stderr)
		want := "afbrudt"
		if args[0] == "restore" {
			want = "afbrudt – databasen er uændret"
		}
		if err == nil || err.Error() != want || !errors.Is(err, model.ErrCanceled) {
			t.Errorf("%s %s: %v, want »%s«", args[0], args[1], err, want)
		}
		if s := stdout.String() + stderr.String(); strings.Contains(s, "context") {
			t.Errorf("%s %s printed English: %s", args[0], args[1], s)
		}
		if files, _ := os.ReadDir(out); len(files) > 0 {
			t.Errorf("%s %s left %s behind", args[0], args[1], files[0].Name())
		}
		if got := overview(); got != before {
			t.Errorf("%s %s changed the database", args[0], args[1])
		}
	}
}
