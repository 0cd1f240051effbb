package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"lokalraad/model"
)

// field is one column of a row and its value: a string or an int64.
type field struct {
	name  string
	value any
}

// record is one row as the write path sees it.
type record struct {
	table   string
	id      string
	council string
	fields  []field
	// orig, when set, holds the values (in field order) the edit started
	// from: what the editor on screen had loaded. See put.
	orig []any
}

// writer is the one path by which rows change. Each changed field becomes an
// op in the change log, stamped with this device's next sequence number and
// hybrid logical clock, in the same transaction as the change itself.
type writer struct {
	db     *DB
	ctx    context.Context
	tx     *sql.Tx
	device string
	now    time.Time
	seq    int64 // last sequence number used
	hlc    int64 // last clock value used
	ops    int   // ops written in this transaction
	// files of attachment rows removed in this transaction; once it
	// commits, those no row names any more are deleted from disk.
	unused []string
	// known is what this replica held of each council's ops when the
	// transaction first deleted a whole of it (wholeContext).
	known map[string]string
}

// write runs f with a writer in one transaction.
func (db *DB) write(ctx context.Context, f func(w *writer) error) error {
	var unused []string
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		w := &writer{db: db, ctx: ctx, tx: tx, device: db.self(), now: db.Now()}
		defer func() { unused = w.unused }()
		var seq, hlc string
		if err := tx.QueryRowContext(ctx, "SELECT (SELECT value FROM meta WHERE key='seq'), (SELECT value FROM meta WHERE key='hlc')").Scan(&seq, &hlc); err != nil {
			return fmt.Errorf("læs enhedens tæller: %w", err)
		}
		w.seq, _ = strconv.ParseInt(seq, 10, 64)
		w.hlc, _ = strconv.ParseInt(hlc, 10, 64)
		if err := f(w); err != nil {
			return err
		}
		if w.ops == 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, "UPDATE meta SET value = CASE key WHEN 'seq' THEN ? ELSE ? END WHERE key IN ('seq','hlc')",
			strconv.FormatInt(w.seq, 10), strconv.FormatInt(w.hlc, 10))
		return err
	})
	if err == nil {
		for _, sum := range unused {
			db.dropUnused(sum)
		}
	}
	return err
}

// after makes the next op sort after the ops it has seen, whose clock may
// be ahead of this device's (within the skew every receiver allows):
// causality first, so an edit never sorts before what it was based on.
func (w *writer) after(hlc int64) {
	if hlc > w.hlc {
		w.hlc = hlc
	}
}

// HLC packs wall-clock milliseconds and a logical counter in one int64:
// ms << 16 | counter. It never goes backwards, even when the wall clock does.
func (w *writer) tick() (seq, hlc int64) {
	w.seq++
	phys := w.now.UnixMilli() << 16
	if phys > w.hlc {
		w.hlc = phys
	} else {
		w.hlc++
	}
	w.ops++
	return w.seq, w.hlc
}

