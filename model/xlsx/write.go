package xlsx

import (
	"archive/zip"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"lokalraad/model"
)

// Options control the exported workbook.
type Options struct {
	// Lang is the language of sheet names, headers and labels; Danish when
	// empty.
	Lang model.Lang
	// ContactDetails adds the members' phone numbers and e-mail addresses.
	// They are personal data (GDPR), so they are left out unless asked for.
	ContactDetails bool
	// Now, when set, is the workbook's creation date (for reproducible
	// exports); otherwise none is stamped.
	Now time.Time
}

// The number formats. Excel and LibreOffice show "," and "." in them with
// the reader's own separators, so a Danish reader sees 12.500,50 kr.
const (
	DateFormat    = "dd.mm.yyyy"
	TimeFormat    = "hh:mm"
	KronerFormat  = `#,##0.00 "kr."`
	PercentFormat = `0" %"`
)

// cellKind says how a column's values are written and formatted.
type cellKind int

const (
	kText    cellKind = iota
	kInt              // whole numbers: years, priorities, hours
	kMoney            // kroner as a number, formatted KronerFormat
	kDate             // an Excel date serial, formatted DateFormat
	kTime             // a fraction of a day, formatted TimeFormat
	kPercent          // 0–100, formatted PercentFormat
)

type column struct {
	key   string
	kind  cellKind
	width float64 // the least width (0: its kind's); text columns grow with their content
	max   float64 // the most width a text column grows to
	sum   bool    // a SUM in the totals row
}

// kindWidths are the widths of the kinds whose values are all alike wide:
// a date, a time of day, an amount in kroner.
var kindWidths = map[cellKind]float64{kDate: 12, kTime: 10, kMoney: 16}

// least is the column's least width.
func (c column) least() float64 {
	if c.width > 0 {
		return c.width
	}
	return kindWidths[c.kind]
}

// table is one sheet's content before it is streamed.
type table struct {
	kind   sheetKind
	cols   []column
	rows   [][]any
	totals int // index of the column that says "I alt", or -1 for no totals row
}

type styles struct {
	header, text, date, time, money, percent, totalLabel, totalMoney, totalInt int
}

// Write writes one workbook for a council with the sheets Projekter,
// Budgetønsker, Finansiering, Opgaver, Møder, Beslutninger and Medlemmer
// (Projects, Budget wishes, Funding, Action items, Meetings, Decisions and
// Members in English).
//
// Dates are real dates and money is kroner as numbers, formatted as such;
// each sheet has a frozen header row and an autofilter, and the money
// columns have a totals row of SUM formulas below the data (with the sums
// also stored as values, for programs that do not calculate). A project's
// "Mangler" (missing) is a formula over its row. Rows are streamed, so ten
// years of a council's data is written quickly. Text longer than Excel's
// 32.767 characters a cell is cut short.
func Write(w io.Writer, d *model.CouncilData, o Options) error {
	if d == nil {
		return errors.New("xlsx: no council data")
	}
	if o.Lang != model.English {
		o.Lang = model.Danish
	}
	tables := []*table{
		projectsTable(d, o),
		wishesTable(d, o),
		fundingTable(d, o),
		actionsTable(d, o),
		meetingsTable(d, o),
		decisionsTable(d, o),
		membersTable(d, o),
		accountsTable(d, o),
		planTable(d, o),
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := writeSheets(f, tables, st, o.Lang); err != nil {
		return err
	}
	// The first sheet is the active one already. (SetActiveSheet would parse
	// every streamed sheet back into memory.)
	full := true
	if err := f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &full}); err != nil {
		return err
	}
	return finish(w, f, strings.TrimSpace(d.Council.Name), o)
}

