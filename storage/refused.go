package storage

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"lokalraad/model"
)

// Refused is one of this device's changes the server refused for good
// (a rule of the municipality's, a field too large): set aside so that the
// rest of the device's changes still sync, and kept so that the person who
// made it can see it and what the server said.
type Refused struct {
	Change
	Reason string     // the refusal as said, in Danish
	Code   model.Code // its code, for a screen in another language ("" before it was kept)
	At     time.Time
}

// SetAside takes one of this device's unsent ops out of the change log,
// because the server refused it for good, and keeps it in the refused list
// with the server's reason. The field (the row, for a delete) is replayed
// without it, so this device shows what every other replica shows.
func (db *DB) SetAside(ctx context.Context, c Change, reason string, code model.Code) error {
	if c.Device != db.self() {
		return fmt.Errorf("%s er ikke denne enheds ændring", c.ID())
	}
	return db.setAside(ctx, c, reason, code, true)
}

// setAside is SetAside of any device's op; own asks that the op be one of
// this device's the hub has not acknowledged.
func (db *DB) setAside(ctx context.Context, c Change, reason string, code model.Code, own bool) error {
	return db.applyTx(ctx, func(tx *sql.Tx) error {
		acked, err := getMetaInt(ctx, tx, MetaAcked)
		if err != nil {
			return err
		}
		if own && c.Seq <= acked {
			return fmt.Errorf("%s er allerede modtaget af serveren", c.ID())
		}
		held, err := scanChange(tx.QueryRowContext(ctx, "SELECT "+changeCols+" FROM changes WHERE device = ? AND seq = ?", c.Device, c.Seq))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO sync_refused(device, seq, council_id, tbl, row_id, field, value, reason, code, refused_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			held.Device, held.Seq, held.Council, held.Table, held.Row, held.Field, held.Value, reason, string(code), db.Now().UTC().Format(time.RFC3339)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM changes WHERE device = ? AND seq = ?", held.Device, held.Seq); err != nil {
			return err
		}
		if held.Table == conflictsTable || held.Table == scrubTable {
			return nil // a dismissal or an erasure stays done here
		}
		return db.replayWithout(ctx, tx, held)
	})
}

