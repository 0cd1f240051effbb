package ui

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"lokalraad/model"
	"lokalraad/model/xlsx"
)

// badWorkbook is a workbook a treasurer typed badly: an amount »12.5OO«
// and a status »Måske« in one row, a wish without a title, a date
// »31.02.2026«, a formula that cannot be computed, a totals row, a column
// the import does not use and a sheet it does not read.
func badWorkbook(t *testing.T) *xlsx.Import {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	put := func(sheet string, rows ...[]any) {
		for i, r := range rows {
			ref, err := excelize.CoordinatesToCellName(1, i+1)
			ok(t, err)
			ok(t, f.SetSheetRow(sheet, ref, &r))
		}
	}
	ok(t, f.SetSheetName("Sheet1", "Budgetønsker"))
	put("Budgetønsker",
		[]any{"Titel", "Anslået udgift", "Status", "Noter"},
		[]any{"Bænke ved søen", "12.5OO", "Måske", "spørg Anne"},
		[]any{"", 4000},
		[]any{"Lys på stien"},
		[]any{"Cykelstativ", 1500},
		[]any{"I alt", 5500})
	ok(t, f.SetCellFormula("Budgetønsker", "B4", "[2]Andet!A1*2"))
	for _, s := range []string{"Projekter", "Regnskab"} {
		_, err := f.NewSheet(s)
		ok(t, err)
	}
	put("Projekter", []any{"Titel", "Start"}, []any{"Sti til skolen", "31.02.2026"})
	put("Regnskab", []any{"Dato", "Beløb"}, []any{"1.1.2027", 100})
	var buf bytes.Buffer
	_, err := f.WriteTo(&buf)
	ok(t, err)
	imp, err := xlsx.Read(&buf, "c1", 2027)
	ok(t, err)
	return imp
}

// Issue 9: with the English UI, the import preview says every problem and
// note of a badly typed workbook in English: no Danish word of the
// messages is left (the user's own headers, »Anslået udgift«, and values
// are theirs and stay as written).
func TestImportPreviewSpeaksEnglish(t *testing.T) {
	u, _, council := withCouncil(t)
	defer SetupLanguage("da")
	ok(t, SetupLanguage("en"))
	imp := badWorkbook(t)
	u.previewImport(council, imp)
	shown := texts(u.win.Canvas().Overlays().Top())
	for _, want := range []string{
		"Budgetønsker, row 2: Anslået udgift: »12.5OO« is not an amount; type e.g. 12.500,50; Status: »Måske« is unknown; use Draft, Ready, Submitted or Answered",
		"Budgetønsker, row 3: Please fill in the title",
		"Budgetønsker, row 4: Anslået udgift: the formula =[2]Andet!A1*2 could not be computed",
		"Projekter, row 2: Start: »31.02.2026« is not a date; type e.g. 26.11.2026",
		"Note: Budgetønsker, row 6: the totals row (»I alt«) is skipped",
		"Note: Budgetønsker: the columns »Noter« (D) have contents but are not used (the header is unknown)",
		"Note: the sheet »Regnskab« is not read: an import reads only budget wishes, projects and members",
	} {
		if !strings.Contains(shown, want) {
			t.Errorf("the English preview does not say %q:\n%s", want, shown)
		}
	}
	for _, da := range []string{"ikke", "række", "fanen", "skriv", "mangler", "Udfyld", "kendes"} {
		if strings.Contains(strings.ToLower(shown), strings.ToLower(da)) {
			t.Errorf("the English preview says »%s«:\n%s", da, shown)
		}
	}
}

