package web

import (
	"context"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

// publicHub holds Jyderup (which publishes) with an approved meeting, a
// held meeting whose minutes are a draft, a meeting to come, members with
// contact data and a plan; and Tølløse, which publishes nothing.
func publicHub(t *testing.T) (*Server, *storage.DB, string, string) {
	s, _ := hub(t)
	db := s.db
	cs, err := db.Councils(t.Context())
	ok(t, err)
	j, tl := cs[0].ID, cs[1].ID
	at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 19, 0, 0, 0, model.Copenhagen) }
	ok(t, db.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: j, Name: "Karen Østergaard", Role: model.RoleChair, Contact: true, Phone: "20 11 22 33", Email: "karen@jyderup.dk"}))
	mk := func(council string, start time.Time, decision string, approve bool) {
		m := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Start: start, Status: model.MeetingHeld, Attendees: "Karen Østergaard\nSøren Ærenlund"}
		if start.After(s.Now()) {
			m.Status, m.Attendees = model.MeetingPlanned, ""
		}
		ok(t, db.SaveMeeting(context.Background(), model.Meeting{}, &m))
		it := model.AgendaItem{CouncilID: council, MeetingID: m.ID, Position: 1, Title: "Shelter ved Skarresø", Kind: model.ItemDecision, Decision: decision, Background: "Ring til Karen på 20 11 22 33"}
		ok(t, db.SaveAgendaItem(context.Background(), model.AgendaItem{}, &it))
		if approve {
			a := m
			a.Status, a.ApprovedAt = model.MeetingApproved, start.AddDate(0, 0, 30)
			ok(t, db.SaveMeeting(context.Background(), m, &a))
		}
	}
	mk(j, at(9, 12), "Rådet søger Udviklingspuljen.", true)
	mk(j, at(10, 12), "UDKAST: endnu ikke godkendt", false)
	mk(j, at(12, 10), "", false)
	mk(tl, at(9, 1), "Tølløses hemmelige beslutning", true)
	plan := model.DevPlan{CouncilID: j, Year: 2026, Vision: "Et levende Jyderup"}
	db.Now = s.Now
	ok(t, db.SavePlan(t.Context(), model.DevPlan{}, &plan))
	ok(t, db.SavePlanAction(t.Context(), model.PlanAction{}, &model.PlanAction{CouncilID: j, PlanID: plan.ID, Who: "Karen Østergaard", What: "Søg puljen", Status: model.ActionStarted}))
	return s, db, j, tl
}

// The public page shows only what the council published: upcoming meetings
// with agenda titles, approved minutes with decisions, the plan; never a
// draft, an attendee list, a background text, a phone number or e-mail,
// nor another council's data; 404 while unpublished, and with no login.
func TestPublicPage(t *testing.T) {
	s, db, j, tl := publicHub(t)
	for _, path := range []string{"/offentlig/" + j + "/", "/offentlig/" + j + "/kalender.ics", "/offentlig/" + j + "/referater.atom", "/offentlig/" + tl + "/", "/offentlig/ukendt/"} {
		if w := do(s, "GET", path, nil); w.Code != http.StatusNotFound {
			t.Errorf("%s before publishing: %d", path, w.Code)
		}
	}
	pub := model.Publication{CouncilID: j, Enabled: true, Meetings: true, Minutes: true, Plan: true, Intro: "Velkommen til Jyderup Lokalråd."}
	ok(t, db.SavePublication(t.Context(), model.Publication{}, &pub))

	w := do(s, "GET", "/offentlig/"+j+"/", nil)
	body := w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("public page %d", w.Code)
	}
	for _, want := range []string{"Jyderup Lokalråd", "Velkommen til Jyderup Lokalråd.", "Kommende møder", "Bestyrelsesmøde 10.12.2026",
		"Shelter ved Skarresø", "Godkendte referater", "Rådet søger Udviklingspuljen.", "Udviklingsplan 2026", "Et levende Jyderup", "Søg puljen"} {
		if !strings.Contains(body, want) {
			t.Errorf("public page lacks %q", want)
		}
	}
	for _, never := range []string{"UDKAST: endnu ikke godkendt", "Søren Ærenlund", "20 11 22 33", "karen@jyderup.dk", "Ring til Karen",
		"Karen Østergaard", "Tølløse", "hemmelige"} {
		if strings.Contains(body, never) {
			t.Errorf("public page shows %q", never)
		}
	}
	// The feeds.
	w = do(s, "GET", "/offentlig/"+j+"/kalender.ics", nil)
	if ics := w.Body.String(); w.Code != 200 || !strings.Contains(ics, "BEGIN:VEVENT") || strings.Contains(ics, "20 11 22 33") || strings.Contains(ics, "Søren") {
		t.Errorf("calendar %d:\n%s", w.Code, ics)
	}
	w = do(s, "GET", "/offentlig/"+j+"/referater.atom", nil)
	var feed atomFeed
	if err := xml.Unmarshal(w.Body.Bytes(), &feed); err != nil || len(feed.Entries) != 1 ||
		!strings.Contains(feed.Entries[0].Content.Body, "Rådet søger Udviklingspuljen.") || strings.Contains(w.Body.String(), "UDKAST") {
		t.Errorf("atom %v %+v\n%s", err, feed, w.Body)
	}
	if w := do(s, "GET", "/offentlig/"+tl+"/", nil); w.Code != http.StatusNotFound {
		t.Errorf("Tølløse's page: %d", w.Code)
	}

	// Only the parts picked: minutes off → no minutes, no feed.
	p2 := pub
	p2.Minutes = false
	ok(t, db.SavePublication(t.Context(), pub, &p2))
	if b := do(s, "GET", "/offentlig/"+j+"/", nil).Body.String(); strings.Contains(b, "Rådet søger") {
		t.Error("minutes shown after they were unpicked")
	}
	if w := do(s, "GET", "/offentlig/"+j+"/referater.atom", nil); w.Code != http.StatusNotFound {
		t.Errorf("atom after unpicking: %d", w.Code)
	}
	// Switched off: 404 again.
	p3 := p2
	p3.Enabled = false
	ok(t, db.SavePublication(t.Context(), p2, &p3))
	if w := do(s, "GET", "/offentlig/"+j+"/", nil); w.Code != http.StatusNotFound {
		t.Errorf("switched off: %d", w.Code)
	}
}
