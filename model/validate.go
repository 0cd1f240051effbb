package model

import (
	"errors"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// FieldError says what is wrong with one field. Error gives the Danish
// text; Key is the English text, which the translation catalogues use as
// their key, so a screen can show it in the chosen language.
//
// Field names the field for the editor that shows it. With Table, the
// field is a column of the field registry (FieldOf(Table, Field)), whose
// label a screen can put before the message; without, Field is the rule's
// own word for it.
type FieldError struct {
	Table string
	Field string
	Key   string // English, the catalogue key
	Da    string // Danish
	Max   int    // for a text that is too long: the limit in characters
}

func (e *FieldError) Error() string { return e.Da }

func fieldErr(field, key, da string) error { return &FieldError{Field: field, Key: key, Da: da} }

// The limits on text fields. Long texts are generous, but bounded so that a
// pasted file cannot make a row unwieldy.
const (
	MaxShort = 200
	MaxLong  = 100_000
)

func checkText(field, s string, required bool, max int) error {
	if required && strings.TrimSpace(s) == "" {
		return fieldErr(field, "Please fill in "+field, "Udfyld "+danishField(field))
	}
	if !utf8.ValidString(s) {
		return fieldErr(field, field+" is not valid text", danishField(field)+" er ikke gyldig tekst")
	}
	if utf8.RuneCountInString(s) > max {
		return &FieldError{Field: field, Key: field + " is too long", Max: max,
			Da: danishField(field) + " er for lang (højst " + KronerNumber(int64(max)*100) + " tegn)"}
	}
	return nil
}

var danishFields = map[string]string{
	"name": "navn", "title": "titel", "place": "sted", "who": "hvem", "what": "hvad",
	"text": "tekst", "pool": "pulje", "category": "kategori", "justification": "begrundelse",
	"description": "beskrivelse", "phone": "telefon", "email": "e-mail", "area": "område",
	"background": "sagsfremstilling", "notes": "referat", "decision": "beslutning",
	"attendees": "deltagere", "apologies": "afbud", "absent": "fraværende", "guests": "gæster", "approved by": "godkendt af", "working group": "arbejdsgruppe",
	"answer text": "svar", "rules": "regler", "kind": "type", "role": "rolle", "areas": "områder",
	"file name": "filnavnet", "media type": "filtypen",
}

func danishField(f string) string {
	if d, ok := danishFields[f]; ok {
		return d
	}
	return f
}

// columnErr is a FieldError on a column of the field registry.
func columnErr(table, column, key, da string) error {
	return &FieldError{Table: table, Field: column, Key: key, Da: da}
}

// checkAmount checks an amount stored in table's column.
func checkAmount(table, column string, v int64) error {
	if v < 0 {
		return columnErr(table, column, "The amount cannot be negative", "Beløbet kan ikke være negativt")
	}
	if v > MaxAmount {
		return columnErr(table, column, "The amount is too large", "Beløbet er for stort")
	}
	return nil
}

func checkDates(startField string, start, end time.Time) error {
	if !start.IsZero() && !end.IsZero() && end.Before(start) {
		return fieldErr(startField, "The end date is before the start date", "Slutdatoen ligger før startdatoen")
	}
	return nil
}

// Validate checks the council.
func (c *Council) Validate() error {
	return errors.Join(
		checkText("name", c.Name, true, MaxShort),
		checkText("area", c.Area, false, MaxShort),
		checkAmount("councils", "annual_grant", c.AnnualGrant),
		checkQuorum(c.Quorum),
	)
}

func checkQuorum(n int) error {
	if n < 0 || n > 1000 {
		return fieldErr("quorum", "The quorum must be a number of members from 0 to 1000", "Beslutningsdygtig ved skal være et antal medlemmer fra 0 til 1000")
	}
	return nil
}

// Validate checks the member.
func (m *Member) Validate() error {
	var errs []error
	errs = append(errs,
		checkText("name", m.Name, true, MaxShort),
		checkText("phone", m.Phone, false, MaxShort),
		checkText("email", m.Email, false, MaxShort),
		checkDates("term", m.TermStart, m.TermEnd))
	if !slices.Contains(Roles, m.Role) {
		errs = append(errs, fieldErr("role", "Choose a role", "Vælg en rolle"))
	}
	if e := strings.TrimSpace(m.Email); e != "" {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			errs = append(errs, fieldErr("email", "The e-mail address is not valid", "E-mailadressen er ikke gyldig"))
		}
	}
	return errors.Join(errs...)
}

// CheckMeetingStart refuses a meeting without its date and time; an
// editor that reads the date on its own says it at once.
func CheckMeetingStart(start time.Time) error {
	if start.IsZero() {
		return fieldErr("start", "Choose the date and time of the meeting", "Vælg mødets dato og tidspunkt")
	}
	return nil
}

// Validate checks the meeting.
func (m *Meeting) Validate() error {
	var errs []error
	errs = append(errs,
		checkText("title", m.Title, false, MaxShort),
		checkText("place", m.Place, false, MaxShort),
		checkText("attendees", m.Attendees, false, MaxLong),
		checkText("apologies", m.Apologies, false, MaxLong),
		checkText("absent", m.Absent, false, MaxLong),
		checkText("guests", m.Guests, false, MaxLong),
		checkText("approved by", m.ApprovedBy, false, MaxShort))
	if len(m.ApprovedIn) > MaxID {
		errs = append(errs, fieldErr("approved in", "Not a valid reference", "mødet, referatet blev godkendt på, er ikke en gyldig henvisning"))
	}
	if !slices.Contains(MeetingKinds, m.Kind) {
		errs = append(errs, fieldErr("kind", "Choose the kind of meeting", "Vælg mødetype"))
	}
	if !slices.Contains(MeetingStatuses, m.Status) {
		errs = append(errs, fieldErr("status", "Choose a status", "Vælg en status"))
	}
	errs = append(errs, CheckMeetingStart(m.Start))
	return errors.Join(errs...)
}

