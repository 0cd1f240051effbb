package storage

// The year's locks at the door (issue 14): what a local edit cannot do to
// the council's year, an op from another replica cannot do either.
//
//   - The accounts of a year approved at the generalforsamling
//     (accounts_years.approved set): no line of the year (account_entries)
//     is edited, deleted, moved out of the year or into it, and the year's
//     record keeps its year and opening balance. Approving, un-approving
//     (the council's way to a correction), the approving meeting and the
//     note stay open. An approval carries nothing with it: an op after it
//     in the batch is judged with the year approved.
//   - A receipt (an attachment whose owner is an accounts line) goes with
//     its line: attached to, changed on or removed from a line of an
//     approved year, it is refused; it must hang on a line of its own
//     council that the receiver holds.
//   - The development plan of a year gone by (dev_plans, focus_areas,
//     plan_actions), as model.PlanReadOnly says by the receiver's clock:
//     a year is gone when the receiver's Danish date is after 31 December
//     of it; the sender's clock is not asked.
//
// Each op is judged against the state the receiver holds, not against the
// op's stamp: every op it held before the batch, and the ops of the batch
// before it, each field replayed last writer wins (HLC, then device). A
// backdated edit of an approved year is refused like any other, and an
// un-approval stamped before the approval it would undo undoes nothing.
//
// Who sends such ops: any council device of the council (the hub's door
// has checked the author), a staff device, or a laptop importing a
// bundle of them. None may break the locks; the council lifts an
// accounts lock by un-approving, and a plan of a year gone by stays.
//
// The hub judges "gone by" by its clock when an op arrives: it took the
// plan's history in its year and refuses whatever comes after. A laptop
// importing a bundle gets that history later, so it refuses a plan op of
// a year gone by only when the op is stamped after the year (and the
// allowed skew): no honest hub could have taken it then. An op stamped
// within the year it cannot tell from one whose author set its clock
// back; the hub has judged those.
//
// A field op on a line, record, plan or part of a plan the receiver holds
// no year (or plan) for is refused too: its date (year, plan) was refused
// or never sent, and what is left would be a row of no year.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"lokalraad/model"
)

// HeldOps reads the ops a receiver held before a batch came: what the
// year's locks need of a store (SQLite here, PostgreSQL in
// storage/postgres).
type HeldOps interface {
	// RowOps returns the held ops of the named fields of one row.
	RowOps(ctx context.Context, table, row string, fields []string) ([]Change, error)
	// TableOps returns the held ops of the named fields of every row of
	// one council's table.
	TableOps(ctx context.Context, table, council string, fields []string) ([]Change, error)
}

// lockFields are the fields the locks read of each table: what places a
// row in a year, and its title for messages.
var lockFields = map[string][]string{
	"account_entries": {"date", "text"},
	"accounts_years":  {"year", "approved"},
	"dev_plans":       {"year"},
	"focus_areas":     {"plan_id", "title"},
	"plan_actions":    {"plan_id", "what"},
	"attachments":     {"owner_kind", "owner_id", "name"},
}

// yearLockError is a refusal by the year's locks: ErrRefused (so
// ErrBadChange: the batch is refused whole, and a laptop sets the op
// aside) and kind, ErrAccountsApproved or ErrOldPlan.
type yearLockError struct {
	msg  string
	kind error
}

func (e *yearLockError) Error() string   { return e.msg }
func (e *yearLockError) Unwrap() []error { return []error{ErrRefused, e.kind} }

// CheckYearLocks refuses the first op of batch (in the order it came)
// that breaks the year's locks, judged against held and the batch's ops
// before it; now is the receiver's clock, and hub says whether the
// receiver is the hub (see the package comment above on plans).
func CheckYearLocks(ctx context.Context, held HeldOps, batch []Change, now time.Time, hub bool) error {
	y := &yearLocks{ctx: ctx, held: held, batch: batch, now: now, hub: hub,
		rows: map[rowKey][]Change{}, inBatch: map[rowKey][]int{}, accYears: map[string][]Change{}, yearOps: map[string][]int{}}
	relevant := false
	for i, c := range batch {
		if _, ok := lockFields[c.Table]; !ok {
			continue
		}
		relevant = true
		k := rowKey{c.Table, c.Row}
		y.inBatch[k] = append(y.inBatch[k], i)
		if c.Table == accYearsT.name {
			y.yearOps[c.Council] = append(y.yearOps[c.Council], i)
		}
	}
	if !relevant {
		return nil
	}
	for i, c := range batch {
		var err error
		switch c.Table {
		case entriesT.name:
			err = y.entry(i, c)
		case accYearsT.name:
			err = y.accountsYear(i, c)
		case plansT.name:
			err = y.plan(i, c)
		case focusT.name, planActionT.name:
			err = y.planPart(i, c)
		case attachT.name:
			err = y.attachment(i, c)
		}
		if err != nil {
			return refusing(c, err)
		}
	}
	return nil
}

