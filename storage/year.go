package storage

// The council's year (issue 14): its årshjul's yearly rules. They are
// council data, written through the change log like any row, so they
// sync and are signed.

import (
	"context"
	"time"

	"lokalraad/model"
)

func yearRuleRecord(r *model.YearRule) record {
	return rulesT.record(r.ID, r.CouncilID, r.Title, r.Category, string(r.Kind), int64(r.Month), int64(r.Day),
		int64(r.Weekday), int64(r.Nth), int64(r.NoticeDays), r.Note)
}

func scanYearRule(s scanner) (r model.YearRule, err error) {
	var kind string
	var weekday int64
	err = s.Scan(&r.ID, &r.CouncilID, &r.Title, &r.Category, &kind, &r.Month, &r.Day, &weekday, &r.Nth, &r.NoticeDays, &r.Note)
	r.Kind, r.Weekday = model.YearRuleKind(kind), time.Weekday(weekday)
	return r, err
}

// YearRules lists a council's yearly rules in the order they fall.
func (db *DB) YearRules(councilID string) ([]model.YearRule, error) {
	out, err := list(context.Background(), db.sql, scanYearRule, rulesT.selectSQL()+" WHERE council_id = ? ORDER BY id", councilID)
	model.SortYearRules(out)
	return out, err
}

// SaveYearRule creates or updates a yearly rule, edited from loaded (the
// zero value for a new rule).
func (db *DB) SaveYearRule(loaded model.YearRule, r *model.YearRule) error {
	err := db.save(r, &r.ID, r.CouncilID, yearRuleRecord(&loaded), func() record { return yearRuleRecord(r) }, nil)
	return reread(db, loaded.ID, err, r, r.ID, rulesT, scanYearRule)
}

// DeleteYearRule deletes a yearly rule.
func (db *DB) DeleteYearRule(id string) error {
	return db.write(context.Background(), func(w *writer) error { return w.remove(rulesT.name, id) })
}

// YearWheel gathers a council's year: its rules, members, meetings,
// projects and applications, and the municipality's pools and deadlines,
// as model.YearWheel reads them.
func (db *DB) YearWheel(councilID string) (model.YearWheelInput, error) {
	var in model.YearWheelInput
	d, err := db.CouncilData(councilID)
	if err != nil {
		return in, err
	}
	in.Rules, in.Members, in.Meetings, in.Applications, in.Projects = d.YearRules, d.Members, d.Meetings, d.Applications, d.Projects
	if in.Pools, err = db.Pools(); err != nil {
		return in, err
	}
	in.Municipal, err = db.Deadlines()
	return in, err
}
