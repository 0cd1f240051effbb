package postgres

// Erasures of personal data (storage.ScrubTable) on PostgreSQL: the same
// rules and the same rewriting as the SQLite hub's (storage/privacy.go
// rescrub, storage/admit.go checkScrubOp, storage/provenance.go
// checkErasureCouncil), on the ops table.
//
// Who may send an erasure: any enrolled device of the erasure's council,
// or a staff device. What it may do: give ops of its own council that an
// erasure may rewrite (texts of fields, never the municipality's columns)
// the same text with names erased, nothing else. An erasure naming an op
// of another council, or rewriting more than names, is refused whole.
// The rewrite happens in the transaction that stores the erasure (or a
// late op it names), so no puller ever reads the old text after the
// erasure is visible; the rewritten op carries the hub's endorsement
// (storage.Endorsement), so a laptop takes it from a bundle.

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/jackc/pgx/v5"

	"lokalraad/model"
	"lokalraad/storage"
)

// heldOp is the op the log holds with id device:seq.
func (s *Store) heldOp(ctx context.Context, q querier, device string, seq int64) (storage.Change, bool, error) {
	c, err := scanOp(q.QueryRow(ctx, "SELECT "+opCols+" FROM ops WHERE device = $1 AND seq = $2", device, seq), nil)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, false, nil
	}
	if err != nil {
		return c, false, s.failed(err)
	}
	return c, true, nil
}

// erasuresOf reads the erasures the log holds for a council: op id → the
// values they give it.
func (s *Store) erasuresOf(ctx context.Context, q querier, council string) (map[string][]string, error) {
	rows, err := q.Query(ctx, "SELECT "+opCols+" FROM ops WHERE tbl = $1 AND council_id = $2 ORDER BY hlc, device", storage.ScrubTable, council)
	if err != nil {
		return nil, s.failed(err)
	}
	erasures, err := collectOps(rows)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, sc := range erasures {
		values, err := storage.ParseScrub(sc)
		if err != nil {
			return nil, err
		}
		for id, v := range values {
			out[id] = append(out[id], v)
		}
	}
	return out, nil
}

// admitErasures refuses a new erasure that names a held op of another
// council, or an op written by a council device of another council, or
// that rewrites a held op into more than its text with names erased. Ops
// it names that are not held yet are met when they come (rescrub leaves
// a value that is no erasure out).
func (s *Store) admitErasures(ctx context.Context, tx pgx.Tx, ops []storage.Change) error {
	for _, c := range ops {
		if c.Table != storage.ScrubTable {
			continue
		}
		values, err := storage.ParseScrub(c)
		if err != nil {
			return err
		}
		ids := slices.Sorted(maps.Keys(values))
		for _, id := range ids {
			dev, seq, _ := storage.ParseOpID(id)
			o, held, err := s.heldOp(ctx, tx, dev, seq)
			if err != nil {
				return err
			}
			foreign := held && o.Council != c.Council
			if d, err := s.DeviceByReplica(ctx, dev); err == nil {
				foreign = foreign || !d.Staff && d.Council != "" && d.Council != c.Council
			} else if !errors.Is(err, storage.ErrUnauthorized) {
				return err
			}
			if foreign {
				return fmt.Errorf("%w: sletningen af persondata %s nævner ændringen %s fra et andet lokalråd", storage.ErrRefused, c.ID(), id)
			}
			if !held || !storage.Scrubbable(o) {
				continue
			}
			text, _ := o.Value.(string)
			if _, ok := storage.ScrubValue(o.Table, o.Field, text, values[id]); !ok {
				return fmt.Errorf("%w: sletningen af persondata ændrer mere end et navn: %s, feltet »%s« (%s)",
					storage.ErrRefused, model.TableNoun(o.Table), model.FieldName(o.Table, o.Field), id)
			}
		}
	}
	return nil
}

// rescrub gives the new ops, and the ops named by new erasures, the value
// every erasure of their council that names them leaves (each erasure's
// value met with the held one: names either erased stay erased), in the
// ops table, endorsed by the hub. It runs in the push's transaction,
// after the new ops are inserted.
func (s *Store) rescrub(ctx context.Context, tx pgx.Tx, fresh []storage.Change) error {
	byCouncil := map[string][]storage.Change{}
	for _, c := range fresh {
		if c.Table != storage.ConflictsTable && (c.Table == storage.ScrubTable || c.Field != "") {
			byCouncil[c.Council] = append(byCouncil[c.Council], c)
		}
	}
	councils := slices.Sorted(maps.Keys(byCouncil))
	for _, council := range councils {
		erasures, err := s.erasuresOf(ctx, tx, council)
		if err != nil {
			return err
		}
		if len(erasures) == 0 {
			continue
		}
		ids, err := storage.ErasedOpIDs(byCouncil[council], erasures)
		if err != nil {
			return err
		}
		for _, id := range ids {
			dev, seq, _ := storage.ParseOpID(id)
			c, held, err := s.heldOp(ctx, tx, dev, seq)
			if err != nil {
				return err
			}
			if !held || c.Council != council || !storage.Scrubbable(c) {
				continue
			}
			text := c.Value.(string)
			v := text
			for _, e := range erasures[id] {
				if m, ok := storage.ScrubValue(c.Table, c.Field, v, e); ok {
					v = m
				}
			}
			if v == text {
				continue
			}
			c.Value = v
			sig := storage.Endorsement(c, s.key)
			if c.Device == s.device {
				storage.SignChange(&c, s.key)
				sig = c.Sig
			}
			if _, err := tx.Exec(ctx, "UPDATE ops SET vtext = $1, sig = $2 WHERE device = $3 AND seq = $4", v, sig, dev, seq); err != nil {
				return err
			}
		}
	}
	return nil
}

// erasedTo tells, for an op held already that arrives again with another
// text, whether an erasure held (or in the batch) gave it that text.
func (s *Store) erasedTo(ctx context.Context, q querier, batch []storage.Change, c storage.Change, cache map[string]map[string][]string) (func(string) bool, error) {
	e, ok := cache[c.Council]
	if !ok {
		var err error
		if e, err = s.erasuresOf(ctx, q, c.Council); err != nil {
			return nil, err
		}
		for _, b := range batch {
			if b.Table != storage.ScrubTable || b.Council != c.Council {
				continue
			}
			values, err := storage.ParseScrub(b)
			if err != nil {
				return nil, err
			}
			for id, v := range values {
				e[id] = append(e[id], v)
			}
		}
		cache[c.Council] = e
	}
	values := e[c.ID()]
	return func(v string) bool {
		for _, w := range values {
			if w == v {
				return true
			}
		}
		return false
	}, nil
}
