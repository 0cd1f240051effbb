package xlsx

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"lokalraad/model"
)

// Import is what Read found in a workbook: the rows that are valid, and a
// Problem for every row that was not taken.
type Import struct {
	Wishes   []model.BudgetWish
	Projects []model.Project
	Members  []model.Member
	Problems []Problem
}

// Problem says why a row (or a whole sheet) was not read.
type Problem struct {
	Sheet string // the sheet's name as in the file
	// Row is the row number as Excel shows it; 0 when the problem is with
	// the whole sheet.
	Row     int
	Message string // plain Danish, fit to show the user
}

// String gives "Budgetønsker, række 5: Udfyld titel".
func (p Problem) String() string {
	if p.Row == 0 {
		return p.Sheet + ": " + p.Message
	}
	return fmt.Sprintf("%s, række %d: %s", p.Sheet, p.Row, p.Message)
}

// The errors of Read. Their text is Danish, fit to show the user.
var (
	ErrNotWorkbook = errors.New("filen er ikke et Excel-regneark (.xlsx)")
	ErrNoSheets    = errors.New("regnearket har ingen fane med budgetønsker, projekter eller medlemmer (fanerne skal hedde Budgetønsker, Projekter eller Medlemmer)")
)

// maxUnzip bounds what a workbook may unpack to, so that a crafted file
// cannot fill the memory.
const maxUnzip = 512 << 20

// Read reads budget wishes, projects and members from a workbook, as written
// by Write or Template or typed by hand.
//
// It is tolerant: sheets are found by name, Danish or English, in any case
// and with æ ø å spelled as ae oe aa or o a; columns are found by their
// header text (with synonyms such as "Titel", "Navn på ønske" or "Title";
// "Beløb", "Anslået udgift", "Estimat", "Pris" or "kr.") in any order, and
// unknown columns are ignored. Empty rows, the totals row ("I alt") and the
// template's example rows ("Eksempel: …") are skipped without a Problem. Numbers may be real numbers or Danish
// text ("12.500,50", "12.500 kr."); dates may be real dates or text
// ("26.11.2026"). Roles and statuses may be written as labels, Danish or
// English, or as codes. A wish without a year gets year.
//
// Every row taken is valid by its Validate method and belongs to councilID;
// every other row gives a Problem. A file that is not a workbook gives an
// error wrapping ErrNotWorkbook, and one with none of the three sheets
// ErrNoSheets.
func Read(r io.Reader, councilID string, year int) (*Import, error) {
	var f *excelize.File
	err := safely(func() (err error) {
		f, err = excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: maxUnzip, UnzipXMLSizeLimit: 64 << 20})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotWorkbook, err)
	}
	defer f.Close()

	rd := &reader{f: f, imp: &Import{}, council: councilID, year: year}
	_ = safely(func() error {
		if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
			rd.date1904 = *p.Date1904
		}
		return nil
	})
	var sheets []string
	if err := safely(func() error { sheets = f.GetSheetList(); return nil }); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotWorkbook, err)
	}
	found := map[sheetKind]string{}
	for _, name := range sheets {
		if k, ok := sheetIndex[fold(name)]; ok {
			if _, dup := found[k]; !dup {
				found[k] = name
			}
		}
	}
	if len(found) == 0 {
		return nil, ErrNoSheets
	}
	for _, k := range []sheetKind{sheetWishes, sheetProjects, sheetMembers} {
		if name, ok := found[k]; ok {
			rd.sheet(k, name)
		}
	}
	return rd.imp, nil
}

// safely runs fn, turning a panic in the spreadsheet library (on a damaged
// file) into an error.
func safely(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("filen er beskadiget (%v)", p)
		}
	}()
	return fn()
}

type reader struct {
	f        *excelize.File
	imp      *Import
	council  string
	year     int
	date1904 bool

	// The sheet being read.
	name string
	cols map[string]int    // field → column index
	head map[string]string // field → its header as in the file
}

func (rd *reader) problem(row int, msg string) {
	rd.imp.Problems = append(rd.imp.Problems, Problem{Sheet: rd.name, Row: row, Message: msg})
}

