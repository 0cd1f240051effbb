package model

// Lokal udviklingsplan: one template for every local area, so that the
// municipality can compare them. A plan is for a year ("Udviklingsplan
// 2027"): a vision, focus areas (indsatsområder) each with goals and
// linked projects, and an action plan (who, what, by when, status).
// Plans of years gone by are kept read-only; a new year starts as a copy.

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"time"
)

// DevPlan is the council's development plan of one year.
type DevPlan struct {
	ID        string
	CouncilID string
	Year      int
	Vision    string
}

// FocusArea is an indsatsområde of a plan.
type FocusArea struct {
	ID        string
	CouncilID string
	PlanID    string
	Position  int
	Title     string
	Goals     string   // one goal a line
	Projects  []string // ids of the council's projects that serve it
}

// PlanActionStatus is where an action of the plan is.
type PlanActionStatus string

// The statuses of a plan action.
const (
	ActionNotStarted PlanActionStatus = "ikke_startet"
	ActionStarted    PlanActionStatus = "i_gang"
	ActionDone       PlanActionStatus = "udfoert"
)

// PlanActionStatuses lists them in order.
var PlanActionStatuses = []PlanActionStatus{ActionNotStarted, ActionStarted, ActionDone}

// PlanAction is a line of the plan's action plan: hvem – hvad – hvornår.
type PlanAction struct {
	ID        string
	CouncilID string
	PlanID    string
	FocusID   string // the focus area it serves; may be empty
	Who       string
	What      string
	Due       time.Time // a date; may be zero
	Status    PlanActionStatus
}

func init() {
	labels["planaction.ikke_startet"] = [2]string{"Ikke startet", "Not started"}
	labels["planaction.i_gang"] = [2]string{"I gang", "Started"}
	labels["planaction.udfoert"] = [2]string{"Udført", "Done"}
	for en, da := range map[string]string{"vision": "vision", "goals": "mål", "who": "hvem", "what": "hvad", "projects": "projekter"} {
		if _, ok := danishFields[en]; !ok {
			danishFields[en] = da
		}
	}
}

// StatusLabel names a plan action's status.
func (s PlanActionStatus) StatusLabel(l Lang) string {
	p, ok := labels["planaction."+string(s)]
	if !ok {
		return string(s)
	}
	if l == English {
		return p[1]
	}
	return p[0]
}

// Validate checks the plan.
func (p *DevPlan) Validate() error {
	errs := []error{checkText("vision", p.Vision, false, MaxLong)}
	if p.Year < 2000 || p.Year > 2200 {
		errs = append(errs, fieldErr("year", "Choose a year", "Vælg et år"))
	}
	return errors.Join(errs...)
}

// Validate checks the focus area.
func (f *FocusArea) Validate() error {
	errs := []error{
		checkText("title", f.Title, true, MaxShort),
		checkText("goals", f.Goals, false, MaxLong),
	}
	if f.PlanID == "" {
		errs = append(errs, fieldErr("plan", "The focus area belongs to no plan", "Indsatsområdet hører ikke til nogen plan"))
	}
	if f.Position < 0 || f.Position > MaxPosition {
		errs = append(errs, fieldErr("position", "Not a valid number", "Ugyldigt nummer"))
	}
	for _, id := range f.Projects {
		if strings.TrimSpace(id) == "" || !validRef(id) {
			errs = append(errs, fieldErr("projects", "Not a valid reference", "Ugyldig henvisning til et projekt"))
			break
		}
	}
	return errors.Join(errs...)
}

// Validate checks the action.
func (a *PlanAction) Validate() error {
	errs := []error{
		checkText("who", a.Who, false, MaxShort),
		checkText("what", a.What, true, MaxLong),
	}
	if a.PlanID == "" {
		errs = append(errs, fieldErr("plan", "The action belongs to no plan", "Handlingen hører ikke til nogen plan"))
	}
	if !slices.Contains(PlanActionStatuses, a.Status) {
		errs = append(errs, fieldErr("status", "Choose a status", "Vælg en status"))
	}
	return errors.Join(errs...)
}

// PlanReadOnly tells whether a plan of year is kept as it is at time now:
// every year before now's (Danish) year.
func PlanReadOnly(year int, now time.Time) bool {
	return year < now.In(Copenhagen).Year()
}

// PlanData is one plan with its focus areas (in order) and actions (by
// due date, open-ended last).
type PlanData struct {
	Plan    DevPlan
	Focus   []FocusArea
	Actions []PlanAction
}

// SortPlan puts focus areas in order and actions by due date.
func (d *PlanData) SortPlan() {
	slices.SortStableFunc(d.Focus, func(a, b FocusArea) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), strings.Compare(a.Title, b.Title), strings.Compare(a.ID, b.ID))
	})
	slices.SortStableFunc(d.Actions, func(a, b PlanAction) int {
		if a.Due.IsZero() != b.Due.IsZero() {
			if a.Due.IsZero() {
				return 1
			}
			return -1
		}
		return cmp.Or(a.Due.Compare(b.Due), strings.Compare(a.What, b.What), strings.Compare(a.ID, b.ID))
	})
}

// CopyPlan makes next year's plan from d: the vision, the focus areas with
// their goals and projects, and the actions not done. The plan and the
// actions have no ids yet; the focus areas keep their old ids, which the
// actions' FocusID name, for the caller to give them new ones.
func CopyPlan(d PlanData, year int) PlanData {
	out := PlanData{Plan: DevPlan{CouncilID: d.Plan.CouncilID, Year: year, Vision: d.Plan.Vision}}
	for _, f := range d.Focus {
		f.PlanID = ""
		f.Projects = slices.Clone(f.Projects)
		out.Focus = append(out.Focus, f)
	}
	for _, a := range d.Actions {
		if a.Status == ActionDone {
			continue
		}
		a.ID, a.PlanID = "", ""
		out.Actions = append(out.Actions, a)
	}
	return out
}
