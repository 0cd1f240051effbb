package exchange

// The year's locks hold at the hub and in bundles (issue 14): the lines
// and opening balance of accounts approved at the generalforsamling, and
// the development plan of a year gone by, are refused from a laptop that
// is tampered with, restored from an old backup or offline with an old
// copy, on both hub stores and in bundles, against what the receiver
// holds and by the receiver's clock.

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/postgres"
)

// setHubClock sets the hub's clock (the store's and the server's).
func (h *storeHub) setClock(t *testing.T, at time.Time) {
	t.Helper()
	f := func() time.Time { return at }
	switch s := h.store.(type) {
	case *storage.DB:
		s.Now = f
	case *postgres.Store:
		s.Now = f
	default:
		t.Fatalf("unknown store %T", h.store)
	}
	h.srv.Now = f
}

func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, model.Copenhagen)
}

// hubOps is every op the hub holds of a council.
func hubOps(t *testing.T, s HubStore, council string) int {
	t.Helper()
	ops, _, _, err := s.HubPage(context.Background(), council, storage.Cursor{}, storage.Page{}, "")
	ok(t, err)
	return len(ops)
}

// lastValue is the value of a field's newest op at the hub.
func lastValue(t *testing.T, s HubStore, table, row, field string) any {
	t.Helper()
	ops, err := s.FieldOps(context.Background(), table, row, field)
	ok(t, err)
	if len(ops) == 0 {
		return nil
	}
	return ops[len(ops)-1].Value
}

