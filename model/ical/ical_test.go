package ical_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/model/ical"
)

var now = time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)

func local(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, model.Copenhagen)
}

func sample() *model.CouncilData {
	return &model.CouncilData{
		Council: model.Council{ID: "c1", Name: "Jyderup Lokalråd", Area: "Jyderup"},
		Meetings: []model.Meeting{
			// Out of order on purpose: the feed is ordered by start.
			{ID: "m2", CouncilID: "c1", Kind: model.MeetingAGM, Start: local(2027, 2, 25, 19, 0),
				Place: "Forsamlingshuset, Ågade 3; sal 2", Status: model.MeetingPlanned},
			{ID: "m1", CouncilID: "c1", Kind: model.MeetingBoard, Title: "Bestyrelsesmøde om søen og åen",
				Start: local(2026, 11, 26, 19, 30), Place: "Skolen", Status: model.MeetingPlanned},
			{ID: "m3", CouncilID: "c1", Kind: model.MeetingCitizens, Title: "Borgermøde", Status: model.MeetingPlanned}, // no start
		},
		Items: []model.AgendaItem{
			{ID: "i2", MeetingID: "m1", Position: 2, Title: "Trafiksikkerhed på Østergade", Minutes: 45},
			{ID: "i1", MeetingID: "m1", Position: 1, Title: "Godkendelse af dagsorden", Minutes: 5},
			{ID: "i3", MeetingID: "m1", Position: 3, Title: "Eventuelt,\r\nog andet; i øvrigt", Minutes: 40},
			{ID: "a1", MeetingID: "m2", Position: 1, Title: "Valg af dirigent", Minutes: 5},
		},
	}
}

func write(t testing.TB, d *model.CouncilData, o ical.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := ical.Write(&buf, d, o); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWriteParsesBack(t *testing.T) {
	out := write(t, sample(), ical.Options{Now: now})
	cal, err := ics.ParseCalendar(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, out)
	}
	calName := ""
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == string(ics.PropertyXWRCalName) {
			calName = p.Value
		}
	}
	if calName != "Jyderup Lokalråd" {
		t.Errorf("X-WR-CALNAME = %q", calName)
	}

	ev := cal.Events()
	if len(ev) != 2 {
		t.Fatalf("%d events, want 2 (the meeting without a start is left out)", len(ev))
	}
	prop := func(e *ics.VEvent, p ics.ComponentProperty) string {
		if v := e.GetProperty(p); v != nil {
			return v.Value
		}
		return ""
	}

	first := ev[0]
	if got := first.Id(); got != "m1@lokalraad" {
		t.Errorf("UID = %q", got)
	}
	start, err := first.GetStartAt()
	if err != nil {
		t.Fatal(err)
	}
	end, err := first.GetEndAt()
	if err != nil {
		t.Fatal(err)
	}
	// 19:30 Danish winter time is 18:30 UTC; the agenda lasts 90 minutes.
	if want := time.Date(2026, 11, 26, 18, 30, 0, 0, time.UTC); !start.Equal(want) || start.Location() != time.UTC {
		t.Errorf("DTSTART = %v, want %v in UTC", start, want)
	}
	if got := end.Sub(start); got != 90*time.Minute {
		t.Errorf("duration = %v, want 1h30m", got)
	}
	if got := prop(first, ics.ComponentPropertyDtStart); got != "20261126T183000Z" {
		t.Errorf("raw DTSTART = %q, want UTC form", got)
	}
	if got := prop(first, ics.ComponentPropertySummary); got != "Bestyrelsesmøde om søen og åen" {
		t.Errorf("SUMMARY = %q", got)
	}
	if got := prop(first, ics.ComponentPropertyLocation); got != "Skolen" {
		t.Errorf("LOCATION = %q", got)
	}
	wantDesc := "1. Godkendelse af dagsorden\n2. Trafiksikkerhed på Østergade\n3. Eventuelt,\nog andet; i øvrigt"
	if got := ics.FromText(prop(first, ics.ComponentPropertyDescription)); got != wantDesc {
		t.Errorf("DESCRIPTION = %q, want %q", got, wantDesc)
	}
	stamp, err := first.GetDtStampTime()
	if err != nil || !stamp.Equal(now) {
		t.Errorf("DTSTAMP = %v, %v; want %v", stamp, err, now)
	}

	second := ev[1]
	if got := second.Id(); got != "m2@lokalraad" {
		t.Errorf("UID = %q", got)
	}
	// A generalforsamling without its own title is named by kind and date;
	// a five-minute agenda still gives a one-hour event (summer/winter: 25
	// February is winter time, UTC+1).
	if got := prop(second, ics.ComponentPropertySummary); got != "Generalforsamling 25.02.2027" {
		t.Errorf("SUMMARY = %q", got)
	}
	s2 := noerr.Get(second.GetStartAt())(t)
	e2 := noerr.Get(second.GetEndAt())(t)
	if want := time.Date(2027, 2, 25, 18, 0, 0, 0, time.UTC); !s2.Equal(want) || e2.Sub(s2) != time.Hour {
		t.Errorf("second event %v–%v, want %v and one hour", s2, e2, want)
	}
	if got := ics.FromText(prop(second, ics.ComponentPropertyLocation)); got != "Forsamlingshuset, Ågade 3; sal 2" {
		t.Errorf("LOCATION = %q", got)
	}
}

