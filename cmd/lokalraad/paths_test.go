package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"lokalraad/internal/noerr"
)

// Writing where the user may not (a locked USB stick, another user's
// folder) or into a folder that is gone is explained in Danish; the
// library's words come after, for IT.
func TestWriteErrorInDanish(t *testing.T) {
	out := filepath.Join("E:", "Mødemappe.pdf")
	cases := []struct {
		err  error
		want string
	}{
		{&fs.PathError{Op: "open", Path: out, Err: syscall.EACCES}, "skrivebeskyttet, eller du har ikke adgang"},
		{&fs.PathError{Op: "open", Path: out, Err: syscall.EROFS}, "skrivebeskyttet"},
		{&fs.PathError{Op: "open", Path: out, Err: syscall.ENOENT}, "findes ikke"},
	}
	for _, c := range cases {
		msg := writeError(out, c.err).Error()
		if !strings.Contains(msg, c.want) || !strings.HasPrefix(msg, "kan ikke skrive "+out) {
			t.Errorf("writeError(%v) = %q, want it to say %q", c.err, msg, c.want)
		}
	}
}

// The real commands against a read-only folder: backup and export say so
// in Danish and leave nothing behind. (Root may write anywhere, so the
// test needs an ordinary user.)
func TestReadOnlyFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes into read-only folders; TestWriteErrorInDanish covers the message")
	}
	path, _ := demoDB(t)
	ro := filepath.Join(t.TempDir(), "låst")
	if err := os.Mkdir(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(ro, 0o755) })
	for _, args := range [][]string{
		{"backup", "--db", path, "--out", filepath.Join(ro, "kopi.db")},
		{"export", "workbook", "--db", path, "--out", filepath.Join(ro, "Lokalråd.xlsx")},
	} {
		_, _, err := runCmd(t, args...)
		if err == nil || !strings.Contains(err.Error(), "skrivebeskyttet") {
			t.Errorf("%v: err = %v, want the Danish read-only message", args[:2], err)
		}
	}
	if entries := noerr.Get(os.ReadDir(ro))(t); len(entries) != 0 {
		t.Errorf("left behind in the read-only folder: %v", entries)
	}
}
