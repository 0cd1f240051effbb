package model

// Årshjul: the council's recurring yearly rules and the dated reminders
// they give, together with the dates the municipality and the council's
// own data bring (pool deadlines, municipal deadlines, members' terms,
// accounts due for pool grants).

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// YearRuleKind says how a yearly rule finds its date.
type YearRuleKind string

// The kinds of yearly rules.
const (
	// YearDate: the same day every year (Month, Day). 29 February falls on
	// 28 February in a year that is not a leap year.
	YearDate YearRuleKind = "dato"
	// YearWeekday: the Nth Weekday of Month (Nth 1–4, or -1 for the last),
	// e.g. the last Thursday of March.
	YearWeekday YearRuleKind = "ugedag"
)

// YearRuleKinds lists the kinds in order.
var YearRuleKinds = []YearRuleKind{YearDate, YearWeekday}

// The usual categories of yearly rules; a rule may use another text.
const (
	YearAGM       = "Generalforsamling"
	YearAccounts  = "Regnskab"
	YearBudget    = "Budgethøring"
	YearDialogue  = "Dialogmøde"
	YearPool      = "Puljefrist"
	YearTerm      = "Valgperiode"
	YearOwnCateg  = "Andet"
	MaxNoticeDays = 365
)

// YearCategories are the categories offered for a rule.
var YearCategories = []string{YearAGM, YearAccounts, YearBudget, YearDialogue, YearPool, YearOwnCateg}

// YearRule is a date that comes back every year in the council's årshjul:
// the generalforsamling (in Q1, with a notice deadline from the statutes),
// the accounts, a dialogue meeting, or a rule of the council's own.
type YearRule struct {
	ID        string
	CouncilID string
	Title     string
	Category  string
	Kind      YearRuleKind
	Month     int          // 1–12
	Day       int          // YearDate: 1–31 (as the month allows in a leap year)
	Weekday   time.Weekday // YearWeekday
	Nth       int          // YearWeekday: 1–4, or -1 for the last
	// NoticeDays > 0 adds a reminder that many days before: the last day
	// to send the notice of a generalforsamling (14 days in many statutes).
	NoticeDays int
	Note       string
}

// The kinds of deadlines the årshjul adds to the Deadline… kinds.
const (
	DeadlineYearRule = "årshjul"     // a yearly rule's date; RefID is the rule
	DeadlineNotice   = "indkaldelse" // the notice deadline before a rule's date; RefID is the rule
	DeadlineTermEnd  = "valgperiode" // a member's term ends; RefID is the member
	DeadlineMeeting  = "møde"        // a meeting (the year view shows them); RefID is the meeting
)

func init() {
	for en, da := range map[string]string{
		"month": "måned", "day": "dag", "weekday": "ugedag", "nth": "hvilken i måneden",
		"notice days": "dage før (indkaldelse)", "note": "note", "category": "kategori",
	} {
		danishFields[en] = da
	}
}

// Validate checks the rule.
func (r *YearRule) Validate() error {
	errs := []error{
		checkText("title", r.Title, true, MaxShort),
		checkText("category", r.Category, false, MaxShort),
		checkText("note", r.Note, false, MaxLong),
	}
	if r.Month < 1 || r.Month > 12 {
		errs = append(errs, fieldErr("month", "Choose a month", "Vælg en måned"))
	}
	switch r.Kind {
	case YearDate:
		// The month's length in a leap year: 29 February is allowed.
		if r.Month >= 1 && r.Month <= 12 {
			if last := daysIn(2024, time.Month(r.Month)); r.Day < 1 || r.Day > last {
				errs = append(errs, fieldErr("day", "The month has no such day", fmt.Sprintf("Vælg en dag fra 1 til %d", last)))
			}
		}
	case YearWeekday:
		if r.Weekday < time.Sunday || r.Weekday > time.Saturday {
			errs = append(errs, fieldErr("weekday", "Choose a weekday", "Vælg en ugedag"))
		}
		if r.Nth != -1 && (r.Nth < 1 || r.Nth > 4) {
			errs = append(errs, fieldErr("nth", "Choose first to fourth, or last", "Vælg første til fjerde eller sidste"))
		}
	default:
		errs = append(errs, fieldErr("kind", "Choose how the date is found", "Vælg hvordan datoen findes"))
	}
	if r.NoticeDays < 0 || r.NoticeDays > MaxNoticeDays {
		errs = append(errs, fieldErr("notice days", "Days before: 0 to 365", "Dage før: 0 til 365"))
	}
	// The statutes hold the generalforsamling in the first quarter.
	if r.Category == YearAGM && (r.Month < 1 || r.Month > 3) {
		errs = append(errs, fieldErr("month", "The annual general meeting is held in January to March", "Generalforsamlingen holdes i januar til marts"))
	}
	return errors.Join(errs...)
}

