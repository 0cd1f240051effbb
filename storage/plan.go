package storage

// Lokal udviklingsplan (issue 14): a plan a year with its focus areas and
// action plan, council data written through the change log. A plan of a
// year gone by is read-only here (ErrOldPlan); a new year starts as a
// copy (CopyPlan).

import (
	"context"
	"errors"
	"time"

	"lokalraad/model"
)

var (
	plansT      = planD.table
	focusT      = focusD.table
	planActionT = planActionD.table
)

// ErrOldPlan: the plan of a year gone by is kept as it was.
var ErrOldPlan = errors.New("udviklingsplanen for et år, der er gået, kan ikke ændres; lav årets plan som en kopi")

var (
	planD = describe("dev_plans", func(p *model.DevPlan) *string { return &p.ID },
		func(p *model.DevPlan) *string { return &p.CouncilID }, nil,
		intCol("year", func(p *model.DevPlan) *int { return &p.Year }),
		textCol("vision", func(p *model.DevPlan) *string { return &p.Vision }),
	)
	focusD = describe("focus_areas", func(f *model.FocusArea) *string { return &f.ID },
		func(f *model.FocusArea) *string { return &f.CouncilID }, nil,
		textCol("plan_id", func(f *model.FocusArea) *string { return &f.PlanID }),
		intCol("position", func(f *model.FocusArea) *int { return &f.Position }),
		textCol("title", func(f *model.FocusArea) *string { return &f.Title }),
		textCol("goals", func(f *model.FocusArea) *string { return &f.Goals }),
		linesCol("projects", func(f *model.FocusArea) *[]string { return &f.Projects }),
	)
	planActionD = describe("plan_actions", func(a *model.PlanAction) *string { return &a.ID },
		func(a *model.PlanAction) *string { return &a.CouncilID }, nil,
		textCol("plan_id", func(a *model.PlanAction) *string { return &a.PlanID }),
		textCol("focus_id", func(a *model.PlanAction) *string { return &a.FocusID }),
		textCol("who", func(a *model.PlanAction) *string { return &a.Who }),
		textCol("what", func(a *model.PlanAction) *string { return &a.What }),
		dateCol("due", func(a *model.PlanAction) *time.Time { return &a.Due }),
		textCol("status", func(a *model.PlanAction) *model.PlanActionStatus { return &a.Status }),
	)
)

// Plans lists a council's plans, newest year first.
func (db *DB) Plans(ctx context.Context, councilID string) ([]model.DevPlan, error) {
	return list(ctx, db.sql(), planD.scan, plansT.selectSQL()+" WHERE council_id = ? ORDER BY year DESC, id", councilID)
}

// PlanData reads a plan with its focus areas and actions.
func (db *DB) PlanData(ctx context.Context, planID string) (model.PlanData, error) {
	var d model.PlanData
	var err error
	if d.Plan, err = byID(ctx, db, plansT, planD.scan, planID); err != nil {
		return d, err
	}
	if d.Focus, err = list(ctx, db.sql(), focusD.scan, focusT.selectSQL()+" WHERE plan_id = ?", planID); err != nil {
		return d, err
	}
	if d.Actions, err = list(ctx, db.sql(), planActionD.scan, planActionT.selectSQL()+" WHERE plan_id = ?", planID); err != nil {
		return d, err
	}
	d.SortPlan()
	return d, nil
}

// PlanOf is the council's plan of year, and false when there is none.
func (db *DB) PlanOf(ctx context.Context, councilID string, year int) (model.PlanData, bool, error) {
	p, err := one(ctx, db.sql(), planD.scan, plansT.selectSQL()+" WHERE council_id = ? AND year = ? ORDER BY id LIMIT 1", councilID, year)
	if errors.Is(err, ErrNotFound) {
		return model.PlanData{}, false, nil
	}
	if err != nil {
		return model.PlanData{}, false, err
	}
	d, err := db.PlanData(ctx, p.ID)
	return d, err == nil, err
}

// oldPlan refuses an edit of a plan of a year gone by.
func (w *writer) oldPlan(db *DB, planID string, year int) error {
	if planID != "" {
		if err := w.tx.QueryRowContext(w.ctx, "SELECT year FROM dev_plans WHERE id = ?", planID).Scan(&year); err != nil {
			return nil // a plan not here yet (synced later): nothing to protect
		}
	}
	if model.PlanReadOnly(year, db.Now()) {
		return ErrOldPlan
	}
	return nil
}

