//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// An exported file gets the user's umask, as any file they save, not 0600.
func TestExportHonoursUmask(t *testing.T) {
	path, _ := demoDB(t)
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)
	out := filepath.Join(t.TempDir(), "kalender.ics")
	if _, stderr, err := runCmd(t, "export", "calendar", "--db", path, "--out", out); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640 (0666 less the umask 027)", fi.Mode().Perm())
	}
}
