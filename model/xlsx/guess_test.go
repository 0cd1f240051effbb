package xlsx_test

// Import never guesses silently: headers with units and synonyms are
// recognised, a column with data that is not used is named, a missing
// amount is an error, the treasurer's totals row is skipped with a note,
// formulas without a kept value are computed or refused, and files that
// are no workbook, old, password protected or crafted to unpack huge are
// refused in plain Danish.

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"lokalraad/model/xlsx"
)

func noteText(imp *xlsx.Import) string {
	var s []string
	for _, n := range imp.Notes {
		s = append(s, n.String())
	}
	return strings.Join(s, "\n")
}

func TestReadAmountHeadersWithUnitsAndSynonyms(t *testing.T) {
	for _, h := range []string{"Beløb (kr.)", "Beløb i kr.", "Udgift (kr)", "Ansøgt beløb", "Budget", "BELØB, DKK", "Anslået udgift [kr]"} {
		imp := read(t, book(t, map[string][][]any{
			"Budgetønsker": {{"Titel", h}, {"Bænke ved søen", "12.500,50"}},
		}))
		if len(imp.Wishes) != 1 || imp.Wishes[0].Estimate != 12_500_50 {
			t.Errorf("header %q: wishes %+v, problems %v; want 12.500,50 kr.", h, imp.Wishes, imp.Problems)
		}
	}
}

func TestReadNamesUnusedColumns(t *testing.T) {
	imp := read(t, book(t, map[string][][]any{
		"Budgetønsker": {
			{"Titel", "Beløb", "Kontaktperson hos kommunen", "Tom kolonne", nil},
			{"Bænke", 1000, "Jens i Teknik", nil, "løs note"},
			{"Lys", 2000, nil, nil, nil},
		},
	}))
	if len(imp.Wishes) != 2 {
		t.Fatalf("wishes %+v problems %v", imp.Wishes, imp.Problems)
	}
	notes := noteText(imp)
	if !strings.Contains(notes, "»Kontaktperson hos kommunen« (C)") || !strings.Contains(notes, "»E« (uden overskrift)") {
		t.Errorf("notes do not name the unused columns with data:\n%s", notes)
	}
	if strings.Contains(notes, "Tom kolonne") {
		t.Errorf("an empty column is named:\n%s", notes)
	}
}

func TestReadMissingAmountIsAnError(t *testing.T) {
	imp := read(t, book(t, map[string][][]any{
		"Budgetønsker": {{"Titel", "Beløb"}, {"Bænke", nil}, {"Lys", 0}},
	}))
	if len(imp.Wishes) != 1 || imp.Wishes[0].Title != "Lys" {
		t.Errorf("wishes %+v: an empty amount was taken", imp.Wishes)
	}
	if got := problemAt(imp, "Budgetønsker", 2); !strings.Contains(got, "Beløb: mangler") {
		t.Errorf("row 2: %q", got)
	}

	// No amount column at all: the sheet is not read, never 0 kr. each.
	imp = read(t, book(t, map[string][][]any{
		"Budgetønsker": {{"Titel", "Pengebehov"}, {"Bænke", 1000}},
	}))
	if len(imp.Wishes) != 0 {
		t.Errorf("wishes %+v read without an amount column", imp.Wishes)
	}
	if got := problemAt(imp, "Budgetønsker", 0); !strings.Contains(got, "ingen kolonne med beløbet") {
		t.Errorf("sheet problem %q", got)
	}
	if !strings.Contains(noteText(imp), "»Pengebehov« (B)") {
		t.Errorf("the unread column is not named:\n%s", noteText(imp))
	}
}

