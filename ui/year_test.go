package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// withPool stores the municipality's Udviklingspulje (as a staff device
// would have sent it) before the app opens, and returns it.
func withPool(t *testing.T) (*App, *storage.DB, string, model.Pool) {
	t.Helper()
	db := newTestDB(t)
	// The database's clock agrees with the screens' (fixClock): a plan of
	// 2026 is this year's, whenever the test runs.
	db.Now = func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, model.Copenhagen) }
	c := model.Council{Name: "Jyderup Lokalråd", Area: "Jyderup"}
	ok(t, db.SaveCouncil(t.Context(), model.Council{}, &c))
	p := model.Pool{Name: "Lokalområdernes Udviklingspulje", MaxPerApp: 50_000_00, Deadline: time.Date(2027, 3, 1, 0, 0, 0, 0, model.Copenhagen),
		MinProjectTotal: 100_000_00, VolunteerRate: 100_00, VolunteerCapPct: 50, NoRunningCosts: true, AccountsMonths: 3}
	ok(t, db.SavePool(t.Context(), model.Pool{}, &p))
	u := newTestUI(t, db)
	fixClock(u)
	return u, db, c.ID, p
}

// A funding application picks the municipality's pool: its name and
// deadline are taken, its id is stored, and the pool's rules are shown —
// an amount over its maximum and a project under its minimum are named,
// running costs are refused. Choosing "another pool or foundation" lets a
// name be typed and stores no pool id.
func TestApplicationPicksPoolAndShowsItsRules(t *testing.T) {
	u, db, _, pool := withPool(t)
	ed := projectEditorOf(t, u)
	retype(ed.end, "31.10.2027")
	u.saver.flush()
	r := newAppRow(ed, model.FundingApplication{CouncilID: ed.p.CouncilID, ProjectID: ed.p.ID, Status: model.ApplicationDraft})
	ed.apps = append(ed.apps, r)
	if len(r.pick.Options) != 2 || r.pick.SelectedIndex() != 0 || r.pool.Disabled() {
		t.Fatalf("pool choices %q, selected %d", r.pick.Options, r.pick.SelectedIndex())
	}
	r.pick.SetSelected(pool.Name)
	if r.pool.Text != pool.Name || !r.pool.Disabled() || r.deadline.Text != "01.03.2027" {
		t.Errorf("after picking: name %q (disabled %v), deadline %q", r.pool.Text, r.pool.Disabled(), r.deadline.Text)
	}
	test.Type(r.applied, "60.000")
	test.Type(r.hours, "100")
	u.saver.flush()
	apps, err := db.FundingApplications(t.Context(), ed.p.ID)
	ok(t, err)
	if len(apps) != 1 || apps[0].PoolID != pool.ID || apps[0].Pool != pool.Name || apps[0].Applied != 60_000_00 || apps[0].VolunteerHours != 100 {
		t.Fatalf("stored %+v", apps)
	}
	shown := r.findings.Text
	for _, want := range []string{"Ikke opfyldt: Der søges 60.000 kr., men puljen giver højst 50.000 kr.",
		"Ikke opfyldt: Projektet koster 0 kr. i alt; puljen kræver mindst 100.000 kr.",
		"Opfyldt: Projektet efterlader ingen driftsudgifter",
		"Opfyldt: Regnskab og evaluering skal sendes senest 31. januar 2028"} {
		if !strings.Contains(shown, want) || !r.findings.Visible() {
			t.Errorf("findings lack %q:\n%s", want, shown)
		}
	}

	// Running costs: stored, and named as against the pool's rule.
	r.running.SetChecked(true)
	if a := noerr.Get(db.FundingApplications(t.Context(), ed.p.ID))(t); !a[0].RunningCosts {
		t.Error("running costs not stored")
	}
	if !strings.Contains(r.findings.Text, "Ikke opfyldt: Puljen støtter ikke projekter, der efterlader driftsudgifter") {
		t.Errorf("findings:\n%s", r.findings.Text)
	}

	// A foundation typed in: no pool id, no pool rules.
	r.pick.SetSelectedIndex(0)
	if r.pool.Disabled() {
		t.Fatal("the name cannot be typed for a foundation")
	}
	retype(r.pool, "Friluftsrådet")
	u.saver.flush()
	apps = noerr.Get(db.FundingApplications(t.Context(), ed.p.ID))(t)
	if apps[0].PoolID != "" || apps[0].Pool != "Friluftsrådet" {
		t.Errorf("stored %+v", apps[0])
	}
	if r.findings.Visible() {
		t.Errorf("a foundation shows the pool's rules: %q", r.findings.Text)
	}

	// Reopened, the row shows the pool it picked.
	apps[0].PoolID, apps[0].Pool = pool.ID, pool.Name
	ok(t, db.SaveFundingApplication(t.Context(), storage.Overwriting(t.Context(), db, apps[0]), &apps[0]))
	again := newAppRow(ed, apps[0])
	if again.pick.Selected != pool.Name || !again.pool.Disabled() {
		t.Errorf("reopened row picks %q", again.pick.Selected)
	}
}

