package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"runtime/debug"
	"slices"
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
	// Responsible is each project's »Ansvarlig«, a member's name as the
	// file gives it ("" for none), in the order of Projects: the ids are
	// the database's, so storage links the names (Resolve).
	Responsible []string
	Members     []model.Member
	// PBProposals are a borgerbudget round's proposals (ReadPBProposals).
	PBProposals []model.PBProposal
	Problems    []Problem
	// Notes tell what was read differently from what one might expect,
	// without stopping the import: a totals row skipped, a column with
	// data that is not used, a second chair, two wishes with priority 1.
	Notes []Problem
}

// Problem says why a row (or a whole sheet) was not read.
type Problem struct {
	Sheet string // the sheet's name as in the file
	// Row is the row number as Excel shows it; 0 when the problem is with
	// the whole sheet.
	Row     int
	Message string // plain Danish, fit to show the user
	// Parts are Message in a form a screen says in its own language: one
	// Text for each message joined in Message by "; ".
	Parts []Text
}

// String gives "Budgetønsker, række 5: Udfyld titel".
func (p Problem) String() string {
	if p.Sheet == "" {
		return p.Message // about the file, not one sheet
	}
	if p.Row == 0 {
		return p.Sheet + ": " + p.Message
	}
	return fmt.Sprintf("%s, række %d: %s", p.Sheet, p.Row, p.Message)
}

// The errors of Read. Their text is Danish, fit to show the user; no
// message of the spreadsheet library reaches the user as it is.
var (
	ErrNotWorkbook = errors.New("filen er ikke et Excel-regneark (.xlsx)")
	ErrNoSheets    = errors.New("regnearket har ingen fane med budgetønsker, projekter eller medlemmer (fanerne skal hedde Budgetønsker, Projekter eller Medlemmer)")
	ErrOldFormat   = errors.New("filen er i det gamle Excel-format (.xls); åbn den i Excel eller LibreOffice, gem den som .xlsx og prøv igen")
	ErrPassword    = errors.New("regnearket er beskyttet med en adgangskode; gem det uden adgangskode og prøv igen")
	ErrDamaged     = errors.New("regnearket er beskadiget og kan ikke læses; åbn det i Excel eller LibreOffice, gem det igen, og prøv igen")
	ErrTooLarge    = fmt.Errorf("regnearket er for stort til at blive importeret (højst %d MB udpakket og %d rækker pr. fane); et lokalråds regneark er langt mindre, så filen er måske beskadiget", maxUnzip>>20, MaxRows)
)

// The limits on what Read takes. A crafted file of a few kilobytes can
// unpack to hundreds of megabytes and hundreds of thousands of rows, which
// would fill the memory and then be sent to the municipality by sync; a
// council's real workbook is a few hundred rows.
const (
	maxFile  = 20 << 20 // the file itself
	maxUnzip = 50 << 20 // what it unpacks to
	// MaxRows is how many rows a sheet may hold.
	MaxRows = 5000
)

// oleHeader starts a Compound File: an old .xls workbook, or an encrypted
// (password-protected) .xlsx.
var oleHeader = []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}

// encryptedPackage is the name of the stream of an encrypted workbook, as
// it is stored in the Compound File's directory (UTF-16).
var encryptedPackage = utf16le("EncryptedPackage")

func utf16le(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), 0)
	}
	return b
}

// checkZip refuses what the spreadsheet library would refuse in English
// (or accept and regret): not a zip, an old or encrypted workbook, a zip
// that unpacks too large.
func checkZip(b []byte) error {
	if len(b) > maxFile {
		return ErrTooLarge
	}
	if bytes.HasPrefix(b, oleHeader) {
		if bytes.Contains(b, encryptedPackage) {
			return ErrPassword
		}
		return ErrOldFormat
	}
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return ErrNotWorkbook
	}
	var total uint64
	for _, f := range z.File {
		total += f.UncompressedSize64
		if total > maxUnzip {
			return ErrTooLarge
		}
	}
	return nil
}

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
	return ReadContext(context.Background(), r, councilID, year)
}

