package storage

// Sync: the outgoing queue: this device's ops the hub has not acknowledged,
// a council's ops for a bundle, and what delete ops had seen.

import (
	"context"
	"database/sql"
	"strconv"

	"lokalraad/model"
)

// fieldKnowledge is the version of every field of a row this replica
// holds: its field_versions row, else its last op (sync_replay.go).
func fieldKnowledge(ctx context.Context, tx *sql.Tx, table, row string) (deleteKnowledge, error) {
	type fop struct {
		f string
		o fieldOp
	}
	scan := func(s scanner) (fop, error) {
		var x fop
		return x, s.Scan(&x.f, &x.o.v.hlc, &x.o.v.device, &x.o.seq)
	}
	ops, err := list(ctx, tx, scan, "SELECT field, hlc, device, seq FROM changes WHERE tbl = ? AND row_id = ? AND field <> ''", table, row)
	if err != nil {
		return nil, err
	}
	last := map[string]fieldOp{}
	for _, x := range ops {
		if l, ok := last[x.f]; !ok || laterOp(x.o, l) {
			last[x.f] = x.o
		}
	}
	vs, err := list(ctx, tx, scan, "SELECT field, hlc, device, seq FROM field_versions WHERE tbl = ? AND row_id = ? AND field <> ''", table, row)
	if err != nil {
		return nil, err
	}
	for _, x := range vs {
		last[x.f] = x.o
	}
	know := deleteKnowledge{}
	for f, o := range last {
		know[f] = o.v
	}
	return know, nil
}

// unsentAfter is the last seq of this device's ops the hub acknowledged:
// the unsent ops are the ones after it. It first makes the unsent deletes
// say what they had seen (captureDeletes), since they are read next to be
// sent or re-stamped.
func (db *DB) unsentAfter(ctx context.Context, tx *sql.Tx) (int64, error) {
	if err := db.captureDeletes(ctx, tx); err != nil {
		return 0, err
	}
	return getMetaInt(ctx, tx, MetaAcked)
}

// captureDeletes writes into this device's delete ops that carry nothing
// (written before deletes recorded it themselves) what they had seen of
// their rows, before any remote op can change field_versions.
func (db *DB) captureDeletes(ctx context.Context, tx *sql.Tx) error {
	return db.captureDeletesQ(ctx, tx, tx)
}

// captureDeletesQ is captureDeletes, its every-time statements run on q
// (an apply's kept statements).
func (db *DB) captureDeletesQ(ctx context.Context, tx *sql.Tx, q execQuerier) error {
	from, err := getMetaInt(ctx, q, "sync_captured")
	if err != nil {
		return err
	}
	type del struct {
		seq        int64
		table, row string
	}
	dels, err := list(ctx, q, func(s scanner) (del, error) {
		var d del
		return d, s.Scan(&d.seq, &d.table, &d.row)
	}, "SELECT seq, tbl, row_id FROM changes WHERE device = ? AND seq > ? AND field = '' AND value IS NULL ORDER BY seq", db.self(), from)
	if err != nil {
		return err
	}
	for _, d := range dels {
		know, err := fieldKnowledge(ctx, tx, d.table, d.row)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE changes SET value = ? WHERE device = ? AND seq = ?", encodeKnowledge(know), db.self(), d.seq); err != nil {
			return err
		}
		if err := db.resignWhere(ctx, tx, "device = ? AND seq = ?", db.self(), d.seq); err != nil {
			return err
		}
	}
	seq, err := getMetaInt(ctx, q, "seq")
	if err != nil {
		return err
	}
	if seq > from {
		return setMeta(ctx, q, "sync_captured", strconv.FormatInt(seq, 10))
	}
	return nil
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
		acked, err := db.unsentAfter(ctx, tx)
		if err != nil {
			return err
		}
		q := "SELECT " + changeCols + " FROM changes WHERE device = ? AND seq > ?" + notDemo
		args := []any{db.self(), acked}
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
	args := []any{db.self(), n}
	if council != "" {
		q += " AND council_id = ?"
		args = append(args, council)
	}
	var count int
	err = db.sql().QueryRowContext(ctx, q, args...).Scan(&count)
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
