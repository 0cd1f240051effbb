// Package pb reads and writes Pabulib .pb files: the open format of
// pabulib.org for participatory-budgeting elections (borgerbudgetter), and
// turns them into a model.Election to count.
//
// A file has three sections, each a ';'-separated table with a header line:
//
//	META                      PROJECTS                       VOTES
//	key;value                 project_id;cost;votes;name;…   voter_id;vote;points;…
//	budget;122468             1828;90770;206;Skaterbane;…    28;8,7,1;;…
//
// Fields may be CSV-quoted, with doubled quotes inside. Budgets and costs
// may be decimal ("969245.38") and are kept exact.
//
// Parse is bounded so that a file cannot eat the machine: at most MaxBytes
// read, MaxLineBytes on one line, MaxProjects proposals, MaxVotes ballots
// and MaxColumns columns; beyond that it stops with an error naming the line.
package pb

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"

	"lokalraad/model"
)

// Limits of Parse.
const (
	MaxBytes     = 128 << 20 // the whole file
	MaxLineBytes = 1 << 20   // one line (a quoted field may span lines; counted together)
	MaxProjects  = 10_000    // rows in PROJECTS
	MaxVotes     = 2_000_000 // rows in VOTES
	MaxColumns   = 200       // fields on one row
)

// File is a parsed .pb file, every field as text, in file order.
type File struct {
	Meta     []Field
	Projects Table
	Votes    Table
	// metaLine is the line each META key was read from (the last, when
	// repeated), for messages.
	metaLine map[string]int
}

// metaError is an error about META key, naming its line when the file was
// read.
func (f *File) metaError(key, format string, args ...any) error {
	msg := "META " + key + ": " + fmt.Sprintf(format, args...)
	if n := f.metaLine[key]; n > 0 {
		return lineError(n, "%s", msg)
	}
	return errors.New(msg)
}

// Field is one META line.
type Field struct{ Key, Value string }

// Table is a section's header and rows. Line holds the line number each row
// started on, for messages. A row may have fewer fields than the header;
// Get gives "" for those.
type Table struct {
	Header []string
	Rows   [][]string
	Line   []int
}

// Col is the index of the column named name, or -1.
func (t *Table) Col(name string) int {
	for i, h := range t.Header {
		if h == name {
			return i
		}
	}
	return -1
}

// Get is row i's field in column col ("" if the row is short or col < 0).
func (t *Table) Get(i, col int) string {
	if col < 0 || col >= len(t.Rows[i]) {
		return ""
	}
	return t.Rows[i][col]
}

// Get is the META value of key, "" if missing.
func (f *File) Get(key string) string {
	for _, m := range f.Meta {
		if m.Key == key {
			return m.Value
		}
	}
	return ""
}

// Set sets the META value of key, adding it at the end if missing.
func (f *File) Set(key, value string) {
	for i, m := range f.Meta {
		if m.Key == key {
			f.Meta[i].Value = value
			return
		}
	}
	f.Meta = append(f.Meta, Field{key, value})
}

// lineError is an error on a line of the file, in Danish.
func lineError(line int, format string, args ...any) error {
	return fmt.Errorf("linje %d: %s", line, fmt.Sprintf(format, args...))
}

// ErrTooLarge is returned when the file is larger than MaxBytes.
var ErrTooLarge = model.NewError(model.Invalid, fmt.Sprintf("filen er større end %d MB; del den op eller kontakt kommunen", MaxBytes>>20))

// Parse reads a .pb file. Errors are in Danish, name the line and have
// the code model.Invalid.
func Parse(r io.Reader) (*File, error) {
	f, err := parse(r)
	return f, invalid(err)
}

// invalid gives err the code model.Invalid, keeping its text.
func invalid(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrTooLarge) {
		return err
	}
	return &model.Error{Code: model.Invalid, Msg: err.Error()}
}

