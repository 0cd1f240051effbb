package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"lokalraad/model"
)

// Import saves members, projects and budget wishes read from a file in one
// transaction: all of them, or, when any is invalid or a write fails,
// none. New rows get ids; wishes without a priority go last in their year.
func (db *DB) Import(members []model.Member, projects []model.Project, wishes []model.BudgetWish) error {
	var errs []error
	check := func(what string, i int, v interface{ Validate() error }, council string) {
		if err := v.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%s %d: %w", what, i+1, err))
		}
		if council == "" {
			errs = append(errs, fmt.Errorf("%s %d: intet lokalråd", what, i+1))
		}
	}
	for i := range members {
		check("medlem", i, &members[i], members[i].CouncilID)
	}
	for i := range projects {
		check("projekt", i, &projects[i], projects[i].CouncilID)
	}
	for i := range wishes {
		check("budgetønske", i, &wishes[i], wishes[i].CouncilID)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	var recs []record
	for i := range members {
		if members[i].ID == "" {
			members[i].ID = newID()
		}
		recs = append(recs, memberRecord(&members[i]))
	}
	for i := range projects {
		if projects[i].ID == "" {
			projects[i].ID = newID()
		}
		recs = append(recs, projectRecord(&projects[i]))
	}
	return db.write(context.Background(), func(w *writer) error {
		for _, r := range recs {
			if _, err := w.put(r); err != nil {
				return err
			}
		}
		staff, err := getMetaInt(w.ctx, w.tx, MetaStaff)
		if err != nil {
			return err
		}
		for i := range wishes {
			b := &wishes[i]
			if b.ID == "" {
				b.ID = newID()
			}
			if staff != 1 {
				// Only the municipality answers: a council's workbook brings
				// back the answer it was exported with, or a typed one, and
				// neither may be written here (the server would refuse the
				// council's sync). The stored answer stays.
				if err := keepAnswer(w, b); err != nil {
					return err
				}
			}
			if b.Rank == 0 {
				if err := w.tx.QueryRowContext(w.ctx, "SELECT COALESCE(MAX(priority), 0) + 1 FROM budget_wishes WHERE council_id = ? AND year = ?", b.CouncilID, b.Year).Scan(&b.Rank); err != nil {
					return err
				}
			}
			if _, err := w.put(wishRecord(b)); err != nil {
				return err
			}
		}
		return nil
	})
}

// keepAnswer gives an imported wish the answer stored for it (none for a
// new wish); an imported status "besvaret" the wish does not hold becomes
// "indsendt".
func keepAnswer(w *writer, b *model.BudgetWish) error {
	var status, answer, text string
	var granted int64
	err := w.tx.QueryRowContext(w.ctx, "SELECT status, answer, answer_text, granted FROM budget_wishes WHERE id = ?", b.ID).Scan(&status, &answer, &text, &granted)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	b.Answer, b.AnswerText, b.Granted = model.Answer(answer), text, granted
	switch {
	case model.WishStatus(status) == model.WishAnswered:
		b.Status = model.WishAnswered
	case b.Status == model.WishAnswered:
		b.Status = model.WishSubmitted
	}
	return nil
}
