package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// Applying writes new ops many to a statement (multi-row inserts) and
// takes the one-op path, with its checks, for an op the log may hold. A
// batch that carries an op twice (a resend joined to a page) applies it
// once; a batch that carries one op id for two different edits is refused
// whole and leaves nothing behind, also when the first of the two is new
// to the receiver and still waiting in a queued insert.
func TestApplyBatchWithAnOpTwice(t *testing.T) {
	a := replica(t, "a")
	c := model.Council{Name: "Råd"}
	ok(t, a.SaveCouncil(t.Context(), model.Council{}, &c))
	for i := 0; i < 150; i++ { // more than one multi-row statement's worth
		ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: c.ID, Name: fmt.Sprint("Medlem ", i), Role: model.RoleMember}))
	}
	ops := mustOps(t, a)

	b := replica(t, "b")
	twice := append(append([]Change{}, ops...), ops[:len(ops)/2]...)
	n, err := b.ApplyOps(context.Background(), twice)
	ok(t, err)
	if n != len(ops) {
		t.Errorf("applied %d ops, want %d", n, len(ops))
	}
	var logged int
	ok(t, b.sql().QueryRow("SELECT COUNT(*) FROM changes").Scan(&logged))
	if logged != len(ops) {
		t.Errorf("the log holds %d ops, want %d", logged, len(ops))
	}
	if ms := noerr.Get(b.Members(t.Context(), c.ID))(t); len(ms) != 150 {
		t.Errorf("%d members, want 150", len(ms))
	}

	d := replica(t, "d")
	var reused Change
	for _, o := range ops {
		if o.Table == "members" && o.Field == "name" {
			reused = o
			break
		}
	}
	reused.Value = "Bent"
	_, err = d.ApplyOps(context.Background(), append(append([]Change{}, ops...), reused))
	if !errors.Is(err, ErrBadChange) || !strings.Contains(err.Error(), "allerede brugt") {
		t.Fatalf("one op id for two edits in a batch: %v", err)
	}
	ok(t, d.sql().QueryRow("SELECT COUNT(*) FROM changes").Scan(&logged))
	if ms := noerr.Get(d.Members(t.Context(), c.ID))(t); logged != 0 || len(ms) != 0 {
		t.Errorf("a refused batch left %d ops and %d members", logged, len(ms))
	}
}

// A first pull in pages: a row whose ops are split over two pages is new
// in the first (replayed from memory, inserted with others) and held in
// the second (replayed from the log); either way the row ends as its
// writer has it, and a page applied again changes nothing.
func TestApplyPulledPagesSplitARow(t *testing.T) {
	a := replica(t, "a")
	c := model.Council{Name: "Råd"}
	ok(t, a.SaveCouncil(t.Context(), model.Council{}, &c))
	for i := 0; i < 40; i++ {
		ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: c.ID, Name: fmt.Sprint("Medlem ", i), Role: model.RoleMember, Phone: fmt.Sprint(20000000 + i)}))
	}
	ops := mustOps(t, a)
	b := replica(t, "b")
	const page = 7 // splits rows
	for p := 0; p < len(ops); p += page {
		end := min(p+page, len(ops))
		if _, err := b.ApplyPulled(context.Background(), ops[p:end], int64(end)); err != nil {
			t.Fatal(err)
		}
		if n, err := b.ApplyPulled(context.Background(), ops[p:end], int64(end)); err != nil || n != 0 {
			t.Fatalf("page again: %d new, %v", n, err)
		}
	}
	want, err := a.Members(t.Context(), c.ID)
	ok(t, err)
	got, err := b.Members(t.Context(), c.ID)
	ok(t, err)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("members after paged pull:\n%v\nwant\n%v", got, want)
	}
}