func parse(r io.Reader) (*File, error) {
	lr := &io.LimitedReader{R: r, N: MaxBytes + 1}
	br := bufio.NewReaderSize(lr, 64<<10)
	f := &File{}
	section := ""
	var table *Table
	needHeader := false
	line := 0
	sawMeta := false
	for {
		start := line + 1
		fields, n, err := readRecord(br, &line)
		if lr.N <= 0 {
			return nil, ErrTooLarge
		}
		if err == io.EOF && n == 0 {
			break
		}
		if err != nil && err != io.EOF {
			var le *lineErr
			if errors.As(err, &le) {
				return nil, lineError(start, "%s", le.msg)
			}
			return nil, fmt.Errorf("linje %d: kunne ikke læses: %v", start, err)
		}
		if start == 1 && len(fields) > 0 {
			fields[0] = strings.TrimPrefix(fields[0], "\uFEFF")
		}
		if len(fields) == 1 && strings.TrimSpace(fields[0]) == "" {
			if err == io.EOF {
				break
			}
			continue // blank line
		}
		if len(fields) == 1 || (len(fields) > 1 && allEmpty(fields[1:])) {
			switch name := strings.ToUpper(strings.TrimSpace(fields[0])); name {
			case "META", "PROJECTS", "VOTES":
				if name == "META" && section != "" || name == "PROJECTS" && section != "META" || name == "VOTES" && section != "PROJECTS" {
					return nil, lineError(start, "afsnittet %s står forkert; rækkefølgen er META, PROJECTS, VOTES", name)
				}
				section = name
				needHeader = true
				switch name {
				case "META":
					sawMeta = true
				case "PROJECTS":
					table = &f.Projects
				case "VOTES":
					table = &f.Votes
				}
				if err == io.EOF {
					break
				}
				continue
			}
		}
		if section == "" {
			return nil, lineError(start, "filen skal begynde med META")
		}
		if len(fields) > MaxColumns {
			return nil, lineError(start, "%d felter; højst %d", len(fields), MaxColumns)
		}
		for i := range fields {
			fields[i] = strings.TrimSpace(fields[i])
		}
		if needHeader {
			needHeader = false
			if section == "META" {
				// The header is key;value; like pabutools, take any.
			} else {
				seen := map[string]bool{}
				for _, h := range fields {
					if h != "" && seen[h] {
						return nil, lineError(start, "kolonnen %q står to gange", h)
					}
					seen[h] = true
				}
				table.Header = fields
			}
		} else if section == "META" {
			if fields[0] == "" {
				return nil, lineError(start, "en META-linje mangler nøglen")
			}
			// A value with an unquoted ';' (seen in real descriptions)
			// keeps its text.
			val := strings.Join(fields[1:], ";")
			if len(fields) > 2 && allEmpty(fields[2:]) {
				val = fields[1]
			}
			if f.metaLine == nil {
				f.metaLine = map[string]int{}
			}
			f.metaLine[fields[0]] = start
			if i := metaIndex(f.Meta, fields[0]); i >= 0 {
				// Repeated keys: the last one counts, as in pabutools, but
				// two different budgets or vote types are refused.
				if f.Meta[i].Value != val && (fields[0] == "budget" || fields[0] == "vote_type") {
					return nil, lineError(start, "nøglen %q står to gange i META med forskellige værdier", fields[0])
				}
				f.Meta[i].Value = val
			} else {
				f.Meta = append(f.Meta, Field{fields[0], val})
			}
			if len(f.Meta) > MaxColumns*10 {
				return nil, lineError(start, "for mange META-linjer")
			}
		} else {
			if len(fields) > len(table.Header) {
				if !allEmpty(fields[len(table.Header):]) {
					return nil, lineError(start, "%d felter, men overskriften har %d", len(fields), len(table.Header))
				}
				fields = fields[:len(table.Header)]
			}
			limit := MaxProjects
			if section == "VOTES" {
				limit = MaxVotes
			}
			if len(table.Rows) >= limit {
				return nil, lineError(start, "for mange rækker i %s; højst %d", section, limit)
			}
			table.Rows = append(table.Rows, fields)
			table.Line = append(table.Line, start)
		}
		if err == io.EOF {
			break
		}
	}
	switch {
	case !sawMeta:
		return nil, errors.New("filen er tom eller ikke en Pabulib-fil (.pb): META mangler")
	case f.Projects.Header == nil:
		return nil, lineError(line, "afsnittet PROJECTS mangler")
	case f.Votes.Header == nil:
		return nil, lineError(line, "afsnittet VOTES mangler")
	}
	return f, nil
}

func hasKey(meta []Field, key string) bool { return metaIndex(meta, key) >= 0 }

func metaIndex(meta []Field, key string) int {
	for i, m := range meta {
		if m.Key == key {
			return i
		}
	}
	return -1
}

