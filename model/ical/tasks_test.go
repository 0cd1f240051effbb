package ical_test

import (
	"bytes"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/model/ical"
)

func withDeadlines() (*model.CouncilData, []model.MunicipalDeadline) {
	d := sample()
	d.Actions = []model.ActionItem{
		{ID: "x1", MeetingID: "m1", Who: "Mette", What: "Skriv til Vej og Park", Due: local(2026, 12, 1, 0, 0)},
		{ID: "x2", MeetingID: "m1", What: "Allerede gjort", Due: local(2026, 12, 2, 0, 0), Done: true},
		{ID: "x3", MeetingID: "m1", What: "Uden frist"},
	}
	d.Applications = []model.FundingApplication{
		{ID: "f1", Pool: "Landsbypuljen", Deadline: local(2027, 3, 1, 0, 0), Status: model.ApplicationDraft},
		{ID: "f2", Pool: "Sendt pulje", Deadline: local(2027, 3, 2, 0, 0), Status: model.ApplicationSent},
	}
	return d, []model.MunicipalDeadline{{ID: "k1", Title: "Budgetønsker 2028", Date: local(2027, 9, 1, 0, 0), Description: "Send ønskerne."}}
}

// Deadlines and open action items' due dates come as all-day events or as
// tasks, as the user chooses; done ones and those without a date do not.
func TestWriteDeadlinesAndActions(t *testing.T) {
	d, dl := withDeadlines()

	var buf bytes.Buffer
	if err := ical.Write(&buf, d, ical.Options{Now: now, Tasks: ical.TasksAllDay, Deadlines: dl}); err != nil {
		t.Fatal(err)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	days := map[string]string{}
	for _, e := range cal.Events() {
		if p := e.GetProperty(ics.ComponentPropertyDtStart); p != nil && len(p.Value) == 8 {
			days[e.GetProperty(ics.ComponentPropertySummary).Value] = p.Value
		}
	}
	want := map[string]string{
		"Mette: Skriv til Vej og Park":   "20261201",
		"Ansøgningsfrist: Landsbypuljen": "20270301",
		"Frist: Budgetønsker 2028":       "20270901",
	}
	for s, day := range want {
		if days[s] != day {
			t.Errorf("all-day event %q on %q, want %s (all: %v)", s, days[s], day, days)
		}
	}
	if len(days) != len(want) {
		t.Errorf("all-day events %v; want only %v", days, want)
	}
	if !strings.Contains(buf.String(), "DTSTART;VALUE=DATE:20261201") {
		t.Errorf("no all-day DTSTART:\n%s", buf.String())
	}

	buf.Reset()
	if err := ical.Write(&buf, d, ical.Options{Now: now, Tasks: ical.TasksTodo, Deadlines: dl}); err != nil {
		t.Fatal(err)
	}
	cal, err = ics.ParseCalendar(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	todos := cal.Todos()
	if len(todos) != 3 || len(cal.Events()) != 2 {
		t.Fatalf("%d tasks and %d events; want 3 tasks beside the 2 meetings", len(todos), len(cal.Events()))
	}
	if !strings.Contains(buf.String(), "DUE;VALUE=DATE:20261201") {
		t.Errorf("no task due 1 December:\n%s", buf.String())
	}

	buf.Reset()
	ical.Write(&buf, d, ical.Options{Now: now})
	if strings.Contains(buf.String(), "Skriv til Vej og Park") {
		t.Error("tasks written without being asked for")
	}
}

// A meeting's invitation is its one event, with the feed's UID.
func TestWriteMeetingInvitation(t *testing.T) {
	var buf bytes.Buffer
	if err := ical.WriteMeeting(&buf, sample(), "m1", ical.Options{Now: now}); err != nil {
		t.Fatal(err)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	ev := cal.Events()
	if len(ev) != 1 || ev[0].Id() != "m1@lokalraad" {
		t.Fatalf("events %d: %s", len(ev), buf.String())
	}
	start := noerr.Get(ev[0].GetStartAt())(t)
	if !start.Equal(local(2026, 11, 26, 19, 30)) {
		t.Errorf("start %v", start)
	}
	if err := ical.WriteMeeting(&buf, sample(), "m3", ical.Options{Now: now}); err == nil || !strings.Contains(err.Error(), "ingen dato") {
		t.Errorf("a meeting without a date: %v", err)
	}
	if err := ical.WriteMeeting(&buf, sample(), "nope", ical.Options{Now: now}); err == nil {
		t.Error("an unknown meeting was written")
	}
}
