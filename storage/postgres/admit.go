package postgres

// Approved minutes at the door, read from the op log: the SQLite hub's
// rule (storage/admit.go) on the same replay order (HLC, then device).

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"lokalraad/model"
	"lokalraad/storage"
)

// admit refuses new ops that change approved minutes, as the SQLite hub
// does (storage/admit.go): an edit of an approved meeting (but its status:
// approving and reopening, and the fields saved in the same save as a
// change of status) or of an item on one, a delete of either, moving an
// item onto or off one, an edit that sorts before an approval the hub held
// already (backdated, or made offline before it), and a status op away
// from "godkendt" that sorts before such an approval (it never saw the
// minutes approved, so it is no reopening of them, and licenses no edit
// saved with it). An erasure of names only (model.ScrubbedOnly) and a
// value equal to the one held pass. Ops of the same batch count.
func (s *Store) admit(ctx context.Context, tx pgx.Tx, ops []storage.Change) error {
	if err := s.admitPB(ctx, tx, ops); err != nil {
		return err
	}
	for _, c := range ops {
		if c.Table != "meetings" && c.Table != "agenda_items" {
			continue
		}
		if c.Table == "meetings" && c.Field == "status" {
			if c.Value == string(model.MeetingApproved) {
				continue
			}
			since, err := s.approvedSince(ctx, tx, c.Row, c, storage.Change{})
			if err != nil {
				return err
			}
			if since {
				return fmt.Errorf("%w: %w: %s, feltet »%s«: ændringen er ældre end godkendelsen af referatet; genåbn referatet først",
					storage.ErrRefused, storage.ErrLocked, model.TableNoun(c.Table), model.FieldName(c.Table, c.Field))
			}
			continue
		}
		var meetings []string
		if c.Table == "meetings" {
			meetings = []string{c.Row}
		} else {
			m, ok, err := s.before(ctx, tx, ops, "agenda_items", c.Row, "meeting_id", c)
			if err != nil {
				return err
			}
			if ok {
				meetings = append(meetings, fmt.Sprint(m.Value))
			}
			if c.Field == "meeting_id" {
				meetings = append(meetings, fmt.Sprint(c.Value))
			}
		}
		for _, m := range meetings {
			var locked, late bool
			sop, licensed, err := s.savedWithStatus(ctx, tx, ops, m, c)
			if err != nil {
				return err
			}
			if licensed {
				late, err = s.approvedSince(ctx, tx, m, c, sop)
				locked = late
			} else {
				st, ok, berr := s.before(ctx, tx, ops, "meetings", m, "status", c)
				if berr != nil {
					return berr
				}
				locked = ok && st.Value == string(model.MeetingApproved)
				if !locked {
					late, err = s.approvedSince(ctx, tx, m, c, storage.Change{})
					locked = late
				}
			}
			if err != nil {
				return err
			}
			if !locked {
				continue
			}
			label := model.TableNoun(c.Table)
			if c.Field == "" {
				return fmt.Errorf("%w: %w: %s kan kun slettes, når mødet er genåbnet", storage.ErrRefused, storage.ErrLocked, label)
			}
			// Measured against the field as of the op, or, for an op older
			// than an approval held, against the latest op the hub holds.
			var prev storage.Change
			var ok bool
			if late {
				prev, ok, err = s.latest(ctx, tx, c.Table, c.Row, c.Field)
			} else {
				prev, ok, err = s.before(ctx, tx, ops, c.Table, c.Row, c.Field, c)
			}
			if err != nil {
				return err
			}
			if ok && prev.Value == c.Value {
				continue
			}
			p, ok1 := prev.Value.(string)
			v, ok2 := c.Value.(string)
			if ok && ok1 && ok2 && model.ScrubbedOnly(p, v) {
				continue
			}
			return fmt.Errorf("%w: %w: %s, feltet »%s«, kan kun ændres, når mødet er genåbnet",
				storage.ErrRefused, storage.ErrLocked, label, model.FieldName(c.Table, c.Field))
		}
	}
	return nil
}

