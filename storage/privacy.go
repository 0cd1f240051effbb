package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"lokalraad/model"
)

// PersonData collects everything a council keeps about a person, by name.
func (db *DB) PersonData(ctx context.Context, councilID, name string) (*model.PersonReport, error) {
	d, err := db.CouncilData(ctx, councilID)
	if err != nil {
		return nil, err
	}
	r := model.FindPerson(d, name)
	ps, err := list(ctx, db.sql(), pbProposalD.scan, pbProposalsT.selectSQL()+" WHERE council_id = ? ORDER BY round_id, number, id", councilID)
	if err != nil {
		return nil, err
	}
	r.AddProposals(ps)
	return r, nil
}

// ErasePerson removes a person from a council on their request: their
// board record loses name and contact details, and every mention becomes
// "tidligere medlem" — also in approved minutes, which are otherwise locked,
// and in the values the change log keeps. The erasure is written as
// ordinary changes, so sync carries it to every replica. It returns how
// many rows changed.
func (db *DB) ErasePerson(ctx context.Context, councilID, name string) (int, error) {
	if len(name) < 2 {
		return 0, errors.New("skriv personens fulde navn")
	}
	report, err := db.PersonData(ctx, councilID, name)
	if err != nil {
		return 0, err
	}
	erased := report.Erase()
	recs := slices.Concat(
		memberD.records(erased.Members),
		meetingD.records(erased.Attended),
		actionD.records(erased.Actions),
		itemD.records(erased.Mentions),
		projectD.records(erased.Projects),
		wishD.records(erased.Wishes),
		attachD.records(erased.Attachments),
	)
	// A proposal the person handed in loses its proposer's name and
	// contact, also in the log's past values; one that only mentions them
	// keeps its (other) proposer's.
	keepPersonal := map[string]bool{}
	for i := range erased.Proposals {
		recs = append(recs, pbProposalD.record(&erased.Proposals[i]))
		if !report.Proposer(report.Proposals[i]) {
			keepPersonal[erased.Proposals[i].ID] = true
		}
	}
	changed := 0
	err = db.write(ctx, func(w *writer) error {
		scrubbed := map[string]any{}
		fields := map[fieldKey]bool{}
		for _, r := range recs {
			if err := w.checkErasureRecord(r); err != nil {
				return err
			}
			ok, err := w.put(r)
			if err != nil {
				return err
			}
			if ok {
				changed++
			}
			if err := w.scrubLog(r.table, r.id, name, !keepPersonal[r.id], scrubbed, fields); err != nil {
				return err
			}
		}
		return w.logScrub(db, councilID, scrubbed, fields)
	})
	if err == nil && len(erased.Attachments) > 0 {
		// The copies opened in the viewer carry the old file names.
		db.dropViewCopies()
	}
	return changed, err
}

// scrubTable is the pseudo-table of erasures: an op on it carries new
// values for past ops of the change log ({"device:seq": value}), so that an
// erased person's name leaves every replica's history, not only its
// current data.
const scrubTable = "sync_scrub"

// scrubbable is the SQL condition on the ops of the change log an erasure
// may rewrite: texts of fields (not deletes, not other erasures), and
// never what the municipality writes on a council's row (the registry's
// municipal columns). The erasing device and every replica use the same
// condition; scrubbableChange is it for one op.
var scrubbable = func() string {
	cond := `field <> '' AND typeof(value) = 'text' AND tbl NOT IN ('sync_scrub', 'sync_conflicts')`
	for _, e := range model.Entities() {
		var cols []string
		for _, f := range e.Fields {
			if f.Municipal() {
				cols = append(cols, "'"+f.Column+"'")
			}
		}
		if len(cols) > 0 {
			cond += fmt.Sprintf("\n\tAND NOT (tbl = '%s' AND field IN (%s))", e.Table, strings.Join(cols, ", "))
		}
	}
	return cond
}()

// parseScrub reads the new values an erasure op names.
func parseScrub(c Change) (map[string]string, error) {
	s, _ := c.Value.(string)
	var values map[string]any
	if err := json.Unmarshal([]byte(s), &values); err != nil {
		return nil, fmt.Errorf("%w: sletning af persondata: %v", ErrBadChange, err)
	}
	out := make(map[string]string, len(values))
	for id, v := range values {
		if _, _, ok := parseOpID(id); !ok {
			return nil, fmt.Errorf("%w: sletning af persondata: ugyldigt id %q", ErrBadChange, id)
		}
		sv, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%w: sletning af persondata: forkert type", ErrBadChange)
		}
		out[id] = sv
	}
	return out, nil
}

