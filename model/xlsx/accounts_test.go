package xlsx_test

import (
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/model/xlsx"
)

// The sheet Regnskab lists each year's lines by date with a running
// balance that is a live formula (from the year's opening balance), SUM
// formulas under income and expense, wages marked, and the receipts
// attached to a line named.
func TestWriteAccountsSheet(t *testing.T) {
	d := sample()
	d.AccountYears = []model.AccountsYear{{ID: "y27", Year: 2027, Opening: 2_500_50}}
	d.Accounts = []model.AccountEntry{
		{ID: "e2", Date: day(2027, 3, 25), Text: "Kaffe, Åse", Kind: model.EntryExpense, Amount: 850_50, Category: "Møder og generalforsamling", Receipt: "2"},
		{ID: "e1", Date: day(2027, 1, 15), Text: "Tilskud 2027", Kind: model.EntryIncome, Amount: 30_000_00, Category: "Tilskud fra kommunen", Receipt: "1"},
		{ID: "e3", Date: day(2027, 8, 1), Text: "Løn", Kind: model.EntryExpense, Amount: 4_000_00, Category: model.WageCategory, ProjectID: "p1"},
		{ID: "e0", Date: time.Date(2026, 12, 31, 12, 0, 0, 0, model.Copenhagen), Text: "Tilskud 2026", Kind: model.EntryIncome, Amount: 100_00},
	}
	d.Attachments = []model.Attachment{
		{ID: "a1", OwnerKind: model.OwnerEntry, OwnerID: "e2", Name: "Kvittering Brugsen.pdf"},
		{ID: "a2", OwnerKind: model.OwnerEntry, OwnerID: "e2", Name: "Bon.jpg"},
		{ID: "a3", OwnerKind: model.OwnerProject, OwnerID: "e1", Name: "Ikke en kvittering.pdf"},
	}
	f := open(t, write(t, d, xlsx.Options{}))
	const s = "Regnskab"
	if got := cell(t, f, s, "K1"); got != "Bilag vedhæftet" {
		t.Errorf("K1 = %q, want the receipts' column", got)
	}
	for ref, want := range map[string]string{
		"A2": "2026", "D2": "Tilskud 2026", "I2": "100",
		"A3": "2027", "D3": "Tilskud 2027", "G3": "30000", "I3": "32500.5",
		"D4": "Kaffe, Åse", "H4": "850.5", "I4": "31650", "K4": "Kvittering Brugsen.pdf, Bon.jpg", "K3": "",
		"D5": "Løn", "F5": "Shelterplads ved Skarresø", "J5": "Ja", "I5": "27650",
		"D7": "I alt", "G7": "30100", "H7": "4850.5",
	} {
		if got := cell(t, f, s, ref); got != want {
			t.Errorf("%s = %q, want %q", ref, got, want)
		}
	}
	for ref, want := range map[string]string{
		"I2": "0+G2-H2",      // 2026 has no opening balance
		"I3": "2500.5+G3-H3", // the first line of 2027 starts from its opening balance
		"I4": "I3+G4-H4",     // then the line above
		"I5": "I4+G5-H5",
		"G7": "SUM(G2:G5)", "H7": "SUM(H2:H5)",
	} {
		if got := noerr.Get(f.GetCellFormula(s, ref))(t); got != want {
			t.Errorf("formula %s = %q, want %q", ref, got, want)
		}
	}
	if got := cell(t, f, s, "J3"); got != "" {
		t.Errorf("income marked as wages: %q", got)
	}
}

// The sheet Udviklingsplan: a row per action, with its focus area, goals
// and linked projects; a focus area without actions has a row of its own.
func TestWritePlanSheet(t *testing.T) {
	d := sample()
	d.Plans = []model.PlanData{{
		Plan: model.DevPlan{ID: "p", Year: 2027, Vision: "Et levende Jyderup"},
		Focus: []model.FocusArea{
			{ID: "f1", Title: "Natur", Goals: "Sti rundt om søen", Projects: []string{"p1"}},
			{ID: "f2", Title: "Fællesskab"},
		},
		Actions: []model.PlanAction{{ID: "a", FocusID: "f1", Who: "Åse", What: "Søg Udviklingspuljen", Due: day(2027, 3, 1), Status: model.ActionStarted}},
	}}
	f := open(t, write(t, d, xlsx.Options{}))
	const s = "Udviklingsplan"
	for ref, want := range map[string]string{
		"A2": "2027", "B2": "Et levende Jyderup", "C2": "Natur", "D2": "Sti rundt om søen", "E2": "Shelterplads ved Skarresø",
		"F2": "Søg Udviklingspuljen", "G2": "Åse", "I2": "I gang",
		"C3": "Fællesskab", "F3": "",
	} {
		if got := cell(t, f, s, ref); got != want {
			t.Errorf("%s = %q, want %q", ref, got, want)
		}
	}
}