func TestReadTotalsRowSkippedWithNote(t *testing.T) {
	imp := read(t, book(t, map[string][][]any{
		"Budgetønsker": {
			{"Prioritet", "Titel", "Kategori", "Beløb (kr.)"},
			{1, "Bænke", "Natur", 1000},
			{2, "Lys", "Trafik", 2000},
			{nil, nil, "I alt", 3000},
		},
	}))
	if len(imp.Problems) != 0 || len(imp.Wishes) != 2 {
		t.Fatalf("wishes %d, problems %v; want the totals row skipped", len(imp.Wishes), imp.Problems)
	}
	if !strings.Contains(noteText(imp), "række 4: sumrækken (»I alt«) er sprunget over") {
		t.Errorf("no note of the skipped totals row:\n%s", noteText(imp))
	}
	// An English workbook's totals row is named as it stands there.
	imp = read(t, book(t, map[string][][]any{
		"Budget wishes": {
			{"Priority", "Title", "Category", "Amount"},
			{1, "Benches", "Nature", 1000},
			{"Total", nil, nil, 1000},
		},
	}))
	if len(imp.Wishes) != 1 || !strings.Contains(noteText(imp), "række 3: sumrækken (»Total«) er sprunget over") {
		t.Errorf("wishes %d; the English totals row's note:\n%s", len(imp.Wishes), noteText(imp))
	}
}

func TestReadDanishSlashDates(t *testing.T) {
	imp := read(t, book(t, map[string][][]any{
		"Projekter": {{"Titel", "Start", "Slut"}, {"Sti", "1/3-2027", "30/9 2027"}},
	}))
	if len(imp.Projects) != 1 || !imp.Projects[0].Start.Equal(day(2027, 3, 1)) || !imp.Projects[0].End.Equal(day(2027, 9, 30)) {
		t.Errorf("projects %+v problems %v", imp.Projects, imp.Problems)
	}
}

func TestReadFormulaWithoutCachedValue(t *testing.T) {
	f := excelize.NewFile()
	ok(t, f.SetSheetName("Sheet1", "Budgetønsker"))
	ok(t, f.SetSheetRow("Budgetønsker", "A1", &[]any{"Titel", "Antal", "Stykpris", "Beløb"}))
	ok(t, f.SetSheetRow("Budgetønsker", "A2", &[]any{"Bænke", 4, 2500}))
	ok(t, f.SetCellFormula("Budgetønsker", "D2", "B2*C2"))
	ok(t, f.SetSheetRow("Budgetønsker", "A3", &[]any{"Lys"}))
	ok(t, f.SetCellFormula("Budgetønsker", "D3", "[2]Andet!A1*2"))
	var buf bytes.Buffer
	_, err := f.WriteTo(&buf)
	ok(t, err)
	imp := read(t, buf.Bytes())
	if len(imp.Wishes) != 1 || imp.Wishes[0].Estimate != 10_000_00 {
		t.Errorf("wishes %+v; want Bænke computed as 4 × 2.500 = 10.000 kr.", imp.Wishes)
	}
	if got := problemAt(imp, "Budgetønsker", 3); !strings.Contains(got, "kunne ikke regnes ud") {
		t.Errorf("row 3 with a formula that cannot be computed: %q", got)
	}
}

// An amount whose formula refers to its own cell, or to a cell that
// refers back, is computed by the library as empty: it was stored as
// 0 kr. without a word. It is a problem of the row, as an empty amount is.
func TestReadCircularAmountIsAProblem(t *testing.T) {
	f := excelize.NewFile()
	ok(t, f.SetSheetName("Sheet1", "Budgetønsker"))
	ok(t, f.SetSheetRow("Budgetønsker", "A1", &[]any{"Titel", "Beløb"}))
	ok(t, f.SetSheetRow("Budgetønsker", "A2", &[]any{"Selv"}))
	ok(t, f.SetCellFormula("Budgetønsker", "B2", "B2"))
	ok(t, f.SetSheetRow("Budgetønsker", "A3", &[]any{"Rundt"}))
	ok(t, f.SetCellFormula("Budgetønsker", "B3", "B4"))
	ok(t, f.SetSheetRow("Budgetønsker", "A4", &[]any{"Om"}))
	ok(t, f.SetCellFormula("Budgetønsker", "B4", "B3"))
	ok(t, f.SetSheetRow("Budgetønsker", "A5", &[]any{"Rigtig"}))
	ok(t, f.SetCellFormula("Budgetønsker", "B5", "1000+234.5"))
	var buf bytes.Buffer
	_, err := f.WriteTo(&buf)
	ok(t, err)
	imp := read(t, buf.Bytes())
	if len(imp.Wishes) != 1 || imp.Wishes[0].Estimate != 1234_50 {
		t.Errorf("wishes %+v; want only Rigtig, 1.234,50 kr.", imp.Wishes)
	}
	for row := 2; row <= 4; row++ {
		if got := problemAt(imp, "Budgetønsker", row); !strings.Contains(got, "formlen giver intet beløb") {
			t.Errorf("row %d: problem %q", row, got)
		}
	}
}

