package ical_test

import (
	"bytes"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"lokalraad/model"
	"lokalraad/model/ical"
)

// The årshjul's reminders come out as all-day events on their Danish day
// (a date late in the evening, Danish time, stays on that day), with the
// kind in the summary and a stable UID; meetings among them are not
// written twice.
func TestRemindersAsAllDayEvents(t *testing.T) {
	rs := []model.Deadline{
		{Date: time.Date(2027, 3, 11, 0, 0, 0, 0, model.Copenhagen), Title: "Generalforsamling", Kind: model.DeadlineNotice, RefID: "r1"},
		{Date: time.Date(2027, 2, 28, 23, 30, 0, 0, model.Copenhagen), Title: "Lokalområdernes Udviklingspulje", Kind: model.DeadlinePool, RefID: "p1"},
		{Date: local(2027, 2, 25, 19, 0), Title: "Generalforsamling", Kind: model.DeadlineMeeting, RefID: "m2"},
	}
	out := write(t, sample(), ical.Options{Now: now, Reminders: rs})
	cal, err := ics.ParseCalendar(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("does not parse: %v\n%s", err, out)
	}
	got := map[string][2]string{}
	for _, e := range cal.Events() {
		start := e.GetProperty(ics.ComponentPropertyDtStart)
		got[e.GetProperty(ics.ComponentPropertySummary).Value] = [2]string{start.Value, e.Id()}
		if v := start.ICalParameters["VALUE"]; e.Id() == "pulje-p1-20270228@lokalraad" && (len(v) != 1 || v[0] != "DATE") {
			t.Errorf("pool deadline not all-day: %v", start)
		}
	}
	if len(cal.Events()) != 4 { // two meetings with a start, two reminders
		t.Errorf("%d events:\n%s", len(cal.Events()), out)
	}
	for summary, want := range map[string][2]string{
		"Sidste frist for indkaldelse: Generalforsamling": {"20270311", "indkaldelse-r1-20270311@lokalraad"},
		"Puljefrist: Lokalområdernes Udviklingspulje":     {"20270228", "pulje-p1-20270228@lokalraad"},
	} {
		if got[summary] != want {
			t.Errorf("%s: %v, want %v\n%s", summary, got[summary], want, out)
		}
	}
}