type yearLocks struct {
	ctx      context.Context
	held     HeldOps
	batch    []Change
	now      time.Time
	hub      bool
	rows     map[rowKey][]Change // held ops of a row's lockFields
	inBatch  map[rowKey][]int    // the batch's ops of a row, by position
	accYears map[string][]Change // a council's held accounts_years ops (year, approved)
	yearOps  map[string][]int    // the batch's accounts_years ops of a council
}

// later tells whether o replays after best: last writer by (HLC, device).
func later(o, best Change) bool {
	return o.HLC > best.HLC || o.HLC == best.HLC && o.Device > best.Device
}

// value is a field as the receiver holds it before the batch's op i.
func (y *yearLocks) value(table, row, field string, i int) (any, bool, error) {
	o, ok, err := y.op(table, row, field, i)
	return o.Value, ok, err
}

// heldOps are the held ops of a row's lockFields.
func (y *yearLocks) heldOps(table, row string) ([]Change, error) {
	k := rowKey{table, row}
	held, ok := y.rows[k]
	if !ok {
		var err error
		if held, err = y.held.RowOps(y.ctx, table, row, lockFields[table]); err != nil {
			return nil, err
		}
		y.rows[k] = held
	}
	return held, nil
}

// op is the op that gives a field its value as the receiver holds it
// before the batch's op i.
func (y *yearLocks) op(table, row, field string, i int) (Change, bool, error) {
	k := rowKey{table, row}
	held, err := y.heldOps(table, row)
	if err != nil {
		return Change{}, false, err
	}
	var best Change
	found := false
	pick := func(o Change) {
		if o.Field == field && (!found || later(o, best)) {
			best, found = o, true
		}
	}
	for _, o := range held {
		pick(o)
	}
	for _, j := range y.inBatch[k] {
		if j >= i {
			break
		}
		pick(y.batch[j])
	}
	return best, found, nil
}

// label names a row for a message: "regnskabslinjen »Kaffe«".
func (y *yearLocks) label(table, row string, i int) string {
	f := lockFields[table]
	if v, ok, err := y.value(table, row, f[len(f)-1], i); err == nil && ok {
		if s, _ := v.(string); s != "" {
			if r := []rune(s); len(r) > 60 {
				s = string(r[:60]) + "…"
			}
			return fmt.Sprintf("%s »%s«", model.TableNoun(table), s)
		}
	}
	return model.TableNoun(table)
}

// what names the op's change for a message.
func (y *yearLocks) what(c Change, i int) string {
	label := y.label(c.Table, c.Row, i)
	if f := lockFields[c.Table]; c.Field == f[len(f)-1] && label == model.TableNoun(c.Table) {
		if s, _ := c.Value.(string); s != "" { // the op writes the title
			label = fmt.Sprintf("%s »%.60s«", label, s)
		}
	}
	if c.Field == "" {
		return label + " kan ikke slettes"
	}
	return fmt.Sprintf("%s, feltet »%s«", label, model.FieldName(c.Table, c.Field))
}

// yearOf reads the year of a date ("2026-03-01") or a year (2026).
func yearOf(v any) (int, bool) {
	switch x := v.(type) {
	case int64:
		return int(x), x != 0
	case string:
		if len(x) >= 4 {
			n, err := strconv.Atoi(x[:4])
			return n, err == nil
		}
	}
	return 0, false
}

// years lists the years an op of a row touches: the one the row is in
// before it, and the one field moves it to. A row whose field is not here
// (refused or not sent) is in no year: an op on another of its fields is
// refused as kind, saying why.
func (y *yearLocks) years(c Change, i int, field string, kind error, why string) ([]int, error) {
	v, has, err := y.value(c.Table, c.Row, field, i)
	if err != nil {
		return nil, err
	}
	if !has && c.Field != field && c.Field != "" {
		return nil, y.refuseOrphan(c, i, kind, why)
	}
	var out []int
	if n, ok := yearOf(v); has && ok {
		out = append(out, n)
	}
	if c.Field == field {
		if n, ok := yearOf(c.Value); ok {
			out = append(out, n)
		}
	}
	return out, nil
}