// keyField is the column a sheet cannot do without.
var keyField = map[sheetKind]string{sheetWishes: fTitle, sheetProjects: fTitle, sheetMembers: fName}

// headerRows is how far down Read looks for the header row.
const headerRows = 10

func (rd *reader) sheet(k sheetKind, name string) {
	rd.name = name
	var rows [][]string
	if err := safely(func() (err error) {
		rows, err = rd.f.GetRows(name, excelize.Options{RawCellValue: true})
		return err
	}); err != nil {
		rd.problem(0, "fanen kunne ikke læses; filen er måske beskadiget")
		return
	}

	key := keyField[k]
	headerAt := -1
	for i := 0; i < len(rows) && i < headerRows && headerAt < 0; i++ {
		cols, head := map[string]int{}, map[string]string{}
		for j, cell := range rows[i] {
			if field, ok := columnIndex[k][fold(cell)]; ok {
				if _, dup := cols[field]; !dup {
					cols[field], head[field] = j, strings.TrimSpace(cell)
				}
			}
		}
		if _, ok := cols[key]; ok {
			headerAt, rd.cols, rd.head = i, cols, head
		}
	}
	if headerAt < 0 {
		rd.problem(0, fmt.Sprintf("fanen har ingen kolonne med overskriften »%s«, så den er ikke læst; første række skal være overskrifter som i skabelonen",
			header(key, model.Danish)))
		return
	}

	for i := headerAt + 1; i < len(rows); i++ {
		cells := rows[i]
		if blank(cells) {
			continue
		}
		excelRow := i + 1
		keyText := strings.TrimSpace(rd.raw(cells, key))
		if k != sheetMembers && isTotal(keyText) {
			continue
		}
		if isExample(keyText) {
			continue // the template's example, left in place
		}
		c := &rowCtx{rd: rd, cells: cells, row: excelRow}
		switch k {
		case sheetWishes:
			rd.wish(c)
		case sheetProjects:
			rd.project(c)
		case sheetMembers:
			rd.member(c)
		}
	}
}

// isExample tells the template's example rows: "Eksempel: …".
func isExample(s string) bool {
	before, _, ok := strings.Cut(s, ":")
	return ok && fold(before) == "eksempel"
}