// openWorkbook reads a workbook of at most maxFile bytes, refusing a
// file that is no zip, too large unpacked, old-format or locked with a
// password (ErrNotWorkbook, ErrTooLarge, ErrOldFormat, ErrPassword) and
// turning any panic of the library into ErrDamaged. The caller closes it.
func openWorkbook(r io.Reader) (*excelize.File, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("filen kunne ikke læses: %w", err)
	}
	if err := checkZip(b); err != nil {
		return nil, err
	}
	var f *excelize.File
	err = safely(func() (err error) {
		f, err = excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: maxUnzip, UnzipXMLSizeLimit: 16 << 20})
		return err
	})
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, openError(err)
	}
	return f, nil
}

// ReadContext is Read that stops when ctx is done (Ctrl-C in the CLI),
// returning ctx's error.
func ReadContext(ctx context.Context, r io.Reader, councilID string, year int) (imp *Import, err error) {
	// A panic of the library outside the calls guarded one by one is a
	// damaged file too, never a crash or English text.
	defer func() {
		if p := recover(); p != nil {
			logPanic(p)
			imp, err = nil, ErrDamaged
		}
	}()
	f, err := openWorkbook(r)
	if err != nil {
		return nil, err
	}
	defer f.Close()

	rd := &reader{ctx: ctx, f: f, imp: &Import{}, council: councilID, year: year}
	_ = safely(func() error {
		if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
			rd.date1904 = *p.Date1904
		}
		return nil
	})
	var sheets []string
	if err := safely(func() error { sheets = f.GetSheetList(); return nil }); err != nil || len(sheets) == 0 {
		return nil, ErrNotWorkbook
	}
	found := map[sheetKind]string{}
	for _, name := range sheets {
		if k, ok := sheetKindOf(name); ok {
			if first, dup := found[k]; dup {
				// "Budgetønsker" and "Budget wishes" in one file: the
				// second is not read, and the preview says so rather
				// than drop its rows without a word.
				rd.imp.Notes = append(rd.imp.Notes, newProblem(name, 0, say("the sheet is not read: the sheet »{{.First}}« has been read as the same kind; move the rows there if they should be imported", "First", first)))
			} else {
				found[k] = name
			}
		}
	}
	if len(found) == 0 {
		return nil, ErrNoSheets
	}
	read := map[string]bool{}
	for _, k := range []sheetKind{sheetWishes, sheetProjects, sheetMembers} {
		if name, ok := found[k]; ok {
			if err := rd.sheet(k, name); err != nil {
				return nil, err
			}
			read[name] = true
		}
	}
	rd.noteUnread(sheets, read, found)
	rd.flagDoubles()
	return rd.imp, nil
}

// noteUnread names, in one note, the sheets with anything in them that an
// import does not read (»Regnskab«, »Møder«, a tab of the treasurer's
// own), so that the preview never lets them pass for imported. A second
// sheet of a kind already read has its own note.
func (rd *reader) noteUnread(sheets []string, read map[string]bool, found map[sheetKind]string) {
	var unread []string
	for _, name := range sheets {
		if read[name] {
			continue
		}
		if k, ok := sheetKindOf(name); ok && found[k] != name {
			continue // the second of a kind: noted already
		}
		rows, err := rd.rows(name)
		if err != nil || !slices.ContainsFunc(rows, func(r []string) bool { return !blank(r) }) {
			continue
		}
		unread = append(unread, name)
	}
	switch len(unread) {
	case 0:
		return
	case 1:
		rd.imp.Notes = append(rd.imp.Notes, newProblem("", 0, say("the sheet »{{.Sheet}}« is not read: an import reads only budget wishes, projects and members", "Sheet", unread[0])))
	default:
		list := List{Join: "and"}
		for _, name := range unread {
			list.Items = append(list.Items, "»"+name+"«")
		}
		rd.imp.Notes = append(rd.imp.Notes, newProblem("", 0, say("the sheets {{.Sheets}} are not read: an import reads only budget wishes, projects and members", "Sheets", list)))
	}
}

// openError is the Danish for what the spreadsheet library said.
func openError(err error) error {
	switch {
	case errors.Is(err, excelize.ErrWorkbookPassword):
		return ErrPassword
	case errors.Is(err, excelize.ErrWorkbookFileFormat):
		return ErrOldFormat
	case strings.Contains(err.Error(), "unzip size exceeds"):
		return ErrTooLarge
	}
	return ErrNotWorkbook
}

