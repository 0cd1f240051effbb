package storage

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"lokalraad/model"
)

// A table names its columns other than id and council_id, in the order its
// record and scan functions use.
type table struct {
	name string
	cols []string
}

func (t table) selectSQL() string {
	return "SELECT id, council_id, " + strings.Join(t.cols, ", ") + " FROM " + t.name
}

// The tables of council data, their columns from the field registry
// (model/fields.go), in the order the record and scan functions below use:
// the registry's order, which TestRegistryMatchesSchema checks against the
// schema.
var (
	councilsT = councilD.table
	membersT  = memberD.table
	meetingsT = meetingD.table
	itemsT    = itemD.table
	actionsT  = actionD.table
	projectsT = projectD.table
	linesT    = lineD.table
	appsT     = appD.table
	wishesT   = wishD.table
	attachT   = attachD.table
	rulesT    = yearRuleD.table
)

// Tables lists the tables of council data, parents before children;
// MunicipalTables those of the municipality's own data. Both come from the
// field registry.
var Tables, MunicipalTables = func() (council, municipal []string) {
	for _, e := range model.Entities() {
		if e.Municipal {
			municipal = append(municipal, e.Table)
		} else {
			council = append(council, e.Table)
		}
	}
	return council, municipal
}()

type scanner interface{ Scan(dest ...any) error }

