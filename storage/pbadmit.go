package storage

// Borgerbudget at the door: the round's locks on ops from other replicas,
// for the SQLite hub and a laptop importing a bundle (admit.go) and the
// hub on PostgreSQL (storage/postgres/admit.go), which share AdmitPB.
//
// Who may send what: any device of the council may write its rounds,
// proposals, ballots and totals (the municipality's cost on a proposal,
// adjusted_cost, only a staff device: the registry says so and the
// exchange checks it). What no device may send, because no local edit
// could make it (storage/borgerbudget.go), is decided against the round
// the receiver HOLDS, never against the op's stamp, so that a backdated
// op or one made offline on an old copy is refused all the same:
//
//   - once the held round is in afstemning or resultat: an op changing one
//     of its rules (model.RuleColumns), moving its phase back, or deleting
//     it; once in resultat, changing its lot (tie_order);
//   - once voting opened: a proposal's number, cost, the municipality's
//     cost, status or round changed, a proposal added, or one deleted;
//   - a ballot or a total (any field, or a delete) unless the round is in
//     afstemning;
//   - a proposal, ballot or total of one council that names (round_id) or
//     writes to a round of another: a device may sign only its own
//     council's rows, but a row names its round by id, so a device of
//     council B could hang a row on council A's round (deleting such a
//     stray row passes: it is no part of the round);
//   - a total (but its delete) on a round that takes no totals
//     (totals_mode off, as held, else as the batch gives it).
//
// A value equal to the one held passes (a resent save). When the receiver
// holds no round yet (a laptop's first import of a bundle), the round's
// phase is the one the batch itself gives as of the op (replay order).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"lokalraad/model"
)

// PBHeld tells what a receiver holds of a field of a row before the
// batch: its value, and false when it holds none. The pseudo-field
// "council_id" is the row's council.
type PBHeld func(table, row, field string) (any, bool, error)

// pbCouncilField is PBHeld's pseudo-field of a row's council.
const pbCouncilField = "council_id"

// pbLockedProposalFields are a proposal's fields fixed once voting opened.
var pbLockedProposalFields = []string{"round_id", "number", "cost", "adjusted_cost", "status"}

// AdmitPB refuses, whole, a batch with an op on a round, proposal, ballot
// or total that the round's locks forbid (see above). held reads what the
// receiver holds; label names a row for the message.
func AdmitPB(batch []Change, held PBHeld, label func(Change) string) error {
	for _, c := range batch {
		var err error
		switch c.Table {
		case pbRoundsT.name:
			err = admitPBRound(batch, held, c)
		case pbProposalsT.name:
			err = admitPBCouncil(batch, held, c)
			if err == nil && (c.Field == "" || slices.Contains(pbLockedProposalFields, c.Field)) {
				err = admitPBFixed(batch, held, c, pbProposalsT.name, ErrPBVotingOpen)
			}
		case pbBallotsT.name, pbTotalsT.name:
			err = admitPBCouncil(batch, held, c)
			if err == nil {
				err = admitPBVote(batch, held, c)
			}
			if err == nil && c.Table == pbTotalsT.name {
				err = admitPBTotals(batch, held, c)
			}
		default:
			continue
		}
		if err != nil {
			where := label(c)
			if c.Field != "" {
				where += fmt.Sprintf(", feltet »%s«", model.FieldName(c.Table, c.Field))
			}
			return refusing(c, fmt.Errorf("%w: %s: %w", ErrRefused, where, err))
		}
	}
	return nil
}

// batchBefore is the op of a field in the batch that sorts last before c.
func batchBefore(batch []Change, table, row, field string, c Change) (Change, bool) {
	var best Change
	found := false
	for _, o := range batch {
		if o.Table != table || o.Row != row || o.Field != field || !(o.HLC < c.HLC || o.HLC == c.HLC && o.Device < c.Device) {
			continue
		}
		if !found || o.HLC > best.HLC || o.HLC == best.HLC && o.Device > best.Device {
			best, found = o, true
		}
	}
	return best, found
}

