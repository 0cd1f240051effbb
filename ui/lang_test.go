package ui

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/exchange"
)

// uiKeys lists the literal catalogue keys the screens pass to lang.L.
func uiKeys(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		if filepath.Ext(name) != ".go" || len(name) > 8 && name[len(name)-8:] == "_test.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "L" {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "lang" {
				return true
			}
			if sel, ok := call.Args[0].(*ast.SelectorExpr); ok && sel.Sel.Name == "Key" {
				return true // a validation error's key: model's texts, see oneErr
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok {
				t.Logf("%s: lang.L with a key that is no literal: not checked", fset.Position(call.Pos()))
				return true
			}
			s := noerr.Get(strconv.Unquote(lit.Value))(t)
			keys[s] = fset.Position(call.Pos()).String()
			return true
		})
	}
	return keys
}

// Every text the screens show, and Fyne's own dialog texts, are in both
// catalogues.
func TestCataloguesComplete(t *testing.T) {
	fyneKeys := []string{"Advanced", "Cancel", "Confirm", "Copy", "Create Folder", "Cut", "Enter filename",
		"Error", "Favourites", "File", "Folder", "New Folder", "No", "OK", "Open", "Paste", "Quit", "Redo",
		"Save", "Select all", "Show Hidden Files", "Undo", "Yes", "file.name", "file.parent",
		"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
	keys := uiKeys(t)
	if len(keys) < 50 {
		t.Fatalf("only %d keys found in the screens", len(keys))
	}
	for _, code := range []string{"da", "en"} {
		_, cat, err := loadCatalog(code)
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		for k, pos := range keys {
			if _, ok := cat[k]; !ok {
				t.Errorf("%s.json lacks %q (%s)", code, k, pos)
			}
		}
		for _, k := range fyneKeys {
			if _, ok := cat[k]; !ok {
				t.Errorf("%s.json lacks Fyne's %q", code, k)
			}
		}
	}
	if err := SetupLanguage("da"); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"Cancel": "Annullér", "Yes": "Ja", "No": "Nej", "Save": "Gem", "Overview": "Oversigt"} {
		if got := lang.L(k); got != want {
			t.Errorf("lang.L(%q) = %q, want %q", k, got, want)
		}
	}
	if got := lang.X("file.name", "Name"); got != "Navn" {
		t.Errorf("file.name = %q", got)
	}
}

// Every field the registry names has its label in both catalogues: the
// conflicts view and messages name fields by it.
func TestRegistryLabelsTranslated(t *testing.T) {
	for _, code := range []string{"da", "en"} {
		_, cat, err := loadCatalog(code)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range model.Entities() {
			for _, f := range e.Fields {
				if _, ok := cat[f.Label]; !ok {
					t.Errorf("%s: %s.%s's label %q is not in the catalogue", code, e.Table, f.Column, f.Label)
				}
			}
		}
	}
}

// Errors are said by their code in English and by their own Danish
// sentence in Danish; every code's text is in both catalogues.
func TestErrorsSaidByCode(t *testing.T) {
	for _, code := range []string{"da", "en"} {
		_, cat, err := loadCatalog(code)
		if err != nil {
			t.Fatal(err)
		}
		for c, key := range codeTexts {
			if _, ok := cat[key]; !ok {
				t.Errorf("%s lacks the text of code %s: %q", code, c, key)
			}
		}
	}
	diskFull := fmt.Errorf("gem mødet: %w", storage.ErrDiskFull)
	refused := &exchange.RemoteError{Status: 403, Code: exchange.CodeForbidden, Msg: "kun kommunen kan skrive feltet »kommunens svar« på budgetønsket"}
	defer SetupLanguage("da")
	if err := SetupLanguage("en"); err != nil {
		t.Fatal(err)
	}
	if got := errText(diskFull); got != "The disk is full or the folder cannot be written. Nothing saved is lost." {
		t.Errorf("English, disk full: %q", got)
	}
	if got := errText(refused); got != "This computer may not do that." {
		t.Errorf("English, refused by the hub: %q", got)
	}
	if got := storedErrText("kommunens server kan ikke nås", model.Unavailable); !strings.Contains(got, "does not answer") {
		t.Errorf("English, remembered unreachable: %q", got)
	}
	if err := SetupLanguage("da"); err != nil {
		t.Fatal(err)
	}
	if got := errText(diskFull); !strings.Contains(got, "disken er fuld") {
		t.Errorf("Danish, disk full: %q", got)
	}
	if got := errText(refused); !strings.Contains(got, "kun kommunen kan skrive feltet »kommunens svar«") {
		t.Errorf("Danish, refused by the hub: %q", got)
	}
}

