package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/model/xlsx"
)

// A treasurer's workbook with one wish already stored, one new and one
// row refused: the preview and the answer speak Danish about one row
// (»1 række«, never »1 rækker«), and after the import the window stays on
// the screen the treasurer was on (it used to jump to Oversigt).
func TestImportSaysOneRowAndStaysOnTheScreen(t *testing.T) {
	u, db, council := withCouncil(t)
	old := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Cykelsti", Status: model.WishDraft, Estimate: 100_00}
	ok(t, db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &old))
	u.openCouncil(council)
	u.tabs.SelectIndex(tabWishes)

	u.previewImport(council, &xlsx.Import{
		Wishes: []model.BudgetWish{
			{CouncilID: council, Year: 2027, Title: "Cykelsti", Status: model.WishDraft, Estimate: 100_00},
			{CouncilID: council, Year: 2027, Title: "Bænke ved søen", Status: model.WishDraft, Estimate: 12_500_50},
		},
		Problems: []xlsx.Problem{{Sheet: "Budgetønsker", Row: 5, Message: "Anslået udgift: »ca. 20.000« er ikke et beløb; skriv fx 12.500,50"}},
	})
	shown := texts(u.win.Canvas().Overlays().Top())
	for _, want := range []string{"1 række findes allerede", "1 række har problemer og bliver ikke importeret"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the preview does not say %q:\n%s", want, shown)
		}
	}
	if strings.Contains(shown, "1 rækker") {
		t.Errorf("the preview says »1 rækker«:\n%s", shown)
	}
	test.Tap(overlayButton(t, u, "Importér"))
	if ws := noerr.Get(db.BudgetWishes(t.Context(), council, 0))(t); len(ws) != 2 {
		t.Fatalf("after the import: %+v", ws)
	}
	if said := texts(u.win.Canvas().Overlays().Top()); !strings.Contains(said, "1 række importeret.") {
		t.Errorf("the answer is not »1 række importeret.«:\n%s", said)
	}
	if u.tabs.SelectedIndex() != tabWishes {
		t.Errorf("after the import the window shows %q, not Budgetønsker", u.tabs.Selected().Text)
	}
	closeDialogs(u)

	// The same file again, its rows skipped: Importér says that nothing
	// came in and why, instead of closing without a word.
	u.previewImport(council, &xlsx.Import{Wishes: []model.BudgetWish{
		{CouncilID: council, Year: 2027, Title: "Cykelsti", Status: model.WishDraft, Estimate: 100_00},
	}})
	test.Tap(overlayButton(t, u, "Importér"))
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("Importér of rows that are all stored already closed without a word")
	}
	if said := texts(top); !strings.Contains(said, "Intet blev importeret") || !strings.Contains(said, "sprunget over") {
		t.Errorf("the answer does not say that nothing was imported, and why:\n%s", said)
	}
}
