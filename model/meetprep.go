package model

// Meeting preparation: attendance and quorum, approval of the minutes,
// agenda templates and the register of decisions.

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Presence is where a person stands on a meeting's attendance list.
type Presence string

// The states of attendance. PresenceUnknown is a member not yet marked.
const (
	PresenceUnknown Presence = ""
	Present         Presence = "til_stede"
	Apology         Presence = "afbud"
	AbsentP         Presence = "fravaerende"
)

// Presences lists the states a member can be marked with, in order.
var Presences = []Presence{Present, Apology, AbsentP}

// Attendance is one person on a meeting's attendance list.
type Attendance struct {
	Name     string
	MemberID string // "" for a name that is not a member's
	Board    bool   // counts toward the quorum
	Presence Presence
}

func hasName(list []string, name string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.EqualFold(s, strings.TrimSpace(name)) })
}

// PresenceOf is where name stands on m's lists.
func PresenceOf(m Meeting, name string) Presence {
	switch {
	case hasName(ListLines(m.Attendees), name):
		return Present
	case hasName(ListLines(m.Apologies), name):
		return Apology
	case hasName(ListLines(m.Absent), name):
		return AbsentP
	}
	return PresenceUnknown
}

// OnBoard tells whether a member sits on the board at time at: not a
// suppleant, and within the term where the term is known.
func OnBoard(mb Member, at time.Time) bool {
	if mb.Role == RoleSubstitute {
		return false
	}
	// Calendar days compared as text (terms are dates, the meeting an
	// instant shown in Danish time).
	d := at.In(Copenhagen).Format(DateLayout)
	if !mb.TermStart.IsZero() && d < mb.TermStart.Format(DateLayout) {
		return false
	}
	if !mb.TermEnd.IsZero() && d > mb.TermEnd.Format(DateLayout) {
		return false
	}
	return true
}

// AttendanceList is the meeting's attendance: every member (board first,
// in board order, then by name), then names on the lists that are not
// members'. Guests are not on it (m.Guests).
func AttendanceList(m Meeting, members []Member) []Attendance {
	ms := slices.Clone(members)
	slices.SortStableFunc(ms, func(a, b Member) int {
		ba, bb := OnBoard(a, m.Start), OnBoard(b, m.Start)
		if ba != bb {
			if ba {
				return -1
			}
			return 1
		}
		if r := slices.Index(Roles, a.Role) - slices.Index(Roles, b.Role); r != 0 {
			return r
		}
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	var out []Attendance
	seen := map[string]bool{}
	for _, mb := range ms {
		key := strings.ToLower(strings.TrimSpace(mb.Name))
		if key == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, Attendance{Name: strings.TrimSpace(mb.Name), MemberID: mb.ID, Board: OnBoard(mb, m.Start), Presence: PresenceOf(m, mb.Name)})
	}
	for _, p := range []struct {
		list string
		p    Presence
	}{{m.Attendees, Present}, {m.Apologies, Apology}, {m.Absent, AbsentP}} {
		for _, n := range ListLines(p.list) {
			if key := strings.ToLower(n); !seen[key] {
				seen[key] = true
				out = append(out, Attendance{Name: n, Presence: p.p})
			}
		}
	}
	return out
}

// SetPresence moves name to the list of presence p (PresenceUnknown takes
// it off every list), keeping the other lines as they were.
func SetPresence(m *Meeting, name string, p Presence) {
	name = strings.TrimSpace(name)
	if name == "" {
		return
	}
	// A name already on a list keeps the spelling it has there.
	for _, l := range ListLines(m.Attendees + "\n" + m.Apologies + "\n" + m.Absent) {
		if strings.EqualFold(l, name) {
			name = l
			break
		}
	}
	drop := func(s string) string {
		var kept []string
		for _, l := range strings.Split(s, "\n") {
			if !strings.EqualFold(strings.TrimSpace(l), name) && (strings.TrimSpace(l) != "" || len(kept) > 0) {
				kept = append(kept, l)
			}
		}
		return strings.TrimRight(strings.Join(kept, "\n"), "\n")
	}
	add := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return name
		}
		return strings.TrimRight(s, "\n") + "\n" + name
	}
	m.Attendees, m.Apologies, m.Absent = drop(m.Attendees), drop(m.Apologies), drop(m.Absent)
	switch p {
	case Present:
		m.Attendees = add(m.Attendees)
	case Apology:
		m.Apologies = add(m.Apologies)
	case AbsentP:
		m.Absent = add(m.Absent)
	}
}

