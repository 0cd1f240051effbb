package exchange

import (
	"context"
	"errors"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/demo"
)

// ownCouncil writes the demo's data set as a council of this computer's
// own, as a council typed in before enrolment would hold: the demo's mark
// is taken off, so it links like any other.
func ownCouncil(t testing.TB, db *storage.DB) string {
	t.Helper()
	id, err := demo.Council(t.Context(), db, now)
	ok(t, err)
	ok(t, db.SetMeta(t.Context(), "sync_demo_council", "")) // storage/demo's mark
	return id
}

// enrolLinking enrols db for council and answers yes to linking the
// council made on it.
func enrolLinking(t testing.TB, db *storage.DB, h *hub, council string) {
	t.Helper()
	_, err := cli.Enroll(context.Background(), db, h.url, h.code(t, council))
	ok(t, err)
	ok(t, AnswerLink(t.Context(), db, true))
}

// Found testing issue 8: a laptop that still held the demo council,
// enrolled for a real council, linked the demo into it: its fake members
// went up and the demo's name replaced the real council's at the hub. The
// demo is never linked nor sent; the real council is as the hub had it.
func TestEnrolNeverLinksTheDemo(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Tølløse Lokalråd")
	real := model.Member{CouncilID: council, Name: "Mette Hansen", Role: model.RoleChair}
	ok(t, h.db.SaveMember(t.Context(), model.Member{}, &real))
	before, err := h.db.CouncilOps(context.Background(), "")
	ok(t, err)

	a := open(t, "a", time.Hour) // the demo is newer than the hub's council
	demoID, err := demo.Council(t.Context(), a, now)
	ok(t, err)
	_, err = cli.Enroll(context.Background(), a, h.url, h.code(t, council))
	ok(t, err)
	if _, asked, err := PendingLink(t.Context(), a); err != nil || asked {
		t.Errorf("enrolling with the demo asks to link it (%v)", err)
	}
	syncOK(t, a)
	syncOK(t, a)

	c, err := h.db.Council(t.Context(), council)
	ok(t, err)
	if c.Name != "Tølløse Lokalråd" || c.Area != "" || c.AnnualGrant != 0 {
		t.Errorf("the hub's council became %+v", c)
	}
	ms, err := h.db.Members(t.Context(), council)
	ok(t, err)
	if len(ms) != 1 || ms[0].Name != "Mette Hansen" {
		t.Errorf("the hub's members: %+v", ms)
	}
	if _, err := h.db.Council(t.Context(), demoID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("the demo council is at the hub: %v", err)
	}
	ops, err := h.db.CouncilOps(context.Background(), "")
	ok(t, err)
	for _, o := range ops {
		if o.Device == a.DeviceID() || o.Council == demoID {
			t.Fatalf("an op of the demo laptop reached the hub: %+v", o)
		}
	}
	if len(ops) != len(before) {
		t.Errorf("the hub holds %d ops, %d before the demo laptop enrolled", len(ops), len(before))
	}
	// The laptop has the real council, and the demo still apart.
	if c, err := a.Council(t.Context(), council); err != nil || c.Name != "Tølløse Lokalråd" {
		t.Errorf("the laptop's copy of the council: %+v, %v", c, err)
	}
	if ms := noerr.Get(a.Members(t.Context(), demoID))(t); len(ms) == 0 {
		t.Error("the demo's members are gone from the laptop")
	}
	if n := noerr.Get(a.PendingCount(context.Background(), council))(t); n != 0 {
		t.Errorf("%d ops wait to go up", n)
	}
}

