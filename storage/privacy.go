package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"lokalraad/model"
)

// PersonData collects everything a council keeps about a person, by name.
func (db *DB) PersonData(councilID, name string) (*model.PersonReport, error) {
	d, err := db.CouncilData(councilID)
	if err != nil {
		return nil, err
	}
	return model.FindPerson(d, name), nil
}

// ErasePerson removes a person from a council on their request: their
// board record loses name and contact details, and every mention becomes
// "tidligere medlem" — also in approved minutes, which are otherwise locked,
// and in the values the change log keeps. The erasure is written as
// ordinary changes, so sync carries it to every replica. It returns how
// many rows changed.
func (db *DB) ErasePerson(councilID, name string) (int, error) {
	if len(name) < 2 {
		return 0, errors.New("skriv personens fulde navn")
	}
	report, err := db.PersonData(councilID, name)
	if err != nil {
		return 0, err
	}
	erased := report.Erase()
	var recs []record
	for i := range erased.Members {
		recs = append(recs, memberRecord(&erased.Members[i]))
	}
	for i := range erased.Attended {
		recs = append(recs, meetingRecord(&erased.Attended[i]))
	}
	for i := range erased.Actions {
		recs = append(recs, actionRecord(&erased.Actions[i]))
	}
	for i := range erased.Mentions {
		recs = append(recs, itemRecord(&erased.Mentions[i]))
	}
	for i := range erased.Projects {
		recs = append(recs, projectRecord(&erased.Projects[i]))
	}
	for i := range erased.Wishes {
		recs = append(recs, wishRecord(&erased.Wishes[i]))
	}
	changed := 0
	err = db.write(context.Background(), func(w *writer) error {
		scrubbed := map[string]any{}
		for _, r := range recs {
			ok, err := w.put(r)
			if err != nil {
				return err
			}
			if ok {
				changed++
			}
			if err := w.scrubLog(r.table, r.id, name, scrubbed); err != nil {
				return err
			}
		}
		if len(scrubbed) == 0 {
			return nil
		}
		// The other replicas rewrite the same past values when this op
		// reaches them. It names ops and their new values, not the person.
		body, err := json.Marshal(scrubbed)
		if err != nil {
			return err
		}
		return w.log(scrubTable, newID(), councilID, "ops", string(body))
	})
	return changed, err
}

// scrubTable is the pseudo-table of erasures: an op on it carries new
// values for past ops of the change log ({"device:seq": value}), so that an
// erased person's name leaves every replica's history, not only its
// current data.
const scrubTable = "sync_scrub"

// applyScrub rewrites the past values an erasure op names, in ops of its
// council only. Ops not held here are skipped.
func applyScrub(ctx context.Context, tx *sql.Tx, c Change) error {
	s, _ := c.Value.(string)
	var values map[string]any
	if err := json.Unmarshal([]byte(s), &values); err != nil {
		return fmt.Errorf("%w: sletning af persondata: %v", ErrBadChange, err)
	}
	for id, v := range values {
		dev, seq, ok := parseOpID(id)
		if !ok {
			return fmt.Errorf("%w: sletning af persondata: ugyldigt id %q", ErrBadChange, id)
		}
		if _, ok := v.(string); !ok {
			return fmt.Errorf("%w: sletning af persondata: forkert type", ErrBadChange)
		}
		// Only texts are rewritten, and never the municipality's answers.
		if _, err := tx.ExecContext(ctx, `UPDATE changes SET value = ? WHERE device = ? AND seq = ? AND council_id = ? AND field <> ''
			AND typeof(value) = 'text' AND NOT (tbl = 'budget_wishes' AND field IN ('answer', 'answer_text', 'granted', 'status'))`,
			v, dev, seq, c.Council); err != nil {
			return err
		}
	}
	return nil
}

// scrubLog anonymises the person's name in the past values the change log
// keeps for one row, noting each rewritten op in scrubbed.
func (w *writer) scrubLog(table, id, name string, scrubbed map[string]any) error {
	type op struct {
		device       string
		seq          int64
		value, field string
	}
	ops, err := list(w.ctx, w.tx, func(s scanner) (op, error) {
		var o op
		return o, s.Scan(&o.device, &o.seq, &o.value, &o.field)
	}, "SELECT device, seq, value, field FROM changes WHERE tbl = ? AND row_id = ? AND typeof(value) = 'text'", table, id)
	if err != nil {
		return err
	}
	for _, o := range ops {
		v := model.Anonymise(o.value, name, model.FormerMember)
		if table == membersT.name {
			switch o.field {
			case "name":
				v = "Tidligere medlem"
			case "phone", "email":
				v = ""
			}
		}
		if v != o.value {
			if _, err := w.tx.ExecContext(w.ctx, "UPDATE changes SET value = ? WHERE device = ? AND seq = ?", v, o.device, o.seq); err != nil {
				return err
			}
			scrubbed[opID(o.device, o.seq)] = v
		}
	}
	return nil
}