// A staff device types a pool's rules; they are stored as typed, and a
// share over 100 % is refused with a Danish message.
func TestStaffEditsPoolRules(t *testing.T) {
	u, db := staffUI(t)
	p := pane[model.Pool](t, u, 0)
	test.Tap(p.newBtn)
	test.Type(entryField(t, p, "Projektet skal i alt være mindst (kr.)"), "100.000")
	test.Type(entryField(t, p, "En frivillig time tæller (kr.)"), "100")
	test.Type(entryField(t, p, "Frivilligt arbejde højst (% af egenfinansieringen)"), "50")
	test.Type(entryField(t, p, "Regnskab og evaluering (måneder efter projektets afslutning)"), "3")
	field(t, p, "Ingen projekter, der efterlader driftsudgifter til kommunen").(*widget.Check).SetChecked(true)
	u.saver.flush()
	ps, err := db.Pools(t.Context())
	ok(t, err)
	if len(ps) != 1 || ps[0].MinProjectTotal != 100_000_00 || ps[0].VolunteerRate != 100_00 || ps[0].VolunteerCapPct != 50 ||
		ps[0].AccountsMonths != 3 || !ps[0].NoRunningCosts {
		t.Fatalf("stored %+v", ps)
	}
	retype(entryField(t, p, "Frivilligt arbejde højst (% af egenfinansieringen)"), "150")
	u.saver.flush()
	if ps := noerr.Get(db.Pools(t.Context()))(t); ps[0].VolunteerCapPct != 50 {
		t.Errorf("a share of 150 %% was stored")
	}
	if !strings.Contains(texts(p.detail), "mellem 0 og 100 %") {
		t.Errorf("no message:\n%s", texts(p.detail))
	}
}

// yearTab shows the Årshjul tab.
func yearTab(t *testing.T, u *App) *yearScreen {
	t.Helper()
	u.tabs.SelectIndex(7)
	if u.year == nil || u.year.label == nil {
		t.Fatal("no year screen")
	}
	return u.year
}