// approvedSince tells whether the hub held, before this push, an approval
// of meeting m that sorts after op c (but the op except).
func (s *Store) approvedSince(ctx context.Context, tx pgx.Tx, m string, c, except storage.Change) (bool, error) {
	var since bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM ops WHERE tbl = 'meetings' AND row_id = $1 AND field = 'status'
		AND vkind = 's' AND vtext = $2 AND NOT (hlc < $3 OR hlc = $3 AND device < $4) AND NOT (device = $5 AND seq = $6)
		AND NOT (device = $4 AND seq = $7))`,
		m, string(model.MeetingApproved), c.HLC, c.Device, except.Device, except.Seq, c.Seq).Scan(&since)
	return since, err
}

// latest is the op of a field that sorts last in the hub's log.
func (s *Store) latest(ctx context.Context, tx pgx.Tx, table, row, field string) (storage.Change, bool, error) {
	h, err := scanOp(tx.QueryRow(ctx, "SELECT "+opCols+" FROM ops WHERE tbl = $1 AND row_id = $2 AND field = $3 ORDER BY hlc DESC, device DESC LIMIT 1",
		table, row, field), nil)
	if err == pgx.ErrNoRows {
		return storage.Change{}, false, nil
	}
	return h, err == nil, err
}

// savedWithStatus tells whether op c of meeting m was written in the same
// save as a change of the meeting's status that approved or reopened the
// minutes as the hub holds them (storage/admit.go: the status op sorts
// after every approval held, and no other status op sorts between it and
// c): one save writes a row's changed fields as consecutive ops of its
// device. It returns that status op.
func (s *Store) savedWithStatus(ctx context.Context, tx pgx.Tx, batch []storage.Change, m string, c storage.Change) (storage.Change, bool, error) {
	if c.Table != "meetings" || c.Row != m {
		return storage.Change{}, false, nil
	}
	e, _ := model.EntityOf("meetings")
	n := int64(len(e.Columns())) // a save writes at most every field of the row
	near := map[int64]storage.Change{}
	rows, err := tx.Query(ctx, "SELECT "+opCols+" FROM ops WHERE device = $1 AND seq BETWEEN $2 AND $3", c.Device, c.Seq-n, c.Seq+n)
	if err != nil {
		return storage.Change{}, false, err
	}
	held, err := collectOps(rows)
	if err != nil {
		return storage.Change{}, false, err
	}
	for _, o := range held {
		near[o.Seq] = o
	}
	for _, o := range batch {
		if o.Device == c.Device && o.Seq >= c.Seq-n && o.Seq <= c.Seq+n {
			near[o.Seq] = o
		}
	}
	sameRow := func(o storage.Change) bool { return o.Table == c.Table && o.Row == c.Row && o.Field != "" }
	for _, step := range []int64{-1, 1} {
		for seq := c.Seq + step; ; seq += step {
			o, ok := near[seq]
			if !ok || !sameRow(o) {
				break
			}
			if o.Field != "status" {
				continue
			}
			// Only a save that changes the status: "godkendt" sent
			// again is no such save.
			prev, ok, err := s.before(ctx, tx, batch, o.Table, o.Row, "status", o)
			if err != nil || ok && prev.Value == o.Value {
				return storage.Change{}, false, err
			}
			if since, err := s.approvedSince(ctx, tx, m, o, storage.Change{}); err != nil || since {
				return storage.Change{}, false, err
			}
			lo, hi := o, c
			if hi.HLC < lo.HLC || hi.HLC == lo.HLC && hi.Device < lo.Device {
				lo, hi = hi, lo
			}
			between := func(x storage.Change) bool {
				return (x.HLC > lo.HLC || x.HLC == lo.HLC && x.Device > lo.Device) && (x.HLC < hi.HLC || x.HLC == hi.HLC && x.Device < hi.Device)
			}
			for _, x := range batch {
				if x.Table == "meetings" && x.Row == m && x.Field == "status" && x.ID() != o.ID() && between(x) {
					return storage.Change{}, false, nil
				}
			}
			var held bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM ops WHERE tbl = 'meetings' AND row_id = $1 AND field = 'status'
				AND NOT (device = $2 AND seq = $3) AND (hlc > $4 OR hlc = $4 AND device > $5) AND (hlc < $6 OR hlc = $6 AND device < $7))`,
				m, o.Device, o.Seq, lo.HLC, lo.Device, hi.HLC, hi.Device).Scan(&held); err != nil {
				return storage.Change{}, false, err
			}
			return o, !held, nil
		}
	}
	return storage.Change{}, false, nil
}

