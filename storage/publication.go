package storage

import (
	"context"
	"errors"

	"lokalraad/model"
)

// The council's choice of a public page (issue 14), council data synced to
// the hub, which serves the page.

var pubT = tableOf("publications")

func pubRecord(p *model.Publication) record {
	return pubT.record(p.ID, p.CouncilID, boolInt(p.Enabled), boolInt(p.Meetings), boolInt(p.Minutes), boolInt(p.Plan), p.Intro, boolInt(p.Budget))
}

func scanPub(s scanner) (p model.Publication, err error) {
	var en, me, mi, pl, bu int64
	err = s.Scan(&p.ID, &p.CouncilID, &en, &me, &mi, &pl, &p.Intro, &bu)
	p.Enabled, p.Meetings, p.Minutes, p.Plan, p.Budget = en != 0, me != 0, mi != 0, pl != 0, bu != 0
	return p, err
}

// Publication is the council's public page setting: the zero value (off)
// with CouncilID set when it never chose.
func (db *DB) Publication(councilID string) (model.Publication, error) {
	p, err := one(context.Background(), db.sql, scanPub, pubT.selectSQL()+" WHERE council_id = ? ORDER BY id LIMIT 1", councilID)
	if errors.Is(err, ErrNotFound) {
		return model.Publication{CouncilID: councilID}, nil
	}
	return p, err
}

// SavePublication creates or updates the council's public page setting.
func (db *DB) SavePublication(loaded model.Publication, p *model.Publication) error {
	err := db.save(p, &p.ID, p.CouncilID, pubRecord(&loaded), func() record { return pubRecord(p) }, nil)
	return reread(db, loaded.ID, err, p, p.ID, pubT, scanPub)
}