// safely runs fn, turning a panic in the spreadsheet library (on a damaged
// file) into ErrDamaged: the user reads Danish, the log gets the library's
// English and where it happened.
func safely(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			logPanic(p)
			err = ErrDamaged
		}
	}()
	return fn()
}

// logPanic writes a recovered panic of the spreadsheet library to the log.
func logPanic(p any) {
	log.Printf("xlsx: the spreadsheet library failed on a damaged workbook: %v\n%s", p, debug.Stack())
}

type reader struct {
	ctx      context.Context
	f        *excelize.File
	imp      *Import
	council  string
	year     int
	date1904 bool

	// The sheet being read.
	name string
	cols map[string]int    // field → column index
	head map[string]string // field → its header as in the file

	pbRows []int // the Excel row of each of imp.PBProposals

	sheetOf map[sheetKind]string // each kind's sheet read, as the file names it
}

func (rd *reader) problem(row int, parts ...Text) {
	rd.imp.Problems = append(rd.imp.Problems, newProblem(rd.name, row, parts...))
}

func (rd *reader) note(row int, parts ...Text) {
	rd.imp.Notes = append(rd.imp.Notes, newProblem(rd.name, row, parts...))
}

// keyField is the column a sheet cannot do without.
var keyField = map[sheetKind]string{sheetWishes: fTitle, sheetProjects: fTitle, sheetMembers: fName}

// headerRows is how far down Read looks for the header row.
const headerRows = 10

// rows reads a sheet's rows as raw values, at most MaxRows that hold
// anything; more is ErrTooLarge.
func (rd *reader) rows(name string) ([][]string, error) {
	var out [][]string
	err := safely(func() error {
		it, err := rd.f.Rows(name)
		if err != nil {
			return err
		}
		defer it.Close()
		filled := 0
		for it.Next() {
			if len(out)%256 == 0 && rd.ctx.Err() != nil {
				return rd.ctx.Err()
			}
			cells, err := it.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				return err
			}
			if !blank(cells) {
				if filled++; filled > MaxRows+headerRows {
					return ErrTooLarge
				}
			}
			out = append(out, cells)
		}
		return it.Error()
	})
	return out, err
}

// filledDown are the columns whose cell, merged down over several rows,
// a treasurer means for each of them ("Natur" over three wishes): the
// merged value is read for every row. Others (an amount, a title) are
// read for the merge's first row only, and the preview says so, rather
// than count an amount once a row.
var filledDown = map[string]bool{fCategory: true, fStatus: true, fResponsible: true, fYear: true, fProject: true, fPool: true, fPlace: true, fKind: true}

// mergedDown gives rows, below the header row at headerAt, the value of a
// cell merged down over several rows in each row it covers (filledDown),
// or notes that only its first row has it. Cells merged across columns
// only are left as read.
func (rd *reader) mergedDown(name string, rows [][]string, headerAt int) {
	var merged []excelize.MergeCell
	if err := safely(func() (err error) { merged, err = rd.f.GetMergeCells(name); return err }); err != nil {
		return // read as the rows are; the merges only fill in
	}
	fieldAt := map[int]string{}
	for f, col := range rd.cols {
		fieldAt[col] = f
	}
	for _, m := range merged {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		_, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		field, used := fieldAt[c1-1]
		if err1 != nil || err2 != nil || r2 <= r1 || r1-1 <= headerAt || r1 > len(rows) || !used {
			continue
		}
		col, last := c1-1, min(r2, len(rows)) // a merge past the rows read covers none of them
		if !filledDown[field] {
			rd.note(r1, say("the cell {{.Cell}} is merged over rows {{.From}}–{{.To}}: it is read for row {{.From}} only", "Cell", m.GetStartAxis(), "From", r1, "To", r2))
			continue
		}
		value := cellAt(rows[r1-1], col)
		for r := r1 + 1; r <= last; r++ {
			if strings.TrimSpace(cellAt(rows[r-1], col)) != "" || blank(rows[r-1]) {
				continue
			}
			for len(rows[r-1]) <= col {
				rows[r-1] = append(rows[r-1], "")
			}
			rows[r-1][col] = value
		}
	}
}