// Every validation message of citizen budgeting (model/borgerbudget.go's
// fieldErr keys) is in both catalogues, so a field typed wrong is said in
// the desktop's language: in English the English sentence, in Danish the
// catalogue's Danish one, never a key.
func TestPBFieldErrorsTranslated(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filepath.Join("..", "model", "borgerbudget.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, isCall := n.(*ast.CallExpr)
		if !isCall || len(call.Args) < 2 {
			return true
		}
		if id, isID := call.Fun.(*ast.Ident); !isID || id.Name != "fieldErr" {
			return true
		}
		lit, isLit := call.Args[1].(*ast.BasicLit)
		if !isLit {
			t.Errorf("%s: a field error whose key is no literal", fset.Position(call.Pos()))
			return true
		}
		s := noerr.Get(strconv.Unquote(lit.Value))(t)
		keys = append(keys, s)
		return true
	})
	if len(keys) < 15 {
		t.Fatalf("only %d field errors found", len(keys))
	}
	for _, code := range []string{"da", "en"} {
		_, cat, err := loadCatalog(code)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if _, ok := cat[k]; !ok {
				t.Errorf("%s lacks the field error %q", code, k)
			}
		}
	}
	r := model.PBRound{Title: "Borgerbudget", Phase: model.PhaseReview, BallotKind: model.PBApproval, Method: model.CountVotes,
		TieRule: model.TieByID, Population: -1}
	tot := model.PBTotal{Place: "Hallen"}
	defer SetupLanguage("da")
	for code, want := range map[string][]string{
		"en": {"The number of inhabitants must be from 0 to 10,000,000", "Choose a proposal"},
		"da": {"Indbyggertallet skal være mellem 0 og 10.000.000", "Vælg et forslag"},
	} {
		if err := SetupLanguage(code); err != nil {
			t.Fatal(err)
		}
		if got := errText(r.Validate()); got != want[0] {
			t.Errorf("%s: a population of -1 says %q", code, got)
		}
		if got := errText(tot.Validate()); got != want[1] {
			t.Errorf("%s: a total without a proposal says %q", code, got)
		}
	}
}

// systemLocale makes the system's locale loc for the test (go-locale reads
// these at every call).
func systemLocale(t *testing.T, loc string) {
	t.Helper()
	for _, v := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES"} {
		t.Setenv(v, "")
	}
	t.Setenv("LANG", loc)
}

// On a Danish computer the Danish catalogue is given to fyne's lang once
// (go-i18n parses it for every tag: start-up time, issue 10), and switching
// to English and back in Settings shows each language's texts, also where
// the English one was given under the system's locale.
func TestLanguageSwitchOnDanishSystem(t *testing.T) {
	systemLocale(t, "da_DK.UTF-8")
	defer SetupLanguage("da")
	if got := catalogTags(model.Danish, lang.SystemLocale(), nil); len(got) != 1 || got[0] != "da" {
		t.Errorf("Danish on a Danish system is given under %v, want [da] only", got)
	}
	for _, step := range []struct{ code, want string }{
		{"da", "Oversigt"}, {"en", "Overview"}, {"da", "Oversigt"}, {"en", "Overview"},
	} {
		if err := SetupLanguage(step.code); err != nil {
			t.Fatal(err)
		}
		if got := lang.L("Overview"); got != step.want {
			t.Errorf("after choosing %s: the Overview tab says %q, want %q", step.code, got, step.want)
		}
		if got := lang.L("Cancel"); (step.code == "da") != (got == "Annullér") {
			t.Errorf("after choosing %s: Fyne's Cancel says %q", step.code, got)
		}
	}
}

// On a computer in another language the chosen catalogue is still the one
// shown: Danish by default on an English or German system.
func TestDanishOnOtherSystems(t *testing.T) {
	defer SetupLanguage("da")
	for _, loc := range []string{"en_US.UTF-8", "de_DE.UTF-8", "C"} {
		systemLocale(t, loc)
		for _, step := range []struct{ code, want string }{{"da", "Oversigt"}, {"en", "Overview"}, {"da", "Oversigt"}} {
			if err := SetupLanguage(step.code); err != nil {
				t.Fatal(err)
			}
			if got := lang.L("Overview"); got != step.want {
				t.Errorf("%s, after choosing %s: the Overview tab says %q, want %q", loc, step.code, got, step.want)
			}
		}
	}
}

