package xlsx

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"lokalraad/model"
)

// The sheet Regnskab (issue 14): every accounts line of every year, with
// its running balance as a live formula.
const sheetAccounts sheetKind = 100

const (
	fReceipt = "receipt"
	fText    = "text"
	fIncome  = "income"
	fExpense = "expense"
	fBalance = "balance"
	fWages   = "wages"
	fAttach  = "attached"
)

func init() {
	sheetNames[sheetAccounts] = [2]string{"Regnskab", "Accounts"}
	maps.Copy(headers, map[string][2]string{
		fReceipt: {"Bilag", "Receipt"},
		fText:    {"Tekst", "Text"},
		fIncome:  {"Indtægt", "Income"},
		fExpense: {"Udgift", "Expense"},
		fBalance: {"Saldo", "Balance"},
		fWages:   {"Løn", "Wages"},
		fAttach:  {"Bilag vedhæftet", "Receipt attached"},
	})
}

// accountsTable lists the accounts by year and date. Saldo is a formula:
// the year's opening balance (a number in the formula) plus the income
// less the expense of the first line, then the line above's balance plus
// this line's income less its expense, so that a corrected amount updates
// every balance below it. The values are stored too, for programs that do
// not calculate. Lines that pay wages (which the grant may not) say "Ja"
// under Løn; a line with a scanned receipt attached names its files under
// Bilag vedhæftet.
func accountsTable(d *model.CouncilData, o Options) *table {
	t := &table{kind: sheetAccounts, totals: 3, cols: []column{
		{key: fYear, kind: kInt, width: 7},
		{key: fDate, kind: kDate},
		{key: fReceipt, width: 8, max: 12},
		{key: fText, width: 24, max: 60},
		{key: fCategory, width: 16, max: 30},
		{key: fProject, width: 14, max: 40},
		{key: fIncome, kind: kMoney, sum: true},
		{key: fExpense, kind: kMoney, sum: true},
		{key: fBalance, kind: kMoney},
		{key: fWages, width: 6},
		{key: fAttach, width: 24, max: 60},
	}}
	attached := map[string][]string{}
	for _, a := range d.Attachments {
		if a.OwnerKind == model.OwnerEntry {
			attached[a.OwnerID] = append(attached[a.OwnerID], a.Name)
		}
	}
	opening := map[int]int64{}
	for _, y := range d.AccountYears {
		if _, ok := opening[y.Year]; !ok {
			opening[y.Year] = y.Opening
		}
	}
	titles := make(map[string]string, len(d.Projects))
	for _, p := range d.Projects {
		titles[p.ID] = p.Title
	}
	years := map[int][]model.AccountEntry{}
	for _, e := range d.Accounts {
		if !e.Date.IsZero() {
			years[e.Date.In(model.Copenhagen).Year()] = append(years[e.Date.In(model.Copenhagen).Year()], e)
		}
	}
	var order []int
	for y := range years {
		order = append(order, y)
	}
	slices.SortFunc(order, cmp.Compare)
	for _, y := range order {
		l := model.BuildLedger(y, opening[y], years[y])
		for i, row := range l.Rows {
			e := row.Entry
			r := len(t.rows) + 2
			rs, prev := strconv.Itoa(r), strconv.Itoa(r-1)
			formula := "I" + prev + "+G" + rs + "-H" + rs
			if i == 0 {
				formula = strconv.FormatFloat(kroner(l.Opening), 'f', -1, 64) + "+G" + rs + "-H" + rs
			}
			var in, out any
			if e.Kind == model.EntryIncome {
				in = kroner(e.Amount)
			} else {
				out = kroner(e.Amount)
			}
			t.rows = append(t.rows, []any{
				y,
				date(e.Date),
				text(e.Receipt),
				text(e.Text),
				text(e.Category),
				text(titles[e.ProjectID]),
				in,
				out,
				excelize.Cell{Formula: formula, Value: kroner(row.Balance)},
				yesNoBlank(e.IsWage(), o.Lang),
				text(strings.Join(attached[e.ID], ", ")),
			})
		}
	}
	return t
}

// yesNoBlank is "Ja" for true and nothing for false.
func yesNoBlank(b bool, l model.Lang) any {
	if !b {
		return nil
	}
	return yesNo(true, l)
}
