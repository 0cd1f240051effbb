package storage

// Admission: the model's rules on ops that arrive from other replicas.
//
// The hub (HubApply) and a laptop importing a bundle (ApplyOps) refuse, whole,
// a batch holding an op that a local edit could not have made:
//
//   - a value outside the model's rules for its field (model.CheckField:
//     bounds, enums, lengths, formats), named in Danish with its row;
//   - an edit of approved minutes: a meeting's fields (but its status,
//     which approves and reopens it) and its agenda items, when the
//     meeting's status as of the op is "godkendt", or when the op sorts
//     before an approval this replica held before the batch. "As of" is
//     replay order (HLC, device): an edit that sorts after a reopening is
//     an edit of open minutes, and the fields written in the same save as
//     the approval or the reopening belong to it. A status op away from
//     "godkendt" that sorts before an approval held is refused: it never
//     saw those minutes approved, so it is no reopening of them (review 2,
//     storage/unlock_test.go). The one edit that passes is an erasure's:
//     the text with names replaced by model.FormerMember and nothing else
//     (model.ScrubbedOnly);
//   - an op that breaks the year's locks (yearlock.go): a change of the
//     accounts of a year approved at the generalforsamling, or of the
//     development plan of a year gone by;
//   - an erasure (scrubTable) that rewrites a past op into anything but
//     the same text with names erased (model.ScrubMeet), whether or not the
//     minutes are locked: such an op would rewrite history in another
//     device's name.
//
// Pulled pages are not checked again: the hub checked them, and a laptop
// that disagreed with the hub would stop syncing for good.
//
// Who may write what (the municipality's fields, another council) is the
// caller's question (storage/exchange), as it needs the device registry.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"lokalraad/model"
)

// ErrRefused: an op breaks the model's rules (a value out of bounds, an
// edit of approved minutes, an erasure that rewrites more than a name).
// The batch it came in is refused whole; errors.Is(err, ErrBadChange)
// holds too.
var ErrRefused error = refusedError{}

type refusedError struct{}

func (refusedError) Error() string        { return "ændringen afvises" }
func (refusedError) Is(target error) bool { return target == ErrBadChange }

type admitKey struct{}

// admitting marks a context whose applyOps checks the model's rules on the
// new ops (see admit).
func admitting(ctx context.Context) context.Context { return context.WithValue(ctx, admitKey{}, true) }

// admit checks the new ops of a batch, already in the change log of tx, when
// ctx asks for it.
func (db *DB) admit(ctx context.Context, tx *sql.Tx, fresh []Change) error {
	if on, _ := ctx.Value(admitKey{}).(bool); !on {
		return nil
	}
	if err := admitPB(ctx, tx, fresh); err != nil { // the round's locks: pbadmit.go
		return err
	}
	lc := &lockCache{approved: map[string]bool{}, meetings: map[string][]string{}, fresh: map[string]bool{}}
	for _, c := range fresh {
		lc.fresh[c.ID()] = true
	}
	for _, c := range fresh {
		var err error
		switch {
		case c.Table == conflictsTable:
		case c.Table == scrubTable:
			err = checkScrubOp(ctx, tx, c)
		case c.Field == "":
			// A delete of approved minutes (the meeting, or an item of it)
			// is refused, as it is locally: reopen first.
			if maybe, lerr := lc.mayBeLocked(ctx, tx, c); lerr != nil || maybe {
				err = errors.Join(lerr, lc.checkLocked(ctx, tx, c))
			}
		default:
			if ferr := model.CheckField(c.Table, c.Field, c.Value); ferr != nil {
				err = fmt.Errorf("%w: %s: %w", ErrRefused, rowLabel(ctx, tx, c.Table, c.Row), ferr)
				break
			}
			if maybe, lerr := lc.mayBeLocked(ctx, tx, c); lerr != nil || maybe {
				err = errors.Join(lerr, lc.checkLocked(ctx, tx, c))
			}
		}
		if err != nil {
			return refusing(c, err)
		}
	}
	// The year's locks (yearlock.go): approved accounts, past plans.
	hub, _ := ctx.Value(hubKey{}).(bool)
	return CheckYearLocks(ctx, heldTx{tx, lc.fresh}, fresh, db.Now(), hub)
}

// refusedOp is a refusal that knows the op it refuses, so that a device
// can set its own refused ops aside (SetAsideRefusedOwn). It reads as the
// refusal it wraps.
type refusedOp struct {
	op  Change
	err error
}

