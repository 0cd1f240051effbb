package storage

// Sync: applying ops from other replicas.
//
// The state of a replica is a pure function of the set of ops it holds, so
// replicas that hold the same ops hold the same data, whatever order the ops
// came in, however often, and however they were split into batches:
//
//   - A field's value, and whether a row lives, is the merge rule of
//     merge.go: a pure function of the field's (the row's) ops, each of
//     which says which ops it had seen (a version vector). Replaying only
//     what is new is the fast path when the new ops are sequential edits;
//     anything else replays the whole field.
//   - A delete op carries what its device had seen of the row: the version
//     vector of the row's ops (written into the op's value by the delete
//     itself; captureDeletes fills in delete ops of much older databases
//     that carry nothing). A concurrent edit beats a delete, and the row
//     comes back with all its fields; a delete beats everything it saw.
//   - Applying writes no new local ops; it advances this device's HLC past
//     the ops it received so that local edits made afterwards sort after
//     them.
//
// Conflicts are derived state with ids every replica computes alike;
// dismissing one (ResolveConflict) is itself an op on the pseudo-table
// sync_conflicts, so it travels like any edit.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"lokalraad/model"
)

// Change is one op of the change log as replicas exchange it.
type Change struct {
	Device  string // the device that wrote it
	Seq     int64  // that device's sequence number
	HLC     int64  // hybrid logical clock: ms << 16 | counter
	Table   string
	Row     string
	Council string
	Field   string // "" for a delete
	Value   any    // string, int64, or nil; a delete's value says what it had seen
	Base    string // op id ("device:seq") of the version it was based on
	Sig     string // the author's ed25519 signature, base64 (keys.go)
}

// ID is the op's id, "device:seq".
func (c Change) ID() string { return opID(c.Device, c.Seq) }

// ErrBadChange: an op is malformed or does not fit the schema. The batch it
// came in is refused whole.
var ErrBadChange = error(model.NewError(model.Invalid, "ugyldig ændring"))

// conflictsTable is the pseudo-table of conflict dismissals.
const conflictsTable = "sync_conflicts"

// schemaInfo is what the database says of its tables of council data:
// for every table, whether each field is an integer column, and its fields
// in table order. A DB reads it once (DB.schema) and keeps it, since only
// Open's migrations change the schema.
type schemaInfo struct {
	cols  map[string]map[string]bool
	order map[string][]string // each table's fields in table order
}

// columns lists a table's fields (not id and council_id) in table order;
// call schema first.
func (db *DB) columns(table string) []string {
	if s := db.schemaInfo.Load(); s != nil {
		return s.order[table]
	}
	return nil
}

// schema reads the schema of this database the first time and then
// returns it; a failed read is not kept, so the next call tries again.
func (db *DB) schema() (map[string]map[string]bool, error) {
	if s := db.schemaInfo.Load(); s != nil {
		return s.cols, nil
	}
	m := map[string]map[string]bool{}
	order := map[string][]string{}
	for _, t := range append(append([]string{}, Tables...), MunicipalTables...) {
		cols, err := list(context.Background(), db.sql, func(s scanner) ([2]string, error) {
			var cid, notnull, pk int
			var name, typ string
			var dflt any
			err := s.Scan(&cid, &name, &typ, &notnull, &dflt, &pk)
			return [2]string{name, typ}, err
		}, "PRAGMA table_info("+t+")")
		if err != nil {
			return nil, err
		}
		m[t] = map[string]bool{}
		for _, c := range cols {
			if c[0] == "id" || c[0] == "council_id" {
				continue
			}
			m[t][c[0]] = strings.EqualFold(c[1], "INTEGER")
			order[t] = append(order[t], c[0])
		}
	}
	db.schemaInfo.Store(&schemaInfo{cols: m, order: order})
	return m, nil
}