// Quorum says whether a meeting's board was beslutningsdygtig.
type Quorum struct {
	Board   int // board members at the meeting's date
	Present int // of them, marked present
	Needed  int // present needed
}

// OK tells whether enough of the board was present. A council with no
// board members known has no quorum to reach.
func (q Quorum) OK() bool { return q.Board > 0 && q.Present >= q.Needed }

// QuorumOf counts the board members present at m against the council's
// rule: c.Quorum members when set, otherwise more than half the board.
func QuorumOf(c Council, members []Member, m Meeting) Quorum {
	var q Quorum
	for _, a := range AttendanceList(m, members) {
		if a.Board {
			q.Board++
			if a.Presence == Present {
				q.Present++
			}
		}
	}
	q.Needed = q.Board/2 + 1
	if c.Quorum > 0 {
		q.Needed = c.Quorum
	}
	return q
}

// QuorumText says it in words: "Beslutningsdygtig: 4 af 7 i bestyrelsen
// til stede (mindst 4)".
func QuorumText(q Quorum, l Lang) string {
	if l == English {
		verdict := "Quorate"
		if !q.OK() {
			verdict = "Not quorate"
		}
		return fmt.Sprintf("%s: %d of %d board members present (at least %d needed)", verdict, q.Present, q.Board, q.Needed)
	}
	verdict := "Beslutningsdygtig"
	if !q.OK() {
		verdict = "Ikke beslutningsdygtig"
	}
	return fmt.Sprintf("%s: %d af %d i bestyrelsen til stede (mindst %d)", verdict, q.Present, q.Board, q.Needed)
}

// ApprovalText is the banner of approved minutes: "Godkendt 12.01.2027 på
// mødet Bestyrelsesmøde 12.01.2027 af Karen Østergaard". at is the meeting
// it was approved at (zero when not said).
func ApprovalText(m Meeting, at Meeting, l Lang) string {
	if m.Status != MeetingApproved {
		return ""
	}
	en := l == English
	var b strings.Builder
	b.WriteString(pick(en, "Godkendt ", "Approved ") + ShortDate(m.ApprovedAt))
	if at.ID != "" {
		b.WriteString(pick(en, " på mødet ", " at the meeting ") + MeetingTitle(at, l))
	}
	if s := strings.TrimSpace(m.ApprovedBy); s != "" {
		b.WriteString(pick(en, " af ", " by ") + s)
	}
	return b.String()
}

// ApprovedMinutesItem is the standing item under which a meeting records
// that earlier minutes were approved.
const ApprovedMinutesItem = "Godkendelse af referat"

// ApprovalDecision is the sentence the later meeting's minutes record:
// "Referatet af mødet Bestyrelsesmøde 01.12.2026 blev godkendt (Karen
// Østergaard)."
func ApprovalDecision(m Meeting) string {
	s := "Referatet af mødet " + MeetingTitle(m, Danish) + " blev godkendt"
	if by := strings.TrimSpace(m.ApprovedBy); by != "" {
		s += " (" + by + ")"
	}
	return s + "."
}

// RecordApproval adds the approval of m to the decision of item it (the
// later meeting's "Godkendelse af referat"), once: a text that holds it
// already is returned as it was.
func RecordApproval(decision string, m Meeting) string {
	line := ApprovalDecision(m)
	if strings.Contains(decision, line) {
		return decision
	}
	if strings.TrimSpace(decision) == "" {
		return line
	}
	return strings.TrimRight(decision, "\n") + "\n" + line
}

// ApprovalItem picks the item of a meeting's agenda that records approved
// minutes: the one titled "Godkendelse af referat" (any case), or false.
func ApprovalItem(items []AgendaItem) (AgendaItem, bool) {
	for _, it := range items {
		if strings.EqualFold(strings.TrimSpace(it.Title), ApprovedMinutesItem) ||
			strings.HasPrefix(strings.ToLower(strings.TrimSpace(it.Title)), strings.ToLower(ApprovedMinutesItem)) {
			return it, true
		}
	}
	return AgendaItem{}, false
}

// AgendaTemplate is an agenda a council reuses: its own, saved from a
// meeting, or the standard ones (StandardTemplates).
type AgendaTemplate struct {
	ID        string // "" for a standard template
	CouncilID string
	Name      string
	Items     []TemplateItem
}

