package storage

// Sync: replaying a field's ops into its version and conflicts, and making
// a row in its table agree with its ops (materialize).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"lokalraad/model"
)

// refreshFields replays fields in full and brings their rows up to date:
// after their ops' values were rewritten in place.
func (db *DB) refreshFields(ctx context.Context, tx *sql.Tx, council string, fields map[fieldKey]bool) error {
	keys := make([]fieldKey, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		return a.table < b.table || a.table == b.table && (a.row < b.row || a.row == b.row && a.field < b.field)
	})
	q := newStmtTx(tx)
	defer q.close()
	a := &applier{db: db, ctx: ctx, tx: q, states: map[fieldKey]*fieldState{}}
	changed := map[rowKey][]string{}
	var rks []rowKey
	for _, k := range keys {
		if _, err := a.updateField(k, council, nil, true); err != nil {
			return err
		}
		rk := rowKey{k.table, k.row}
		if len(changed[rk]) == 0 {
			rks = append(rks, rk)
		}
		changed[rk] = append(changed[rk], k.field)
	}
	for _, rk := range rks {
		if err := a.materialize(rk, council, changed[rk]); err != nil {
			return err
		}
	}
	return nil
}

type applier struct {
	db     *DB
	ctx    context.Context
	tx     *stmtTx
	states map[fieldKey]*fieldState
	// rowIns queues the inserts of new rows by table (materialize), in
	// rowOrder; flushRows writes them.
	rowIns   map[string]*multiInsert
	rowOrder []string
	// versions queues new rows' field versions (updateField).
	versions *multiInsert
	// present tells, for the new rows looked up at once (lookNewRows),
	// whether their table has them.
	present map[rowKey]bool
	// newRows are rows this replica held no op of before the batch: all
	// their ops are in it, so they are replayed from memory (the first
	// pull of a new laptop is nearly all such rows).
	newRows map[rowKey][]rowOp
	// revived are the wholes deleted here that materialize brought back
	// for an edit of a part (I9).
	revived []rowKey
	// touched are the batch's new ops by field (applyOps).
	touched map[fieldKey][]fieldOp
	// restored collects, in applyOps, the fields whose replay erased
	// names an op brought back (applyConn.restored); nil elsewhere.
	restored map[fieldKey]restoredField
}

// fieldOps reads a field's ops in replay order; with values when asked.
func (a *applier) fieldOps(k fieldKey, values bool) ([]fieldOp, error) {
	cols := "hlc, device, seq, base, NULL"
	if values {
		cols = "hlc, device, seq, base, value"
	}
	return list(a.ctx, a.tx, func(s scanner) (fieldOp, error) {
		var o fieldOp
		err := s.Scan(&o.v.hlc, &o.v.device, &o.seq, &o.base, &o.value)
		o.value = textOf(o.value)
		return o, err
	}, "SELECT "+cols+" FROM changes WHERE tbl = ? AND row_id = ? AND field = ? ORDER BY hlc, device", k.table, k.row, k.field)
}

// replay computes a field's state from all its ops.
func (a *applier) replay(k fieldKey) (*fieldState, error) {
	st, _, err := a.replayOps(k)
	return st, err
}

// replayOps is replay, with the ops it replayed.
func (a *applier) replayOps(k fieldKey) (*fieldState, []fieldOp, error) {
	ops, err := a.fieldOps(k, true)
	if err != nil {
		return nil, nil, err
	}
	return replayField(ops, ruleOf(k.table, k.field)), ops, nil
}

// A field's version is the op that wrote its value. field_versions holds
// it only where it is not the field's last op in replay order (by clock,
// then device, then sequence number: lastFieldOp), which is what a first pull
// and sequential edits give nearly every field; a missing row means the
// last op. Applying keeps this true for every field it touches: a field
// whose version moves away from its last op (a value kept by a sticky
// rule) gets a row, and a row, where there is one, always says the
// version.

// laterOp tells whether o comes after p in replay order, the sequence
// number breaking a tie of clock and device.
func laterOp(o, p fieldOp) bool {
	return o.v.after(p.v) || o.v == p.v && o.seq > p.seq
}

func sameOp(o, p fieldOp) bool { return o.v == p.v && o.seq == p.seq }

// lastFieldOp is the last of a field's ops in replay order: its version unless
// field_versions says otherwise.
func lastFieldOp(ops []fieldOp) (fieldOp, bool) {
	var last fieldOp
	for i, o := range ops {
		if i == 0 || laterOp(o, last) {
			last = o
		}
	}
	return last, len(ops) > 0
}