// finish writes the workbook with its title, author, language and (when
// o.Now is set) its dates, its zip entries in a fixed order, so that the
// same data gives the same bytes.
func finish(w io.Writer, f *excelize.File, title string, o Options) error {
	props := &excelize.DocProperties{
		Title:    title,
		Creator:  "Lokalråd",
		Language: map[model.Lang]string{model.Danish: "da-DK", model.English: "en-GB"}[o.Lang],
	}
	if !o.Now.IsZero() {
		props.Created = o.Now.UTC().Format(time.RFC3339)
		props.Modified = props.Created
	}
	if err := f.SetDocProps(props); err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return err
	}
	return sortedZip(w, buf.Bytes())
}

// sortedZip copies the zip b to w with its entries in a fixed order
// ([Content_Types].xml first, then by name) and no timestamps: the library
// writes them in a random order, so the same data gave different files.
func sortedZip(w io.Writer, b []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return err
	}
	files := slices.Clone(zr.File)
	slices.SortFunc(files, func(a, b *zip.File) int {
		ac, bc := a.Name == "[Content_Types].xml", b.Name == "[Content_Types].xml"
		switch {
		case ac && !bc:
			return -1
		case bc && !ac:
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	zw := zip.NewWriter(w)
	for _, f := range files {
		out, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		if err != nil {
			return err
		}
		in, err := f.Open()
		if err != nil {
			return err
		}
		_, err = io.Copy(out, in)
		in.Close()
		if err != nil {
			return err
		}
	}
	return zw.Close()
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	fmtp := func(v string) *string { return &v }
	border := []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}}
	topBorder := []excelize.Border{{Type: "top", Color: "000000", Style: 1}}
	defs := []struct {
		dst *int
		st  *excelize.Style
	}{
		{&s.header, &excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&s.text, &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&s.date, &excelize.Style{CustomNumFmt: fmtp(DateFormat), Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}}},
		{&s.time, &excelize.Style{CustomNumFmt: fmtp(TimeFormat), Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}}},
		{&s.money, &excelize.Style{CustomNumFmt: fmtp(KronerFormat), Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&s.percent, &excelize.Style{CustomNumFmt: fmtp(PercentFormat), Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&s.totalLabel, &excelize.Style{Font: &excelize.Font{Bold: true}, Border: topBorder}},
		{&s.totalMoney, &excelize.Style{Font: &excelize.Font{Bold: true}, Border: topBorder, CustomNumFmt: fmtp(KronerFormat)}},
		{&s.totalInt, &excelize.Style{Font: &excelize.Font{Bold: true}, Border: topBorder}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(d.st)
		if err != nil {
			return s, err
		}
		*d.dst = id
	}
	return s, nil
}

func (s styles) column(k cellKind) int {
	switch k {
	case kDate:
		return s.date
	case kTime:
		return s.time
	case kMoney:
		return s.money
	case kPercent:
		return s.percent
	}
	return s.text
}

// writeTable streams one sheet: widths, frozen header and autofilter must be
// set before the first row.
func writeTable(f *excelize.File, name string, t *table, st styles, l model.Lang) error {
	ncol := len(t.cols)
	lastCol, _ := excelize.ColumnNumberToName(ncol)
	lastData := max(len(t.rows)+1, 2)
	// The autofilter lives in the worksheet the stream writer starts from.
	if err := f.AutoFilter(name, "A1:"+lastCol+strconv.Itoa(lastData), nil); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}
	for i, c := range t.cols {
		if err := sw.SetColWidth(i+1, i+1, columnWidth(t, i, l)); err != nil {
			return err
		}
		if err := sw.SetColStyle(i+1, i+1, st.column(c.kind)); err != nil {
			return err
		}
	}

	row := make([]any, ncol)
	for i, c := range t.cols {
		row[i] = header(c.key, l)
	}
	if err := sw.SetRow("A1", row, excelize.RowOpts{StyleID: st.header}); err != nil {
		return err
	}
	sums := make([]float64, ncol)
	for r, values := range t.rows {
		for i, v := range values {
			if t.cols[i].sum {
				switch x := v.(type) {
				case float64:
					sums[i] += x
				case int:
					sums[i] += float64(x)
				case excelize.Cell:
					if fv, ok := x.Value.(float64); ok {
						sums[i] += fv
					}
				}
			}
		}
		if err := sw.SetRow("A"+strconv.Itoa(r+2), values); err != nil {
			return err
		}
	}
	if t.totals >= 0 {
		for i := range row {
			row[i] = nil
		}
		row[t.totals] = excelize.Cell{StyleID: st.totalLabel, Value: map[model.Lang]string{model.Danish: "I alt", model.English: "Total"}[l]}
		for i, c := range t.cols {
			if !c.sum {
				continue
			}
			name, _ := excelize.ColumnNumberToName(i + 1)
			style := st.totalInt
			value := sums[i]
			if c.kind == kMoney {
				style = st.totalMoney
				value = math.Round(value*100) / 100
			}
			row[i] = excelize.Cell{StyleID: style, Value: value,
				Formula: fmt.Sprintf("SUM(%s2:%s%d)", name, name, lastData)}
		}
		// One empty row keeps the totals out of the filter and sort range.
		if err := sw.SetRow("A"+strconv.Itoa(lastData+2), row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// columnWidth gives a text column room for its header and its longest value
// (within reason); other columns get their fixed width.
func columnWidth(t *table, i int, l model.Lang) float64 {
	c := t.cols[i]
	w := max(c.least(), float64(utf8.RuneCountInString(header(c.key, l)))+3)
	if c.kind != kText || c.max == 0 {
		return w
	}
	longest := 0
	for _, r := range t.rows {
		if s, ok := r[i].(string); ok {
			if n := utf8.RuneCountInString(s); n > longest {
				longest = n
				if float64(longest) >= c.max {
					break
				}
			}
		}
	}
	return min(max(w, float64(longest)+2), c.max)
}

// The values of cells.

func text(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func kroner(øre int64) float64 { return float64(øre) / 100 }

var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// date gives the Excel serial of t's day in Danish local time, or nil for
// the zero time. Days before 1 March 1900 (where Excel counts a 29 February
// that never was) are written as text.
func date(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	y, m, d := t.In(model.Copenhagen).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if y < 1900 || y > 9999 || day.Before(time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)) {
		return model.ShortDate(t)
	}
	return float64((day.Unix() - excelEpoch.Unix()) / (24 * 60 * 60))
}

// clock gives t's time of day in Danish local time as a fraction of a day.
func clock(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	h, m, _ := t.In(model.Copenhagen).Clock()
	return float64(h*60+m) / (24 * 60)
}

func yesNo(b bool, l model.Lang) string {
	switch {
	case l == model.English && b:
		return "Yes"
	case l == model.English:
		return "No"
	case b:
		return "Ja"
	}
	return "Nej"
}

func nonZero(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// The sheets.

func projectsTable(d *model.CouncilData, o Options) *table {
	t := &table{kind: sheetProjects, totals: 0, cols: []column{
		{key: fTitle, width: 20, max: 60},
		{key: fStatus, width: 18},
		{key: fResponsible, width: 14, max: 30},
		{key: fStart, kind: kDate},
		{key: fEnd, kind: kDate},
		{key: fProgress, kind: kPercent, width: 12},
		{key: fExpenses, kind: kMoney, sum: true},
		{key: fOwn, kind: kMoney, sum: true},
		{key: fVolunteer, kind: kMoney, sum: true},
		{key: fGranted, kind: kMoney, sum: true},
		{key: fMissing, kind: kMoney, sum: true},
	}}
	// Totals per project in one pass over lines and applications.
	lines := map[string][]model.BudgetLine{}
	for _, l := range d.Lines {
		lines[l.ProjectID] = append(lines[l.ProjectID], l)
	}
	apps := map[string][]model.FundingApplication{}
	for _, a := range d.Applications {
		apps[a.ProjectID] = append(apps[a.ProjectID], a)
	}
	names := memberNames(d)
	for i, p := range d.Projects {
		tot := model.Totals(p.ID, lines[p.ID], apps[p.ID])
		r := strconv.Itoa(i + 2)
		t.rows = append(t.rows, []any{
			text(p.Title),
			model.Label(p.Status, o.Lang),
			text(names[p.ResponsibleID]),
			date(p.Start),
			date(p.End),
			p.Progress,
			kroner(tot.Expenses),
			kroner(tot.OwnCash),
			kroner(tot.CoFinancing.VolunteerCounts),
			kroner(tot.Granted),
			// The same rule as model.Totals, live in the sheet.
			excelize.Cell{Formula: "MAX(0,G" + r + "-H" + r + "-I" + r + "-J" + r + ")", Value: kroner(tot.Missing)},
		})
	}
	return t
}

func wishesTable(d *model.CouncilData, o Options) *table {
	t := &table{kind: sheetWishes, totals: 2, cols: []column{
		{key: fYear, kind: kInt, width: 7},
		{key: fRank, kind: kInt, width: 10},
		{key: fTitle, width: 20, max: 60},
		{key: fCategory, width: 14, max: 30},
		{key: fJustification, width: 30, max: 60},
		{key: fEstimate, kind: kMoney, sum: true},
		{key: fStatus, width: 11},
		{key: fAnswer, width: 18},
		{key: fAnswerText, width: 20, max: 50},
		{key: fGranted, kind: kMoney, sum: true},
	}}
	wishes := slices.Clone(d.Wishes)
	model.RankWishes(wishes)
	slices.SortStableFunc(wishes, func(a, b model.BudgetWish) int { return cmp.Compare(a.Year, b.Year) })
	for _, w := range wishes {
		t.rows = append(t.rows, []any{
			w.Year,
			nonZero(w.Rank),
			text(w.Title),
			text(w.Category),
			text(w.Justification),
			kroner(w.Estimate),
			model.Label(w.Status, o.Lang),
			model.Label(w.Answer, o.Lang),
			text(w.AnswerText),
			kroner(w.Granted),
		})
	}
	return t
}

func fundingTable(d *model.CouncilData, o Options) *table {
	t := &table{kind: sheetFunding, totals: 0, cols: []column{
		{key: fProject, width: 20, max: 50},
		{key: fPool, width: 20, max: 45},
		{key: fDeadline, kind: kDate},
		{key: fApplied, kind: kMoney, sum: true},
		{key: fGranted, kind: kMoney, sum: true},
		{key: fStatus, width: 16},
		// Not summed: a project states the same hours on each application.
		{key: fHours, kind: kInt, width: 10},
	}}
	titles := make(map[string]string, len(d.Projects))
	for _, p := range d.Projects {
		titles[p.ID] = p.Title
	}
	for _, a := range d.Applications {
		t.rows = append(t.rows, []any{
			text(titles[a.ProjectID]),
			text(a.Pool),
			date(a.Deadline),
			kroner(a.Applied),
			kroner(a.Granted),
			model.Label(a.Status, o.Lang),
			a.VolunteerHours,
		})
	}
	return t
}

func actionsTable(d *model.CouncilData, o Options) *table {
	t := &table{kind: sheetActions, totals: -1, cols: []column{
		{key: fMeetingDate, kind: kDate},
		{key: fWho, width: 14, max: 30},
		{key: fWhat, width: 30, max: 70},
		{key: fDue, kind: kDate},
		{key: fDone, width: 8},
	}}
	starts := make(map[string]time.Time, len(d.Meetings))
	for _, m := range d.Meetings {
		starts[m.ID] = m.Start
	}
	actions := slices.Clone(d.Actions)
	model.SortActions(actions)
	// By meeting, and within a meeting in due order.
	slices.SortStableFunc(actions, func(a, b model.ActionItem) int {
		return starts[a.MeetingID].Compare(starts[b.MeetingID])
	})
	for _, a := range actions {
		t.rows = append(t.rows, []any{
			date(starts[a.MeetingID]),
			text(a.Who),
			text(a.What),
			date(a.Due),
			yesNo(a.Done, o.Lang),
		})
	}
	return t
}

func meetingsTable(d *model.CouncilData, o Options) *table {
	t := &table{kind: sheetMeetings, totals: -1, cols: []column{
		{key: fDate, kind: kDate},
		{key: fTime, kind: kTime},
		{key: fKind, width: 18},
		{key: fTitle, width: 24, max: 60},
		{key: fPlace, width: 16, max: 40},
		{key: fStatus, width: 17},
		{key: fItems, kind: kInt, width: 10},
	}}
	count := map[string]int{}
	for _, it := range d.Items {
		count[it.MeetingID]++
	}
	meetings := slices.Clone(d.Meetings)
	slices.SortStableFunc(meetings, func(a, b model.Meeting) int {
		return cmp.Or(a.Start.Compare(b.Start), strings.Compare(a.ID, b.ID))
	})
	for _, m := range meetings {
		t.rows = append(t.rows, []any{
			date(m.Start),
			clock(m.Start),
			model.Label(m.Kind, o.Lang),
			model.MeetingTitle(m, o.Lang),
			text(m.Place),
			model.Label(m.Status, o.Lang),
			count[m.ID],
		})
	}
	return t
}

// decisionsTable is the decisions register (model.Decisions), oldest
// first like the other sheets.
func decisionsTable(d *model.CouncilData, o Options) *table {
	t := &table{kind: sheetDecisions, totals: -1, cols: []column{
		{key: fDate, kind: kDate},
		{key: fMeeting, width: 24, max: 50},
		{key: fItem, width: 28, max: 60},
		{key: fDecision, width: 50, max: 100},
	}}
	ds := model.Decisions(d, o.Lang)
	slices.Reverse(ds)
	for _, x := range ds {
		t.rows = append(t.rows, []any{date(x.Date), text(x.Meeting), text(fmt.Sprintf("%d. %s", x.Position, x.Item)), text(x.Decision)})
	}
	return t
}

func membersTable(d *model.CouncilData, o Options) *table {
	t := &table{kind: sheetMembers, totals: -1, cols: []column{
		{key: fName, width: 18, max: 40},
		{key: fRole, width: 13},
		{key: fContact, width: 15},
		{key: fTermStart, kind: kDate},
		{key: fTermEnd, kind: kDate},
	}}
	if o.ContactDetails {
		t.cols = append(t.cols, column{key: fPhone, width: 14, max: 20}, column{key: fEmail, width: 20, max: 40})
	}
	members := slices.Clone(d.Members)
	slices.SortStableFunc(members, func(a, b model.Member) int {
		ra, rb := slices.Index(model.Roles, a.Role), slices.Index(model.Roles, b.Role)
		if ra < 0 {
			ra = len(model.Roles)
		}
		if rb < 0 {
			rb = len(model.Roles)
		}
		return cmp.Or(cmp.Compare(ra, rb), strings.Compare(a.Name, b.Name))
	})
	for _, m := range members {
		r := []any{
			text(m.Name),
			model.Label(m.Role, o.Lang),
			yesNo(m.Contact, o.Lang),
			date(m.TermStart),
			date(m.TermEnd),
		}
		if o.ContactDetails {
			r = append(r, text(m.Phone), text(m.Email))
		}
		t.rows = append(t.rows, r)
	}
	return t
}

func memberNames(d *model.CouncilData) map[string]string {
	m := make(map[string]string, len(d.Members))
	for _, x := range d.Members {
		m[x.ID] = x.Name
	}
	return m
}

// writeSheets writes each table on a sheet of its own, the first on the
// workbook's first sheet, named in lang.
func writeSheets(f *excelize.File, tables []*table, st styles, lang model.Lang) error {
	for i, t := range tables {
		name := sheetName(t.kind, lang)
		var err error
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return fmt.Errorf("xlsx: sheet %s: %w", name, err)
		}
		if err := writeTable(f, name, t, st, lang); err != nil {
			return fmt.Errorf("xlsx: sheet %s: %w", name, err)
		}
	}
	return nil
}
