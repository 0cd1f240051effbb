package model

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// VolunteerRate is what one volunteer hour counts as in co-financing:
// 100 kr., in øre.
const VolunteerRate int64 = 100_00

// CoFinancing is the council's own financing of a project as a pool sees it.
type CoFinancing struct {
	Cash            int64 // own money, øre
	VolunteerValue  int64 // hours × VolunteerRate, before the cap
	VolunteerCounts int64 // the part of VolunteerValue that counts
	Total           int64 // Cash + VolunteerCounts
	Capped          bool  // true when some volunteer hours did not count
}

// CoFinance applies the rule of Lokalområdernes Udviklingspulje: volunteer
// hours count at 100 kr. an hour, but may make up at most 50 % of the
// council's own financing. With half the own financing as volunteer work,
// the other half is cash, so the counted volunteer value is at most the cash.
func CoFinance(cash int64, volunteerHours int) CoFinancing {
	c := CoFinancing{Cash: max(cash, 0), VolunteerValue: int64(max(volunteerHours, 0)) * VolunteerRate}
	c.VolunteerCounts = min(c.VolunteerValue, c.Cash)
	c.Capped = c.VolunteerCounts < c.VolunteerValue
	c.Total = c.Cash + c.VolunteerCounts
	return c
}

// ProjectTotals sums up a project's budget and funding.
type ProjectTotals struct {
	Expenses  int64 // the project's total cost
	OwnCash   int64 // the council's own money in the budget
	Applied   int64 // applied for, in applications not rejected
	Granted   int64 // granted so far
	Volunteer int64 // volunteer hours across applications
	// CoFinancing is the own financing with volunteer hours counted by the
	// pool rule.
	CoFinancing CoFinancing
	// Missing is what is still not financed: expenses less own cash,
	// counted volunteer work and grants; never negative.
	Missing int64
}

// Totals computes the totals of a project from its budget lines and funding
// applications. Lines and applications of other projects are ignored.
func Totals(projectID string, lines []BudgetLine, apps []FundingApplication) ProjectTotals {
	var t ProjectTotals
	for _, l := range lines {
		if l.ProjectID != projectID {
			continue
		}
		switch l.Kind {
		case LineExpense:
			t.Expenses += l.Amount
		case LineOwn:
			t.OwnCash += l.Amount
		}
	}
	hours := 0
	for _, a := range apps {
		if a.ProjectID != projectID {
			continue
		}
		if a.Status != ApplicationRejected {
			t.Applied += a.Applied
		}
		t.Granted += a.Granted
		hours = max(hours, a.VolunteerHours)
	}
	// The same volunteer hours are usually stated on every application of a
	// project; they are counted once.
	t.Volunteer = int64(hours)
	t.CoFinancing = CoFinance(t.OwnCash, hours)
	t.Missing = max(t.Expenses-t.CoFinancing.Total-t.Granted, 0)
	return t
}

// Slot is the planned time of one agenda item.
type Slot struct {
	Start, End time.Time
}

// TimePlan gives each agenda item its planned start and end, in agenda
// order, from the meeting's start and the items' durations.
func TimePlan(start time.Time, items []AgendaItem) []Slot {
	slots := make([]Slot, len(items))
	t := start
	for i, it := range items {
		end := t.Add(time.Duration(max(it.Minutes, 0)) * time.Minute)
		slots[i] = Slot{Start: t, End: end}
		t = end
	}
	return slots
}

// SortItems puts agenda items in agenda order.
func SortItems(items []AgendaItem) {
	slices.SortStableFunc(items, func(a, b AgendaItem) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), strings.Compare(a.ID, b.ID))
	})
}

// CarriedOver returns the action items to show on meeting m's agenda as
// still open: those agreed at an earlier meeting (or at no meeting) that were
// not done before m started. Items agreed at m itself are not carried over.
// The result is sorted by due date (open-ended last), then by text.
func CarriedOver(m Meeting, meetings []Meeting, actions []ActionItem) []ActionItem {
	startOf := make(map[string]time.Time, len(meetings))
	for _, mm := range meetings {
		startOf[mm.ID] = mm.Start
	}
	var out []ActionItem
	for _, a := range actions {
		if a.CouncilID != m.CouncilID || a.MeetingID == m.ID {
			continue
		}
		if a.MeetingID != "" {
			origin, ok := startOf[a.MeetingID]
			if !ok || !origin.Before(m.Start) {
				continue
			}
		}
		if a.Done && (a.DoneAt.IsZero() || !a.DoneAt.After(m.Start)) {
			continue
		}
		out = append(out, a)
	}
	SortActions(out)
	return out
}

// SortActions orders action items by due date, open-ended last, then by text.
func SortActions(actions []ActionItem) {
	slices.SortStableFunc(actions, func(a, b ActionItem) int {
		if a.Due.IsZero() != b.Due.IsZero() {
			if a.Due.IsZero() {
				return 1
			}
			return -1
		}
		return cmp.Or(a.Due.Compare(b.Due), strings.Compare(a.What, b.What), strings.Compare(a.ID, b.ID))
	})
}

// RankWishes orders budget wishes by priority: ranked wishes first (1, 2,
// …), unranked (0) last, ties by title.
func RankWishes(w []BudgetWish) {
	slices.SortStableFunc(w, func(a, b BudgetWish) int {
		ra, rb := a.Rank, b.Rank
		if ra == 0 {
			ra = int(^uint(0) >> 1)
		}
		if rb == 0 {
			rb = int(^uint(0) >> 1)
		}
		return cmp.Or(cmp.Compare(ra, rb), strings.Compare(a.Title, b.Title), strings.Compare(a.ID, b.ID))
	})
}

