package storage_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

// syncAll gives replica to every op replica from holds.
func syncAll(t *testing.T, from, to *storage.DB) {
	t.Helper()
	ops, err := from.CouncilOps(context.Background(), "")
	must(t, err)
	_, err = to.ApplyOps(context.Background(), ops)
	must(t, err)
}

// staleEdit is the case every Save guards against: x is stored here and
// on another replica; the other replica changes it (theirs) and a sync
// brings that here; then an edit made here on x as loaded before the sync
// (ours) is saved. It returns the row as stored, and checks that the
// stale x saved as a new row is refused rather than written whole.
func staleEdit[T any](t *testing.T, db *storage.DB, x T, save func(db *storage.DB, ctx context.Context, loaded T, x *T) error, theirs, ours func(*T)) T {
	t.Helper()
	other, _ := openTemp(t)
	syncAll(t, db, other)
	there := storage.Overwriting(t.Context(), other, x)
	edited := there
	theirs(&edited)
	must(t, save(other, t.Context(), there, &edited))
	syncAll(t, other, db)

	var zero T
	blind := x
	if err := save(db, t.Context(), zero, &blind); !errors.Is(err, storage.ErrNotLoaded) {
		t.Errorf("a stale row saved as new: %v, want ErrNotLoaded", err)
	}
	mine := x
	ours(&mine)
	must(t, save(db, t.Context(), x, &mine))
	got := storage.Overwriting(t.Context(), db, x)
	if !reflect.DeepEqual(mine, got) {
		t.Errorf("the saved value is not read back: %+v, stored %+v", mine, got)
	}
	return got
}