// approved tells whether council's accounts of year are approved before
// the batch's op i: a record of the year has its approval set.
func (y *yearLocks) approved(council string, year, i int) (bool, error) {
	held, ok := y.accYears[council]
	if !ok {
		var err error
		if held, err = y.held.TableOps(y.ctx, accYearsT.name, council, []string{"year", "approved"}); err != nil {
			return false, err
		}
		y.accYears[council] = held
	}
	type rec struct{ year, approved Change }
	recs := map[string]*rec{}
	pick := func(o Change) {
		r := recs[o.Row]
		if r == nil {
			r = &rec{}
			recs[o.Row] = r
		}
		switch o.Field {
		case "year":
			if r.year.Device == "" || later(o, r.year) {
				r.year = o
			}
		case "approved":
			if r.approved.Device == "" || later(o, r.approved) {
				r.approved = o
			}
		}
	}
	for _, o := range held {
		pick(o)
	}
	for _, j := range y.yearOps[council] {
		if j >= i {
			break
		}
		pick(y.batch[j])
	}
	for _, r := range recs {
		if n, ok := yearOf(r.year.Value); ok && n == year {
			if s, _ := r.approved.Value.(string); s != "" {
				return true, nil
			}
		}
	}
	return false, nil
}

func (y *yearLocks) refuseApproved(c Change, i, year int) error {
	return &yearLockError{kind: ErrAccountsApproved, msg: fmt.Sprintf("%s: %s: regnskabet for %d er godkendt på generalforsamlingen og kan kun ændres, når godkendelsen er fjernet",
		ErrRefused, y.what(c, i), year)}
}

func (y *yearLocks) refuseOrphan(c Change, i int, kind error, why string) error {
	return &yearLockError{kind: kind, msg: fmt.Sprintf("%s: %s: %s", ErrRefused, y.what(c, i), why)}
}

// entry: a line of the accounts.
func (y *yearLocks) entry(i int, c Change) error {
	years, err := y.years(c, i, "date", ErrAccountsApproved, "linjen har ingen dato (datoen er afvist eller ikke sendt) og hører derfor ikke til noget regnskabsår")
	if err != nil {
		return err
	}
	for _, n := range years {
		if a, err := y.approved(c.Council, n, i); err != nil || a {
			return errors.Join(err, y.refuseApproved(c, i, n))
		}
	}
	return nil
}

// attachment: a file attached to an accounts line (its receipt, owner
// kind "entry") is part of the line. Attaching, changing or removing it
// is an edit of the line, refused when the line's year is approved, as
// the line itself would be. The line must be one the receiver holds, of
// the attachment's own council: a receipt hung on another council's line,
// or on a line never sent, is refused.
//
// The row's owner is read from every op of it the receiver holds and
// every op of it in the batch, wherever it stands: one save writes the
// kind before the line's id, and an owner given anywhere in the batch is
// an owner the row claims. An owner id that names a line is judged as a
// line's receipt whatever kind the op claims. The one edit of a receipt
// of an approved year that passes is an erasure's: the file name with
// names replaced and nothing else.
func (y *yearLocks) attachment(i int, c Change) error {
	held, err := y.heldOps(c.Table, c.Row)
	if err != nil {
		return err
	}
	ops := append([]Change{}, held...)
	for _, j := range y.inBatch[rowKey{c.Table, c.Row}] {
		ops = append(ops, y.batch[j])
	}
	entry := false
	var owners []string
	for _, o := range ops {
		s, _ := o.Value.(string)
		switch o.Field {
		case "owner_kind":
			entry = entry || s == string(model.OwnerEntry)
		case "owner_id":
			if s != "" && !slices.Contains(owners, s) {
				owners = append(owners, s)
			}
		}
	}
	if entry && len(owners) == 0 && c.Field != "" {
		return y.refuseOrphan(c, i, ErrAccountsApproved, "bilaget hører til en regnskabslinje, men ikke til nogen bestemt")
	}
	for _, owner := range owners {
		d, has, err := y.op(entriesT.name, owner, "date", i)
		if err != nil {
			return err
		}
		if !has {
			if entry {
				return y.refuseOrphan(c, i, ErrAccountsApproved, "regnskabslinjen, bilaget skal høre til, findes ikke her (den er afvist eller ikke sendt)")
			}
			continue
		}
		if d.Council != c.Council {
			return y.refuseOrphan(c, i, ErrAccountsApproved, "regnskabslinjen, bilaget skal høre til, hører til et andet råd")
		}
		if n, ok := yearOf(d.Value); ok {
			if a, err := y.approved(c.Council, n, i); err != nil || a {
				if err == nil && c.Field == "name" {
					// An erasure of a person (storage/privacy.go) renames
					// the file, names replaced and nothing else: it passes,
					// as it does on approved minutes.
					prev, _, perr := y.value(c.Table, c.Row, "name", i)
					p, ok1 := prev.(string)
					v, ok2 := c.Value.(string)
					if perr == nil && ok1 && ok2 && (p == v || model.ScrubbedOnly(p, v)) {
						continue
					}
				}
				return errors.Join(err, y.refuseApproved(c, i, n))
			}
		}
	}
	return nil
}

