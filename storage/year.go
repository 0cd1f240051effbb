package storage

// The council's year (issue 14): its årshjul's yearly rules. They are
// council data, written through the change log like any row, so they
// sync and are signed.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"lokalraad/model"
)

var (
	yearRuleD = describe("year_rules", func(r *model.YearRule) *string { return &r.ID },
		func(r *model.YearRule) *string { return &r.CouncilID }, nil,
		textCol("title", func(r *model.YearRule) *string { return &r.Title }),
		textCol("category", func(r *model.YearRule) *string { return &r.Category }),
		textCol("kind", func(r *model.YearRule) *model.YearRuleKind { return &r.Kind }),
		intCol("month", func(r *model.YearRule) *int { return &r.Month }),
		intCol("day", func(r *model.YearRule) *int { return &r.Day }),
		intCol("weekday", func(r *model.YearRule) *time.Weekday { return &r.Weekday }),
		intCol("nth", func(r *model.YearRule) *int { return &r.Nth }),
		intCol("notice_days", func(r *model.YearRule) *int { return &r.NoticeDays }),
		textCol("note", func(r *model.YearRule) *string { return &r.Note }),
	)
)

// YearRules lists a council's yearly rules in the order they fall.
func (db *DB) YearRules(ctx context.Context, councilID string) ([]model.YearRule, error) {
	out, err := list(ctx, db.sql(), yearRuleD.scan, rulesT.selectSQL()+" WHERE council_id = ? ORDER BY id", councilID)
	model.SortYearRules(out)
	return out, err
}

// SaveYearRule creates or updates a yearly rule, edited from loaded (the
// zero value for a new rule).
func (db *DB) SaveYearRule(ctx context.Context, loaded model.YearRule, r *model.YearRule) error {
	return saveRow(ctx, db, yearRuleD, loaded, r, nil)
}

// DeleteYearRule deletes a yearly rule.
func (db *DB) DeleteYearRule(ctx context.Context, id string) error {
	return db.deleteRow(ctx, rulesT, id)
}

// YearWheel gathers a council's year: its rules, members, meetings,
// projects and applications, and the municipality's pools and deadlines,
// as model.YearWheel reads them.
func (db *DB) YearWheel(ctx context.Context, councilID string) (model.YearWheelInput, error) {
	var in model.YearWheelInput
	d, err := db.CouncilData(ctx, councilID)
	if err != nil {
		return in, err
	}
	in.Rules, in.Members, in.Meetings, in.Applications, in.Projects = d.YearRules, d.Members, d.Meetings, d.Applications, d.Projects
	if in.Pools, err = db.Pools(ctx); err != nil {
		return in, err
	}
	in.Municipal, err = db.Deadlines(ctx)
	return in, err
}

// YearReminders is the council's årshjul (model.YearWheel) for each of
// years, in order.
func (db *DB) YearReminders(ctx context.Context, councilID string, years ...int) ([]model.Deadline, error) {
	in, err := db.YearWheel(ctx, councilID)
	if err != nil {
		return nil, err
	}
	var out []model.Deadline
	for _, y := range years {
		out = append(out, model.YearWheel(y, in)...)
	}
	return out, nil
}

// MetaDemoMunicipal lists (one a line) the rows of the municipality's data
// the demo wrote on this computer, Holbæk's pools and deadlines as
// examples: they are never sent (DropDemoMunicipal).
const MetaDemoMunicipal = "sync_demo_municipal"

// DropDemoMunicipal removes the example pools and deadlines the demo wrote
// (MetaDemoMunicipal) with their change log, at enrolment, before anything
// is sent: a staff computer would send them as the municipality's, a
// council's would have them refused. A row another device has written
// too, or one already sent, is left alone.
func (db *DB) DropDemoMunicipal(ctx context.Context) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var ids string
		err := tx.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", MetaDemoMunicipal).Scan(&ids)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		acked, err := getMetaInt(ctx, tx, MetaAcked)
		if err != nil {
			return err
		}
		for _, row := range strings.Split(ids, "\n") {
			parts := strings.SplitN(row, " ", 2)
			if len(parts) != 2 || !municipalTable(parts[0]) {
				continue
			}
			table, id := parts[0], parts[1]
			var shared int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM changes WHERE tbl = ? AND row_id = ? AND (device <> ? OR seq <= ?)",
				table, id, db.self(), acked).Scan(&shared); err != nil {
				return err
			}
			if shared > 0 {
				continue
			}
			for _, q := range []string{
				"DELETE FROM field_versions WHERE tbl = ?1 AND row_id = ?2",
				"DELETE FROM changes WHERE tbl = ?1 AND row_id = ?2",
				"DELETE FROM tombstones WHERE tbl = ?1 AND row_id = ?2",
				"DELETE FROM sync_conflicts WHERE tbl = ?1 AND row_id = ?2",
				"DELETE FROM " + table + " WHERE id = ?2",
			} {
				if _, err := tx.ExecContext(ctx, q, table, id); err != nil {
					return fmt.Errorf("fjern demoens eksempler: %w", err)
				}
			}
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM meta WHERE key = ?", MetaDemoMunicipal)
		return err
	})
}