// A workbook with both a Danish and an English sheet of wishes: only the
// first is read, and the second's rows were dropped without a word.
func TestReadSecondSheetOfAKindIsNamed(t *testing.T) {
	imp := read(t, book(t, map[string][][]any{
		"Budgetønsker":  {{"Titel", "Beløb"}, {"Sti", 100}},
		"Budget wishes": {{"Title", "Amount"}, {"Shelter", 200}},
	}))
	if len(imp.Wishes) != 1 {
		t.Fatalf("wishes %+v", imp.Wishes)
	}
	other := "Budget wishes"
	if imp.Wishes[0].Title == "Shelter" {
		other = "Budgetønsker"
	}
	if notes := noteText(imp); !strings.Contains(notes, other) || !strings.Contains(notes, "fanen er ikke læst") {
		t.Errorf("the sheet %s not read, and the notes do not say so:\n%s", other, notes)
	}
}

func TestReadFlagsDoubles(t *testing.T) {
	imp := read(t, book(t, map[string][][]any{
		"Medlemmer":    {{"Navn", "Rolle"}, {"Anne", "Formand"}, {"Bo", "Formand"}, {"Carl", "Kasserer"}},
		"Budgetønsker": {{"Prioritet", "Titel", "År", "Beløb"}, {1, "Bænke", 2028, 1}, {1, "Lys", 2028, 2}, {1, "Sti", 2029, 3}},
	}))
	notes := noteText(imp)
	if !strings.Contains(notes, "2 har rollen Formand: Anne, Bo") {
		t.Errorf("two chairs not flagged:\n%s", notes)
	}
	if !strings.Contains(notes, "2 ønsker i 2028 har prioritet 1: Bænke, Lys") || strings.Contains(notes, "2029") {
		t.Errorf("priorities:\n%s", notes)
	}
	if len(imp.Members) != 3 || len(imp.Wishes) != 3 {
		t.Errorf("flags must not drop rows: %d members, %d wishes", len(imp.Members), len(imp.Wishes))
	}
}

// english are words of the library's messages that must not reach the user.
var english = []string{"zip:", "unsupported", "workbook", "exceeds", "password", "valid"}

func danishRefusal(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: %v; want %v", what, err, want)
		return
	}
	for _, w := range english {
		if strings.Contains(err.Error(), w) {
			t.Errorf("%s: English in the message %q", what, err)
		}
	}
}

func TestReadRefusesInDanish(t *testing.T) {
	_, err := xlsx.Read(strings.NewReader("PK\x03\x04 not really"), "c1", 2027)
	danishRefusal(t, "broken zip", err, xlsx.ErrNotWorkbook)

	// An old .xls: a Compound File without an encrypted package.
	old := append([]byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}, make([]byte, 4096)...)
	_, err = xlsx.Read(bytes.NewReader(old), "c1", 2027)
	danishRefusal(t, "old .xls", err, xlsx.ErrOldFormat)

	// A workbook saved with a password.
	f := excelize.NewFile()
	ok(t, f.SetSheetName("Sheet1", "Budgetønsker"))
	var buf bytes.Buffer
	_, err = f.WriteTo(&buf, excelize.Options{Password: "hemmelig"})
	ok(t, err)
	_, err = xlsx.Read(&buf, "c1", 2027)
	danishRefusal(t, "password", err, xlsx.ErrPassword)
}

