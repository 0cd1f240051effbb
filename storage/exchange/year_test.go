package exchange

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/demo"
)

// The council's year syncs: the municipality publishes a pool with its
// rules, a council laptop applies to it by id and keeps its årshjul, and a
// second laptop of the council gets all of it. A council laptop cannot
// change a pool's rules, and an op no local edit could make (a cap of
// 150 %, a rule in month 13) is refused whole, naming the field.
func TestYearSyncsWithRules(t *testing.T) {
	h := newHub(t)
	jyderup := h.council(t, "Jyderup")
	staff := h.laptop(t, "staff", "", 0)
	a := h.laptop(t, "a", jyderup, time.Second)
	b := h.laptop(t, "b", jyderup, 2*time.Second)
	for _, db := range []*storage.DB{staff, a, b} {
		syncOK(t, db)
	}
	pool := model.Pool{Name: "Lokalområdernes Udviklingspulje", Available: 200_000_00, MaxPerApp: 50_000_00,
		Deadline: time.Date(2027, 3, 1, 0, 0, 0, 0, model.Copenhagen), MinProjectTotal: 100_000_00,
		VolunteerRate: 100_00, VolunteerCapPct: 50, NoRunningCosts: true, AccountsMonths: 3}
	ok(t, staff.SavePool(t.Context(), model.Pool{}, &pool))
	syncOK(t, staff)
	syncOK(t, a)
	got, err := a.Pool(t.Context(), pool.ID)
	ok(t, err)
	if !reflect.DeepEqual(got, pool) {
		t.Fatalf("council laptop's pool = %+v, want %+v", got, pool)
	}

	pr := model.Project{CouncilID: jyderup, Title: "Shelter", Status: model.ProjectPlanning}
	ok(t, a.SaveProject(t.Context(), model.Project{}, &pr))
	app := model.FundingApplication{CouncilID: jyderup, ProjectID: pr.ID, PoolID: pool.ID, Pool: pool.Name,
		Applied: 50_000_00, Status: model.ApplicationDraft, VolunteerHours: 120, RunningCosts: true}
	ok(t, a.SaveFundingApplication(t.Context(), model.FundingApplication{}, &app))
	rule := model.DefaultYearRules(jyderup, model.Danish)[0]
	ok(t, a.SaveYearRule(t.Context(), model.YearRule{}, &rule))
	syncOK(t, a)
	syncOK(t, b)
	apps, err := b.FundingApplications(t.Context(), pr.ID)
	ok(t, err)
	if len(apps) != 1 || apps[0] != app {
		t.Errorf("second laptop's applications = %+v, want %+v", apps, app)
	}
	rules, err := b.YearRules(t.Context(), jyderup)
	ok(t, err)
	if len(rules) != 1 || rules[0] != rule {
		t.Errorf("second laptop's rules = %+v, want %+v", rules, rule)
	}

	// A council laptop edits its rule; the other edits it at the same
	// time: one wins, the other is kept as a conflict, nothing lost.
	r1, r2 := rule, rule
	r1.NoticeDays = 21
	r2.NoticeDays = 28
	ok(t, a.SaveYearRule(t.Context(), rule, &r1))
	ok(t, b.SaveYearRule(t.Context(), rule, &r2))
	syncOK(t, a)
	syncOK(t, b)
	syncOK(t, a)
	ra := noerr.Get(a.YearRules(t.Context(), jyderup))(t)
	rb := noerr.Get(b.YearRules(t.Context(), jyderup))(t)
	if len(ra) != 1 || len(rb) != 1 || ra[0] != rb[0] {
		t.Fatalf("laptops disagree: %+v vs %+v", ra, rb)
	}
	cs, err := a.Conflicts(t.Context(), jyderup)
	ok(t, err)
	if len(cs) != 1 || cs[0].Table != "year_rules" || cs[0].Field != "notice_days" {
		t.Errorf("conflicts = %+v", cs)
	}

	token := noerr.Get(a.Meta(t.Context(), storage.MetaToken))(t)
	push := func(cs ...storage.Change) error {
		wire, err := EncodeOps(cs)
		ok(t, err)
		return cli.call(context.Background(), http.MethodPost, h.url+"/v1/push", token, PushRequest{Ops: wire}, &PushResponse{})
	}
	hlc := now.UnixMilli() << 16
	c := storage.Change{Table: "pools", Row: pool.ID, Council: model.MunicipalityID, Field: "volunteer_cap_pct", Value: int64(100),
		Device: a.DeviceID(), Seq: 1_000_000, HLC: hlc}
	if err := push(signedBy(t, a, []storage.Change{c})...); !errors.Is(err, ErrForbidden) {
		t.Errorf("council laptop changed a pool's rule: %v", err)
	}
	for field, v := range map[string]any{"month": int64(13), "nth": int64(5), "kind": "hver fuldmåne", "notice_days": int64(-1)} {
		c := storage.Change{Table: "year_rules", Row: rule.ID, Council: jyderup, Field: field, Value: v,
			Device: a.DeviceID(), Seq: 1_000_001, HLC: hlc}
		err := push(signedBy(t, a, []storage.Change{c})...)
		if err == nil || !strings.Contains(err.Error(), model.FieldName("year_rules", field)) {
			t.Errorf("year rule %s = %v: %v", field, v, err)
		}
	}
	if got := noerr.Get(h.db.Pool(t.Context(), pool.ID))(t); got.VolunteerCapPct != 50 {
		t.Errorf("hub's pool = %+v", got)
	}
}