// In Danish the preview says what it said before, and what the CLI says:
// each problem and note is its String, word for word.
func TestImportPreviewDanishUnchanged(t *testing.T) {
	u, _, council := withCouncil(t)
	imp := badWorkbook(t)
	if len(imp.Problems) != 4 || len(imp.Notes) != 3 {
		t.Fatalf("the workbook gave %d problems and %d notes: %v %v", len(imp.Problems), len(imp.Notes), imp.Problems, imp.Notes)
	}
	u.previewImport(council, imp)
	shown := texts(u.win.Canvas().Overlays().Top())
	for _, p := range imp.Problems {
		if got := importProblem(p); got != p.String() {
			t.Errorf("in Danish the preview says\n%q, the CLI\n%q", got, p.String())
		}
		if !strings.Contains(shown, p.String()) {
			t.Errorf("the preview does not show %q:\n%s", p, shown)
		}
	}
	for _, n := range imp.Notes {
		if got := importProblem(n); got != n.String() {
			t.Errorf("in Danish the preview says\n%q, the CLI\n%q", got, n.String())
		}
		if !strings.Contains(shown, "Bemærk: "+n.String()) {
			t.Errorf("the preview does not show the note %q:\n%s", n, shown)
		}
	}
	for _, want := range []string{"»12.5OO« er ikke et beløb; skriv fx 12.500,50", "række 3: Udfyld titel", "fanen »Regnskab« er ikke læst"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the Danish preview does not say %q:\n%s", want, shown)
		}
	}
}

// Every message the workbook import can give has its key in both
// catalogues, the Danish entry word for word the Danish the CLI prints;
// and Danish lists and choices read as they did (»Udkast, Klar, Indsendt
// eller Besvaret«).
func TestImportKeysInCatalogues(t *testing.T) {
	da, en := catalogue(t, "da"), catalogue(t, "en")
	keys := xlsx.Keys()
	if len(keys) < 20 {
		t.Fatalf("only %d keys", len(keys))
	}
	for _, k := range keys {
		want, _ := xlsx.Danish(k)
		if got, ok := da[k]; !ok {
			t.Errorf("da lacks %q", k)
		} else if got != want {
			t.Errorf("da says %q for %q; the import's Danish is %q", got, k, want)
		}
		if _, ok := en[k]; !ok {
			t.Errorf("en lacks %q", k)
		}
	}
	p := xlsx.Problem{Sheet: "Medlemmer", Row: 4, Parts: []xlsx.Text{{Head: "Rolle", Key: "»{{.Value}}« is unknown; use {{.Choices}}",
		Args: map[string]any{"Value": "Boss", "Choices": xlsx.List{Join: "or", Items: []any{xlsx.Word{Da: "Formand", En: "Chair"}, xlsx.Word{Da: "Medlem", En: "Member"}, xlsx.Word{Da: "Suppleant", En: "Substitute"}}}}}}}
	if got, want := importProblem(p), "Medlemmer, række 4: Rolle: »Boss« kendes ikke; brug Formand, Medlem eller Suppleant"; got != want {
		t.Errorf("Danish %q, want %q", got, want)
	}
	defer SetupLanguage("da")
	ok(t, SetupLanguage("en"))
	if got, want := importProblem(p), "Medlemmer, row 4: Rolle: »Boss« is unknown; use Chair, Member or Substitute"; got != want {
		t.Errorf("English %q, want %q", got, want)
	}
}

func catalogue(t *testing.T, code string) map[string]string {
	t.Helper()
	_, cat, err := loadCatalog(code)
	ok(t, err)
	return cat
}