// fieldVersion is the op that wrote a field's value: its field_versions
// row, else its last op. ok is false for a field without ops.
func fieldVersion(ctx context.Context, q querier, table, row, field string) (fieldOp, bool, error) {
	scan := func(s scanner) (fieldOp, error) {
		var o fieldOp
		return o, s.Scan(&o.v.hlc, &o.v.device, &o.seq)
	}
	vs, err := list(ctx, q, scan, "SELECT hlc, device, seq FROM field_versions WHERE tbl = ? AND row_id = ? AND field = ?", table, row, field)
	if err != nil || len(vs) > 0 {
		return firstOf(vs), len(vs) > 0, err
	}
	vs, err = list(ctx, q, scan, "SELECT hlc, device, seq FROM changes WHERE tbl = ? AND row_id = ? AND field = ? ORDER BY hlc DESC, device DESC, seq DESC LIMIT 1", table, row, field)
	return firstOf(vs), len(vs) > 0, err
}

func firstOf(os []fieldOp) fieldOp {
	if len(os) == 0 {
		return fieldOp{}
	}
	return os[0]
}

// updateField brings a field's version and conflicts up to date with its
// new ops. It reports whether the field's state changed.
func (a *applier) updateField(k fieldKey, council string, fresh []fieldOp, force bool) (bool, error) {
	if len(fresh) > 1 {
		sort.Slice(fresh, func(i, j int) bool { return fresh[j].v.after(fresh[i].v) })
	}
	if _, isNew := a.newRows[rowKey{k.table, k.row}]; isNew && !force {
		// Every op of the field is in this batch: replay it from memory.
		var st *fieldState
		if len(fresh) == 1 {
			// One op (a first pull's every field, nearly): its value,
			// as replayField would find it, without building a replay.
			st = &fieldState{value: fresh[0].value, version: fresh[0], set: true}
		} else {
			st = replayField(fresh, ruleOf(k.table, k.field))
		}
		a.states[k] = st
		// A version other than the last op is queued for a multi-row
		// insert (flushRows): nothing reads a new row's versions before
		// the batch's rows are materialized.
		if last, _ := lastFieldOp(fresh); !sameOp(st.version, last) {
			if a.versions == nil {
				a.versions = newMultiInsert("INSERT OR REPLACE INTO field_versions(tbl, row_id, field, hlc, device, seq) VALUES ", 6, 80)
			}
			if err := a.versions.add(a.ctx, a.tx, k.table, k.row, k.field, st.version.v.hlc, st.version.v.device, st.version.seq); err != nil {
				return false, err
			}
		}
		return true, a.saveConflicts(k, council, st)
	}
	var cur fieldOp
	hasRow := true
	err := a.tx.QueryRowContext(a.ctx, "SELECT hlc, device, seq FROM field_versions WHERE tbl = ? AND row_id = ? AND field = ?", k.table, k.row, k.field).Scan(&cur.v.hlc, &cur.v.device, &cur.seq)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		hasRow = false
	case err != nil:
		return false, err
	}
	var st *fieldState
	var all []fieldOp // every op of the field, for the version a missing row means
	full := true
	if !force && len(fresh) > 0 {
		held, err := a.fieldOps(k, false)
		if err != nil {
			return false, err
		}
		all = held
		prior := held[:0:0]
		isFresh := map[string]bool{}
		for _, o := range fresh {
			isFresh[o.id()] = true
		}
		for _, o := range held {
			if !isFresh[o.id()] {
				prior = append(prior, o)
			}
		}
		if !hasRow { // the version before this batch: the last op before it
			cur, _ = lastFieldOp(prior)
		}
		// The fast path: every new op sorts after the field's version and
		// had seen every op before it (a sequential edit, the common case):
		// the last one is the value, and no conflict changes.
		if fresh[0].v.after(cur.v) && sequential(prior, fresh) {
			last := fresh[len(fresh)-1]
			st = &fieldState{value: last.value, version: last, set: true}
			full = false
		}
	}
	if full {
		if st, all, err = a.replayOps(k); err != nil {
			return false, err
		}
	}
	a.states[k] = st
	// Written where the row is wrong, or missing and the last op is not
	// the version.
	if last, _ := lastFieldOp(all); hasRow && !sameOp(st.version, cur) || !hasRow && !sameOp(st.version, last) {
		if _, err := a.tx.ExecContext(a.ctx, "INSERT OR REPLACE INTO field_versions(tbl, row_id, field, hlc, device, seq) VALUES (?, ?, ?, ?, ?, ?)",
			k.table, k.row, k.field, st.version.v.hlc, st.version.v.device, st.version.seq); err != nil {
			return false, err
		}
	}
	if full {
		// Conflicts are derived: drop those the full replay no longer finds.
		keep := map[string]bool{}
		for _, c := range st.conflicts {
			keep[conflictID(k, c)] = true
		}
		ids, err := list(a.ctx, a.tx, func(s scanner) (string, error) {
			var id string
			return id, s.Scan(&id)
		}, "SELECT id FROM sync_conflicts WHERE tbl = ? AND row_id = ? AND field = ?", k.table, k.row, k.field)
		if err != nil {
			return false, err
		}
		for _, id := range ids {
			if !keep[id] {
				if _, err := a.tx.ExecContext(a.ctx, "DELETE FROM sync_conflicts WHERE id = ?", id); err != nil {
					return false, err
				}
			}
		}
	}
	return true, a.saveConflicts(k, council, st)
}