// The year view shows the council's year month by month; the usual dates
// are added with one tap; a yearly date typed as "last Thursday of March"
// is stored as such and lands on the right day, its notice deadline too;
// the Oversigt shows the notice deadline when it comes near.
func TestYearWheelScreen(t *testing.T) {
	u, db, council, pool := withPool(t)
	s := yearTab(t, u)
	if s.label.Text != "2026" {
		t.Errorf("year shown %q", s.label.Text)
	}
	if !s.usual.Visible() {
		t.Fatal("no button for the usual dates")
	}
	test.Tap(s.usual)
	rules, err := db.YearRules(t.Context(), council)
	ok(t, err)
	if len(rules) != 3 || rules[0].Title != "Generalforsamling" || rules[0].NoticeDays != 14 {
		t.Fatalf("usual rules %+v", rules)
	}
	if s.usual.Visible() {
		t.Error("the usual dates can be added twice")
	}
	if len(rules) == 3 && rules[1].Title != "Årsregnskab til kommunen" {
		t.Errorf("the usual accounts date in Danish: %q", rules[1].Title)
	}
	// 2026: the last Thursday of March is the 26th; notice by the 12th.
	if m := s.months[2].Text; !strings.Contains(m, "26. Generalforsamling") || !strings.Contains(m, "12. Sidste frist for indkaldelse: Generalforsamling") {
		t.Errorf("March 2026:\n%s", m)
	}
	s.year++
	s.refresh()
	if m := s.months[2].Text; !strings.Contains(m, "1. Puljefrist: "+pool.Name) || !strings.Contains(m, "25. Generalforsamling") {
		t.Errorf("March 2027:\n%s", m)
	}

	// A rule of the council's own, typed in the rules tab.
	tabs := u.tabs.Items[7].Content.(*container.AppTabs)
	tabs.SelectIndex(1)
	p := s.rules
	test.Tap(p.newBtn)
	retype(entryField(t, p, "Titel"), "Dialogmøde med byrådet")
	field(t, p, "Hvornår").(*widget.Select).SetSelectedIndex(1)
	if !entryField(t, p, "Dag").Disabled() || field(t, p, "Ugedag").(*widget.Select).Disabled() {
		t.Error("the day, not the weekday, can be chosen for a weekday rule")
	}
	field(t, p, "Måned").(*widget.Select).SetSelected("Januar")
	field(t, p, "Hvilken").(*widget.Select).SetSelected("første")
	field(t, p, "Ugedag").(*widget.Select).SetSelected("Mandag")
	test.Type(entryField(t, p, "Indkaldelse (dage før)"), "7")
	u.saver.flush()
	rules = noerr.Get(db.YearRules(t.Context(), council))(t)
	var own model.YearRule
	for _, r := range rules {
		if r.Title == "Dialogmøde med byrådet" {
			own = r
		}
	}
	if own.Kind != model.YearWeekday || own.Month != 1 || own.Nth != 1 || own.Weekday != time.Monday || own.NoticeDays != 7 {
		t.Fatalf("stored %+v", own)
	}
	// 2027: the first Monday of January is the 4th; the notice falls on 28 December 2026.
	if m := s.months[0].Text; !strings.Contains(m, "4. Dialogmøde med byrådet") {
		t.Errorf("January 2027:\n%s", m)
	}
	s.year--
	s.refresh()
	if m := s.months[11].Text; !strings.Contains(m, "28. Sidste frist for indkaldelse: Dialogmøde med byrådet") {
		t.Errorf("December 2026:\n%s", m)
	}

	// The Oversigt (26 November 2026) lists the notice deadline within 90 days.
	u.tabs.SelectIndex(0)
	var shown []string
	for _, d := range u.overview.deadlines {
		shown = append(shown, model.ShortDate(d.Date)+" "+d.Kind+" "+d.Title)
	}
	if !strings.Contains(strings.Join(shown, "\n"), "28.12.2026 indkaldelse Dialogmøde med byrådet") {
		t.Errorf("Oversigt deadlines:\n%s", strings.Join(shown, "\n"))
	}
}

// The year wheel prints from the screen as a PDF.
func TestYearWheelPrints(t *testing.T) {
	u, _, council, _ := withPool(t)
	s := yearTab(t, u)
	test.Tap(s.usual)
	data, err := u.render(yearWheelDoc, council, "", 2027, false)
	ok(t, err)
	if !strings.HasPrefix(string(data), "%PDF") {
		t.Fatalf("not a PDF: %q", data[:min(len(data), 20)])
	}
}

