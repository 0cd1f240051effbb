package storage

// The municipality's own data: pools, deadlines, contacts and
// announcements. Their rows belong to the pseudo-council
// model.MunicipalityID; they are written through the same write path as
// council data (so they sync like any edit), only on a staff device or a
// database not enrolled for a council, and the hub sends them to every
// device.

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"lokalraad/model"
)

var (
	poolsT         = poolD.table
	deadlinesT     = deadlineD.table
	contactsT      = contactD.table
	announcementsT = announcementD.table
)

func municipalTable(name string) bool { return slices.Contains(MunicipalTables, name) }

// ErrMunicipalOnly: only the municipality (a staff device) edits its pools,
// deadlines, contacts and announcements.
var ErrMunicipalOnly = error(model.NewError(model.Forbidden, "kun kommunen kan redigere puljer, frister, kontakter og meddelelser"))

// checkMunicipalWriter refuses municipal edits on a device enrolled for a
// council: the hub would refuse them, and they would never leave.
func (w *writer) checkMunicipalWriter() error {
	var council, staff sql.NullString
	err := w.tx.QueryRowContext(w.ctx, "SELECT (SELECT value FROM meta WHERE key = ?), (SELECT value FROM meta WHERE key = ?)", MetaCouncil, MetaStaff).Scan(&council, &staff)
	if err != nil {
		return err
	}
	if council.String != "" && staff.String != "1" {
		return ErrMunicipalOnly
	}
	return nil
}

// saveMunicipal is saveRow for the municipality's rows.
func saveMunicipal[T any, P interface {
	*T
	Validate() error
}](ctx context.Context, db *DB, e entity[T], loaded T, v P) error {
	if c := e.council(v); *c == "" {
		*c = model.MunicipalityID
	}
	return saveRow(ctx, db, e, loaded, v, func(w *writer) error { return w.checkMunicipalWriter() })
}

// deleteMunicipal deletes one of the municipality's rows.
func (db *DB) deleteMunicipal(ctx context.Context, table, id string) error {
	return db.write(ctx, func(w *writer) error {
		if err := w.checkMunicipalWriter(); err != nil {
			return err
		}
		return w.remove(table, id)
	})
}

var (
	poolD = describe("pools", func(p *model.Pool) *string { return &p.ID },
		func(p *model.Pool) *string { return &p.CouncilID }, nil,
		textCol("name", func(p *model.Pool) *string { return &p.Name }),
		textCol("description", func(p *model.Pool) *string { return &p.Description }),
		textCol("rules", func(p *model.Pool) *string { return &p.Rules }),
		intCol("available", func(p *model.Pool) *int64 { return &p.Available }),
		intCol("max_per_application", func(p *model.Pool) *int64 { return &p.MaxPerApp }),
		dateCol("deadline", func(p *model.Pool) *time.Time { return &p.Deadline }),
		boolCol("open_all_year", func(p *model.Pool) *bool { return &p.OpenAllYear }),
		intCol("min_project_total", func(p *model.Pool) *int64 { return &p.MinProjectTotal }),
		intCol("volunteer_rate", func(p *model.Pool) *int64 { return &p.VolunteerRate }),
		intCol("volunteer_cap_pct", func(p *model.Pool) *int { return &p.VolunteerCapPct }),
		boolCol("no_running_costs", func(p *model.Pool) *bool { return &p.NoRunningCosts }),
		intCol("accounts_months", func(p *model.Pool) *int { return &p.AccountsMonths }),
	)
	deadlineD = describe("deadlines", func(d *model.MunicipalDeadline) *string { return &d.ID },
		func(d *model.MunicipalDeadline) *string { return &d.CouncilID }, nil,
		textCol("title", func(d *model.MunicipalDeadline) *string { return &d.Title }),
		dateCol("date", func(d *model.MunicipalDeadline) *time.Time { return &d.Date }),
		textCol("kind", func(d *model.MunicipalDeadline) *string { return &d.Kind }),
		textCol("description", func(d *model.MunicipalDeadline) *string { return &d.Description }),
	)
	contactD = describe("contacts", func(c *model.Contact) *string { return &c.ID },
		func(c *model.Contact) *string { return &c.CouncilID }, nil,
		textCol("name", func(c *model.Contact) *string { return &c.Name }),
		textCol("role", func(c *model.Contact) *string { return &c.Role }),
		textCol("phone", func(c *model.Contact) *string { return &c.Phone }),
		textCol("email", func(c *model.Contact) *string { return &c.Email }),
		linesCol("areas", func(c *model.Contact) *[]string { return &c.Areas }),
	)
	announcementD = describe("announcements", func(a *model.Announcement) *string { return &a.ID },
		func(a *model.Announcement) *string { return &a.CouncilID }, nil,
		textCol("title", func(a *model.Announcement) *string { return &a.Title }),
		textCol("text", func(a *model.Announcement) *string { return &a.Text }),
		dateCol("date", func(a *model.Announcement) *time.Time { return &a.Date }),
	)
)