// checkChange checks an op's shape against the schema.
func (db *DB) checkChange(c *Change) error {
	bad := func(why string) error {
		return fmt.Errorf("%w %s:%d (%s.%s): %s", ErrBadChange, c.Device, c.Seq, c.Table, c.Field, why)
	}
	if c.Device == "" || c.Seq <= 0 || c.HLC <= 0 || c.Row == "" || c.Council == "" {
		return bad("mangler enhed, nummer, ur, række eller råd")
	}
	if c.Seq > MaxSeq || c.HLC > MaxHLC {
		return bad("nummer eller ur uden for det tilladte")
	}
	if len(c.Device) > 100 || len(c.Row) > 200 || len(c.Council) > 100 || len(c.Base) > 100*maxContext {
		return bad("for lang id")
	}
	if strings.ContainsAny(c.Device, ",=") {
		return bad("ugyldig enhed")
	}
	if _, ok := parseContext(c.Base); !ok {
		return bad("ugyldig base")
	}
	if i, ok := c.Value.(int); ok {
		c.Value = int64(i)
	}
	if c.Table == scrubTable {
		if s, ok := c.Value.(string); !ok || c.Field != "ops" || !json.Valid([]byte(s)) {
			return bad("ugyldig sletning af persondata")
		}
		return nil
	}
	if c.Table == conflictsTable {
		if c.Field != "resolved" {
			return bad("ukendt felt")
		}
		if _, ok := c.Value.(int64); !ok {
			return bad("forkert type")
		}
		return nil
	}
	sch, err := db.schema()
	if err != nil {
		return err
	}
	cols, ok := sch[c.Table]
	if !ok {
		return bad("ukendt tabel")
	}
	if c.Table == councilsT.name && c.Row != c.Council {
		return bad("et råd er sit eget råd")
	}
	if municipalTable(c.Table) != (c.Council == model.MunicipalityID) {
		return bad("kommunens data hører til kommunen, rådenes data til et råd")
	}
	if c.Field == "" {
		switch v := c.Value.(type) {
		case nil:
			return nil
		case string:
			if strings.HasPrefix(v, vvPrefix) {
				if _, ok := parseContext(v); !ok {
					return bad("ugyldig sletning")
				}
			}
			return nil
		}
		return bad("forkert type")
	}
	isInt, ok := cols[c.Field]
	if !ok {
		return bad("ukendt felt")
	}
	switch c.Value.(type) {
	case int64:
		if isInt {
			return nil
		}
	case string:
		if !isInt {
			return nil
		}
	}
	return bad("forkert type")
}

func parseOpID(id string) (device string, seq int64, ok bool) {
	i := strings.LastIndexByte(id, ':')
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.ParseInt(id[i+1:], 10, 64)
	if err != nil || n <= 0 {
		return "", 0, false
	}
	return id[:i], n, true
}

// version is an op's place in replay order.
type version struct {
	hlc    int64
	device string
}

func (a version) after(b version) bool {
	return a.hlc > b.hlc || a.hlc == b.hlc && a.device > b.device
}

// ApplyOps applies ops from other replicas: idempotent (ops already held
// are skipped), order-free, and without writing local ops. A malformed op,
// an op for a row of another council, or one the model's rules refuse
// (admit.go: bounds, enums, locked minutes, erasures) refuses the whole
// batch. It returns how many ops were new.
func (db *DB) ApplyOps(ctx context.Context, ops []Change) (int, error) {
	var n int
	err := db.applyTx(ctx, func(tx *sql.Tx) error {
		var err error
		n, _, err = db.applyOps(admitting(ctx), tx, ops)
		return err
	})
	return n, err
}

// ApplyPulled applies a page of ops pulled from the hub and moves the pull
// cursor to next in the same transaction, so a sync cut off at any point
// resumes without loss.
func (db *DB) ApplyPulled(ctx context.Context, ops []Change, next int64) (int, error) {
	var n int
	err := db.applyTx(ctx, func(tx *sql.Tx) error {
		var err error
		if n, _, err = db.applyOps(ctx, tx, ops); err != nil {
			return err
		}
		return setMeta(ctx, tx, MetaCursor, strconv.FormatInt(next, 10))
	})
	return n, err
}

// applyTx runs f in a transaction on a connection with foreign keys off:
// ops of a child may arrive before those of its parent, and a row may
// outlive a parent deleted concurrently.
func (db *DB) applyTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return friendly(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return friendly(err)
	}
	defer conn.ExecContext(context.Background(), "PRAGMA foreign_keys = ON")
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return friendly(err)
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return friendly(err)
	}
	return friendly(tx.Commit())
}

type fieldKey struct{ table, row, field string }
type rowKey struct{ table, row string }