// MoveWish moves the wish with the given id delta places up (negative) or
// down (positive) in the priority order of wishes, and renumbers every wish
// 1…n. It returns the wishes whose rank changed. Wishes are taken to be of
// one council and one year.
func MoveWish(wishes []BudgetWish, id string, delta int) []BudgetWish {
	w := slices.Clone(wishes)
	RankWishes(w)
	return moveAndRenumber(w, id, delta, func(b *BudgetWish) (string, *int) { return b.ID, &b.Rank })
}

// moveAndRenumber moves the element with the given id delta places in the
// ordered xs (in place) and numbers them 1…n; it returns those whose
// number changed. slot gives an element's id and its number field.
func moveAndRenumber[T any](xs []T, id string, delta int, slot func(*T) (string, *int)) []T {
	i := slices.IndexFunc(xs, func(x T) bool { got, _ := slot(&x); return got == id })
	if i >= 0 {
		j := min(max(i+delta, 0), len(xs)-1)
		moved := xs[i]
		xs = slices.Insert(slices.Delete(xs, i, i+1), j, moved)
	}
	var changed []T
	for k := range xs {
		if _, n := slot(&xs[k]); *n != k+1 {
			*n = k + 1
			changed = append(changed, xs[k])
		}
	}
	return changed
}

// WishTotals sums a year's wishes: the estimate of every wish and what the
// municipality granted.
func WishTotals(wishes []BudgetWish) (estimate, granted int64) {
	for _, w := range wishes {
		estimate += w.Estimate
		granted += w.Granted
	}
	return estimate, granted
}

// MoveItem moves the agenda item with the given id delta places and
// renumbers the agenda 1…n. It returns the items whose position changed.
func MoveItem(items []AgendaItem, id string, delta int) []AgendaItem {
	it := slices.Clone(items)
	SortItems(it)
	return moveAndRenumber(it, id, delta, func(a *AgendaItem) (string, *int) { return a.ID, &a.Position })
}

// AGMAgenda is the standard agenda of a generalforsamling.
var AGMAgenda = []string{
	"Valg af dirigent",
	"Formandens beretning",
	"Regnskab",
	"Indkomne forslag",
	"Budget og kontingent",
	"Valg til bestyrelsen",
	"Valg af revisor",
	"Eventuelt",
}

// NextMeeting returns the first meeting that starts at or after now, and
// false when there is none.
func NextMeeting(meetings []Meeting, now time.Time) (Meeting, bool) {
	var best Meeting
	found := false
	for _, m := range meetings {
		if m.Start.Before(now) {
			continue
		}
		if !found || m.Start.Before(best.Start) {
			best, found = m, true
		}
	}
	return best, found
}

// OpenActions returns the action items not yet done, in due order.
func OpenActions(actions []ActionItem) []ActionItem {
	var out []ActionItem
	for _, a := range actions {
		if !a.Done {
			out = append(out, a)
		}
	}
	SortActions(out)
	return out
}

// ComingDeadlines lists the dates that matter from now until horizon:
// funding application deadlines not yet sent and open action items due,
// sorted by date.
func ComingDeadlines(now, horizon time.Time, apps []FundingApplication, actions []ActionItem) []Deadline {
	var out []Deadline
	today := now.Truncate(24 * time.Hour)
	in := func(t time.Time) bool { return !t.IsZero() && !t.Before(today) && !t.After(horizon) }
	for _, a := range apps {
		if a.Status == ApplicationDraft && in(a.Deadline) {
			out = append(out, Deadline{Date: a.Deadline, Title: a.Pool, Kind: DeadlineApplication, RefID: a.ProjectID})
		}
	}
	for _, a := range actions {
		if !a.Done && in(a.Due) {
			out = append(out, Deadline{Date: a.Due, Title: a.What, Kind: DeadlineTask, RefID: a.ID})
		}
	}
	SortDeadlines(out)
	return out
}

// SortDeadlines orders deadlines by date, then title.
func SortDeadlines(ds []Deadline) {
	slices.SortStableFunc(ds, func(a, b Deadline) int {
		return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.Title, b.Title), strings.Compare(a.RefID, b.RefID))
	})
}

// WishYearFor is the budget year whose wishes matter at time t: the
// council works in one year on the wishes for the next budget, so it is the
// newest year with wishes up to next year, or next year when there are
// none.
func WishYearFor(t time.Time, wishes []BudgetWish) int {
	next := t.In(Copenhagen).Year() + 1
	best := 0
	for _, w := range wishes {
		if w.Year <= next && w.Year > best {
			best = w.Year
		}
	}
	if best == 0 {
		return next
	}
	return best
}

// Overdue tells whether an open action item's date had passed at time t;
// the day itself is not overdue, and an item without a date never is.
func (a ActionItem) Overdue(t time.Time) bool {
	if a.Done || a.Due.IsZero() || t.IsZero() {
		return false
	}
	n := t.In(Copenhagen)
	return a.Due.Before(time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, Copenhagen))
}

// CanApprove tells whether a meeting's minutes may be approved at time t:
// only once the meeting has begun.
func (m Meeting) CanApprove(t time.Time) bool { return !m.Start.After(t) }