// SavePlan creates or updates a plan, edited from loaded; ErrOldPlan for
// a year gone by.
func (db *DB) SavePlan(ctx context.Context, loaded model.DevPlan, p *model.DevPlan) error {
	return saveRow(ctx, db, planD, loaded, p, func(w *writer) error {
		if loaded.ID != "" {
			if err := w.oldPlan(db, p.ID, 0); err != nil { // the year stored
				return err
			}
		}
		return w.oldPlan(db, "", p.Year) // the year it is given
	})
}

// SaveFocusArea creates or updates a focus area; ErrOldPlan when its plan
// is of a year gone by.
func (db *DB) SaveFocusArea(ctx context.Context, loaded model.FocusArea, f *model.FocusArea) error {
	return saveRow(ctx, db, focusD, loaded, f, func(w *writer) error {
		return w.oldPlan(db, f.PlanID, 0)
	})
}

// SavePlanAction creates or updates an action of the plan; ErrOldPlan when
// its plan is of a year gone by.
func (db *DB) SavePlanAction(ctx context.Context, loaded model.PlanAction, a *model.PlanAction) error {
	return saveRow(ctx, db, planActionD, loaded, a, func(w *writer) error {
		return w.oldPlan(db, a.PlanID, 0)
	})
}

// DeleteFocusArea deletes a focus area (its actions stay, serving none).
func (db *DB) DeleteFocusArea(ctx context.Context, id string) error {
	return db.deletePlanPart(ctx, focusT, id)
}

// DeletePlanAction deletes an action of the plan.
func (db *DB) DeletePlanAction(ctx context.Context, id string) error {
	return db.deletePlanPart(ctx, planActionT, id)
}

// deletePlanPart deletes row id of t, a part of a plan (a focus area or
// an action); ErrOldPlan when its plan is of a year gone by.
func (db *DB) deletePlanPart(ctx context.Context, t table, id string) error {
	return db.write(ctx, func(w *writer) error {
		var plan string
		if err := w.tx.QueryRowContext(w.ctx, "SELECT plan_id FROM "+t.name+" WHERE id = ?", id).Scan(&plan); err == nil {
			if err := w.oldPlan(db, plan, 0); err != nil {
				return err
			}
		}
		return w.remove(t.name, id)
	})
}

// CopyPlan writes the council's plan of year as a copy of the plan from
// (model.CopyPlan), and returns it; a year that has a plan already is
// refused.
func (db *DB) CopyPlan(ctx context.Context, fromID string, year int) (model.PlanData, error) {
	from, err := db.PlanData(ctx, fromID)
	if err != nil {
		return model.PlanData{}, err
	}
	if _, has, err := db.PlanOf(ctx, from.Plan.CouncilID, year); err != nil {
		return model.PlanData{}, err
	} else if has {
		return model.PlanData{}, errors.New("der er allerede en udviklingsplan for året")
	}
	d := model.CopyPlan(from, year)
	// The plan, its focus areas and its actions are written in one
	// transaction: a copy cut off (its context ended, a write failed)
	// leaves no half plan behind.
	d.Plan.ID = newID()
	if err := d.Plan.Validate(); err != nil {
		return model.PlanData{}, err
	}
	ids := map[string]string{}
	for i := range d.Focus {
		ids[d.Focus[i].ID] = newID()
		d.Focus[i].ID, d.Focus[i].PlanID = ids[d.Focus[i].ID], d.Plan.ID
		if err := d.Focus[i].Validate(); err != nil {
			return model.PlanData{}, err
		}
	}
	for i := range d.Actions {
		d.Actions[i].ID = newID()
		d.Actions[i].PlanID, d.Actions[i].FocusID = d.Plan.ID, ids[d.Actions[i].FocusID]
		if err := d.Actions[i].Validate(); err != nil {
			return model.PlanData{}, err
		}
	}
	err = db.write(ctx, func(w *writer) error {
		if err := w.oldPlan(db, "", year); err != nil {
			return err
		}
		var n int
		if err := w.tx.QueryRowContext(w.ctx, "SELECT COUNT(*) FROM dev_plans WHERE council_id = ? AND year = ?", d.Plan.CouncilID, year).Scan(&n); err != nil {
			return err
		} else if n > 0 {
			return errors.New("der er allerede en udviklingsplan for året")
		}
		if _, err := w.put(planD.record(&d.Plan)); err != nil {
			return err
		}
		for i := range d.Focus {
			if _, err := w.put(focusD.record(&d.Focus[i])); err != nil {
				return err
			}
		}
		for i := range d.Actions {
			if _, err := w.put(planActionD.record(&d.Actions[i])); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return model.PlanData{}, err
	}
	return db.PlanData(ctx, d.Plan.ID)
}
