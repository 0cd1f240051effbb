package storage

// Sync: applying a batch of ops from other replicas (ApplyOps, ApplyPulled):
// which ops are new, into the change log, then each touched field and row
// brought up to date (sync_replay.go).

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ApplyOps applies ops from other replicas: idempotent (ops already held
// are skipped), order-free, and without writing local ops. A malformed op,
// an op for a row of another council, or one the model's rules refuse
// (admit.go: bounds, enums, locked minutes, erasures) refuses the whole
// batch. It returns how many ops were new.
func (db *DB) ApplyOps(ctx context.Context, ops []Change) (int, error) {
	a, err := db.ApplyOpsReport(ctx, ops)
	return a.New, err
}

// ApplyOpsReport is ApplyOps, also saying which tables and rows the new ops
// touched (a bundle's import reports what it brought as a pull does).
func (db *DB) ApplyOpsReport(ctx context.Context, ops []Change) (Applied, error) {
	var a Applied
	err := db.applyTx(ctx, func(tx *sql.Tx) error {
		var revived []Change
		n, fresh, err := db.applyOps(admitting(ctx), tx, ops, false, &revived)
		a = appliedOf(n, fresh, revived)
		return err
	})
	if err != nil {
		return Applied{}, err
	}
	return a, nil
}

// appliedOf is what a batch brought: n new ops, the rows fresh touched,
// and the rows revived (applyOps), which are among the rows too.
func appliedOf(n int, fresh, revived []Change) Applied {
	a := Applied{New: n}
	a.Tables, a.Rows = changedBy(append(fresh[:len(fresh):len(fresh)], revived...))
	_, a.Revived = changedBy(revived)
	return a
}

// ApplyPulled applies a page of ops pulled from the hub and moves the pull
// cursor to next (one number for every stream) in the same transaction, so
// a sync cut off at any point resumes without loss. It returns how many ops
// were new.
func (db *DB) ApplyPulled(ctx context.Context, ops []Change, next int64) (int, error) {
	a, err := db.ApplyPulledPage(ctx, ops, strconv.FormatInt(next, 10))
	return a.New, err
}

// Applied is what a page of pulled ops brought: how many ops were new, the
// tables those touched (sorted, each once), so that a screen showing none
// of them need not be read again, and the rows they touched, so that an
// editor is read again only when its item changed.
type Applied struct {
	New    int
	Tables []string
	Rows   Changed
	// Revived are the rows deleted on this replica that came back, for
	// their parts were worked on elsewhere meanwhile (merge.go, I9): a
	// meeting deleted here while another laptop wrote its minutes. They
	// are among Rows too.
	Revived Changed
	// SetAside are this device's own changes that the rules now refuse
	// (an edit of minutes approved meanwhile), taken out of its log and
	// kept in the refused list, after a bundle of the hub's was read in
	// (SetAsideRefusedOwn).
	SetAside []Refused
	// Relayed are other devices' ops this device took by file and set
	// aside on reading the hub's file, which refuses them: carried on,
	// every file this device writes would be refused whole.
	Relayed []Refused
	// Revoked counts the ops a file carried that a device wrote after
	// the municipality revoked it: left out, the rest read in (exchange).
	Revoked int
}

// ApplyHubFileReport is ApplyOpsReport for the ops of a file the hub
// sealed (exchange's bundle): the hub holds every one of them, so none is
// judged again, whatever the hub has acknowledged, and one set aside here
// comes back (judgedOps).
func (db *DB) ApplyHubFileReport(ctx context.Context, ops []Change) (Applied, error) {
	a, err := db.ApplyOpsReport(context.WithValue(ctx, heldAtHubKey{}, true), ops)
	if err != nil {
		return a, err
	}
	// Another device's op set aside here as relayed (SetAsideRefusedOwn)
	// that the hub took after all (it reached the hub first) is back, and
	// no longer listed as refused.
	refused, err := db.RefusedChanges(ctx, "")
	if err != nil || len(refused) == 0 {
		return a, err
	}
	inFile := make(map[string]bool, len(ops))
	for _, c := range ops {
		inFile[c.ID()] = true
	}
	return a, db.inTx(ctx, func(tx *sql.Tx) error {
		for _, r := range refused {
			if r.Device != db.self() && inFile[r.ID()] {
				if _, err := tx.ExecContext(ctx, "DELETE FROM sync_refused WHERE device = ? AND seq = ?", r.Device, r.Seq); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// heldAtHubKey marks a context whose ops the hub holds (ApplyHubFileReport).
type heldAtHubKey struct{}

// judgedOps are the ops of fresh the model's rules judge on arrival. On
// a laptop that is all but its own ops the hub has not acknowledged, which
// come back only signed by its own key: after a restore, or after this
// laptop set them aside on a file that claimed to be the hub's and left
// them out (SetAsideRefusedOwn). This laptop made them, and a file of the
// hub's that carries them says the hub took them; judging them again
// against a later approval would refuse every file of the hub's from then
// on. An old file of this laptop's can bring back one the hub did refuse;
// the hub's next file sets it aside again (it is past what the file holds
// of this laptop). Own ops the hub acknowledged are judged: one it refused
// over the network, before later ones were acknowledged, stays out. A
// file the hub sealed (ApplyHubFileReport) holds only what the hub took:
// nothing in it is judged, as nothing in a pull is.
func (db *DB) judgedOps(ctx context.Context, tx *sql.Tx, fresh []Change) ([]Change, error) {
	if atHub, _ := ctx.Value(heldAtHubKey{}).(bool); atHub && !db.isHub() {
		// The hub's sealed file holds only what the hub took, as a pull
		// does: nothing in it is judged again, neither this device's own
		// ops nor another's it set aside as relayed.
		return nil, nil
	}
	self := db.self()
	if db.isHub() || !slices.ContainsFunc(fresh, func(c Change) bool { return c.Device == self }) {
		return fresh, nil
	}
	acked, err := getMetaInt(ctx, tx, MetaAcked)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(slices.Clone(fresh), func(c Change) bool { return c.Device == self && c.Seq > acked }), nil
}

// ApplyPulledPage is ApplyPulled, also saying which tables and rows the
// new ops touched. An op already held touches nothing; a new op counts even when an
// older or equal clock leaves the field as it was (a screen read again for
// nothing, never one left stale). next is the cursor the hub gave with the
// page, kept as it came (Cursor's text form; the hub reads it).
func (db *DB) ApplyPulledPage(ctx context.Context, ops []Change, next string) (Applied, error) {
	return db.applyPulled(ctx, ops, next, false)
}

// ApplyPulledPart is ApplyPulledPage for a page that more pages of the
// same pull follow. The rows it writes are noted for the search indexes
// and indexed once, by the pull's last page (ApplyPulledPage), instead of
// once a page: a new laptop's first pull is a dozen pages, and each page
// indexed its rows and wrote, and merged, a segment of each index (issue
// 10). Until then the search does not find what the pull brought, nor
// local edits made meanwhile (noted as well). A pull that ends any other
// way, an error or a page refused, must call FinishPull; one whose
// process was killed is indexed by the next Open (or the next page
// applied).
func (db *DB) ApplyPulledPart(ctx context.Context, ops []Change, next string) (Applied, error) {
	return db.applyPulled(ctx, ops, next, true)
}

// FinishPull indexes for the search what pulled pages applied by
// ApplyPulledPart left noted, when the pull did not end with
// ApplyPulledPage. Without such pages it does nothing.
func (db *DB) FinishPull(ctx context.Context) error {
	var held bool
	if err := db.sql().QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM search_hold)").Scan(&held); err != nil || !held {
		return friendly(err)
	}
	return db.applyTx(ctx, func(tx *sql.Tx) error {
		q := db.stmtTx(tx)
		defer q.close()
		return releaseSearch(ctx, q)
	})
}

func (db *DB) applyPulled(ctx context.Context, ops []Change, next string, more bool) (Applied, error) {
	var a Applied
	err := db.applyTx(ctx, func(tx *sql.Tx) error {
		var revived []Change
		n, fresh, err := db.applyOps(ctx, tx, ops, more, &revived)
		if err != nil {
			return err
		}
		a = appliedOf(n, fresh, revived)
		return setMeta(ctx, tx, MetaCursor, next)
	})
	if err != nil {
		return Applied{}, err
	}
	return a, nil
}

// applyTx runs f in a transaction on the apply connection (applyConn),
// which has foreign keys off: ops of a child may arrive before those of
// its parent, and a row may outlive a parent deleted concurrently.
func (db *DB) applyTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	restored, err := db.applyTurn(ctx, f)
	if err == nil && len(restored) > 0 {
		db.eraseRestored(ctx, restored)
	}
	return err
}

// applyTurn is applyTx's transaction, in the apply connection's turn. It
// returns the fields whose replay found erased names brought back
// (applyConn.restored), once the transaction committed.
func (db *DB) applyTurn(ctx context.Context, f func(tx *sql.Tx) error) (map[fieldKey]restoredField, error) {
	select {
	case db.apply.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, friendly(ctx.Err())
	}
	defer func() { <-db.apply.turn }()
	db.apply.restored = map[fieldKey]restoredField{}
	defer func() { db.apply.restored = nil }()
	err := db.apply.run(ctx, db.sql(), f)
	if err != nil {
		// The next apply takes a new connection. Not this one again: a
		// context that ended the apply interrupts the connection's
		// statement from a goroutine of the driver, and an interrupt that
		// lands after the statement ended would roll back the next
		// apply's transaction under it (TestCancelledApplyLeavesNothing).
		db.apply.drop(true)
		return nil, friendly(err)
	}
	return db.apply.restored, nil
}

// applyConn is the connection applying runs on, taken from the pool on
// first use and held until the DB is closed (or the connection breaks), so
// that foreign keys are switched off once and not off and on every page,
// which expired every prepared statement of the connection; the apply
// path's statements stay prepared on it from page to page (stmts). A
// first pull is a dozen pages, one transaction each, and preparing their
// multi-row inserts again every page was 15 % of applying them (issue 10).
type applyConn struct {
	turn  chan struct{} // one apply at a time: holds conn and stmts
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
	// restored are the fields of the turn's transaction whose replay
	// found erased names brought back (merge.go, I10), which the change
	// log still holds: applyTx erases them there too once it committed.
	restored map[fieldKey]restoredField
}

// maxKept bounds the statements kept on the apply connection. The apply
// path's texts are a bounded set (multi-row statements come in a few
// fixed sizes: multiInsert.flush); past it a statement is prepared for its
// transaction only.
const maxKept = 256

func (a *applyConn) run(ctx context.Context, pool *sql.DB, f func(tx *sql.Tx) error) error {
	if a.conn == nil {
		c, err := pool.Conn(ctx)
		if err != nil {
			return err
		}
		// Statement journals in memory: a page's multi-row insert of rows
		// with search triggers keeps one (the triggers' FTS5 insert may
		// abort), and past 64 KiB SQLite moved it to a temporary file,
		// written page by page with a system call each (5 % of applying a
		// first pull, issue 10). It only ever holds one statement's pages.
		for _, p := range []string{"PRAGMA foreign_keys = OFF", "PRAGMA temp_store = MEMORY"} {
			if _, err := c.ExecContext(ctx, p); err != nil {
				c.Close()
				return err
			}
		}
		a.conn = c
	}
	tx, err := a.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// stmt is q prepared on the apply connection, kept; nil when it cannot be
// kept (the caller then prepares it for its transaction, which reports
// any error). Only a transaction of run may call it.
func (a *applyConn) stmt(ctx context.Context, q string) *sql.Stmt {
	if st, ok := a.stmts[q]; ok {
		return st
	}
	if a.conn == nil || len(a.stmts) >= maxKept {
		return nil
	}
	st, err := a.conn.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	if a.stmts == nil {
		a.stmts = map[string]*sql.Stmt{}
	}
	a.stmts[q] = st
	return st
}

// drop closes the kept statements and gives the connection back to the
// pool with the pool's settings, foreign keys on (not ctx: it must go back
// so even when a context ended the apply), or closes it for good when
// discard is set or they cannot be set back. The caller holds the turn.
func (a *applyConn) drop(discard bool) {
	for _, st := range a.stmts {
		st.Close()
	}
	a.stmts = nil
	if a.conn != nil {
		if discard {
			a.conn.Raw(func(any) error { return driver.ErrBadConn }) // not back to the pool
		} else if err := a.restore(); err != nil {
			a.conn.Raw(func(any) error { return driver.ErrBadConn }) // not back to the pool
		}
		a.conn.Close()
		a.conn = nil
	}
}

// restore gives the apply connection the pool's settings back.
func (a *applyConn) restore() error {
	for _, p := range []string{"PRAGMA foreign_keys = ON", "PRAGMA temp_store = DEFAULT"} {
		if _, err := a.conn.ExecContext(context.Background(), p); err != nil {
			return err
		}
	}
	return nil
}

type fieldKey struct{ table, row, field string }
type rowKey struct{ table, row string }

// applyOps inserts the new ops into the change log and brings the touched
// fields and rows up to date. It returns the ops that were new. With
// keepHold the search indexes are left held (ApplyPulledPart); without,
// they are brought up to date, also with what earlier held pages noted.
//
// A whole brought back by an edit of its parts (merge.go, I9) is added to
// *revived, as a change of no op, so that changedBy reports it; revived
// may be nil.
func (db *DB) applyOps(ctx context.Context, tx *sql.Tx, ops []Change, keepHold bool, revived *[]Change) (int, []Change, error) {
	if revived == nil {
		revived = new([]Change)
	}
	q := db.stmtTx(tx)
	defer q.close()
	if err := db.captureDeletesQ(ctx, tx, q); err != nil {
		return 0, nil, err
	}
	for i := range ops {
		if err := db.checkChange(ctx, &ops[i]); err != nil {
			return 0, nil, err
		}
	}
	fresh := make([]Change, 0, len(ops))
	touched := make(map[fieldKey][]fieldOp, len(ops))
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
		k := opKey{c.Device, c.Seq}
		if h, isHeld := held[k]; isHeld {
			// Held before this batch (a file read again holds little
			// else): the same op again, compared with the held one in
			// memory, unless an op id was reused for another edit, which
			// must not pass silently.
			if h.HLC != c.HLC || h.Table != c.Table || h.Row != c.Row || h.Field != c.Field {
				return 0, nil, fmt.Errorf("%w %s: %w", ErrBadChange, c.ID(), ErrOpReused)
			}
			if err := sameHeld(ctx, tx, h, c, ops); err != nil {
				return 0, nil, err
			}
			continue
		}
		if !queued[k] {
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
				// A second copy in this batch: the same op again, unless an
				// op id was reused for another edit, which must not pass
				// silently.
				var same int
				if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM changes WHERE device = ? AND seq = ? AND hlc = ? AND tbl = ? AND row_id = ? AND field = ?",
					c.Device, c.Seq, c.HLC, c.Table, c.Row, c.Field).Scan(&same); err != nil {
					return 0, nil, err
				}
				if same == 0 {
					return 0, nil, fmt.Errorf("%w %s: %w", ErrBadChange, c.ID(), ErrOpReused)
				}
				if err := sameResent(ctx, tx, c, ops); err != nil {
					return 0, nil, err
				}
				continue
			}
		}
		fresh = append(fresh, c)
		maxHLC = max(maxHLC, c.HLC)
		if c.Device == db.self() {
			maxOwnSeq = max(maxOwnSeq, c.Seq)
			// An own op set aside here that the hub holds after all (an
			// old file of the hub's left it out) comes back, and is no
			// longer refused.
			if _, err := tx.ExecContext(ctx, "DELETE FROM sync_refused WHERE device = ? AND seq = ?", c.Device, c.Seq); err != nil {
				return 0, nil, err
			}
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
				o.parts = c.Base
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
		if !keepHold {
			// A pull's last page can bring nothing new after pages that
			// did (ApplyPulledPart).
			if err := releaseSearch(ctx, q); err != nil {
				return 0, nil, err
			}
		}
		return 0, nil, nil
	}
	judged, err := db.judgedOps(ctx, tx, fresh)
	if err != nil {
		return 0, nil, err
	}
	if err := db.admit(ctx, tx, judged); err != nil { // the model's rules: admit.go
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
	if err := bumpMeta(ctx, q, "hlc", min(maxHLC, db.clockCeiling())); err != nil {
		return 0, nil, err
	}
	if maxOwnSeq > 0 { // our own ops came back from a backup of the hub
		if err := bumpMeta(ctx, q, "seq", maxOwnSeq); err != nil {
			return 0, nil, err
		}
	}
	// The rows are written with the search triggers held, and indexed once
	// at the end (search.go): an error before then rolls all of it back.
	if err := holdSearch(ctx, q); err != nil {
		return 0, nil, err
	}
	a := &applier{db: db, ctx: ctx, tx: q, states: map[fieldKey]*fieldState{}, newRows: newRows, touched: touched, restored: db.apply.restored}
	keys := make([]fieldKey, 0, len(touched))
	for k := range touched {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b fieldKey) int {
		return cmp.Or(strings.Compare(a.table, b.table), strings.Compare(a.row, b.row), strings.Compare(a.field, b.field))
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
	slices.SortFunc(rks, func(a, b rowKey) int {
		return cmp.Or(strings.Compare(a.table, b.table), strings.Compare(a.row, b.row))
	})
	if err := a.lookNewRows(rks); err != nil {
		return 0, nil, err
	}
	done := make(map[rowKey]bool, len(rks))
	for _, rk := range rks {
		if err := a.materialize(rk, rows[rk], changed[rk]); err != nil {
			return 0, nil, err
		}
		done[rk] = true
	}
	if err := a.flushRows(); err != nil {
		return 0, nil, err
	}
	if err := a.wholesAbove(rks, done); err != nil {
		return 0, nil, err
	}
	// A whole brought back by a part's edit is reported with the rows the
	// ops touched, so that its screen shows it again.
	for _, rk := range a.revived {
		*revived = append(*revived, Change{Table: rk.table, Row: rk.row})
	}
	if !keepHold {
		if err := releaseSearch(ctx, q); err != nil {
			return 0, nil, err
		}
	}
	return len(fresh), fresh, nil
}

// opKey is an op's id as a map key.
type opKey struct {
	device string
	seq    int64
}

// lookupChunk bounds the keys one batch lookup binds (SQLite's limit on
// variables is far above it); fewer go in powers of two (chunk), so that
// the lookups' texts are few and each is prepared once.
const lookupChunk = 250

// inLookups calls look with xs in parts of at most lookupChunk, each
// part's length as chunk gives it, until one fails.
func inLookups[T any](xs []T, look func(part []T) error) error {
	for p := 0; p < len(xs); {
		part := xs[p : p+chunk(len(xs)-p, lookupChunk)]
		p += len(part)
		if err := look(part); err != nil {
			return err
		}
	}
	return nil
}

// heldOps is the ops of the change log that have the ids of ops (a file
// read again holds nothing else), as held. A device none of whose ops in
// the batch's range of its sequence numbers is held (a first pull: every
// device) costs one index probe; the ops of the others are looked up in
// chunks.
func heldOps(ctx context.Context, q querier, ops []Change) (map[opKey]Change, error) {
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
		found, err := list(ctx, q, func(s scanner) (int, error) {
			var one int
			return one, s.Scan(&one)
		}, "SELECT 1 FROM changes WHERE device = ? AND seq BETWEEN ? AND ? LIMIT 1", d, sp.lo, sp.hi)
		if err != nil {
			return nil, err
		}
		if len(found) > 0 {
			some[d] = true
		}
	}
	held := map[opKey]Change{}
	if len(some) == 0 {
		return held, nil
	}
	var maybe []Change
	for _, c := range ops {
		if some[c.Device] {
			maybe = append(maybe, c)
		}
	}
	err := inLookups(maybe, func(part []Change) error {
		args := make([]any, 0, 2*len(part))
		for _, c := range part {
			args = append(args, c.Device, c.Seq)
		}
		hs, err := list(ctx, q, scanChange, "WITH b(d, s) AS (VALUES "+valuesList(len(part), 2)+") SELECT "+changeCols+" FROM b JOIN changes c ON c.device = b.d AND c.seq = b.s", args...)
		if err != nil {
			return err
		}
		for _, h := range hs {
			held[opKey{h.Device, h.Seq}] = h
		}
		return nil
	})
	if err != nil {
		return nil, err
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
	err := inLookups(keys, func(part []rowKey) error {
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
			return err
		}
		for _, f := range fs {
			if f.council.Valid {
				out[f.rk] = f.council.String
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
