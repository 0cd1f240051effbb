package ui

import (
	"context"
	"strings"
	"testing"

	"lokalraad/model"
)

// A change the server refused is shown under Filer → Afviste ændringer,
// with what was typed and the server's reason in Danish.
func TestRefusedChangesShowTheReason(t *testing.T) {
	u, db, council := withCouncil(t)
	w := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Shelter ved søen", Status: model.WishSubmitted}
	if err := db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w); err != nil {
		t.Fatal(err)
	}
	ops, err := db.PendingOps(context.Background(), council, 100)
	if err != nil {
		t.Fatal(err)
	}
	var title = ops[0]
	for _, o := range ops {
		if o.Table == "budget_wishes" && o.Field == "title" {
			title = o
		}
	}
	if err := db.SetAside(context.Background(), title, "ingen adgang: kun kommunen kan skrive svaret"); err != nil {
		t.Fatal(err)
	}
	u.showRefused()
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog")
	}
	got := texts(top)
	for _, want := range []string{"Afviste ændringer", "Shelter ved søen", "Kommunens begrundelse", "kun kommunen kan skrive svaret"} {
		if !strings.Contains(got, want) {
			t.Errorf("the dialog lacks %q:\n%s", want, got)
		}
	}
	// The laptop shows the wish without the refused title, as the server does.
	ws, err := db.BudgetWishes(t.Context(), council, 2027)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 1 || ws[0].Title != "" {
		t.Errorf("wishes after setting the title aside: %+v", ws)
	}
}