// put inserts or updates a row, logging every field that changed. It
// reports whether anything changed.
func (w *writer) put(r record) (bool, error) {
	if municipalTable(r.table) != (r.council == model.MunicipalityID) {
		return false, fmt.Errorf("%s: kommunens data hører til kommunen, rådenes data til et råd", r.table)
	}
	names := make([]string, len(r.fields))
	for i, f := range r.fields {
		names[i] = f.name
	}
	cur := make([]any, len(r.fields)+1)
	ptrs := make([]any, len(cur))
	for i := range cur {
		ptrs[i] = &cur[i]
	}
	err := w.tx.QueryRowContext(w.ctx, "SELECT council_id, "+strings.Join(names, ", ")+" FROM "+r.table+" WHERE id = ?", r.id).Scan(ptrs...)
	var changed []field
	var stale map[string]string // field → the context the editor had loaded
	switch {
	case errors.Is(err, sql.ErrNoRows):
		cols := append([]string{"id", "council_id"}, names...)
		args := []any{r.id, r.council}
		for _, f := range r.fields {
			args = append(args, f.value)
		}
		q := "INSERT INTO " + r.table + "(" + strings.Join(cols, ", ") + ") VALUES (?" + strings.Repeat(", ?", len(cols)-1) + ")"
		if _, err := w.tx.ExecContext(w.ctx, q, args...); err != nil {
			return false, fmt.Errorf("gem i %s: %w", r.table, err)
		}
		// A row saved again after a delete lives again, as it will on the
		// other replicas: its new edits are ones the delete never saw.
		if _, err := w.tx.ExecContext(w.ctx, "DELETE FROM tombstones WHERE tbl = ? AND row_id = ?", r.table, r.id); err != nil {
			return false, err
		}
		changed = r.fields
	case err != nil:
		return false, fmt.Errorf("læs %s: %w", r.table, err)
	default:
		if c, _ := cur[0].(string); c != r.council {
			return false, fmt.Errorf("rækken %s hører til et andet råd", r.id)
		}
		var sets []string
		var args []any
		for i, f := range r.fields {
			if r.orig != nil {
				have := textOf(cur[i+1])
				if !sameValue(have, f.value) && !sameValue(have, r.orig[i]) && !sameValue(r.orig[i], f.value) {
					// Changed here and, since the editor loaded it, by a
					// sync: the edit is logged with what the editor had
					// seen, and the merge rule decides (see stale below).
					if ctx, erased, ok, err := w.loadedContext(r.table, r.id, f.name, r.orig[i]); err != nil {
						return false, err
					} else if !ok && !cleanRebase(r.table, f.name, r.orig[i], f.value, cur[i+1]) {
						// What the editor had seen is older than the
						// ops looked through. A merge from what it
						// loaded would keep only its own side of the
						// overlap, so the edit is logged as having seen
						// nothing: the merge rule keeps the other side
						// as a conflict on every replica.
						if stale == nil {
							stale = map[string]string{}
						}
						stale[f.name] = vvPrefix
					} else if ok {
						if stale == nil {
							stale = map[string]string{}
						}
						stale[f.name] = ctx
						// An erasure came meanwhile: the names it erased
						// from what the editor loaded leave the edit too.
						if text, isText := f.value.(string); isText {
							for _, n := range erased {
								text = model.Anonymise(text, n, model.FormerMember)
							}
							f.value = text
						}
					}
				}
				if _, ok := stale[f.name]; !ok {
					f.value = rebase(r.table, f.name, r.orig[i], f.value, cur[i+1])
				}
				r.fields[i].value = f.value
			}
			if !sameValue(cur[i+1], f.value) {
				changed = append(changed, f)
				sets = append(sets, f.name+" = ?")
				args = append(args, f.value)
			}
		}
		if len(changed) == 0 {
			return false, nil
		}
		args = append(args, r.id)
		if _, err := w.tx.ExecContext(w.ctx, "UPDATE "+r.table+" SET "+strings.Join(sets, ", ")+" WHERE id = ?", args...); err != nil {
			return false, fmt.Errorf("gem i %s: %w", r.table, err)
		}
	}
	replay := map[fieldKey]bool{}
	for _, f := range changed {
		base, isStale := stale[f.name]
		if !isStale {
			if err := w.log(r.table, r.id, r.council, f.name, f.value); err != nil {
				return false, err
			}
			continue
		}
		if err := w.logOn(r.table, r.id, r.council, f.name, f.value, base); err != nil {
			return false, err
		}
		replay[fieldKey{r.table, r.id, f.name}] = true
	}
	if len(replay) > 0 {
		// The field holds what the merge rule makes of the stale edit and
		// what came meanwhile: merged lines, or the later value with the
		// other kept as a conflict. Nothing is dropped without a trace.
		if err := w.db.refreshFields(w.ctx, w.tx, r.council, replay); err != nil {
			return false, err
		}
	}
	return true, nil
}

// loadedContext finds what an editor had seen of a field when it loaded
// the value orig: the ops this replica held then, which are the field's
// ops up to some point in the order they arrived here (the change log's
// rowid), taking the latest point whose replay is orig. An erasure that
// arrived since has rewritten the log's values, so when no point replays
// to orig itself, the latest one that replays to orig with names erased
// (and nothing else changed) is the one, and erased says which names the
// edit must lose too. It reports false when no point is either (the
// editor's value came from elsewhere); the caller then merges as before
// (rebase).
// loadedLookBack bounds how many of a field's latest ops loadedContext
// looks back through (each point is a replay of the field): beyond it the
// save takes the editor to have seen nothing where that loses anything.
const loadedLookBack = 50