// applyOps inserts the new ops into the change log and brings the touched
// fields and rows up to date. It returns the ops that were new.
func (db *DB) applyOps(ctx context.Context, tx *sql.Tx, ops []Change) (int, []Change, error) {
	if err := db.captureDeletes(ctx, tx); err != nil {
		return 0, nil, err
	}
	for i := range ops {
		if err := db.checkChange(&ops[i]); err != nil {
			return 0, nil, err
		}
	}
	q := newStmtTx(tx)
	defer q.close()
	var fresh []Change
	touched := map[fieldKey][]fieldOp{}
	newRows := map[rowKey][]rowOp{}
	rows := map[rowKey]string{}
	rowCouncil := map[rowKey]string{}
	var maxHLC, maxOwnSeq int64
	// Two lookups for the whole batch instead of two queries an op: which
	// ops the log holds already, and which rows it holds ops of (a row it
	// holds none of is new: replayed from memory, below).
	held, err := heldOps(ctx, q, ops)
	if err != nil {
		return 0, nil, err
	}
	known, err := rowCouncils(ctx, q, ops)
	if err != nil {
		return 0, nil, err
	}
	// New ops go into the log in multi-row statements; an op the log may
	// hold (held, or a second copy in this batch) first writes what is
	// queued and then takes the one-op path, which checks it is the same op.
	// OR FAIL: an error ends the statement without the statement journal
	// a multi-row insert would otherwise keep, and any error rolls the
	// whole batch back (applyTx).
	log := newMultiInsert("INSERT OR FAIL INTO changes("+changeCols+") VALUES ", 10, 100)
	queued := make(map[opKey]bool, len(ops))
	for _, c := range ops {
		rk := rowKey{c.Table, c.Row}
		if have, ok := rowCouncil[rk]; !ok {
			council, ok := known[rk]
			if !ok {
				council = c.Council
				newRows[rk] = []rowOp{}
			}
			rowCouncil[rk] = council
			if council != c.Council {
				return 0, nil, fmt.Errorf("%w: rækken %s hører til et andet råd", ErrBadChange, c.Row)
			}
		} else if have != c.Council {
			return 0, nil, fmt.Errorf("%w: rækken %s hører til et andet råd", ErrBadChange, c.Row)
		}
		if k := (opKey{c.Device, c.Seq}); !held[k] && !queued[k] {
			queued[k] = true
			if err := log.add(ctx, q, c.Device, c.Seq, c.HLC, c.Table, c.Row, c.Council, c.Field, c.Value, c.Base, c.Sig); err != nil {
				return 0, nil, fmt.Errorf("skriv ændringslog: %w", err)
			}
		} else {
			if err := log.flush(ctx, q); err != nil {
				return 0, nil, fmt.Errorf("skriv ændringslog: %w", err)
			}
			res, err := q.ExecContext(ctx, "INSERT OR IGNORE INTO changes(device, seq, hlc, tbl, row_id, council_id, field, value, base, sig) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				c.Device, c.Seq, c.HLC, c.Table, c.Row, c.Council, c.Field, c.Value, c.Base, c.Sig)
			if err != nil {
				return 0, nil, fmt.Errorf("skriv ændringslog: %w", err)
			}
			if k, _ := res.RowsAffected(); k == 0 {
				// Held already: the same op again, unless an op id was reused
				// for another edit, which must not pass silently.
				var same int
				if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM changes WHERE device = ? AND seq = ? AND hlc = ? AND tbl = ? AND row_id = ? AND field = ?",
					c.Device, c.Seq, c.HLC, c.Table, c.Row, c.Field).Scan(&same); err != nil {
					return 0, nil, err
				}
				if same == 0 {
					return 0, nil, fmt.Errorf("%w %s: nummeret er allerede brugt til en anden ændring", ErrBadChange, c.ID())
				}
				if err := sameResent(ctx, tx, c, ops); err != nil {
					return 0, nil, err
				}
				continue
			}
		}
		fresh = append(fresh, c)
		maxHLC = max(maxHLC, c.HLC)
		if c.Device == db.device {
			maxOwnSeq = max(maxOwnSeq, c.Seq)
		}
		if c.Table == conflictsTable {
			if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO sync_resolved(id) VALUES (?)", c.Row); err != nil {
				return 0, nil, err
			}
			continue
		}
		if c.Table == scrubTable {
			if _, err := parseScrub(c); err != nil {
				return 0, nil, err
			}
			continue
		}
		rows[rk] = c.Council
		if ops, ok := newRows[rk]; ok {
			o := rowOp{field: c.Field, v: version{c.HLC, c.Device}, seq: c.Seq}
			if c.Field == "" {
				o.know, _ = c.Value.(string)
			}
			newRows[rk] = append(ops, o)
		}
		if c.Field != "" {
			fk := fieldKey{c.Table, c.Row, c.Field}
			touched[fk] = append(touched[fk], fieldOp{v: version{c.HLC, c.Device}, seq: c.Seq, value: c.Value, base: c.Base})
		}
	}
	if err := log.flush(ctx, q); err != nil {
		return 0, nil, fmt.Errorf("skriv ændringslog: %w", err)
	}
	if len(fresh) == 0 {
		return 0, nil, nil
	}
	if err := db.admit(ctx, tx, fresh); err != nil { // the model's rules: admit.go
		return 0, nil, err
	}
	// Erasures: the new ops and the ops new erasures name take the values
	// the erasures that name them leave (rescrub), and their fields are
	// replayed in full with those values.
	force := map[fieldKey]bool{}
	scrubbed, err := db.rescrub(ctx, tx, fresh)
	if err != nil {
		return 0, nil, err
	}
	for _, o := range scrubbed {
		if o.Table == attachT.name {
			// The viewer's copies carry file names; an erasure may have
			// renamed one. (Removing a cache is no write of the database:
			// a rolled-back batch costs a copy made again.)
			db.dropViewCopies()
		}
		fk := fieldKey{o.Table, o.Row, o.Field}
		force[fk] = true
		delete(newRows, rowKey{o.Table, o.Row}) // its values changed in the log
		if _, ok := touched[fk]; !ok {
			touched[fk] = nil
		}
		rows[rowKey{o.Table, o.Row}] = o.Council
	}
	// The clock: local edits after this sort after everything received,
	// but never adopt a clock far ahead of this device's own (clock.go).
	if err := bumpMeta(ctx, tx, "hlc", min(maxHLC, db.clockCeiling())); err != nil {
		return 0, nil, err
	}
	if maxOwnSeq > 0 { // our own ops came back from a backup of the hub
		if err := bumpMeta(ctx, tx, "seq", maxOwnSeq); err != nil {
			return 0, nil, err
		}
	}
	a := &applier{db: db, ctx: ctx, tx: q, states: map[fieldKey]*fieldState{}, newRows: newRows}
	keys := make([]fieldKey, 0, len(touched))
	for k := range touched {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		return a.table < b.table || a.table == b.table && (a.row < b.row || a.row == b.row && a.field < b.field)
	})
	changed := map[rowKey][]string{}
	for _, k := range keys {
		did, err := a.updateField(k, rows[rowKey{k.table, k.row}], touched[k], force[k])
		if err != nil {
			return 0, nil, err
		}
		if did {
			changed[rowKey{k.table, k.row}] = append(changed[rowKey{k.table, k.row}], k.field)
		}
	}
	if err := a.flushRows(); err != nil { // the versions, before any row reads them
		return 0, nil, err
	}
	rks := make([]rowKey, 0, len(rows))
	for k := range rows {
		rks = append(rks, k)
	}
	sort.Slice(rks, func(i, j int) bool {
		return rks[i].table < rks[j].table || rks[i].table == rks[j].table && rks[i].row < rks[j].row
	})
	if err := a.lookNewRows(rks); err != nil {
		return 0, nil, err
	}
	for _, rk := range rks {
		if err := a.materialize(rk, rows[rk], changed[rk]); err != nil {
			return 0, nil, err
		}
	}
	if err := a.flushRows(); err != nil {
		return 0, nil, err
	}
	return len(fresh), fresh, nil
}

