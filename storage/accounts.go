package storage

// Årsregnskab (issue 14): the accounts' lines and each year's opening
// balance and approval, council data written through the change log like
// any row, so they sync to the municipality and are signed.

import (
	"context"
	"errors"
	"strconv"
	"time"

	"lokalraad/model"
)

var (
	entriesT  = entryD.table
	accYearsT = accYearD.table
)

// ErrAccountsApproved: the year's accounts were approved at the
// generalforsamling; their lines are locked until the approval is undone.
var ErrAccountsApproved = errors.New("regnskabet for året er godkendt på generalforsamlingen og kan ikke ændres; fjern godkendelsen først")

var (
	entryD = describe("account_entries", func(e *model.AccountEntry) *string { return &e.ID },
		func(e *model.AccountEntry) *string { return &e.CouncilID }, nil,
		dateCol("date", func(e *model.AccountEntry) *time.Time { return &e.Date }),
		textCol("text", func(e *model.AccountEntry) *string { return &e.Text }),
		textCol("kind", func(e *model.AccountEntry) *model.EntryKind { return &e.Kind }),
		intCol("amount", func(e *model.AccountEntry) *int64 { return &e.Amount }),
		textCol("category", func(e *model.AccountEntry) *string { return &e.Category }),
		textCol("project_id", func(e *model.AccountEntry) *string { return &e.ProjectID }),
		boolCol("wages", func(e *model.AccountEntry) *bool { return &e.Wages }),
		textCol("receipt", func(e *model.AccountEntry) *string { return &e.Receipt }),
	)
	accYearD = describe("accounts_years", func(a *model.AccountsYear) *string { return &a.ID },
		func(a *model.AccountsYear) *string { return &a.CouncilID }, nil,
		intCol("year", func(a *model.AccountsYear) *int { return &a.Year }),
		intCol("opening", func(a *model.AccountsYear) *int64 { return &a.Opening }),
		dateCol("approved", func(a *model.AccountsYear) *time.Time { return &a.Approved }),
		textCol("meeting_id", func(a *model.AccountsYear) *string { return &a.MeetingID }),
		textCol("note", func(a *model.AccountsYear) *string { return &a.Note }),
	)
)

// AccountEntries lists a council's accounts lines of year (0: every year)
// by date.
func (db *DB) AccountEntries(ctx context.Context, councilID string, year int) ([]model.AccountEntry, error) {
	q := entriesT.selectSQL() + " WHERE council_id = ?"
	args := []any{councilID}
	if year != 0 {
		q += " AND date BETWEEN ? AND ?"
		args = append(args, strconv.Itoa(year)+"-01-01", strconv.Itoa(year)+"-12-31")
	}
	out, err := list(ctx, db.sql(), entryD.scan, q, args...)
	model.SortEntries(out)
	return out, err
}

// AccountsYears lists a council's accounts years, newest first.
func (db *DB) AccountsYears(ctx context.Context, councilID string) ([]model.AccountsYear, error) {
	return list(ctx, db.sql(), accYearD.scan, accYearsT.selectSQL()+" WHERE council_id = ? ORDER BY year DESC, id", councilID)
}

// AccountsYear reads the council's record of year: the zero value with
// CouncilID and Year set when there is none yet.
func (db *DB) AccountsYear(ctx context.Context, councilID string, year int) (model.AccountsYear, error) {
	a, err := one(ctx, db.sql(), accYearD.scan, accYearsT.selectSQL()+" WHERE council_id = ? AND year = ? ORDER BY id LIMIT 1", councilID, year)
	if errors.Is(err, ErrNotFound) {
		return model.AccountsYear{CouncilID: councilID, Year: year}, nil
	}
	return a, err
}

// Ledger works out the council's accounts of year (model.BuildLedger).
func (db *DB) Ledger(ctx context.Context, councilID string, year int) (model.Ledger, model.AccountsYear, error) {
	y, err := db.AccountsYear(ctx, councilID, year)
	if err != nil {
		return model.Ledger{}, y, err
	}
	es, err := db.AccountEntries(ctx, councilID, year)
	if err != nil {
		return model.Ledger{}, y, err
	}
	return model.BuildLedger(year, y.Opening, es), y, nil
}

// approvedYear refuses an edit of a line dated in an approved year.
func (w *writer) approvedYear(council string, dates ...string) error {
	for _, d := range dates {
		if len(d) < 4 {
			continue
		}
		var n int
		err := w.tx.QueryRowContext(w.ctx, "SELECT COUNT(*) FROM accounts_years WHERE council_id = ? AND year = ? AND approved <> ''", council, d[:4]).Scan(&n)
		if err != nil {
			return err
		}
		if n > 0 {
			return ErrAccountsApproved
		}
	}
	return nil
}

// SaveAccountEntry creates or updates an accounts line, edited from loaded
// (the zero value for a new line); ErrAccountsApproved when its year (or
// the year it is moved from) is approved.
func (db *DB) SaveAccountEntry(ctx context.Context, loaded model.AccountEntry, e *model.AccountEntry) error {
	return saveRow(ctx, db, entryD, loaded, e, func(w *writer) error {
		dates := []string{dateText(e.Date)}
		if loaded.ID != "" {
			stored, err := entryD.scan(w.tx.QueryRowContext(w.ctx, entriesT.selectSQL()+" WHERE id = ?", e.ID))
			if err == nil {
				dates = append(dates, dateText(stored.Date))
			}
		}
		return w.approvedYear(e.CouncilID, dates...)
	})
}

// DeleteAccountEntry deletes an accounts line with its attached receipts;
// ErrAccountsApproved when its year is approved.
func (db *DB) DeleteAccountEntry(ctx context.Context, id string) error {
	return db.write(ctx, func(w *writer) error {
		e, err := entryD.scan(w.tx.QueryRowContext(w.ctx, entriesT.selectSQL()+" WHERE id = ?", id))
		if err == nil {
			if err := w.approvedYear(e.CouncilID, dateText(e.Date)); err != nil {
				return err
			}
		}
		return w.removeTree(entriesT.name, id)
	})
}

// SaveAccountsYear creates or updates a year's opening balance and
// approval, edited from loaded. Setting Approved locks the year's lines
// and its opening balance; clearing it opens them again. As at the hub
// (yearlock.go), the balance of an approved year is refused even in the
// save that clears the approval (the balance is written first): take the
// approval back, then correct. ErrAccountsApproved.
func (db *DB) SaveAccountsYear(ctx context.Context, loaded model.AccountsYear, a *model.AccountsYear) error {
	return saveRow(ctx, db, accYearD, loaded, a, func(w *writer) error {
		stored, err := accYearD.scan(w.tx.QueryRowContext(w.ctx, accYearsT.selectSQL()+" WHERE id = ?", a.ID))
		if err == nil && stored.Year == a.Year && stored.Opening == a.Opening {
			return nil // the approval, the meeting or the note
		}
		years := []string{strconv.Itoa(a.Year)}
		if err == nil {
			years = append(years, strconv.Itoa(stored.Year))
		}
		return w.approvedYear(a.CouncilID, years...)
	})
}
