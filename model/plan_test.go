package model

import (
	"testing"
	"time"
)

func TestPlanReadOnly(t *testing.T) {
	for _, c := range []struct {
		year int
		now  time.Time
		want bool
	}{
		{2026, dday(2026, 12, 31), false},
		{2026, dday(2027, 1, 1), true},
		// 31 December 23:30 UTC is already the new year in Denmark.
		{2026, time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC), true},
		{2028, dday(2027, 6, 1), false},
	} {
		if got := PlanReadOnly(c.year, c.now); got != c.want {
			t.Errorf("PlanReadOnly(%d, %v) = %v", c.year, c.now, got)
		}
	}
}

func TestCopyPlan(t *testing.T) {
	d := PlanData{
		Plan:  DevPlan{ID: "p", CouncilID: "c", Year: 2026, Vision: "Et levende Jyderup"},
		Focus: []FocusArea{{ID: "f1", PlanID: "p", Title: "Natur", Goals: "Sti rundt om søen", Projects: []string{"pr1"}}},
		Actions: []PlanAction{
			{ID: "a1", PlanID: "p", FocusID: "f1", What: "Søg Udviklingspuljen", Status: ActionStarted},
			{ID: "a2", PlanID: "p", FocusID: "f1", What: "Møde med Vej og Park", Status: ActionDone},
		},
	}
	c := CopyPlan(d, 2027)
	if c.Plan.ID != "" || c.Plan.Year != 2027 || c.Plan.Vision != d.Plan.Vision || c.Plan.CouncilID != "c" {
		t.Errorf("plan %+v", c.Plan)
	}
	if len(c.Focus) != 1 || c.Focus[0].ID != "f1" || c.Focus[0].PlanID != "" || c.Focus[0].Projects[0] != "pr1" {
		t.Errorf("focus %+v", c.Focus)
	}
	c.Focus[0].Projects[0] = "x"
	if d.Focus[0].Projects[0] != "pr1" {
		t.Error("the copy shares the old plan's project list")
	}
	if len(c.Actions) != 1 || c.Actions[0].ID != "" || c.Actions[0].FocusID != "f1" || c.Actions[0].What != "Søg Udviklingspuljen" {
		t.Errorf("actions %+v (done ones are left behind)", c.Actions)
	}
}

func TestPlanValidate(t *testing.T) {
	if (&FocusArea{Title: "Natur"}).Validate() == nil {
		t.Error("a focus area without plan passes")
	}
	if (&FocusArea{Title: "Natur", PlanID: "p", Projects: []string{"a b"}}).Validate() == nil {
		t.Error("a bad project reference passes")
	}
	if (&PlanAction{PlanID: "p", What: "x", Status: "måske"}).Validate() == nil {
		t.Error("an unknown status passes")
	}
	if (&DevPlan{Year: 1999}).Validate() == nil {
		t.Error("year 1999 passes")
	}
	if err := (&PlanAction{PlanID: "p", What: "x", Status: ActionNotStarted}).Validate(); err != nil {
		t.Error(err)
	}
}