// opKey is an op's id as a map key.
type opKey struct {
	device string
	seq    int64
}

// lookupChunk bounds the keys one batch lookup binds (SQLite's limit on
// variables is far above it).
const lookupChunk = 250

// heldOps tells which of the ops the change log holds already (by op id).
// A device none of whose ops in the batch's range of its sequence numbers
// is held (a first pull: every device) costs one index probe; the ops of
// the others are looked up one by one, in chunks.
func heldOps(ctx context.Context, q *stmtTx, ops []Change) (map[opKey]bool, error) {
	type span struct{ lo, hi int64 }
	spans := map[string]span{}
	for _, c := range ops {
		sp, ok := spans[c.Device]
		if !ok {
			sp = span{c.Seq, c.Seq}
		}
		spans[c.Device] = span{min(sp.lo, c.Seq), max(sp.hi, c.Seq)}
	}
	some := map[string]bool{}
	for d, sp := range spans {
		var one int
		err := q.QueryRowContext(ctx, "SELECT 1 FROM changes WHERE device = ? AND seq BETWEEN ? AND ? LIMIT 1", d, sp.lo, sp.hi).Scan(&one)
		switch {
		case err == nil:
			some[d] = true
		case !errors.Is(err, sql.ErrNoRows):
			return nil, err
		}
	}
	held := map[opKey]bool{}
	if len(some) == 0 {
		return held, nil
	}
	var maybe []Change
	for _, c := range ops {
		if some[c.Device] {
			maybe = append(maybe, c)
		}
	}
	ops = maybe
	for p := 0; p < len(ops); p += lookupChunk {
		part := ops[p:min(p+lookupChunk, len(ops))]
		args := make([]any, 0, 2*len(part))
		for _, c := range part {
			args = append(args, c.Device, c.Seq)
		}
		ks, err := list(ctx, q, func(s scanner) (opKey, error) {
			var k opKey
			return k, s.Scan(&k.device, &k.seq)
		}, "WITH b(d, s) AS (VALUES "+valuesList(len(part), 2)+") SELECT c.device, c.seq FROM b JOIN changes c ON c.device = b.d AND c.seq = b.s", args...)
		if err != nil {
			return nil, err
		}
		for _, k := range ks {
			held[k] = true
		}
	}
	return held, nil
}