// before is the op of a field that comes last in replay order before c,
// from the log and the ops of the batch before c.
func (s *Store) before(ctx context.Context, tx pgx.Tx, batch []storage.Change, table, row, field string, c storage.Change) (storage.Change, bool, error) {
	var best storage.Change
	found := false
	earlier := func(o storage.Change) bool {
		return o.HLC < c.HLC || o.HLC == c.HLC && o.Device < c.Device
	}
	later := func(o storage.Change) bool {
		return !found || o.HLC > best.HLC || o.HLC == best.HLC && o.Device > best.Device
	}
	for _, o := range batch {
		if o.Table == table && o.Row == row && o.Field == field && earlier(o) && later(o) {
			best, found = o, true
		}
	}
	h, err := scanOp(tx.QueryRow(ctx, "SELECT "+opCols+" FROM ops WHERE tbl = $1 AND row_id = $2 AND field = $3 AND (hlc < $4 OR hlc = $4 AND device < $5) ORDER BY hlc DESC, device DESC LIMIT 1",
		table, row, field, c.HLC, c.Device), nil)
	if err == pgx.ErrNoRows {
		return best, found, nil
	}
	if err != nil {
		return best, found, err
	}
	if later(h) {
		best, found = h, true
	}
	return best, found, nil
}

// admitPB runs the borgerbudget round's locks (storage.AdmitPB) against
// what the hub holds: a field's value is its last op in replay order,
// the batch not counted (it is not in the log yet).
func (s *Store) admitPB(ctx context.Context, tx pgx.Tx, ops []storage.Change) error {
	some := false
	for _, c := range ops {
		some = some || strings.HasPrefix(c.Table, "pb_")
	}
	if !some {
		return nil
	}
	held := func(table, row, field string) (any, bool, error) {
		if field == "council_id" { // the row's council: its ops' (storage.PBHeld)
			var council string
			err := tx.QueryRow(ctx, "SELECT council_id FROM ops WHERE tbl = $1 AND row_id = $2 LIMIT 1", table, row).Scan(&council)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil, false, nil
			}
			return council, err == nil, err
		}
		o, err := scanOp(tx.QueryRow(ctx, "SELECT "+opCols+" FROM ops WHERE tbl = $1 AND row_id = $2 AND field = $3 ORDER BY hlc DESC, device DESC LIMIT 1",
			table, row, field), nil)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		return o.Value, true, nil
	}
	return storage.AdmitPB(ops, held, func(c storage.Change) string {
		for _, o := range ops {
			if o.Table == c.Table && o.Row == c.Row && o.Field == "title" {
				if t, ok := o.Value.(string); ok && t != "" {
					return fmt.Sprintf("%s »%s«", model.TableNoun(c.Table), t)
				}
			}
		}
		if o, err := scanOp(tx.QueryRow(ctx, "SELECT "+opCols+" FROM ops WHERE tbl = $1 AND row_id = $2 AND field = 'title' ORDER BY hlc DESC, device DESC LIMIT 1",
			c.Table, c.Row), nil); err == nil {
			if t, ok := o.Value.(string); ok && t != "" {
				return fmt.Sprintf("%s »%s«", model.TableNoun(c.Table), t)
			}
		}
		return model.TableNoun(c.Table)
	})
}

// held reads the op log as it was before a batch (whose ops are inserted
// only after admit): what storage.CheckYearLocks judges against.
type heldLog struct{ tx pgx.Tx }

func (h heldLog) query(ctx context.Context, where string, args []any) ([]storage.Change, error) {
	rows, err := h.tx.Query(ctx, "SELECT "+opCols+" FROM ops WHERE "+where, args...)
	if err != nil {
		return nil, err
	}
	return collectOps(rows)
}

func (h heldLog) RowOps(ctx context.Context, table, row string, fields []string) ([]storage.Change, error) {
	return h.query(ctx, "tbl = $1 AND row_id = $2 AND field = ANY($3)", []any{table, row, fields})
}

func (h heldLog) TableOps(ctx context.Context, table, council string, fields []string) ([]storage.Change, error) {
	return h.query(ctx, "tbl = $1 AND council_id = $2 AND field = ANY($3)", []any{table, council, fields})
}