// Pools lists the municipality's pools by name.
func (db *DB) Pools(ctx context.Context) ([]model.Pool, error) {
	return list(ctx, db.sql(), poolD.scan, poolsT.selectSQL()+" ORDER BY name COLLATE NOCASE, id")
}

// Pool reads one pool.
func (db *DB) Pool(ctx context.Context, id string) (model.Pool, error) {
	return one(ctx, db.sql(), poolD.scan, poolsT.selectSQL()+" WHERE id = ?", id)
}

// SavePool creates or updates a pool, edited from loaded (the zero value
// for a new pool; see SaveCouncil); ErrMunicipalOnly on a council's device.
func (db *DB) SavePool(ctx context.Context, loaded model.Pool, p *model.Pool) error {
	return saveMunicipal(ctx, db, poolD, loaded, p)
}

// DeletePool deletes a pool. Funding applications name their pool as text
// and keep it.
func (db *DB) DeletePool(ctx context.Context, id string) error {
	return db.deleteMunicipal(ctx, poolsT.name, id)
}

// Deadlines lists the municipality's deadlines by date.
func (db *DB) Deadlines(ctx context.Context) ([]model.MunicipalDeadline, error) {
	return list(ctx, db.sql(), deadlineD.scan, deadlinesT.selectSQL()+" ORDER BY date, title COLLATE NOCASE, id")
}

// SaveDeadline creates or updates a municipal deadline; ErrMunicipalOnly on
// a council's device.
func (db *DB) SaveDeadline(ctx context.Context, loaded model.MunicipalDeadline, d *model.MunicipalDeadline) error {
	return saveMunicipal(ctx, db, deadlineD, loaded, d)
}

// DeleteDeadline deletes a municipal deadline.
func (db *DB) DeleteDeadline(ctx context.Context, id string) error {
	return db.deleteMunicipal(ctx, deadlinesT.name, id)
}

// Contacts lists the municipality's contacts by name; model.Contact's
// ServesArea picks those of one local area.
func (db *DB) Contacts(ctx context.Context) ([]model.Contact, error) {
	return list(ctx, db.sql(), contactD.scan, contactsT.selectSQL()+" ORDER BY name COLLATE NOCASE, id")
}

// SaveContact creates or updates a contact; ErrMunicipalOnly on a council's
// device.
func (db *DB) SaveContact(ctx context.Context, loaded model.Contact, c *model.Contact) error {
	return saveMunicipal(ctx, db, contactD, loaded, c)
}

// DeleteContact deletes a contact.
func (db *DB) DeleteContact(ctx context.Context, id string) error {
	return db.deleteMunicipal(ctx, contactsT.name, id)
}

// Announcements lists the municipality's announcements, newest first.
func (db *DB) Announcements(ctx context.Context) ([]model.Announcement, error) {
	return list(ctx, db.sql(), announcementD.scan, announcementsT.selectSQL()+" ORDER BY date DESC, id DESC")
}

// SaveAnnouncement creates or updates an announcement; ErrMunicipalOnly on
// a council's device.
func (db *DB) SaveAnnouncement(ctx context.Context, loaded model.Announcement, a *model.Announcement) error {
	return saveMunicipal(ctx, db, announcementD, loaded, a)
}

// DeleteAnnouncement deletes an announcement.
func (db *DB) DeleteAnnouncement(ctx context.Context, id string) error {
	return db.deleteMunicipal(ctx, announcementsT.name, id)
}

// UpcomingDeadlines lists the municipality's dates from now's day until
// horizon's (both in Danish time, inclusive), by date: the application
// deadlines of pools that are not open all year, and the municipal
// deadlines (Kind is theirs, or model.DeadlineMunicipal). RefID is the pool's or
// the deadline's id.
func (db *DB) UpcomingDeadlines(ctx context.Context, now, horizon time.Time) ([]model.Deadline, error) {
	from, to := dateText(now), dateText(horizon)
	pools, err := list(ctx, db.sql(), poolD.scan, poolsT.selectSQL()+" WHERE open_all_year = 0 AND deadline <> '' AND deadline BETWEEN ? AND ?", from, to)
	if err != nil {
		return nil, err
	}
	dls, err := list(ctx, db.sql(), deadlineD.scan, deadlinesT.selectSQL()+" WHERE date <> '' AND date BETWEEN ? AND ?", from, to)
	if err != nil {
		return nil, err
	}
	out := make([]model.Deadline, 0, len(pools)+len(dls))
	for _, p := range pools {
		out = append(out, model.Deadline{Date: p.Deadline, Title: p.Name, Kind: model.DeadlinePool, RefID: p.ID})
	}
	for _, d := range dls {
		out = append(out, model.Deadline{Date: d.Date, Title: d.Title, Kind: cmp.Or(d.Kind, model.DeadlineMunicipal), RefID: d.ID})
	}
	slices.SortStableFunc(out, func(a, b model.Deadline) int {
		return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.Title, b.Title), strings.Compare(a.RefID, b.RefID))
	})
	return out, nil
}