// withSheet is a real workbook whose first sheet's XML is replaced by xml.
func withSheet(t testing.TB, xml func(w io.Writer)) []byte {
	t.Helper()
	src := book(t, map[string][][]any{"Budgetønsker": {{"Titel", "Beløb"}, {"x", 1}}})
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	ok(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		ok(t, err)
		if f.Name == "xl/worksheets/sheet1.xml" {
			xml(w)
			continue
		}
		r, err := f.Open()
		ok(t, err)
		_, err = io.Copy(w, r)
		ok(t, err)
		r.Close()
	}
	ok(t, zw.Close())
	return out.Bytes()
}

func bombXML(w io.Writer, rows int, pad int) {
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	io.WriteString(w, `<row r="1"><c r="A1" t="inlineStr"><is><t>Titel</t></is></c><c r="B1" t="inlineStr"><is><t>Beløb</t></is></c></row>`)
	for i := 2; i <= rows; i++ {
		io.WriteString(w, `<row r="`+itoa(i)+`"><c r="A`+itoa(i)+`" t="inlineStr"><is><t>Ønske</t></is></c><c r="B`+itoa(i)+`"><v>100</v></c></row>`)
	}
	io.WriteString(w, `</sheetData>`)
	space := bytes.Repeat([]byte(" "), 1<<20)
	for i := 0; i < pad; i++ {
		w.Write(space)
	}
	io.WriteString(w, `</worksheet>`)
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestReadRefusesZipBombs(t *testing.T) {
	// Many rows: 20,000 wishes in a file of a few tens of kilobytes.
	rows := withSheet(t, func(w io.Writer) { bombXML(w, 20_000, 0) })
	if len(rows) > 200<<10 {
		t.Fatalf("the crafted file is %d bytes; the test wants a small one", len(rows))
	}
	t.Logf("20,000 rows: a file of %d bytes", len(rows))
	imp, err := xlsx.Read(bytes.NewReader(rows), "c1", 2027)
	danishRefusal(t, "20,000 rows", err, xlsx.ErrTooLarge)
	if imp != nil || err == nil || !strings.Contains(err.Error(), "mere end 5000 rækker") {
		t.Errorf("too many rows: %v", err)
	}

	// A sheet that unpacks to 64 MB from a small file.
	big := withSheet(t, func(w io.Writer) { bombXML(w, 3, 64) })
	if len(big) > 1<<20 {
		t.Fatalf("the crafted file is %d bytes; the test wants a small one", len(big))
	}
	t.Logf("64 MB unpacked: a file of %d bytes", len(big))
	_, err = xlsx.Read(bytes.NewReader(big), "c1", 2027)
	danishRefusal(t, "64 MB unpacked", err, xlsx.ErrTooLarge)

	// At the limit it is read.
	imp, err = xlsx.Read(bytes.NewReader(withSheet(t, func(w io.Writer) { bombXML(w, xlsx.MaxRows+1, 0) })), "c1", 2027)
	if err != nil || len(imp.Wishes) != xlsx.MaxRows {
		t.Errorf("%d rows: %v", xlsx.MaxRows, err)
	}
}

func TestReadStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b := withSheet(t, func(w io.Writer) { bombXML(w, 2000, 0) })
	imp, err := xlsx.ReadContext(ctx, bytes.NewReader(b), "c1", 2027)
	if !errors.Is(err, context.Canceled) || imp != nil {
		t.Errorf("cancelled read: %v, %v", imp, err)
	}
}

func ok(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// The same data gives the same bytes: the workbook's entries come in a
// fixed order and its date is the one given.
func TestWriteReproducible(t *testing.T) {
	at := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	var a, b bytes.Buffer
	ok(t, xlsx.Write(&a, sample(), xlsx.Options{Now: at}))
	for i := 0; i < 5; i++ {
		b.Reset()
		ok(t, xlsx.Write(&b, sample(), xlsx.Options{Now: at}))
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatal("two workbooks of the same data differ")
		}
	}
	zr, err := zip.NewReader(bytes.NewReader(a.Bytes()), int64(a.Len()))
	ok(t, err)
	if zr.File[0].Name != "[Content_Types].xml" {
		t.Errorf("first entry %q", zr.File[0].Name)
	}
	if got := string(readEntry(t, zr, "docProps/core.xml")); !strings.Contains(got, "2026-12-02T12:00:00Z") {
		t.Errorf("the workbook's date is not the one given:\n%s", got)
	}
	f := open(t, a.Bytes())
	if got := strings.Join(f.GetSheetList(), ","); got != "Projekter,Budgetønsker,Finansiering,Opgaver,Møder,Beslutninger,Medlemmer,Regnskab,Udviklingsplan" {
		t.Errorf("sheets %s", got)
	}
}