// The demo holds Holbæk's pools and two of the municipality's dates as
// examples. They are never sent: not by a council laptop (whose sync would
// otherwise be refused), not by a staff computer (which would publish them
// as the municipality's), not in a bundle; enrolling drops them, and a
// computer enrolled already gets none.
func TestDemoPoolsNeverLeave(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Tølløse Lokalråd")

	a := open(t, "a", 0)
	_, err := demo.Council(t.Context(), a, now)
	ok(t, err)
	if ps := noerr.Get(a.Pools(t.Context()))(t); len(ps) != 2 || ps[1].Name != "Lokalområdernes Udviklingspulje" || ps[1].VolunteerCapPct != 50 {
		t.Fatalf("demo pools = %+v", ps)
	}
	// A bundle written before enrolling carries none of them.
	var buf bytes.Buffer
	cs := noerr.Get(a.Councils(t.Context()))(t)
	_, err = cli.WriteBundle(context.Background(), &buf, a, cs[0].ID)
	ok(t, err)
	_, ops, err := cli.ReadBundle(&buf)
	ok(t, err)
	for _, o := range ops {
		if o.Council == model.MunicipalityID {
			t.Fatalf("the bundle carries the demo's %s", o.Table)
		}
	}
	_, err = cli.Enroll(context.Background(), a, h.url, h.code(t, council))
	ok(t, err)
	syncOK(t, a)
	if ps := noerr.Get(a.Pools(t.Context()))(t); len(ps) != 0 {
		t.Errorf("enrolled council laptop keeps the demo's pools: %+v", ps)
	}
	if rs := noerr.Get(a.RefusedChanges(t.Context(), ""))(t); len(rs) != 0 {
		t.Errorf("refused: %+v", rs)
	}

	staff := open(t, "staff", 0)
	_, err = demo.Council(t.Context(), staff, now)
	ok(t, err)
	_, err = cli.Enroll(context.Background(), staff, h.url, h.code(t, ""))
	ok(t, err)
	syncOK(t, staff)
	later := h.laptop(t, "later", "", 0) // enrolled first, then the demo
	_, err = demo.Council(t.Context(), later, now)
	ok(t, err)
	syncOK(t, later)
	if ps := noerr.Get(later.Pools(t.Context()))(t); len(ps) != 0 {
		t.Errorf("an enrolled computer got the demo's pools: %+v", ps)
	}
	for name, db := range map[string]*storage.DB{"hub": h.db, "staff": staff} {
		if ps := noerr.Get(db.Pools(t.Context()))(t); len(ps) != 0 {
			t.Errorf("%s has pools: %+v", name, ps)
		}
		if ds := noerr.Get(db.Deadlines(t.Context()))(t); len(ds) != 0 {
			t.Errorf("%s has deadlines: %+v", name, ds)
		}
	}
}

