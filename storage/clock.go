package storage

// Clocks that heal.
//
// An op's HLC starts from its device's wall clock, and a device adopts the
// clocks it receives so that its later edits sort after what it has seen.
// Two things go wrong with a wrong wall clock, and this file mends them:
//
//   - A laptop whose date was days ahead stamped its edits in the future;
//     the hub refuses ops more than its allowed skew ahead of it, and once
//     the date is corrected the device's clock still runs from the future
//     stamp. RestampPending re-stamps the unsent ops at the hub's time and
//     lowers the device's clock.
//   - A device never adopts a clock more than MaxClockSkew ahead of its own
//     wall clock (clockCeiling, used where applyOps raises meta "hlc"), so
//     one bundle stamped ten years ahead cannot drag it into that year.
//
// Re-stamping is safe because an op more than the allowed skew ahead of a
// receiver is accepted by none (the hub refuses it at push and in bundles,
// a laptop refuses it in a bundle), so no replica holds the old stamp of an
// op that gets a new one.

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// MaxClockSkew is how far ahead of a receiver's wall clock an op's clock
// may be: the hub's default for refusing ops, and the most a device adopts
// from what it receives.
const MaxClockSkew = 24 * time.Hour

// clockCeiling is the highest HLC this device adopts from received ops.
func (db *DB) clockCeiling() int64 {
	return db.Now().Add(MaxClockSkew).UnixMilli() << 16
}

// Restamped says what RestampPending did.
type Restamped struct {
	Ops   int           // unsent ops given a new stamp
	Ahead time.Duration // how far the device's clock was ahead of the reference
}

// Note says in Danish what happened, for the sync result and status bar:
// "Enhedens ur gik 3 dage for hurtigt; 12 ændringer er omstemplet." It is ""
// when nothing was done.
func (r Restamped) Note() string { return r.ClockNote().Danish() }

// ClockNote is what happened, for a screen to say in its language; zero
// when nothing was done.
func (r Restamped) ClockNote() ClockNote {
	if r.Ahead <= 0 && r.Ops == 0 {
		return ClockNote{}
	}
	// Whole seconds, cut (which rounds to days, hours or minutes as the
	// duration itself would), and at least one: a lead under a second
	// still says »1 minut«, where a zero ClockNote would say nothing.
	return ClockNote{AheadSeconds: max(1, int64(r.Ahead/time.Second)), Ops: r.Ops}
}

