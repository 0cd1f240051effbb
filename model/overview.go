package model

// The municipality's overview: one row per council on a staff device,
// what the fælles-skabere look at across all areas.

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// CouncilOverview is one council's row of the overview.
type CouncilOverview struct {
	CouncilID string
	Name      string
	Area      string

	NextMeeting      time.Time // zero when none is planned
	NextMeetingTitle string
	OpenActions      int
	OverdueActions   int
	Projects         map[ProjectStatus]int
	Progress         int // average progress of running projects, per cent
	OpenApps         int // applications drafted or sent, not answered
	NextAppDeadline  time.Time
	WishesAwaiting   int // submitted, no answer yet
	// AccountsYear is the year whose accounts are due (last year);
	// AccountsOnFile tells whether they are approved and on file.
	AccountsYear   int
	AccountsOnFile bool
	ContactOnFile  bool // a member is the contact person
	PlanYear       int  // the newest development plan's year; 0 for none
	LastSync       time.Time
	// Extra holds columns other features add (borgerbudget rounds): by
	// column key, the text shown.
	Extra map[string]string
}

// Problems counts what needs a fælles-skaber's attention: overdue action
// items, wishes waiting, missing accounts, no contact person, no plan.
func (o CouncilOverview) Problems(year int) int {
	n := 0
	if o.OverdueActions > 0 {
		n++
	}
	if !o.AccountsOnFile {
		n++
	}
	if !o.ContactOnFile {
		n++
	}
	if o.PlanYear < year {
		n++
	}
	return n
}

// OverviewSort names a column to sort the overview by.
type OverviewSort string

// The columns the overview sorts by.
const (
	SortName     OverviewSort = "name"
	SortMeeting  OverviewSort = "meeting"
	SortOverdue  OverviewSort = "overdue"
	SortOpen     OverviewSort = "open"
	SortWishes   OverviewSort = "wishes"
	SortDeadline OverviewSort = "deadline"
	SortSync     OverviewSort = "sync"
	SortProblems OverviewSort = "problems"
)

// OverviewSorts lists the sort columns in the order offered.
var OverviewSorts = []OverviewSort{SortName, SortProblems, SortOverdue, SortOpen, SortMeeting, SortDeadline, SortWishes, SortSync}

// SortOverview orders rows by the column, most needing attention first for
// counts, soonest first for dates (none last), newest first for the last
// sync; ties by name. year is the current year (for Problems).
func SortOverview(rows []CouncilOverview, by OverviewSort, year int) {
	date := func(a, b time.Time) int {
		switch {
		case a.IsZero() && b.IsZero():
			return 0
		case a.IsZero():
			return 1
		case b.IsZero():
			return -1
		}
		return a.Compare(b)
	}
	slices.SortStableFunc(rows, func(a, b CouncilOverview) int {
		var c int
		switch by {
		case SortMeeting:
			c = date(a.NextMeeting, b.NextMeeting)
		case SortOverdue:
			c = cmp.Compare(b.OverdueActions, a.OverdueActions)
		case SortOpen:
			c = cmp.Compare(b.OpenActions, a.OpenActions)
		case SortWishes:
			c = cmp.Compare(b.WishesAwaiting, a.WishesAwaiting)
		case SortDeadline:
			c = date(a.NextAppDeadline, b.NextAppDeadline)
		case SortSync:
			c = b.LastSync.Compare(a.LastSync)
		case SortProblems:
			c = cmp.Compare(b.Problems(year), a.Problems(year))
		}
		return cmp.Or(c, strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), strings.Compare(a.CouncilID, b.CouncilID))
	})
}

// FilterOverview keeps the rows whose name or area contains text (any
// case), and with onlyProblems those with something needing attention.
func FilterOverview(rows []CouncilOverview, text string, onlyProblems bool, year int) []CouncilOverview {
	text = strings.ToLower(strings.TrimSpace(text))
	var out []CouncilOverview
	for _, r := range rows {
		if text != "" && !strings.Contains(strings.ToLower(r.Name), text) && !strings.Contains(strings.ToLower(r.Area), text) {
			continue
		}
		if onlyProblems && r.Problems(year) == 0 {
			continue
		}
		out = append(out, r)
	}
	return out
}