// pbValueAsOf is a field's value as of op c: the held one, else the
// batch's last before c.
func pbValueAsOf(batch []Change, held PBHeld, table, row, field string, c Change) (any, bool, error) {
	v, ok, err := held(table, row, field)
	if err != nil || ok {
		return v, ok, err
	}
	o, ok := batchBefore(batch, table, row, field, c)
	return o.Value, ok, nil
}

func pbLocked(p string) bool {
	return p == string(model.PhaseVoting) || p == string(model.PhaseResult)
}

// pbPhaseAsOf is the round's phase that op c is judged by: the held
// phase once voting opened there; else the batch's phase as of c (a
// batch that opens voting and then brings ballots), else the held one.
func pbPhaseAsOf(batch []Change, held PBHeld, round string, c Change) (string, bool, error) {
	hv, hok, err := held(pbRoundsT.name, round, "phase")
	if err != nil {
		return "", false, err
	}
	h := fmt.Sprint(textOf(hv))
	if hok && pbLocked(h) {
		return h, true, nil
	}
	if o, ok := batchBefore(batch, pbRoundsT.name, round, "phase", c); ok {
		return fmt.Sprint(textOf(o.Value)), true, nil
	}
	return h, hok, nil
}

// pbRoundOf is the round a proposal, ballot or total belongs to: as held,
// else as the batch gives it.
func pbRoundOf(batch []Change, held PBHeld, table, row string) (string, bool, error) {
	v, ok, err := held(table, row, "round_id")
	if err != nil || ok {
		return fmt.Sprint(textOf(v)), ok, err
	}
	var best Change
	found := false
	for _, o := range batch {
		if o.Table == table && o.Row == row && o.Field == "round_id" && (!found || o.HLC > best.HLC || o.HLC == best.HLC && o.Device > best.Device) {
			best, found = o, true
		}
	}
	return fmt.Sprint(textOf(best.Value)), found, nil
}

func admitPBRound(batch []Change, held PBHeld, c Change) error {
	phase, known, err := pbPhaseAsOf(batch, held, c.Row, c)
	if err != nil || !known || !pbLocked(phase) {
		return err
	}
	switch {
	case c.Field == "":
		return ErrPBRoundOpen
	case c.Field == "phase":
		if slices.Index(model.PBPhases, model.PBPhase(fmt.Sprint(c.Value))) < slices.Index(model.PBPhases, model.PBPhase(phase)) {
			return model.ErrPhaseBack
		}
		return nil
	case slices.Contains(model.RuleColumns, c.Field):
		return admitPBSame(batch, held, c, pbRoundsT.name, model.ErrRulesLocked)
	case c.Field == "tie_order" && phase == string(model.PhaseResult):
		return admitPBSame(batch, held, c, pbRoundsT.name, model.NewError(model.Locked, "resultatet er offentliggjort, så lodtrækningen kan ikke ændres"))
	}
	return nil
}

// admitPBSame passes op c only when it writes the value held (or, for a
// row not held, the batch's value before it).
func admitPBSame(batch []Change, held PBHeld, c Change, table string, refuse error) error {
	if c.Field == "" {
		return refuse
	}
	v, ok, err := pbValueAsOf(batch, held, table, c.Row, c.Field, c)
	if err != nil {
		return err
	}
	if ok && sameValue(textOf(v), textOf(c.Value)) {
		return nil
	}
	return refuse
}

// admitPBFixed refuses a change of a proposal's fixed field, or its
// delete, once its round's voting opened.
func admitPBFixed(batch []Change, held PBHeld, c Change, table string, refuse error) error {
	return eachPBRound(batch, held, c, func(round string) error {
		phase, known, err := pbPhaseAsOf(batch, held, round, c)
		if err != nil || !known || !pbLocked(phase) {
			return err
		}
		return admitPBSame(batch, held, c, table, refuse)
	})
}