// SetAsideRefusedOwn sets aside this device's unsent ops that the model's
// rules refuse against what this device now holds (admit: an edit of
// minutes approved meanwhile, of accounts approved at the
// generalforsamling, of a round whose voting has opened): every replica
// holding what this one holds, the hub first, refuses a bundle with such
// an op whole, so a laptop that syncs only by USB stick would never again
// get a change through. Over the network the hub's refusal of the op does
// this (exchange's pushEach); a bundle read in brings the state that
// decides it, and the rules are the same code the hub runs. The ops are
// judged as the hub judges a batch of them: all of them as arriving, the
// rest as held; one refused op is taken out and the others judged again.
// Each is kept in the refused list with the rule's reason, as SetAside
// keeps it.
//
// The batch is the one the hub will judge when this device's next file
// reaches it: every op of council (and of the municipality) this device
// holds that hub, the ops of the hub's file, does not; those in hub are
// held. An op of another device this laptop took from a third laptop's
// file is in that batch too (that laptop's approval of minutes, carried
// with this device's edit made before it, which the hub takes together),
// so no edit is set aside that the hub would take. Of this device's own
// ops only those numbered past the highest hub carries (and past
// MetaAcked) are judged and set aside: the hub holds the ones before, and
// judging one it took before the rule applied would set aside what every
// other computer shows. Own ops of another council (a staff device's) are
// not judged: the file says nothing of what the hub holds of them.
//
// Another device's op this laptop took by stick that the hub will refuse
// (a line written into minutes approved meanwhile, carried from that
// laptop's file) is set aside too and returned as relayed: kept, every
// file this laptop writes would carry it and be refused at the hub whole,
// for good, and this laptop would show what no other computer shows. Its
// own laptop learns of the refusal itself. hub must be the hub's file,
// sealed and the newest read (exchange): only that says what the hub
// holds now.
func (db *DB) SetAsideRefusedOwn(ctx context.Context, council string, hub []Change) (own, relayed []Refused, err error) {
	self := db.self()
	var held int64
	inFile := make(map[string]bool, len(hub))
	othersInFile := 0
	for _, c := range hub {
		inFile[c.ID()] = true
		if c.Device == self {
			held = max(held, c.Seq)
		} else if c.Council == council || c.Council == model.MunicipalityID {
			othersInFile++
		}
	}
	var found []Refused
	onlyCheck := errors.New("a check writes nothing")
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		acked, err := getMetaInt(ctx, tx, MetaAcked)
		if err != nil {
			return err
		}
		// Nothing to judge, the usual case: no op of this device's past
		// what the hub holds, and of the others' ops none the file lacks
		// (this device holds every op of the file, read in just now).
		var mine, others int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FILTER (WHERE device = ? AND seq > ?), COUNT(*) FILTER (WHERE device <> ?) FROM changes WHERE council_id IN (?, ?)"+notDemo,
			self, max(acked, held), self, council, model.MunicipalityID).Scan(&mine, &others); err != nil || mine == 0 && others <= othersInFile {
			return cmp.Or(err, onlyCheck)
		}
		ops, err := list(ctx, tx, scanChange, "SELECT "+changeCols+" FROM changes WHERE council_id IN (?, ?)"+notDemo+" ORDER BY hlc, device, seq", council, model.MunicipalityID)
		if err != nil {
			return err
		}
		unsent := slices.DeleteFunc(ops, func(c Change) bool {
			return inFile[c.ID()] || c.Device == self && c.Seq <= max(acked, held)
		})
		if len(unsent) == 0 {
			return onlyCheck
		}
		if err := db.rowsAsHeld(ctx, tx, unsent); err != nil {
			return err
		}
		ctx := admitting(ctx)
		for len(unsent) > 0 {
			err := db.admit(ctx, tx, unsent)
			var r *refusedOp
			if err == nil || !errors.Is(err, ErrRefused) || !errors.As(err, &r) {
				if err != nil && !errors.Is(err, ErrRefused) {
					return err
				}
				break // a refusal naming no op of ours: leave it to the hub
			}
			i := slices.IndexFunc(unsent, func(c Change) bool { return c.ID() == r.op.ID() })
			if i < 0 {
				break
			}
			// A row made in the batch by one device goes aside whole: one
			// refused field taken out of it (an item's meeting) would leave
			// the rest judged as a row of no meeting, and travel as half a
			// row. Else only the refused op goes. Another device's op this
			// one took by stick, which the hub will refuse, is relayed; the
			// rest is judged as the hub will hold it, without it.
			op := unsent[i]
			out := []Change{op}
			whole, err := rowMadeInBatch(ctx, tx, op, unsent)
			if err != nil {
				return err
			}
			if whole {
				out = slices.DeleteFunc(slices.Clone(unsent), func(c Change) bool {
					return c.Device != op.Device || c.Table != op.Table || c.Row != op.Row
				})
			}
			for _, o := range out {
				ref := Refused{Change: o, Reason: r.Error(), Code: model.ErrorCode(r), At: db.Now()}
				if o.Device == self {
					found = append(found, ref)
				} else {
					relayed = append(relayed, ref)
				}
				if _, err := tx.ExecContext(ctx, "DELETE FROM changes WHERE device = ? AND seq = ?", o.Device, o.Seq); err != nil {
					return err
				}
			}
			unsent = slices.DeleteFunc(unsent, func(c Change) bool {
				return slices.ContainsFunc(out, func(o Change) bool { return o.ID() == c.ID() })
			})
		}
		return onlyCheck
	})
	if err != nil && !errors.Is(err, onlyCheck) {
		return nil, nil, err
	}
	for _, r := range found {
		if err := db.SetAside(ctx, r.Change, r.Reason, r.Code); err != nil {
			return nil, nil, err
		}
	}
	for _, r := range relayed {
		if err := db.setAside(ctx, r.Change, r.Reason, r.Code, false); err != nil {
			return nil, nil, err
		}
	}
	return found, relayed, nil
}