// isTotal tells a totals row by its label.
func isTotal(s string) bool {
	switch fold(s) {
	case "ialt", "total", "totals", "sum", "samlet":
		return true
	}
	return false
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func (rd *reader) raw(cells []string, field string) string {
	if j, ok := rd.cols[field]; ok && j < len(cells) {
		return cells[j]
	}
	return ""
}

// rowCtx reads the fields of one row and collects what is wrong with them.
type rowCtx struct {
	rd    *reader
	cells []string
	row   int
	msgs  []string
}

func (c *rowCtx) text(field string) string { return strings.TrimSpace(c.rd.raw(c.cells, field)) }

func (c *rowCtx) fail(field, format string, args ...any) {
	c.msgs = append(c.msgs, c.rd.head[field]+": "+fmt.Sprintf(format, args...))
}

// isText tells whether the cell of field holds text rather than a number:
// "12.500" typed as text is twelve thousand five hundred kroner, but as a
// number it is twelve and a half.
func (c *rowCtx) isText(field string) bool {
	j, ok := c.rd.cols[field]
	if !ok {
		return true
	}
	ref, err := excelize.CoordinatesToCellName(j+1, c.row)
	if err != nil {
		return true
	}
	var t excelize.CellType
	if err := safely(func() (err error) {
		t, err = c.rd.f.GetCellType(c.rd.name, ref)
		return err
	}); err != nil {
		return true
	}
	switch t {
	case excelize.CellTypeSharedString, excelize.CellTypeInlineString, excelize.CellTypeFormula:
		return true
	}
	return false
}

// money reads kroner into øre.
func (c *rowCtx) money(field string) int64 {
	s := c.text(field)
	if s == "" {
		return 0
	}
	// A number cell's raw value is a plain number ("12500.5"). Text such as
	// "12.500" could be either, and only then is the cell's type asked for
	// (which is slow).
	if !danishThousands(s) || !c.isText(field) {
		if v, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(v) && math.Abs(v) < 1e13 {
			return int64(math.Round(v * 100))
		}
	}
	v, err := parseAmount(s)
	if err != nil {
		c.fail(field, "»%s« er ikke et beløb; skriv fx 12.500,50", clip(s))
		return 0
	}
	return v
}

// danishThousands tells whether s is digits grouped by dots, "12.500" or
// "1.250.000".
func danishThousands(s string) bool {
	s = strings.TrimPrefix(s, "-")
	first, rest, ok := strings.Cut(s, ".")
	if !ok || len(first) == 0 || len(first) > 3 || !digits(first) {
		return false
	}
	for _, g := range strings.Split(rest, ".") {
		if len(g) != 3 || !digits(g) {
			return false
		}
	}
	return true
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// parseAmount reads an amount typed as text, the Danish way ("12.500,50",
// "12.500 kr.", "12.500,-") and, where it cannot be Danish, the English way
// ("12,500.50", "12.50").
func parseAmount(s string) (int64, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimSuffix(s, ",-")
	s = strings.TrimSuffix(s, ",–")
	for _, unit := range []string{"dkk", "kr.", "kr"} {
		s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSuffix(s, unit), unit))
	}
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "'", "").Replace(s)
	dot, comma := strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, ',')
	switch {
	case dot >= 0 && comma >= 0 && dot > comma:
		// 12,500.50
		s = strings.ReplaceAll(s, ",", "")
		s = s[:strings.LastIndexByte(s, '.')] + "," + s[strings.LastIndexByte(s, '.')+1:]
	case dot >= 0 && comma < 0 && strings.Count(s, ".") == 1 && len(s)-dot-1 <= 2 && len(s)-dot-1 > 0:
		// 12.50 is a decimal point; 12.500 is a thousands separator.
		s = s[:dot] + "," + s[dot+1:]
	}
	return model.ParseKroner(s)
}

// integer reads a whole number; "3.", "3,0" and "45 %" are allowed.
func (c *rowCtx) integer(field string) (int, bool) {
	s := c.text(field)
	if s == "" {
		return 0, false
	}
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(s, "%")), "."))
	if n, err := strconv.Atoi(t); err == nil {
		return n, true
	}
	if v, err := strconv.ParseFloat(strings.Replace(t, ",", ".", 1), 64); err == nil && v == math.Trunc(v) && math.Abs(v) < 1e9 {
		return int(v), true
	}
	c.fail(field, "»%s« er ikke et helt tal", clip(s))
	return 0, false
}

// percent reads a progress: 45, "45 %", or 0,45 from a cell formatted as a
// percentage.
func (c *rowCtx) percent(field string) int {
	s := c.text(field)
	if s == "" {
		return 0
	}
	t := strings.TrimSpace(strings.TrimSuffix(s, "%"))
	v, err := strconv.ParseFloat(strings.Replace(t, ",", ".", 1), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e6 {
		c.fail(field, "»%s« er ikke en procent", clip(s))
		return 0
	}
	if t == s && v > 0 && v < 1 {
		v *= 100
	}
	return int(math.Round(v))
}

// date reads a date, as an Excel date or as text, into midnight Danish
// time.
func (c *rowCtx) date(field string) time.Time {
	s := c.text(field)
	if s == "" {
		return time.Time{}
	}
	// A date cell's raw value is its serial number, "46082", or with a time
	// of day "46082.75". Text like "26.11" could look like the latter, so
	// then the cell's type decides.
	whole, frac, hasFrac := strings.Cut(s, ".")
	if digits(whole) && (!hasFrac || digits(frac) && !c.isText(field)) {
		if v, err := strconv.ParseFloat(s, 64); err == nil && v >= 1 && v < 2958466 {
			if t, err := excelize.ExcelDateToTime(v, c.rd.date1904); err == nil {
				return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, model.Copenhagen)
			}
		}
		c.fail(field, "»%s« er ikke en dato; skriv fx 26.11.2026", clip(s))
		return time.Time{}
	}
	t := s
	if len(t) > 10 && t[4] == '-' && (t[10] == 'T' || t[10] == ' ') {
		t = t[:10] // 2026-11-26T00:00:00Z from an ISO date cell
	}
	d, err := model.ParseDate(t)
	if err != nil {
		c.fail(field, "»%s« er ikke en dato; skriv fx 26.11.2026", clip(s))
	}
	return d
}

