package model

import (
	"fmt"
	"time"
)

// A pool's rules as data (issue 14): the municipality publishes them with
// the pool, and a funding application that picks the pool is checked
// against them. Each rule is off when its field is zero.

// PoolRule names one rule of a pool, as PoolFinding reports it.
type PoolRule string

// The rules a pool may set.
const (
	RuleMaxAmount    PoolRule = "max"          // at most MaxPerApp applied for
	RuleMinTotal     PoolRule = "min_total"    // the project totals at least MinProjectTotal
	RuleCoFinancing  PoolRule = "cofinancing"  // volunteer hours at VolunteerRate, at most VolunteerCapPct of own financing
	RuleRunningCosts PoolRule = "running"      // no running costs left to the municipality
	RuleAccountsDue  PoolRule = "accounts_due" // accounts and evaluation AccountsMonths after the project ends
	RuleDeadline     PoolRule = "deadline"     // the pool's deadline has not passed for a draft
)

// PoolFinding is what one rule says about an application: OK, or what is
// wrong (Danish and English, ready to show).
type PoolFinding struct {
	Rule PoolRule
	OK   bool
	Da   string
	En   string
}

// Text is the finding in language l.
func (f PoolFinding) Text(l Lang) string {
	if l == English {
		return f.En
	}
	return f.Da
}

// PoolCheck is the result of checking an application against its pool.
type PoolCheck struct {
	Findings []PoolFinding
	// CoFinancing is the project's own financing with volunteer hours
	// counted by the pool's rate and cap.
	CoFinancing CoFinancing
	// AccountsDue is when the accounts and evaluation are due (a date);
	// zero when the pool asks for none or the project has no end date.
	AccountsDue time.Time
}

// OK tells whether every rule is met.
func (c PoolCheck) OK() bool {
	for _, f := range c.Findings {
		if !f.OK {
			return false
		}
	}
	return true
}

// CoFinanceWith counts volunteer hours at rate øre an hour as co-financing,
// capped so that they make up at most capPct per cent of the own financing
// (cash plus counted hours). With capPct 50 the counted hours are at most
// the cash (Lokalområdernes Udviklingspulje); with capPct 100 or more every
// hour counts; with rate 0 or capPct 0 none do. Exact integer arithmetic:
// the counted value is rounded down to whole øre.
func CoFinanceWith(cash int64, hours int, rate int64, capPct int) CoFinancing {
	c := CoFinancing{Cash: max(cash, 0), VolunteerValue: int64(max(hours, 0)) * max(rate, 0)}
	switch {
	case capPct <= 0:
		c.VolunteerCounts = 0
	case capPct >= 100:
		c.VolunteerCounts = c.VolunteerValue
	default:
		// V ≤ p·(C+V)  ⇔  V ≤ p·C / (100−p)
		limit := c.Cash * int64(capPct) / int64(100-capPct)
		c.VolunteerCounts = min(c.VolunteerValue, limit)
	}
	c.Capped = c.VolunteerCounts < c.VolunteerValue
	c.Total = c.Cash + c.VolunteerCounts
	return c
}

// AddMonths is the date n months after d, kept at the end of a shorter
// month: 31 January + 1 month is 28 (or 29) February, never 3 March.
func AddMonths(d time.Time, n int) time.Time {
	d = d.In(Copenhagen)
	y, m, day := d.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, Copenhagen)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(day, last), 0, 0, 0, 0, Copenhagen)
}

