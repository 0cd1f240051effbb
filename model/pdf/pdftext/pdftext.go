// Package pdftext reads a PDF back as text for tests, with poppler's
// pdftotext (apt-get install poppler-utils).
//
// Without pdftotext a test that needs it is skipped, with a message,
// unless the environment variable CI is set (.ci/run sets CI=1): there it
// fails, so that a CI machine without poppler cannot pass the PDF tests by
// skipping them.
package pdftext

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Need skips t, or fails it when CI is set, if pdftotext is not installed.
func Need(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is not installed, and CI is set: install poppler-utils")
		}
		t.Skip("pdftotext is not installed (apt-get install poppler-utils)")
	}
}

// File reads the PDF at path as UTF-8 text; layout keeps the page's
// columns (pdftotext -layout). Pages are separated by form feeds.
func File(t testing.TB, path string, layout bool) string {
	t.Helper()
	Need(t)
	args := []string{"-enc", "UTF-8", path, "-"}
	if layout {
		args = append([]string{"-layout"}, args...)
	}
	out, err := exec.Command("pdftotext", args...).Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

// Bytes reads a PDF held in memory as File does.
func Bytes(t testing.TB, pdf []byte, layout bool) string {
	t.Helper()
	Need(t)
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	return File(t, path, layout)
}

// Pages splits the text of File or Bytes into pages, dropping the empty
// piece after the last form feed.
func Pages(text string) []string {
	ps := strings.Split(text, "\f")
	if len(ps) > 1 && strings.TrimSpace(ps[len(ps)-1]) == "" {
		ps = ps[:len(ps)-1]
	}
	return ps
}

// Plain is text with every run of white space made one space, for
// looking up phrases that the layout may break over lines.
func Plain(text string) string {
	return strings.Join(strings.Fields(text), " ")
}