// Accounts approved at the generalforsamling stay as approved at the hub,
// on both stores. A laptop offline with the old copy has its corrections
// refused and set aside with a Danish message, while its other work goes
// up; a tampered laptop's backdated edit, delete, line moved out of or
// into the year, new line, new opening balance, second record of the year
// and an approval sent again with an edit are refused, and the hub keeps
// what it had. Un-approving, correcting and approving again syncs.
func TestStoresApprovedAccountsLocked(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy := h.council("Jyderup Lokalråd")
		a, _ := h.laptop(t, "a", jy, 0)
		b, _ := h.laptop(t, "b", jy, time.Second)
		grant := model.AccountEntry{CouncilID: jy, Date: day(2026, 1, 15), Text: "Tilskud 2026", Kind: model.EntryIncome, Amount: 30_000_00, Category: "Tilskud fra kommunen"}
		coffee := model.AccountEntry{CouncilID: jy, Date: day(2026, 3, 1), Text: "Kaffe til borgermødet", Kind: model.EntryExpense, Amount: 450_00, Category: "Møder og generalforsamling"}
		next := model.AccountEntry{CouncilID: jy, Date: day(2027, 1, 10), Text: "Tilskud 2027", Kind: model.EntryIncome, Amount: 30_000_00}
		for _, e := range []*model.AccountEntry{&grant, &coffee, &next} {
			ok(t, a.SaveAccountEntry(model.AccountEntry{}, e))
		}
		year := model.AccountsYear{CouncilID: jy, Year: 2026, Opening: 1_000_00}
		ok(t, a.SaveAccountsYear(model.AccountsYear{}, &year))
		syncOK(t, a)
		syncOK(t, b)

		// a approves; b is offline with the copy from before.
		approved := year
		approved.Approved = day(2026, 11, 26)
		ok(t, a.SaveAccountsYear(year, &approved))
		syncOK(t, a)
		c2 := coffee
		c2.Amount = 540_00
		ok(t, b.SaveAccountEntry(coffee, &c2))
		extra := model.AccountEntry{CouncilID: jy, Date: day(2026, 12, 1), Text: "Julegaver", Kind: model.EntryExpense, Amount: 200_00}
		ok(t, b.SaveAccountEntry(model.AccountEntry{}, &extra))
		karen := model.Member{CouncilID: jy, Name: "Karen Østergaard", Role: model.RoleChair}
		ok(t, b.SaveMember(model.Member{}, &karen))
		r := syncOK(t, b)
		if r.Refused < 2 {
			t.Errorf("offline corrections of approved accounts: sync %+v, want them refused", r)
		}
		refused, err := b.RefusedChanges(jy)
		ok(t, err)
		if len(refused) == 0 {
			t.Fatal("nothing set aside on the laptop")
		}
		// The correction and the new line's date name the approved year;
		// the new line's other fields, left with no date, say so.
		named := map[string]bool{}
		for _, rc := range refused {
			switch {
			case rc.Table != "account_entries":
				t.Errorf("set aside %s.%s", rc.Table, rc.Field)
			case strings.Contains(rc.Reason, "regnskabet for 2026 er godkendt på generalforsamlingen"):
				named[rc.Row+" "+rc.Field] = true
			case rc.Row != extra.ID || !strings.Contains(rc.Reason, "ingen dato"):
				t.Errorf("set aside %s.%s with reason %q", rc.Table, rc.Field, rc.Reason)
			}
		}
		if !named[coffee.ID+" amount"] || !named[extra.ID+" date"] {
			t.Errorf("the refusals do not name the approved year: %+v", refused)
		}
		if got := lastValue(t, h.store, "members", karen.ID, "name"); got != "Karen Østergaard" {
			t.Errorf("the laptop's other work did not go up: member name %v", got)
		}
		if got := lastValue(t, h.store, "account_entries", coffee.ID, "amount"); got != int64(450_00) {
			t.Errorf("hub's coffee amount %v, want 45000", got)
		}
		if ops := noerr.Get(h.store.FieldOps(context.Background(), "account_entries", extra.ID, "text"))(t); len(ops) != 0 {
			t.Errorf("hub took a new line of the approved year: %v", ops)
		}
		l, _, err := b.Ledger(jy, 2026)
		ok(t, err)
		if len(l.Rows) != 2 || l.Expenses != 450_00 {
			t.Errorf("laptop b's ledger after the refusal: %+v", l.Rows)
		}

		// A tampered laptop.
		ap, err := h.store.FieldOps(context.Background(), "accounts_years", year.ID, "approved")
		ok(t, err)
		held := hubOps(t, h.store, jy)
		backdated := forged(t, a, 1, "account_entries", grant.ID, jy, "amount", int64(3_000_00))
		backdated.HLC = ap[len(ap)-1].HLC - 1
		type attack struct {
			name string
			ops  []storage.Change
		}
		attacks := []attack{
			{"backdated edit", []storage.Change{backdated}},
			{"edit", []storage.Change{forged(t, a, 1, "account_entries", grant.ID, jy, "text", "Tilskud")}},
			{"delete", []storage.Change{forged(t, a, 1, "account_entries", coffee.ID, jy, "", "")}},
			{"moved out", []storage.Change{forged(t, a, 1, "account_entries", grant.ID, jy, "date", "2027-01-15")}},
			{"moved in", []storage.Change{forged(t, a, 1, "account_entries", next.ID, jy, "date", "2026-12-31")}},
			{"new line", []storage.Change{forged(t, a, 1, "account_entries", "ny-linje", jy, "date", "2026-06-01"),
				forged(t, a, 2, "account_entries", "ny-linje", jy, "amount", int64(9_000_00))}},
			{"opening", []storage.Change{forged(t, a, 1, "accounts_years", year.ID, jy, "opening", int64(0))}},
			{"second record", []storage.Change{forged(t, a, 1, "accounts_years", "0-andet", jy, "year", int64(2026)),
				forged(t, a, 2, "accounts_years", "0-andet", jy, "opening", int64(99_000_00))}},
			{"record moved", []storage.Change{forged(t, a, 1, "accounts_years", year.ID, jy, "year", int64(2025))}},
			{"record deleted", []storage.Change{forged(t, a, 1, "accounts_years", year.ID, jy, "", "")}},
			{"approval again with an edit", []storage.Change{forged(t, a, 1, "accounts_years", year.ID, jy, "approved", "2026-11-26"),
				forged(t, a, 2, "accounts_years", year.ID, jy, "opening", int64(5_000_00)),
				forged(t, a, 3, "account_entries", coffee.ID, jy, "amount", int64(1))}},
		}
		for _, at := range attacks {
			_, err := pushAs(t, h.url, a, signedBy(t, a, at.ops))
			if err == nil || !strings.Contains(err.Error(), "godkendt på generalforsamlingen") || !strings.Contains(err.Error(), "2026") {
				t.Errorf("%s: err = %v, want a refusal naming the approved year", at.name, err)
			}
		}
		if n := hubOps(t, h.store, jy); n != held {
			t.Errorf("the hub holds %d ops after the attacks, had %d", n, held)
		}

		// The council un-approves, corrects and approves again: it syncs.
		syncOK(t, a)
		cur, err := a.AccountsYear(jy, 2026)
		ok(t, err)
		open := cur
		open.Approved = time.Time{}
		ok(t, a.SaveAccountsYear(cur, &open))
		fixed := coffee
		fixed.Amount = 540_00
		ok(t, a.SaveAccountEntry(coffee, &fixed))
		again := open
		again.Approved = day(2026, 11, 27)
		ok(t, a.SaveAccountsYear(open, &again))
		if r := syncOK(t, a); r.Refused != 0 {
			t.Errorf("un-approve, correct, approve: %+v", r)
		}
		if got := lastValue(t, h.store, "account_entries", coffee.ID, "amount"); got != int64(540_00) {
			t.Errorf("the correction did not reach the hub: %v", got)
		}
		syncOK(t, b)
		l, y, err := b.Ledger(jy, 2026)
		ok(t, err)
		if l.Expenses != 540_00 || !y.Approved.Equal(day(2026, 11, 27)) {
			t.Errorf("laptop b has %+v approved %v", l.Rows, y.Approved)
		}
	})
}