// The Regnskab tab: a line typed in is stored with its amount in øre and
// shown with its running balance from the opening balance; a wage is
// flagged; approval at the generalforsamling locks the year's lines, and
// the lock is said in Danish.
func TestAccountsScreen(t *testing.T) {
	u, db, council, _ := withPool(t)
	u.tabs.SelectIndex(8)
	s := u.accounts
	if s == nil || s.label.Text != "2026" {
		t.Fatal("no accounts screen for 2026")
	}
	retype(s.opening, "1.000,50")
	u.saver.flush()
	if y := noerr.Get(db.AccountsYear(t.Context(), council, 2026))(t); y.Opening != 1_000_50 || y.ID == "" {
		t.Fatalf("opening balance stored as %+v", y)
	}
	p := s.lines
	test.Tap(p.newBtn)
	retype(entryField(t, p, "Tekst"), "Tilskud 2026")
	field(t, p, "Indtægt eller udgift").(*widget.Select).SetSelected("Indtægt")
	test.Type(entryField(t, p, "Beløb (kr.)"), "30.000")
	retype(entryField(t, p, "Dato"), "15.01.2026")
	u.saver.flush()
	test.Tap(p.newBtn)
	retype(entryField(t, p, "Tekst"), "Oprydning")
	test.Type(entryField(t, p, "Beløb (kr.)"), "1.500,25")
	retype(entryField(t, p, "Dato"), "01.08.2026")
	field(t, p, "Løn (tilskuddet må ikke betale løn)").(*widget.Check).SetChecked(true)
	u.saver.flush()

	l, _, err := db.Ledger(t.Context(), council, 2026)
	ok(t, err)
	if len(l.Rows) != 2 || l.Rows[0].Entry.Amount != 30_000_00 || l.Rows[0].Entry.Kind != model.EntryIncome ||
		l.Rows[1].Entry.Amount != 1_500_25 || !l.Rows[1].Entry.Wages || l.Closing != 29_500_25 {
		t.Fatalf("stored ledger %+v", l)
	}
	if shown := texts(p.list); !strings.Contains(shown, "saldo 31.000,50 kr.") || !strings.Contains(shown, "saldo 29.500,25 kr.") ||
		!strings.Contains(shown, "LØN: ikke af tilskuddet") {
		t.Errorf("list shows:\n%s", shown)
	}
	if !s.wages.Visible() || !strings.Contains(s.wages.Text, "Løn: 1.500,25 kr. i alt") {
		t.Errorf("wages warning %q", s.wages.Text)
	}
	if !strings.Contains(s.totals.Text, "Ultimo saldo: 29.500,25 kr.") {
		t.Errorf("totals %q", s.totals.Text)
	}

	// Approved: the lines are locked.
	u.now = func() time.Time { return time.Date(2027, 4, 1, 12, 0, 0, 0, model.Copenhagen) } // the generalforsamling has been held
	retype(s.approved, "25.03.2027")
	u.saver.flush()
	if y := noerr.Get(db.AccountsYear(t.Context(), council, 2026))(t); y.Approved.IsZero() {
		t.Fatal("approval not stored")
	}
	retype(entryField(t, p, "Beløb (kr.)"), "2.000")
	u.saver.flush()
	if l, _, _ := db.Ledger(t.Context(), council, 2026); l.Closing != 29_500_25 {
		t.Errorf("an approved year's line changed: closing %d", l.Closing)
	}
	if !strings.Contains(texts(p.detail), "godkendt på generalforsamlingen") {
		t.Errorf("no message on a locked line:\n%s", texts(p.detail))
	}
}

