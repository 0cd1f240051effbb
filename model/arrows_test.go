package model_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestArrows checks the import rules of ARCHITECTURE.md on the whole module:
// model and assets take the standard library only; the encoders take model,
// assets and their one library; model/pb only model; storage takes no ui; nothing imports ui but
// cmd/lokalraad; nothing imports cmd; only cmd/lokalraad imports fyne's app.
func TestArrows(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the module")
	}
	out, err := exec.Command("go", "list", "-e", "-json=ImportPath,Imports,Standard", "lokalraad/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const mod = "lokalraad"
	dec := json.NewDecoder(strings.NewReader(string(out)))
	packages := 0
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		packages++
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, mod), "/")
		for _, imp := range p.Imports {
			ours := imp == mod || strings.HasPrefix(imp, mod+"/")
			std := !strings.Contains(strings.Split(imp, "/")[0], ".") && !ours
			irel := strings.TrimPrefix(strings.TrimPrefix(imp, mod), "/")
			bad := func(why string) { t.Errorf("%s imports %s: %s", p.ImportPath, imp, why) }
			switch {
			case rel == "model" || rel == "assets":
				if !std {
					bad("model and assets import the standard library only")
				}
			case rel == "model/pb":
				if !std && irel != "model" {
					bad("model/pb (Pabulib files) imports the standard library and model only")
				}
			case rel == "model/pdf" || rel == "model/xlsx" || rel == "model/ical":
				allowed := map[string]string{"model/pdf": "github.com/jung-kurt/gofpdf", "model/xlsx": "github.com/xuri/excelize/v2", "model/ical": "github.com/arran4/golang-ical"}[rel]
				// The meeting packet imports its PDF bilag page by page with
				// gofpdi, gofpdf's own companion (gofpdf holds the import
				// hooks gofpdi feeds); it is part of the PDF library, not a
				// second one.
				if rel == "model/pdf" && strings.HasPrefix(imp, "github.com/phpdave11/gofpdi") {
					break
				}
				if !std && irel != "model" && irel != "assets" && !strings.HasPrefix(imp, allowed) {
					bad("an encoder imports model, assets and its one library")
				}
			case strings.HasPrefix(rel, "storage"):
				if strings.HasPrefix(imp, "fyne.io/") || irel == "ui" || strings.HasPrefix(irel, "model/") {
					bad("storage imports model and SQLite, no screens or encoders")
				}
			}
			if imp == "fyne.io/fyne/v2/app" && rel != "cmd/lokalraad" {
				bad("only cmd/lokalraad imports fyne's app")
			}
			if ours && irel == "ui/web" {
				if rel != "cmd/kommune" {
					bad("only cmd/kommune imports ui/web")
				}
			} else if ours && (irel == "ui" || strings.HasPrefix(irel, "ui/")) && rel != "cmd/lokalraad" && !strings.HasPrefix(rel, "ui") {
				bad("nothing but cmd/lokalraad imports ui")
			}
			if strings.HasPrefix(rel, "ui/web") && strings.HasPrefix(imp, "fyne.io/") {
				bad("ui/web serves HTML and imports no Fyne")
			}
			if ours && strings.HasPrefix(irel, "cmd/") {
				bad("nothing imports cmd")
			}
			// The test helpers (a read's error fails the test; a PDF read
			// back with pdftotext) take the standard library only, and
			// only tests import them (go list's Imports are the
			// non-test imports).
			if testHelper(rel) && !std {
				bad("a test helper imports the standard library only")
			}
			if ours && testHelper(irel) {
				bad("only tests import the test helpers")
			}
			// The command lines' Danish flags: the standard library only,
			// for the two programs only.
			if rel == "internal/cliflag" && !std {
				bad("internal/cliflag imports the standard library only")
			}
			if ours && irel == "internal/cliflag" && !strings.HasPrefix(rel, "cmd/") {
				bad("only the programs in cmd import internal/cliflag")
			}
		}
	}
	if packages < 4 {
		t.Errorf("go list saw only %d packages", packages)
	}
}

// testHelper tells the packages that are for tests only.
func testHelper(rel string) bool {
	return strings.HasPrefix(rel, "internal/") && rel != "internal/cliflag" || rel == "model/pdf/pdftext"
}