// A development plan of a year gone by is read-only at the hub, on both
// stores, by the hub's clock: on 31 December the year's plan still takes
// edits; on 1 January (Danish time) an edit from a laptop whose clock is
// behind is refused and set aside in Danish, while its edit of this
// year's plan goes up; a tampered laptop's edits, new focus area, actions
// moved in or out, delete, year changed and plan for a past year are
// refused.
func TestStoresPastPlansLocked(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy := h.council("Jyderup Lokalråd")
		a, _ := h.laptop(t, "a", jy, 0) // its clock stays in November 2026
		old := model.DevPlan{CouncilID: jy, Year: 2026, Vision: "Et levende Jyderup"}
		ok(t, a.SavePlan(model.DevPlan{}, &old))
		focus := model.FocusArea{CouncilID: jy, PlanID: old.ID, Position: 1, Title: "Natur", Goals: "Sti om søen"}
		ok(t, a.SaveFocusArea(model.FocusArea{}, &focus))
		act := model.PlanAction{CouncilID: jy, PlanID: old.ID, FocusID: focus.ID, Who: "Karen", What: "Søg puljen", Status: model.ActionStarted}
		ok(t, a.SavePlanAction(model.PlanAction{}, &act))
		cur := model.DevPlan{CouncilID: jy, Year: 2027, Vision: "Jyderup 2027"}
		ok(t, a.SavePlan(model.DevPlan{}, &cur))
		act27 := model.PlanAction{CouncilID: jy, PlanID: cur.ID, What: "Byfest", Status: model.ActionNotStarted}
		ok(t, a.SavePlanAction(model.PlanAction{}, &act27))
		syncOK(t, a)

		// 31 December, 23:30 in Denmark: the year is not gone yet.
		h.setClock(t, time.Date(2026, 12, 31, 23, 30, 0, 0, model.Copenhagen))
		v1 := old
		v1.Vision = "Et levende Jyderup for alle"
		ok(t, a.SavePlan(old, &v1))
		if r := syncOK(t, a); r.Refused != 0 {
			t.Fatalf("an edit on the year's last evening: %+v", r)
		}
		// 1 January, 00:30 in Denmark (still 31 December in UTC).
		h.setClock(t, time.Date(2027, 1, 1, 0, 30, 0, 0, model.Copenhagen))
		v2 := v1
		v2.Vision = "Skrevet om efter nytår"
		ok(t, a.SavePlan(v1, &v2))
		c2 := cur
		c2.Vision = "Jyderup 2027: sammen"
		ok(t, a.SavePlan(cur, &c2))
		r := syncOK(t, a)
		if r.Refused != 1 {
			t.Errorf("edit of last year's plan after New Year: %+v, want 1 refused", r)
		}
		refused, err := a.RefusedChanges(jy)
		ok(t, err)
		if len(refused) != 1 || !strings.Contains(refused[0].Reason, "udviklingsplanen") || !strings.Contains(refused[0].Reason, "2026") {
			t.Errorf("set aside: %+v", refused)
		}
		if got := lastValue(t, h.store, "dev_plans", old.ID, "vision"); got != v1.Vision {
			t.Errorf("hub's 2026 vision %v", got)
		}
		if got := lastValue(t, h.store, "dev_plans", cur.ID, "vision"); got != c2.Vision {
			t.Errorf("this year's plan did not go up: %v", got)
		}
		if p, _, _ := a.PlanOf(jy, 2026); p.Plan.Vision != v1.Vision {
			t.Errorf("laptop shows %q, the hub holds %q", p.Plan.Vision, v1.Vision)
		}

		held := hubOps(t, h.store, jy)
		attacks := map[string][]storage.Change{
			"vision":              {forged(t, a, 1, "dev_plans", old.ID, jy, "vision", "Forfalsket")},
			"focus title":         {forged(t, a, 1, "focus_areas", focus.ID, jy, "title", "Forfalsket")},
			"new focus area":      {forged(t, a, 1, "focus_areas", "ny-fokus", jy, "plan_id", old.ID), forged(t, a, 2, "focus_areas", "ny-fokus", jy, "title", "Ny")},
			"orphan field":        {forged(t, a, 1, "focus_areas", "uden-plan", jy, "title", "Ny")},
			"action moved in":     {forged(t, a, 1, "plan_actions", act27.ID, jy, "plan_id", old.ID)},
			"action moved out":    {forged(t, a, 1, "plan_actions", act.ID, jy, "plan_id", cur.ID)},
			"action done":         {forged(t, a, 1, "plan_actions", act.ID, jy, "status", string(model.ActionDone))},
			"focus deleted":       {forged(t, a, 1, "focus_areas", focus.ID, jy, "", "")},
			"plan year moved":     {forged(t, a, 1, "dev_plans", old.ID, jy, "year", int64(2027))},
			"plan of a past year": {forged(t, a, 1, "dev_plans", "ny-plan", jy, "year", int64(2025))},
		}
		for name, ops := range attacks {
			_, err := pushAs(t, h.url, a, signedBy(t, a, ops))
			if err == nil || !strings.Contains(err.Error(), "udviklingsplan") {
				t.Errorf("%s: err = %v, want a refusal naming the plan", name, err)
			}
		}
		if n := hubOps(t, h.store, jy); n != held {
			t.Errorf("the hub holds %d ops after the attacks, had %d", n, held)
		}
		// This year's plan still takes new work.
		f27 := model.FocusArea{CouncilID: jy, PlanID: cur.ID, Position: 1, Title: "Fællesskab"}
		ok(t, a.SaveFocusArea(model.FocusArea{}, &f27))
		if r := syncOK(t, a); r.Refused != 0 || lastValue(t, h.store, "focus_areas", f27.ID, "title") != "Fællesskab" {
			t.Errorf("a focus area of this year's plan: %+v", r)
		}
	})
}

