package postgres

// Approved minutes at the door, read from the op log.
//
// The SQLite hub decides with what the op's author had seen (its version
// vector). Here the rule reads the op log in HLC order, which is stricter
// in one case only: an edit made offline before the approval, arriving
// after it, is refused here (the SQLite hub keeps it as a conflict). The
// laptop then shows the refusal, and the meeting must be reopened to take
// the edit, as for any edit of approved minutes.

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"lokalraad/model"
	"lokalraad/storage"
)

// admit refuses new ops that change approved minutes: an edit of an
// approved meeting (but its status and approval date: approving and
// reopening) or of an item on one, a delete of either, and moving an item
// onto or off one. An erasure of names only (model.ScrubbedOnly) and a
// value equal to the one held pass. Ops earlier in the same batch count.
func (s *Store) admit(ctx context.Context, tx pgx.Tx, ops []storage.Change) error {
	for i, c := range ops {
		if c.Table != "meetings" && c.Table != "agenda_items" {
			continue
		}
		if c.Table == "meetings" && (c.Field == "status" || c.Field == "approved_at") {
			continue
		}
		batch := ops[:i]
		var meetings []string
		if c.Table == "meetings" {
			meetings = []string{c.Row}
		} else {
			m, ok, err := s.before(ctx, tx, batch, "agenda_items", c.Row, "meeting_id", c)
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
			st, ok, err := s.before(ctx, tx, batch, "meetings", m, "status", c)
			if err != nil {
				return err
			}
			if !ok || st.Value != string(model.MeetingApproved) {
				continue
			}
			label := model.TableNoun(c.Table)
			if c.Field == "" {
				return fmt.Errorf("%w: %w: %s kan kun slettes, når mødet er genåbnet", storage.ErrRefused, storage.ErrLocked, label)
			}
			prev, ok, err := s.before(ctx, tx, batch, c.Table, c.Row, c.Field, c)
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