func TestWriteFormat(t *testing.T) {
	d := sample()
	d.Meetings[1].Title = strings.Repeat("Møde om den nye sti langs åen ", 6)
	out := string(write(t, d, ical.Options{Now: now, Lang: model.English}))
	if !strings.HasPrefix(out, "BEGIN:VCALENDAR\r\n") || !strings.HasSuffix(out, "END:VCALENDAR\r\n") {
		t.Errorf("feed does not start and end with VCALENDAR lines:\n%s", out)
	}
	for i, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d holds a bare line break: %q", i+1, line)
		}
		if len(line) > 75 {
			t.Errorf("line %d is %d octets, longer than 75: %q", i+1, len(line), line)
		}
	}
	for _, want := range []string{"VERSION:2.0\r\n", "METHOD:PUBLISH\r\n", "DTSTAMP:20261101T080000Z\r\n", "UID:m1@lokalraad\r\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("feed lacks %q", strings.TrimSpace(want))
		}
	}
	// English titles for meetings without their own title.
	if !strings.Contains(out, "SUMMARY:Annual general meeting 25.02.2027\r\n") {
		t.Errorf("English summary missing:\n%s", out)
	}
}

func TestWriteDeterministic(t *testing.T) {
	a := write(t, sample(), ical.Options{Now: now})
	b := write(t, sample(), ical.Options{Now: now})
	if !bytes.Equal(a, b) {
		t.Error("two writes of the same data differ")
	}
}

func TestWriteGolden(t *testing.T) {
	d := &model.CouncilData{
		Council: model.Council{Name: "Tølløse Lokalråd"},
		Meetings: []model.Meeting{{ID: "m1", Kind: model.MeetingBoard, Start: local(2026, 6, 4, 19, 0), Place: "Hallen",
			Status: model.MeetingPlanned}},
		Items: []model.AgendaItem{{ID: "i1", MeetingID: "m1", Position: 1, Title: "Sø", Minutes: 120}},
	}
	want := "BEGIN:VCALENDAR\r\n" +
		"VERSION:2.0\r\n" +
		"PRODID:-//Lokalraad//Lokalraad DA//DA\r\n" +
		"CALSCALE:GREGORIAN\r\n" +
		"METHOD:PUBLISH\r\n" +
		"X-WR-CALNAME:Tølløse Lokalråd\r\n" +
		"X-WR-TIMEZONE:Europe/Copenhagen\r\n" +
		"BEGIN:VEVENT\r\n" +
		"UID:m1@lokalraad\r\n" +
		"DTSTAMP:20261101T080000Z\r\n" +
		"DTSTART:20260604T170000Z\r\n" +
		"DTEND:20260604T190000Z\r\n" +
		"SUMMARY:Bestyrelsesmøde 04.06.2026\r\n" +
		"LOCATION:Hallen\r\n" +
		"DESCRIPTION:1. Sø\r\n" +
		"END:VEVENT\r\n" +
		"END:VCALENDAR\r\n"
	if got := string(write(t, d, ical.Options{Now: now})); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestWriteEmpty(t *testing.T) {
	out := write(t, &model.CouncilData{}, ical.Options{Now: now})
	cal, err := ics.ParseCalendar(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(cal.Events()); n != 0 {
		t.Errorf("%d events", n)
	}
	if err := ical.Write(&bytes.Buffer{}, nil, ical.Options{}); err == nil {
		t.Error("nil data gave no error")
	}
}