// CheckPool checks a funding application against the rules of the pool it
// picked: t are the project's totals (model.Totals), projectEnd the
// project's end date (zero when not set) and now the time of the check.
// A rule the pool does not set is not reported.
func CheckPool(p Pool, a FundingApplication, t ProjectTotals, projectEnd, now time.Time) PoolCheck {
	var c PoolCheck
	// add reports a rule: its sentence in Danish and English, formats that
	// quote the same values (a date, written in each language, by index).
	add := func(r PoolRule, ok bool, da, en string, values ...any) {
		c.Findings = append(c.Findings, PoolFinding{Rule: r, OK: ok, Da: fmt.Sprintf(da, values...), En: fmt.Sprintf(en, values...)})
	}
	if p.MaxPerApp > 0 {
		if a.Applied > p.MaxPerApp {
			add(RuleMaxAmount, false,
				"Der søges %s, men puljen giver højst %s pr. ansøgning.",
				"%s is applied for, but the pool gives at most %s per application.", Kroner(a.Applied), Kroner(p.MaxPerApp))
		} else {
			add(RuleMaxAmount, true,
				"Ansøgt beløb er inden for puljens højeste beløb (%s).",
				"The amount is within the pool's maximum (%s).", Kroner(p.MaxPerApp))
		}
	}
	if p.MinProjectTotal > 0 {
		if t.Expenses < p.MinProjectTotal {
			add(RuleMinTotal, false,
				"Projektet koster %s i alt; puljen kræver mindst %s.",
				"The project totals %s; the pool asks for at least %s.", Kroner(t.Expenses), Kroner(p.MinProjectTotal))
		} else {
			add(RuleMinTotal, true,
				"Projektet koster mindst %s i alt.",
				"The project totals at least %s.", Kroner(p.MinProjectTotal))
		}
	}
	c.CoFinancing = CoFinanceWith(t.OwnCash, a.VolunteerHours, p.VolunteerRate, p.VolunteerCapPct)
	if p.VolunteerRate > 0 && a.VolunteerHours > 0 {
		cf := c.CoFinancing
		if cf.Capped {
			add(RuleCoFinancing, false,
				"%d frivillige timer à %s er %s, men kun %s tæller (højst %d %% af egenfinansieringen).",
				"%d volunteer hours at %s are %s, but only %s count (at most %d %% of the own financing).",
				a.VolunteerHours, Kroner(p.VolunteerRate), Kroner(cf.VolunteerValue), Kroner(cf.VolunteerCounts), p.VolunteerCapPct)
		} else {
			add(RuleCoFinancing, true,
				"%d frivillige timer à %s tæller %s som egenfinansiering.",
				"%d volunteer hours at %s count %s as own financing.", a.VolunteerHours, Kroner(p.VolunteerRate), Kroner(cf.VolunteerCounts))
		}
	}
	if p.NoRunningCosts {
		if a.RunningCosts {
			add(RuleRunningCosts, false,
				"Puljen støtter ikke projekter, der efterlader driftsudgifter til kommunen.",
				"The pool does not fund projects that leave running costs to the municipality.")
		} else {
			add(RuleRunningCosts, true,
				"Projektet efterlader ingen driftsudgifter til kommunen.",
				"The project leaves no running costs to the municipality.")
		}
	}
	if p.AccountsMonths > 0 {
		if projectEnd.IsZero() {
			add(RuleAccountsDue, false,
				"Regnskab og evaluering skal sendes %d måneder efter projektets afslutning: sæt projektets slutdato.",
				"Accounts and evaluation are due %d months after the project ends: set the project's end date.", p.AccountsMonths)
		} else {
			c.AccountsDue = AddMonths(projectEnd, p.AccountsMonths)
			add(RuleAccountsDue, true,
				"Regnskab og evaluering skal sendes senest %[1]s.",
				"Accounts and evaluation are due by %[2]s.", LongDate(c.AccountsDue, Danish), LongDate(c.AccountsDue, English))
		}
	}
	if !p.OpenAllYear && !p.Deadline.IsZero() && a.Status == ApplicationDraft && !now.IsZero() {
		today := dayOf(now)
		if p.Deadline.Before(today) {
			add(RuleDeadline, false,
				"Puljens frist var %[1]s.",
				"The pool's deadline was %[2]s.", LongDate(p.Deadline, Danish), LongDate(p.Deadline, English))
		}
	}
	return c
}

// dayOf is the Danish calendar day of t, at midnight in Copenhagen.
func dayOf(t time.Time) time.Time {
	t = t.In(Copenhagen)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Copenhagen)
}

// AccountsDeadlines are the reminders of accounts and evaluation due for
// applications granted by a pool that asks for them: one per granted
// application, AccountsMonths after its project ends. projects and pools
// are looked up by id.
func AccountsDeadlines(apps []FundingApplication, projects []Project, pools []Pool) []Deadline {
	poolByID := map[string]Pool{}
	for _, p := range pools {
		poolByID[p.ID] = p
	}
	projByID := map[string]Project{}
	for _, p := range projects {
		projByID[p.ID] = p
	}
	var out []Deadline
	for _, a := range apps {
		if a.Status != ApplicationGranted && a.Status != ApplicationPartly {
			continue
		}
		p, ok := poolByID[a.PoolID]
		if !ok || p.AccountsMonths <= 0 {
			continue
		}
		pr, ok := projByID[a.ProjectID]
		if !ok || pr.End.IsZero() {
			continue
		}
		out = append(out, Deadline{Date: AddMonths(pr.End, p.AccountsMonths), Title: a.Pool + ": " + pr.Title,
			Kind: DeadlineAccounts, RefID: a.ProjectID})
	}
	SortDeadlines(out)
	return out
}