// Bundles: the municipality's import (kommune bundle import) refuses a
// laptop's bundle carrying an edit of approved accounts or of a past
// plan, naming it in Danish, and takes the council's honest correction; a
// laptop importing a bundle refuses a forged edit of approved accounts
// and a plan edit stamped after its year, but takes the council's whole
// honest history, old plans included, in a later year.
func TestBundleYearLocks(t *testing.T) {
	h := newHub(t)
	jy := h.council(t, "Jyderup Lokalråd")
	a := h.laptop(t, "a", jy, 0)
	b := h.laptop(t, "b", jy, time.Second)
	coffee := model.AccountEntry{CouncilID: jy, Date: day(2026, 3, 1), Text: "Kaffe", Kind: model.EntryExpense, Amount: 450_00}
	ok(t, a.SaveAccountEntry(model.AccountEntry{}, &coffee))
	year := model.AccountsYear{CouncilID: jy, Year: 2026, Opening: 1_000_00}
	ok(t, a.SaveAccountsYear(model.AccountsYear{}, &year))
	plan := model.DevPlan{CouncilID: jy, Year: 2026, Vision: "Et levende Jyderup"}
	ok(t, a.SavePlan(model.DevPlan{}, &plan))
	syncOK(t, a)
	syncOK(t, b)
	approved := year
	approved.Approved = day(2026, 11, 26)
	ok(t, a.SaveAccountsYear(year, &approved))
	syncOK(t, a)

	// b, offline with the old copy, corrects the line and carries a bundle.
	c2 := coffee
	c2.Amount = 540_00
	ok(t, b.SaveAccountEntry(coffee, &c2))
	var bb bytes.Buffer
	_, err := cli.WriteBundle(context.Background(), &bb, b, jy)
	ok(t, err)
	before := state(t, h.db, jy)
	_, _, err = cli.HubImportBundle(context.Background(), bytes.NewReader(bb.Bytes()), h.db, now, storage.MaxClockSkew)
	if err == nil || !errors.Is(err, storage.ErrRefused) || !strings.Contains(err.Error(), "godkendt på generalforsamlingen") {
		t.Errorf("hub import of an edit of approved accounts: %v", err)
	}
	if after := state(t, h.db, jy); after != before {
		t.Error("the refused bundle changed the hub")
	}

	// After New Year at the town hall, a bundle with an edit of 2026's plan.
	h.db.Now = func() time.Time { return day(2027, 1, 5) }
	p2 := plan
	p2.Vision = "Efter nytår"
	ok(t, a.SavePlan(plan, &p2)) // a's clock is still in 2026
	var ab bytes.Buffer
	_, err = cli.WriteBundle(context.Background(), &ab, a, jy)
	ok(t, err)
	before = state(t, h.db, jy)
	_, _, err = cli.HubImportBundle(context.Background(), bytes.NewReader(ab.Bytes()), h.db, day(2027, 1, 5), storage.MaxClockSkew)
	if err == nil || !strings.Contains(err.Error(), "udviklingsplanen") || !strings.Contains(err.Error(), "2026") {
		t.Errorf("hub import of an edit of last year's plan: %v", err)
	}
	if after := state(t, h.db, jy); after != before {
		t.Error("the refused plan bundle changed the hub")
	}

	// The council's honest correction by bundle: un-approve, correct,
	// approve again (a's refused plan edit set aside first, as a sync would).
	if r := syncOK(t, a); r.Refused != 1 {
		t.Errorf("the plan edit was not set aside at the next sync: %+v", r)
	}
	cur, err := a.AccountsYear(jy, 2026)
	ok(t, err)
	reopened := cur
	reopened.Approved = time.Time{}
	ok(t, a.SaveAccountsYear(cur, &reopened))
	fix := coffee
	fix.Amount = 540_00
	ok(t, a.SaveAccountEntry(coffee, &fix))
	again := reopened
	again.Approved = day(2026, 11, 27)
	ok(t, a.SaveAccountsYear(reopened, &again))
	ab.Reset()
	_, err = cli.WriteBundle(context.Background(), &ab, a, jy)
	ok(t, err)
	if _, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(ab.Bytes()), h.db, day(2027, 1, 5), storage.MaxClockSkew); err != nil {
		t.Fatalf("honest correction by bundle: %v", err)
	}
	if l, _, _ := h.db.Ledger(jy, 2026); l.Expenses != 540_00 {
		t.Errorf("hub's ledger after the correction: %+v", l.Rows)
	}

	// A new laptop in February 2027 takes the whole honest history.
	c := open(t, "c", day(2027, 2, 1).Sub(now))
	history := ab.Bytes()
	if _, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(history), c); err != nil {
		t.Fatalf("a new laptop refuses the council's history: %v", err)
	}
	if p, has, _ := c.PlanOf(jy, 2026); !has || p.Plan.Vision == "" {
		t.Errorf("the old plan did not come with the history: %+v", p)
	}
	ops, err := a.CouncilOps(context.Background(), jy)
	ok(t, err)
	for name, op := range map[string]storage.Change{
		"approved line": forged(t, a, 10, "account_entries", coffee.ID, jy, "amount", int64(1)),
		"old plan": func() storage.Change {
			o := forged(t, a, 11, "dev_plans", plan.ID, jy, "vision", "Forfalsket")
			o.HLC = day(2027, 2, 1).UnixMilli() << 16
			return o
		}(),
	} {
		var buf bytes.Buffer
		ok(t, writeBundleOf(t, &buf, a, jy, append(append([]storage.Change{}, ops...), op)))
		before := state(t, c, jy)
		_, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(buf.Bytes()), c)
		if err == nil || !errors.Is(err, storage.ErrRefused) {
			t.Errorf("%s: a laptop imported a forged bundle: %v", name, err)
		}
		if after := state(t, c, jy); after != before {
			t.Errorf("%s: the refused bundle changed the laptop", name)
		}
	}
}