// The Udviklingsplan tab: a plan for this year is made with one tap, its
// vision, a focus area with goals and a linked project, and an action are
// stored as typed; next year's plan is made as a copy; last year's shows
// read-only.
func TestPlanScreen(t *testing.T) {
	u, db, council, _ := withPool(t) // the clock says 26 November 2026
	pr := model.Project{CouncilID: council, Title: "Shelter ved Skarresø", Status: model.ProjectIdea}
	ok(t, db.SaveProject(t.Context(), model.Project{}, &pr))
	u.tabs.SelectIndex(9)
	s := u.plan
	if s.label.Text != "2026" || !s.create.Visible() || s.copyBtn.Visible() {
		t.Fatalf("year %q, create %v, copy %v", s.label.Text, s.create.Visible(), s.copyBtn.Visible())
	}
	test.Tap(s.create)
	if !s.has || s.vision == nil {
		t.Fatal("no plan made")
	}
	test.Type(s.vision, "Et levende Jyderup")
	u.saver.flush()
	test.Tap(s.focus.newBtn)
	retype(entryField(t, s.focus, "Titel"), "Natur og friluftsliv")
	test.Type(entryField(t, s.focus, "Mål (ét pr. linje)"), "En sti rundt om søen")
	field(t, s.focus, "Projekter").(*widget.CheckGroup).SetSelected([]string{"Shelter ved Skarresø"})
	u.saver.flush()
	s.actions.refreshList()
	test.Tap(s.actions.newBtn)
	retype(entryField(t, s.actions, "Hvad"), "Søg Udviklingspuljen")
	test.Type(entryField(t, s.actions, "Hvem"), "Søren")
	test.Type(entryField(t, s.actions, "Hvornår"), "1.3.2027")
	field(t, s.actions, "Status").(*widget.Select).SetSelected("I gang")
	field(t, s.actions, "Indsatsområde").(*widget.Select).SetSelected("Natur og friluftsliv")
	u.saver.flush()

	d, has, err := db.PlanOf(t.Context(), council, 2026)
	ok(t, err)
	if !has || d.Plan.Vision != "Et levende Jyderup" || len(d.Focus) != 1 || d.Focus[0].Goals != "En sti rundt om søen" ||
		len(d.Focus[0].Projects) != 1 || d.Focus[0].Projects[0] != pr.ID {
		t.Fatalf("stored plan %+v", d)
	}
	if len(d.Actions) != 1 || d.Actions[0].Who != "Søren" || d.Actions[0].Status != model.ActionStarted ||
		d.Actions[0].FocusID != d.Focus[0].ID || !d.Actions[0].Due.Equal(time.Date(2027, 3, 1, 0, 0, 0, 0, model.Copenhagen)) {
		t.Fatalf("stored actions %+v", d.Actions)
	}

	// Next year: a copy.
	s.setYear(2027)
	if !s.copyBtn.Visible() {
		t.Fatal("no copy button for 2027")
	}
	test.Tap(s.copyBtn)
	if d, has, _ := db.PlanOf(t.Context(), council, 2027); !has || len(d.Focus) != 1 || len(d.Actions) != 1 || d.Plan.Vision != "Et levende Jyderup" {
		t.Errorf("2027's copy %+v", d)
	}
	// In 2027, the plan of 2026 is read-only.
	u.now = func() time.Time { return time.Date(2027, 2, 1, 12, 0, 0, 0, model.Copenhagen) }
	s.setYear(2026)
	if s.vision != nil && s.body.Objects[0] != nil && strings.Contains(texts(s.body), "Et levende Jyderup") &&
		!strings.Contains(texts(s.body), "Planen for et år, der er gået") {
		t.Errorf("2026 in 2027:\n%s", texts(s.body))
	}
	if !strings.Contains(texts(s.body), "Planen for et år, der er gået, gemmes, som den var.") || !strings.Contains(texts(s.body), "Søg Udviklingspuljen") {
		t.Errorf("2026 in 2027:\n%s", texts(s.body))
	}
}

