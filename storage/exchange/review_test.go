package exchange

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// answeredWish: a council laptop's wish the municipality has answered, all
// synced.
func answeredWish(t *testing.T) (h *hub, a *storage.DB, council string, w model.BudgetWish, push func([]storage.Change) error) {
	h = newHub(t)
	council = h.council(t, "Jyderup")
	a = h.laptop(t, "a", council, 0)
	staff := h.laptop(t, "staff", "", 0)
	syncOK(t, a)
	w = model.BudgetWish{CouncilID: council, Year: 2027, Title: "Cykelsti", Status: model.WishSubmitted}
	ok(t, a.SaveBudgetWish(model.BudgetWish{}, &w))
	syncOK(t, a)
	syncOK(t, staff)
	sw := noerr.Get(staff.BudgetWishes(council, 0))(t)
	sw[0].Answer, sw[0].AnswerText, sw[0].Granted, sw[0].Status = model.AnswerPartly, "Delvist bevilget", 50_000_00, model.WishAnswered
	ok(t, staff.SaveBudgetWish(storage.Overwriting(staff, sw[0]), &sw[0]))
	syncOK(t, staff)
	syncOK(t, a)
	token := noerr.Get(a.Meta(storage.MetaToken))(t)
	push = func(cs []storage.Change) error {
		wire, err := EncodeOps(signedBy(t, a, cs))
		ok(t, err)
		return cli.call(context.Background(), http.MethodPost, h.url+"/v1/push", token, PushRequest{Ops: wire}, &PushResponse{})
	}
	return
}

func hubWish(t *testing.T, h *hub, council string) model.BudgetWish {
	t.Helper()
	ws, err := h.db.BudgetWishes(council, 0)
	ok(t, err)
	if len(ws) != 1 {
		t.Fatalf("hub's wishes = %+v", ws)
	}
	return ws[0]
}

// A council device may create a wish with empty answer fields (base ""),
// but may not use the same shape later to clear the municipality's answer.
func TestReviewCouncilCannotClearAnswer(t *testing.T) {
	h, a, council, w, push := answeredWish(t)
	seq := int64(1 << 30)
	for _, f := range []struct {
		field string
		value any
	}{{"answer_text", ""}, {"answer", ""}, {"granted", int64(0)}} {
		seq++
		evil := storage.Change{Device: a.DeviceID(), Seq: seq, HLC: (now.UnixMilli() + 3_600_000) << 16, Table: "budget_wishes",
			Row: w.ID, Council: council, Field: f.field, Value: f.value}
		if err := push([]storage.Change{evil}); !errors.Is(err, ErrForbidden) {
			t.Errorf("%s cleared with base \"\": %v", f.field, err)
		}
	}
	if got := hubWish(t, h, council); got.AnswerText != "Delvist bevilget" || got.Answer != model.AnswerPartly || got.Granted != 50_000_00 {
		t.Errorf("hub's wish after the council's push = %+v", got)
	}
	// Nor move the status away from the municipality's answer.
	st, err := h.db.FieldOps(context.Background(), "budget_wishes", w.ID, "status")
	ok(t, err)
	seq++
	back := storage.Change{Device: a.DeviceID(), Seq: seq, HLC: (now.UnixMilli() + 3_600_000) << 16, Table: "budget_wishes",
		Row: w.ID, Council: council, Field: "status", Value: string(model.WishSubmitted), Base: st[len(st)-1].ID()}
	if err := push([]storage.Change{back}); !errors.Is(err, ErrForbidden) {
		t.Errorf("status moved back from answered: %v", err)
	}
	if got := hubWish(t, h, council); got.Status != model.WishAnswered {
		t.Errorf("hub's wish status = %q", got.Status)
	}
	// The creation of a wish still goes through, also when resent.
	w2 := model.BudgetWish{CouncilID: council, Year: 2028, Title: "Bænke", Status: model.WishDraft}
	ok(t, a.SaveBudgetWish(model.BudgetWish{}, &w2))
	ops, err := a.PendingOps(context.Background(), council, 100)
	ok(t, err)
	ok(t, push(ops))
	ok(t, push(ops))
	syncOK(t, a)
}

// An erasure op from a council device rewrites past values of its own
// council only: never the municipality's answer or its pools.
func TestReviewCouncilScrubCannotRewriteMunicipality(t *testing.T) {
	h, a, council, _, push := answeredWish(t)
	staff := h.laptop(t, "staff2", "", 0)
	ok(t, staff.SavePool(model.Pool{}, &model.Pool{Name: "Puljen", Rules: "Regler\n", OpenAllYear: true}))
	syncOK(t, staff)
	syncOK(t, a)
	ops, err := h.db.CouncilOps(context.Background(), "")
	ok(t, err)
	values := map[string]string{}
	for _, o := range ops {
		if s, isText := o.Value.(string); isText && s != "" && (o.Council == model.MunicipalityID || o.Field == "answer_text" || o.Field == "answer" || o.Field == "status") {
			values[o.ID()] = "hacket"
		}
	}
	if len(values) < 3 {
		t.Fatalf("found only %d ops to aim at", len(values))
	}
	body := noerr.Get(json.Marshal(values))(t)
	scrub := storage.Change{Device: a.DeviceID(), Seq: 1 << 30, HLC: now.Add(time.Minute).UnixMilli() << 16, Table: "sync_scrub", Row: "x", Council: council, Field: "ops", Value: string(body)}
	_ = push([]storage.Change{scrub}) // refused or harmless
	after, err := h.db.CouncilOps(context.Background(), "")
	ok(t, err)
	for _, o := range after {
		if o.Value == "hacket" {
			t.Errorf("council's erasure rewrote %s.%s (%s)", o.Table, o.Field, o.Council)
		}
	}
}