// yes reads yes or no.
func (c *rowCtx) yes(field string) bool {
	s := c.text(field)
	switch s {
	case "✓", "✔", "☑", "x", "X", "*":
		return true
	}
	switch fold(s) {
	case "", "nej", "n", "no", "false", "falsk", "0", "ikke":
		return false
	case "ja", "j", "yes", "y", "true", "sand", "1", "kontaktperson", "kontakt":
		return true
	}
	c.fail(field, "»%s« er hverken ja eller nej", clip(s))
	return false
}

// choice reads a label or code through index; empty text gives def.
func choice[T ~string](c *rowCtx, field string, index map[string]T, def T, all []T) T {
	s := c.text(field)
	if s == "" {
		return def
	}
	if v, ok := index[fold(s)]; ok {
		return v
	}
	names := make([]string, len(all))
	for i, v := range all {
		names[i] = model.Label(v, model.Danish)
	}
	c.fail(field, "»%s« kendes ikke; brug %s", clip(s), orList(names))
	return def
}

func orList(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " eller " + s[len(s)-1]
}

// clip shortens a value quoted in a message.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// done validates v and either keeps it or reports the row.
func (c *rowCtx) done(v interface{ Validate() error }, keep func()) {
	if err := v.Validate(); err != nil {
		c.msgs = append(c.msgs, messages(err)...)
	}
	if len(c.msgs) > 0 {
		c.rd.problem(c.row, strings.Join(c.msgs, "; "))
		return
	}
	keep()
}

// messages gives the Danish text of each error joined in err.
func messages(err error) []string {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, messages(e)...)
		}
		return out
	}
	var fe *model.FieldError
	if errors.As(err, &fe) {
		return []string{fe.Da}
	}
	return []string{err.Error()}
}

func (rd *reader) wish(c *rowCtx) {
	// Fields are read in the order of the written columns, so that the
	// messages come in that order too.
	w := model.BudgetWish{CouncilID: rd.council, Year: rd.year}
	if y, ok := c.integer(fYear); ok {
		w.Year = y
	}
	if r, ok := c.integer(fRank); ok {
		w.Rank = r
	}
	w.Title = c.text(fTitle)
	w.Category = c.text(fCategory)
	w.Justification = c.text(fJustification)
	w.Estimate = c.money(fEstimate)
	w.Status = choice(c, fStatus, wishStatusIndex, model.WishDraft, model.WishStatuses)
	w.Answer = choice(c, fAnswer, answerIndex, model.AnswerNone, model.Answers)
	w.AnswerText = c.text(fAnswerText)
	w.Granted = c.money(fGranted)
	c.done(&w, func() { rd.imp.Wishes = append(rd.imp.Wishes, w) })
}

func (rd *reader) project(c *rowCtx) {
	p := model.Project{
		CouncilID:    rd.council,
		Title:        c.text(fTitle),
		Description:  c.text(fDescription),
		Status:       choice(c, fStatus, projectStatusIndex, model.ProjectIdea, model.ProjectStatuses),
		WorkingGroup: c.text(fWorkingGroup),
		Start:        c.date(fStart),
		End:          c.date(fEnd),
		Progress:     c.percent(fProgress),
	}
	c.done(&p, func() { rd.imp.Projects = append(rd.imp.Projects, p) })
}

func (rd *reader) member(c *rowCtx) {
	m := model.Member{
		CouncilID: rd.council,
		Name:      c.text(fName),
		Role:      choice(c, fRole, roleIndex, model.RoleMember, model.Roles),
		Contact:   c.yes(fContact),
		TermStart: c.date(fTermStart),
		TermEnd:   c.date(fTermEnd),
		Phone:     c.text(fPhone),
		Email:     c.text(fEmail),
	}
	c.done(&m, func() { rd.imp.Members = append(rd.imp.Members, m) })
}