// rowCouncils is the council of every row of the ops that the change log
// holds ops of; a row it holds none of is missing.
func rowCouncils(ctx context.Context, q *stmtTx, ops []Change) (map[rowKey]string, error) {
	var keys []rowKey
	seen := map[rowKey]bool{}
	for _, c := range ops {
		if rk := (rowKey{c.Table, c.Row}); !seen[rk] {
			seen[rk] = true
			keys = append(keys, rk)
		}
	}
	out := map[rowKey]string{}
	for p := 0; p < len(keys); p += lookupChunk {
		part := keys[p:min(p+lookupChunk, len(keys))]
		args := make([]any, 0, 2*len(part))
		for _, k := range part {
			args = append(args, k.table, k.row)
		}
		type found struct {
			rk      rowKey
			council sql.NullString
		}
		fs, err := list(ctx, q, func(s scanner) (found, error) {
			var f found
			return f, s.Scan(&f.rk.table, &f.rk.row, &f.council)
		}, "WITH b(t, r) AS (VALUES "+valuesList(len(part), 2)+") SELECT b.t, b.r, (SELECT council_id FROM changes WHERE tbl = b.t AND row_id = b.r LIMIT 1) FROM b", args...)
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			if f.council.Valid {
				out[f.rk] = f.council.String
			}
		}
	}
	return out, nil
}

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
	ops, err := a.fieldOps(k, true)
	if err != nil {
		return nil, err
	}
	return replayField(ops, ruleOf(k.table, k.field)), nil
}

