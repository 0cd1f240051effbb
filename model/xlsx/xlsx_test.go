package xlsx_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/model/xlsx"
)

func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, model.Copenhagen)
}

// sample is a small council whose names hold æ ø å and other Latin letters.
func sample() *model.CouncilData {
	return &model.CouncilData{
		Council: model.Council{ID: "c1", Name: "Jyderup Lokalråd", Area: "Jyderup"},
		Members: []model.Member{
			{ID: "mb2", CouncilID: "c1", Name: "Łukasz Şahin", Role: model.RoleTreasurer, Phone: "+45 12 34 56 78", Email: "lukasz@example.dk"},
			{ID: "mb1", CouncilID: "c1", Name: "Åse Ærø Østergård", Role: model.RoleChair, Contact: true,
				TermStart: day(2025, 3, 1), TermEnd: day(2027, 3, 1), Phone: "20304050", Email: "aase@example.dk"},
			{ID: "mb3", CouncilID: "c1", Name: "Győző Őri", Role: model.RoleSubstitute, TermStart: day(2026, 3, 4)},
		},
		Meetings: []model.Meeting{
			{ID: "m1", CouncilID: "c1", Kind: model.MeetingBoard, Start: time.Date(2026, 11, 26, 18, 30, 0, 0, time.UTC),
				Place: "Forsamlingshuset", Status: model.MeetingHeld},
			{ID: "m2", CouncilID: "c1", Kind: model.MeetingAGM, Title: "Generalforsamling 2027", Start: time.Date(2027, 2, 25, 18, 0, 0, 0, time.UTC),
				Status: model.MeetingPlanned},
		},
		Items: []model.AgendaItem{
			{ID: "i1", MeetingID: "m1", Position: 1, Title: "Godkendelse af dagsorden", Kind: model.ItemDecision, Minutes: 5},
			{ID: "i2", MeetingID: "m1", Position: 2, Title: "Søen", Kind: model.ItemDiscussion, Minutes: 30},
		},
		Actions: []model.ActionItem{
			{ID: "a1", MeetingID: "m1", Who: "Åse", What: "Ring til kommunen om stien", Due: day(2026, 12, 10)},
			{ID: "a2", MeetingID: "m1", Who: "Łukasz", What: "Regnskab", Done: true},
		},
		Projects: []model.Project{
			{ID: "p1", CouncilID: "c1", Title: "Shelterplads ved Skarresø", Status: model.ProjectApplied, ResponsibleID: "mb1",
				Start: day(2027, 3, 1), End: day(2027, 9, 30), Progress: 15},
			{ID: "p2", CouncilID: "c1", Title: "Æblelund på Ørnevej", Status: model.ProjectIdea},
		},
		Lines: []model.BudgetLine{
			{ID: "l1", ProjectID: "p1", Text: "Shelter", Kind: model.LineExpense, Amount: 150_000_00},
			{ID: "l2", ProjectID: "p1", Text: "Bålplads", Kind: model.LineExpense, Amount: 20_000_50},
			{ID: "l3", ProjectID: "p1", Text: "Egen kasse", Kind: model.LineOwn, Amount: 10_000_00},
			{ID: "l4", ProjectID: "p2", Text: "Træer", Kind: model.LineExpense, Amount: 8_000_00},
		},
		Applications: []model.FundingApplication{
			{ID: "f1", ProjectID: "p1", Pool: "Lokalområdernes Udviklingspulje", Deadline: day(2027, 3, 1),
				Applied: 50_000_00, Granted: 50_000_00, Status: model.ApplicationGranted, VolunteerHours: 80},
			{ID: "f2", ProjectID: "p1", Pool: "Fællesskabspuljen", Applied: 20_000_00, Status: model.ApplicationSent, VolunteerHours: 80},
		},
		Wishes: []model.BudgetWish{
			{ID: "w2", CouncilID: "c1", Year: 2027, Rank: 2, Title: "Bænke ved gadekæret", Category: "Fællesskab",
				Estimate: 12_500_50, Status: model.WishSubmitted, Answer: model.AnswerPartly, AnswerText: "Én bænk i 2027", Granted: 6_000_00},
			{ID: "w1", CouncilID: "c1", Year: 2027, Rank: 1, Title: "Cykelsti til Særløse", Category: "Veje og stier",
				Justification: "Børnene cykler på landevejen.\nDet er farligt.", Estimate: 2_400_000_00, Status: model.WishSubmitted},
			{ID: "w3", CouncilID: "c1", Year: 2028, Title: "Legeplads på Åvænget", Category: "Leg og bevægelse", Estimate: 0, Status: model.WishDraft},
		},
	}
}

