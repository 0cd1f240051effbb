package storage

// Sync: conflicts, derived state every replica computes alike, and their
// dismissal, an op of its own.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// saveConflicts stores the conflicts a replay found.
func (a *applier) saveConflicts(k fieldKey, council string, st *fieldState) error {
	if a.restored != nil && len(st.restored) > 0 {
		a.restored[k] = restoredField{council: council, by: st.restored}
	}
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
func (db *DB) Conflicts(ctx context.Context, councilID string) ([]Conflict, error) {
	out, err := list(ctx, db.sql(), func(s scanner) (Conflict, error) {
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
	sch, err := db.schema(ctx)
	if err != nil {
		return nil, err
	}
	for i := range out {
		c := &out[i]
		if _, ok := sch[c.Table][c.Field]; !ok {
			continue
		}
		var v any
		if err := db.sql().QueryRowContext(ctx, "SELECT "+c.Field+" FROM "+c.Table+" WHERE id = ?", c.Row).Scan(&v); err == nil {
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
func (db *DB) ResolveConflict(ctx context.Context, id string, keep any) error {
	return db.write(ctx, func(w *writer) error {
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
			if err := db.checkChange(ctx, &c); err != nil {
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