// A council's accounts reach the municipality and the council's other
// laptop by sync; approved at the generalforsamling, the year's lines are
// locked (an edit, a delete, a line moved out of the year) until the
// approval is taken back.
func TestAccountsSyncAndApproval(t *testing.T) {
	h := newHub(t)
	jyderup := h.council(t, "Jyderup")
	a := h.laptop(t, "a", jyderup, time.Second)
	b := h.laptop(t, "b", jyderup, 2*time.Second)
	d := func(m time.Month, day int) time.Time { return time.Date(2027, m, day, 0, 0, 0, 0, model.Copenhagen) }
	grant := model.AccountEntry{CouncilID: jyderup, Date: d(1, 15), Text: "Tilskud 2027", Kind: model.EntryIncome, Amount: 30_000_00, Category: "Tilskud fra kommunen"}
	wage := model.AccountEntry{CouncilID: jyderup, Date: d(6, 1), Text: "Løn til oprydning", Kind: model.EntryExpense, Amount: 4_000_00, Category: model.WageCategory}
	ok(t, a.SaveAccountEntry(t.Context(), model.AccountEntry{}, &grant))
	ok(t, a.SaveAccountEntry(t.Context(), model.AccountEntry{}, &wage))
	year := model.AccountsYear{CouncilID: jyderup, Year: 2027, Opening: 1_000_00}
	ok(t, a.SaveAccountsYear(t.Context(), model.AccountsYear{}, &year))
	syncOK(t, a)
	syncOK(t, b)
	for name, db := range map[string]*storage.DB{"hub": h.db, "b": b} {
		l, y, err := db.Ledger(t.Context(), jyderup, 2027)
		ok(t, err)
		if len(l.Rows) != 2 || l.Closing != 27_000_00 || len(l.Wages) != 1 || y.Opening != 1_000_00 {
			t.Errorf("%s: ledger %+v, year %+v", name, l, y)
		}
	}

	approved := year
	approved.Approved = d(3, 25)
	ok(t, a.SaveAccountsYear(t.Context(), year, &approved))
	g := grant
	g.Amount = 31_000_00
	if err := a.SaveAccountEntry(t.Context(), grant, &g); !errors.Is(err, storage.ErrAccountsApproved) {
		t.Errorf("edit of an approved year: %v", err)
	}
	g = grant
	g.Date = time.Date(2028, 1, 2, 0, 0, 0, 0, model.Copenhagen)
	if err := a.SaveAccountEntry(t.Context(), grant, &g); !errors.Is(err, storage.ErrAccountsApproved) {
		t.Errorf("line moved out of an approved year: %v", err)
	}
	if err := a.DeleteAccountEntry(t.Context(), wage.ID); !errors.Is(err, storage.ErrAccountsApproved) {
		t.Errorf("delete in an approved year: %v", err)
	}
	late := model.AccountEntry{CouncilID: jyderup, Date: d(12, 1), Text: "Julegave", Kind: model.EntryExpense, Amount: 1}
	if err := a.SaveAccountEntry(t.Context(), model.AccountEntry{}, &late); !errors.Is(err, storage.ErrAccountsApproved) {
		t.Errorf("new line in an approved year: %v", err)
	}
	syncOK(t, a)
	syncOK(t, b)
	if y := noerr.Get(b.AccountsYear(t.Context(), jyderup, 2027))(t); !y.Approved.Equal(d(3, 25)) {
		t.Errorf("the other laptop's year %+v", y)
	}
	// Taken back, the lines open again.
	reopened := approved
	reopened.Approved = time.Time{}
	ok(t, a.SaveAccountsYear(t.Context(), approved, &reopened))
	g = grant
	g.Amount = 31_000_00
	ok(t, a.SaveAccountEntry(t.Context(), grant, &g))
	for field, v := range map[string]any{"kind": "gave", "amount": int64(-5), "date": "2027-02-30", "wages": int64(2)} {
		if err := model.CheckField("account_entries", field, v); err == nil {
			t.Errorf("account_entries.%s = %v passes the op rules", field, v)
		}
	}
}