func (w *writer) loadedContext(table, id, name string, orig any) (ctx string, erased []string, found bool, err error) {
	ops, err := list(w.ctx, w.tx, func(s scanner) (fieldOp, error) {
		var o fieldOp
		err := s.Scan(&o.v.hlc, &o.v.device, &o.seq, &o.base, &o.value)
		o.value = textOf(o.value)
		return o, err
	}, "SELECT hlc, device, seq, base, value FROM changes WHERE tbl = ? AND row_id = ? AND field = ? ORDER BY rowid", table, id, name)
	if err != nil {
		return "", nil, false, err
	}
	rule := ruleOf(table, name)
	values := map[int]any{} // prefix length → its replay's value
	at := func(k int) any {
		v, ok := values[k]
		if !ok {
			held := append([]fieldOp(nil), ops[:k]...)
			sort.Slice(held, func(i, j int) bool { return held[j].v.after(held[i].v) })
			v = replayField(held, rule).value
			values[k] = v
		}
		return v
	}
	ctxAt := func(k int) string {
		vv := map[string]int64{}
		for _, o := range ops[:k] {
			vv[o.v.device] = max(vv[o.v.device], o.seq)
		}
		return encodeContext(vv)
	}
	for k := len(ops); k >= 1 && k >= len(ops)-loadedLookBack; k-- {
		if sameValue(at(k), orig) {
			return ctxAt(k), nil, true, nil
		}
	}
	loaded, ok := orig.(string)
	if !ok {
		return "", nil, false, nil
	}
	for k := len(ops); k >= 1 && k >= len(ops)-loadedLookBack; k-- {
		if now, ok := at(k).(string); ok {
			if names, ok := model.ErasedNames(loaded, now); ok {
				return ctxAt(k), names, true, nil
			}
		}
	}
	return "", nil, false, nil
}

// remove deletes a row and leaves a tombstone. Removing a row that is not
// there is no error.
func (w *writer) remove(table, id string) error {
	var council string
	err := w.tx.QueryRowContext(w.ctx, "SELECT council_id FROM "+table+" WHERE id = ?", id).Scan(&council)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if table == attachT.name {
		var sum string
		if err := w.tx.QueryRowContext(w.ctx, "SELECT sha256 FROM attachments WHERE id = ?", id).Scan(&sum); err != nil {
			return err
		}
		w.unused = append(w.unused, sum)
	}
	if _, err := w.tx.ExecContext(w.ctx, "DELETE FROM "+table+" WHERE id = ?", id); err != nil {
		return fmt.Errorf("slet fra %s: %w", table, err)
	}
	// What the delete has seen: every op of the row held now (merge.go,
	// I7), before a later local edit (the row saved again) could add one.
	know, latest, err := heldContext(w.ctx, w.tx, table, id, nil)
	if err != nil {
		return err
	}
	w.after(latest)
	// The delete of a whole (a meeting, a project, …) also says, as its
	// base, what it had seen of its parts: every op of the council held
	// now. A part's edit it had not seen brings the whole back (merge.go,
	// I9).
	var base string
	if len(model.PartsOf(table)) > 0 {
		if base, err = w.wholeContext(council); err != nil {
			return err
		}
	}
	if err := w.insertOp(table, id, council, "", deleteContext(know), base); err != nil {
		return err
	}
	_, err = w.tx.ExecContext(w.ctx, "INSERT OR REPLACE INTO tombstones(tbl, row_id, council_id, hlc, device) VALUES (?, ?, ?, ?, ?)",
		table, id, council, w.hlc, w.device)
	return err
}

// wholeContext is the context of a whole's delete: for every device, the
// highest sequence number of the council's ops held. Ops come from each
// device in order (a push is taken in order, a pull gives the hub's order),
// so it names every op of the council this replica held. Past maxContext
// devices it is "", the context of a delete before wholes (I7 only).
func (w *writer) wholeContext(council string) (string, error) {
	if base, ok := w.known[council]; ok {
		return base, nil
	}
	vv, _, err := heldVector(w.ctx, w.tx, "council_id = ?", council)
	if err != nil {
		return "", err
	}
	base := ""
	if len(vv) <= maxContext {
		base = deleteContext(vv)
	}
	if w.known == nil {
		w.known = map[string]string{}
	}
	w.known[council] = base
	return base, nil
}

