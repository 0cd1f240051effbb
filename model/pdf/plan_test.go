package pdf

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"lokalraad/model"
)

// planFixture is the data the test below prints (also printed as a golden).
func planFixture() *model.CouncilData {
	return &model.CouncilData{
		Council:  model.Council{ID: "c", Name: "Jyderup Lokalråd"},
		Projects: []model.Project{{ID: "pr", Title: "Shelter ved Skarresø", Status: model.ProjectRunning, Progress: 35}},
		Plans: []model.PlanData{{
			Plan:    model.DevPlan{ID: "p", Year: 2027, Vision: "Et levende Jyderup, hvor Şule og Ődön mødes."},
			Focus:   []model.FocusArea{{ID: "f", PlanID: "p", Title: "Natur og friluftsliv", Goals: "En sti rundt om søen\nFlere shelters", Projects: []string{"pr", "slettet"}}},
			Actions: []model.PlanAction{{ID: "a", PlanID: "p", FocusID: "f", Who: "Søren", What: "Søg Udviklingspuljen", Due: day(2027, 3, 1), Status: model.ActionStarted}},
		}},
	}
}

// The development plan prints the vision, each focus area with its goals
// and linked projects, and the action plan; a year without a plan says so.
func TestPlanPDF(t *testing.T) {
	d := planFixture()
	var buf bytes.Buffer
	o := Options{Now: time.Date(2027, 1, 5, 12, 0, 0, 0, time.UTC)}
	if err := Plan(&buf, d, 2027, o); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(strings.Join(pages(t, buf.Bytes()), " ")), " ")
	for _, want := range []string{"Udviklingsplan 2027", "Vision", "Şule og Ődön", "1. Natur og friluftsliv", "En sti rundt om søen",
		"Shelter ved Skarresø (I gang, 35 %)", "Handlingsplan", "Søg Udviklingspuljen", "Søren", "01.03.2027", "I gang"} {
		if !strings.Contains(text, want) {
			t.Errorf("the plan lacks %q:\n%s", want, text)
		}
	}
	buf.Reset()
	if err := Plan(&buf, d, 2028, o); err != nil {
		t.Fatal(err)
	}
	if text := strings.Join(pages(t, buf.Bytes()), ""); !strings.Contains(text, "Ingen udviklingsplan for 2028") {
		t.Errorf("2028:\n%s", text)
	}
}