// updateField brings a field's version and conflicts up to date with its
// new ops. It reports whether the field's state changed.
func (a *applier) updateField(k fieldKey, council string, fresh []fieldOp, force bool) (bool, error) {
	sort.Slice(fresh, func(i, j int) bool { return fresh[j].v.after(fresh[i].v) })
	if _, isNew := a.newRows[rowKey{k.table, k.row}]; isNew && !force {
		// Every op of the field is in this batch: replay it from memory.
		st := replayField(fresh, ruleOf(k.table, k.field))
		a.states[k] = st
		// Queued for a multi-row insert (flushVersions): nothing reads a
		// new row's versions before the batch's rows are materialized.
		if a.versions == nil {
			a.versions = newMultiInsert("INSERT OR REPLACE INTO field_versions(tbl, row_id, field, hlc, device, seq) VALUES ", 6, 80)
		}
		if err := a.versions.add(a.ctx, a.tx, k.table, k.row, k.field, st.version.v.hlc, st.version.v.device, st.version.seq); err != nil {
			return false, err
		}
		return true, a.saveConflicts(k, council, st)
	}
	var cur fieldOp
	err := a.tx.QueryRowContext(a.ctx, "SELECT hlc, device, seq FROM field_versions WHERE tbl = ? AND row_id = ? AND field = ?", k.table, k.row, k.field).Scan(&cur.v.hlc, &cur.v.device, &cur.seq)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	var st *fieldState
	full := true
	if !force && len(fresh) > 0 && (err != nil || fresh[0].v.after(cur.v)) {
		// The fast path: every new op sorts after the field's version and
		// had seen every op before it (a sequential edit, the common case):
		// the last one is the value, and no conflict changes.
		held, err := a.fieldOps(k, false)
		if err != nil {
			return false, err
		}
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
		if sequential(prior, fresh) {
			last := fresh[len(fresh)-1]
			st = &fieldState{value: last.value, version: last, set: true}
			full = false
		}
	}
	if full {
		if st, err = a.replay(k); err != nil {
			return false, err
		}
	}
	a.states[k] = st
	if st.version.v != cur.v || st.version.seq != cur.seq {
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

// saveConflicts stores the conflicts a replay found.
func (a *applier) saveConflicts(k fieldKey, council string, st *fieldState) error {
	for _, c := range st.conflicts {
		if _, err := a.tx.ExecContext(a.ctx, "INSERT OR REPLACE INTO sync_conflicts(id, council_id, tbl, row_id, field, winner, loser, kept, other, merged, hlc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			conflictID(k, c), council, k.table, k.row, k.field, c.winner.id(), c.loser.id(), c.kept, c.other, boolInt(c.merged), c.winner.v.hlc); err != nil {
			return err
		}
	}
	return nil
}

func conflictID(k fieldKey, c conflictRec) string {
	return k.table + "/" + k.row + "/" + k.field + "/" + c.winner.id() + "/" + c.loser.id()
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
		ids := byTable[t]
		for p := 0; p < len(ids); p += lookupChunk {
			part := ids[p:min(p+lookupChunk, len(ids))]
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
	var edits, dels []rowOp
	for _, o := range ops {
		if o.field == "" {
			dels = append(dels, o)
		} else {
			edits = append(edits, o)
		}
	}
	alive := rowAlive(edits, dels)
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
		sch, err := a.db.schema()
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

// rowOps reads a row's ops as the delete rule needs them.
func (a *applier) rowOps(rk rowKey) ([]rowOp, error) {
	return list(a.ctx, a.tx, func(s scanner) (rowOp, error) {
		var o rowOp
		var value any
		err := s.Scan(&o.field, &o.v.hlc, &o.v.device, &o.seq, &value)
		if o.field == "" {
			o.know, _ = textOf(value).(string)
		}
		return o, err
	}, "SELECT field, hlc, device, seq, CASE field WHEN '' THEN value END FROM changes WHERE tbl = ? AND row_id = ? ORDER BY hlc, device", rk.table, rk.row)
}

// heldContext is the version vector of the ops this replica holds of a
// field (field set) or of a whole row (field nil): for every device, the
// highest sequence number. It is what an edit or a delete made now has
// seen; latest is the highest clock among those ops.
func heldContext(ctx context.Context, tx *sql.Tx, table, row string, field *string) (vv map[string]int64, latest int64, err error) {
	q := "SELECT device, MAX(seq), MAX(hlc) FROM changes WHERE tbl = ? AND row_id = ?"
	args := []any{table, row}
	if field != nil {
		q += " AND field = ?"
		args = append(args, *field)
	}
	type ds struct {
		d    string
		s, h int64
	}
	rows, err := list(ctx, tx, func(s scanner) (ds, error) {
		var x ds
		return x, s.Scan(&x.d, &x.s, &x.h)
	}, q+" GROUP BY device", args...)
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

// fieldKnowledge is the version of every field of a row this replica holds.
func fieldKnowledge(ctx context.Context, tx *sql.Tx, table, row string) (deleteKnowledge, error) {
	know := deleteKnowledge{}
	vs, err := list(ctx, tx, func(s scanner) (struct {
		f string
		v version
	}, error) {
		var x struct {
			f string
			v version
		}
		return x, s.Scan(&x.f, &x.v.hlc, &x.v.device)
	}, "SELECT field, hlc, device FROM field_versions WHERE tbl = ? AND row_id = ? AND field <> ''", table, row)
	if err != nil {
		return nil, err
	}
	for _, x := range vs {
		know[x.f] = x.v
	}
	return know, nil
}

// captureDeletes writes into this device's delete ops that carry nothing
// (written before deletes recorded it themselves) what they had seen of
// their rows, before any remote op can change field_versions.
func (db *DB) captureDeletes(ctx context.Context, tx *sql.Tx) error {
	from, err := getMetaInt(ctx, tx, "sync_captured")
	if err != nil {
		return err
	}
	type del struct {
		seq        int64
		table, row string
	}
	dels, err := list(ctx, tx, func(s scanner) (del, error) {
		var d del
		return d, s.Scan(&d.seq, &d.table, &d.row)
	}, "SELECT seq, tbl, row_id FROM changes WHERE device = ? AND seq > ? AND field = '' AND value IS NULL ORDER BY seq", db.device, from)
	if err != nil {
		return err
	}
	for _, d := range dels {
		know, err := fieldKnowledge(ctx, tx, d.table, d.row)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE changes SET value = ? WHERE device = ? AND seq = ?", encodeKnowledge(know), db.device, d.seq); err != nil {
			return err
		}
		if err := db.resignWhere(ctx, tx, "device = ? AND seq = ?", db.device, d.seq); err != nil {
			return err
		}
	}
	var seq int64
	if err := tx.QueryRowContext(ctx, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'seq'").Scan(&seq); err != nil {
		return err
	}
	if seq > from {
		return setMeta(ctx, tx, "sync_captured", strconv.FormatInt(seq, 10))
	}
	return nil
}

// The meta keys of sync state.
const (
	MetaServer  = "sync_server"  // the hub's URL
	MetaToken   = "sync_token"   // registry id and secret: "id.secret"
	MetaCouncil = "sync_council" // the council this device syncs ("" for staff)
	MetaStaff   = "sync_staff"   // "1" on a staff device
	MetaCursor  = "sync_cursor"  // the hub sequence pulled up to
	MetaAcked   = "sync_acked"   // this device's seq the hub has acknowledged
	MetaLast    = "sync_last"    // RFC 3339 time of the last good sync
	MetaError   = "sync_error"   // the last sync error, "" after a good one
	// MetaErrorCode is that error's code (model.Code), for the screens to
	// name it without reading its prose.
	MetaErrorCode = "sync_error_code"
	// MetaRefetch is "1" after a restore: the next pull asks the hub for
	// this device's own ops too, which it otherwise leaves out, so that ops
	// written after the backup come back.
	MetaRefetch = "sync_refetch"
)

// Meta reads a sync setting; a missing key is "".
func (db *DB) Meta(key string) (string, error) {
	if key == MetaToken {
		return db.getToken(), nil
	}
	var v string
	err := db.sql.QueryRow("SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetMeta writes a sync setting (keys starting with "sync_" only).
func (db *DB) SetMeta(key, value string) error {
	if !strings.HasPrefix(key, "sync_") {
		return fmt.Errorf("meta-nøglen %q er ikke en synkroniseringsindstilling", key)
	}
	if key == MetaToken { // a secret: in the secrets file, never in the database
		return db.setToken(value)
	}
	return db.inTx(context.Background(), func(tx *sql.Tx) error { return setMeta(context.Background(), tx, key, value) })
}

func setMeta(ctx context.Context, tx *sql.Tx, key, value string) error {
	_, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", key, value)
	return err
}

func getMetaInt(ctx context.Context, tx *sql.Tx, key string) (int64, error) {
	var s string
	err := tx.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, _ := strconv.ParseInt(s, 10, 64)
	return n, nil
}

// bumpMeta raises an integer meta value to at least n.
func bumpMeta(ctx context.Context, tx *sql.Tx, key string, n int64) error {
	cur, err := getMetaInt(ctx, tx, key)
	if err != nil || cur >= n {
		return err
	}
	return setMeta(ctx, tx, key, strconv.FormatInt(n, 10))
}

const changeCols = "device, seq, hlc, tbl, row_id, council_id, field, value, base, sig"

func scanChange(s scanner) (Change, error) {
	var c Change
	err := s.Scan(&c.Device, &c.Seq, &c.HLC, &c.Table, &c.Row, &c.Council, &c.Field, &c.Value, &c.Base, &c.Sig)
	if b, ok := c.Value.([]byte); ok {
		c.Value = string(b)
	}
	return c, err
}

// MetaDemo holds the id of the demo council written on this computer
// (storage/demo): example data, never sent to the municipality.
const MetaDemo = "sync_demo_council"

// notDemo leaves the demo council's ops out of what is sent, whichever
// device this is (a staff device sends every council it holds).
// The demo's example pools and deadlines (MetaDemoMunicipal, lines of
// "table id") stay behind too.
const notDemo = " AND council_id <> COALESCE((SELECT value FROM meta WHERE key = '" + MetaDemo + "'), '')" + notDemoMunicipal

const notDemoMunicipal = " AND NOT (council_id = '" + model.MunicipalityID + "' AND instr(char(10) || COALESCE((SELECT value FROM meta WHERE key = '" + MetaDemoMunicipal + "'), '') || char(10), char(10) || tbl || ' ' || row_id || char(10)) > 0)"

// PendingOps returns up to limit of this device's ops the hub has not yet
// acknowledged, oldest first; council "" means every council.
func (db *DB) PendingOps(ctx context.Context, council string, limit int) ([]Change, error) {
	var out []Change
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.captureDeletes(ctx, tx); err != nil {
			return err
		}
		acked, err := getMetaInt(ctx, tx, MetaAcked)
		if err != nil {
			return err
		}
		q := "SELECT " + changeCols + " FROM changes WHERE device = ? AND seq > ?" + notDemo
		args := []any{db.device, acked}
		if council != "" {
			q += " AND council_id = ?"
			args = append(args, council)
		}
		q += " ORDER BY seq LIMIT ?"
		out, err = list(ctx, tx, scanChange, q, append(args, limit)...)
		return err
	})
	return out, err
}

// PendingCount counts this device's ops not yet acknowledged by the hub.
func (db *DB) PendingCount(ctx context.Context, council string) (int, error) {
	st, err := db.SyncState(ctx)
	if err != nil {
		return 0, err
	}
	n := st.Acked
	q := "SELECT COUNT(*) FROM changes WHERE device = ? AND seq > ?" + notDemo
	args := []any{db.device, n}
	if council != "" {
		q += " AND council_id = ?"
		args = append(args, council)
	}
	var count int
	err = db.sql.QueryRowContext(ctx, q, args...).Scan(&count)
	return count, err
}

// AckOps records that the hub holds this device's ops up to seq.
func (db *DB) AckOps(ctx context.Context, seq int64) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return bumpMeta(ctx, tx, MetaAcked, seq) })
}

// CouncilOps returns every op of a council ("" for all), in log order: what
// a sync bundle carries.
func (db *DB) CouncilOps(ctx context.Context, council string) ([]Change, error) {
	var out []Change
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.captureDeletes(ctx, tx); err != nil {
			return err
		}
		// The demo's example pools and deadlines never travel.
		q := "SELECT " + changeCols + " FROM changes WHERE 1 = 1" + notDemoMunicipal
		var args []any
		if council != "" {
			q += " AND council_id = ?"
			args = append(args, council)
		}
		var err error
		out, err = list(ctx, tx, scanChange, q+" ORDER BY hlc, device", args...)
		return err
	})
	return out, err
}

