package storage_test

import (
	"context"
	"slices"
	"testing"

	"lokalraad/model"
)

// A pulled page says which tables its new ops touched, each once, so the
// screens showing nothing of them are left alone; ops already held touch
// nothing, and the page's new ops count as before.
func TestApplyPulledPageSaysWhichTablesChanged(t *testing.T) {
	ctx := context.Background()
	a, _ := openTemp(t)
	b, _ := openTemp(t)
	c := newCouncil(t, a)
	m := model.Member{CouncilID: c.ID, Name: "Karen Østergaard", Role: model.RoleChair}
	must(t, a.SaveMember(model.Member{}, &m))
	w := model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: "Ny sti", Status: model.WishDraft}
	must(t, a.SaveBudgetWish(model.BudgetWish{}, &w))

	ops, err := a.CouncilOps(ctx, c.ID)
	must(t, err)
	got, err := b.ApplyPulledPage(ctx, ops, "1")
	must(t, err)
	if want := []string{"budget_wishes", "councils", "members"}; got.New != len(ops) || !slices.Equal(got.Tables, want) {
		t.Errorf("first page: %d new, tables %q; want %d, %q", got.New, got.Tables, len(ops), want)
	}

	// The same page again (a pull cut off before its cursor moved).
	got, err = b.ApplyPulledPage(ctx, ops, "1")
	must(t, err)
	if got.New != 0 || len(got.Tables) != 0 {
		t.Errorf("the page again: %d new, tables %q; want none", got.New, got.Tables)
	}

	// A member's phone changed: only members.
	edited := m
	edited.Phone = "12 34 56 78"
	must(t, a.SaveMember(m, &edited))
	ops, err = a.CouncilOps(ctx, c.ID)
	must(t, err)
	got, err = b.ApplyPulledPage(ctx, ops, "2")
	must(t, err)
	if got.New != 1 || !slices.Equal(got.Tables, []string{"members"}) {
		t.Errorf("after a phone number: %d new, tables %q; want 1, [members]", got.New, got.Tables)
	}
	if ms, err := b.Members(c.ID); err != nil || len(ms) != 1 || ms[0].Phone != "12 34 56 78" {
		t.Errorf("members on the pulling computer %+v, %v", ms, err)
	}
	if n, err := b.ApplyPulled(ctx, ops, 3); err != nil || n != 0 {
		t.Errorf("ApplyPulled of held ops: %d, %v", n, err)
	}
}