// TemplateItem is one item of a template.
type TemplateItem struct {
	Title   string
	Kind    ItemKind
	Minutes int
}

// StandingItems are the items every board meeting starts and ends with.
var StandingItems = []TemplateItem{
	{"Godkendelse af dagsorden", ItemDecision, 5},
	{ApprovedMinutesItem, ItemDecision, 5},
	{"Opfølgning på opgaver", ItemInformation, 10},
	{"Eventuelt", ItemInformation, 10},
}

// StandardTemplates are the templates every council has: a board meeting
// with the standing items, and the generalforsamling's standard agenda.
func StandardTemplates(l Lang) []AgendaTemplate {
	board := AgendaTemplate{Name: "Bestyrelsesmøde (faste punkter)", Items: StandingItems}
	agm := AgendaTemplate{Name: "Generalforsamling (standarddagsorden)"}
	if l == English {
		board.Name, agm.Name = "Board meeting (standing items)", "General meeting (standard agenda)"
	}
	for _, t := range AGMAgenda {
		agm.Items = append(agm.Items, TemplateItem{Title: t, Kind: ItemDecision, Minutes: 10})
	}
	return []AgendaTemplate{board, agm}
}

// Validate checks the template.
func (t *AgendaTemplate) Validate() error {
	errs := []error{checkText("name", t.Name, true, MaxShort)}
	if len(t.Items) == 0 {
		errs = append(errs, fieldErr("items", "A template needs at least one item", "En skabelon skal have mindst ét punkt"))
	}
	if _, err := ParseTemplateItems(FormatTemplateItems(t.Items)); err != nil {
		errs = append(errs, fieldErr("items", "The agenda template is not valid", "Skabelonens punkter er ikke gyldige: "+err.Error()))
	}
	return errors.Join(errs...)
}

// FormatTemplateItems writes items one a line, "minutes|kind|title", the
// form a template's items are stored and synced in.
func FormatTemplateItems(items []TemplateItem) string {
	lines := make([]string, len(items))
	for i, it := range items {
		title := strings.Join(strings.Fields(it.Title), " ")
		lines[i] = strconv.Itoa(it.Minutes) + "|" + string(it.Kind) + "|" + title
	}
	return strings.Join(lines, "\n")
}

// ParseTemplateItems reads what FormatTemplateItems wrote; the error is
// Danish and names the line.
func ParseTemplateItems(s string) ([]TemplateItem, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	lines := strings.Split(s, "\n")
	if len(lines) > 500 {
		return nil, fmt.Errorf("højst 500 punkter, ikke %d", len(lines))
	}
	var out []TemplateItem
	for i, l := range lines {
		parts := strings.SplitN(l, "|", 3)
		if len(parts) != 3 {
			return nil, fmt.Errorf("linje %d er ikke »minutter|type|titel«", i+1)
		}
		n, err := strconv.Atoi(parts[0])
		if err != nil || n < 0 || n > 24*60 {
			return nil, fmt.Errorf("linje %d: varigheden »%.10s« er ikke et antal minutter fra 0 til 1440", i+1, parts[0])
		}
		k := ItemKind(parts[1])
		if !slices.Contains(ItemKinds, k) {
			return nil, fmt.Errorf("linje %d: »%.20s« er ikke en punkttype", i+1, parts[1])
		}
		title := strings.TrimSpace(parts[2])
		if title == "" || utf8.RuneCountInString(title) > MaxShort {
			return nil, fmt.Errorf("linje %d: titlen skal have 1 til %d tegn", i+1, MaxShort)
		}
		out = append(out, TemplateItem{Title: title, Kind: k, Minutes: n})
	}
	return out, nil
}

// TemplateOf makes a template of a meeting's agenda: its items' titles,
// kinds and durations, without background or minutes.
func TemplateOf(name string, items []AgendaItem) AgendaTemplate {
	its := slices.Clone(items)
	SortItems(its)
	t := AgendaTemplate{Name: strings.TrimSpace(name)}
	for _, it := range its {
		t.Items = append(t.Items, TemplateItem{Title: it.Title, Kind: it.Kind, Minutes: it.Minutes})
	}
	return t
}

// Agenda is the template as agenda items to add to a meeting.
func (t AgendaTemplate) Agenda() []AgendaItem {
	out := make([]AgendaItem, len(t.Items))
	for i, it := range t.Items {
		out[i] = AgendaItem{Position: i + 1, Title: it.Title, Kind: it.Kind, Minutes: it.Minutes}
	}
	return out
}

