package model

import (
	"testing"
	"time"
)

func TestBuildLedger(t *testing.T) {
	es := []AccountEntry{
		{ID: "3", Date: dday(2027, 3, 25), Text: "Generalforsamling, kaffe", Kind: EntryExpense, Amount: 850_50, Category: "Møder og generalforsamling"},
		{ID: "1", Date: dday(2027, 1, 15), Text: "Tilskud 2027", Kind: EntryIncome, Amount: 30_000_00, Category: "Tilskud fra kommunen"},
		{ID: "2", Date: dday(2027, 1, 15), Text: "Hjemmeside", Kind: EntryExpense, Amount: 1_200_00, Category: "Kommunikation"},
		{ID: "4", Date: dday(2027, 6, 1), Text: "Honorar til foredragsholder", Kind: EntryExpense, Amount: 2_000_00, Wages: true, Category: "Arrangementer"},
		{ID: "5", Date: dday(2027, 8, 1), Text: "Løn til oprydning", Kind: EntryExpense, Amount: 40_000_00, Category: "løn "},
		{ID: "6", Date: dday(2026, 12, 31), Text: "Sidste år", Kind: EntryIncome, Amount: 1},
		{ID: "7", Date: dday(2028, 1, 1), Text: "Næste år", Kind: EntryIncome, Amount: 1},
		// Late on New Year's Eve, Danish time, is still the old year.
		{ID: "8", Date: time.Date(2027, 12, 31, 23, 30, 0, 0, time.UTC).In(Copenhagen), Text: "Renter", Kind: EntryIncome, Amount: 12_34},
	}
	l := BuildLedger(2027, 5_000_00, es)
	var order []string
	var balances []int64
	for _, r := range l.Rows {
		order = append(order, r.Entry.ID)
		balances = append(balances, r.Balance)
	}
	if got := join(order); got != "1 2 3 4 5" {
		t.Errorf("order %s", got)
	}
	want := []int64{35_000_00, 33_800_00, 32_949_50, 30_949_50, -9_050_50}
	for i := range want {
		if i >= len(balances) || balances[i] != want[i] {
			t.Fatalf("balances %v, want %v", balances, want)
		}
	}
	if l.Income != 30_000_00 || l.Expenses != 44_050_50 || l.Result != -14_050_50 || l.Closing != -9_050_50 {
		t.Errorf("income %d expenses %d result %d closing %d", l.Income, l.Expenses, l.Result, l.Closing)
	}
	if len(l.Wages) != 2 || l.Wages[0].ID != "4" || l.Wages[1].ID != "5" {
		t.Errorf("wages flagged: %+v", l.Wages)
	}
	if l.ByCategory["Tilskud fra kommunen"] != 30_000_00 || l.ByCategory["Kommunikation"] != -1_200_00 {
		t.Errorf("by category %v", l.ByCategory)
	}
	// The eighth line: 31 December 2027 23:30 UTC is 1 January 2028 in Denmark.
	if l2 := BuildLedger(2028, 0, es); len(l2.Rows) != 2 || l2.Closing != 12_35 {
		t.Errorf("2028: %+v", l2.Rows)
	}
	// Income is never a wage, whatever its category.
	if (AccountEntry{Kind: EntryIncome, Category: "Løn", Wages: true}).IsWage() {
		t.Error("income flagged as wages")
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}

func TestAccountEntryValidate(t *testing.T) {
	ok := AccountEntry{Date: dday(2027, 1, 1), Text: "Tilskud", Kind: EntryIncome, Amount: 1}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mod := range map[string]func(*AccountEntry){
		"no date":         func(e *AccountEntry) { e.Date = time.Time{} },
		"year 1":          func(e *AccountEntry) { e.Date = time.Date(1, 1, 1, 0, 0, 0, 0, Copenhagen) },
		"no text":         func(e *AccountEntry) { e.Text = "" },
		"negative amount": func(e *AccountEntry) { e.Amount = -1 },
		"unknown kind":    func(e *AccountEntry) { e.Kind = "gave" },
		"huge amount":     func(e *AccountEntry) { e.Amount = MaxAmount + 1 },
	} {
		e := ok
		mod(&e)
		if e.Validate() == nil {
			t.Errorf("%s passes", name)
		}
	}
	if (&AccountsYear{Year: 1999}).Validate() == nil || (&AccountsYear{Year: 2027, Opening: -MaxAmount - 1}).Validate() == nil {
		t.Error("a bad accounts year passes")
	}
	if err := (&AccountsYear{Year: 2027, Opening: -500_00}).Validate(); err != nil {
		t.Errorf("an overdraft is refused: %v", err)
	}
}

// An approval is dated today or before: the day counts in Copenhagen.
func TestAccountsYearCheckApproved(t *testing.T) {
	today := time.Date(2026, 12, 5, 23, 30, 0, 0, Copenhagen)
	for _, c := range []struct {
		approved time.Time
		ok       bool
	}{
		{time.Time{}, true},
		{time.Date(2026, 12, 5, 0, 0, 0, 0, Copenhagen), true},
		{time.Date(2026, 3, 12, 0, 0, 0, 0, Copenhagen), true},
		{time.Date(2026, 12, 6, 0, 0, 0, 0, Copenhagen), false},
		{time.Date(2027, 3, 12, 0, 0, 0, 0, Copenhagen), false},
	} {
		a := AccountsYear{Year: 2026, Approved: c.approved}
		if err := a.CheckApproved(today); (err == nil) != c.ok {
			t.Errorf("approved %v: %v", c.approved, err)
		}
	}
}
