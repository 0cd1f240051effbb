// Package ical writes a council's meetings as an iCalendar feed (RFC 5545)
// that Outlook, Google Calendar and Thunderbird can import or subscribe to.
//
// Each meeting becomes one VEVENT with a stable UID (the meeting's id and
// "@lokalraad"), so importing the feed again updates the events instead of
// duplicating them. Times are written in UTC; calendar programs show them in
// the reader's own time zone. The output is byte-for-byte deterministic for
// the same data and Options.Now, so it can be compared with a golden file.
package ical

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"

	ics "github.com/arran4/golang-ical"

	"lokalraad/model"
)

// Options control the feed.
type Options struct {
	// Lang is the language of generated titles ("Bestyrelsesmøde 26.11.2026"
	// for a meeting without its own title). Danish when empty.
	Lang model.Lang
	// Now is written as every event's DTSTAMP. When zero, the current time is
	// used and the output is no longer deterministic.
	Now time.Time
	// Tasks says how deadlines (funding applications', and Deadlines) and
	// the due dates of open action items go into the feed: not at all
	// (the zero value), as all-day events, or as tasks (VTODO).
	Tasks Tasks
	// Deadlines are the municipality's deadlines to add with Tasks.
	Deadlines []model.MunicipalDeadline
	// Reminders are written as all-day events after the meetings: the
	// årshjul's dates (model.YearWheel, model.RuleReminders), with the
	// kind before the title ("Puljefrist: Udviklingspuljen"). Only the
	// årshjul's own kinds are written (yearly rules, notice deadlines,
	// terms ending, accounts due, pool deadlines): meetings are there, and
	// applications' and the municipality's deadlines come with Tasks.
	Reminders []model.Deadline
}

// Tasks is how dated things other than meetings are written.
type Tasks int

const (
	// NoTasks leaves deadlines and action items out.
	NoTasks Tasks = iota
	// TasksAllDay writes each as an all-day event.
	TasksAllDay
	// TasksTodo writes each as a task (VTODO) due that day.
	TasksTodo
)

// MinDuration is the length of a meeting whose agenda is empty or shorter.
const MinDuration = time.Hour

// UIDSuffix follows the meeting id in each event's UID.
const UIDSuffix = "@lokalraad"