// Conflict is a value kept because it lost to a concurrent edit of the same
// field, or the other side of overlapping edits of a long text.
type Conflict struct {
	ID                         string // the same on every replica
	Council, Table, Row, Field string
	Current                    any // the field's value now (nil when the row is deleted)
	Kept                       any // the value that won (the merge, for a long text)
	Other                      any // the value that lost
	Merged                     bool
	Winner, Loser              string // op ids
}

// Conflicts lists a council's conflicts nobody has dismissed, newest first.
func (db *DB) Conflicts(councilID string) ([]Conflict, error) {
	ctx := context.Background()
	out, err := list(ctx, db.sql, func(s scanner) (Conflict, error) {
		var c Conflict
		var merged int64
		err := s.Scan(&c.ID, &c.Council, &c.Table, &c.Row, &c.Field, &c.Winner, &c.Loser, &c.Kept, &c.Other, &merged)
		c.Merged = merged != 0
		c.Kept, c.Other = textValue(c.Kept), textValue(c.Other)
		return c, err
	}, "SELECT id, council_id, tbl, row_id, field, winner, loser, kept, other, merged FROM sync_conflicts WHERE council_id = ? AND id NOT IN (SELECT id FROM sync_resolved) ORDER BY hlc DESC, id", councilID)
	if err != nil {
		return nil, err
	}
	sch, err := db.schema()
	if err != nil {
		return nil, err
	}
	for i := range out {
		c := &out[i]
		if _, ok := sch[c.Table][c.Field]; !ok {
			continue
		}
		var v any
		if err := db.sql.QueryRowContext(ctx, "SELECT "+c.Field+" FROM "+c.Table+" WHERE id = ?", c.Row).Scan(&v); err == nil {
			c.Current = textValue(v)
		}
	}
	return out, nil
}

