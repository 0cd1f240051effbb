package storage

import (
	"context"
	"errors"

	"lokalraad/model"
)

// The council's choice of a public page (issue 14), council data synced to
// the hub, which serves the page.

var pubT = pubD.table

var (
	pubD = describe("publications", func(p *model.Publication) *string { return &p.ID },
		func(p *model.Publication) *string { return &p.CouncilID }, nil,
		boolCol("enabled", func(p *model.Publication) *bool { return &p.Enabled }),
		boolCol("meetings", func(p *model.Publication) *bool { return &p.Meetings }),
		boolCol("minutes", func(p *model.Publication) *bool { return &p.Minutes }),
		boolCol("plan", func(p *model.Publication) *bool { return &p.Plan }),
		textCol("intro", func(p *model.Publication) *string { return &p.Intro }),
		boolCol("budget", func(p *model.Publication) *bool { return &p.Budget }),
	)
)

// Publication is the council's public page setting: the zero value (off)
// with CouncilID set when it never chose.
func (db *DB) Publication(ctx context.Context, councilID string) (model.Publication, error) {
	p, err := one(ctx, db.sql(), pubD.scan, pubT.selectSQL()+" WHERE council_id = ? ORDER BY id LIMIT 1", councilID)
	if errors.Is(err, ErrNotFound) {
		return model.Publication{CouncilID: councilID}, nil
	}
	return p, err
}

// SavePublication creates or updates the council's public page setting.
func (db *DB) SavePublication(ctx context.Context, loaded model.Publication, p *model.Publication) error {
	return saveRow(ctx, db, pubD, loaded, p, nil)
}