// RestampPending gives this device's unsent ops that are stamped more than
// slack ahead of ref (the hub's clock, as the hub reported it) a new stamp
// at ref, and lowers the device's clock (meta "hlc") to the newest stamp it
// holds, all in one transaction.
//
// The re-stamped ops keep their order (seq order: the first one ahead and
// every later unsent op, which ran on from its stamp), their op ids and
// their bases, and they still sort after every op this device holds from
// others (each new stamp is after the newest of those), so the replay of
// every field and the rows are unchanged: only the clock columns that
// record the ops' places (field_versions, tombstones, conflicts, and what
// unsent deletes had seen) follow the new stamps.
func (db *DB) RestampPending(ctx context.Context, ref time.Time, slack time.Duration) (Restamped, error) {
	var r Restamped
	limit := ref.Add(slack).UnixMilli()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		acked, err := db.unsentAfter(ctx, tx)
		if err != nil {
			return err
		}
		type stamp struct{ seq, hlc int64 }
		pending, err := list(ctx, tx, func(s scanner) (stamp, error) {
			var p stamp
			return p, s.Scan(&p.seq, &p.hlc)
		}, "SELECT seq, hlc FROM changes WHERE device = ? AND seq > ? ORDER BY seq", db.self(), acked)
		if err != nil {
			return err
		}
		first := len(pending)
		for i, p := range pending {
			if p.hlc>>16 > limit {
				first = i
				break
			}
		}
		if first < len(pending) {
			// After every op held from others and every own op kept as it is.
			var floor int64
			if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(hlc), 0) FROM changes WHERE NOT (device = ? AND seq > ?)", db.self(), acked).Scan(&floor); err != nil {
				return err
			}
			if first > 0 {
				floor = max(floor, pending[first-1].hlc)
			}
			next := max(ref.UnixMilli()<<16, floor+1)
			renamed := map[int64]int64{} // old stamp → new, of this device's ops
			for _, p := range pending[first:] {
				r.Ahead = max(r.Ahead, time.Duration(p.hlc>>16-ref.UnixMilli())*time.Millisecond)
				renamed[p.hlc] = next
				id := opID(db.self(), p.seq)
				steps := []struct {
					q    string
					args []any
				}{
					{"UPDATE changes SET hlc = ? WHERE device = ? AND seq = ?", []any{next, db.self(), p.seq}},
					{"UPDATE field_versions SET hlc = ? WHERE device = ? AND seq = ?", []any{next, db.self(), p.seq}},
					{"UPDATE tombstones SET hlc = ? WHERE device = ? AND hlc = ?", []any{next, db.self(), p.hlc}},
					{"UPDATE sync_conflicts SET hlc = ? WHERE winner = ?", []any{next, id}},
				}
				for _, s := range steps {
					if _, err := tx.ExecContext(ctx, s.q, s.args...); err != nil {
						return fmt.Errorf("omstempl %s: %w", id, err)
					}
				}
				// An op's signature covers its clock: signed again here.
				if err := db.resignWhere(ctx, tx, "device = ? AND seq = ?", db.self(), p.seq); err != nil {
					return err
				}
				r.Ops++
				next++
			}
			// What unsent deletes had seen of this device's re-stamped edits.
			type del struct {
				seq  int64
				know deleteKnowledge
			}
			dels, err := list(ctx, tx, func(s scanner) (del, error) {
				var d del
				var v any
				err := s.Scan(&d.seq, &v)
				if know, ok := textValue(v).(string); ok {
					d.know = decodeKnowledge(know)
				}
				return d, err
			}, "SELECT seq, value FROM changes WHERE device = ? AND seq > ? AND field = ''", db.self(), acked)
			if err != nil {
				return err
			}
			for _, d := range dels {
				changed := false
				for f, ver := range d.know {
					if nv, ok := renamed[ver.hlc]; ok && ver.device == db.self() {
						d.know[f] = version{nv, ver.device}
						changed = true
					}
				}
				if changed {
					if _, err := tx.ExecContext(ctx, "UPDATE changes SET value = ? WHERE device = ? AND seq = ?", encodeKnowledge(d.know), db.self(), d.seq); err != nil {
						return err
					}
				}
			}
		}
		// The device's clock: back to the newest stamp it holds, when it
		// runs ahead.
		cur, err := getMetaInt(ctx, tx, "hlc")
		if err != nil {
			return err
		}
		if cur>>16 > limit {
			var newest int64
			if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(hlc), 0) FROM changes").Scan(&newest); err != nil {
				return err
			}
			if newest < cur {
				r.Ahead = max(r.Ahead, time.Duration(cur>>16-ref.UnixMilli())*time.Millisecond)
				return setMeta(ctx, tx, "hlc", fmt.Sprint(newest))
			}
		}
		return nil
	})
	if err != nil {
		return Restamped{}, err
	}
	return r, nil
}

// HealClock re-stamps this laptop's unsent ops stamped more than the
// allowed skew ahead of its own wall clock, which no receiver takes: its
// date was wrong when they were made and has been corrected since. A
// bundle is written after it, so a council that syncs by USB stick heals
// as one that syncs over the network does (there, the hub's refusal
// starts it). Nothing is done on the hub.
func (db *DB) HealClock(ctx context.Context) (Restamped, error) {
	if db.isHub() {
		return Restamped{}, nil
	}
	return db.RestampPending(ctx, db.Now(), MaxClockSkew)
}

// NewestHeld is the wall-clock part of the newest stamp in the change log
// (zero when it is empty): a computer holding ops stamped well after its
// own date knows that its date is wrong.
func (db *DB) NewestHeld(ctx context.Context) (time.Time, error) {
	var hlc int64
	if err := db.sql().QueryRowContext(ctx, "SELECT COALESCE(MAX(hlc), 0) FROM changes").Scan(&hlc); err != nil || hlc == 0 {
		return time.Time{}, err
	}
	return time.UnixMilli(hlc >> 16), nil
}
