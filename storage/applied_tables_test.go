package storage_test

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
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
	must(t, a.SaveMember(t.Context(), model.Member{}, &m))
	w := model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: "Ny sti", Status: model.WishDraft}
	must(t, a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))

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
	must(t, a.SaveMember(t.Context(), m, &edited))
	ops, err = a.CouncilOps(ctx, c.ID)
	must(t, err)
	got, err = b.ApplyPulledPage(ctx, ops, "2")
	must(t, err)
	if got.New != 1 || !slices.Equal(got.Tables, []string{"members"}) {
		t.Errorf("after a phone number: %d new, tables %q; want 1, [members]", got.New, got.Tables)
	}
	if ms, err := b.Members(t.Context(), c.ID); err != nil || len(ms) != 1 || ms[0].Phone != "12 34 56 78" {
		t.Errorf("members on the pulling computer %+v, %v", ms, err)
	}
	if n, err := b.ApplyPulled(ctx, ops, 3); err != nil || n != 0 {
		t.Errorf("ApplyPulled of held ops: %d, %v", n, err)
	}
}

// A page names the rows its new ops touched, by table, each once; rows
// whose ops were all held already are not named, though the page carries
// them again. A batch applied (as a bundle's are) says the same.
func TestAppliedNamesTheRowsOfNewOps(t *testing.T) {
	ctx := context.Background()
	a, _ := openTemp(t)
	b, _ := openTemp(t)
	c := newCouncil(t, a)
	m := model.Member{CouncilID: c.ID, Name: "Søren Ågård", Role: model.RoleChair}
	must(t, a.SaveMember(ctx, model.Member{}, &m))
	w := model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: "Ny sti", Status: model.WishDraft}
	must(t, a.SaveBudgetWish(ctx, model.BudgetWish{}, &w))
	ops, err := a.CouncilOps(ctx, c.ID)
	must(t, err)
	got, err := b.ApplyPulledPage(ctx, ops, "1")
	must(t, err)
	want := storage.Changed{"councils": {c.ID}, "members": {m.ID}, "budget_wishes": {w.ID}}
	if !maps.EqualFunc(got.Rows, want, slices.Equal) {
		t.Errorf("first page names rows %v, want %v", got.Rows, want)
	}

	// The member's phone, and a new meeting, sent with everything held.
	edited := m
	edited.Phone = "12 34 56 78"
	must(t, a.SaveMember(ctx, m, &edited))
	meet := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Title: "Bestyrelsesmøde",
		Start: time.Date(2026, 12, 3, 18, 30, 0, 0, time.UTC)}
	must(t, a.SaveMeeting(ctx, model.Meeting{}, &meet))
	ops, err = a.CouncilOps(ctx, c.ID)
	must(t, err)
	got, err = b.ApplyPulledPage(ctx, ops, "2")
	must(t, err)
	want = storage.Changed{"members": {m.ID}, "meetings": {meet.ID}}
	if !maps.EqualFunc(got.Rows, want, slices.Equal) || !slices.Equal(got.Tables, []string{"meetings", "members"}) {
		t.Errorf("second page names rows %v, tables %q; want %v", got.Rows, got.Tables, want)
	}
	if !got.Rows.Has("members", m.ID) || got.Rows.Has("members", w.ID) || got.Rows.Has("budget_wishes", w.ID) {
		t.Errorf("Has answers wrong for %v", got.Rows)
	}

	// The same batch at a third computer, as a bundle's ops are applied:
	// every row is new there; at b, nothing is.
	third, _ := openTemp(t)
	all, err := third.ApplyOpsReport(ctx, ops)
	must(t, err)
	want = storage.Changed{"councils": {c.ID}, "members": {m.ID}, "budget_wishes": {w.ID}, "meetings": {meet.ID}}
	if all.New != len(ops) || !maps.EqualFunc(all.Rows, want, slices.Equal) {
		t.Errorf("a batch names %d new, rows %v; want %d, %v", all.New, all.Rows, len(ops), want)
	}
	again, err := b.ApplyOpsReport(ctx, ops)
	must(t, err)
	if again.New != 0 || len(again.Rows) != 0 || len(again.Tables) != 0 {
		t.Errorf("held ops again name %d new, rows %v, tables %q", again.New, again.Rows, again.Tables)
	}
}
