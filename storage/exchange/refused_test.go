package exchange

import (
	"context"
	"strings"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// No laptop stuck: a change the server refuses for good (here a council
// laptop's own answer on a budget wish, which only the municipality may
// write) no longer fails every later sync. It is set aside with the
// server's reason, the laptop shows what every replica shows, and its
// other changes, before and after it, go up.
func TestRefusedChangeIsSetAsideNotStuck(t *testing.T) {
	h, council, a, b := twoLaptops(t, "Jyderup", 0)
	before := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Bænke ved søen", Status: model.WishSubmitted}
	ok(t, a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &before))
	w := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Shelter", Status: model.WishSubmitted}
	ok(t, a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	loaded := w
	w.Granted, w.AnswerText = 999_999_00, "Bevilget af os selv"
	if err := a.SaveBudgetWish(t.Context(), loaded, &w); err != nil {
		t.Skipf("the laptop itself refuses the answer already: %v", err)
	}
	after := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Legeplads", Status: model.WishDraft}
	ok(t, a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &after))

	r, err := cli.Sync(t.Context(), a, "")
	if err != nil {
		t.Fatalf("sync with a refused change: %v", err)
	}
	if r.Refused != 2 || !strings.Contains(r.Note, "afviste 2") {
		t.Errorf("result = %+v, want 2 refused and a note", r)
	}
	refused, err := a.RefusedChanges(t.Context(), council)
	ok(t, err)
	if len(refused) != 2 || !strings.Contains(refused[0].Reason, "kommunen") {
		t.Fatalf("refused list = %+v", refused)
	}
	// The laptop shows what the server holds; the rest went up.
	syncOK(t, b)
	for name, db := range map[string]*storage.DB{"a": a, "b": b, "hub": h.db} {
		ws, err := db.BudgetWishes(t.Context(), council, 2027)
		ok(t, err)
		titles := map[string]model.BudgetWish{}
		for _, x := range ws {
			titles[x.Title] = x
		}
		if len(ws) != 3 || titles["Shelter"].Granted != 0 || titles["Shelter"].AnswerText != "" {
			t.Errorf("%s: wishes = %+v", name, ws)
		}
	}
	// Later syncs are clean.
	if r := syncOK(t, a); r.Refused != 0 || r.Pushed != 0 {
		t.Errorf("second sync = %+v", r)
	}
	if n := noerr.Get(a.PendingCount(context.Background(), ""))(t); n != 0 {
		t.Errorf("%d ops still pending", n)
	}
}