func allEmpty(fs []string) bool {
	for _, f := range fs {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

type lineErr struct{ msg string }

func (e *lineErr) Error() string { return e.msg }

// readRecord reads one record: a line, or more if a quoted field holds a
// line break. It returns the fields and the bytes read; line is advanced by
// the lines read.
func readRecord(br *bufio.Reader, line *int) ([]string, int, error) {
	var fields []string
	var cur strings.Builder
	inQuote, quoted := false, false
	total := 0
	for {
		raw, err := br.ReadSlice('\n')
		total += len(raw)
		if total > MaxLineBytes {
			return nil, total, &lineErr{fmt.Sprintf("linjen er længere end %d KB", MaxLineBytes>>10)}
		}
		if err == bufio.ErrBufferFull {
			// A long line: keep reading it.
			consume(raw, &fields, &cur, &inQuote, &quoted)
			continue
		}
		if len(raw) > 0 {
			*line++
		}
		s := raw
		if err == nil {
			s = s[:len(s)-1]
			if len(s) > 0 && s[len(s)-1] == '\r' && !inQuoteAfter(s, inQuote) {
				s = s[:len(s)-1]
			}
		}
		if e := consume(s, &fields, &cur, &inQuote, &quoted); e != nil {
			return nil, total, e
		}
		if inQuote && err == nil {
			cur.WriteByte('\n')
			continue
		}
		if inQuote {
			return nil, total, &lineErr{"et citationstegn (\") lukkes aldrig"}
		}
		fields = append(fields, cur.String())
		if err != nil && err != io.EOF {
			return nil, total, err
		}
		return fields, total, err
	}
}

// inQuoteAfter reports whether s leaves a quote open when started with
// inQuote (used only to decide whether a trailing \r is data).
func inQuoteAfter(s []byte, inQuote bool) bool {
	for _, b := range s {
		if b == '"' {
			inQuote = !inQuote
		}
	}
	return inQuote
}

// consume splits s into fields, continuing cur and the quote state.
func consume(s []byte, fields *[]string, cur *strings.Builder, inQuote, quoted *bool) error {
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case *inQuote:
			if b == '"' {
				if i+1 < len(s) && s[i+1] == '"' {
					cur.WriteByte('"')
					i++
				} else {
					*inQuote = false
				}
			} else {
				cur.WriteByte(b)
			}
		case b == '"' && strings.TrimSpace(cur.String()) == "" && !*quoted:
			cur.Reset()
			*inQuote, *quoted = true, true
		case b == ';':
			*fields = append(*fields, cur.String())
			cur.Reset()
			*quoted = false
			if len(*fields) > MaxColumns {
				return &lineErr{fmt.Sprintf("mere end %d felter", MaxColumns)}
			}
		default:
			cur.WriteByte(b)
		}
	}
	return nil
}

// ParseAmount reads a budget or cost: digits with an optional decimal
// point ("969245.38"), exact. A decimal comma ("969245,38") is taken too.
func ParseAmount(s string) (*big.Rat, error) {
	t := strings.Replace(strings.TrimSpace(s), ",", ".", 1)
	ok := t != "" && t != "."
	dots := 0
	for i, r := range t {
		switch {
		case r >= '0' && r <= '9':
		case r == '.':
			dots++
		case r == '-' && i == 0:
		default:
			ok = false
		}
	}
	if !ok || dots > 1 || len(t) > 40 {
		return nil, fmt.Errorf("%q er ikke et beløb (skriv fx 122468 eller 969245.38)", s)
	}
	r, good := new(big.Rat).SetString(t)
	if !good {
		return nil, fmt.Errorf("%q er ikke et beløb", s)
	}
	if r.Sign() < 0 {
		return nil, fmt.Errorf("beløbet %s er negativt", s)
	}
	return r, nil
}

// FormatAmount writes an exact amount the way Parse reads it: an integer,
// or a decimal with as many digits as it needs (up to 18), without
// trailing zeros.
func FormatAmount(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	s := r.FloatString(18)
	return strings.TrimRight(strings.TrimRight(s, "0"), ".")
}

// Election turns the file into an election to count: META budget,
// vote_type and max_length; PROJECTS project_id, cost and name; VOTES vote
// and points. The votes and score columns are not trusted: the count is
// made from the ballots. Errors have the code model.Invalid.
func (f *File) Election() (model.Election, error) {
	e, err := f.election()
	return e, invalid(err)
}