// cellAt is cells[i], or "" past the row's end.
func cellAt(cells []string, i int) string {
	if i < len(cells) {
		return cells[i]
	}
	return ""
}

func (rd *reader) sheet(k sheetKind, name string) error {
	rd.name = name
	if rd.sheetOf == nil {
		rd.sheetOf = map[sheetKind]string{}
	}
	rd.sheetOf[k] = name
	rows, err := rd.rows(name)
	switch {
	case errors.Is(err, ErrTooLarge):
		return fmt.Errorf("fanen »%s« har mere end %d rækker: %w", name, MaxRows, ErrTooLarge)
	case rd.ctx.Err() != nil:
		return rd.ctx.Err()
	case err != nil:
		rd.problem(0, say("the sheet could not be read; the file may be damaged"))
		return nil
	}

	key := keyField[k]
	headerAt := -1
	var headerCells []string
	for i := 0; i < len(rows) && i < headerRows && headerAt < 0; i++ {
		cols, head := map[string]int{}, map[string]string{}
		for j, cell := range rows[i] {
			if field, ok := headerField(k, cell); ok {
				if _, dup := cols[field]; !dup {
					cols[field], head[field] = j, strings.TrimSpace(cell)
				}
			}
		}
		if _, ok := cols[key]; ok {
			headerAt, rd.cols, rd.head, headerCells = i, cols, head, rows[i]
		}
	}
	if headerAt < 0 {
		rd.problem(0, say("the sheet has no column headed »{{.Header}}«, so it is not read; the first row must be headers as in the template", "Header", headerWord(key)))
		return nil
	}
	rd.mergedDown(name, rows, headerAt)
	unused := rd.unusedColumns(k, headerCells, rows[headerAt+1:])
	if len(unused) > 0 {
		rd.note(0, say("the columns {{.Columns}} have contents but are not used (the header is unknown)", "Columns", List{Items: unused}))
	}
	if k == sheetWishes {
		if _, ok := rd.cols[fEstimate]; !ok {
			rd.problem(0, say("the sheet has no column with the amount (headed »{{.Header}}«, »Amount« or »Budget«), so it is not read; no wish is saved at 0 kr. without your knowing", "Header", headerWord(fEstimate)))
			return nil
		}
	}

	for i := headerAt + 1; i < len(rows); i++ {
		cells := rows[i]
		if blank(cells) {
			continue
		}
		excelRow := i + 1
		keyText := strings.TrimSpace(rd.raw(cells, key))
		if label, ok := totalsLabel(keyText, cells); ok && k != sheetMembers {
			rd.note(excelRow, say("the totals row (»{{.Label}}«) is skipped", "Label", label))
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
		case sheetPBProposals:
			rd.pbProposal(c)
		}
	}
	return nil
}

// unusedColumns names the columns that hold data below their header but
// are not read, so that the preview can say so instead of dropping them.
func (rd *reader) unusedColumns(k sheetKind, head []string, rows [][]string) []any {
	used := map[int]bool{}
	for _, j := range rd.cols {
		used[j] = true
	}
	var out []any // Texts
	width := len(head)
	for _, r := range rows {
		width = max(width, len(r))
	}
	for j := 0; j < width; j++ {
		if used[j] {
			continue
		}
		filled := false
		for _, r := range rows {
			if j < len(r) && strings.TrimSpace(r[j]) != "" && !totalsRow(strings.TrimSpace(r[j]), nil) {
				filled = true
				break
			}
		}
		if !filled {
			continue
		}
		name := ""
		if j < len(head) {
			name = strings.TrimSpace(head[j])
		}
		if name != "" && computedHeader(k, name) {
			continue
		}
		col, _ := excelize.ColumnNumberToName(j + 1)
		if name == "" {
			out = append(out, say("»{{.Column}}« (no header)", "Column", col))
		} else {
			out = append(out, say("»{{.Header}}« ({{.Column}})", "Header", clip(name), "Column", col))
		}
	}
	return out
}

