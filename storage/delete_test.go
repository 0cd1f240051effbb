package storage

import (
	"testing"
	"time"

	"lokalraad/model"
)

// Deleting a budget line, a funding application, an action item or a
// yearly date removes it here and, at the next sync, on the other
// computer; deleting it again, or a row that never was, is no error.
func TestDeletesTravel(t *testing.T) {
	a, b := replica(t, "a"), replica(t, "b")
	ctx := t.Context()
	c := model.Council{Name: "Jyderup Lokalråd"}
	ok(t, a.SaveCouncil(ctx, model.Council{}, &c))
	p := model.Project{CouncilID: c.ID, Title: "Legeplads", Status: model.ProjectIdea}
	ok(t, a.SaveProject(ctx, model.Project{}, &p))
	l := model.BudgetLine{CouncilID: c.ID, ProjectID: p.ID, Text: "Gynger", Kind: model.LineExpense, Amount: 100_00}
	ok(t, a.SaveBudgetLine(ctx, model.BudgetLine{}, &l))
	app := model.FundingApplication{CouncilID: c.ID, ProjectID: p.ID, Pool: "Fællesskabspuljen", Status: model.ApplicationDraft}
	ok(t, a.SaveFundingApplication(ctx, model.FundingApplication{}, &app))
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: time.Date(2027, 3, 4, 18, 0, 0, 0, time.UTC)}
	ok(t, a.SaveMeeting(ctx, model.Meeting{}, &m))
	act := model.ActionItem{CouncilID: c.ID, MeetingID: m.ID, What: "Ring til kommunen"}
	ok(t, a.SaveActionItem(ctx, model.ActionItem{}, &act))
	r := model.YearRule{CouncilID: c.ID, Title: "Generalforsamling", Kind: model.YearDate, Month: 3, Day: 15}
	ok(t, a.SaveYearRule(ctx, model.YearRule{}, &r))
	send(t, a, b)

	count := func(db *DB) int {
		ls, err := db.BudgetLines(ctx, p.ID)
		ok(t, err)
		as, err := db.FundingApplications(ctx, p.ID)
		ok(t, err)
		acts, err := db.ActionItems(ctx, c.ID)
		ok(t, err)
		rs, err := db.YearRules(ctx, c.ID)
		ok(t, err)
		return len(ls) + len(as) + len(acts) + len(rs)
	}
	if n := count(b); n != 4 {
		t.Fatalf("the other computer has %d of the 4 rows", n)
	}
	for range 2 { // the second time, every row is gone already
		ok(t, a.DeleteBudgetLine(ctx, l.ID))
		ok(t, a.DeleteFundingApplication(ctx, app.ID))
		ok(t, a.DeleteActionItem(ctx, act.ID))
		ok(t, a.DeleteYearRule(ctx, r.ID))
	}
	ok(t, a.DeleteYearRule(ctx, "never-was"))
	if n := count(a); n != 0 {
		t.Errorf("%d deleted rows still here", n)
	}
	send(t, a, b)
	if n := count(b); n != 0 {
		t.Errorf("%d deleted rows still on the other computer", n)
	}
	if _, err := b.Project(ctx, p.ID); err != nil {
		t.Errorf("the project went with its budget line: %v", err)
	}
}