// CopyAgenda is an earlier meeting's agenda to add to a new one: titles,
// kinds, durations and background, in order, without minutes or
// decisions.
func CopyAgenda(items []AgendaItem) []AgendaItem {
	its := slices.Clone(items)
	SortItems(its)
	out := make([]AgendaItem, len(its))
	for i, it := range its {
		out[i] = AgendaItem{Position: i + 1, Title: it.Title, Kind: it.Kind, Minutes: it.Minutes, Background: it.Background}
	}
	return out
}

// Decision is one line of the decisions register.
type Decision struct {
	Date      time.Time // the meeting's start
	MeetingID string
	Meeting   string // the meeting's title as shown
	ItemID    string
	Position  int
	Item      string
	Decision  string
}

// Decisions lists every decision of a council, newest meeting first and
// in agenda order within a meeting: each agenda item with a decision.
func Decisions(d *CouncilData, l Lang) []Decision {
	byID := map[string]Meeting{}
	for _, m := range d.Meetings {
		byID[m.ID] = m
	}
	var out []Decision
	for _, it := range d.Items {
		if strings.TrimSpace(it.Decision) == "" {
			continue
		}
		m, ok := byID[it.MeetingID]
		if !ok {
			continue
		}
		out = append(out, Decision{Date: m.Start, MeetingID: m.ID, Meeting: MeetingTitle(m, l), ItemID: it.ID, Position: it.Position, Item: it.Title, Decision: strings.TrimSpace(it.Decision)})
	}
	slices.SortStableFunc(out, func(a, b Decision) int {
		if c := b.Date.Compare(a.Date); c != 0 {
			return c
		}
		if a.MeetingID != b.MeetingID {
			return strings.Compare(a.MeetingID, b.MeetingID)
		}
		return a.Position - b.Position
	})
	return out
}

// DecisionFilter picks decisions: by words (every word in the meeting,
// item or decision, in any case), by year (0 for all) and by project
// (the project's title named in the item or the decision; "" for all).
type DecisionFilter struct {
	Query   string
	Year    int
	Project string // a project's title
}

// Filter returns the decisions f picks, in their order.
func (f DecisionFilter) Filter(ds []Decision) []Decision {
	words := strings.Fields(strings.ToLower(f.Query))
	project := strings.TrimSpace(f.Project)
	var out []Decision
	for _, d := range ds {
		if f.Year != 0 && d.Date.In(Copenhagen).Year() != f.Year {
			continue
		}
		if project != "" && !Mentions(d.Item+"\n"+d.Decision, project) {
			continue
		}
		hay := strings.ToLower(d.Meeting + "\n" + d.Item + "\n" + d.Decision + "\n" + ShortDate(d.Date))
		ok := true
		for _, w := range words {
			if !strings.Contains(hay, w) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, d)
		}
	}
	return out
}

// DecisionYears lists the years that hold decisions, newest first.
func DecisionYears(ds []Decision) []int {
	return yearsOf(ds, func(d Decision) time.Time { return d.Date })
}

// MeetingYears lists the years meetings are held in, newest first.
func MeetingYears(ms []Meeting) []int {
	return yearsOf(ms, func(m Meeting) time.Time { return m.Start })
}

// yearsOf lists the years (in Copenhagen) of the dates of xs, newest first.
func yearsOf[T any](xs []T, date func(T) time.Time) []int {
	var ys []int
	for _, x := range xs {
		if y := date(x).In(Copenhagen).Year(); !slices.Contains(ys, y) {
			ys = append(ys, y)
		}
	}
	slices.Sort(ys)
	slices.Reverse(ys)
	return ys
}

// SortHitsByDate orders search hits newest first by the date of their
// meeting (a meeting, or the meeting of an agenda or action item, from
// dates by meeting id); hits without a meeting keep their order after
// those with one.
func SortHitsByDate(hits []SearchHit, dates map[string]time.Time) {
	when := func(h SearchHit) (time.Time, bool) {
		id := h.MeetingID
		if h.Kind == "meeting" {
			id = h.ID
		}
		t, ok := dates[id]
		return t, ok
	}
	slices.SortStableFunc(hits, func(a, b SearchHit) int {
		ta, oka := when(a)
		tb, okb := when(b)
		switch {
		case oka && okb:
			return tb.Compare(ta)
		case oka:
			return -1
		case okb:
			return 1
		}
		return 0
	})
}