// The municipality's computer sends everything it holds: enrolled with
// the demo on it, it drops the demo rather than send it.
func TestStaffEnrolDropsTheDemo(t *testing.T) {
	h := newHub(t)
	h.council(t, "Tølløse Lokalråd")
	a := open(t, "a", 0)
	demoID, err := demo.Council(t.Context(), a, now)
	ok(t, err)
	_, err = cli.Enroll(context.Background(), a, h.url, h.code(t, ""))
	ok(t, err)
	syncOK(t, a)
	if _, err := h.db.Council(t.Context(), demoID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("the demo council reached the hub: %v", err)
	}
	ops, err := h.db.CouncilOps(context.Background(), demoID)
	ok(t, err)
	if len(ops) != 0 {
		t.Errorf("%d ops of the demo at the hub", len(ops))
	}
	if _, err := a.Council(t.Context(), demoID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("the demo is still on the municipality's computer: %v", err)
	}
}

// A council of the laptop's own with data is linked only when the person
// says so: until then nothing is sent or fetched; no keeps it apart and
// never sends it; yes sends it up as the server's council.
func TestEnrolAsksBeforeLinkingACouncilWithData(t *testing.T) {
	for _, yes := range []bool{false, true} {
		h := newHub(t)
		council := h.council(t, "Jyderup Lokalråd")
		a := open(t, "a", 0)
		c := model.Council{Name: "Jyderup Borgerforening"}
		ok(t, a.SaveCouncil(t.Context(), model.Council{}, &c))
		w := model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: "Ny sti", Status: model.WishDraft}
		ok(t, a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))

		_, err := cli.Enroll(context.Background(), a, h.url, h.code(t, council))
		ok(t, err)
		q, asked, err := PendingLink(t.Context(), a)
		ok(t, err)
		if !asked || q.Local.ID != c.ID || q.Local.Name != "Jyderup Borgerforening" || q.Server != council || q.ServerName != "Jyderup Lokalråd" {
			t.Fatalf("question %+v (asked %v)", q, asked)
		}
		if _, err := cli.Sync(context.Background(), a, ""); !errors.Is(err, ErrLinkUnanswered) {
			t.Fatalf("a sync before the answer: %v", err)
		}
		if n := noerr.Get(h.db.HubSequence(t.Context()))(t); n != 0 {
			t.Fatalf("the hub has %d ops before the answer", n)
		}
		ok(t, AnswerLink(t.Context(), a, yes))
		if _, asked := noerr.Get2(PendingLink(t.Context(), a))(t); asked {
			t.Error("still asked after the answer")
		}
		syncOK(t, a)
		ws, err := h.db.BudgetWishes(t.Context(), council, 0)
		ok(t, err)
		hc, err := h.db.Council(t.Context(), council)
		ok(t, err)
		if !yes {
			if len(ws) != 0 || hc.Name != "Jyderup Lokalråd" {
				t.Errorf("kept apart, yet the hub has %+v and %+v", hc, ws)
			}
			if w2, err := a.BudgetWishes(t.Context(), c.ID, 0); err != nil || len(w2) != 1 {
				t.Errorf("the laptop lost its own council's wish: %+v %v", w2, err)
			}
			continue
		}
		if len(ws) != 1 || ws[0].Title != "Ny sti" {
			t.Errorf("linked, the hub has %+v", ws)
		}
		for _, db := range []*storage.DB{a, h.db} {
			if c := noerr.Get(db.Council(t.Context(), council))(t); c.Name != "Jyderup Lokalråd" {
				t.Errorf("linked, the council is named %q; the municipality's name stands", c.Name)
			}
		}
	}
}

// A council made here that holds nothing but its own record is linked at
// once, as before: there is nothing to ask about.
func TestEnrolLinksAnEmptyCouncilAtOnce(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup Lokalråd")
	a := open(t, "a", 0)
	c := model.Council{Name: "Jyderup Lokalråd", Area: "Jyderup"}
	ok(t, a.SaveCouncil(t.Context(), model.Council{}, &c))
	_, err := cli.Enroll(context.Background(), a, h.url, h.code(t, council))
	ok(t, err)
	if _, asked := noerr.Get2(PendingLink(t.Context(), a))(t); asked {
		t.Error("asked about a council with no data")
	}
	syncOK(t, a)
	if hc := noerr.Get(h.db.Council(t.Context(), council))(t); hc.Area != "Jyderup" {
		t.Errorf("the hub's council: %+v", hc)
	}
}
