package model

import (
	"errors"
	"net/mail"
	"strings"
	"time"
)

// MunicipalityID is the council id of the municipality's own data: pools,
// deadlines, contacts and announcements belong to no single council. Only
// staff devices write them; every device receives them.
const MunicipalityID = "kommunen"

// Pool is a funding pool (pulje) the municipality offers the councils, such
// as Lokalområdernes Udviklingspulje or Fællesskabspuljen.
type Pool struct {
	ID        string
	CouncilID string // always MunicipalityID
	Name      string
	// Description says what the pool is for; Rules what an application
	// must meet (co-financing, accounts afterwards, …).
	Description string
	Rules       string
	Available   int64 // øre available (a year, or a round)
	MaxPerApp   int64 // øre at most per application; 0 when not limited
	// Deadline is the next application deadline (a date); zero when the
	// pool is open all year.
	Deadline    time.Time
	OpenAllYear bool
	// The pool's rules as data (CheckPool); each is off when zero.
	MinProjectTotal int64 // øre the project must total at least
	VolunteerRate   int64 // øre one volunteer hour counts as co-financing
	VolunteerCapPct int   // per cent of the own financing volunteer hours may make up (0–100)
	NoRunningCosts  bool  // no projects that leave running costs to the municipality
	AccountsMonths  int   // accounts and evaluation due this many months after the project ends
}

// MaxAccountsMonths bounds how long after a project's end a pool may ask
// for accounts: five years.
const MaxAccountsMonths = 60

// MunicipalDeadline is a date the municipality announces to every council:
// a budget consultation, a dialogue meeting, the annual accounts.
type MunicipalDeadline struct {
	ID          string
	CouncilID   string // always MunicipalityID
	Title       string
	Date        time.Time // a date
	Kind        string    // "Budgethøring", "Regnskab", "Dialogmøde", …
	Description string
}

// DeadlineKinds are the usual kinds of municipal deadlines. A deadline may
// use another text.
var DeadlineKinds = []string{"Budgethøring", "Regnskab", "Dialogmøde", "Ansøgningsfrist", "Andet"}

// Contact is a person at the municipality the councils can turn to.
type Contact struct {
	ID        string
	CouncilID string // always MunicipalityID
	Name      string
	Role      string // role or department: "Fælles-skaber", "Vej og Park"
	Phone     string
	Email     string
	// Areas are the local areas the contact serves; empty means all.
	Areas []string
}

// ServesArea tells whether the contact serves the local area (every area
// when the contact lists none). Areas compare without regard to case.
func (c *Contact) ServesArea(area string) bool {
	if len(c.Areas) == 0 {
		return true
	}
	for _, a := range c.Areas {
		if strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(area)) {
			return true
		}
	}
	return false
}

// Announcement is news from the municipality to every council.
type Announcement struct {
	ID        string
	CouncilID string // always MunicipalityID
	Title     string
	Text      string
	Date      time.Time // a date
}

func init() {
	for en, da := range map[string]string{
		"rules": "regler", "role": "rolle eller afdeling", "kind": "type", "areas": "områder",
		"volunteer cap": "frivilliges højeste andel", "accounts months": "måneder til regnskab",
	} {
		danishFields[en] = da
	}
}

func checkMunicipal(council string) error {
	if council != "" && council != MunicipalityID {
		return fieldErr("council", "Only the municipality keeps this", "Kun kommunen kan have dette")
	}
	return nil
}

// Validate checks the pool.
func (p *Pool) Validate() error {
	errs := []error{
		checkMunicipal(p.CouncilID),
		checkText("name", p.Name, true, MaxShort),
		checkText("description", p.Description, false, MaxLong),
		checkText("rules", p.Rules, false, MaxLong),
		checkAmount("pools", "available", p.Available),
		checkAmount("pools", "max_per_application", p.MaxPerApp),
		checkAmount("pools", "min_project_total", p.MinProjectTotal),
		checkAmount("pools", "volunteer_rate", p.VolunteerRate),
	}
	if p.VolunteerCapPct < 0 || p.VolunteerCapPct > 100 {
		errs = append(errs, fieldErr("volunteer cap", "The share of volunteer work is 0 to 100 %", "Andelen af frivilligt arbejde skal være mellem 0 og 100 %"))
	}
	if p.AccountsMonths < 0 || p.AccountsMonths > MaxAccountsMonths {
		errs = append(errs, fieldErr("accounts months", "Months until accounts are due: 0 to 60", "Måneder til regnskab: 0 til 60"))
	}
	if p.Available > 0 && p.MaxPerApp > p.Available {
		errs = append(errs, columnErr("pools", "max_per_application", "The most per application is more than the pool holds", "Det højeste beløb pr. ansøgning er større end puljen"))
	}
	switch {
	case p.OpenAllYear && !p.Deadline.IsZero():
		errs = append(errs, fieldErr("deadline", "A pool open all year has no deadline", "En pulje, der er åben hele året, har ingen frist"))
	case !p.OpenAllYear && p.Deadline.IsZero():
		errs = append(errs, fieldErr("deadline", "Choose a deadline, or mark the pool open all year", "Vælg en frist, eller markér puljen som åben hele året"))
	}
	return errors.Join(errs...)
}

// Validate checks the deadline.
func (d *MunicipalDeadline) Validate() error {
	errs := []error{
		checkMunicipal(d.CouncilID),
		checkText("title", d.Title, true, MaxShort),
		checkText("kind", d.Kind, false, MaxShort),
		checkText("description", d.Description, false, MaxLong),
	}
	if d.Date.IsZero() {
		errs = append(errs, fieldErr("date", "Choose a date", "Vælg en dato"))
	}
	return errors.Join(errs...)
}

// Validate checks the contact.
func (c *Contact) Validate() error {
	errs := []error{
		checkMunicipal(c.CouncilID),
		checkText("name", c.Name, true, MaxShort),
		checkText("role", c.Role, false, MaxShort),
		checkText("phone", c.Phone, false, MaxShort),
		checkText("email", c.Email, false, MaxShort),
	}
	if e := strings.TrimSpace(c.Email); e != "" {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			errs = append(errs, fieldErr("email", "The e-mail address is not valid", "E-mailadressen er ikke gyldig"))
		}
	}
	for _, a := range c.Areas {
		if strings.TrimSpace(a) == "" || strings.ContainsAny(a, "\n\r") {
			errs = append(errs, fieldErr("areas", "An area has no name", "Et område mangler navn"))
			break
		}
		if err := checkText("areas", a, false, MaxShort); err != nil {
			errs = append(errs, err)
			break
		}
	}
	return errors.Join(errs...)
}

// Validate checks the announcement.
func (a *Announcement) Validate() error {
	errs := []error{
		checkMunicipal(a.CouncilID),
		checkText("title", a.Title, true, MaxShort),
		checkText("text", a.Text, false, MaxLong),
	}
	if a.Date.IsZero() {
		errs = append(errs, fieldErr("date", "Choose a date", "Vælg en dato"))
	}
	return errors.Join(errs...)
}