// A borgerbudget round's proposals read from a workbook: in English the
// refusal lists each row's problem in English too.
func TestProposalsImportProblemsInEnglish(t *testing.T) {
	u, db, council := withCouncil(t)
	r := pbRound(t, db, council, model.PhaseProposals)
	s := openPB(t, u, r.ID, 1)
	defer SetupLanguage("da")
	ok(t, SetupLanguage("en"))
	f := excelize.NewFile()
	defer f.Close()
	ok(t, f.SetSheetName("Sheet1", "Forslag"))
	for i, row := range [][]any{{"Nummer", "Titel", "Pris"}, {0, "Bænke", "12.5OO"}, {2, "Lys", 200}, {2, "Sti", 300}, {3, "", 100}} {
		ref, err := excelize.CoordinatesToCellName(1, i+1)
		ok(t, err)
		ok(t, f.SetSheetRow("Forslag", ref, &row))
	}
	var buf bytes.Buffer
	_, err := f.WriteTo(&buf)
	ok(t, err)
	s.proposals.readWorkbook(io.NopCloser(&buf), "forslag.xlsx")
	var shown string
	eventually(t, "the preview", func() bool {
		top := u.win.Canvas().Overlays().Top()
		if top == nil {
			return false
		}
		shown = texts(top)
		return strings.Contains(shown, "Forslag, row")
	})
	for _, want := range []string{
		"Forslag, row 2: Pris: »12.5OO« is not an amount; type e.g. 12.500,50; Nummer: »0« is not a proposal number (1 or more)",
		"Forslag, row 4: No.: number 2 is used by another proposal in the sheet",
		"Forslag, row 5: Please fill in the title",
	} {
		if !strings.Contains(shown, want) {
			t.Errorf("the English refusal does not say %q:\n%s", want, shown)
		}
	}
	for _, da := range []string{"ikke", "række", "nummer 2", "skriv", "Udfyld"} {
		if strings.Contains(shown, da) {
			t.Errorf("the English refusal says »%s«:\n%s", da, shown)
		}
	}
}

// A file that cannot be imported at all (not a workbook, the old .xls
// format, a workbook with no sheet to read) is refused before any preview:
// in English the refusal is English and says what to do, where before it
// said only that something unexpected failed; in Danish it is xlsx's own
// sentence, which may name the sheet.
func TestWorkbookRefusalsInEnglish(t *testing.T) {
	notWorkbook := []byte("Navn;Rolle\nÅse;formand\n") // a CSV saved as .xlsx
	oldXLS := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...)
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "Regnskab")
	var noSheets bytes.Buffer
	ok(t, f.Write(&noSheets))
	cases := []struct {
		name string
		file []byte
		en   string
	}{
		{"not a workbook", notWorkbook, "The file is not an Excel workbook (.xlsx)"},
		{"old format", oldXLS, "The file is in the old Excel format (.xls)"},
		{"no sheet to read", noSheets.Bytes(), "The workbook has no sheet of budget wishes, projects or members"},
	}
	defer SetupLanguage("da")
	for _, c := range cases {
		_, err := xlsx.Read(bytes.NewReader(c.file), "c1", 2027)
		if err == nil {
			t.Fatalf("%s: read without an error", c.name)
		}
		ok(t, SetupLanguage("en"))
		en := errText(err)
		ok(t, SetupLanguage("da"))
		da := errText(err)
		if !strings.HasPrefix(en, c.en) {
			t.Errorf("%s: English says %q, want %q…", c.name, en, c.en)
		}
		for _, w := range []string{"filen", "regnearket", "ikke", "prøv"} {
			if strings.Contains(strings.ToLower(en), w) {
				t.Errorf("%s: English says »%s«: %q", c.name, w, en)
			}
		}
		if da != err.Error() {
			t.Errorf("%s: Danish says %q, want xlsx's %q", c.name, da, err.Error())
		}
	}
	// Too many rows in one sheet names the sheet in Danish; in English it
	// is the workbook's size.
	wrapped := fmt.Errorf("fanen »Budgetønsker« har mere end %d rækker: %w", xlsx.MaxRows, xlsx.ErrTooLarge)
	ok(t, SetupLanguage("en"))
	if en := errText(wrapped); !strings.HasPrefix(en, "The workbook is too large to be imported") {
		t.Errorf("too many rows, in English: %q", en)
	}
	ok(t, SetupLanguage("da"))
	if da := errText(wrapped); !strings.Contains(da, "»Budgetønsker«") {
		t.Errorf("too many rows, in Danish: %q", da)
	}
}