// The window is built without Fyne's bundled colour emoji font (Makefile's
// GUITAGS: Fyne parses it for every text style, issue 10), so nothing the
// app says itself may need it: no emoji or pictographs in the catalogues or
// in the screens' own strings. Users' emoji are drawn from system fonts.
func TestTextsNeedNoEmojiFont(t *testing.T) {
	emoji := func(r rune) bool {
		return r >= 0x2600 && r <= 0x27BF || r >= 0x2B00 && r <= 0x2BFF ||
			r >= 0x1F000 && r <= 0x1FAFF || r == 0xFE0F || r == 0x200D
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	cats, err := filepath.Glob("../assets/translations/*.json")
	if err != nil || len(cats) < 2 {
		t.Fatalf("catalogues: %v %v", cats, err)
	}
	for _, name := range append(files, cats...) {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			for _, r := range line {
				if emoji(r) {
					t.Errorf("%s:%d: %q (U+%04X) needs the emoji font: %s", name, i+1, r, r, strings.TrimSpace(line))
				}
			}
		}
	}
}

// Switching the language in Settings keeps the screen the user was on:
// the window used to go back to Oversigt.
func TestLanguageSwitchKeepsTheTab(t *testing.T) {
	u, _, _ := withCouncil(t)
	defer SetupLanguage("da")
	u.tabs.SelectIndex(tabMembers)
	u.applyLanguage("en")
	if u.tabs.SelectedIndex() != tabMembers || u.tabs.Selected().Text != lang.L("Members") || lang.L("Members") != "Members" {
		t.Errorf("after switching to English the window shows tab %d (%q), want Members", u.tabs.SelectedIndex(), u.tabs.Selected().Text)
	}
	u.applyLanguage("da")
	if u.tabs.SelectedIndex() != tabMembers || u.tabs.Selected().Text != "Medlemmer" {
		t.Errorf("after switching back the window shows %q", u.tabs.Selected().Text)
	}
}

// A sync stopped because this computer must be enrolled again says why in
// the desktop's language, from the error and from the status bar's stored
// text alike: in English it said »This computer may not do that.« (its
// code's text) for a copied key file, and »It clashes with what is already
// there.« for a copied database.
func TestEnrolAgainSaidInBothLanguages(t *testing.T) {
	defer SetupLanguage("da")
	for _, c := range []struct {
		lang string
		err  error
		want string
	}{
		{"en", storage.ErrCopiedDevice, "copied from another computer, which uses the same identity"},
		{"en", storage.ErrSecretMissing, "without its key file"},
		{"da", storage.ErrCopiedDevice, "kopieret fra en anden computer, som bruger samme identitet"},
		{"da", storage.ErrSecretMissing, "uden sin nøglefil"},
	} {
		if err := SetupLanguage(c.lang); err != nil {
			t.Fatal(err)
		}
		for _, got := range []string{errText(c.err), storedErrText(c.err.Error(), model.ErrorCode(c.err))} {
			if !strings.Contains(got, c.want) {
				t.Errorf("%s, %v: %q", c.lang, c.err, got)
			}
		}
	}
}

// Switching the language keeps the meeting, project or wish that was open
// open, not only its tab: a chair who switches in the middle of an agenda
// finds it where she was.
func TestLanguageSwitchKeepsTheOpenItem(t *testing.T) {
	u, db, cid := withCouncil(t)
	defer SetupLanguage("da")
	u.tabs.SelectIndex(tabMeetings)
	ed := newMeeting(t, u)
	retype(ed.title, "Borgermøde om stien")
	u.saver.flush()
	p := model.Project{CouncilID: cid, Title: "Shelter ved Skarresø", Status: model.ProjectIdea}
	ok(t, db.SaveProject(t.Context(), model.Project{}, &p))

	u.applyLanguage("en")
	if e := u.meetings.editor; e == nil || e.m.ID != ed.m.ID || e.title.Text != "Borgermøde om stien" {
		t.Errorf("after switching to English the meeting open is %v", e)
	}

	u.tabs.SelectIndex(tabProjects)
	u.projects.refreshList()
	u.projects.selectProject(p.ID)
	u.applyLanguage("da")
	if u.tabs.SelectedIndex() != tabProjects || !u.projects.opened() || u.projects.editor.p.ID != p.ID {
		t.Errorf("after switching back the project is not open (tab %d)", u.tabs.SelectedIndex())
	}
}
