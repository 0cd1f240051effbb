package ui

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A file saved from the English window is named in English (»Minutes –
// Jyderup Lokalråd – 12.11.2026.pdf«), from the Danish one in Danish; every
// file name the app offers has its English start.
func TestFileNamesInTheWindowsLanguage(t *testing.T) {
	defer SetupLanguage("da")
	docs := append(append([]document{wishesDoc, yearWheelDoc, accountsDoc, accountsReceiptsDoc, planDoc}, meetingDocs...), councilDocs...)
	for _, d := range docs {
		if _, ok := fileNamesEn[d.base]; !ok {
			t.Errorf("the document %q has no English file name", d.base)
		}
	}
	// The names given by hand: fileName("ext", "Danish", …) in the screens.
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	given := regexp.MustCompile(`fileName\([^,]+, "([^"]+)"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range given.FindAllStringSubmatch(string(src), -1) {
			if _, ok := fileNamesEn[m[1]]; !ok {
				t.Errorf("%s: the file name %q has no English start", f, m[1])
			}
		}
	}
	for _, c := range []struct{ lang, want string }{{"da", "Referat"}, {"en", "Minutes"}} {
		if err := SetupLanguage(c.lang); err != nil {
			t.Fatal(err)
		}
		if got := fileName("pdf", "Referat", "Jyderup Lokalråd", "12.11.2026"); !strings.HasPrefix(got, c.want+" ") || !strings.HasSuffix(got, ".pdf") {
			t.Errorf("%s: the minutes are saved as %q", c.lang, got)
		}
	}
}
