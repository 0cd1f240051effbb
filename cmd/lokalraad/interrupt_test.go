package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"lokalraad/internal/ctxtest"
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
	out := t.TempDir()
	ctxtest.CommandsStop(t, run, [][]string{
		{"backup", "--db", path, "--out", filepath.Join(out, "kopi.db")},
		{"export", "minutes", "--db", path, "--meeting", ms[len(ms)-2].ID, "--out", filepath.Join(out, "referat.pdf")},
		{"export", "workbook", "--db", path, "--council", council, "--out", filepath.Join(out, "råd.xlsx")},
		{"person", "erase", "--db", path, "--council", council, "--name", "Karen Østergaard"},
		{"restore", "--db", path, backup},
	}, model.ErrCanceled, func(args []string) string {
		if args[0] == "restore" {
			return "afbrudt – databasen er uændret"
		}
		return ""
	}, out, "database", overview)
}
