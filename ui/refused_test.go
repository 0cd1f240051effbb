package ui

import (
	"context"
	"strings"
	"testing"

	"lokalraad/model"
	"lokalraad/storage"
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
	if err := db.SetAside(context.Background(), title, "ingen adgang: kun kommunen kan skrive svaret", model.Forbidden); err != nil {
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

// On an English screen the list says the refusal's code in English, never
// the server's Danish reason; a change refused before codes were kept says
// that the server refused it.
func TestRefusedChangesInEnglish(t *testing.T) {
	u, db, council := withCouncil(t)
	w := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Shelter ved søen", Status: model.WishSubmitted}
	ok(t, db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	ops, err := db.PendingOps(context.Background(), council, 100)
	ok(t, err)
	var title, year storage.Change
	for _, o := range ops {
		switch o.Field {
		case "title":
			title = o
		case "year":
			year = o
		}
	}
	ok(t, db.SetAside(context.Background(), title, "ændringen afvises: referatet er godkendt og låst", model.Locked))
	ok(t, db.SetAside(context.Background(), year, "ændringen afvises", ""))
	ok(t, SetupLanguage("en"))
	defer SetupLanguage("da")
	u.showRefused()
	got := texts(u.win.Canvas().Overlays().Top())
	for _, want := range []string{"It is approved and locked", "The municipality's server refused this change."} {
		if !strings.Contains(got, want) {
			t.Errorf("the English list lacks %q:\n%s", want, got)
		}
	}
	for _, danish := range []string{"afvises", "godkendt", "låst"} {
		if strings.Contains(got, danish) {
			t.Errorf("the English list says the Danish »%s«:\n%s", danish, got)
		}
	}
}