// pbRoundsOf are the rounds op c touches: the row's round, and for a
// move (round_id) the round it moves to.
func pbRoundsOf(batch []Change, held PBHeld, c Change) ([]string, error) {
	var out []string
	round, ok, err := pbRoundOf(batch, held, c.Table, c.Row)
	if err != nil {
		return nil, err
	}
	if ok {
		out = append(out, round)
	}
	if c.Field == "round_id" {
		out = append(out, fmt.Sprint(textOf(c.Value)))
	}
	return out, nil
}

// eachPBRound runs check on every round op c touches (pbRoundsOf) and
// returns the first error, of reading or of check.
func eachPBRound(batch []Change, held PBHeld, c Change, check func(round string) error) error {
	rounds, err := pbRoundsOf(batch, held, c)
	if err != nil {
		return err
	}
	for _, round := range rounds {
		if err := check(round); err != nil {
			return err
		}
	}
	return nil
}

// pbRoundCouncil is a round's council: as held, else as the batch's ops
// on the round give it.
func pbRoundCouncil(batch []Change, held PBHeld, round string) (string, bool, error) {
	v, ok, err := held(pbRoundsT.name, round, pbCouncilField)
	if err != nil || ok {
		return fmt.Sprint(textOf(v)), ok, err
	}
	for _, o := range batch {
		if o.Table == pbRoundsT.name && o.Row == round {
			return o.Council, true, nil
		}
	}
	return "", false, nil
}

// admitPBCouncil refuses an op of a proposal, ballot or total whose round
// (as held or given, or the one it moves to) is another council's. A
// round known nowhere is judged when it comes: reads keep to the round's
// council all the same (storage/borgerbudget.go ofRoundsCouncil).
func admitPBCouncil(batch []Change, held PBHeld, c Change) error {
	if c.Field == "" {
		return nil
	}
	return eachPBRound(batch, held, c, func(round string) error {
		council, known, err := pbRoundCouncil(batch, held, round)
		if err == nil && known && council != c.Council {
			err = ErrPBOtherCouncil
		}
		return err
	})
}

// admitPBTotals refuses a total's op on a round that takes no totals.
func admitPBTotals(batch []Change, held PBHeld, c Change) error {
	if c.Field == "" {
		return nil
	}
	return eachPBRound(batch, held, c, func(round string) error {
		// The batch's rule as of c first: a batch may turn totals on and
		// then open voting and bring totals.
		var err error
		o, known := batchBefore(batch, pbRoundsT.name, round, "totals_mode", c)
		v := o.Value
		if !known {
			if v, known, err = held(pbRoundsT.name, round, "totals_mode"); err != nil {
				return err
			}
		}
		if known && fmt.Sprint(textOf(v)) != "1" {
			return ErrPBNotTotals
		}
		return nil
	})
}

// admitPBVote refuses a ballot's or a total's op unless its round is in
// afstemning.
func admitPBVote(batch []Change, held PBHeld, c Change) error {
	return eachPBRound(batch, held, c, func(round string) error {
		phase, known, err := pbPhaseAsOf(batch, held, round, c)
		if err == nil && known && phase != string(model.PhaseVoting) {
			err = ErrPBNotVoting
		}
		return err
	})
}

// admitPB runs AdmitPB on the SQLite replica: what it holds is its rows,
// which the batch has not touched yet (admit runs before they are
// brought up to date).
func admitPB(ctx context.Context, tx *sql.Tx, fresh []Change) error {
	some := false
	for _, c := range fresh {
		switch c.Table {
		case pbRoundsT.name, pbProposalsT.name, pbBallotsT.name, pbTotalsT.name:
			some = true
		}
	}
	if !some {
		return nil
	}
	held := func(table, row, field string) (any, bool, error) {
		if _, ok := model.FieldOf(table, field); !ok && field != pbCouncilField {
			return nil, false, fmt.Errorf("%s.%s is no field", table, field)
		}
		var v any
		err := tx.QueryRowContext(ctx, "SELECT "+field+" FROM "+table+" WHERE id = ?", row).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, false, nil
		}
		return textOf(v), err == nil, err
	}
	return AdmitPB(fresh, held, func(c Change) string { return rowLabel(ctx, tx, c.Table, c.Row) })
}
