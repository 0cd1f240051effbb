package storage

import (
	"context"
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
		for i := range wishes {
			b := &wishes[i]
			if b.ID == "" {
				b.ID = newID()
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
