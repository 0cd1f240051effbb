package storage_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/demo"
)

// What local edits write, the rules at the door take: every op of the demo
// council, a generated year of a council and the municipality's data,
// written through the Save methods, passes model.CheckField, and a fresh
// replica imports them all with the rules on.
func TestLocalEditsPassTheRules(t *testing.T) {
	db, _ := openTemp(t)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	_, err := demo.Council(t.Context(), db, now)
	must(t, err)
	must(t, demo.Large(t.Context(), db, now, demo.LargeSize{Councils: 1, Years: 1}, nil))
	must(t, db.SavePool(t.Context(), model.Pool{}, &model.Pool{Name: "Fællesskabspuljen", Available: 200_000_00, MaxPerApp: 20_000_00, OpenAllYear: true}))
	must(t, db.SaveDeadline(t.Context(), model.MunicipalDeadline{}, &model.MunicipalDeadline{Title: "Høringssvar", Date: now, Kind: "Budgethøring"}))
	must(t, db.SaveContact(t.Context(), model.Contact{}, &model.Contact{Name: "Ida Ørsted", Email: "ida@holbaek.dk", Areas: []string{"Jyderup", "Tornved"}}))
	must(t, db.SaveAnnouncement(t.Context(), model.Announcement{}, &model.Announcement{Title: "Nyt fra kommunen", Text: "Tekst\n", Date: now}))
	cs, err := db.Councils(t.Context())
	must(t, err)
	must(t, db.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: cs[0].ID, Name: strings.Repeat("Å", model.MaxShort), Role: model.RoleMember, Email: " karen@example.dk "}))
	ops, err := db.CouncilOps(context.Background(), "")
	must(t, err)
	n := 0
	for _, o := range ops {
		if o.Field == "" || !model.HasFieldRule(o.Table, o.Field) {
			continue
		}
		n++
		if err := model.CheckField(o.Table, o.Field, o.Value); err != nil {
			t.Errorf("%s.%s = %.40v: %v", o.Table, o.Field, o.Value, err)
		}
	}
	if n < 1000 {
		t.Errorf("only %d ops checked", n)
	}
	fresh, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "fresh.db"))
	must(t, err)
	defer fresh.Close()
	if _, err := fresh.ApplyOps(context.Background(), ops); err != nil {
		t.Errorf("a fresh replica refuses the local edits: %v", err)
	}
}