// Write writes the meetings of d as a VCALENDAR with one VEVENT per meeting,
// ordered by start. Meetings without a start time cannot be placed in a
// calendar and are left out. The event ends when the agenda's planned
// durations add up, but lasts at least MinDuration. SUMMARY is the meeting's
// title (model.MeetingTitle), LOCATION its place and DESCRIPTION its
// numbered agenda. Lines end with CRLF and are folded at 75 octets, as RFC
// 5545 asks.
func Write(w io.Writer, d *model.CouncilData, o Options) error {
	if d == nil {
		return errors.New("ical: no council data")
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC().Truncate(time.Second)

	cal := ics.NewCalendar()
	lang := "DA"
	if o.Lang == model.English {
		lang = "EN"
	}
	cal.SetProductId("-//Lokalraad//Lokalraad " + lang + "//" + lang)
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	if name := text(d.Council.Name); name != "" {
		cal.SetXWRCalName(name)
	}
	cal.SetXWRTimezone("Europe/Copenhagen")

	items := make(map[string][]model.AgendaItem)
	for _, it := range d.Items {
		items[it.MeetingID] = append(items[it.MeetingID], it)
	}
	meetings := slices.Clone(d.Meetings)
	slices.SortStableFunc(meetings, func(a, b model.Meeting) int {
		return cmp.Or(a.Start.Compare(b.Start), strings.Compare(a.ID, b.ID))
	})

	for _, m := range meetings {
		if m.Start.IsZero() {
			continue
		}
		agenda := items[m.ID]
		model.SortItems(agenda)
		var total time.Duration
		var desc strings.Builder
		for i, it := range agenda {
			total += time.Duration(max(it.Minutes, 0)) * time.Minute
			if i > 0 {
				desc.WriteByte('\n')
			}
			fmt.Fprintf(&desc, "%d. %s", i+1, strings.TrimSpace(it.Title))
		}
		start := m.Start.UTC().Truncate(time.Second)

		e := cal.AddEvent(text(m.ID) + UIDSuffix)
		e.SetDtStampTime(now)
		e.SetStartAt(start)
		e.SetEndAt(start.Add(max(total, MinDuration)))
		e.SetSummary(text(model.MeetingTitle(m, o.Lang)))
		if place := text(m.Place); place != "" {
			e.SetLocation(place)
		}
		if desc.Len() > 0 {
			e.SetDescription(text(desc.String()))
		}
	}
	if o.Tasks != NoTasks {
		for _, t := range dated(d, o) {
			addTask(cal, t, now, o.Tasks)
		}
	}
	for _, r := range o.Reminders {
		switch r.Kind {
		case model.DeadlineYearRule, model.DeadlineNotice, model.DeadlineTermEnd, model.DeadlineAccounts, model.DeadlinePool:
		default:
			continue
		}
		if r.Date.IsZero() {
			continue
		}
		d := r.Date.In(model.Copenhagen)
		day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
		// Stable across exports: the same reminder updates its event.
		e := cal.AddEvent(text(r.Kind+"-"+r.RefID+"-"+day.Format("20060102")) + UIDSuffix)
		e.SetDtStampTime(now)
		e.SetAllDayStartAt(day)
		e.SetAllDayEndAt(day.AddDate(0, 0, 1))
		e.SetSummary(text(model.DeadlineText(r, o.Lang)))
	}
	return cal.SerializeTo(w, ics.WithNewLineWindows)
}

// task is a deadline or an action item's due date.
type task struct {
	id, summary, desc string
	day               time.Time
}

// dated lists the deadlines and the open action items' due dates, by day.
func dated(d *model.CouncilData, o Options) []task {
	da := o.Lang != model.English
	word := func(dk, en string) string {
		if da {
			return dk
		}
		return en
	}
	var out []task
	for _, a := range d.Applications {
		if a.Deadline.IsZero() || a.Status != model.ApplicationDraft {
			continue
		}
		out = append(out, task{id: "app-" + a.ID, day: a.Deadline,
			summary: word("Ansøgningsfrist: ", "Application deadline: ") + strings.TrimSpace(a.Pool)})
	}
	for _, dl := range o.Deadlines {
		if dl.Date.IsZero() {
			continue
		}
		out = append(out, task{id: "deadline-" + dl.ID, day: dl.Date, desc: dl.Description,
			summary: word("Frist: ", "Deadline: ") + strings.TrimSpace(dl.Title)})
	}
	for _, a := range d.Actions {
		if a.Due.IsZero() || a.Done {
			continue
		}
		s := strings.TrimSpace(a.What)
		if who := strings.TrimSpace(a.Who); who != "" {
			s = who + ": " + s
		}
		out = append(out, task{id: "action-" + a.ID, day: a.Due, summary: s})
	}
	slices.SortStableFunc(out, func(a, b task) int { return cmp.Or(a.day.Compare(b.day), strings.Compare(a.id, b.id)) })
	return out
}

// addTask writes t as an all-day event or a task due that day.
func addTask(cal *ics.Calendar, t task, now time.Time, how Tasks) {
	day := t.day.In(model.Copenhagen)
	date := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	uid := text(t.id) + UIDSuffix
	if how == TasksTodo {
		td := cal.AddTodo(uid)
		td.SetDtStampTime(now)
		td.SetProperty(ics.ComponentPropertyDue, date.Format("20060102"), ics.WithValue(string(ics.ValueDataTypeDate)))
		td.SetSummary(text(t.summary))
		if t.desc != "" {
			td.SetDescription(text(t.desc))
		}
		return
	}
	e := cal.AddEvent(uid)
	e.SetDtStampTime(now)
	e.SetAllDayStartAt(date)
	e.SetAllDayEndAt(date.AddDate(0, 0, 1))
	e.SetSummary(text(t.summary))
	e.SetTimeTransparency(ics.TransparencyTransparent)
	if t.desc != "" {
		e.SetDescription(text(t.desc))
	}
}

// WriteMeeting writes one meeting as a calendar file to send or open as an
// invitation: the same event as in Write's feed (same UID, so a calendar
// that has the feed updates it rather than adding a second one).
func WriteMeeting(w io.Writer, d *model.CouncilData, meetingID string, o Options) error {
	if d == nil {
		return errors.New("ical: no council data")
	}
	one := *d
	one.Meetings = nil
	for _, m := range d.Meetings {
		if m.ID == meetingID {
			one.Meetings = append(one.Meetings, m)
		}
	}
	if len(one.Meetings) == 0 {
		return fmt.Errorf("mødet %s findes ikke", meetingID)
	}
	if one.Meetings[0].Start.IsZero() {
		return errors.New("mødet har ingen dato, så det kan ikke sættes i en kalender")
	}
	o.Tasks = NoTasks
	return Write(w, &one, o)
}

// text makes s safe for an iCalendar TEXT value: valid UTF-8, line breaks
// as "\n" only (the library escapes those), and no other control
// characters, which would break the content lines.
func text(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' {
			return r
		}
		if r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}
