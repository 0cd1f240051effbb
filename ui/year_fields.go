package ui

import (
	"strconv"

	"fyne.io/fyne/v2/lang"

	"lokalraad/model"
)

// poolRuleFields are the pool's rules as data (issue 14), which a funding
// application that picks the pool is checked against; a rule left at 0 is
// off.
func poolRuleFields(f *form[model.Pool], p model.Pool) {
	kronerField(f, lang.L("Project totals at least (kr.)"), p.MinProjectTotal, func(p *model.Pool, v int64) { p.MinProjectTotal = v })
	kronerField(f, lang.L("A volunteer hour counts as (kr.)"), p.VolunteerRate, func(p *model.Pool, v int64) { p.VolunteerRate = v })
	intField(f, lang.L("Volunteer work at most (% of own financing)"), p.VolunteerCapPct, func(p *model.Pool, v int) { p.VolunteerCapPct = v })
	f.check("", lang.L("No projects that leave running costs to the municipality"), p.NoRunningCosts, func(p *model.Pool, v bool) { p.NoRunningCosts = v })
	intField(f, lang.L("Accounts and evaluation due (months after the project ends)"), p.AccountsMonths, func(p *model.Pool, v int) { p.AccountsMonths = v })
}

// intField is a whole number; empty is 0.
func intField[T any](f *form[T], label string, v int, set func(*T, int)) *entry {
	text := ""
	if v != 0 {
		text = strconv.Itoa(v)
	}
	return parsedField(f, label, text, "0", parseInt, set)
}
