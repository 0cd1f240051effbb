package xlsx_test

import (
	"archive/zip"
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"lokalraad/model/xlsx"
)

// keysOf collects the catalogue keys of t and of the Texts in its
// arguments.
func keysOf(t xlsx.Text, into map[string]bool) {
	if t.Err != nil {
		return
	}
	into[t.Key] = true
	var arg func(v any)
	arg = func(v any) {
		switch x := v.(type) {
		case xlsx.Text:
			keysOf(x, into)
		case xlsx.List:
			for _, it := range x.Items {
				arg(it)
			}
		}
	}
	for _, v := range t.Args {
		arg(v)
	}
}

// problemKeys checks that each problem says its Danish through its parts
// (what the screens translate) and collects their keys.
func problemKeys(t *testing.T, ps []xlsx.Problem, into map[string]bool) {
	t.Helper()
	for _, p := range ps {
		if len(p.Parts) == 0 {
			t.Errorf("%s has no parts to translate", p)
			continue
		}
		var da []string
		for _, part := range p.Parts {
			da = append(da, part.String())
			keysOf(part, into)
		}
		if got := strings.Join(da, "; "); got != p.Message {
			t.Errorf("the parts say %q, the message %q", got, p.Message)
		}
	}
}

// Every message that Read and ReadPBProposals can give is one of Keys,
// with its Danish, and every one of Keys is given by some workbook: the
// list the catalogues are checked against (in ui) is the whole list.
func TestEveryMessageHasAKey(t *testing.T) {
	got := map[string]bool{}
	collect := func(imp *xlsx.Import) {
		problemKeys(t, imp.Problems, got)
		problemKeys(t, imp.Notes, got)
	}
	collect(read(t, BadlyTypedWorkbook(t)))
	collect(read(t, book(t, map[string][][]any{
		"Budgetønsker": {{"Hvad", "Hvor"}, {"Bænke", "Søen"}},
		"Regnskab":     {{"Dato", "Beløb"}, {"1.1.2027", 100}},
		"Møder":        {{"Dato"}, {"1.2.2027"}},
	})))
	collect(read(t, book(t, map[string][][]any{"Budgetønsker": {{"Titel", "Hvorfor"}, {"Bænke", "Søen"}}})))
	collect(read(t, damagedSheet(t)))
	collect(read(t, book(t, map[string][][]any{"Budgetønsker": {{"Titel", "Beløb"}, {"Bænke", "12.5"}}})))
	collect(read(t, mergedBook(t, map[string][][]any{"Budgetønsker": {{"Titel", "Beløb"}, {"Bænke", 100}, {"Lys"}}}, "Budgetønsker", [2]string{"B2", "B3"})))
	_, problems, err := xlsx.ReadPBProposals(bytes.NewReader(book(t, map[string][][]any{
		"Forslag": {{"Nummer", "Titel", "Pris"}, {0, "Bænke", 100}, {2, "Lys", 200}, {2, "Sti", 300}, {4, "Bro"}},
	})))
	ok(t, err)
	problemKeys(t, problems, got)

	for _, k := range xlsx.Keys() {
		if !got[k] {
			t.Errorf("no workbook gave %q", k)
		}
		if da, ok := xlsx.Danish(k); !ok || da == "" {
			t.Errorf("%q has no Danish", k)
		}
	}
	for k := range got {
		if !slices.Contains(xlsx.Keys(), k) {
			t.Errorf("%q is given but not among Keys", k)
		}
	}
}

// A budget wish in English that is no amount: the Danish of the message
// is today's, and the English key names the value.
func TestProblemPartsKeepTheHeader(t *testing.T) {
	imp := read(t, book(t, map[string][][]any{"Budgetønsker": {{"Titel", "Pris"}, {"Bænke", "ca. 20.000"}}}))
	if len(imp.Problems) != 1 {
		t.Fatalf("problems %v", imp.Problems)
	}
	p := imp.Problems[0]
	if p.String() != "Budgetønsker, række 2: Pris: »ca. 20.000« er ikke et beløb; skriv fx 12.500,50" {
		t.Errorf("String %q", p.String())
	}
	if len(p.Parts) != 1 || p.Parts[0].Head != "Pris" || p.Parts[0].Key != "»{{.Value}}« is not an amount; type e.g. 12.500,50" || p.Parts[0].Args["Value"] != "ca. 20.000" {
		t.Errorf("parts %+v", p.Parts)
	}
}

// BadlyTypedWorkbook is a treasurer's workbook typed badly in every way
// Read reports.
func BadlyTypedWorkbook(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	ok(t, f.SetSheetName("Sheet1", "Budgetønsker"))
	w := "Budgetønsker"
	rows := [][]any{
		{"Prio", "Titel", "År", "Anslået udgift", "Status", "Ekstra"},
		{"første", "Bænke", 2027, "12.5OO", "Måske", "noget", "mere"},
		{1, "", 2027, ""},
		{1, "Lys", 2027, 100},
		{1, "Sti", 2027, 200},
		{nil, "Selv", 2027},
		{nil, "Fjern", 2027},
		{nil, "I alt", nil, 300},
	}
	for i, r := range rows {
		ref, err := excelize.CoordinatesToCellName(1, i+1)
		ok(t, err)
		ok(t, f.SetSheetRow(w, ref, &r))
	}
	ok(t, f.SetCellFormula(w, "D6", "D6"))
	ok(t, f.SetCellFormula(w, "D7", "[2]Andet!A1*2"))
	sheet := func(name string, rows ...[]any) {
		_, err := f.NewSheet(name)
		ok(t, err)
		for i, r := range rows {
			ref, err := excelize.CoordinatesToCellName(1, i+1)
			ok(t, err)
			ok(t, f.SetSheetRow(name, ref, &r))
		}
	}
	sheet("Budget wishes", []any{"Title", "Estimate"}, []any{"Bord", 100})
	sheet("Projekter", []any{"Titel", "Status", "Start", "Fremdrift"}, []any{"Sti", "Måske", "31.02.2026", "mange"})
	sheet("Medlemmer", []any{"Navn", "Rolle", "Kontakt"}, []any{"Anne", "Formand", "måske"},
		[]any{"Anne", "Formand", ""}, []any{"Bo", "Formand", ""})
	sheet("Regnskab", []any{"Dato", "Beløb"}, []any{"1.1.2027", 100})
	var buf bytes.Buffer
	_, err := f.WriteTo(&buf)
	ok(t, err)
	return buf.Bytes()
}

// damagedSheet is a workbook whose one sheet's XML is cut short.
func damagedSheet(t testing.TB) []byte {
	t.Helper()
	src := book(t, map[string][][]any{"Budgetønsker": {{"Titel", "Beløb"}, {"Bænke", 100}}})
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	ok(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		r, err := f.Open()
		ok(t, err)
		b, err := io.ReadAll(r)
		ok(t, err)
		if strings.HasPrefix(f.Name, "xl/worksheets/") {
			b = []byte(`<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Titel</t></is></c></row><row r="x"><c r=`)
		}
		w, err := zw.Create(f.Name)
		ok(t, err)
		_, err = w.Write(b)
		ok(t, err)
	}
	ok(t, zw.Close())
	return out.Bytes()
}