func (e *refusedOp) Error() string { return e.err.Error() }
func (e *refusedOp) Unwrap() error { return e.err }

// refusing is err, naming op c as the one it refuses.
func refusing(c Change, err error) error {
	if err == nil {
		return nil
	}
	return &refusedOp{op: c, err: err}
}

// rowLabel names a row for a message: "budgetønsket »Shelter ved søen«".
func rowLabel(ctx context.Context, tx *sql.Tx, table, row string) string {
	var title any
	err := tx.QueryRowContext(ctx, "SELECT value FROM changes WHERE tbl = ? AND row_id = ? AND field IN ('title', 'name', 'what', 'text') AND typeof(value) = 'text' ORDER BY hlc DESC, device DESC LIMIT 1", table, row).Scan(&title)
	if s, _ := textOf(title).(string); err == nil && s != "" {
		r := []rune(s)
		if len(r) > 60 {
			s = string(r[:60]) + "…"
		}
		return fmt.Sprintf("%s »%s«", model.TableNoun(table), s)
	}
	return model.TableNoun(table) + " " + row
}

// before is the SQL condition "sorts before the op (hlc ?1, device ?2)" in
// replay order.
const before = "(hlc < ?1 OR hlc = ?1 AND device < ?2)"

// lastBefore is the op of a field that sorts last before c, if any.
func lastBefore(ctx context.Context, tx *sql.Tx, table, row, field string, c Change) (Change, bool, error) {
	o, err := scanChange(tx.QueryRowContext(ctx, "SELECT "+changeCols+" FROM changes WHERE "+before+" AND tbl = ?3 AND row_id = ?4 AND field = ?5 ORDER BY hlc DESC, device DESC LIMIT 1",
		c.HLC, c.Device, table, row, field))
	if errors.Is(err, sql.ErrNoRows) {
		return Change{}, false, nil
	}
	return o, err == nil, err
}

// saveStatus is the status op written in the same save as op c of a
// meeting, when that save changed the status (approving with the last
// attendees, or reopening with a correction, is one save): one save writes
// a row's changed fields as consecutive ops of its device. "godkendt" sent
// again is no such save.
func saveStatus(ctx context.Context, tx *sql.Tx, c Change) (Change, bool, error) {
	n := int64(len(meetingsT.cols))
	near, err := list(ctx, tx, scanChange, "SELECT "+changeCols+" FROM changes WHERE device = ? AND seq BETWEEN ? AND ? ORDER BY seq",
		c.Device, c.Seq-n, c.Seq+n)
	if err != nil {
		return Change{}, false, err
	}
	at := -1
	for i, o := range near {
		if o.Seq == c.Seq {
			at = i
		}
	}
	if at < 0 {
		return Change{}, false, nil
	}
	sameRow := func(o Change) bool { return o.Table == c.Table && o.Row == c.Row && o.Field != "" }
	for _, step := range []int{-1, 1} {
		for i, seq := at+step, c.Seq+int64(step); i >= 0 && i < len(near) && near[i].Seq == seq && sameRow(near[i]); i, seq = i+step, seq+int64(step) {
			if near[i].Field == "status" {
				prev, ok, err := lastBefore(ctx, tx, near[i].Table, near[i].Row, "status", near[i])
				if err != nil {
					return Change{}, false, err
				}
				return near[i], !ok || !sameValue(prev.Value, near[i].Value), nil
			}
		}
	}
	return Change{}, false, nil
}

// savedWithStatus tells whether op c of meeting id belongs to a save that
// approved or reopened the minutes as the receiver holds them: its status
// op changed the status, no approval this replica held before the batch
// sorts after that status op (a status op older than the approval is no
// reopening of those minutes, and one taken in long before licenses no
// edit sent next to it now), and no other status op of the meeting sorts
// between the two (a save is one moment).
func (lc *lockCache) savedWithStatus(ctx context.Context, tx *sql.Tx, id string, c Change) (Change, bool, error) {
	if c.Table != meetingsT.name || c.Row != id {
		return Change{}, false, nil
	}
	s, ok, err := saveStatus(ctx, tx, c)
	if err != nil || !ok {
		return Change{}, false, err
	}
	if since, err := lc.approvedSince(ctx, tx, id, s, ""); err != nil || since {
		return Change{}, false, err
	}
	lo, hi := s, c
	if hi.HLC < lo.HLC || hi.HLC == lo.HLC && hi.Device < lo.Device {
		lo, hi = hi, lo
	}
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM changes WHERE tbl = ? AND row_id = ? AND field = 'status' AND NOT (device = ? AND seq = ?)"+
		" AND (hlc > ? OR hlc = ? AND device > ?) AND (hlc < ? OR hlc = ? AND device < ?)",
		meetingsT.name, id, s.Device, s.Seq, lo.HLC, lo.HLC, lo.Device, hi.HLC, hi.HLC, hi.Device).Scan(&n); err != nil {
		return Change{}, false, err
	}
	return s, n == 0, nil
}

