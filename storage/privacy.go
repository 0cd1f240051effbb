package storage

import (
	"context"
	"errors"

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
		for _, r := range recs {
			ok, err := w.put(r)
			if err != nil {
				return err
			}
			if ok {
				changed++
			}
			if err := w.scrubLog(r.table, r.id, name); err != nil {
				return err
			}
		}
		return nil
	})
	return changed, err
}

// scrubLog anonymises the person's name in the past values the change log
// keeps for one row.
func (w *writer) scrubLog(table, id, name string) error {
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
		}
	}
	return nil
}