// accountsYear: a year's record; its year and opening balance are locked.
func (y *yearLocks) accountsYear(i int, c Change) error {
	switch c.Field {
	case "approved", "meeting_id", "note":
		return nil // approving, un-approving, and what is said of it
	}
	years, err := y.years(c, i, "year", ErrAccountsApproved, "årsregnskabet har intet år")
	if err != nil {
		return err
	}
	for _, n := range years {
		if a, err := y.approved(c.Council, n, i); err != nil || a {
			if err != nil {
				return err
			}
			if c.Field == "" {
				return y.refuseApproved(c, i, n)
			}
			return &yearLockError{kind: ErrAccountsApproved, msg: fmt.Sprintf("%s: %s: regnskabet for %d er godkendt på generalforsamlingen og kan kun ændres, når godkendelsen er fjernet",
				ErrRefused, fmt.Sprintf("årsregnskabet for %d, feltet »%s«", n, model.FieldName(c.Table, c.Field)), n)}
		}
	}
	return nil
}

// past tells whether op c may not touch a plan of year (see the package
// comment: the hub by its clock, a laptop by the op's stamp too).
func (y *yearLocks) past(year int, c Change) bool {
	if !model.PlanReadOnly(year, y.now) {
		return false
	}
	if y.hub {
		return true
	}
	end := time.Date(year+1, time.January, 1, 0, 0, 0, 0, model.Copenhagen).Add(MaxClockSkew)
	return time.UnixMilli(c.HLC >> 16).After(end)
}

func (y *yearLocks) refuseOld(c Change, i, year int) error {
	what := y.what(c, i)
	if c.Table == plansT.name {
		what = fmt.Sprintf("udviklingsplanen for %d", year)
		if c.Field == "" {
			what += " kan ikke slettes"
		} else {
			what += fmt.Sprintf(", feltet »%s«", model.FieldName(c.Table, c.Field))
		}
	}
	return &yearLockError{kind: ErrOldPlan, msg: fmt.Sprintf("%s: %s: udviklingsplanen for %d er fra et år, der er gået, og kan ikke ændres; lav årets plan som en kopi",
		ErrRefused, what, year)}
}

// plan: a development plan.
func (y *yearLocks) plan(i int, c Change) error {
	years, err := y.years(c, i, "year", ErrOldPlan, "udviklingsplanen har intet år")
	if err != nil {
		return err
	}
	for _, n := range years {
		if y.past(n, c) {
			return y.refuseOld(c, i, n)
		}
	}
	return nil
}

// planPart: a focus area or an action of a plan.
func (y *yearLocks) planPart(i int, c Change) error {
	v, has, err := y.value(c.Table, c.Row, "plan_id", i)
	if err != nil {
		return err
	}
	if !has && c.Field != "plan_id" && c.Field != "" {
		return y.refuseOrphan(c, i, ErrOldPlan, "den hører ikke til nogen udviklingsplan")
	}
	var plans []string
	if s, _ := v.(string); has && s != "" {
		plans = append(plans, s)
	}
	if s, _ := c.Value.(string); c.Field == "plan_id" && s != "" {
		plans = append(plans, s)
	}
	for _, p := range plans {
		yv, ok, err := y.value(plansT.name, p, "year", i)
		if err != nil {
			return err
		}
		if n, isYear := yearOf(yv); ok && isYear && y.past(n, c) {
			return y.refuseOld(c, i, n)
		}
	}
	return nil
}

// heldTx is what a SQLite replica held before a batch: its change log
// but the batch's new ops (already written to it by applyOps).
type heldTx struct {
	tx    *sql.Tx
	fresh map[string]bool
}

func (h heldTx) query(ctx context.Context, where string, args []any, fields []string) ([]Change, error) {
	q := "SELECT " + changeCols + " FROM changes WHERE " + where + " AND field IN (?" + strings.Repeat(", ?", len(fields)-1) + ")"
	for _, f := range fields {
		args = append(args, f)
	}
	ops, err := list(ctx, h.tx, scanChange, q, args...)
	if err != nil {
		return nil, err
	}
	out := ops[:0]
	for _, o := range ops {
		if !h.fresh[o.ID()] {
			out = append(out, o)
		}
	}
	return out, nil
}

func (h heldTx) RowOps(ctx context.Context, table, row string, fields []string) ([]Change, error) {
	return h.query(ctx, "tbl = ? AND row_id = ?", []any{table, row}, fields)
}

func (h heldTx) TableOps(ctx context.Context, table, council string, fields []string) ([]Change, error) {
	// +council_id: read by the table (changes_field), a few ops a year,
	// not by the council's whole log.
	return h.query(ctx, "tbl = ? AND +council_id = ?", []any{table, council}, fields)
}

type hubKey struct{}

// atHub marks a context whose ops arrive at the hub (see CheckYearLocks).
func atHub(ctx context.Context) context.Context { return context.WithValue(ctx, hubKey{}, true) }