// lockCache answers, for one batch, the cheap question whether an op could
// touch approved minutes at all: whether its meeting was ever approved.
type lockCache struct {
	approved map[string]bool     // meeting id → some op approved it
	meetings map[string][]string // item id → every meeting it was on
	fresh    map[string]bool     // the batch's op ids
}

// approvedSince tells whether this replica held, before the batch, an
// approval of the meeting that sorts after op c: c is then an edit of
// minutes approved since, however its author stamped it (a backdated
// edit, or one made offline before the approval that arrives after it),
// and is refused like any edit of approved minutes.
func (lc *lockCache) approvedSince(ctx context.Context, tx *sql.Tx, meeting string, c Change, except string) (bool, error) {
	ops, err := list(ctx, tx, scanChange, "SELECT "+changeCols+" FROM changes WHERE NOT "+before+" AND tbl = ?3 AND row_id = ?4 AND field = 'status' AND value = ?5",
		c.HLC, c.Device, meetingsT.name, meeting, string(model.MeetingApproved))
	if err != nil {
		return false, err
	}
	for _, o := range ops {
		if !lc.fresh[o.ID()] && o.ID() != c.ID() && o.ID() != except {
			return true, nil
		}
	}
	return false, nil
}

func (lc *lockCache) mayBeLocked(ctx context.Context, tx *sql.Tx, c Change) (bool, error) {
	var ids []string
	switch c.Table {
	case meetingsT.name:
		ids = []string{c.Row}
	case itemsT.name:
		ms, err := lc.itemMeetings(ctx, tx, c.Row)
		if err != nil {
			return false, err
		}
		ids = ms
	case attachT.name:
		ms, err := lc.attachMeetings(ctx, tx, c)
		if err != nil {
			return false, err
		}
		ids = ms
	default:
		return false, nil
	}
	for _, id := range ids {
		a, ok := lc.approved[id]
		if !ok {
			var n int
			err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM changes WHERE tbl = ? AND row_id = ? AND field = 'status' AND value = ?",
				meetingsT.name, id, string(model.MeetingApproved)).Scan(&n)
			if err != nil {
				return false, err
			}
			a = n > 0
			lc.approved[id] = a
		}
		if a {
			return true, nil
		}
	}
	return false, nil
}

// itemMeetings lists every meeting an agenda item was ever on.
func (lc *lockCache) itemMeetings(ctx context.Context, tx *sql.Tx, item string) ([]string, error) {
	ms, ok := lc.meetings[item]
	if ok {
		return ms, nil
	}
	ms, err := everValues(ctx, tx, itemsT.name, item, "meeting_id")
	if err != nil {
		return nil, err
	}
	lc.meetings[item] = ms
	return ms, nil
}

// everValues lists, as text, every value a field of a row was ever given
// in the ops held.
func everValues(ctx context.Context, tx *sql.Tx, table, row, field string) ([]string, error) {
	return list(ctx, tx, func(s scanner) (string, error) {
		var v any
		err := s.Scan(&v)
		return fmt.Sprint(textOf(v)), err
	}, "SELECT DISTINCT value FROM changes WHERE tbl = ? AND row_id = ? AND field = ?", table, row, field)
}