func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// DateIn is the rule's date in year (midnight, Danish time), and false when
// the rule is not valid.
func (r YearRule) DateIn(year int) (time.Time, bool) {
	if r.Month < 1 || r.Month > 12 {
		return time.Time{}, false
	}
	m := time.Month(r.Month)
	switch r.Kind {
	case YearDate:
		if r.Day < 1 || r.Day > daysIn(2024, m) {
			return time.Time{}, false
		}
		// 29 February in a year without it is the last day of February.
		return time.Date(year, m, min(r.Day, daysIn(year, m)), 0, 0, 0, 0, Copenhagen), true
	case YearWeekday:
		if r.Weekday < time.Sunday || r.Weekday > time.Saturday {
			return time.Time{}, false
		}
		switch {
		case r.Nth >= 1 && r.Nth <= 4:
			first := time.Date(year, m, 1, 0, 0, 0, 0, Copenhagen)
			shift := (int(r.Weekday) - int(first.Weekday()) + 7) % 7
			return first.AddDate(0, 0, shift+7*(r.Nth-1)), true
		case r.Nth == -1:
			last := time.Date(year, m, daysIn(year, m), 0, 0, 0, 0, Copenhagen)
			shift := (int(last.Weekday()) - int(r.Weekday) + 7) % 7
			return last.AddDate(0, 0, -shift), true
		}
	}
	return time.Time{}, false
}