func (f *File) election() (model.Election, error) {
	var e model.Election
	b := f.Get("budget")
	if b == "" {
		return e, errors.New("META mangler budget")
	}
	budget, err := ParseAmount(b)
	if err != nil {
		return e, fmt.Errorf("META budget: %w", err)
	}
	e.Budget = budget
	switch vt := strings.ToLower(f.Get("vote_type")); vt {
	case "", "approval":
		e.Kind = model.BallotApproval
	case "cumulative", "ordinal", "scoring":
		e.Kind = model.BallotKind(vt)
	default:
		return e, fmt.Errorf("META vote_type %q kendes ikke; brug approval, cumulative, ordinal eller scoring", vt)
	}
	if ml := f.Get("max_length"); ml != "" && e.Kind == model.BallotOrdinal {
		n, err := strconv.Atoi(ml)
		if err != nil || n < 1 {
			return e, fmt.Errorf("META max_length %q er ikke et positivt heltal", ml)
		}
		e.MaxLength = n
	}
	pt := &f.Projects
	idCol, costCol, nameCol := pt.Col("project_id"), pt.Col("cost"), pt.Col("name")
	if idCol < 0 {
		idCol = 0 // the id is the first column, whatever its name (as pabutools reads it)
	}
	if costCol < 0 {
		return e, errors.New("PROJECTS skal have kolonnerne project_id og cost")
	}
	known := make(map[string]bool, len(pt.Rows))
	for i := range pt.Rows {
		id := pt.Get(i, idCol)
		if id == "" {
			return e, lineError(pt.Line[i], "project_id mangler")
		}
		if known[id] {
			return e, lineError(pt.Line[i], "forslaget %q står der to gange", id)
		}
		known[id] = true
		cost, err := ParseAmount(pt.Get(i, costCol))
		if err != nil {
			return e, lineError(pt.Line[i], "pris: %v", err)
		}
		e.Projects = append(e.Projects, model.ElectionProject{ID: id, Name: pt.Get(i, nameCol), Cost: cost})
	}
	vt := &f.Votes
	voteCol, pointsCol := vt.Col("vote"), vt.Col("points")
	if voteCol < 0 {
		return e, errors.New("VOTES skal have kolonnen vote")
	}
	withPoints := e.Kind == model.BallotCumulative || e.Kind == model.BallotScoring
	if withPoints && pointsCol < 0 {
		return e, fmt.Errorf("VOTES skal have kolonnen points, når vote_type er %s", e.Kind)
	}
	longest := 0
	e.Ballots = make([]model.ElectionBallot, 0, len(vt.Rows))
	for i := range vt.Rows {
		var bal model.ElectionBallot
		dup := false
		if v := vt.Get(i, voteCol); v != "" {
			bal.Projects = strings.Split(v, ",")
			seen := make(map[string]bool, len(bal.Projects))
			for k, id := range bal.Projects {
				id = strings.TrimSpace(id)
				bal.Projects[k] = id
				if !known[id] {
					return e, lineError(vt.Line[i], "stemmen nævner forslaget %q, som ikke står under PROJECTS", id)
				}
				if seen[id] {
					dup = true
				}
				seen[id] = true
			}
		}
		if withPoints {
			ps := vt.Get(i, pointsCol)
			var parts []string
			if ps != "" {
				parts = strings.Split(ps, ",")
			}
			if len(parts) != len(bal.Projects) {
				return e, lineError(vt.Line[i], "%d forslag men %d point", len(bal.Projects), len(parts))
			}
			for _, p := range parts {
				n, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
				low := int64(0)
				if e.Kind == model.BallotScoring {
					low = -model.MaxBallotPoints
				}
				if err != nil || n < low || n > model.MaxBallotPoints {
					return e, lineError(vt.Line[i], "%q er ikke et antal point (et helt tal fra %d til %d)", p, low, int64(model.MaxBallotPoints))
				}
				bal.Points = append(bal.Points, n)
			}
		}
		if dup {
			bal = dedupe(bal)
		}
		longest = max(longest, len(bal.Projects))
		e.Ballots = append(e.Ballots, bal)
	}
	if e.Kind == model.BallotOrdinal && e.MaxLength < longest {
		// A ballot longer than max_length: rank points by the longest
		// ballot rather than refuse a real election's file.
		e.MaxLength = longest
	}
	return e, nil
}

// dedupe keeps the first mention of each proposal on a ballot that names
// one twice (as pabutools' ballots, which are sets or maps, do in effect).
func dedupe(b model.ElectionBallot) model.ElectionBallot {
	var out model.ElectionBallot
	seen := make(map[string]bool, len(b.Projects))
	for k, id := range b.Projects {
		if seen[id] {
			continue
		}
		seen[id] = true
		out.Projects = append(out.Projects, id)
		if k < len(b.Points) {
			out.Points = append(out.Points, b.Points[k])
		}
	}
	return out
}
