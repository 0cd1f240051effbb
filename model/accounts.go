package model

// Årsregnskab: the accounts of the council's annual grant. Income (the
// grant, pool grants, own income) and expenses, each with date, text,
// amount, category and project; a running balance from the year's opening
// balance; wages flagged (the grant may not pay them); approval at the
// generalforsamling.

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"time"
)

// EntryKind says whether an accounts line is income or an expense.
type EntryKind string

// The kinds of accounts lines.
const (
	EntryIncome  EntryKind = "indtaegt"
	EntryExpense EntryKind = "udgift"
)

// EntryKinds lists the kinds in order.
var EntryKinds = []EntryKind{EntryIncome, EntryExpense}

// The usual categories of accounts lines; a line may use another text.
var (
	IncomeCategories  = []string{"Tilskud fra kommunen", "Puljemidler", "Egne indtægter", "Renter", "Andet"}
	ExpenseCategories = []string{"Møder og generalforsamling", "Arrangementer", "Projekter", "Kommunikation", "Administration", "Løn", "Andet"}
)

// WageCategory is the category that marks a wage.
const WageCategory = "Løn"

// AccountEntry is one line of the accounts.
type AccountEntry struct {
	ID        string
	CouncilID string
	Date      time.Time // a date; its year is the accounts' year
	Text      string
	Kind      EntryKind
	Amount    int64 // øre, never negative: the kind says which way
	Category  string
	ProjectID string // may be empty
	// Wages: the line pays wages (or fees for work), which the municipal
	// grant may not pay.
	Wages bool
	// Receipt names the receipt (bilag nr.); attachments (bilag) are
	// another issue's: they may hook a file to this line by its id.
	Receipt string
}

// AccountsYear is a year's accounts as a whole: the opening balance and the
// approval at the generalforsamling.
type AccountsYear struct {
	ID        string
	CouncilID string
	Year      int
	Opening   int64     // øre at 1 January; may be negative (an overdraft)
	Approved  time.Time // the day the generalforsamling approved them; zero until then
	MeetingID string    // the generalforsamling that approved them; may be empty
	Note      string
}

func init() {
	for en, da := range map[string]string{"amount": "beløb", "receipt": "bilag", "opening": "primo saldo", "date": "dato"} {
		if _, ok := danishFields[en]; !ok {
			danishFields[en] = da
		}
	}
}

// Validate checks the line.
func (e *AccountEntry) Validate() error {
	errs := []error{
		checkText("text", e.Text, true, MaxShort),
		checkText("category", e.Category, false, MaxShort),
		checkText("receipt", e.Receipt, false, MaxShort),
		checkAmount("account_entries", "amount", e.Amount),
	}
	if !slices.Contains(EntryKinds, e.Kind) {
		errs = append(errs, fieldErr("kind", "Choose income or expense", "Vælg indtægt eller udgift"))
	}
	if e.Date.IsZero() {
		errs = append(errs, fieldErr("date", "Choose a date", "Vælg en dato"))
	} else if y := e.Date.In(Copenhagen).Year(); y < 2000 || y > 2200 {
		errs = append(errs, fieldErr("date", "Choose a date", "Vælg en dato"))
	}
	return errors.Join(errs...)
}

// Validate checks the year.
func (a *AccountsYear) Validate() error {
	errs := []error{checkText("note", a.Note, false, MaxLong)}
	if a.Year < 2000 || a.Year > 2200 {
		errs = append(errs, fieldErr("year", "Choose a year", "Vælg et år"))
	}
	if a.Opening < -MaxAmount || a.Opening > MaxAmount {
		errs = append(errs, fieldErr("opening", "The amount is out of range", "Beløbet er uden for det tilladte"))
	}
	return errors.Join(errs...)
}

// CheckApproved refuses an approval dated after today (both read as days
// in Copenhagen): the accounts are approved at a generalforsamling that has
// been held, and a date to come would lock the year's lines at once.
func (a *AccountsYear) CheckApproved(today time.Time) error {
	if a.Approved.IsZero() {
		return nil
	}
	ay, am, ad := a.Approved.In(Copenhagen).Date()
	ty, tm, td := today.In(Copenhagen).Date()
	if time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC).After(time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)) {
		return &FieldError{Table: "accounts_years", Field: "approved",
			Key: "The date the accounts were approved cannot be in the future",
			Da:  "datoen, regnskabet blev godkendt, kan ikke ligge i fremtiden"}
	}
	return nil
}

// IsWage tells whether the line pays wages: marked so, or in the wage
// category.
func (e AccountEntry) IsWage() bool {
	return e.Kind == EntryExpense && (e.Wages || strings.EqualFold(strings.TrimSpace(e.Category), WageCategory))
}

// Signed is the line's effect on the balance: income up, expense down.
func (e AccountEntry) Signed() int64 {
	if e.Kind == EntryExpense {
		return -e.Amount
	}
	return e.Amount
}

// LedgerRow is one line of the accounts with the balance after it.
type LedgerRow struct {
	Entry   AccountEntry
	Balance int64
}

// Ledger is a year's accounts worked out.
type Ledger struct {
	Year     int
	Opening  int64
	Rows     []LedgerRow // by date, then text, then id
	Income   int64
	Expenses int64
	Result   int64 // Income − Expenses
	Closing  int64 // Opening + Result
	// Wages are the lines that pay wages, which the grant may not.
	Wages []AccountEntry
	// ByCategory sums each category: income positive, expenses negative.
	ByCategory map[string]int64
}

// BuildLedger works out the accounts of year from its opening balance and
// the council's lines; lines of other years are left out.
func BuildLedger(year int, opening int64, entries []AccountEntry) Ledger {
	l := Ledger{Year: year, Opening: opening, ByCategory: map[string]int64{}}
	var es []AccountEntry
	for _, e := range entries {
		if !e.Date.IsZero() && e.Date.In(Copenhagen).Year() == year {
			es = append(es, e)
		}
	}
	SortEntries(es)
	bal := opening
	for _, e := range es {
		bal += e.Signed()
		l.Rows = append(l.Rows, LedgerRow{Entry: e, Balance: bal})
		switch e.Kind {
		case EntryIncome:
			l.Income += e.Amount
		case EntryExpense:
			l.Expenses += e.Amount
		}
		l.ByCategory[cmp.Or(strings.TrimSpace(e.Category), "Andet")] += e.Signed()
		if e.IsWage() {
			l.Wages = append(l.Wages, e)
		}
	}
	l.Result = l.Income - l.Expenses
	l.Closing = opening + l.Result
	return l
}

// SortEntries orders lines by date, then kind (income first), text and id.
func SortEntries(es []AccountEntry) {
	slices.SortStableFunc(es, func(a, b AccountEntry) int {
		return cmp.Or(dayOf(a.Date).Compare(dayOf(b.Date)), strings.Compare(string(a.Kind), string(b.Kind)),
			strings.Compare(a.Text, b.Text), strings.Compare(a.ID, b.ID))
	})
}
