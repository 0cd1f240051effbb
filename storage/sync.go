package storage

// Sync: applying ops from other replicas. This file holds the op and its
// checks; sync_apply.go the batch, sync_replay.go the fields and rows,
// sync_conflicts.go the conflicts, sync_outgoing.go what is sent, and
// sync_meta.go the sync settings.
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
	"encoding/json"
	"fmt"
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
func (db *DB) schema(ctx context.Context) (map[string]map[string]bool, error) {
	if s := db.schemaInfo.Load(); s != nil {
		return s.cols, nil
	}
	m := map[string]map[string]bool{}
	order := map[string][]string{}
	for _, t := range append(append([]string{}, Tables...), MunicipalTables...) {
		cols, err := list(ctx, db.sql(), func(s scanner) ([2]string, error) {
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
func (db *DB) checkChange(ctx context.Context, c *Change) error {
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
	sch, err := db.schema(ctx)
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

const changeCols = "device, seq, hlc, tbl, row_id, council_id, field, value, base, sig"

func scanChange(s scanner) (Change, error) {
	var c Change
	err := s.Scan(&c.Device, &c.Seq, &c.HLC, &c.Table, &c.Row, &c.Council, &c.Field, &c.Value, &c.Base, &c.Sig)
	if b, ok := c.Value.([]byte); ok {
		c.Value = string(b)
	}
	return c, err
}
