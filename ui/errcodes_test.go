package ui

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"lokalraad/model"
)

// Every error code model/errors.go declares (read from the source, so a
// code added there is walked too) goes through the screens' mapping in
// both languages: in English the screen never shows the error's Danish
// sentence, and in Danish it shows a Danish text. An error of code
// Internal carries its text for the log; what it shows is checked the
// same way.
func TestEveryErrorCodeInBothLanguages(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join("..", "model", "errors.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []model.Code
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || vs.Type == nil || fmt.Sprint(vs.Type) != "Code" {
			return true
		}
		for _, v := range vs.Values {
			if lit, ok := v.(*ast.BasicLit); ok {
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				codes = append(codes, model.Code(s))
			}
		}
		return true
	})
	if len(codes) < 8 {
		t.Fatalf("read only %d codes from model/errors.go: %v", len(codes), codes)
	}
	const danish = "rækken kan ikke gemmes, før mødet er åbnet igen"
	danishLetters := func(s string) bool { return strings.ContainsAny(s, "æøåÆØÅ") }
	defer func() {
		if err := SetupLanguage("da"); err != nil {
			t.Error(err)
		}
	}()
	for _, code := range codes {
		coded := fmt.Errorf("gem: %w", model.NewError(code, danish))
		if err := SetupLanguage("en"); err != nil {
			t.Fatal(err)
		}
		en := errText(coded)
		if en == "" || strings.Contains(en, danish) || danishLetters(en) {
			t.Errorf("English, code %s: the screen shows %q", code, en)
		}
		if err := SetupLanguage("da"); err != nil {
			t.Fatal(err)
		}
		if da := errText(coded); da == "" || da == en && code != model.Internal {
			t.Errorf("Danish, code %s: the screen shows %q (English: %q)", code, da, en)
		}
	}
}