// rescrub gives the new ops, and the ops named by new erasure ops, the
// value every erasure of their council that names them leaves: each
// erasure's value is met with the held one (scrubValue: every name either
// erased stays erased), so erasures commute, an older erasure arriving
// late brings no name back, and an op that arrives after the erasure that
// names it is rewritten too. An erasure's value that is no erasure of the
// op's (admit refuses it when the op is held) is left out. It returns the
// ops whose value changed.
func (db *DB) rescrub(ctx context.Context, tx *sql.Tx, fresh []Change) ([]Change, error) {
	erasable := func(c Change) bool {
		return c.Table != conflictsTable && (c.Table == scrubTable || c.Field != "")
	}
	// The councils first, and a council's ops only where it has erasures
	// (seldom): copying every op of a first pull cost 4.5 MB a pull.
	var councils []string
	for _, c := range fresh {
		if erasable(c) && !slices.Contains(councils, c.Council) {
			councils = append(councils, c.Council)
		}
	}
	sort.Strings(councils)
	var out []Change
	for _, council := range councils {
		// By table first: erasures are few, a council's ops many.
		scrubs, err := list(ctx, tx, scanChange, "SELECT "+changeCols+" FROM changes INDEXED BY changes_field WHERE tbl = ? AND council_id = ? ORDER BY hlc, device", scrubTable, council)
		if err != nil {
			return nil, err
		}
		if len(scrubs) == 0 {
			continue
		}
		erasures := map[string][]string{}
		for _, sc := range scrubs {
			values, err := parseScrub(sc)
			if err != nil {
				return nil, err
			}
			for id, v := range values {
				erasures[id] = append(erasures[id], v)
			}
		}
		var ops []Change
		for _, c := range fresh {
			if erasable(c) && c.Council == council {
				ops = append(ops, c)
			}
		}
		ids, err := ErasedOpIDs(ops, erasures)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			dev, seq, _ := parseOpID(id)
			c, err := scanChange(tx.QueryRowContext(ctx, "SELECT "+changeCols+" FROM changes WHERE device = ? AND seq = ? AND council_id = ? AND "+scrubbable, dev, seq, council))
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return nil, err
			}
			held, _ := c.Value.(string)
			v := held
			for _, e := range erasures[id] {
				if m, ok := scrubValue(c.Table, c.Field, v, e); ok {
					v = m
				}
			}
			if v == held {
				continue
			}
			if _, err := tx.ExecContext(ctx, "UPDATE changes SET value = ? WHERE device = ? AND seq = ?", v, dev, seq); err != nil {
				return nil, err
			}
			// This device's own ops always carry a signature of their value
			// (others' keep their author's; see VerifyOps), and the hub
			// endorses what it erased, so that a laptop new to the op takes
			// it from a bundle.
			if err := db.resignWhere(ctx, tx, "device = ? AND seq = ?", dev, seq); err != nil {
				return nil, err
			}
			c.Value = v
			if dev != db.self() && db.isHub() {
				if err := db.endorse(ctx, tx, c); err != nil {
					return nil, err
				}
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// logScrub logs the erasure op that names the ops scrubLog rewrote
// (scrubbed), if any: the other replicas rewrite the same past values
// when it reaches them. It names ops and their new values, not the
// person. The rewritten fields are replayed as every replica will replay
// them, so that kept conflicts lose the name here too.
func (w *writer) logScrub(db *DB, councilID string, scrubbed map[string]any, fields map[fieldKey]bool) error {
	if len(scrubbed) == 0 {
		return nil
	}
	// An erasure of a person named in years of minutes names hundreds of
	// saved versions of them: it is written as several ops, each at most
	// maxErasureOp bytes on the wire (an entry bigger alone goes alone), so
	// that none passes the hub's bound on one op (exchange.MaxOpBytes) and
	// is set aside, leaving the name in every other replica's history.
	// Each entry is an op's new value on its own, so the ops are
	// independent of each other, as erasures by different people are.
	chunk, size := map[string]any{}, 2
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		body, err := json.Marshal(chunk)
		if err != nil {
			return err
		}
		chunk, size = map[string]any{}, 2
		return w.log(scrubTable, newID(), councilID, "ops", string(body))
	}
	for _, id := range slices.Sorted(maps.Keys(scrubbed)) {
		entry, err := json.Marshal(map[string]any{id: scrubbed[id]})
		if err != nil {
			return err
		}
		n := jsonStringLen(string(entry))
		if len(chunk) > 0 && size+n > maxErasureOp {
			if err := flush(); err != nil {
				return err
			}
		}
		chunk[id], size = scrubbed[id], size+n
	}
	if err := flush(); err != nil {
		return err
	}
	return db.refreshFields(w.ctx, w.tx, councilID, fields)
}

// maxErasureOp bounds the value of one erasure op (its JSON text as the
// wire carries it): a quarter of the hub's default bound on one op.
const maxErasureOp = 256 << 10

// scrubLog anonymises the person's name in the past values the change log
// keeps for one row, noting each rewritten op in scrubbed and its field in
// fields. With personal, the row's personal fields (model.Field.Personal)
// are the person's and become their erased value whatever they held;
// without, they belong to someone else and are left as they are.
func (w *writer) scrubLog(table, id, name string, personal bool, scrubbed map[string]any, fields map[fieldKey]bool) error {
	type op struct {
		device       string
		seq          int64
		value, field string
	}
	ops, err := list(w.ctx, w.tx, func(s scanner) (op, error) {
		var o op
		return o, s.Scan(&o.device, &o.seq, &o.value, &o.field)
	}, "SELECT device, seq, value, field FROM changes WHERE tbl = ? AND row_id = ? AND "+scrubbable, table, id)
	if err != nil {
		return err
	}
	for _, o := range ops {
		v := o.value
		if name != "" {
			v = model.Anonymise(o.value, name, model.FormerMember)
		}
		if table == attachT.name && o.field == "name" && name != "" {
			v = model.EraseFromFileName(o.value, name)
		}
		if e, ok := erasedField(table, o.field); ok {
			if !personal {
				continue
			}
			v = e
		}
		if v != o.value {
			if err := checkErasure(table, o.field, o.value, v); err != nil {
				return err
			}
			if err := w.rewriteLogged(fieldKey{table, id, o.field}, o.device, o.seq, v, scrubbed, fields); err != nil {
				return err
			}
		}
	}
	return nil
}

// rewriteLogged gives the logged op device:seq of field k its erased
// value v, noting it in scrubbed (for logScrub's erasure op) and its field
// in fields.
func (w *writer) rewriteLogged(k fieldKey, device string, seq int64, v string, scrubbed map[string]any, fields map[fieldKey]bool) error {
	if _, err := w.tx.ExecContext(w.ctx, "UPDATE changes SET value = ? WHERE device = ? AND seq = ?", v, device, seq); err != nil {
		return err
	}
	if err := w.db.resignWhere(w.ctx, w.tx, "device = ? AND seq = ?", device, seq); err != nil {
		return err
	}
	scrubbed[opID(device, seq)] = v
	fields[k] = true
	return nil
}

// checkErasureRecord refuses an erasure's new values for a row that its
// receivers would refuse (see checkErasure).
func (w *writer) checkErasureRecord(r record) error {
	for _, f := range r.fields {
		after, ok := f.value.(string)
		if !ok {
			continue
		}
		var have any
		err := w.tx.QueryRowContext(w.ctx, "SELECT "+f.name+" FROM "+r.table+" WHERE id = ?", r.id).Scan(&have)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if before, ok := textOf(have).(string); ok && before != after {
			if err := checkErasure(r.table, f.name, before, after); err != nil {
				return err
			}
		}
	}
	return nil
}

// ErasedOpIDs lists, sorted, the ids of the ops a council's batch concerns
// (its own ops, and those its erasures name) that an erasure held rewrites
// (erasures: op id → the names erased from it). Both hubs use it.
func ErasedOpIDs(batch []Change, erasures map[string][]string) ([]string, error) {
	want := map[string]bool{}
	for _, c := range batch {
		if c.Table != scrubTable {
			want[c.ID()] = true
			continue
		}
		values, err := parseScrub(c)
		if err != nil {
			return nil, err
		}
		for id := range values {
			want[id] = true
		}
	}
	ids := make([]string, 0, len(want))
	for id := range want {
		if _, ok := erasures[id]; ok {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids, nil
}
