package storage_test

import (
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

// The overview counts, per council and never across councils, what the
// municipality looks at: next meeting, open and overdue action items,
// projects by status, open applications and the next deadline, wishes
// awaiting an answer, last year's accounts, a contact person, the plan's
// year and when the council was last heard from.
func TestCouncilOverviews(t *testing.T) {
	db, _ := openTemp(t)
	now := time.Date(2027, 2, 10, 12, 0, 0, 0, model.Copenhagen)
	db.Now = func() time.Time { return now }
	a := model.Council{Name: "Jyderup Lokalråd", Area: "Jyderup"}
	b := model.Council{Name: "Tølløse Lokalråd", Area: "Tølløse"}
	must(t, db.SaveCouncil(t.Context(), model.Council{}, &a))
	must(t, db.SaveCouncil(t.Context(), model.Council{}, &b))
	for _, start := range []time.Time{now.AddDate(0, 0, -10), now.AddDate(0, 0, 20), now.AddDate(0, 1, 0)} {
		m := model.Meeting{CouncilID: a.ID, Kind: model.MeetingBoard, Start: start, Status: model.MeetingPlanned}
		must(t, db.SaveMeeting(t.Context(), model.Meeting{}, &m))
	}
	for _, x := range []model.ActionItem{
		{CouncilID: a.ID, What: "For sent", Due: day(2027, 2, 9)},
		{CouncilID: a.ID, What: "I dag", Due: day(2027, 2, 10)},
		{CouncilID: a.ID, What: "Uden frist"},
		{CouncilID: a.ID, What: "Udført", Due: day(2027, 1, 1), Done: true},
		{CouncilID: b.ID, What: "Tølløses", Due: day(2026, 1, 1)},
	} {
		must(t, db.SaveActionItem(t.Context(), model.ActionItem{}, &x))
	}
	p1 := model.Project{CouncilID: a.ID, Title: "Shelter", Status: model.ProjectRunning, Progress: 40}
	p2 := model.Project{CouncilID: a.ID, Title: "Sti", Status: model.ProjectRunning, Progress: 60}
	p3 := model.Project{CouncilID: a.ID, Title: "Idé", Status: model.ProjectIdea}
	for _, p := range []*model.Project{&p1, &p2, &p3} {
		must(t, db.SaveProject(t.Context(), model.Project{}, p))
	}
	for _, x := range []model.FundingApplication{
		{CouncilID: a.ID, ProjectID: p1.ID, Pool: "Udviklingspuljen", Deadline: day(2027, 3, 1), Status: model.ApplicationDraft},
		{CouncilID: a.ID, ProjectID: p1.ID, Pool: "Gammel", Deadline: day(2026, 3, 1), Status: model.ApplicationSent},
		{CouncilID: a.ID, ProjectID: p2.ID, Pool: "Bevilget", Deadline: day(2027, 2, 15), Status: model.ApplicationGranted},
	} {
		must(t, db.SaveFundingApplication(t.Context(), model.FundingApplication{}, &x))
	}
	for _, w := range []model.BudgetWish{
		{CouncilID: a.ID, Year: 2028, Title: "Venter", Status: model.WishSubmitted},
		{CouncilID: a.ID, Year: 2028, Title: "Udkast", Status: model.WishDraft},
		{CouncilID: b.ID, Year: 2028, Title: "Besvaret", Status: model.WishAnswered, Answer: model.AnswerGranted},
	} {
		must(t, db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	}
	must(t, db.SaveAccountsYear(t.Context(), model.AccountsYear{}, &model.AccountsYear{CouncilID: a.ID, Year: 2026, Approved: day(2027, 2, 1)}))
	must(t, db.SaveAccountsYear(t.Context(), model.AccountsYear{}, &model.AccountsYear{CouncilID: b.ID, Year: 2026})) // not approved
	must(t, db.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: b.ID, Name: "Ida", Role: model.RoleChair, Contact: true}))
	must(t, db.SavePlan(t.Context(), model.DevPlan{}, &model.DevPlan{CouncilID: a.ID, Year: 2027}))

	rows, err := db.CouncilOverviews(t.Context(), now)
	must(t, err)
	if len(rows) != 2 || rows[0].Name != "Jyderup Lokalråd" {
		t.Fatalf("rows %+v", rows)
	}
	j, o := rows[0], rows[1]
	if !j.NextMeeting.Equal(now.AddDate(0, 0, 20)) || j.NextMeetingTitle != "Bestyrelsesmøde 02.03.2027" {
		t.Errorf("next meeting %v %q", j.NextMeeting, j.NextMeetingTitle)
	}
	if j.OpenActions != 3 || j.OverdueActions != 1 || o.OpenActions != 1 || o.OverdueActions != 1 {
		t.Errorf("actions: J %d/%d, T %d/%d", j.OpenActions, j.OverdueActions, o.OpenActions, o.OverdueActions)
	}
	if j.Projects[model.ProjectRunning] != 2 || j.Projects[model.ProjectIdea] != 1 || j.Progress != 50 || len(o.Projects) != 0 {
		t.Errorf("projects J %v %d%%, T %v", j.Projects, j.Progress, o.Projects)
	}
	if j.OpenApps != 2 || !j.NextAppDeadline.Equal(day(2027, 3, 1)) {
		t.Errorf("applications %d, next %v", j.OpenApps, j.NextAppDeadline)
	}
	if j.WishesAwaiting != 1 || o.WishesAwaiting != 0 {
		t.Errorf("wishes awaiting J %d T %d", j.WishesAwaiting, o.WishesAwaiting)
	}
	if !j.AccountsOnFile || o.AccountsOnFile || j.AccountsYear != 2026 {
		t.Errorf("accounts on file J %v T %v (%d)", j.AccountsOnFile, o.AccountsOnFile, j.AccountsYear)
	}
	if j.ContactOnFile || !o.ContactOnFile {
		t.Errorf("contact J %v T %v", j.ContactOnFile, o.ContactOnFile)
	}
	if j.PlanYear != 2027 || o.PlanYear != 0 {
		t.Errorf("plan J %d T %d", j.PlanYear, o.PlanYear)
	}
	// Everything here was written on this computer: nothing heard from the councils.
	if !j.LastSync.IsZero() {
		t.Errorf("last sync %v", j.LastSync)
	}
	if j.Problems(2027) != 2 || o.Problems(2027) != 3 {
		t.Errorf("problems J %d T %d", j.Problems(2027), o.Problems(2027))
	}
	_ = storage.ErrNotFound
}
