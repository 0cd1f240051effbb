package ui

import (
	"testing"
	"time"

	"lokalraad/model"
)

// The conflicts list names each row by its kind and title, so a person
// knows which thing two computers disagree on.
func TestConflictRowNames(t *testing.T) {
	u, db, council := withCouncil(t)
	ctx := t.Context()
	m := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Title: "Marts", Status: model.MeetingPlanned,
		Start: time.Date(2027, 3, 4, 18, 0, 0, 0, time.UTC)}
	ok(t, db.SaveMeeting(ctx, model.Meeting{}, &m))
	it := model.AgendaItem{CouncilID: council, MeetingID: m.ID, Position: 1, Title: "Stien", Kind: model.ItemDecision}
	ok(t, db.SaveAgendaItem(ctx, model.AgendaItem{}, &it))
	mem := model.Member{CouncilID: council, Name: "Karen Østergaard", Role: model.RoleChair}
	ok(t, db.SaveMember(ctx, model.Member{}, &mem))
	p := model.Project{CouncilID: council, Title: "Ny legeplads", Status: model.ProjectIdea}
	ok(t, db.SaveProject(ctx, model.Project{}, &p))
	l := model.BudgetLine{CouncilID: council, ProjectID: p.ID, Text: "Gynger", Kind: model.LineExpense, Amount: 100}
	ok(t, db.SaveBudgetLine(ctx, model.BudgetLine{}, &l))
	w := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Ny sti", Status: model.WishDraft}
	ok(t, db.SaveBudgetWish(ctx, model.BudgetWish{}, &w))

	names := u.rowNames()
	for id, want := range map[string]string{
		council: "Lokalråd «Jyderup Lokalråd»",
		m.ID:    "Møde «Marts 04.03.2027»",
		it.ID:   "Dagsordenspunkt «Stien» 04.03.2027",
		mem.ID:  "Medlem «Karen Østergaard»",
		p.ID:    "Projekt «Ny legeplads»",
		l.ID:    "Budgetlinje «Gynger»",
		w.ID:    "Budgetønske «Ny sti»",
	} {
		if names[id] != want {
			t.Errorf("row named %q, want %q", names[id], want)
		}
	}
}