// On a staff device, "Alle råd" shows one row per council with what the
// municipality follows up; it sorts, filters, and a row opens the council.
func TestAllCouncilsOverview(t *testing.T) {
	u, db := staffUI(t)
	fixClock(u)
	b := model.Council{Name: "Tølløse Lokalråd", Area: "Tølløse"}
	ok(t, db.SaveCouncil(t.Context(), model.Council{}, &b))
	ok(t, db.SaveActionItem(t.Context(), model.ActionItem{}, &model.ActionItem{CouncilID: b.ID, What: "Ring til Vej og Park", Due: time.Date(2026, 10, 1, 0, 0, 0, 0, model.Copenhagen)}))
	ok(t, db.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: b.ID, Name: "Ida", Role: model.RoleChair, Contact: true}))
	tabs := u.tabs.Items[6].Content.(*container.AppTabs)
	tabs.SelectIndex(len(tabs.Items) - 1)
	if tabs.Selected().Text != "Alle råd" {
		t.Fatalf("last staff tab %q", tabs.Selected().Text)
	}
	a := u.municipal.all
	a.refresh()
	if len(a.rows) != 2 || a.rows[0].Name != "Jyderup Lokalråd" {
		t.Fatalf("rows %+v", a.rows)
	}
	a.sortBy.SetSelected("Overskredne opgaver")
	if a.rows[0].Name != "Tølløse Lokalråd" || a.rows[0].OverdueActions != 1 {
		t.Errorf("sorted by overdue: %+v", a.rows[0])
	}
	cell := func(row, col int) string {
		return overviewCols[col].cell(a.rows[row], 2026)
	}
	if cell(0, 2) != "1 / 1" || cell(0, 7) != "Ja" || cell(1, 7) != "Nej" || cell(0, 8) != "ingen" {
		t.Errorf("cells: %q %q %q %q", cell(0, 2), cell(0, 7), cell(1, 7), cell(0, 8))
	}
	a.filter.SetText("jyder")
	if len(a.rows) != 1 || a.rows[0].Name != "Jyderup Lokalråd" {
		t.Errorf("filtered %+v", a.rows)
	}
	a.filter.SetText("")
	a.only.SetChecked(true) // both lack accounts and a plan
	if len(a.rows) != 2 {
		t.Errorf("to follow up: %d", len(a.rows))
	}
	want := a.rows[0].CouncilID
	if want != b.ID {
		t.Fatalf("first row %s", a.rows[0].Name)
	}
	a.table.OnSelected(widget.TableCellID{Row: 0, Col: 0})
	if u.councilID != b.ID {
		t.Errorf("the row did not open Tølløse: %s", u.councilID)
	}
}

// The council switches its public page on and picks what is on it; each
// tick is stored at once (and syncs like any council data).
func TestPublicationDialog(t *testing.T) {
	u, db, council := withCouncil(t)
	if p := noerr.Get(db.Publication(t.Context(), council))(t); p.Enabled {
		t.Fatal("a public page before the council chose one")
	}
	u.onPublication()
	d := u.publication
	d.enabled.SetChecked(true)
	d.minutes.SetChecked(true)
	test.Type(d.intro, "Velkommen")
	u.saver.flush()
	p, err := db.Publication(t.Context(), council)
	ok(t, err)
	if !p.Enabled || !p.Minutes || p.Meetings || p.Plan || p.Intro != "Velkommen" || p.ID == "" {
		t.Errorf("stored %+v", p)
	}
	d.budget.SetChecked(true)
	if p := noerr.Get(db.Publication(t.Context(), council))(t); !p.Budget || !p.Minutes {
		t.Errorf("budget results picked: %+v", p)
	}
	d.enabled.SetChecked(false)
	if p := noerr.Get(db.Publication(t.Context(), council))(t); p.Enabled || !p.Minutes || !p.Budget {
		t.Errorf("switched off: %+v", p)
	}
	if !strings.Contains(texts(u.win.Canvas().Overlays().Top()), "/offentlig/"+council+"/") {
		t.Error("the dialog does not say where the page is")
	}
}

// In English the usual dates are added with English titles: they are what
// the one who tapped the button reads in the year wheel, its PDF and the
// calendar file.
func TestYearWheelUsualDatesInEnglish(t *testing.T) {
	u, db, council, _ := withPool(t)
	ok(t, SetupLanguage("en"))
	defer SetupLanguage("da")
	s := yearTab(t, u)
	test.Tap(s.usual)
	rules := noerr.Get(db.YearRules(t.Context(), council))(t)
	var titles []string
	for _, r := range rules {
		titles = append(titles, r.Title)
	}
	if got := strings.Join(titles, "; "); got != "Annual general meeting; Annual accounts to the municipality; Budget wishes for the budget hearing" {
		t.Errorf("the usual dates added in English: %s", got)
	}
}