// totalsRow tells a totals row: its key cell says "I alt" (or Total, Sum),
// or the key is empty and another cell says so.
func totalsRow(key string, cells []string) bool {
	_, ok := totalsLabel(key, cells)
	return ok
}

// totalsLabel is the word that makes a totals row one, as the file writes
// it (»I alt«, »Total«), and whether the row is one.
func totalsLabel(key string, cells []string) (string, bool) {
	if isTotal(key) {
		return key, true
	}
	if key != "" {
		return "", false
	}
	for _, c := range cells {
		if c = strings.TrimSpace(c); isTotal(c) {
			return c, true
		}
	}
	return "", false
}

// isExample tells the template's example rows: "Eksempel: …".
func isExample(s string) bool {
	before, _, ok := strings.Cut(s, ":")
	return ok && fold(before) == "eksempel"
}

// isTotal tells a totals row by its label.
func isTotal(s string) bool {
	switch fold(s) {
	case "ialt", "total", "totals", "sum", "samlet", "sumialt", "ialtkr", "samletsum", "grandtotal":
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
	msgs  []Text
}

func (c *rowCtx) text(field string) string { return strings.TrimSpace(c.rd.raw(c.cells, field)) }

// fail notes what is wrong with field's cell: a message of the danish
// table, under the column's header as the file writes it.
func (c *rowCtx) fail(field, key string, kv ...any) {
	t := say(key, kv...)
	t.Head = c.rd.head[field]
	c.msgs = append(c.msgs, t)
}

// cellRef is the name of field's cell in this row ("C7"); ok is false
// when the sheet has no column for field.
func (c *rowCtx) cellRef(field string) (ref string, ok bool) {
	j, ok := c.rd.cols[field]
	if !ok {
		return "", false
	}
	ref, err := excelize.CoordinatesToCellName(j+1, c.row)
	return ref, err == nil
}

// isText tells whether the cell of field holds text rather than a number:
// "12.500" typed as text is twelve thousand five hundred kroner, but as a
// number it is twelve and a half.
func (c *rowCtx) isText(field string) bool {
	ref, ok := c.cellRef(field)
	if !ok {
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

// money reads kroner into øre. An empty cell is 0, unless it holds a
// formula whose value the file did not keep (a program other than Excel
// wrote it): then the formula is computed, or the row refused.
func (c *rowCtx) money(field string) int64 {
	return c.amount(field, false)
}

// requiredMoney is money for an amount that must be there: an empty cell
// fails the row (required), and so does a formula that gives nothing,
// such as one that refers to its own cell (=B2 in B2), which the
// spreadsheet library computes as empty rather than as an error.
func (c *rowCtx) requiredMoney(field, missing string) int64 {
	c.required(field, missing)
	return c.amount(field, true)
}

func (c *rowCtx) amount(field string, need bool) int64 {
	s := c.text(field)
	computed := false // s is a formula's value the file did not keep
	if s == "" {
		n := len(c.msgs)
		v, ok := c.formula(field)
		if ok && v == "" && need && len(c.msgs) == n {
			c.fail(field, "the formula gives no amount (does it refer to its own cell?); correct the formula or type the amount")
		}
		if !ok || v == "" {
			return 0
		}
		s, computed = v, true
	}
	// A number cell's raw value is a plain number ("12500.5"). Text such as
	// "12.500", "12.5", "1.2345" or "1e3" could be either, and only then is
	// the cell's type asked for (which is slow): typed as text, it is read
	// the Danish way, never rounded.
	number := plainDecimal(s) && (!strings.Contains(s, ".") || computed) || !c.isText(field)
	if number {
		if v, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(v) && math.Abs(v) < 1e13 {
			return int64(math.Round(v * 100))
		}
	}
	v, point, err := parseAmount(s)
	if err != nil {
		c.fail(field, "»{{.Value}}« is not an amount; type e.g. 12.500,50", "Value", clip(s))
		return 0
	}
	if point {
		// Text such as »12.5« or »1,234.50« most likely came from a
		// spreadsheet in English: read so, and said, for the treasurer to
		// check (in Danish a dot groups thousands).
		ref, _ := c.cellRef(field)
		t := say("the cell {{.Cell}} holds the text »{{.Value}}«, read with a point as the decimal point: {{.Amount}}; check the amount",
			"Cell", ref, "Value", clip(s), "Amount", model.Kroner(v))
		t.Head = c.rd.head[field]
		c.rd.note(c.row, t)
	}
	return v
}

// required fails the row when field is empty, saying missing: an amount
// left out is not 0 kr.
func (c *rowCtx) required(field, missing string) {
	if _, ok := c.rd.cols[field]; !ok {
		return
	}
	if c.text(field) == "" && !c.hasFormula(field) {
		c.fail(field, missing)
	}
}

// hasFormula tells whether field's cell holds a formula.
func (c *rowCtx) hasFormula(field string) bool {
	ref, ok := c.cellRef(field)
	if !ok {
		return false
	}
	var f string
	_ = safely(func() (err error) {
		f, err = c.rd.f.GetCellFormula(c.rd.name, ref)
		return err
	})
	return f != ""
}

// formula computes the formula in field's cell, when the cell shows no
// value; ok is false when there is no formula. A formula that cannot be
// computed fails the row.
func (c *rowCtx) formula(field string) (string, bool) {
	ref, ok := c.cellRef(field)
	if !ok {
		return "", false
	}
	var f, v string
	err := safely(func() (err error) {
		if f, err = c.rd.f.GetCellFormula(c.rd.name, ref); err != nil || f == "" {
			return err
		}
		v, err = c.rd.f.CalcCellValue(c.rd.name, ref, excelize.Options{RawCellValue: true})
		return err
	})
	if f == "" {
		return "", false
	}
	if err != nil || strings.HasPrefix(v, "#") {
		c.fail(field, "the formula ={{.Formula}} could not be computed; open the file in Excel, save it and try again", "Formula", clip(f))
		return "", true
	}
	return strings.TrimSpace(v), true
}

// plainDecimal tells whether s is digits with at most two decimals after a
// point, "12500", "-3" or "12500.5": the same amount read as a number or as
// text.
func plainDecimal(s string) bool {
	whole, frac, ok := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	return digits(whole) && (!ok || len(frac) <= 2 && digits(frac))
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
// ("12,500.50", "12.50", "12.5"); point tells that a dot was read as the
// decimal point.
func parseAmount(s string) (v int64, point bool, err error) {
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
		point = true
	case dot >= 0 && comma < 0 && strings.Count(s, ".") == 1 && len(s)-dot-1 <= 2 && len(s)-dot-1 > 0:
		// 12.50 is a decimal point; 12.500 is a thousands separator.
		s = s[:dot] + "," + s[dot+1:]
		point = true
	}
	v, err = model.ParseKroner(s)
	return v, point && err == nil, err
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
	c.fail(field, "»{{.Value}}« is not a whole number", "Value", clip(s))
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
		c.fail(field, "»{{.Value}}« is not a percentage", "Value", clip(s))
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
		c.fail(field, "»{{.Value}}« is not a date; type e.g. 26.11.2026", "Value", clip(s))
		return time.Time{}
	}
	t := s
	if len(t) > 10 && t[4] == '-' && (t[10] == 'T' || t[10] == ' ') {
		t = t[:10] // 2026-11-26T00:00:00Z from an ISO date cell
	}
	d, err := model.ParseDate(t)
	if err != nil {
		c.fail(field, "»{{.Value}}« is not a date; type e.g. 26.11.2026", "Value", clip(s))
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
	c.fail(field, "»{{.Value}}« is neither yes nor no", "Value", clip(s))
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
	names := List{Join: "or"}
	for _, v := range all {
		names.Items = append(names.Items, Word{Da: model.Label(v, model.Danish), En: model.Label(v, model.English)})
	}
	c.fail(field, "»{{.Value}}« is unknown; use {{.Choices}}", "Value", clip(s), "Choices", names)
	return def
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
		c.rd.problem(c.row, c.msgs...)
		return
	}
	keep()
}

// messages gives each error joined in err as a Text (whose Danish is a
// FieldError's Da, or the error's text).
func messages(err error) []Text {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []Text
		for _, e := range j.Unwrap() {
			out = append(out, messages(e)...)
		}
		return out
	}
	return []Text{{Err: err}}
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
	w.Estimate = c.requiredMoney(fEstimate, "is missing; type 0 if the wish costs nothing")
	w.Status = choice(c, fStatus, indexes().wishStatus, model.WishDraft, model.WishStatuses)
	w.Answer = choice(c, fAnswer, indexes().answer, model.AnswerNone, model.Answers)
	w.AnswerText = c.text(fAnswerText)
	w.Granted = c.money(fGranted)
	c.done(&w, func() { rd.imp.Wishes = append(rd.imp.Wishes, w) })
}

func (rd *reader) project(c *rowCtx) {
	p := model.Project{
		CouncilID:    rd.council,
		Title:        c.text(fTitle),
		Description:  c.text(fDescription),
		Status:       choice(c, fStatus, indexes().projectStatus, model.ProjectIdea, model.ProjectStatuses),
		WorkingGroup: c.text(fWorkingGroup),
		Start:        c.date(fStart),
		End:          c.date(fEnd),
		Progress:     c.percent(fProgress),
	}
	responsible := c.text(fResponsible)
	c.done(&p, func() {
		rd.imp.Projects = append(rd.imp.Projects, p)
		rd.imp.Responsible = append(rd.imp.Responsible, responsible)
	})
}

func (rd *reader) member(c *rowCtx) {
	m := model.Member{
		CouncilID: rd.council,
		Name:      c.text(fName),
		Role:      choice(c, fRole, indexes().role, model.RoleMember, model.Roles),
		Contact:   c.yes(fContact),
		TermStart: c.date(fTermStart),
		TermEnd:   c.date(fTermEnd),
		Phone:     c.text(fPhone),
		Email:     c.text(fEmail),
	}
	c.done(&m, func() { rd.imp.Members = append(rd.imp.Members, m) })
}

// flagDoubles notes what is allowed but is most likely a mistake: two
// chairs, or two wishes with the same priority in one year.
func (rd *reader) flagDoubles() {
	roles := map[model.Role][]string{}
	for _, m := range rd.imp.Members {
		if m.Role == model.RoleChair || m.Role == model.RoleViceChair || m.Role == model.RoleTreasurer || m.Role == model.RoleSecretary {
			roles[m.Role] = append(roles[m.Role], m.Name)
		}
	}
	for _, r := range model.Roles {
		if names := roles[r]; len(names) > 1 {
			rd.imp.Notes = append(rd.imp.Notes, newProblem(rd.sheetName(sheetMembers), 0, say("{{.Count}} have the role {{.Role}}: {{.Names}}; check that this is right",
				"Count", len(names), "Role", Word{Da: model.Label(r, model.Danish), En: model.Label(r, model.English)}, "Names", strings.Join(names, ", "))))
		}
	}
	type yr struct{ year, rank int }
	ranks := map[yr][]string{}
	var keys []yr
	for _, w := range rd.imp.Wishes {
		if w.Rank == 0 {
			continue
		}
		k := yr{w.Year, w.Rank}
		if ranks[k] == nil {
			keys = append(keys, k)
		}
		ranks[k] = append(ranks[k], w.Title)
	}
	for _, k := range keys {
		if t := ranks[k]; len(t) > 1 {
			rd.imp.Notes = append(rd.imp.Notes, newProblem(rd.sheetName(sheetWishes), 0, say("{{.Count}} wishes in {{.Year}} have priority {{.Rank}}: {{.Titles}}; only one can come first",
				"Count", len(t), "Year", k.year, "Rank", k.rank, "Titles", strings.Join(t, ", "))))
		}
	}
}

// sheetName is the name of the sheet of kind k as the file gives it
// (»Members« in an English file), or the Danish name.
func (rd *reader) sheetName(k sheetKind) string {
	if name, ok := rd.sheetOf[k]; ok {
		return name
	}
	return map[sheetKind]string{sheetWishes: "Budgetønsker", sheetMembers: "Medlemmer"}[k]
}

// headerWord is the template's header of field in both languages.
func headerWord(field string) Word {
	return Word{Da: header(field, model.Danish), En: header(field, model.English)}
}