// state is a field's state, replayed when this batch did not touch it.
func (a *applier) state(k fieldKey) (*fieldState, error) {
	if st, ok := a.states[k]; ok {
		return st, nil
	}
	st, err := a.replay(k)
	if err == nil {
		a.states[k] = st
	}
	return st, err
}

// lookNewRows finds out in one query a table chunk which of the new rows
// their tables hold already (materialize asks it of every row).
func (a *applier) lookNewRows(rks []rowKey) error {
	byTable := map[string][]any{}
	var tables []string
	for _, rk := range rks {
		if _, isNew := a.newRows[rk]; !isNew {
			continue
		}
		if byTable[rk.table] == nil {
			tables = append(tables, rk.table)
		}
		byTable[rk.table] = append(byTable[rk.table], rk.row)
	}
	if a.present == nil {
		a.present = map[rowKey]bool{}
	}
	for _, t := range tables {
		err := inLookups(byTable[t], func(part []any) error {
			for _, id := range part {
				a.present[rowKey{t, id.(string)}] = false
			}
			have, err := list(a.ctx, a.tx, func(s scanner) (string, error) {
				var id string
				return id, s.Scan(&id)
			}, "SELECT id FROM "+t+" WHERE id IN (?"+strings.Repeat(", ?", len(part)-1)+")", part...)
			if err != nil {
				return err
			}
			for _, id := range have {
				a.present[rowKey{t, id}] = true
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// flushRows writes the queued inserts of new rows and field versions.
func (a *applier) flushRows() error {
	if a.versions != nil {
		if err := a.versions.flush(a.ctx, a.tx); err != nil {
			return err
		}
	}
	for _, t := range a.rowOrder {
		if err := a.rowIns[t].flush(a.ctx, a.tx); err != nil {
			return fmt.Errorf("gem i %s: %w", t, err)
		}
	}
	return nil
}

// materialize makes a touched row in its table agree with its ops: there
// with its fields' values while alive, gone with a tombstone while dead.
func (a *applier) materialize(rk rowKey, council string, changedFields []string) error {
	ops, isNew := a.newRows[rk]
	var err error
	if !isNew {
		ops, err = a.rowOps(rk)
	}
	if err != nil {
		return err
	}
	edits, dels := splitRowOps(ops)
	alive, revived := rowAlive(edits, dels), false
	// Only a delete that says what it had seen of the parts (I9) lets
	// them keep the whole: a whole deleted by older versions is not walked.
	if !alive && len(model.PartsOf(rk.table)) > 0 && slices.ContainsFunc(dels, sawParts) {
		if alive, _, err = a.wholeAlive(rk, council, edits, dels); err != nil {
			return err
		}
		revived = alive
	}
	var exists bool
	if there, looked := a.present[rk]; looked {
		exists = there
	} else {
		var dummy string
		switch err := a.tx.QueryRowContext(a.ctx, "SELECT id FROM "+rk.table+" WHERE id = ?", rk.row).Scan(&dummy); {
		case err == nil:
			exists = true
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
	}
	// Only the laptop that deleted the row is told it came back: a laptop
	// that merely received the delete, or pulls the row for the first time
	// in pages, lost nothing of its own.
	if revived && !exists && !isNew && slices.ContainsFunc(dels, func(d rowOp) bool { return d.v.device == a.db.self() }) {
		a.revived = append(a.revived, rk)
	}
	switch {
	case alive && exists:
		var sets []string
		var args []any
		sort.Strings(changedFields)
		for _, f := range changedFields {
			sets = append(sets, f+" = ?")
			args = append(args, a.states[fieldKey{rk.table, rk.row, f}].value)
		}
		if len(sets) == 0 {
			return nil
		}
		args = append(args, rk.row)
		_, err := a.tx.ExecContext(a.ctx, "UPDATE "+rk.table+" SET "+strings.Join(sets, ", ")+" WHERE id = ?", args...)
		return err
	case alive:
		// Every column, so that columns without a default (a child's
		// parent id) have a value while their ops are still on the way;
		// in the schema's order, so that the statement is the same each
		// time.
		sch, err := a.db.schema(a.ctx)
		if err != nil {
			return err
		}
		held := map[string]bool{}
		for _, o := range edits {
			held[o.field] = true
		}
		cols := []string{"id", "council_id"}
		args := []any{rk.row, council}
		for _, f := range a.db.columns(rk.table) {
			var v any = ""
			if sch[rk.table][f] {
				v = int64(0)
			}
			if held[f] {
				st, err := a.state(fieldKey{rk.table, rk.row, f})
				if err != nil {
					return err
				}
				v = st.value
			}
			cols = append(cols, f)
			args = append(args, v)
		}
		if isNew {
			// A row new to this replica has no tombstone. Its insert waits
			// for others of its table (flushRows): one statement of many
			// rows, and the search index's pending terms flushed once a
			// statement, not once a row.
			ins := a.rowIns[rk.table]
			if ins == nil {
				ins = newMultiInsert("INSERT OR FAIL INTO "+rk.table+"("+strings.Join(cols, ", ")+") VALUES ", len(cols), max(1, 500/len(cols)))
				if a.rowIns == nil {
					a.rowIns = map[string]*multiInsert{}
				}
				a.rowIns[rk.table] = ins
				a.rowOrder = append(a.rowOrder, rk.table)
			}
			if err := ins.add(a.ctx, a.tx, args...); err != nil {
				return fmt.Errorf("gem i %s: %w", rk.table, err)
			}
			return nil
		}
		if _, err := a.tx.ExecContext(a.ctx, "INSERT INTO "+rk.table+"("+strings.Join(cols, ", ")+") VALUES (?"+strings.Repeat(", ?", len(cols)-1)+")", args...); err != nil {
			return fmt.Errorf("gem i %s: %w", rk.table, err)
		}
		_, err = a.tx.ExecContext(a.ctx, "DELETE FROM tombstones WHERE tbl = ? AND row_id = ?", rk.table, rk.row)
		return err
	default:
		if exists {
			if _, err := a.tx.ExecContext(a.ctx, "DELETE FROM "+rk.table+" WHERE id = ?", rk.row); err != nil {
				return err
			}
		}
		last := dels[0].v
		for _, d := range dels {
			if d.v.after(last) {
				last = d.v
			}
		}
		_, err := a.tx.ExecContext(a.ctx, "INSERT OR REPLACE INTO tombstones(tbl, row_id, council_id, hlc, device) VALUES (?, ?, ?, ?, ?)",
			rk.table, rk.row, council, last.hlc, last.device)
		return err
	}
}

// sawParts tells whether a delete says what it had seen of the whole's
// parts (merge.go, I9).
func sawParts(d rowOp) bool { return d.parts != "" }

// splitRowOps parts a row's ops into its edits and its deletes.
func splitRowOps(ops []rowOp) (edits, dels []rowOp) {
	for _, o := range ops {
		if o.field == "" {
			dels = append(dels, o)
		} else {
			edits = append(edits, o)
		}
	}
	return edits, dels
}

// rowOps reads a row's ops as the delete rule needs them.
func (a *applier) rowOps(rk rowKey) ([]rowOp, error) {
	return list(a.ctx, a.tx, func(s scanner) (rowOp, error) {
		var o rowOp
		var value any
		var base sql.NullString
		err := s.Scan(&o.field, &o.v.hlc, &o.v.device, &o.seq, &value, &base)
		if o.field == "" {
			o.know, _ = textOf(value).(string)
			o.parts = base.String
		}
		return o, err
	}, "SELECT field, hlc, device, seq, CASE field WHEN '' THEN value END, CASE field WHEN '' THEN base END FROM changes WHERE tbl = ? AND row_id = ? ORDER BY hlc, device", rk.table, rk.row)
}

// wholeAlive tells whether a row with parts lives (I9), given its own
// ops: by its own ops (I7); or, once one of its deletes says what it had
// seen of the parts, while an edit of its parts at any depth was seen by
// none of its deletes, or while one of its parts lives. It also returns the
// edits of the row and of its parts, at any depth.
func (a *applier) wholeAlive(rk rowKey, council string, edits, dels []rowOp) (bool, []rowOp, error) {
	if rowAlive(edits, dels) {
		return true, edits, nil
	}
	all := edits
	if len(edits) == 0 {
		// No op made the whole (a hand-written delete of a row nobody
		// made): there is nothing of it to bring back, and a part naming it
		// must not make a row of nothing.
		return false, all, nil
	}
	partsKnown := slices.ContainsFunc(dels, sawParts)
	somePart := false
	for _, p := range model.PartsOf(rk.table) {
		ids, err := a.namingRows(p, rk.row, council)
		if err != nil {
			return false, nil, err
		}
		for _, id := range ids {
			pk := rowKey{p.Table, id}
			in, err := a.partOf(pk, p, rk.row)
			if err != nil {
				return false, nil, err
			}
			if !in {
				continue
			}
			// A part new to this replica has all its ops in the batch (the
			// first pull of a council with deleted meetings).
			ops, isNew := a.newRows[pk]
			if !isNew {
				if ops, err = a.rowOps(pk); err != nil {
					return false, nil, err
				}
			}
			pe, pd := splitRowOps(ops)
			// The table of a part is below its whole's (model.Parts), so
			// this ends.
			alive, sub, err := a.wholeAlive(pk, council, pe, pd)
			if err != nil {
				return false, nil, err
			}
			somePart = somePart || alive
			all = append(all, sub...)
		}
	}
	if !partsKnown {
		return false, all, nil
	}
	return somePart || partsRevive(dels, all[len(edits):]), all, nil
}

// namingRows lists the rows of a part's table in council with an op that
// set its whole's column to id (migration 023 indexes these columns).
func (a *applier) namingRows(p model.Part, id, council string) ([]string, error) {
	return list(a.ctx, a.tx, func(s scanner) (string, error) {
		var r string
		return r, s.Scan(&r)
	}, namingRowsSQL(p), p.Table, id, council)
}

// namingRowsSQL is namingRows' query: the column is written out, for the
// partial index of its ops to serve it.
func namingRowsSQL(p model.Part) string {
	return "SELECT DISTINCT row_id FROM changes WHERE field = '" + p.Column + "' AND tbl = ? AND value = ? AND council_id = ? ORDER BY row_id"
}

// partOf tells whether row pk is now, by its fields' merged values, a part
// of whole by link p.
func (a *applier) partOf(pk rowKey, p model.Part, whole string) (bool, error) {
	st, err := a.state(fieldKey{pk.table, pk.row, p.Column})
	if err != nil {
		return false, err
	}
	if v, _ := st.value.(string); v != whole {
		return false, nil
	}
	if p.KindColumn == "" {
		return true, nil
	}
	st, err = a.state(fieldKey{pk.table, pk.row, p.KindColumn})
	if err != nil {
		return false, err
	}
	v, _ := st.value.(string)
	return v == p.Kind, nil
}

// wholesAbove brings the wholes above the rows rks up to date (I9), at
// every depth: an edit of a part may bring back a whole deleted
// meanwhile, and a part's op set aside may take it away again. done names
// the rows already brought up to date; the wholes are added to it.
func (a *applier) wholesAbove(rks []rowKey, done map[rowKey]bool) error {
	for queue := rks; len(queue) > 0; queue = queue[1:] {
		rk := queue[0]
		for _, p := range model.WholesOf(rk.table) {
			ids, err := a.wholeIDs(rk, p)
			if err != nil {
				return err
			}
			ws, err := a.wholesUpToDate(p.Whole, ids, done)
			if err != nil {
				return err
			}
			queue = append(queue, ws...)
		}
	}
	return nil
}

// wholesUpToDate brings the rows ids of table whole up to date
// (wholeUpToDate), and returns those it did.
func (a *applier) wholesUpToDate(whole string, ids []string, done map[rowKey]bool) ([]rowKey, error) {
	var out []rowKey
	for _, id := range ids {
		w := rowKey{whole, id}
		did, err := a.wholeUpToDate(w, done)
		if err != nil {
			return nil, err
		}
		if did {
			out = append(out, w)
		}
	}
	return out, nil
}

// wholeUpToDate brings whole w up to date, unless done names it; it
// reports whether it did (a whole with no op yet is left: its ops are on
// the way).
func (a *applier) wholeUpToDate(w rowKey, done map[rowKey]bool) (bool, error) {
	if done[w] {
		return false, nil
	}
	done[w] = true
	var council string
	err := a.tx.QueryRowContext(a.ctx, "SELECT council_id FROM changes WHERE tbl = ? AND row_id = ? LIMIT 1", w.table, w.row).Scan(&council)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, a.materialize(w, council, nil)
}

// wholesNamedBy brings up to date the wholes an op that left the log
// (SetAside) named, and those above them: the op may have been all that
// made its row a part of a whole (its meeting_id, its owner_kind), so
// that the row's ops left no longer name the whole it had kept alive.
func (a *applier) wholesNamedBy(gone Change, done map[rowKey]bool) error {
	var ws []rowKey
	for _, p := range model.WholesOf(gone.Table) {
		var ids []string
		switch gone.Field {
		case p.Column:
			// Whatever kind the row has: the id has ops in one table only.
			if id, _ := textOf(gone.Value).(string); id != "" {
				ids = append(ids, id)
			}
		case p.KindColumn:
			if v, _ := textOf(gone.Value).(string); v == p.Kind {
				st, err := a.state(fieldKey{gone.Table, gone.Row, p.Column})
				if err != nil {
					return err
				}
				if id, _ := textOf(st.value).(string); id != "" {
					ids = append(ids, id)
				}
			}
		}
		did, err := a.wholesUpToDate(p.Whole, ids, done)
		if err != nil {
			return err
		}
		ws = append(ws, did...)
	}
	return a.wholesAbove(ws, done)
}

// wholeIDs lists the ids row rk's ops ever named in link p's column, when
// some op gave it p's kind: its whole now, and any it was part of before.
// A row new to this replica has all its ops in the batch (a.touched), and
// a row whose column the batch did not touch names its whole by its value.
func (a *applier) wholeIDs(rk rowKey, p model.Part) ([]string, error) {
	_, isNew := a.newRows[rk]
	values := func(field string) ([]string, error) {
		k := fieldKey{rk.table, rk.row, field}
		ops, touched := a.touched[k]
		switch {
		case isNew:
			var out []string
			for _, o := range ops {
				t, _ := textOf(o.value).(string)
				out = append(out, t)
			}
			return out, nil
		case !touched:
			st, err := a.state(k)
			if err != nil {
				return nil, err
			}
			t, _ := textOf(st.value).(string)
			return []string{t}, nil
		}
		return list(a.ctx, a.tx, func(s scanner) (string, error) {
			var v any
			err := s.Scan(&v)
			t, _ := textOf(v).(string)
			return t, err
		}, "SELECT DISTINCT value FROM changes WHERE tbl = ? AND row_id = ? AND field = ?", rk.table, rk.row, field)
	}
	if p.KindColumn != "" {
		kinds, err := values(p.KindColumn)
		if err != nil || !slices.Contains(kinds, p.Kind) {
			return nil, err
		}
	}
	ids, err := values(p.Column)
	return slices.DeleteFunc(ids, func(id string) bool { return id == "" }), err
}

// heldContext is the version vector of the ops this replica holds of a
// field (field set) or of a whole row (field nil): for every device, the
// highest sequence number. It is what an edit or a delete made now has
// seen; latest is the highest clock among those ops.
func heldContext(ctx context.Context, tx *sql.Tx, table, row string, field *string) (vv map[string]int64, latest int64, err error) {
	where := "tbl = ? AND row_id = ?"
	args := []any{table, row}
	if field != nil {
		where += " AND field = ?"
		args = append(args, *field)
	}
	return heldVector(ctx, tx, where, args...)
}

// heldVector is the version vector of the ops held that match where (each
// device's highest seq) and the latest clock among them.
func heldVector(ctx context.Context, q querier, where string, args ...any) (vv map[string]int64, latest int64, err error) {
	type ds struct {
		d    string
		s, h int64
	}
	rows, err := list(ctx, q, func(s scanner) (ds, error) {
		var x ds
		return x, s.Scan(&x.d, &x.s, &x.h)
	}, "SELECT device, MAX(seq), MAX(hlc) FROM changes WHERE "+where+" GROUP BY device", args...)
	if err != nil {
		return nil, 0, err
	}
	vv = make(map[string]int64, len(rows))
	for _, x := range rows {
		vv[x.d] = x.s
		latest = max(latest, x.h)
	}
	return vv, latest, nil
}