// SetAsideRevoked sets aside the ops of council this device holds that
// another device wrote after the municipality revoked it (as the held key
// list, or dir, a list arriving with the hub's file, says): a colleague's
// unsent changes taken by stick before the revocation became known. The
// hub refuses them, and every file carrying them whole (a lost laptop is
// stopped, its colleagues are not): set aside, this device's files are
// taken again, and they are listed as refused changes of another device.
func (db *DB) SetAsideRevoked(ctx context.Context, council string, dir *KeyDirectory) ([]Refused, error) {
	held, _, err := db.KeyDirectory(ctx, "")
	if err != nil {
		return nil, err
	}
	// The devices either list says are revoked: usually none, and then
	// nothing is read (this runs after every pull).
	var devs []string
	for _, l := range []*KeyDirectory{&held, dir} {
		if l == nil {
			continue
		}
		for _, e := range l.Keys {
			if (e.Revoked != "" || e.RevokedSeq > 0) && e.Replica != db.self() && !slices.Contains(devs, e.Replica) {
				devs = append(devs, e.Replica)
			}
		}
	}
	var out []Refused
	for _, d := range devs {
		a, ok := db.author(ctx, d, &held, dir)
		if !ok || a.Revoked.IsZero() && a.RevokedSeq == 0 {
			continue
		}
		// Only its ops past the number the hub took (when the list says
		// it) are read: this runs after every pull, and a lost laptop's
		// earlier ops stay held for good.
		ops, err := list(ctx, db.sql(), scanChange, "SELECT "+changeCols+" FROM changes WHERE device = ? AND seq > ? AND council_id = ? ORDER BY seq", d, a.RevokedSeq, council)
		if err != nil {
			return nil, err
		}
		for _, c := range ops {
			if !a.WrotePastRevocation(c) {
				continue
			}
			r := Refused{Change: c, Reason: "ændringen er fra en enhed, kommunen har spærret, og er ikke modtaget af serveren før spærringen", Code: model.Forbidden, At: db.Now()}
			if err := db.setAside(ctx, c, r.Reason, r.Code, false); err != nil {
				return nil, err
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// rowMadeInBatch tells whether every op of c's row is one of c's device's ops
// in batch: a row that device made and nobody else holds yet.
func rowMadeInBatch(ctx context.Context, tx *sql.Tx, c Change, batch []Change) (bool, error) {
	ids, err := list(ctx, tx, func(s scanner) (string, error) {
		var d string
		var seq int64
		err := s.Scan(&d, &seq)
		return Change{Device: d, Seq: seq}.ID(), err
	}, "SELECT device, seq FROM changes WHERE tbl = ? AND row_id = ?", c.Table, c.Row)
	if err != nil {
		return false, err
	}
	for _, id := range ids {
		if !slices.ContainsFunc(batch, func(o Change) bool { return o.Device == c.Device && o.ID() == id }) {
			return false, nil
		}
	}
	return true, nil
}

// rowsAsHeld brings, in a transaction that is only a check, the rows ops
// wrote back to what they were before them, and keeps ops in the log:
// admit judges an arriving batch with its ops in the log and the rows as
// held before it (a round's locked rules are compared with the row), as
// the hub holds them when this device's next file arrives.
func (db *DB) rowsAsHeld(ctx context.Context, tx *sql.Tx, ops []Change) error {
	for _, c := range ops {
		if _, err := tx.ExecContext(ctx, "DELETE FROM changes WHERE device = ? AND seq = ?", c.Device, c.Seq); err != nil {
			return err
		}
	}
	for _, c := range ops {
		if c.Table == conflictsTable || c.Table == scrubTable {
			continue
		}
		if err := db.replayWithout(ctx, tx, c); err != nil {
			return err
		}
	}
	for _, c := range ops {
		if _, err := tx.ExecContext(ctx, "INSERT INTO changes(device, seq, hlc, tbl, row_id, council_id, field, value, base, sig) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			c.Device, c.Seq, c.HLC, c.Table, c.Row, c.Council, c.Field, c.Value, c.Base, c.Sig); err != nil {
			return err
		}
	}
	return nil
}

// replayWithout brings a row up to date after one of its ops left the log.
func (db *DB) replayWithout(ctx context.Context, tx *sql.Tx, held Change) error {
	var left int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM changes WHERE tbl = ? AND row_id = ?", held.Table, held.Row).Scan(&left); err != nil {
		return err
	}
	q := newStmtTx(tx)
	defer q.close()
	a := &applier{db: db, ctx: ctx, tx: q, states: map[fieldKey]*fieldState{}}
	rk := rowKey{held.Table, held.Row}
	if left == 0 { // the row was only this op's: it was never anywhere else
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+held.Table+" WHERE id = ?", held.Row); err != nil {
			return err
		}
		for _, t := range []string{"field_versions", "tombstones"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+t+" WHERE tbl = ? AND row_id = ?", held.Table, held.Row); err != nil {
				return err
			}
		}
		// A whole the op had named may go again (merge.go, I9).
		return a.wholesNamedBy(held, map[rowKey]bool{rk: true})
	}
	var changed []string
	if held.Field != "" {
		k := fieldKey{held.Table, held.Row, held.Field}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM changes WHERE tbl = ? AND row_id = ? AND field = ?", k.table, k.row, k.field).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			// No op of the field is left: it takes its column's default.
			sch, err := db.schema(ctx)
			if err != nil {
				return err
			}
			var def any = ""
			if sch[k.table][k.field] {
				def = int64(0)
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM field_versions WHERE tbl = ? AND row_id = ? AND field = ?", k.table, k.row, k.field); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE "+k.table+" SET "+k.field+" = ? WHERE id = ?", def, k.row); err != nil {
				return err
			}
		} else {
			if _, err := a.updateField(k, held.Council, nil, true); err != nil {
				return err
			}
			changed = append(changed, k.field)
		}
	}
	if err := a.materialize(rk, held.Council, changed); err != nil {
		return err
	}
	// A whole the op had brought back (merge.go, I9) may go again: those
	// the row names now, and one the op itself named.
	done := map[rowKey]bool{rk: true}
	if err := a.wholesAbove([]rowKey{rk}, done); err != nil {
		return err
	}
	return a.wholesNamedBy(held, done)
}

// RefusedChanges lists this device's changes the server refused, and
// other devices' it set aside as relayed (SetAsideRefusedOwn; Device
// tells), newest first; council "" means every council.
func (db *DB) RefusedChanges(ctx context.Context, council string) ([]Refused, error) {
	q := "SELECT device, seq, council_id, tbl, row_id, field, value, reason, code, refused_at FROM sync_refused"
	var args []any
	if council != "" {
		q += " WHERE council_id = ?"
		args = append(args, council)
	}
	return list(ctx, db.sql(), func(s scanner) (Refused, error) {
		var r Refused
		var at string
		var code string
		err := s.Scan(&r.Device, &r.Seq, &r.Council, &r.Table, &r.Row, &r.Field, &r.Value, &r.Reason, &code, &at)
		r.Code = model.Code(code)
		r.Value = textOf(r.Value)
		r.At, _ = time.Parse(time.RFC3339, at)
		return r, err
	}, q+" ORDER BY refused_at DESC, seq DESC", args...)
}