func textValue(v any) any {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v
}

// ResolveConflict dismisses a conflict. When keep is not nil it first
// becomes the field's value, written through the normal write path (so it
// syncs like any edit); keep may be the other value, the current one, or a
// merge a person made. The dismissal itself syncs too.
func (db *DB) ResolveConflict(id string, keep any) error {
	return db.write(context.Background(), func(w *writer) error {
		var council, table, row, fname string
		err := w.tx.QueryRowContext(w.ctx, "SELECT council_id, tbl, row_id, field FROM sync_conflicts WHERE id = ?", id).Scan(&council, &table, &row, &fname)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if keep != nil {
			switch v := keep.(type) {
			case int:
				keep = int64(v)
			case bool:
				keep = boolInt(v)
			}
			c := Change{Device: "x", Seq: 1, HLC: 1, Table: table, Row: row, Council: council, Field: fname, Value: keep}
			if err := db.checkChange(&c); err != nil {
				return err
			}
			var exists string
			if err := w.tx.QueryRowContext(w.ctx, "SELECT id FROM "+table+" WHERE id = ?", row).Scan(&exists); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("rækken er slettet: %w", ErrNotFound)
				}
				return err
			}
			if err := w.checkLockedField(table, row, fname); err != nil { // admit.go
				return err
			}
			if _, err := w.put(record{table: table, id: row, council: council, fields: []field{{fname, keep}}}); err != nil {
				return err
			}
		}
		if _, err := w.tx.ExecContext(w.ctx, "INSERT OR IGNORE INTO sync_resolved(id) VALUES (?)", id); err != nil {
			return err
		}
		return w.log(conflictsTable, id, council, "resolved", int64(1))
	})
}