func readEntry(t *testing.T, zr *zip.Reader, name string) []byte {
	t.Helper()
	r, err := zr.Open(name)
	ok(t, err)
	defer r.Close()
	b, err := io.ReadAll(r)
	ok(t, err)
	return b
}

// BenchmarkReadMaxRows reads a sheet of MaxRows wishes, the most Read takes.
func BenchmarkReadMaxRows(b *testing.B) {
	file := withSheet(b, func(w io.Writer) { bombXML(w, xlsx.MaxRows+1, 0) })
	b.SetBytes(int64(len(file)))
	for b.Loop() {
		if _, err := xlsx.Read(bytes.NewReader(file), "c1", 2027); err != nil {
			b.Fatal(err)
		}
	}
}

// An English members' sheet as a treasurer types it: »Elected from« and
// »Term ends« are the term's start and end.
func TestReadEnglishTermHeaders(t *testing.T) {
	imp := read(t, book(t, map[string][][]any{
		"Members": {
			{"Name", "Role", "Elected from", "Term ends"},
			{"Karen Østergaard", "Formand", "01.03.2025", "01.03.2027"},
		},
	}))
	if len(imp.Members) != 1 {
		t.Fatalf("members %d, problems %v", len(imp.Members), imp.Problems)
	}
	m := imp.Members[0]
	if m.TermStart.Year() != 2025 || m.TermEnd.Year() != 2027 || m.TermEnd.Month() != 3 {
		t.Errorf("term %v – %v; notes:\n%s", m.TermStart, m.TermEnd, noteText(imp))
	}
}

// A sheet the import does not read is named in the notes when it holds
// anything: a treasurer who typed the year's accounts on a »Regnskab« tab
// beside the wishes was told »Klar til import: 1 budgetønsker« and nothing
// about the accounts. An empty extra tab (Excel's »Ark2«) says nothing.
func TestReadNamesSheetsItDoesNotRead(t *testing.T) {
	imp := read(t, book(t, map[string][][]any{
		"Budgetønsker": {{"Titel", "Beløb"}, {"Bænke", 1000}},
		"Regnskab":     {{"Dato", "Tekst", "Udgift"}, {"03.02.2027", "Kaffe", "245,50"}},
		"Noter":        {{"Husk at sende inden 1. marts"}},
		"Ark2":         {},
	}))
	if len(imp.Wishes) != 1 {
		t.Fatalf("wishes %+v, problems %v", imp.Wishes, imp.Problems)
	}
	notes := noteText(imp)
	if !strings.Contains(notes, "fanerne »Noter« og »Regnskab« er ikke læst") || !strings.Contains(notes, "kun budgetønsker, projekter og medlemmer") {
		t.Errorf("the notes do not name the sheets that are not read:\n%s", notes)
	}
	if strings.Contains(notes, "Ark2") || strings.Contains(notes, "»Budgetønsker« er ikke læst") {
		t.Errorf("the notes name an empty or a read sheet:\n%s", notes)
	}
	imp = read(t, book(t, map[string][][]any{
		"Budgetønsker": {{"Titel", "Beløb"}, {"Bænke", 1000}},
		"Regnskab":     {{"Dato", "Tekst", "Udgift"}, {"03.02.2027", "Kaffe", "245,50"}},
	}))
	if notes := noteText(imp); !strings.Contains(notes, "fanen »Regnskab« er ikke læst") {
		t.Errorf("one sheet not read:\n%s", notes)
	}
}
