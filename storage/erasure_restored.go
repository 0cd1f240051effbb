package storage

// An erased name brought back by an edit made offline during the
// erasure (merge.go, I10): the replay erases it from the field's value,
// and the laptop that replayed it then erases it from the logged values
// of the ops that brought it back too (the offline laptop's ops of the
// field, up to the one the replay found it in), so that it leaves the
// history as well as the screens, and travels in no bundle. Other
// devices' ops are left as they are: what they say of a person is theirs.

import (
	"context"
	"log"
	"maps"
	"slices"
	"strings"

	"lokalraad/model"
)

// restoredField is a field whose replay erased names ops brought back.
type restoredField struct {
	council string
	by      []restoredBy
}

// eraseRestored erases, as this device's erasure, the names a batch's
// replay erased (applyConn.restored) from the logged values of their
// fields, one erasure a council. The hub writes no council's changes: it
// takes the laptops'. An error is logged, not returned: the batch is in,
// and the screens show the names erased already; the field's next replay
// finds them again. A staff device (a node's mirror of a PostgreSQL hub
// is one) writes none either: the municipality's devices author no
// erasures in a council's history that nobody there asked for.
func (db *DB) eraseRestored(ctx context.Context, restored map[fieldKey]restoredField) {
	if db.isHub() {
		return
	}
	if staff, err := db.Meta(ctx, MetaStaff); err != nil || staff == "1" {
		return
	}
	byCouncil := map[string][]fieldKey{}
	for k, r := range restored {
		byCouncil[r.council] = append(byCouncil[r.council], k)
	}
	for _, council := range slices.Sorted(maps.Keys(byCouncil)) {
		ks := byCouncil[council]
		slices.SortFunc(ks, func(a, b fieldKey) int {
			return strings.Compare(a.table+"\x00"+a.row+"\x00"+a.field, b.table+"\x00"+b.row+"\x00"+b.field)
		})
		err := db.write(ctx, func(w *writer) error {
			scrubbed := map[string]any{}
			fields := map[fieldKey]bool{}
			for _, k := range ks {
				if err := w.scrubRestored(k, restored[k].by, scrubbed, fields); err != nil {
					return err
				}
			}
			return w.logScrub(db, council, scrubbed, fields)
		})
		if err != nil {
			log.Printf("storage: erasing names brought back from the change log of council %s: %v", council, err)
		}
	}
}

// scrubRestored erases the names each restoredBy found from the logged
// values of field k that its op's device wrote, up to that op. A value
// the erasure could not rewrite into a valid one (a name in lower case
// only) is left as it is.
func (w *writer) scrubRestored(k fieldKey, by []restoredBy, scrubbed map[string]any, fields map[fieldKey]bool) error {
	type op struct {
		device string
		seq    int64
		value  string
	}
	for _, r := range by {
		ops, err := list(w.ctx, w.tx, func(s scanner) (op, error) {
			var o op
			return o, s.Scan(&o.device, &o.seq, &o.value)
		}, "SELECT device, seq, value FROM changes WHERE tbl = ? AND row_id = ? AND field = ? AND device = ? AND seq <= ? AND "+scrubbable,
			k.table, k.row, k.field, r.op.v.device, r.op.seq)
		if err != nil {
			return err
		}
		for _, o := range ops {
			if s, done := scrubbed[opID(o.device, o.seq)].(string); done {
				o.value = s // found by another restoredBy of the field
			}
			v := model.EraseNames(o.value, r.names)
			if v == o.value || checkErasure(k.table, k.field, o.value, v) != nil {
				continue
			}
			if err := w.rewriteLogged(k, o.device, o.seq, v, scrubbed, fields); err != nil {
				return err
			}
		}
	}
	return nil
}