// attachMeetings lists the meetings an attachment's agenda item was ever
// on (none for a project's or a wish's attachment).
func (lc *lockCache) attachMeetings(ctx context.Context, tx *sql.Tx, c Change) ([]string, error) {
	owners, err := everValues(ctx, tx, attachT.name, c.Row, "owner_id")
	if err != nil {
		return nil, err
	}
	if c.Field == "owner_id" {
		owners = append(owners, fmt.Sprint(c.Value))
	}
	var out []string
	for _, item := range owners {
		ms, err := lc.itemMeetings(ctx, tx, item)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}

// checkLocked refuses an edit or delete of approved minutes that is not
// an erasure. Locked is decided against the state this replica holds: the
// minutes are approved as of the op in replay order, or the op sorts
// before an approval held before the batch (backdated, or made offline
// before it). A status op away from "godkendt" that sorts before such an
// approval is no reopening (a reopening has seen the approval, so it is
// stamped after it) and is refused too.
func (lc *lockCache) checkLocked(ctx context.Context, tx *sql.Tx, c Change) error {
	var meetings []string
	switch c.Table {
	case meetingsT.name:
		if c.Field == "status" {
			if sameValue(c.Value, string(model.MeetingApproved)) {
				return nil // approving
			}
			since, err := lc.approvedSince(ctx, tx, c.Row, c, "")
			if err != nil || !since {
				return err // reopening, or a status of open minutes
			}
			return fmt.Errorf("%w: %w: %s, feltet »%s«: ændringen er ældre end godkendelsen af referatet; genåbn referatet først",
				ErrRefused, ErrLocked, rowLabel(ctx, tx, c.Table, c.Row), model.FieldName(c.Table, c.Field))
		}
		meetings = []string{c.Row}
	case itemsT.name:
		// The meeting the item is on before the op, and the one it moves to.
		if m, ok, err := lastBefore(ctx, tx, itemsT.name, c.Row, "meeting_id", c); err != nil {
			return err
		} else if ok {
			meetings = append(meetings, fmt.Sprint(m.Value))
		}
		if c.Field == "meeting_id" {
			meetings = append(meetings, fmt.Sprint(c.Value))
		}
	case attachT.name:
		// An attachment of an agenda item is part of its minutes: the
		// meetings its item was ever on.
		ms, err := lc.attachMeetings(ctx, tx, c)
		if err != nil {
			return err
		}
		meetings = ms
	default:
		return nil
	}
	for _, m := range meetings {
		var locked, late bool
		s, licensed, err := lc.savedWithStatus(ctx, tx, m, c)
		if err != nil {
			return err
		}
		if licensed {
			// Saved with the approval or the reopening: locked only by
			// another approval held that sorts after it.
			late, err = lc.approvedSince(ctx, tx, m, c, s.ID())
			locked = late
		} else {
			st, ok, lerr := lastBefore(ctx, tx, meetingsT.name, m, "status", c)
			if lerr != nil {
				return lerr
			}
			locked = ok && st.Value == string(model.MeetingApproved)
			if !locked {
				late, err = lc.approvedSince(ctx, tx, m, c, "")
				locked = late
			}
		}
		if err != nil {
			return err
		}
		if !locked {
			continue
		}
		if c.Field == "" {
			return fmt.Errorf("%w: %w: %s kan kun slettes, når mødet er genåbnet",
				ErrRefused, ErrLocked, rowLabel(ctx, tx, c.Table, c.Row))
		}
		// What the op is measured against: the field as of the op in
		// replay order, or, for an op older than an approval held, the
		// field as this replica holds it.
		prev, err := valueBefore(ctx, tx, c)
		if late {
			prev, err = lc.valueHeld(ctx, tx, c)
		}
		if err != nil {
			return err
		}
		if sameValue(prev, c.Value) {
			continue
		}
		p, ok1 := prev.(string)
		v, ok2 := c.Value.(string)
		if ok1 && ok2 && model.ScrubbedOnly(p, v) {
			continue // an erasure: names replaced, nothing else
		}
		return fmt.Errorf("%w: %w: %s, feltet »%s«, kan kun ændres, når mødet er genåbnet",
			ErrRefused, ErrLocked, rowLabel(ctx, tx, c.Table, c.Row), model.FieldName(c.Table, c.Field))
	}
	return nil
}

// valueHeld is what a field held before the batch: the replay of its ops
// but the batch's.
func (lc *lockCache) valueHeld(ctx context.Context, tx *sql.Tx, c Change) (any, error) {
	ops, err := list(ctx, tx, func(s scanner) (fieldOp, error) {
		var o fieldOp
		err := s.Scan(&o.v.hlc, &o.v.device, &o.seq, &o.value, &o.base)
		o.value = textOf(o.value)
		return o, err
	}, "SELECT hlc, device, seq, value, base FROM changes WHERE tbl = ? AND row_id = ? AND field = ? ORDER BY hlc, device",
		c.Table, c.Row, c.Field)
	if err != nil {
		return nil, err
	}
	held := ops[:0]
	for _, o := range ops {
		if !lc.fresh[o.id()] {
			held = append(held, o)
		}
	}
	if len(held) == 0 {
		return nil, nil
	}
	return replayField(held, ruleOf(c.Table, c.Field)).value, nil
}

// valueBefore is what a field held as of op c: the replay of its ops that
// sort before c, a merge of concurrent edits included, whether or not they
// are stored in the row yet (a first import, or one push carrying both an
// edit and the erasure made on it).
func valueBefore(ctx context.Context, tx *sql.Tx, c Change) (any, error) {
	ops, err := list(ctx, tx, func(s scanner) (fieldOp, error) {
		var o fieldOp
		err := s.Scan(&o.v.hlc, &o.v.device, &o.seq, &o.value, &o.base)
		o.value = textOf(o.value)
		return o, err
	}, "SELECT hlc, device, seq, value, base FROM changes WHERE "+before+" AND tbl = ?3 AND row_id = ?4 AND field = ?5 ORDER BY hlc, device",
		c.HLC, c.Device, c.Table, c.Row, c.Field)
	if err != nil || len(ops) == 0 {
		return nil, err
	}
	return replayField(ops, ruleOf(c.Table, c.Field)).value, nil
}

// erasedField is what an erasure writes to a personal field of the
// registry (a member's name and contacts, a proposer's).
func erasedField(table, field string) (string, bool) {
	if f, ok := model.FieldOf(table, field); ok && f.Personal {
		return f.Erased, true
	}
	return "", false
}

// scrubValue is an op's value after an erasure's value for it: the two
// texts with every name either erased, erased (model.ScrubMeet), so that
// erasures commute and none brings back a name another removed; false when
// the erasure's value is no erasure of the held one.
func scrubValue(table, field, held, erased string) (string, bool) {
	if held == erased {
		return held, true
	}
	if v, ok := erasedField(table, field); ok {
		return v, erased == v || held == v
	}
	return model.ScrubMeet(held, erased)
}

// checkScrubOp refuses an erasure that rewrites a held op into more than
// the same text with names erased. Ops it names that are not held yet are
// checked when they come (rescrub leaves such a value out).
func checkScrubOp(ctx context.Context, tx *sql.Tx, c Change) error {
	values, err := parseScrub(c)
	if err != nil {
		return err
	}
	for id, v := range values {
		dev, seq, _ := parseOpID(id)
		o, err := scanChange(tx.QueryRowContext(ctx, "SELECT "+changeCols+" FROM changes WHERE device = ? AND seq = ? AND council_id = ? AND "+scrubbable, dev, seq, c.Council))
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		held, _ := o.Value.(string)
		if _, ok := scrubValue(o.Table, o.Field, held, v); !ok {
			return fmt.Errorf("%w: sletningen af persondata ændrer mere end et navn: %s, feltet »%s« (%s)",
				ErrRefused, rowLabel(ctx, tx, o.Table, o.Row), model.FieldName(o.Table, o.Field), id)
		}
	}
	return nil
}

// checkErasure refuses, on the erasing device, a rewrite its receivers
// would refuse: an erasure must replace names and nothing else.
func checkErasure(table, field, before, after string) error {
	if _, ok := scrubValue(table, field, before, after); ok {
		return nil
	}
	return fmt.Errorf("navnet kan ikke slettes automatisk fra %s, feltet »%s«: skriv navnet, som det står i teksten (med stort begyndelsesbogstav), eller ret teksten i hånden",
		model.TableNoun(table), model.FieldName(table, field))
}

// checkLockedField refuses a local write of a field of approved minutes
// (resolving a conflict by keeping a value), which the hub would refuse.
func (w *writer) checkLockedField(table, row, field string) error {
	switch table {
	case meetingsT.name:
		if approvalField(field) {
			return nil
		}
		return w.checkUnlocked(row)
	case itemsT.name:
		var meeting string
		err := w.tx.QueryRowContext(w.ctx, "SELECT meeting_id FROM agenda_items WHERE id = ?", row).Scan(&meeting)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := w.checkUnlocked(meeting); !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}

// approvalField tells whether a meeting's field is one approving or
// reopening writes on its own (the status), which approved minutes do not
// lock. When, by whom and at which meeting they were approved are locked
// with the minutes: they change only in the same save as the status
// (approving or reopening, see savedWithStatus), or by an erasure of a
// name; a lone op clearing the approval's date is refused.
func approvalField(field string) bool {
	return field == "status"
}