// Validate checks the agenda item.
func (a *AgendaItem) Validate() error {
	var errs []error
	errs = append(errs,
		checkText("title", a.Title, true, MaxShort),
		checkText("background", a.Background, false, MaxLong),
		checkText("notes", a.Notes, false, MaxLong),
		checkText("decision", a.Decision, false, MaxLong))
	if !slices.Contains(ItemKinds, a.Kind) {
		errs = append(errs, fieldErr("kind", "Choose the kind of item", "Vælg punktets type"))
	}
	if a.Minutes < 0 || a.Minutes > 24*60 {
		errs = append(errs, fieldErr("minutes", "The duration must be between 0 and 1440 minutes", "Varigheden skal være mellem 0 og 1440 minutter"))
	}
	if a.Position < 0 || a.Position > MaxPosition {
		errs = append(errs, fieldErr("position", "The item number is out of range", "Punktets nummer er uden for det tilladte"))
	}
	if a.MeetingID == "" {
		errs = append(errs, fieldErr("meeting", "The item belongs to no meeting", "Punktet hører ikke til noget møde"))
	}
	return errors.Join(errs...)
}

// Validate checks the action item.
func (a *ActionItem) Validate() error {
	return errors.Join(
		checkText("who", a.Who, false, MaxShort),
		checkText("what", a.What, true, MaxLong),
	)
}

// Validate checks the project.
func (p *Project) Validate() error {
	var errs []error
	errs = append(errs,
		checkText("title", p.Title, true, MaxShort),
		checkText("description", p.Description, false, MaxLong),
		checkText("working group", p.WorkingGroup, false, MaxLong),
		checkDates("start", p.Start, p.End))
	if !slices.Contains(ProjectStatuses, p.Status) {
		errs = append(errs, fieldErr("status", "Choose a status", "Vælg en status"))
	}
	if p.Progress < 0 || p.Progress > 100 {
		errs = append(errs, fieldErr("progress", "Progress is a percentage from 0 to 100", "Fremdrift er en procent fra 0 til 100"))
	}
	return errors.Join(errs...)
}

// Validate checks the budget line.
func (l *BudgetLine) Validate() error {
	var errs []error
	errs = append(errs, checkText("text", l.Text, true, MaxShort), checkAmount("budget_lines", "amount", l.Amount))
	if l.Kind != LineExpense && l.Kind != LineOwn {
		errs = append(errs, fieldErr("kind", "Choose expense or own financing", "Vælg udgift eller egenfinansiering"))
	}
	if l.ProjectID == "" {
		errs = append(errs, fieldErr("project", "The line belongs to no project", "Linjen hører ikke til noget projekt"))
	}
	return errors.Join(errs...)
}

// Validate checks the funding application.
func (f *FundingApplication) Validate() error {
	var errs []error
	errs = append(errs,
		checkText("pool", f.Pool, true, MaxShort),
		checkAmount("funding_applications", "applied", f.Applied),
		checkAmount("funding_applications", "granted", f.Granted))
	if !slices.Contains(ApplicationStatuses, f.Status) {
		errs = append(errs, fieldErr("status", "Choose a status", "Vælg en status"))
	}
	if f.VolunteerHours < 0 || f.VolunteerHours > MaxVolunteerHours {
		errs = append(errs, fieldErr("volunteer hours", "Volunteer hours cannot be negative", "Frivillige timer kan ikke være negative"))
	}
	if f.ProjectID == "" {
		errs = append(errs, fieldErr("project", "The application belongs to no project", "Ansøgningen hører ikke til noget projekt"))
	}
	return errors.Join(errs...)
}

// Validate checks the budget wish.
func (w *BudgetWish) Validate() error {
	var errs []error
	errs = append(errs,
		checkText("title", w.Title, true, MaxShort),
		checkText("justification", w.Justification, false, MaxLong),
		checkText("category", w.Category, false, MaxShort),
		checkText("answer text", w.AnswerText, false, MaxLong),
		checkAmount("budget_wishes", "estimate", w.Estimate),
		checkAmount("budget_wishes", "granted", w.Granted))
	if w.Year < 2000 || w.Year > 2200 {
		errs = append(errs, fieldErr("year", "Choose a budget year", "Vælg et budgetår"))
	}
	if !slices.Contains(WishStatuses, w.Status) {
		errs = append(errs, fieldErr("status", "Choose a status", "Vælg en status"))
	}
	if w.Answer != AnswerNone && !slices.Contains(Answers, w.Answer) {
		errs = append(errs, fieldErr("answer", "Unknown answer", "Ukendt svar"))
	}
	if w.Rank < 0 || w.Rank > MaxPosition {
		errs = append(errs, fieldErr("rank", "The priority cannot be negative", "Prioriteten kan ikke være negativ"))
	}
	return errors.Join(errs...)
}
