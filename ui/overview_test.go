package ui

import (
	"strings"
	"testing"

	"lokalraad/model"
)

// The Oversigt lists the municipality's deadlines with the council's own.
func TestOverviewShowsMunicipalDeadlines(t *testing.T) {
	u, db, council := withCouncil(t)
	now := u.now()
	pool := model.Pool{CouncilID: model.MunicipalityID, Name: "Lokalområdernes Udviklingspulje", Available: 200_000_00, Deadline: now.AddDate(0, 0, 30)}
	if err := db.SavePool(t.Context(), model.Pool{}, &pool); err != nil {
		t.Fatal(err)
	}
	task := model.ActionItem{CouncilID: council, What: "Skriv ansøgningen", Due: now.AddDate(0, 0, 10)}
	if err := db.SaveActionItem(t.Context(), model.ActionItem{}, &task); err != nil {
		t.Fatal(err)
	}
	u.overview.refresh()
	var got []string
	for _, d := range u.overview.deadlines {
		got = append(got, d.Title)
	}
	if strings.Join(got, " | ") != "Skriv ansøgningen | Lokalområdernes Udviklingspulje" {
		t.Errorf("coming deadlines: %v", got)
	}
	if shown := texts(u.overview.dlList); !strings.Contains(shown, "Puljefrist: Lokalområdernes Udviklingspulje") {
		t.Errorf("the list shows:\n%s", shown)
	}
}