// Describe says when the rule falls, in language l: "1. april",
// "sidste torsdag i marts".
func (r YearRule) Describe(l Lang) string {
	if r.Month < 1 || r.Month > 12 {
		return ""
	}
	m := time.Month(r.Month)
	switch r.Kind {
	case YearDate:
		if l == English {
			return fmt.Sprintf("%d %s", r.Day, m)
		}
		return fmt.Sprintf("%d. %s", r.Day, monthsDa[m-1])
	case YearWeekday:
		if r.Weekday < time.Sunday || r.Weekday > time.Saturday {
			return ""
		}
		nthDa := map[int]string{1: "første", 2: "anden", 3: "tredje", 4: "fjerde", -1: "sidste"}
		nthEn := map[int]string{1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
		if l == English {
			return fmt.Sprintf("the %s %s of %s", nthEn[r.Nth], r.Weekday, m)
		}
		return fmt.Sprintf("%s %s i %s", nthDa[r.Nth], weekdaysDa[r.Weekday], monthsDa[m-1])
	}
	return ""
}

// RuleReminders are the reminders the rules give from from's day to to's
// day (both inclusive, Danish days): each rule's date, and its notice
// deadline when it has one (which may fall in the year before the rule's
// date). Sorted by date.
func RuleReminders(rules []YearRule, from, to time.Time) []Deadline {
	first, last := dayOf(from), dayOf(to)
	in := func(t time.Time) bool { return !t.Before(first) && !t.After(last) }
	var out []Deadline
	for y := first.Year(); y <= last.Year()+1; y++ {
		for _, r := range rules {
			d, ok := r.DateIn(y)
			if !ok {
				continue
			}
			if in(d) {
				out = append(out, Deadline{Date: d, Title: r.Title, Kind: DeadlineYearRule, RefID: r.ID})
			}
			if r.NoticeDays > 0 {
				n := d.AddDate(0, 0, -r.NoticeDays)
				if in(n) {
					out = append(out, Deadline{Date: n, Title: r.Title, Kind: DeadlineNotice, RefID: r.ID})
				}
			}
		}
	}
	SortDeadlines(out)
	return out
}

// TermEnds are the members' terms that end from from's day to to's day.
func TermEnds(members []Member, from, to time.Time) []Deadline {
	first, last := dayOf(from), dayOf(to)
	var out []Deadline
	for _, m := range members {
		if m.TermEnd.IsZero() {
			continue
		}
		d := dayOf(m.TermEnd)
		if !d.Before(first) && !d.After(last) {
			out = append(out, Deadline{Date: d, Title: m.Name, Kind: DeadlineTermEnd, RefID: m.ID})
		}
	}
	SortDeadlines(out)
	return out
}

// YearWheelInput is what the year view of a council is made of.
type YearWheelInput struct {
	Rules        []YearRule
	Members      []Member
	Meetings     []Meeting
	Applications []FundingApplication
	Projects     []Project
	Pools        []Pool
	Municipal    []MunicipalDeadline
}

// YearWheel is every dated reminder of a calendar year, by date: the rules'
// dates and notice deadlines, members' terms ending, meetings, funding
// application deadlines, pools' deadlines, the municipality's deadlines
// and accounts due for pool grants.
func YearWheel(year int, in YearWheelInput) []Deadline {
	from := time.Date(year, 1, 1, 0, 0, 0, 0, Copenhagen)
	to := time.Date(year, 12, 31, 0, 0, 0, 0, Copenhagen)
	inYear := func(t time.Time) bool { return !t.IsZero() && t.In(Copenhagen).Year() == year }
	out := RuleReminders(in.Rules, from, to)
	out = append(out, TermEnds(in.Members, from, to)...)
	for _, m := range in.Meetings {
		if inYear(m.Start) {
			d := Deadline{Date: m.Start, Title: MeetingTitle(m, Danish), Kind: DeadlineMeeting, RefID: m.ID}
			if strings.TrimSpace(m.Title) == "" {
				d.Meeting = m.Kind
			}
			out = append(out, d)
		}
	}
	for _, a := range in.Applications {
		if a.Status == ApplicationDraft && inYear(a.Deadline) {
			out = append(out, Deadline{Date: a.Deadline, Title: a.Pool, Kind: DeadlineApplication, RefID: a.ProjectID})
		}
	}
	for _, p := range in.Pools {
		if !p.OpenAllYear && inYear(p.Deadline) {
			out = append(out, Deadline{Date: p.Deadline, Title: p.Name, Kind: DeadlinePool, RefID: p.ID})
		}
	}
	for _, d := range in.Municipal {
		if inYear(d.Date) {
			kind := d.Kind
			if kind == "" {
				kind = DeadlineMunicipal
			}
			out = append(out, Deadline{Date: d.Date, Title: d.Title, Kind: kind, RefID: d.ID})
		}
	}
	for _, d := range AccountsDeadlines(in.Applications, in.Projects, in.Pools) {
		if inYear(d.Date) {
			out = append(out, d)
		}
	}
	SortByDayAndKind(out)
	return out
}

// SortByDayAndKind orders reminders by Danish day, then kind, then time
// and title, so that MergeSameDay finds a day's terms ending together.
func SortByDayAndKind(ds []Deadline) {
	slices.SortStableFunc(ds, func(a, b Deadline) int {
		return cmp.Or(dayOf(a.Date).Compare(dayOf(b.Date)), strings.Compare(a.Kind, b.Kind), a.Date.Compare(b.Date),
			strings.Compare(a.Title, b.Title), strings.Compare(a.RefID, b.RefID))
	})
}

// ByMonth splits reminders of one year into its twelve months (index 0 is
// January), keeping their order.
func ByMonth(ds []Deadline) [12][]Deadline {
	var out [12][]Deadline
	for _, d := range ds {
		m := d.Date.In(Copenhagen).Month()
		out[m-1] = append(out[m-1], d)
	}
	return out
}

// DeadlineKindLabel names a deadline's kind for screen and paper; the
// municipality's own kinds are Danish words shown as they are.
func DeadlineKindLabel(kind string, l Lang) string {
	p, ok := deadlineKinds[kind]
	if !ok {
		return kind
	}
	if l == English {
		return p[1]
	}
	return p[0]
}

var deadlineKinds = map[string][2]string{
	DeadlineApplication: {"Ansøgningsfrist", "Application deadline"},
	DeadlineTask:        {"Opgave", "Task"},
	DeadlinePool:        {"Puljefrist", "Pool deadline"},
	DeadlineMunicipal:   {"Kommunens frist", "The municipality's deadline"},
	DeadlineAccounts:    {"Regnskab og evaluering", "Accounts and evaluation"},
	DeadlineYearRule:    {"", ""}, // the rule's title says it all
	DeadlineNotice:      {"Sidste frist for indkaldelse", "Last day for the notice"},
	DeadlineTermEnd:     {"Valgperiode udløber", "Term ends"},
	DeadlineMeeting:     {"Møde", "Meeting"},
}

// DeadlineText is a deadline as one line: "Puljefrist: Udviklingspuljen",
// or only the title when its kind has no label (a yearly rule's date).
func DeadlineText(d Deadline, l Lang) string {
	if k := DeadlineKindLabel(d.Kind, l); k != "" {
		return k + ": " + DeadlineTitle(d, l)
	}
	return DeadlineTitle(d, l)
}

// DeadlineTitle is d's title in language l: a meeting without a title of
// its own is said by its kind and date in l, any other title as it is.
func DeadlineTitle(d Deadline, l Lang) string {
	if d.Meeting != "" {
		return MeetingTitle(Meeting{Kind: d.Meeting, Start: d.Date}, l)
	}
	return d.Title
}

// DefaultYearRules are the rules a council starts its årshjul with: the
// generalforsamling on the last Thursday of March with 14 days' notice
// (as many statutes say), and the accounts to the municipality by 1 April.
// Their titles are in l, the language of the one who adds them: stored,
// they are the council's own words like any it types.
func DefaultYearRules(council string, l Lang) []YearRule {
	title := func(da, en string) string {
		if l == English {
			return en
		}
		return da
	}
	return []YearRule{
		{CouncilID: council, Title: title("Generalforsamling", "Annual general meeting"), Category: YearAGM, Kind: YearWeekday, Month: 3, Weekday: time.Thursday, Nth: -1, NoticeDays: 14},
		{CouncilID: council, Title: title("Årsregnskab til kommunen", "Annual accounts to the municipality"), Category: YearAccounts, Kind: YearDate, Month: 4, Day: 1},
		{CouncilID: council, Title: title("Budgetønsker til budgethøringen", "Budget wishes for the budget hearing"), Category: YearBudget, Kind: YearDate, Month: 6, Day: 1},
	}
}

// SortYearRules orders rules by the date they fall on in a leap year.
func SortYearRules(rules []YearRule) {
	slices.SortStableFunc(rules, func(a, b YearRule) int {
		da, _ := a.DateIn(2024)
		db, _ := b.DateIn(2024)
		if c := da.Compare(db); c != 0 {
			return c
		}
		if a.Title < b.Title {
			return -1
		}
		if a.Title > b.Title {
			return 1
		}
		return 0
	})
}

// MergeSameDay joins reminders of the same kind on the same day into one,
// their titles joined by ", " in order (seven board members whose terms
// end on 1 March are one line), so that a crowded month still shows
// everything on one page. ds must be sorted (SortByDayAndKind); RefID is
// the first one's.
func MergeSameDay(ds []Deadline) []Deadline {
	var out []Deadline
	for _, d := range ds {
		if n := len(out); n > 0 && out[n-1].Kind == d.Kind && sameDay(out[n-1].Date, d.Date) && d.Kind != DeadlineMeeting {
			out[n-1].Title += ", " + d.Title
			continue
		}
		out = append(out, d)
	}
	return out
}

func sameDay(a, b time.Time) bool {
	ya, ma, da := a.In(Copenhagen).Date()
	yb, mb, db := b.In(Copenhagen).Date()
	return ya == yb && ma == mb && da == db
}