// log appends one op to the change log, based on what this replica holds
// of the field (its context, see merge.go), and makes the op the field's
// new version.
func (w *writer) log(table, id, council, name string, value any) error {
	var base string
	if name != "" {
		vv, latest, err := heldContext(w.ctx, w.tx, table, id, &name)
		if err != nil {
			return err
		}
		base = encodeContext(vv)
		w.after(latest)
	}
	return w.insertOp(table, id, council, name, value, base)
}

// logOn is log with the op's context given: what its author had seen. The
// op still sorts after every op of the field held here.
func (w *writer) logOn(table, id, council, name string, value any, base string) error {
	_, latest, err := heldContext(w.ctx, w.tx, table, id, &name)
	if err != nil {
		return err
	}
	w.after(latest)
	return w.insertOp(table, id, council, name, value, base)
}

// insertOp appends the op and makes it the field's version.
func (w *writer) insertOp(table, id, council, name string, value any, base string) error {
	seq, hlc := w.tick()
	if _, err := w.tx.ExecContext(w.ctx, "INSERT INTO changes(device, seq, hlc, tbl, row_id, council_id, field, value, base, sig) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		w.device, seq, hlc, table, id, council, name, value, base, w.sign(seq, hlc, table, id, council, name, value, base)); err != nil {
		return fmt.Errorf("skriv ændringslog: %w", err)
	}
	_, err := w.tx.ExecContext(w.ctx, "INSERT OR REPLACE INTO field_versions(tbl, row_id, field, hlc, device, seq) VALUES (?, ?, ?, ?, ?, ?)",
		table, id, name, hlc, w.device, seq)
	return err
}

// deleteContext is a delete op's value: what it had seen of the row. A
// delete of a row this replica holds no ops of still says so ("=").
func deleteContext(vv map[string]int64) string {
	if len(vv) == 0 {
		return vvPrefix
	}
	return encodeContext(vv)
}

// sign is the author's signature of an op this writer logs (keys.go).
func (w *writer) sign(seq, hlc int64, table, id, council, name string, value any, base string) string {
	c := Change{Device: w.device, Seq: seq, HLC: hlc, Table: table, Row: id, Council: council, Field: name, Value: normalValue(value), Base: base}
	w.db.signChange(&c)
	return c.Sig
}

// sameValue compares a value read from SQLite with one about to be written.
func sameValue(have, want any) bool {
	switch h := have.(type) {
	case int64:
		wv, ok := want.(int64)
		return ok && h == wv
	case string:
		wv, ok := want.(string)
		return ok && h == wv
	case []byte:
		wv, ok := want.(string)
		return ok && string(h) == wv
	case nil:
		return want == nil
	}
	return false
}

// textOf turns a blob read from SQLite into the string it holds.
func textOf(v any) any {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v
}

// cleanRebase tells whether rebase loses nothing: a long text whose
// three-way merge from what the editor loaded has no overlapping change.
// Any other field both sides changed would lose the other side's value.
func cleanRebase(table, name string, orig, want, have any) bool {
	o, ok1 := orig.(string)
	w, ok2 := want.(string)
	h, ok3 := textOf(have).(string)
	if !model.LongText(table, name) || !ok1 || !ok2 || !ok3 {
		return false
	}
	_, conflicts := model.Merge3(o, w, h)
	return conflicts == 0
}

// rebase decides what an edit writes to a field when the row may have
// changed since the editor loaded it (a sync brought another device's edit
// while the editor was open): a field the editor left as it was keeps the
// stored value, however stale the screen is; a long text both sides
// changed is merged three ways from what the editor loaded, so the other
// side's lines stay; otherwise the editor's value is the edit.
func rebase(table, name string, orig, want, have any) any {
	have = textOf(have)
	if sameValue(have, want) || sameValue(have, orig) {
		return want
	}
	if sameValue(orig, want) {
		return have // not touched here; changed elsewhere
	}
	o, ok1 := orig.(string)
	w, ok2 := want.(string)
	h, ok3 := have.(string)
	if model.LongText(table, name) && ok1 && ok2 && ok3 {
		merged, _ := model.Merge3(o, w, h)
		return merged
	}
	return want
}
