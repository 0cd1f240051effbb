package storage

// The municipality's overview (issue 14): one row per council, made from
// a few grouped queries over every council at once, so that 18 councils
// with ten years each take milliseconds, not a pass over everything.

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"lokalraad/model"
)

// CouncilOverviews is one row per council held here (every council on a
// staff device or the hub), as at time now. Extra columns (borgerbudget
// rounds, …) are filled in by hooks that other features register with
// OverviewHook.
func (db *DB) CouncilOverviews(ctx context.Context, now time.Time) ([]model.CouncilOverview, error) {
	if err := db.ensureCouncilIndex(ctx); err != nil {
		return nil, err
	}
	var out []model.CouncilOverview
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		councils, err := list(ctx, tx, councilD.scan, councilsT.selectSQL()+" ORDER BY name COLLATE NOCASE, id")
		if err != nil {
			return err
		}
		rows := make(map[string]*model.CouncilOverview, len(councils))
		out = make([]model.CouncilOverview, len(councils))
		lastYear := now.In(model.Copenhagen).Year() - 1
		for i, c := range councils {
			out[i] = model.CouncilOverview{CouncilID: c.ID, Name: c.Name, Area: c.Area, Projects: map[model.ProjectStatus]int{}, AccountsYear: lastYear}
			rows[c.ID] = &out[i]
		}
		today, stamp := dateText(now), stampText(now)
		// Each query returns council_id first, then its values.
		type q struct {
			sql  string
			args []any
			set  func(r *model.CouncilOverview, vals []sql.NullString)
		}
		for _, x := range []q{
			{"SELECT council_id, MIN(start), kind, title FROM meetings WHERE start >= ? GROUP BY council_id", []any{stamp},
				func(r *model.CouncilOverview, v []sql.NullString) {
					r.NextMeeting = parseStampText(v[0].String)
					r.NextMeetingTitle = model.MeetingTitle(model.Meeting{Kind: model.MeetingKind(v[1].String), Title: v[2].String, Start: r.NextMeeting}, model.Danish)
				}},
			{"SELECT council_id, COUNT(*), SUM(due <> '' AND due < ?) FROM action_items WHERE done = 0 GROUP BY council_id", []any{today},
				func(r *model.CouncilOverview, v []sql.NullString) {
					r.OpenActions, r.OverdueActions = atoi(v[0]), atoi(v[1])
				}},
			{"SELECT council_id, COUNT(*), MIN(CASE WHEN deadline >= ? THEN deadline END) FROM funding_applications WHERE status IN ('udkast', 'sendt') GROUP BY council_id", []any{today},
				func(r *model.CouncilOverview, v []sql.NullString) {
					r.OpenApps, r.NextAppDeadline = atoi(v[0]), parseDateText(v[1].String)
				}},
			{"SELECT council_id, COUNT(*) FROM budget_wishes WHERE status = 'indsendt' AND answer = '' GROUP BY council_id", nil,
				func(r *model.CouncilOverview, v []sql.NullString) { r.WishesAwaiting = atoi(v[0]) }},
			{"SELECT council_id, COUNT(*) FROM accounts_years WHERE year = ? AND approved <> '' GROUP BY council_id", []any{lastYear},
				func(r *model.CouncilOverview, v []sql.NullString) { r.AccountsOnFile = atoi(v[0]) > 0 }},
			{"SELECT council_id, COUNT(*) FROM members WHERE contact = 1 GROUP BY council_id", nil,
				func(r *model.CouncilOverview, v []sql.NullString) { r.ContactOnFile = atoi(v[0]) > 0 }},
			{"SELECT council_id, MAX(year) FROM dev_plans GROUP BY council_id", nil,
				func(r *model.CouncilOverview, v []sql.NullString) { r.PlanYear = atoi(v[0]) }},
			{"SELECT council_id, CAST(AVG(progress) AS INTEGER) FROM projects WHERE status = 'igang' GROUP BY council_id", nil,
				func(r *model.CouncilOverview, v []sql.NullString) { r.Progress = atoi(v[0]) }},
		} {
			if err := groupRows(ctx, tx, x.sql, x.args, func(id string, vals []sql.NullString) {
				if r, ok := rows[id]; ok {
					x.set(r, vals)
				}
			}); err != nil {
				return err
			}
		}
		if err := groupRows(ctx, tx, "SELECT council_id, status, COUNT(*) FROM projects GROUP BY council_id, status", nil, func(id string, v []sql.NullString) {
			if r, ok := rows[id]; ok {
				r.Projects[model.ProjectStatus(v[0].String)] = atoi(v[1])
			}
		}); err != nil {
			return err
		}
		// The newest change of each council that this computer did not
		// write itself: when the council's own laptops were last heard from.
		// Only the newest 500 changes are looked through (a scan of a
		// council's whole log took 1.2 s over the large data set); a
		// council whose last 500 changes are all this computer's shows
		// no date.
		for _, c := range councils {
			var hlc sql.NullInt64
			if err := tx.QueryRowContext(ctx, "SELECT MAX(hlc) FROM (SELECT hlc, device FROM changes WHERE council_id = ? ORDER BY hlc DESC LIMIT 500) WHERE device <> ?", c.ID, db.self()).Scan(&hlc); err != nil {
				return err
			}
			if hlc.Valid && hlc.Int64 > 0 {
				rows[c.ID].LastSync = time.UnixMilli(hlc.Int64 >> 16).UTC()
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, h := range overviewHooks {
		if err := h(ctx, db, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// OverviewHook fills extra columns of the overview (CouncilOverview.Extra):
// the borgerbudget rounds of the citizen-budgeting feature register one.
func OverviewHook(h func(ctx context.Context, db *DB, rows []model.CouncilOverview) error) {
	overviewHooks = append(overviewHooks, h)
}

var overviewHooks []func(ctx context.Context, db *DB, rows []model.CouncilOverview) error

// groupRows runs a grouped query whose first column is the council id and
// calls f with the id and the other columns as text.
func groupRows(ctx context.Context, tx *sql.Tx, q string, args []any, f func(id string, vals []sql.NullString)) error {
	rs, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return err
	}
	for rs.Next() {
		var id string
		vals := make([]sql.NullString, len(cols)-1)
		dest := []any{&id}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rs.Scan(dest...); err != nil {
			return err
		}
		f(id, vals)
	}
	return rs.Err()
}

func atoi(v sql.NullString) int {
	n, _ := strconv.Atoi(v.String)
	return n
}

// ensureCouncilIndex makes the change log's index by council and clock
// where it is missing (migration 016 leaves it to the devices that hold
// many councils): the overview's newest ops of each council read it.
// Once made, it stays.
func (db *DB) ensureCouncilIndex(ctx context.Context) error {
	var n int
	if err := db.sql().QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'changes_council'").Scan(&n); err != nil || n > 0 {
		return err
	}
	_, err := db.sql().ExecContext(ctx, "CREATE INDEX IF NOT EXISTS changes_council ON changes(council_id, hlc)")
	return friendly(err)
}