func write(t testing.TB, d *model.CouncilData, o xlsx.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := xlsx.Write(&buf, d, o); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func open(t testing.TB, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func cell(t testing.TB, f *excelize.File, sheet, ref string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func numFmt(t testing.TB, f *excelize.File, sheet, ref string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt == nil {
		return fmt.Sprintf("built-in %d", st.NumFmt)
	}
	return *st.CustomNumFmt
}

func firstRow(t testing.TB, f *excelize.File, sheet string) []string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatalf("sheet %s is empty", sheet)
	}
	return rows[0]
}

func TestWriteSheetsAndHeaders(t *testing.T) {
	f := open(t, write(t, sample(), xlsx.Options{}))
	want := []string{"Projekter", "Budgetønsker", "Finansiering", "Opgaver", "Møder", "Beslutninger", "Medlemmer", "Regnskab", "Udviklingsplan"}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	headers := map[string][]string{
		"Projekter":      {"Titel", "Status", "Ansvarlig", "Start", "Slut", "Fremdrift (%)", "Udgifter", "Egenfinansiering", "Frivilligt arbejde", "Bevilget", "Mangler"},
		"Budgetønsker":   {"År", "Prioritet", "Titel", "Kategori", "Begrundelse", "Anslået udgift", "Status", "Svar", "Svartekst", "Bevilget"},
		"Finansiering":   {"Projekt", "Pulje", "Frist", "Ansøgt", "Bevilget", "Status", "Frivillige timer"},
		"Opgaver":        {"Mødedato", "Hvem", "Hvad", "Frist", "Udført"},
		"Møder":          {"Dato", "Tidspunkt", "Type", "Titel", "Sted", "Status", "Antal punkter"},
		"Beslutninger":   {"Dato", "Møde", "Punkt", "Beslutning"},
		"Medlemmer":      {"Navn", "Rolle", "Kontaktperson", "Valgt fra", "Valgt til"},
		"Regnskab":       {"År", "Dato", "Bilag", "Tekst", "Kategori", "Projekt", "Indtægt", "Udgift", "Saldo", "Løn", "Bilag vedhæftet"},
		"Udviklingsplan": {"År", "Vision", "Indsatsområde", "Mål", "Projekt", "Hvad", "Hvem", "Frist", "Status"},
	}
	for sheet, want := range headers {
		if got := firstRow(t, f, sheet); !slices.Equal(got, want) {
			t.Errorf("%s headers %q, want %q", sheet, got, want)
		}
	}
}

func TestWriteEnglish(t *testing.T) {
	f := open(t, write(t, sample(), xlsx.Options{Lang: model.English}))
	want := []string{"Projects", "Budget wishes", "Funding", "Action items", "Meetings", "Decisions", "Members", "Accounts", "Development plan"}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	if got := firstRow(t, f, "Budget wishes")[5]; got != "Estimate" {
		t.Errorf("estimate header %q", got)
	}
	if got := cell(t, f, "Budget wishes", "G2"); got != "Submitted" {
		t.Errorf("status label %q", got)
	}
	if got := cell(t, f, "Budget wishes", "C6"); got != "Total" {
		t.Errorf("totals label %q", got)
	}
}

func TestWriteCells(t *testing.T) {
	f := open(t, write(t, sample(), xlsx.Options{}))

	// Budget wishes: by year, then priority.
	const w = "Budgetønsker"
	for ref, want := range map[string]string{
		"A2": "2027", "B2": "1", "C2": "Cykelsti til Særløse", "F2": "2400000", "G2": "Indsendt", "H2": "Intet svar endnu",
		"C3": "Bænke ved gadekæret", "F3": "12500.5", "H3": "Delvist bevilget", "I3": "Én bænk i 2027", "J3": "6000",
		"A4": "2028", "B4": "", "C4": "Legeplads på Åvænget",
	} {
		if got := cell(t, f, w, ref); got != want {
			t.Errorf("%s!%s = %q, want %q", w, ref, got, want)
		}
	}
	if got := numFmt(t, f, w, "F2"); got != xlsx.KronerFormat {
		t.Errorf("estimate format %q", got)
	}
	if got := numFmt(t, f, w, "J3"); got != xlsx.KronerFormat {
		t.Errorf("granted format %q", got)
	}
	// Totals: one empty row below the data, then SUMs over the data rows,
	// with the sum stored too.
	if got := cell(t, f, w, "C6"); got != "I alt" {
		t.Errorf("totals label at C6 = %q", got)
	}
	for col, sum := range map[string]string{"F": "2412500.5", "J": "6000"} {
		ref := col + "6"
		if got := noerr.Get(f.GetCellFormula(w, ref))(t); got != "SUM("+col+"2:"+col+"4)" {
			t.Errorf("%s!%s formula %q", w, ref, got)
		}
		if got := cell(t, f, w, ref); got != sum {
			t.Errorf("%s!%s cached %q, want %s", w, ref, got, sum)
		}
		if got := numFmt(t, f, w, ref); got != xlsx.KronerFormat {
			t.Errorf("%s!%s format %q", w, ref, got)
		}
	}

	// Projects: dates, money and the missing amount as a formula.
	const p = "Projekter"
	for ref, want := range map[string]string{
		"A2": "Shelterplads ved Skarresø", "B2": "Søgt om midler", "C2": "Åse Ærø Østergård",
		"D2": "46447", "E2": "46660", "F2": "15",
		"G2": "170000.5", "H2": "10000", "I2": "8000", "J2": "50000", "K2": "102000.5",
		"A3": "Æblelund på Ørnevej", "B3": "Idé", "D3": "", "K3": "8000",
	} {
		if got := cell(t, f, p, ref); got != want {
			t.Errorf("%s!%s = %q, want %q", p, ref, got, want)
		}
	}
	if got := noerr.Get(f.GetCellFormula(p, "K2"))(t); got != "MAX(0,G2-H2-I2-J2)" {
		t.Errorf("missing formula %q", got)
	}
	if got := numFmt(t, f, p, "D2"); got != xlsx.DateFormat {
		t.Errorf("date format %q", got)
	}
	if got := noerr.Get(f.GetCellValue(p, "D2"))(t); got != "01.03.2027" {
		t.Errorf("date shown as %q, want 01.03.2027", got)
	}
	if got := numFmt(t, f, p, "G2"); got != xlsx.KronerFormat {
		t.Errorf("expenses format %q", got)
	}
	for _, col := range []string{"G", "H", "I", "J", "K"} {
		if got := noerr.Get(f.GetCellFormula(p, col+"5"))(t); got != "SUM("+col+"2:"+col+"3)" {
			t.Errorf("%s!%s5 formula %q", p, col, got)
		}
	}

	// Funding.
	const fi = "Finansiering"
	if got := cell(t, f, fi, "A2") + "|" + cell(t, f, fi, "D2") + "|" + cell(t, f, fi, "F2") + "|" + cell(t, f, fi, "G2"); got != "Shelterplads ved Skarresø|50000|Bevilget|80" {
		t.Errorf("funding row %q", got)
	}
	for _, col := range []string{"D", "E"} {
		if got := noerr.Get(f.GetCellFormula(fi, col+"5"))(t); got != "SUM("+col+"2:"+col+"3)" {
			t.Errorf("%s!%s5 formula %q", fi, col, got)
		}
	}

	// Meetings: Danish local date and time.
	const m = "Møder"
	if got := noerr.Get(f.GetCellValue(m, "A2"))(t); got != "26.11.2026" {
		t.Errorf("meeting date shown as %q", got)
	}
	if got := numFmt(t, f, m, "B2"); got != xlsx.TimeFormat {
		t.Errorf("time format %q", got)
	}
	if got := noerr.Get(f.GetCellValue(m, "B2"))(t); got != "19:30" {
		t.Errorf("meeting time shown as %q, want 19:30 (Danish time)", got)
	}
	if got := cell(t, f, m, "D2") + "|" + cell(t, f, m, "G2"); got != "Bestyrelsesmøde 26.11.2026|2" {
		t.Errorf("meeting row %q", got)
	}

	// Action items.
	if got := cell(t, f, "Opgaver", "C2") + "|" + cell(t, f, "Opgaver", "E2"); got != "Ring til kommunen om stien|Nej" {
		t.Errorf("action row %q", got)
	}

	// Members in board order, with no contact details by default.
	const mb = "Medlemmer"
	if got := cell(t, f, mb, "A2") + "|" + cell(t, f, mb, "B2") + "|" + cell(t, f, mb, "C2"); got != "Åse Ærø Østergård|Formand|Ja" {
		t.Errorf("member row %q", got)
	}
	if got := cell(t, f, mb, "A4"); got != "Győző Őri" {
		t.Errorf("member A4 %q", got)
	}
	rows := noerr.Get(f.GetRows(mb))(t)
	for _, r := range rows {
		for _, c := range r {
			if strings.Contains(c, "@") || strings.Contains(c, "2030") {
				t.Errorf("contact details exported without being asked for: %q", c)
			}
		}
	}
}

func TestWriteContactDetails(t *testing.T) {
	f := open(t, write(t, sample(), xlsx.Options{ContactDetails: true}))
	if got := firstRow(t, f, "Medlemmer"); !slices.Equal(got[5:], []string{"Telefon", "E-mail"}) {
		t.Errorf("headers %q", got)
	}
	if got := cell(t, f, "Medlemmer", "F2") + "|" + cell(t, f, "Medlemmer", "G2"); got != "20304050|aase@example.dk" {
		t.Errorf("contact %q", got)
	}
}

func TestWriteLayout(t *testing.T) {
	b := write(t, sample(), xlsx.Options{})
	f := open(t, b)
	for i, sheet := range f.GetSheetList() {
		p, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Freeze || p.YSplit != 1 || p.TopLeftCell != "A2" {
			t.Errorf("%s: panes %+v, want the header row frozen", sheet, p)
		}
		found := false
		for _, dn := range f.GetDefinedName() {
			if dn.Name == "_xlnm._FilterDatabase" && dn.Scope == sheet {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no autofilter defined name", sheet)
		}
		_ = i
	}
	// The autofilter element itself, over header and data.
	xml := sheetXML(t, b, "xl/worksheets/sheet2.xml")
	if !strings.Contains(strings.ReplaceAll(xml, "$", ""), `<autoFilter ref="A1:J4"`) {
		t.Errorf("Budgetønsker has no autofilter over A1:J4:\n%.600s", xml)
	}
	// Widths: the title column grows with the titles, within bounds.
	if w := noerr.Get(f.GetColWidth("Budgetønsker", "C"))(t); w < 20 || w > 60 {
		t.Errorf("title column width %v", w)
	}
	if w := noerr.Get(f.GetColWidth("Budgetønsker", "F"))(t); w < 14 {
		t.Errorf("money column width %v", w)
	}
	// Excel and LibreOffice are told to recalculate on opening.
	cp, err := f.GetCalcProps()
	if err != nil || cp.FullCalcOnLoad == nil || !*cp.FullCalcOnLoad {
		t.Errorf("calc props %+v %v", cp, err)
	}
}

func sheetXML(t testing.TB, b []byte, name string) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	r, err := z.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	x := noerr.Get(io.ReadAll(r))(t)
	return string(x)
}

func TestWriteEmpty(t *testing.T) {
	f := open(t, write(t, &model.CouncilData{}, xlsx.Options{}))
	if got := noerr.Get(f.GetCellFormula("Budgetønsker", "F4"))(t); got != "SUM(F2:F2)" {
		t.Errorf("empty totals formula %q", got)
	}
	if err := xlsx.Write(io.Discard, nil, xlsx.Options{}); err == nil {
		t.Error("nil data gave no error")
	}
}

func TestRoundTrip(t *testing.T) {
	for _, o := range []xlsx.Options{{}, {Lang: model.English}, {ContactDetails: true}} {
		t.Run(fmt.Sprintf("%s/contact=%v", o.Lang, o.ContactDetails), func(t *testing.T) {
			d := sample()
			imp, err := xlsx.Read(bytes.NewReader(write(t, d, o)), "c1", 2099)
			if err != nil {
				t.Fatal(err)
			}
			if len(imp.Problems) > 0 {
				t.Errorf("problems: %v", imp.Problems)
			}

			if len(imp.Wishes) != len(d.Wishes) {
				t.Fatalf("%d wishes, want %d", len(imp.Wishes), len(d.Wishes))
			}
			for _, want := range d.Wishes {
				i := slices.IndexFunc(imp.Wishes, func(w model.BudgetWish) bool { return w.Title == want.Title })
				if i < 0 {
					t.Errorf("wish %q lost", want.Title)
					continue
				}
				want.ID = ""
				if got := imp.Wishes[i]; got != want {
					t.Errorf("wish\n got %+v\nwant %+v", got, want)
				}
			}

			if len(imp.Projects) != len(d.Projects) {
				t.Fatalf("%d projects, want %d", len(imp.Projects), len(d.Projects))
			}
			for i, want := range d.Projects {
				got := imp.Projects[i]
				if got.Title != want.Title || got.Status != want.Status || !got.Start.Equal(want.Start) ||
					!got.End.Equal(want.End) || got.Progress != want.Progress || got.CouncilID != "c1" {
					t.Errorf("project\n got %+v\nwant %+v", got, want)
				}
			}

			if len(imp.Members) != len(d.Members) {
				t.Fatalf("%d members, want %d", len(imp.Members), len(d.Members))
			}
			for _, want := range d.Members {
				i := slices.IndexFunc(imp.Members, func(m model.Member) bool { return m.Name == want.Name })
				if i < 0 {
					t.Errorf("member %q lost", want.Name)
					continue
				}
				got := imp.Members[i]
				want.ID = ""
				if !o.ContactDetails {
					want.Phone, want.Email = "", ""
				}
				if !got.TermStart.Equal(want.TermStart) || !got.TermEnd.Equal(want.TermEnd) {
					t.Errorf("member %q term %v–%v, want %v–%v", want.Name, got.TermStart, got.TermEnd, want.TermStart, want.TermEnd)
				}
				got.TermStart, got.TermEnd, want.TermStart, want.TermEnd = time.Time{}, time.Time{}, time.Time{}, time.Time{}
				if got != want {
					t.Errorf("member\n got %+v\nwant %+v", got, want)
				}
			}
		})
	}
}

// book builds a workbook by hand: sheet name → rows of cell values.
func book(t testing.TB, sheets map[string][][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	first := true
	names := make([]string, 0, len(sheets))
	for n := range sheets {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		if first {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
			first = false
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for i, row := range sheets[name] {
			ref := noerr.Get(excelize.CoordinatesToCellName(1, i+1))(t)
			if err := f.SetSheetRow(name, ref, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func read(t testing.TB, b []byte) *xlsx.Import {
	t.Helper()
	imp, err := xlsx.Read(bytes.NewReader(b), "c9", 2027)
	if err != nil {
		t.Fatal(err)
	}
	return imp
}

func problemAt(imp *xlsx.Import, sheet string, row int) string {
	var msgs []string
	for _, p := range imp.Problems {
		if p.Sheet == sheet && p.Row == row {
			msgs = append(msgs, p.Message)
		}
	}
	return strings.Join(msgs, " | ")
}

func TestReadTolerant(t *testing.T) {
	b := book(t, map[string][][]any{
		// Another spelling of the sheet, columns in another order and named
		// by synonyms, an unknown column, numbers as numbers and as text.
		"budget-oensker": {
			{"Prio", "Navn på ønske", "Noter", "Pris", "Budgetår", "Status"},
			{1, "Stier i Ørslev", "x", 12500.5, 2028, "indsendt"},
			{"2.", "Bænk", nil, "12.500,50", nil, "Klar"},
			{},
			{nil, nil, nil, nil, nil, nil},
			{3, "Skilte", nil, "12.500 kr.", "2029", ""},
			{4, "Lys", nil, "800", nil, "submitted"},
			{5, "Tolv", nil, "tolv kroner", nil, nil},
			{6, "", nil, 100, nil, nil},
			{7, "Hegn", nil, -5, nil, nil},
			{"første", "Sten", nil, 10, nil, "Måske"},
			{nil, "I alt", nil, 1000, nil, nil},
		},
		"MEDLEMMER": {
			{"Mail", "Fulde navn", "Role", "Kontakt", "Fra", "Til", "Tlf."},
			{"ola@example.dk", "Ola Nørgaard", "Næstformand", "x", "01.03.2026", "2027-03-01", "11223344"},
			{"", "Şükrü Łoś", "treasurer", "nej", 46082, nil, nil},
			{"ikke en adresse", "Per", "Medlem", nil, nil, nil, nil},
			{"", "Kim", "Kaffeansvarlig", "måske", "31.02.2026", nil, nil},
			{"", "Bo", "", "", "01.03.2027", "01.03.2026", nil},
		},
		"Projects": {
			{"Note: projects of 2027"},
			{},
			{"Project", "Phase", "Start date", "End date", "Progress"},
			{"Æblelund", "Running", "26.11.2026", 46660, "45 %"},
			{"Shelter", "Under planlægning", nil, nil, 0.3},
			{"Bro", "igang", nil, nil, 140},
		},
		"Andet": {{"Titel"}, {"ikke læst"}},
	})
	imp := read(t, b)

	gotWishes := map[string]string{}
	for _, w := range imp.Wishes {
		gotWishes[w.Title] = fmt.Sprintf("%d/%d/%d/%s", w.Year, w.Rank, w.Estimate, w.Status)
		if w.CouncilID != "c9" {
			t.Errorf("wish council %q", w.CouncilID)
		}
	}
	wantWishes := map[string]string{
		"Stier i Ørslev": "2028/1/1250050/indsendt",
		"Bænk":           "2027/2/1250050/klar",
		"Skilte":         "2029/3/1250000/udkast",
		"Lys":            "2027/4/80000/indsendt",
	}
	if fmt.Sprint(gotWishes) != fmt.Sprint(wantWishes) {
		t.Errorf("wishes\n got %v\nwant %v", gotWishes, wantWishes)
	}
	const ws = "budget-oensker"
	for row, want := range map[int]string{
		8:  "Pris: »tolv kroner« er ikke et beløb; skriv fx 12.500,50",
		9:  "Udfyld titel",
		10: "Beløbet kan ikke være negativt",
		11: "Prio: »første« er ikke et helt tal; Status: »Måske« kendes ikke; brug Udkast, Klar, Indsendt eller Besvaret",
	} {
		if got := problemAt(imp, ws, row); got != want {
			t.Errorf("%s row %d: %q, want %q", ws, row, got, want)
		}
	}

	if len(imp.Members) != 2 {
		t.Errorf("members %+v", imp.Members)
	}
	for _, m := range imp.Members {
		switch m.Name {
		case "Ola Nørgaard":
			if m.Role != model.RoleViceChair || !m.Contact || !m.TermStart.Equal(day(2026, 3, 1)) || !m.TermEnd.Equal(day(2027, 3, 1)) ||
				m.Email != "ola@example.dk" || m.Phone != "11223344" {
				t.Errorf("member %+v", m)
			}
		case "Şükrü Łoś":
			if m.Role != model.RoleTreasurer || m.Contact || !m.TermStart.Equal(day(2026, 3, 1)) {
				t.Errorf("member %+v", m)
			}
		default:
			t.Errorf("member %+v accepted", m)
		}
	}
	const ms = "MEDLEMMER"
	if got := problemAt(imp, ms, 4); got != "E-mailadressen er ikke gyldig" {
		t.Errorf("bad e-mail: %q", got)
	}
	if got := problemAt(imp, ms, 5); !strings.Contains(got, "Role: »Kaffeansvarlig« kendes ikke; brug Formand, Næstformand") ||
		!strings.Contains(got, "Kontakt: »måske« er hverken ja eller nej") || !strings.Contains(got, "Fra: »31.02.2026« er ikke en dato") {
		t.Errorf("row 5: %q", got)
	}
	if got := problemAt(imp, ms, 6); got != "Slutdatoen ligger før startdatoen" {
		t.Errorf("row 6: %q", got)
	}

	if len(imp.Projects) != 2 {
		t.Fatalf("projects %+v", imp.Projects)
	}
	if p := imp.Projects[0]; p.Title != "Æblelund" || p.Status != model.ProjectRunning || !p.Start.Equal(day(2026, 11, 26)) ||
		!p.End.Equal(day(2026, 9, 30).AddDate(1, 0, 0)) || p.Progress != 45 {
		t.Errorf("project %+v", p)
	}
	if p := imp.Projects[1]; p.Title != "Shelter" || p.Status != model.ProjectPlanning || p.Progress != 30 {
		t.Errorf("project %+v", p)
	}
	if got := problemAt(imp, "Projects", 6); got != "Fremdrift er en procent fra 0 til 100" {
		t.Errorf("project row 6: %q", got)
	}
	for _, p := range imp.Problems {
		if p.Sheet == "Andet" {
			t.Errorf("unknown sheet read: %v", p)
		}
	}
	if n := len(imp.Problems); n != 8 {
		t.Errorf("%d problems: %v", n, imp.Problems)
	}
}

func TestReadWrongColumns(t *testing.T) {
	imp := read(t, book(t, map[string][][]any{
		"Budgetønsker": {{"Foo", "Bar"}, {"a", 1}},
		"Medlemmer":    {{"Navn", "Rolle"}, {"Anne", "Formand"}},
	}))
	if len(imp.Wishes) != 0 || len(imp.Members) != 1 {
		t.Errorf("wishes %v members %v", imp.Wishes, imp.Members)
	}
	if len(imp.Problems) != 1 || imp.Problems[0].Sheet != "Budgetønsker" || imp.Problems[0].Row != 0 ||
		!strings.Contains(imp.Problems[0].Message, "ingen kolonne med overskriften »Titel«") {
		t.Errorf("problems %v", imp.Problems)
	}
	if got := imp.Problems[0].String(); !strings.HasPrefix(got, "Budgetønsker: fanen har ingen kolonne") {
		t.Errorf("String() = %q", got)
	}
}

func TestReadNotAWorkbook(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = byte(rnd.Uint32())
	}
	for name, b := range map[string][]byte{
		"random": junk, "empty": nil, "text": []byte("Titel;Beløb\nBænk;12.500\n"),
		"zip without workbook": zipOf(t, "hello.txt", "hej"),
	} {
		imp, err := xlsx.Read(bytes.NewReader(b), "c1", 2027)
		if !errors.Is(err, xlsx.ErrNotWorkbook) || imp != nil {
			t.Errorf("%s: %v, %v; want ErrNotWorkbook", name, imp, err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "filen er ikke et Excel-regneark") {
			t.Errorf("%s: message %q", name, err)
		}
	}
	_, err := xlsx.Read(bytes.NewReader(book(t, map[string][][]any{"Ark1": {{"Titel"}, {"x"}}})), "c1", 2027)
	if !errors.Is(err, xlsx.ErrNoSheets) {
		t.Errorf("workbook without our sheets: %v", err)
	}
}

func zipOf(t testing.TB, name, content string) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w := noerr.Get(z.Create(name))(t)
	io.WriteString(w, content)
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestTemplate(t *testing.T) {
	var buf bytes.Buffer
	if err := xlsx.Template(&buf); err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Budgetønsker", "Projekter", "Medlemmer"}) {
		t.Fatalf("sheets %q", got)
	}
	for sheet, want := range map[string][]string{
		"Budgetønsker": {"År", "Prioritet", "Titel", "Kategori", "Begrundelse", "Anslået udgift", "Status"},
		"Projekter":    {"Titel", "Status", "Start", "Slut", "Fremdrift (%)", "Beskrivelse", "Arbejdsgruppe"},
		"Medlemmer":    {"Navn", "Rolle", "Kontaktperson", "Valgt fra", "Valgt til", "Telefon", "E-mail"},
	} {
		if got := firstRow(t, f, sheet); !slices.Equal(got, want) {
			t.Errorf("%s headers %q", sheet, got)
		}
		if p := noerr.Get(f.GetPanes(sheet))(t); !p.Freeze {
			t.Errorf("%s: header not frozen", sheet)
		}
	}
	if got := numFmt(t, f, "Budgetønsker", "F2"); got != xlsx.KronerFormat {
		t.Errorf("template estimate format %q", got)
	}
	if got := numFmt(t, f, "Budgetønsker", "F50"); got != xlsx.KronerFormat {
		t.Errorf("template estimate column format %q", got)
	}
	if got := numFmt(t, f, "Medlemmer", "D2"); got != xlsx.DateFormat {
		t.Errorf("template date format %q", got)
	}
	dv := noerr.Get(f.GetDataValidations("Medlemmer"))(t)
	if len(dv) == 0 || !strings.Contains(dv[0].Formula1, "Formand") {
		t.Errorf("no role drop-down: %+v", dv)
	}

	// The template as downloaded imports nothing, and is no error: the
	// example rows are skipped.
	imp := read(t, buf.Bytes())
	if len(imp.Wishes)+len(imp.Projects)+len(imp.Members)+len(imp.Problems) != 0 {
		t.Errorf("template read as %+v", imp)
	}

	// Filled in below the example, it imports what was typed.
	f.SetSheetRow("Budgetønsker", "A3", &[]any{nil, 1, "Ny sti", "Veje og stier", "", 99000, "Klar"})
	f.SetSheetRow("Medlemmer", "A3", &[]any{"Anne Åberg", "Kasserer", "Ja", 46082.0})
	f.SetSheetRow("Projekter", "A3", &[]any{"Bålhytte", "I gang", "01.04.2027", nil, 50})
	var filled bytes.Buffer
	if _, err := f.WriteTo(&filled); err != nil {
		t.Fatal(err)
	}
	imp = read(t, filled.Bytes())
	if len(imp.Wishes) != 1 || imp.Wishes[0].Estimate != 99000_00 || imp.Wishes[0].Year != 2027 || imp.Wishes[0].Status != model.WishReady {
		t.Errorf("wishes %+v", imp.Wishes)
	}
	if len(imp.Members) != 1 || imp.Members[0].Role != model.RoleTreasurer || !imp.Members[0].Contact {
		t.Errorf("members %+v", imp.Members)
	}
	if len(imp.Projects) != 1 || imp.Projects[0].Status != model.ProjectRunning || imp.Projects[0].Progress != 50 {
		t.Errorf("projects %+v", imp.Projects)
	}
	if len(imp.Problems) != 0 {
		t.Errorf("problems %v", imp.Problems)
	}
}

// large is ten years of one council.
func large() *model.CouncilData {
	d := &model.CouncilData{Council: model.Council{ID: "c", Name: "Store Lokalråd"}}
	id := func(p string, i int) string { return p + strconv.Itoa(i) }
	for i := range 30 {
		d.Members = append(d.Members, model.Member{ID: id("mb", i), Name: "Medlem Ærø Nr. " + strconv.Itoa(i),
			Role: model.Roles[i%len(model.Roles)], TermStart: day(2016+i%10, 3, 1), Phone: "12345678", Email: "a@example.dk"})
	}
	start := time.Date(2016, 1, 14, 18, 0, 0, 0, time.UTC)
	for i := range 120 {
		m := model.Meeting{ID: id("m", i), Kind: model.MeetingKinds[i%4], Start: start.AddDate(0, i, 0),
			Place: "Forsamlingshuset", Status: model.MeetingApproved}
		d.Meetings = append(d.Meetings, m)
		for j := range 20 {
			d.Items = append(d.Items, model.AgendaItem{ID: id(m.ID+"i", j), MeetingID: m.ID, Position: j + 1,
				Title: "Punkt om stier og søer " + strconv.Itoa(j), Kind: model.ItemDiscussion, Minutes: 10})
		}
		for j := range 10 {
			d.Actions = append(d.Actions, model.ActionItem{ID: id(m.ID+"a", j), MeetingID: m.ID, Who: "Åse",
				What: "Følg op på punkt " + strconv.Itoa(j), Due: m.Start.AddDate(0, 0, 14), Done: j%2 == 0})
		}
	}
	for i := range 200 {
		p := model.Project{ID: id("p", i), Title: "Projekt " + strconv.Itoa(i), Status: model.ProjectStatuses[i%6],
			ResponsibleID: id("mb", i%30), Start: day(2016+i%10, 4, 1), End: day(2017+i%10, 4, 1), Progress: i % 101}
		d.Projects = append(d.Projects, p)
		for j := range 3 {
			d.Lines = append(d.Lines, model.BudgetLine{ID: id(p.ID+"l", j), ProjectID: p.ID, Text: "Linje",
				Kind: []model.LineKind{model.LineExpense, model.LineExpense, model.LineOwn}[j], Amount: int64(10000_00 * (j + 1))})
		}
		for j := range 3 {
			d.Applications = append(d.Applications, model.FundingApplication{ID: id(p.ID+"f", j), ProjectID: p.ID,
				Pool: "Udviklingspuljen", Deadline: day(2016+i%10, 3, 1), Applied: 25000_00, Granted: 12500_50,
				Status: model.ApplicationStatuses[j], VolunteerHours: 40})
		}
	}
	for i := range 300 {
		d.Wishes = append(d.Wishes, model.BudgetWish{ID: id("w", i), Year: 2016 + i/30, Rank: i%30 + 1,
			Title: "Ønske " + strconv.Itoa(i), Category: "Natur", Justification: strings.Repeat("Fordi det er godt. ", 10),
			Estimate: int64(i) * 1000_50, Status: model.WishAnswered, Answer: model.AnswerGranted, Granted: int64(i) * 500_00})
	}
	return d
}

func TestLargeRoundTrip(t *testing.T) {
	d := large()
	imp := read(t, write(t, d, xlsx.Options{ContactDetails: true}))
	if len(imp.Problems) != 0 || len(imp.Wishes) != 300 || len(imp.Projects) != 200 || len(imp.Members) != 30 {
		t.Errorf("read back %d wishes, %d projects, %d members, problems %v", len(imp.Wishes), len(imp.Projects), len(imp.Members), imp.Problems)
	}
}

func BenchmarkWriteLargeCouncil(b *testing.B) {
	d := large()
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := xlsx.Write(&buf, d, xlsx.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/file")
}

func FuzzRead(f *testing.F) {
	f.Add(write(f, sample(), xlsx.Options{}))
	var tpl bytes.Buffer
	if err := xlsx.Template(&tpl); err != nil {
		f.Fatal(err)
	}
	f.Add(tpl.Bytes())
	f.Add(book(f, map[string][][]any{"Budgetønsker": {{"Titel", "Beløb", "År"}, {"x", "1.2.3,4", "20e3"}, {"y", 1e300, -1}}}))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		imp, err := xlsx.Read(bytes.NewReader(b), "c", 2027)
		if err != nil {
			return
		}
		// Whatever was accepted is valid.
		for _, w := range imp.Wishes {
			if err := w.Validate(); err != nil {
				t.Errorf("invalid wish accepted: %v", err)
			}
		}
		for _, p := range imp.Projects {
			if err := p.Validate(); err != nil {
				t.Errorf("invalid project accepted: %v", err)
			}
		}
		for _, m := range imp.Members {
			if err := m.Validate(); err != nil {
				t.Errorf("invalid member accepted: %v", err)
			}
		}
	})
}

// testdata/libreoffice.xlsx is a workbook from Write, opened and saved
// again by LibreOffice Calc 7.4 (shared strings, its own styles and
// number formats): what a council's file looks like after editing.
func TestReadLibreOfficeFile(t *testing.T) {
	b, err := os.ReadFile("testdata/libreoffice.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	imp := read(t, b)
	if len(imp.Problems) != 0 {
		t.Errorf("problems %v", imp.Problems)
	}
	var got []string
	for _, w := range imp.Wishes {
		got = append(got, fmt.Sprintf("wish %d %d %s %d %d %s", w.Year, w.Rank, w.Title, w.Estimate, w.Granted, w.Status))
	}
	for _, p := range imp.Projects {
		got = append(got, fmt.Sprintf("project %s %s %s %d", p.Title, p.Status, model.ShortDate(p.Start), p.Progress))
	}
	for _, m := range imp.Members {
		got = append(got, fmt.Sprintf("member %s %s %v %s", m.Name, m.Role, m.Contact, model.ShortDate(m.TermStart)))
	}
	want := []string{
		"wish 2027 1 Sti 1250050 100000 indsendt",
		"wish 2027 2 Bænk 200025 0 udkast",
		"project Shelter ved søen igang 26.11.2026 40",
		"project Æbler ide  0",
		"member Łukasz Şahin Ő formand true 01.03.2026",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func BenchmarkReadLargeCouncil(b *testing.B) {
	file := write(b, large(), xlsx.Options{})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := xlsx.Read(bytes.NewReader(file), "c", 2027); err != nil {
			b.Fatal(err)
		}
	}
}

func TestReadAmountsAndDates(t *testing.T) {
	amounts := []struct {
		cell any
		øre  int64 // -1: a problem
	}{
		{1.234, 123},       // a number with three decimals
		{"1.234", 1234_00}, // Danish text: thousands
		{"12.500,50", 12500_50},
		{"12.500 kr.", 12500_00},
		{"12.500,-", 12500_00},
		{"kr. 800", 800_00},
		{"DKK 800", 800_00},
		{"1 500", 1500_00},
		{"12.50", 12_50},        // a decimal point, English style
		{"12,500.50", 12500_50}, // English style
		{"12500.5", 12500_50},
		{int64(3), 3_00},
		{"tolv kroner", -1},
		{"1,2,3", -1},
		{"NaN", -1},
		{1e300, -1},
		// As a treasurer types them.
		{"1.234,50 kr.", 1234_50},
		{"kr 1 234", 1234_00},
		{"1234.5", 1234_50},
		{"1.250.000", 1250000_00},
		// Dots that group no thousands are a typo or a date, never an
		// amount a hundred times too big.
		{"1.234.50", -1},
		{"3.12.2026", -1},
		{"1.2345", -1},
		{"1..234", -1},
		{"1.23.456", -1},
	}
	rows := [][]any{{"Titel", "Beløb", "Dato"}}
	for i, a := range amounts {
		rows = append(rows, []any{"w" + strconv.Itoa(i), a.cell})
	}
	dates := []struct {
		cell any
		want time.Time // zero: a problem
	}{
		{46082, day(2026, 3, 1)},
		{46082.75, day(2026, 3, 1)},
		{"26.11.2026", day(2026, 11, 26)},
		{"26-11-2026", day(2026, 11, 26)},
		{"2026-11-26", day(2026, 11, 26)},
		{"3/12-2026", day(2026, 12, 3)},
		{"26.11", time.Time{}},
		{"i morgen", time.Time{}},
		{-3, time.Time{}},
	}
	for i, d := range dates {
		rows = append(rows, []any{"m" + strconv.Itoa(i), nil, d.cell})
	}
	b := book(t, map[string][][]any{"Budgetønsker": rows[:len(amounts)+1], "Medlemmer": append([][]any{{"Navn", "", "Valgt fra"}}, rows[len(amounts)+1:]...)})
	imp := read(t, b)
	for i, a := range amounts {
		row := i + 2
		j := slices.IndexFunc(imp.Wishes, func(w model.BudgetWish) bool { return w.Title == "w"+strconv.Itoa(i) })
		switch {
		case a.øre < 0 && j >= 0:
			t.Errorf("%v read as %d øre, want a problem", a.cell, imp.Wishes[j].Estimate)
		case a.øre < 0 && !strings.Contains(problemAt(imp, "Budgetønsker", row), "er ikke et beløb"):
			t.Errorf("%v: problem %q", a.cell, problemAt(imp, "Budgetønsker", row))
		case a.øre >= 0 && j < 0:
			t.Errorf("%v not read: %s", a.cell, problemAt(imp, "Budgetønsker", row))
		case a.øre >= 0 && imp.Wishes[j].Estimate != a.øre:
			t.Errorf("%#v read as %d øre, want %d", a.cell, imp.Wishes[j].Estimate, a.øre)
		}
	}
	for i, d := range dates {
		row := i + 2
		j := slices.IndexFunc(imp.Members, func(m model.Member) bool { return m.Name == "m"+strconv.Itoa(i) })
		switch {
		case d.want.IsZero() && j >= 0:
			t.Errorf("%v read as %v, want a problem", d.cell, imp.Members[j].TermStart)
		case d.want.IsZero() && !strings.Contains(problemAt(imp, "Medlemmer", row), "er ikke en dato"):
			t.Errorf("%v: problem %q", d.cell, problemAt(imp, "Medlemmer", row))
		case !d.want.IsZero() && j < 0:
			t.Errorf("%v not read: %s", d.cell, problemAt(imp, "Medlemmer", row))
		case !d.want.IsZero() && !imp.Members[j].TermStart.Equal(d.want):
			t.Errorf("%v read as %v, want %v", d.cell, imp.Members[j].TermStart, d.want)
		}
	}
}

// A treasurer names the tab after the budget year: »Budgetønsker 2027«,
// »Projekter 2026-27«, »Bestyrelsen 2027«. Those are the same kinds of
// sheet; refusing the whole file ("regnearket har ingen fane med
// budgetønsker …") sends the treasurer off to rename tabs.
func TestReadSheetNamedWithTheYear(t *testing.T) {
	imp := read(t, book(t, map[string][][]any{
		"Budgetønsker 2027": {{"År", "Titel", "Anslået udgift"}, {2027, "Bænk ved kirken", "1.234,50 kr."}},
		"Projekter 2026-27": {{"Titel"}, {"Shelter"}},
		"Bestyrelsen 2027":  {{"Navn", "Rolle"}, {"Anne", "Formand"}},
	}))
	if len(imp.Wishes) != 1 || imp.Wishes[0].Estimate != 123450 || len(imp.Projects) != 1 || len(imp.Members) != 1 {
		t.Errorf("wishes %v projects %v members %v problems %v notes %v", imp.Wishes, imp.Projects, imp.Members, imp.Problems, imp.Notes)
	}
}

// Text such as »12.5« or »1,234.50« in an amount is read with the dot as
// the decimal point (an English spreadsheet's), and a note names the cell
// and what was read, for the treasurer to check; a number cell, Danish
// text and a dot grouping thousands get no note.
func TestReadDecimalPointNoted(t *testing.T) {
	b := book(t, map[string][][]any{"Budgetønsker": {
		{"Titel", "Beløb"},
		{"a", "12.5"},
		{"b", "1,234.50"},
		{"c", 12.5},
		{"d", "12.500"},
		{"e", "12,50"},
	}})
	imp := read(t, b)
	want := map[string]int64{"a": 12_50, "b": 1234_50, "c": 12_50, "d": 12500_00, "e": 12_50}
	for _, w := range imp.Wishes {
		if w.Estimate != want[w.Title] {
			t.Errorf("%s read as %d øre, want %d", w.Title, w.Estimate, want[w.Title])
		}
	}
	if len(imp.Wishes) != len(want) {
		t.Fatalf("%d wishes read; problems %v", len(imp.Wishes), imp.Problems)
	}
	var notes []string
	for _, n := range imp.Notes {
		notes = append(notes, n.String())
	}
	if len(notes) != 2 ||
		!strings.Contains(notes[0], "række 2") || !strings.Contains(notes[0], "cellen B2 har teksten »12.5«, læst med punktum som decimaltegn: 12,50 kr.") ||
		!strings.Contains(notes[1], "række 3") || !strings.Contains(notes[1], "cellen B3 har teksten »1,234.50«, læst med punktum som decimaltegn: 1.234,50 kr.") {
		t.Errorf("notes:\n%s", strings.Join(notes, "\n"))
	}
}

// mergedBook is book with cells merged on the first sheet: each pair is a
// range's first and last cell, as a treasurer merges them.
func mergedBook(t testing.TB, sheets map[string][][]any, sheet string, merges ...[2]string) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(book(t, sheets)))
	ok(t, err)
	defer f.Close()
	for _, m := range merges {
		ok(t, f.MergeCell(sheet, m[0], m[1]))
	}
	var buf bytes.Buffer
	_, err = f.WriteTo(&buf)
	ok(t, err)
	return buf.Bytes()
}

// A category merged down over three wishes (»Natur« once, beside all
// three) is every one's category; an amount merged over two rows is read
// for the first only, and the preview says so rather than count it twice;
// a title row merged across the columns changes nothing.
func TestReadMergedCells(t *testing.T) {
	imp := read(t, mergedBook(t, map[string][][]any{"Budgetønsker": {
		{"Budgetønsker 2027"},
		{"Titel", "Kategori", "Beløb"},
		{"Bænke", "Natur", 12000},
		{"Shelter", nil, 40000},
		{"Hundeskov", nil, nil},
		{"Lys på stien", "Tryghed", 30000},
	}}, "Budgetønsker", [2]string{"A1", "C1"}, [2]string{"B3", "B5"}, [2]string{"C4", "C5"}))
	var got []string
	for _, w := range imp.Wishes {
		got = append(got, fmt.Sprintf("%s/%s/%d", w.Title, w.Category, w.Estimate))
	}
	want := []string{"Bænke/Natur/1200000", "Shelter/Natur/4000000", "Lys på stien/Tryghed/3000000"}
	if !slices.Equal(got, want) {
		t.Errorf("wishes %q, want %q (problems %v)", got, want, imp.Problems)
	}
	// Hundeskov has no amount of its own: refused, not given Shelter's.
	if !strings.Contains(fmt.Sprint(imp.Problems), "række 5") {
		t.Errorf("Hundeskov's missing amount is not a problem: %v", imp.Problems)
	}
	if !strings.Contains(fmt.Sprint(imp.Notes), "cellen C4 er flettet over række 4–5: den er kun læst for række 4") {
		t.Errorf("no note of the merged amount: %v", imp.Notes)
	}
}