// A development plan written last year (on a laptop whose clock says so)
// reaches the council's other laptop, where it is read-only; this year's
// plan starts as a copy with the focus areas, their projects and the open
// actions, and syncs back.
func TestPlanByYear(t *testing.T) {
	h := newHub(t)
	jyderup := h.council(t, "Jyderup")
	lastYear := h.laptop(t, "a", jyderup, -300*24*time.Hour) // January 2026
	b := h.laptop(t, "b", jyderup, time.Second)              // November 2026
	syncOK(t, lastYear)
	pr := model.Project{CouncilID: jyderup, Title: "Sti rundt om søen", Status: model.ProjectIdea}
	ok(t, lastYear.SaveProject(t.Context(), model.Project{}, &pr))
	plan := model.DevPlan{CouncilID: jyderup, Year: 2025, Vision: "Et levende Jyderup for alle aldre"}
	if err := lastYear.SavePlan(t.Context(), model.DevPlan{}, &plan); !errors.Is(err, storage.ErrOldPlan) {
		t.Errorf("a plan for 2025 written in 2026: %v", err)
	}
	plan.Year = 2026
	ok(t, lastYear.SavePlan(t.Context(), model.DevPlan{}, &plan))
	focus := model.FocusArea{CouncilID: jyderup, PlanID: plan.ID, Position: 1, Title: "Natur og friluftsliv", Goals: "En sti rundt om søen\nFlere shelters", Projects: []string{pr.ID}}
	ok(t, lastYear.SaveFocusArea(t.Context(), model.FocusArea{}, &focus))
	open := model.PlanAction{CouncilID: jyderup, PlanID: plan.ID, FocusID: focus.ID, Who: "Søren", What: "Søg Udviklingspuljen", Status: model.ActionStarted}
	done := model.PlanAction{CouncilID: jyderup, PlanID: plan.ID, FocusID: focus.ID, Who: "Karen", What: "Møde med Vej og Park", Status: model.ActionDone}
	ok(t, lastYear.SavePlanAction(t.Context(), model.PlanAction{}, &open))
	ok(t, lastYear.SavePlanAction(t.Context(), model.PlanAction{}, &done))
	syncOK(t, lastYear)
	syncOK(t, b)

	// On b, in November 2026, the plan is this year's: still editable. A
	// plan of 2025 arriving would not be: see PlanReadOnly's table test.
	got, has, err := b.PlanOf(t.Context(), jyderup, 2026)
	ok(t, err)
	if !has || got.Plan.Vision != plan.Vision || len(got.Focus) != 1 || len(got.Actions) != 2 || got.Focus[0].Projects[0] != pr.ID {
		t.Fatalf("b's plan %+v", got)
	}
	next, err := b.CopyPlan(t.Context(), got.Plan.ID, 2027)
	ok(t, err)
	if next.Plan.Year != 2027 || len(next.Focus) != 1 || next.Focus[0].ID == focus.ID || len(next.Actions) != 1 ||
		next.Actions[0].FocusID != next.Focus[0].ID || next.Actions[0].What != "Søg Udviklingspuljen" {
		t.Errorf("copied plan %+v", next)
	}
	if _, err := b.CopyPlan(t.Context(), got.Plan.ID, 2027); err == nil {
		t.Error("a second plan for 2027")
	}
	syncOK(t, b)
	syncOK(t, lastYear)
	if d, has, _ := lastYear.PlanOf(t.Context(), jyderup, 2027); !has || len(d.Actions) != 1 {
		t.Errorf("the copy did not reach the other laptop: %+v", d)
	}
	// On the laptop still in January 2026 nothing changes; on one in 2027
	// the plan of 2026 is read-only.
	later := h.laptop(t, "later", jyderup, 60*24*time.Hour) // late January 2027
	syncOK(t, later)
	d, _, _ := later.PlanOf(t.Context(), jyderup, 2026)
	f := d.Focus[0]
	f.Title = "Natur"
	if err := later.SaveFocusArea(t.Context(), d.Focus[0], &f); !errors.Is(err, storage.ErrOldPlan) {
		t.Errorf("edit of the 2026 plan in 2027: %v", err)
	}
	if err := later.DeletePlanAction(t.Context(), d.Actions[0].ID); !errors.Is(err, storage.ErrOldPlan) {
		t.Errorf("delete in the 2026 plan in 2027: %v", err)
	}
	p := d.Plan
	p.Vision = "Ny vision"
	if err := later.SavePlan(t.Context(), d.Plan, &p); !errors.Is(err, storage.ErrOldPlan) {
		t.Errorf("the 2026 vision edited in 2027: %v", err)
	}
}