func TestEverySaveKeepsWhatChangedMeanwhile(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	m := newMeeting(t, db, c.ID, fixedNow)
	day := time.Date(2027, 3, 1, 0, 0, 0, 0, model.Copenhagen)

	t.Run("council", func(t *testing.T) {
		got := staleEdit(t, db, c, (*storage.DB).SaveCouncil,
			func(c *model.Council) { c.Area = "Jyderup og Skarresø" },
			func(c *model.Council) { c.Name = "Jyderup-Skarresø Lokalråd" })
		if got.Area != "Jyderup og Skarresø" || got.Name != "Jyderup-Skarresø Lokalråd" {
			t.Errorf("stored %+v", got)
		}
	})
	t.Run("member", func(t *testing.T) {
		x := model.Member{CouncilID: c.ID, Name: "Karen", Role: model.RoleMember}
		must(t, db.SaveMember(t.Context(), model.Member{}, &x))
		got := staleEdit(t, db, x, (*storage.DB).SaveMember,
			func(m *model.Member) { m.Phone, m.Role = "20 11 22 33", model.RoleChair },
			func(m *model.Member) { m.Email = "karen@example.dk" })
		if got.Phone != "20 11 22 33" || got.Role != model.RoleChair || got.Email != "karen@example.dk" {
			t.Errorf("stored %+v", got)
		}
	})
	t.Run("meeting", func(t *testing.T) {
		got := staleEdit(t, db, m, (*storage.DB).SaveMeeting,
			func(m *model.Meeting) { m.Place = "Skarresø Kro" },
			func(m *model.Meeting) { m.Title = "Ekstraordinært møde" })
		if got.Place != "Skarresø Kro" || got.Title != "Ekstraordinært møde" {
			t.Errorf("stored %+v", got)
		}
	})
	t.Run("agenda item", func(t *testing.T) {
		x := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Økonomi", Kind: model.ItemInformation, Notes: "Linje 1\nLinje 2\nLinje 3\n"}
		must(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &x))
		got := staleEdit(t, db, x, (*storage.DB).SaveAgendaItem,
			func(it *model.AgendaItem) {
				it.Kind, it.Notes = model.ItemDecision, "Linje 1\nLinje 2\nLinje 3 (Søren)\n"
			},
			func(it *model.AgendaItem) { it.Title, it.Notes = "Regnskab", "Linje 1 (Karen)\nLinje 2\nLinje 3\n" })
		if got.Kind != model.ItemDecision || got.Title != "Regnskab" || got.Notes != "Linje 1 (Karen)\nLinje 2\nLinje 3 (Søren)\n" {
			t.Errorf("stored %+v", got)
		}
	})
	t.Run("action item", func(t *testing.T) {
		x := model.ActionItem{CouncilID: c.ID, MeetingID: m.ID, What: "Book salen"}
		must(t, db.SaveActionItem(t.Context(), model.ActionItem{}, &x))
		got := staleEdit(t, db, x, (*storage.DB).SaveActionItem,
			func(a *model.ActionItem) { a.Due = day },
			func(a *model.ActionItem) { a.Who, a.Done = "Mette", true })
		if !got.Due.Equal(day) || got.Who != "Mette" || !got.Done || got.DoneAt.IsZero() {
			t.Errorf("stored %+v", got)
		}
	})
	p := model.Project{CouncilID: c.ID, Title: "Shelter", Status: model.ProjectStatuses[0]}
	must(t, db.SaveProject(t.Context(), model.Project{}, &p))
	t.Run("project", func(t *testing.T) {
		got := staleEdit(t, db, p, (*storage.DB).SaveProject,
			func(p *model.Project) { p.Progress, p.Description = 40, "Ved mosen." },
			func(p *model.Project) { p.Title = "Shelter ved mosen" })
		if got.Progress != 40 || got.Description != "Ved mosen." || got.Title != "Shelter ved mosen" {
			t.Errorf("stored %+v", got)
		}
	})
	t.Run("budget line", func(t *testing.T) {
		x := model.BudgetLine{CouncilID: c.ID, ProjectID: p.ID, Text: "Træ", Kind: model.LineExpense, Amount: 1000_00}
		must(t, db.SaveBudgetLine(t.Context(), model.BudgetLine{}, &x))
		got := staleEdit(t, db, x, (*storage.DB).SaveBudgetLine,
			func(l *model.BudgetLine) { l.Amount = 120_000_00 },
			func(l *model.BudgetLine) { l.Text = "Træ og skruer" })
		if got.Amount != 120_000_00 || got.Text != "Træ og skruer" {
			t.Errorf("stored %+v", got)
		}
	})
	t.Run("funding application", func(t *testing.T) {
		x := model.FundingApplication{CouncilID: c.ID, ProjectID: p.ID, Pool: "Udviklingspuljen", Status: model.ApplicationDraft}
		must(t, db.SaveFundingApplication(t.Context(), model.FundingApplication{}, &x))
		got := staleEdit(t, db, x, (*storage.DB).SaveFundingApplication,
			func(a *model.FundingApplication) { a.Applied = 50_000_00 },
			func(a *model.FundingApplication) { a.VolunteerHours = 40 })
		if got.Applied != 50_000_00 || got.VolunteerHours != 40 {
			t.Errorf("stored %+v", got)
		}
	})
	t.Run("budget wish", func(t *testing.T) {
		x := model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: "Sti", Status: model.WishDraft}
		must(t, db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &x))
		got := staleEdit(t, db, x, (*storage.DB).SaveBudgetWish,
			func(w *model.BudgetWish) { w.Estimate = 250_000_00 },
			func(w *model.BudgetWish) { w.Title = "Ny sti til skolen" })
		if got.Estimate != 250_000_00 || got.Title != "Ny sti til skolen" {
			t.Errorf("stored %+v", got)
		}
	})
	t.Run("pool", func(t *testing.T) {
		x := model.Pool{Name: "Puljen", OpenAllYear: true}
		must(t, db.SavePool(t.Context(), model.Pool{}, &x))
		got := staleEdit(t, db, x, (*storage.DB).SavePool,
			func(p *model.Pool) { p.Available = 300_000_00 },
			func(p *model.Pool) { p.Name = "Landsbypuljen" })
		if got.Available != 300_000_00 || got.Name != "Landsbypuljen" {
			t.Errorf("stored %+v", got)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		x := model.MunicipalDeadline{Title: "Frist", Date: day}
		must(t, db.SaveDeadline(t.Context(), model.MunicipalDeadline{}, &x))
		got := staleEdit(t, db, x, (*storage.DB).SaveDeadline,
			func(d *model.MunicipalDeadline) { d.Description = "Send ønskerne." },
			func(d *model.MunicipalDeadline) { d.Title = "Budgetønsker 2028" })
		if got.Description != "Send ønskerne." || got.Title != "Budgetønsker 2028" {
			t.Errorf("stored %+v", got)
		}
	})
	t.Run("contact", func(t *testing.T) {
		x := model.Contact{Name: "Anne"}
		must(t, db.SaveContact(t.Context(), model.Contact{}, &x))
		got := staleEdit(t, db, x, (*storage.DB).SaveContact,
			func(c *model.Contact) { c.Phone = "59 53 00 00" },
			func(c *model.Contact) { c.Email = "anne@kalundborg.dk" })
		if got.Phone != "59 53 00 00" || got.Email != "anne@kalundborg.dk" {
			t.Errorf("stored %+v", got)
		}
	})
	t.Run("announcement", func(t *testing.T) {
		x := model.Announcement{Title: "Nyt", Date: day}
		must(t, db.SaveAnnouncement(t.Context(), model.Announcement{}, &x))
		got := staleEdit(t, db, x, (*storage.DB).SaveAnnouncement,
			func(a *model.Announcement) { a.Text = "Puljen åbner 1. marts." },
			func(a *model.Announcement) { a.Title = "Ny pulje" })
		if got.Text != "Puljen åbner 1. marts." || got.Title != "Ny pulje" {
			t.Errorf("stored %+v", got)
		}
	})
}

// A save whose loaded value is another row is refused.
func TestSaveRefusesAnotherRowAsLoaded(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	a := model.Member{CouncilID: c.ID, Name: "Karen", Role: model.RoleMember}
	b := model.Member{CouncilID: c.ID, Name: "Søren", Role: model.RoleMember}
	must(t, db.SaveMember(t.Context(), model.Member{}, &a))
	must(t, db.SaveMember(t.Context(), model.Member{}, &b))
	x := b
	x.Name = "Karen"
	if err := db.SaveMember(t.Context(), a, &x); err == nil {
		t.Error("saved with another row as loaded")
	}
	if got := storage.Overwriting(t.Context(), db, b); got.Name != "Søren" {
		t.Errorf("stored %+v", got)
	}
}