// The entities of this file: which field of the model holds each column
// of the registry (see entity).
var (
	councilD = describe("councils", func(c *model.Council) *string { return &c.ID },
		func(c *model.Council) *string { return &c.ID }, nil,
		textCol("name", func(c *model.Council) *string { return &c.Name }),
		textCol("area", func(c *model.Council) *string { return &c.Area }),
		intCol("annual_grant", func(c *model.Council) *int64 { return &c.AnnualGrant }),
		intCol("quorum", func(c *model.Council) *int { return &c.Quorum }),
	)
	memberD = describe("members", func(m *model.Member) *string { return &m.ID },
		func(m *model.Member) *string { return &m.CouncilID }, nil,
		textCol("name", func(m *model.Member) *string { return &m.Name }),
		textCol("role", func(m *model.Member) *model.Role { return &m.Role }),
		boolCol("contact", func(m *model.Member) *bool { return &m.Contact }),
		dateCol("term_start", func(m *model.Member) *time.Time { return &m.TermStart }),
		dateCol("term_end", func(m *model.Member) *time.Time { return &m.TermEnd }),
		textCol("phone", func(m *model.Member) *string { return &m.Phone }),
		textCol("email", func(m *model.Member) *string { return &m.Email }),
	)
	meetingD = describe("meetings", func(m *model.Meeting) *string { return &m.ID },
		func(m *model.Meeting) *string { return &m.CouncilID }, nil,
		textCol("kind", func(m *model.Meeting) *model.MeetingKind { return &m.Kind }),
		textCol("title", func(m *model.Meeting) *string { return &m.Title }),
		stampCol("start", func(m *model.Meeting) *time.Time { return &m.Start }),
		textCol("place", func(m *model.Meeting) *string { return &m.Place }),
		textCol("status", func(m *model.Meeting) *model.MeetingStatus { return &m.Status }),
		textCol("attendees", func(m *model.Meeting) *string { return &m.Attendees }),
		textCol("apologies", func(m *model.Meeting) *string { return &m.Apologies }),
		stampCol("approved_at", func(m *model.Meeting) *time.Time { return &m.ApprovedAt }),
		textCol("absent", func(m *model.Meeting) *string { return &m.Absent }),
		textCol("guests", func(m *model.Meeting) *string { return &m.Guests }),
		textCol("approved_by", func(m *model.Meeting) *string { return &m.ApprovedBy }),
		textCol("approved_in", func(m *model.Meeting) *string { return &m.ApprovedIn }),
	)
	itemD = describe("agenda_items", func(a *model.AgendaItem) *string { return &a.ID },
		func(a *model.AgendaItem) *string { return &a.CouncilID }, nil,
		textCol("meeting_id", func(a *model.AgendaItem) *string { return &a.MeetingID }),
		intCol("position", func(a *model.AgendaItem) *int { return &a.Position }),
		textCol("title", func(a *model.AgendaItem) *string { return &a.Title }),
		textCol("kind", func(a *model.AgendaItem) *model.ItemKind { return &a.Kind }),
		intCol("minutes", func(a *model.AgendaItem) *int { return &a.Minutes }),
		textCol("background", func(a *model.AgendaItem) *string { return &a.Background }),
		textCol("notes", func(a *model.AgendaItem) *string { return &a.Notes }),
		textCol("decision", func(a *model.AgendaItem) *string { return &a.Decision }),
	)
	actionD = describe("action_items", func(a *model.ActionItem) *string { return &a.ID },
		func(a *model.ActionItem) *string { return &a.CouncilID }, nil,
		textCol("meeting_id", func(a *model.ActionItem) *string { return &a.MeetingID }),
		textCol("agenda_item_id", func(a *model.ActionItem) *string { return &a.AgendaItemID }),
		textCol("who", func(a *model.ActionItem) *string { return &a.Who }),
		textCol("what", func(a *model.ActionItem) *string { return &a.What }),
		dateCol("due", func(a *model.ActionItem) *time.Time { return &a.Due }),
		boolCol("done", func(a *model.ActionItem) *bool { return &a.Done }),
		stampCol("done_at", func(a *model.ActionItem) *time.Time { return &a.DoneAt }),
	)
	projectD = describe("projects", func(p *model.Project) *string { return &p.ID },
		func(p *model.Project) *string { return &p.CouncilID }, nil,
		textCol("title", func(p *model.Project) *string { return &p.Title }),
		textCol("description", func(p *model.Project) *string { return &p.Description }),
		textCol("status", func(p *model.Project) *model.ProjectStatus { return &p.Status }),
		textCol("responsible_id", func(p *model.Project) *string { return &p.ResponsibleID }),
		textCol("working_group", func(p *model.Project) *string { return &p.WorkingGroup }),
		dateCol("start_date", func(p *model.Project) *time.Time { return &p.Start }),
		dateCol("end_date", func(p *model.Project) *time.Time { return &p.End }),
		intCol("progress", func(p *model.Project) *int { return &p.Progress }),
	)
	lineD = describe("budget_lines", func(l *model.BudgetLine) *string { return &l.ID },
		func(l *model.BudgetLine) *string { return &l.CouncilID }, nil,
		textCol("project_id", func(l *model.BudgetLine) *string { return &l.ProjectID }),
		textCol("text", func(l *model.BudgetLine) *string { return &l.Text }),
		textCol("kind", func(l *model.BudgetLine) *model.LineKind { return &l.Kind }),
		intCol("amount", func(l *model.BudgetLine) *int64 { return &l.Amount }),
	)
	appD = describe("funding_applications", func(a *model.FundingApplication) *string { return &a.ID },
		func(a *model.FundingApplication) *string { return &a.CouncilID }, nil,
		textCol("project_id", func(a *model.FundingApplication) *string { return &a.ProjectID }),
		textCol("pool", func(a *model.FundingApplication) *string { return &a.Pool }),
		dateCol("deadline", func(a *model.FundingApplication) *time.Time { return &a.Deadline }),
		intCol("applied", func(a *model.FundingApplication) *int64 { return &a.Applied }),
		intCol("granted", func(a *model.FundingApplication) *int64 { return &a.Granted }),
		textCol("status", func(a *model.FundingApplication) *model.ApplicationStatus { return &a.Status }),
		intCol("volunteer_hours", func(a *model.FundingApplication) *int { return &a.VolunteerHours }),
		textCol("pool_id", func(a *model.FundingApplication) *string { return &a.PoolID }),
		boolCol("running_costs", func(a *model.FundingApplication) *bool { return &a.RunningCosts }),
	)
	wishD = describe("budget_wishes", func(w *model.BudgetWish) *string { return &w.ID },
		func(w *model.BudgetWish) *string { return &w.CouncilID }, nil,
		intCol("year", func(w *model.BudgetWish) *int { return &w.Year }),
		textCol("title", func(w *model.BudgetWish) *string { return &w.Title }),
		textCol("justification", func(w *model.BudgetWish) *string { return &w.Justification }),
		textCol("category", func(w *model.BudgetWish) *string { return &w.Category }),
		intCol("estimate", func(w *model.BudgetWish) *int64 { return &w.Estimate }),
		intCol("priority", func(w *model.BudgetWish) *int { return &w.Rank }),
		textCol("status", func(w *model.BudgetWish) *model.WishStatus { return &w.Status }),
		textCol("answer", func(w *model.BudgetWish) *model.Answer { return &w.Answer }),
		textCol("answer_text", func(w *model.BudgetWish) *string { return &w.AnswerText }),
		intCol("granted", func(w *model.BudgetWish) *int64 { return &w.Granted }),
	)
)

// A querier is what a read runs on: the database, a transaction, or an
// apply's stmtTx.
type querier interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

