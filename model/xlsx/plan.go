package xlsx

import (
	"maps"
	"strings"

	"lokalraad/model"
)

// The sheet Udviklingsplan (issue 14): each year's plan in the same
// columns for every council, so that the municipality can put the areas'
// plans side by side: one row per action of the action plan, and a row for
// a focus area without actions.
const sheetPlan sheetKind = 101

const (
	fVision = "vision"
	fFocus  = "focus"
	fGoals  = "goals"
)

func init() {
	sheetNames[sheetPlan] = [2]string{"Udviklingsplan", "Development plan"}
	maps.Copy(headers, map[string][2]string{
		fVision: {"Vision", "Vision"},
		fFocus:  {"Indsatsområde", "Focus area"},
		fGoals:  {"Mål", "Goals"},
	})
}

func planTable(d *model.CouncilData, o Options) *table {
	t := &table{kind: sheetPlan, totals: -1, cols: []column{
		{key: fYear, kind: kInt, width: 7},
		{key: fVision, width: 20, max: 50},
		{key: fFocus, width: 18, max: 40},
		{key: fGoals, width: 20, max: 50},
		{key: fProject, width: 18, max: 40},
		{key: fWhat, width: 24, max: 60},
		{key: fWho, width: 12, max: 30},
		{key: fDue, kind: kDate},
		{key: fStatus, width: 12},
	}}
	titles := map[string]string{}
	for _, p := range d.Projects {
		titles[p.ID] = p.Title
	}
	for _, p := range d.Plans {
		byFocus := map[string][]model.PlanAction{}
		for _, a := range p.Actions {
			byFocus[a.FocusID] = append(byFocus[a.FocusID], a)
		}
		row := func(fa model.FocusArea, a *model.PlanAction) []any {
			var prs []string
			for _, id := range fa.Projects {
				if title, ok := titles[id]; ok {
					prs = append(prs, title)
				}
			}
			r := []any{p.Plan.Year, text(p.Plan.Vision), text(fa.Title), text(fa.Goals), text(strings.Join(prs, "\n")), nil, nil, nil, nil}
			if a != nil {
				r[5], r[6], r[7], r[8] = text(a.What), text(a.Who), date(a.Due), a.Status.StatusLabel(o.Lang)
			}
			return r
		}
		focus := append([]model.FocusArea{}, p.Focus...)
		focus = append(focus, model.FocusArea{}) // actions serving no area
		for _, fa := range focus {
			acts := byFocus[fa.ID]
			if len(acts) == 0 && fa.ID != "" {
				t.rows = append(t.rows, row(fa, nil))
			}
			for i := range acts {
				t.rows = append(t.rows, row(fa, &acts[i]))
			}
		}
		if len(p.Focus) == 0 && len(p.Actions) == 0 {
			t.rows = append(t.rows, row(model.FocusArea{}, nil))
		}
	}
	return t
}