// eachRow runs a query and calls f with every row in turn; an error from f
// stops the reading and is returned. The rows are closed before it returns.
func eachRow(ctx context.Context, q querier, f func(scanner) error, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := f(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// list runs a query and scans every row.
func list[T any](ctx context.Context, q querier, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	var out []T
	err := eachRow(ctx, q, func(s scanner) error {
		v, err := scan(s)
		out = append(out, v)
		return err
	}, query, args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// one runs a query for one row and scans it; no row is ErrNotFound.
func one[T any](ctx context.Context, db *sql.DB, scan func(scanner) (T, error), query string, args ...any) (T, error) {
	v, err := scan(db.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	return v, err
}

// Every Save method takes two values of the row: loaded, the row as the
// editor on screen (or the caller) read it before the edit, and the row as
// edited now. A new row's loaded is the zero value. Loaded is required, so
// a save cannot forget it: an editor left open while a sync brings another
// device's edit of the same row would otherwise write its stale copy of
// every field back over that edit.
//
// What is written: a field left as it was loaded keeps what is stored now,
// even when a sync changed it meanwhile; a long text changed both here and
// there is merged three ways from loaded; any other field changed here is
// the edit. The saved value is then read back (for an edit), so the caller
// sees what was stored.

// ErrNotLoaded: a row that exists was saved as new (with a zero loaded
// value), which would overwrite every field blindly.
var ErrNotLoaded = error(model.NewError(model.Conflict, "rækken findes allerede og blev gemt som ny: en ændring skal gemmes sammen med det, den blev lavet ud fra"))

// edited attaches loaded's values to rec as the edit's origin; a zero
// loaded (a new row) attaches none.
func edited(loaded record, rec func() record) func() record {
	if loaded.id == "" {
		return rec
	}
	return func() record {
		r := rec()
		r.orig = make([]any, len(loaded.fields))
		for i, f := range loaded.fields {
			r.orig[i] = f.value
		}
		return r
	}
}

// save validates v, gives it an id when it is new, and writes its record
// as edited from loaded (see ErrNotLoaded), running check first inside the
// transaction. A failed save leaves v's id as it was.
func (db *DB) save(ctx context.Context, v interface{ Validate() error }, id *string, council string, loaded record, rec func() record, check func(w *writer) error) error {
	if err := v.Validate(); err != nil {
		return err
	}
	if council == "" {
		return errors.New("der er ikke valgt noget råd")
	}
	if loaded.id != "" && loaded.id != *id {
		return fmt.Errorf("%s: det indlæste (%s) er ikke det, der gemmes (%s)", loaded.table, loaded.id, *id)
	}
	created := *id == ""
	if created {
		*id = newID()
	}
	err := db.write(ctx, func(w *writer) error {
		if check != nil {
			if err := check(w); err != nil {
				return err
			}
		}
		if loaded.id == "" && !created {
			var one int
			err := w.tx.QueryRowContext(w.ctx, "SELECT 1 FROM "+loaded.table+" WHERE id = ?", *id).Scan(&one)
			if err == nil {
				return fmt.Errorf("%s %s: %w", loaded.table, *id, ErrNotLoaded)
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		_, err := w.put(edited(loaded, rec)())
		return err
	})
	if err != nil && created {
		*id = ""
	}
	return err
}

// removeAll deletes rows by id through the write path.
// ids lists the ids a query selects.
func (w *writer) ids(query string, args ...any) ([]string, error) {
	return list(w.ctx, w.tx, func(s scanner) (string, error) {
		var id string
		return id, s.Scan(&id)
	}, query, args...)
}

// removeTree deletes a row with its parts (model.PartsOf), and theirs,
// parts first.
func (w *writer) removeTree(table, id string) error {
	for _, p := range model.PartsOf(table) {
		q := "SELECT id FROM " + p.Table + " WHERE " + p.Column + " = ?"
		args := []any{id}
		if p.KindColumn != "" {
			q += " AND " + p.KindColumn + " = ?"
			args = append(args, p.Kind)
		}
		ids, err := w.ids(q, args...)
		if err != nil {
			return err
		}
		for _, part := range ids {
			if err := w.removeTree(p.Table, part); err != nil {
				return err
			}
		}
	}
	return w.remove(table, id)
}

func (w *writer) removeAll(table string, query string, args ...any) error {
	ids, err := w.ids(query, args...)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := w.remove(table, id); err != nil {
			return err
		}
	}
	return nil
}

// Councils lists the councils of this installation by name.
func (db *DB) Councils(ctx context.Context) ([]model.Council, error) {
	return list(ctx, db.sql(), councilD.scan, councilsT.selectSQL()+" ORDER BY name COLLATE NOCASE, id")
}

// Council reads one council.
func (db *DB) Council(ctx context.Context, id string) (model.Council, error) {
	return one(ctx, db.sql(), councilD.scan, councilsT.selectSQL()+" WHERE id = ?", id)
}

// SaveCouncil creates (when c.ID is empty) or updates a council, edited
// from loaded (the zero value for a new council). A council is its own
// council: its id is its council id.
func (db *DB) SaveCouncil(ctx context.Context, loaded model.Council, c *model.Council) error {
	created := c.ID == ""
	if created {
		c.ID = newID()
	}
	err := saveRow(ctx, db, councilD, loaded, c, nil)
	if err != nil && created {
		c.ID = ""
	}
	return err
}

// ErrCouncilShared: the council is shared with the municipality or with
// other computers, so its delete would travel to all of them.
var ErrCouncilShared = error(model.NewError(model.Conflict, "lokalrådet deles med kommunen eller andre computere, og en sletning her ville slette det og alt, hvad det gemmer, hos dem alle; det kan kun slettes på en computer, hvor det ikke deles"))

// DeleteCouncil deletes a council and everything it keeps. A council this
// computer syncs with the municipality, or holds changes of from another
// computer (a bundle), is refused with ErrCouncilShared: its delete ops
// would delete it at the hub and on every laptop of the council.
func (db *DB) DeleteCouncil(ctx context.Context, id string) error {
	if shared, err := db.CouncilShared(ctx, id); err != nil || shared {
		return cmp.Or(err, ErrCouncilShared)
	}
	return db.write(ctx, func(w *writer) error {
		// Again in the write: a sync may have brought another computer's
		// change of it meanwhile.
		if shared, err := othersChanged(ctx, w.tx, id, w.device); err != nil || shared {
			return cmp.Or(err, ErrCouncilShared)
		}
		// Children before parents, so that foreign keys hold at every step.
		for i := len(Tables) - 1; i >= 1; i-- {
			if err := w.removeAll(Tables[i], "SELECT id FROM "+Tables[i]+" WHERE council_id = ?", id); err != nil {
				return err
			}
		}
		return w.remove(councilsT.name, id)
	})
}

// CouncilShared tells whether a council is shared, so that DeleteCouncil
// refuses it: this computer syncs it with the municipality, or holds
// changes of it from another computer.
func (db *DB) CouncilShared(ctx context.Context, id string) (bool, error) {
	st, err := db.SyncState(ctx)
	if err != nil || st.Council == id && id != "" {
		return err == nil, err
	}
	return othersChanged(ctx, db.sql(), id, db.self())
}

// othersChanged tells whether another computer than self changed council.
func othersChanged(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, council, self string) (bool, error) {
	var shared bool
	err := q.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM changes WHERE council_id = ? AND device <> ?)", council, self).Scan(&shared)
	return shared, err
}

// Members lists a council's members by name.
func (db *DB) Members(ctx context.Context, councilID string) ([]model.Member, error) {
	return list(ctx, db.sql(), memberD.scan, membersT.selectSQL()+" WHERE council_id = ? ORDER BY name COLLATE NOCASE, id", councilID)
}

// SaveMember creates or updates a member.
func (db *DB) SaveMember(ctx context.Context, loaded model.Member, m *model.Member) error {
	return saveRow(ctx, db, memberD, loaded, m, nil)
}

// DeleteMember deletes a member. Projects they were responsible for keep
// their place but lose the name.
func (db *DB) DeleteMember(ctx context.Context, id string) error {
	return db.write(ctx, func(w *writer) error {
		projects, err := list(w.ctx, w.tx, projectD.scan, projectsT.selectSQL()+" WHERE responsible_id = ?", id)
		if err != nil {
			return err
		}
		for _, p := range projects {
			p.ResponsibleID = ""
			if _, err := w.put(projectD.record(&p)); err != nil {
				return err
			}
		}
		return w.remove(membersT.name, id)
	})
}

// Meetings lists a council's meetings, oldest first.
func (db *DB) Meetings(ctx context.Context, councilID string) ([]model.Meeting, error) {
	return list(ctx, db.sql(), meetingD.scan, meetingsT.selectSQL()+" WHERE council_id = ? ORDER BY start, id", councilID)
}

// Meeting reads one meeting.
func (db *DB) Meeting(ctx context.Context, id string) (model.Meeting, error) {
	return one(ctx, db.sql(), meetingD.scan, meetingsT.selectSQL()+" WHERE id = ?", id)
}

// SaveMeeting creates or updates a meeting. While its minutes are approved,
// only its status may change (to reopen it); approving stamps ApprovedAt.
func (db *DB) SaveMeeting(ctx context.Context, loaded model.Meeting, m *model.Meeting) error {
	switch {
	case m.Status != model.MeetingApproved:
		m.ApprovedAt, m.ApprovedBy, m.ApprovedIn = time.Time{}, "", ""
	case m.ApprovedAt.IsZero():
		m.ApprovedAt = db.Now().UTC().Truncate(time.Second)
	}
	return saveRow(ctx, db, meetingD, loaded, m, func(w *writer) error {
		old, err := meetingD.scan(w.tx.QueryRowContext(w.ctx, meetingsT.selectSQL()+" WHERE id = ?", m.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if old.Status == model.MeetingApproved && m.Status == model.MeetingApproved {
			m.ApprovedAt, m.ApprovedBy, m.ApprovedIn = old.ApprovedAt, old.ApprovedBy, old.ApprovedIn
			if !sameRecord(meetingD.record(&old), meetingD.record(m)) {
				return ErrLocked
			}
		}
		return nil
	})
}

// DeleteMeeting deletes a meeting with its agenda and the action items
// agreed at it.
func (db *DB) DeleteMeeting(ctx context.Context, id string) error {
	return db.write(ctx, func(w *writer) error {
		// Approved minutes are deleted only after reopening, here as at
		// the server (admit.go).
		if err := w.checkUnlocked(id); errors.Is(err, ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		return w.removeTree(meetingsT.name, id)
	})
}

// AgendaItems lists a meeting's agenda in order.
func (db *DB) AgendaItems(ctx context.Context, meetingID string) ([]model.AgendaItem, error) {
	return list(ctx, db.sql(), itemD.scan, itemsT.selectSQL()+" WHERE meeting_id = ? ORDER BY position, id", meetingID)
}

// AgendaItem reads one agenda item.
func (db *DB) AgendaItem(ctx context.Context, id string) (model.AgendaItem, error) {
	return one(ctx, db.sql(), itemD.scan, itemsT.selectSQL()+" WHERE id = ?", id)
}

// checkUnlocked refuses changes to the agenda of a meeting whose minutes
// are approved.
func (w *writer) checkUnlocked(meetingID string) error {
	var status string
	err := w.tx.QueryRowContext(w.ctx, "SELECT status FROM meetings WHERE id = ?", meetingID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("mødet: %w", ErrNotFound)
	}
	if err != nil {
		return err
	}
	if model.MeetingStatus(status) == model.MeetingApproved {
		return ErrLocked
	}
	return nil
}

// SaveAgendaItem creates or updates an agenda item. A new item with no
// position goes last on the agenda.
func (db *DB) SaveAgendaItem(ctx context.Context, loaded model.AgendaItem, a *model.AgendaItem) error {
	return saveRow(ctx, db, itemD, loaded, a, func(w *writer) error {
		if err := w.checkUnlocked(a.MeetingID); err != nil {
			return err
		}
		if a.Position == 0 {
			if err := w.tx.QueryRowContext(w.ctx, "SELECT COALESCE(MAX(position), 0) + 1 FROM agenda_items WHERE meeting_id = ?", a.MeetingID).Scan(&a.Position); err != nil {
				return err
			}
		}
		return nil
	})
}

// MoveAgendaItem moves an item delta places on its agenda (negative is up)
// and renumbers the agenda.
func (db *DB) MoveAgendaItem(ctx context.Context, id string, delta int) error {
	return db.write(ctx, func(w *writer) error {
		it, err := itemD.scan(w.tx.QueryRowContext(w.ctx, itemsT.selectSQL()+" WHERE id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := w.checkUnlocked(it.MeetingID); err != nil {
			return err
		}
		items, err := list(w.ctx, w.tx, itemD.scan, itemsT.selectSQL()+" WHERE meeting_id = ?", it.MeetingID)
		if err != nil {
			return err
		}
		for _, c := range model.MoveItem(items, id, delta) {
			if _, err := w.put(itemD.record(&c)); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteAgendaItem deletes an agenda item and renumbers the rest. Action
// items agreed under it stay, without the link.
func (db *DB) DeleteAgendaItem(ctx context.Context, id string) error {
	return db.write(ctx, func(w *writer) error {
		it, err := itemD.scan(w.tx.QueryRowContext(w.ctx, itemsT.selectSQL()+" WHERE id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := w.checkUnlocked(it.MeetingID); err != nil {
			return err
		}
		actions, err := list(w.ctx, w.tx, actionD.scan, actionsT.selectSQL()+" WHERE agenda_item_id = ?", id)
		if err != nil {
			return err
		}
		for _, a := range actions {
			a.AgendaItemID = ""
			if _, err := w.put(actionD.record(&a)); err != nil {
				return err
			}
		}
		if err := w.removeTree(itemsT.name, id); err != nil {
			return err
		}
		rest, err := list(w.ctx, w.tx, itemD.scan, itemsT.selectSQL()+" WHERE meeting_id = ?", it.MeetingID)
		if err != nil {
			return err
		}
		for _, c := range model.MoveItem(rest, "", 0) {
			if _, err := w.put(itemD.record(&c)); err != nil {
				return err
			}
		}
		return nil
	})
}

// ActionItems lists all of a council's action items, in due order.
func (db *DB) ActionItems(ctx context.Context, councilID string) ([]model.ActionItem, error) {
	out, err := list(ctx, db.sql(), actionD.scan, actionsT.selectSQL()+" WHERE council_id = ?", councilID)
	model.SortActions(out)
	return out, err
}

// OpenActionItems lists a council's action items not yet done.
func (db *DB) OpenActionItems(ctx context.Context, councilID string) ([]model.ActionItem, error) {
	out, err := list(ctx, db.sql(), actionD.scan, actionsT.selectSQL()+" WHERE council_id = ? AND done = 0", councilID)
	model.SortActions(out)
	return out, err
}

// MeetingActionItems lists the action items agreed at a meeting.
func (db *DB) MeetingActionItems(ctx context.Context, meetingID string) ([]model.ActionItem, error) {
	out, err := list(ctx, db.sql(), actionD.scan, actionsT.selectSQL()+" WHERE meeting_id = ?", meetingID)
	model.SortActions(out)
	return out, err
}

// CarriedOver lists the open action items from earlier meetings that belong
// on meeting m's agenda.
func (db *DB) CarriedOver(ctx context.Context, m model.Meeting) ([]model.ActionItem, error) {
	actions, err := list(ctx, db.sql(), actionD.scan, actionsT.selectSQL()+" WHERE council_id = ? AND (done = 0 OR done_at > ?)", m.CouncilID, stampText(m.Start))
	if err != nil {
		return nil, err
	}
	meetings, err := list(ctx, db.sql(), meetingD.scan, meetingsT.selectSQL()+" WHERE council_id = ? AND start < ?", m.CouncilID, stampText(m.Start))
	if err != nil {
		return nil, err
	}
	return model.CarriedOver(m, meetings, actions), nil
}

// SaveActionItem creates or updates an action item; marking it done stamps
// when.
func (db *DB) SaveActionItem(ctx context.Context, loaded model.ActionItem, a *model.ActionItem) error {
	if a.Done && a.DoneAt.IsZero() {
		a.DoneAt = db.Now().UTC().Truncate(time.Second)
	}
	if !a.Done {
		a.DoneAt = time.Time{}
	}
	return saveRow(ctx, db, actionD, loaded, a, nil)
}

// DeleteActionItem deletes an action item.
func (db *DB) DeleteActionItem(ctx context.Context, id string) error {
	return db.deleteRow(ctx, actionsT, id)
}

// Projects lists a council's projects by title.
func (db *DB) Projects(ctx context.Context, councilID string) ([]model.Project, error) {
	return list(ctx, db.sql(), projectD.scan, projectsT.selectSQL()+" WHERE council_id = ? ORDER BY title COLLATE NOCASE, id", councilID)
}

// Project reads one project.
func (db *DB) Project(ctx context.Context, id string) (model.Project, error) {
	return one(ctx, db.sql(), projectD.scan, projectsT.selectSQL()+" WHERE id = ?", id)
}

// SaveProject creates or updates a project.
func (db *DB) SaveProject(ctx context.Context, loaded model.Project, p *model.Project) error {
	return saveRow(ctx, db, projectD, loaded, p, nil)
}

// DeleteProject deletes a project with its budget and applications.
func (db *DB) DeleteProject(ctx context.Context, id string) error {
	return db.write(ctx, func(w *writer) error {
		return w.removeTree(projectsT.name, id)
	})
}

// BudgetLines lists a project's budget lines.
func (db *DB) BudgetLines(ctx context.Context, projectID string) ([]model.BudgetLine, error) {
	return list(ctx, db.sql(), lineD.scan, linesT.selectSQL()+" WHERE project_id = ? ORDER BY kind DESC, id", projectID)
}

// SaveBudgetLine creates or updates a budget line.
func (db *DB) SaveBudgetLine(ctx context.Context, loaded model.BudgetLine, l *model.BudgetLine) error {
	return saveRow(ctx, db, lineD, loaded, l, nil)
}

// DeleteBudgetLine deletes a budget line.
func (db *DB) DeleteBudgetLine(ctx context.Context, id string) error {
	return db.deleteRow(ctx, linesT, id)
}

// FundingApplications lists a project's funding applications by deadline.
func (db *DB) FundingApplications(ctx context.Context, projectID string) ([]model.FundingApplication, error) {
	return list(ctx, db.sql(), appD.scan, appsT.selectSQL()+" WHERE project_id = ? ORDER BY deadline, id", projectID)
}

// CouncilApplications lists all of a council's funding applications.
func (db *DB) CouncilApplications(ctx context.Context, councilID string) ([]model.FundingApplication, error) {
	return list(ctx, db.sql(), appD.scan, appsT.selectSQL()+" WHERE council_id = ? ORDER BY deadline, id", councilID)
}

// SaveFundingApplication creates or updates a funding application.
func (db *DB) SaveFundingApplication(ctx context.Context, loaded model.FundingApplication, a *model.FundingApplication) error {
	return saveRow(ctx, db, appD, loaded, a, nil)
}

// DeleteFundingApplication deletes a funding application.
func (db *DB) DeleteFundingApplication(ctx context.Context, id string) error {
	return db.deleteRow(ctx, appsT, id)
}

// BudgetWishes lists a council's wishes for a year in priority order; year
// 0 lists every year.
func (db *DB) BudgetWishes(ctx context.Context, councilID string, year int) ([]model.BudgetWish, error) {
	q := wishesT.selectSQL() + " WHERE council_id = ?"
	args := []any{councilID}
	if year != 0 {
		q += " AND year = ?"
		args = append(args, year)
	}
	out, err := list(ctx, db.sql(), wishD.scan, q, args...)
	model.RankWishes(out)
	return out, err
}

// WishYears lists the budget years a council has wishes for, newest first.
func (db *DB) WishYears(ctx context.Context, councilID string) ([]int, error) {
	return list(ctx, db.sql(), func(s scanner) (int, error) {
		var y int
		return y, s.Scan(&y)
	}, "SELECT DISTINCT year FROM budget_wishes WHERE council_id = ? ORDER BY year DESC", councilID)
}

// SaveBudgetWish creates or updates a budget wish. A new wish with no
// priority goes last among its year's wishes.
func (db *DB) SaveBudgetWish(ctx context.Context, loaded model.BudgetWish, b *model.BudgetWish) error {
	return saveRow(ctx, db, wishD, loaded, b, func(w *writer) error {
		if b.Rank == 0 {
			return w.tx.QueryRowContext(w.ctx, "SELECT COALESCE(MAX(priority), 0) + 1 FROM budget_wishes WHERE council_id = ? AND year = ? AND id <> ?", b.CouncilID, b.Year, b.ID).Scan(&b.Rank)
		}
		return nil
	})
}

// MoveBudgetWish moves a wish delta places in its year's priority order
// (negative is up) and renumbers the priorities.
func (db *DB) MoveBudgetWish(ctx context.Context, id string, delta int) error {
	return db.write(ctx, func(w *writer) error {
		b, err := wishD.scan(w.tx.QueryRowContext(w.ctx, wishesT.selectSQL()+" WHERE id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		wishes, err := list(w.ctx, w.tx, wishD.scan, wishesT.selectSQL()+" WHERE council_id = ? AND year = ?", b.CouncilID, b.Year)
		if err != nil {
			return err
		}
		for _, c := range model.MoveWish(wishes, id, delta) {
			if _, err := w.put(wishD.record(&c)); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteBudgetWish deletes a wish with its attachments.
func (db *DB) DeleteBudgetWish(ctx context.Context, id string) error {
	return db.write(ctx, func(w *writer) error {
		return w.removeTree(wishesT.name, id)
	})
}

// CouncilData reads everything a council keeps, for exports and printing.
func (db *DB) CouncilData(ctx context.Context, councilID string) (*model.CouncilData, error) {
	c, err := db.Council(ctx, councilID)
	if err != nil {
		return nil, err
	}
	d := &model.CouncilData{Council: c}
	where := " WHERE council_id = ?"
	errs := []error{}
	collect := func(err error) { errs = append(errs, err) }
	d.Members, err = db.Members(ctx, councilID)
	collect(err)
	d.Meetings, err = db.Meetings(ctx, councilID)
	collect(err)
	d.Items, err = list(ctx, db.sql(), itemD.scan, itemsT.selectSQL()+where+" ORDER BY meeting_id, position", councilID)
	collect(err)
	d.Actions, err = db.ActionItems(ctx, councilID)
	collect(err)
	d.Projects, err = db.Projects(ctx, councilID)
	collect(err)
	d.Lines, err = list(ctx, db.sql(), lineD.scan, linesT.selectSQL()+where+" ORDER BY project_id, id", councilID)
	collect(err)
	d.Applications, err = db.CouncilApplications(ctx, councilID)
	collect(err)
	d.Wishes, err = db.BudgetWishes(ctx, councilID, 0)
	collect(err)
	d.Attachments, err = db.CouncilAttachments(ctx, councilID)
	collect(err)
	d.YearRules, err = db.YearRules(ctx, councilID)
	collect(err)
	d.Accounts, err = db.AccountEntries(ctx, councilID, 0)
	collect(err)
	d.AccountYears, err = db.AccountsYears(ctx, councilID)
	collect(err)
	plans, err := db.Plans(ctx, councilID)
	collect(err)
	for i := len(plans) - 1; i >= 0; i-- { // by year
		pd, err := db.PlanData(ctx, plans[i].ID)
		collect(err)
		d.Plans = append(d.Plans, pd)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return d, nil
}

// sameRecord tells whether two records hold the same values.
func sameRecord(a, b record) bool {
	if a.id != b.id || a.council != b.council || len(a.fields) != len(b.fields) {
		return false
	}
	for i := range a.fields {
		if a.fields[i] != b.fields[i] {
			return false
		}
	}
	return true
}

// Overwriting is the loaded value for a save that means to write x whole
// over whatever db stores now under x's id (a script, or a test that
// replays one replica's edit): the row as stored, or the zero value when
// there is none. An editor passes what it loaded instead; only that keeps
// another device's edit that a sync brought meanwhile.
func Overwriting[T any](ctx context.Context, db *DB, x T) T {
	var v any
	var err error
	switch x := any(x).(type) {
	case model.Council:
		v, err = byID(ctx, db, councilsT, councilD.scan, x.ID)
	case model.Member:
		v, err = byID(ctx, db, membersT, memberD.scan, x.ID)
	case model.Meeting:
		v, err = byID(ctx, db, meetingsT, meetingD.scan, x.ID)
	case model.AgendaItem:
		v, err = byID(ctx, db, itemsT, itemD.scan, x.ID)
	case model.ActionItem:
		v, err = byID(ctx, db, actionsT, actionD.scan, x.ID)
	case model.Project:
		v, err = byID(ctx, db, projectsT, projectD.scan, x.ID)
	case model.BudgetLine:
		v, err = byID(ctx, db, linesT, lineD.scan, x.ID)
	case model.FundingApplication:
		v, err = byID(ctx, db, appsT, appD.scan, x.ID)
	case model.BudgetWish:
		v, err = byID(ctx, db, wishesT, wishD.scan, x.ID)
	case model.Attachment:
		v, err = byID(ctx, db, attachT, attachD.scan, x.ID)
	case model.YearRule:
		v, err = byID(ctx, db, rulesT, yearRuleD.scan, x.ID)
	case model.Publication:
		v, err = byID(ctx, db, pubT, pubD.scan, x.ID)
	case model.DevPlan:
		v, err = byID(ctx, db, plansT, planD.scan, x.ID)
	case model.FocusArea:
		v, err = byID(ctx, db, focusT, focusD.scan, x.ID)
	case model.PlanAction:
		v, err = byID(ctx, db, planActionT, planActionD.scan, x.ID)
	case model.AccountEntry:
		v, err = byID(ctx, db, entriesT, entryD.scan, x.ID)
	case model.AccountsYear:
		v, err = byID(ctx, db, accYearsT, accYearD.scan, x.ID)
	case model.AgendaTemplate:
		v, err = byID(ctx, db, templatesT, templateD.scan, x.ID)
	case model.Pool:
		v, err = byID(ctx, db, poolsT, poolD.scan, x.ID)
	case model.MunicipalDeadline:
		v, err = byID(ctx, db, deadlinesT, deadlineD.scan, x.ID)
	case model.Contact:
		v, err = byID(ctx, db, contactsT, contactD.scan, x.ID)
	case model.Announcement:
		v, err = byID(ctx, db, announcementsT, announcementD.scan, x.ID)
	case model.PBRound:
		v, err = byID(ctx, db, pbRoundsT, pbRoundD.scan, x.ID)
	case model.PBProposal:
		v, err = byID(ctx, db, pbProposalsT, pbProposalD.scan, x.ID)
	case model.PBBallot:
		v, err = byID(ctx, db, pbBallotsT, pbBallotD.scan, x.ID)
	case model.PBTotal:
		v, err = byID(ctx, db, pbTotalsT, pbTotalD.scan, x.ID)
	default:
		panic(fmt.Sprintf("storage.Overwriting: %T is no row", x))
	}
	var zero T
	if err != nil {
		return zero
	}
	return v.(T)
}

// byID reads the row of table t with id; none is ErrNotFound.
func byID[T any](ctx context.Context, db *DB, t table, scan func(scanner) (T, error), id string) (T, error) {
	return one(ctx, db.sql(), scan, t.selectSQL()+" WHERE id = ?", id)
}

// saveRow saves v, edited from loaded, as e describes it (see save), and
// reads an edited row back (see reread).
func saveRow[T any, P interface {
	*T
	Validate() error
}](ctx context.Context, db *DB, e entity[T], loaded T, v P, check func(w *writer) error) error {
	err := db.save(ctx, v, e.id(v), *e.council(v), e.record(&loaded), func() record { return e.record(v) }, check)
	return reread(ctx, db, *e.id(&loaded), err, v, *e.id(v), e.table, e.scan)
}

// deleteRow deletes the row of table t with id in a write of its own,
// as a tombstone in the change log so that the delete syncs; a row that
// is not there is no error. A row that others hang on deletes them in the
// same write instead (DeleteProject).
func (db *DB) deleteRow(ctx context.Context, t table, id string) error {
	return db.write(ctx, func(w *writer) error { return w.remove(t.name, id) })
}

// reread reads an edited row back into *p after its save, so the caller
// sees what was stored (kept and merged values included). A new row
// (loaded "") is not read back.
func reread[T any](ctx context.Context, db *DB, loaded string, err error, p *T, id string, t table, scan func(scanner) (T, error)) error {
	if err != nil || loaded == "" {
		return err
	}
	v, err := byID(ctx, db, t, scan, id)
	if err == nil {
		*p = v
	}
	return err
}
