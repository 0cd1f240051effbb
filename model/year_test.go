package model

import (
	"strings"
	"testing"
	"time"
)

func dday(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, Copenhagen) }

// udviklingspuljen is Holbæk's Lokalområdernes Udviklingspulje as DOMAIN.md
// describes it.
var udviklingspuljen = Pool{ID: "p1", Name: "Lokalområdernes Udviklingspulje", Available: 200_000_00, MaxPerApp: 50_000_00,
	Deadline: dday(2027, 3, 1), MinProjectTotal: 100_000_00, VolunteerRate: 100_00, VolunteerCapPct: 50,
	NoRunningCosts: true, AccountsMonths: 3}

func TestCheckPool(t *testing.T) {
	end := dday(2027, 10, 31)
	now := dday(2027, 2, 1)
	tests := []struct {
		name    string
		pool    Pool
		app     FundingApplication
		totals  ProjectTotals
		end     time.Time
		failing []PoolRule // rules that must fail; every other reported rule passes
		counts  int64      // volunteer work counted, øre
		due     time.Time
		text    string // a piece of a finding's Danish text
	}{
		{"everything met", udviklingspuljen,
			FundingApplication{Applied: 50_000_00, VolunteerHours: 100, Status: ApplicationDraft},
			ProjectTotals{Expenses: 105_000_50, OwnCash: 15_000_00}, end,
			nil, 10_000_00, dday(2028, 1, 31), "10.000 kr. som egenfinansiering"},
		{"one øre over the maximum", udviklingspuljen,
			FundingApplication{Applied: 50_000_01, Status: ApplicationDraft},
			ProjectTotals{Expenses: 120_000_00, OwnCash: 20_000_00}, end,
			[]PoolRule{RuleMaxAmount}, 0, dday(2028, 1, 31), "højst 50.000 kr. pr. ansøgning"},
		{"project one øre too small", udviklingspuljen,
			FundingApplication{Applied: 40_000_00, Status: ApplicationDraft},
			ProjectTotals{Expenses: 99_999_99, OwnCash: 20_000_00}, end,
			[]PoolRule{RuleMinTotal}, 0, dday(2028, 1, 31), "mindst 100.000 kr."},
		{"volunteer hours capped at half the own financing", udviklingspuljen,
			FundingApplication{Applied: 50_000_00, VolunteerHours: 150, Status: ApplicationDraft},
			ProjectTotals{Expenses: 105_000_00, OwnCash: 10_000_00}, end,
			[]PoolRule{RuleCoFinancing}, 10_000_00, dday(2028, 1, 31), "kun 10.000 kr. tæller"},
		{"running costs left to the municipality", udviklingspuljen,
			FundingApplication{Applied: 50_000_00, RunningCosts: true, Status: ApplicationDraft},
			ProjectTotals{Expenses: 105_000_00, OwnCash: 10_000_00}, end,
			[]PoolRule{RuleRunningCosts}, 0, dday(2028, 1, 31), "driftsudgifter"},
		{"no end date: accounts cannot be dated", udviklingspuljen,
			FundingApplication{Applied: 50_000_00, Status: ApplicationDraft},
			ProjectTotals{Expenses: 105_000_00, OwnCash: 10_000_00}, time.Time{},
			[]PoolRule{RuleAccountsDue}, 0, time.Time{}, "sæt projektets slutdato"},
		{"accounts due at the end of a shorter month", udviklingspuljen,
			FundingApplication{Applied: 50_000_00, Status: ApplicationSent},
			ProjectTotals{Expenses: 105_000_00, OwnCash: 10_000_00}, dday(2027, 11, 30),
			nil, 0, dday(2028, 2, 29), "29. februar 2028"},
		{"a draft after the pool's deadline", Pool{Name: "X", Deadline: dday(2027, 1, 15)},
			FundingApplication{Applied: 1, Status: ApplicationDraft},
			ProjectTotals{}, end, []PoolRule{RuleDeadline}, 0, time.Time{}, "15. januar 2027"},
		{"a pool without rules reports nothing", Pool{Name: "Fællesskabspuljen", OpenAllYear: true},
			FundingApplication{Applied: 1_000_000_00, VolunteerHours: 10_000, RunningCosts: true, Status: ApplicationDraft},
			ProjectTotals{}, time.Time{}, nil, 0, time.Time{}, ""},
		{"every volunteer hour counts with a cap of 100 %", Pool{Name: "X", OpenAllYear: true, VolunteerRate: 150_00, VolunteerCapPct: 100},
			FundingApplication{VolunteerHours: 10, Status: ApplicationDraft},
			ProjectTotals{}, time.Time{}, nil, 1_500_00, time.Time{}, "1.500 kr. som egenfinansiering"},
		{"a cap of 25 %: hours at most a third of the cash", Pool{Name: "X", OpenAllYear: true, VolunteerRate: 100_00, VolunteerCapPct: 25},
			FundingApplication{VolunteerHours: 1000, Status: ApplicationDraft},
			ProjectTotals{OwnCash: 30_000_00}, time.Time{}, []PoolRule{RuleCoFinancing}, 10_000_00, time.Time{}, "højst 25 %"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := CheckPool(tt.pool, tt.app, tt.totals, tt.end, now)
			failed := map[PoolRule]bool{}
			var all []string
			for _, f := range c.Findings {
				if !f.OK {
					failed[f.Rule] = true
				}
				all = append(all, f.Da)
				if f.En == "" || f.Da == "" {
					t.Errorf("finding %s lacks a text in both languages", f.Rule)
				}
			}
			for _, r := range tt.failing {
				if !failed[r] {
					t.Errorf("rule %s should fail; findings: %q", r, all)
				}
				delete(failed, r)
			}
			for r := range failed {
				t.Errorf("rule %s failed unexpectedly; findings: %q", r, all)
			}
			if c.OK() != (len(tt.failing) == 0) {
				t.Errorf("OK() = %v", c.OK())
			}
			if c.CoFinancing.VolunteerCounts != tt.counts {
				t.Errorf("volunteer counted %s, want %s", Kroner(c.CoFinancing.VolunteerCounts), Kroner(tt.counts))
			}
			if !c.AccountsDue.Equal(tt.due) {
				t.Errorf("accounts due %v, want %v", c.AccountsDue, tt.due)
			}
			if tt.text != "" && !strings.Contains(strings.Join(all, "\n"), tt.text) {
				t.Errorf("no finding says %q: %q", tt.text, all)
			}
			if tt.text == "" && len(c.Findings) > 0 {
				t.Errorf("findings for a pool without rules: %q", all)
			}
		})
	}
}

// The pool's own rule with Udviklingspuljen's numbers is the old fixed rule.
func TestCoFinanceWithMatchesUdviklingspuljen(t *testing.T) {
	for _, c := range []struct {
		cash  int64
		hours int
	}{{0, 0}, {0, 10}, {15_000_00, 100}, {15_000_00, 150}, {15_000_00, 151}, {1, 1}, {-5, 3}, {7_777_77, -2}} {
		if got, want := CoFinanceWith(c.cash, c.hours, VolunteerRate, 50), CoFinance(c.cash, c.hours); got != want {
			t.Errorf("cash %d hours %d: %+v, want %+v", c.cash, c.hours, got, want)
		}
	}
}

func TestAddMonths(t *testing.T) {
	for _, c := range []struct {
		from time.Time
		n    int
		want time.Time
	}{
		{dday(2027, 1, 31), 1, dday(2027, 2, 28)},
		{dday(2028, 1, 31), 1, dday(2028, 2, 29)},
		{dday(2027, 10, 31), 3, dday(2028, 1, 31)},
		{dday(2027, 11, 30), 3, dday(2028, 2, 29)},
		{dday(2100, 11, 30), 3, dday(2101, 2, 28)},
		{dday(2027, 5, 15), 12, dday(2028, 5, 15)},
		// A time late in the evening, Danish time, is that Danish day.
		{time.Date(2027, 3, 31, 21, 30, 0, 0, time.UTC), 1, dday(2027, 4, 30)},
		{time.Date(2027, 3, 31, 22, 30, 0, 0, time.UTC), 1, dday(2027, 5, 1)},
	} {
		if got := AddMonths(c.from, c.n); !got.Equal(c.want) {
			t.Errorf("AddMonths(%v, %d) = %v, want %v", c.from, c.n, got, c.want)
		}
	}
}

func TestYearRuleDateIn(t *testing.T) {
	tests := []struct {
		name string
		rule YearRule
		year int
		want time.Time
	}{
		{"fixed date", YearRule{Kind: YearDate, Month: 4, Day: 1}, 2027, dday(2027, 4, 1)},
		{"29 February in a leap year", YearRule{Kind: YearDate, Month: 2, Day: 29}, 2028, dday(2028, 2, 29)},
		{"29 February in a common year is the 28th", YearRule{Kind: YearDate, Month: 2, Day: 29}, 2027, dday(2027, 2, 28)},
		{"1900 rule: 2100 is no leap year", YearRule{Kind: YearDate, Month: 2, Day: 29}, 2100, dday(2100, 2, 28)},
		{"2000 was a leap year", YearRule{Kind: YearDate, Month: 2, Day: 29}, 2000, dday(2000, 2, 29)},
		{"last Thursday of March 2027", YearRule{Kind: YearWeekday, Month: 3, Weekday: time.Thursday, Nth: -1}, 2027, dday(2027, 3, 25)},
		{"last Tuesday of March 2026, the 31st", YearRule{Kind: YearWeekday, Month: 3, Weekday: time.Tuesday, Nth: -1}, 2026, dday(2026, 3, 31)},
		{"first Monday of January 2029 is the 1st", YearRule{Kind: YearWeekday, Month: 1, Weekday: time.Monday, Nth: 1}, 2029, dday(2029, 1, 1)},
		{"first Monday of January 2027", YearRule{Kind: YearWeekday, Month: 1, Weekday: time.Monday, Nth: 1}, 2027, dday(2027, 1, 4)},
		{"fourth Sunday of February 2026", YearRule{Kind: YearWeekday, Month: 2, Weekday: time.Sunday, Nth: 4}, 2026, dday(2026, 2, 22)},
		{"last Sunday of February in a leap year, the 29th", YearRule{Kind: YearWeekday, Month: 2, Weekday: time.Sunday, Nth: -1}, 2032, dday(2032, 2, 29)},
		{"second Wednesday of March 2028", YearRule{Kind: YearWeekday, Month: 3, Weekday: time.Wednesday, Nth: 2}, 2028, dday(2028, 3, 8)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.rule.DateIn(tt.year)
			if !ok || !got.Equal(tt.want) {
				t.Fatalf("DateIn(%d) = %v %v, want %v", tt.year, got, ok, tt.want)
			}
			if tt.rule.Kind == YearWeekday && got.Weekday() != tt.rule.Weekday {
				t.Fatalf("%v is a %v", got, got.Weekday())
			}
		})
	}
	for _, bad := range []YearRule{{Kind: YearDate, Month: 2, Day: 30}, {Kind: YearDate, Month: 13, Day: 1}, {Kind: "x", Month: 1, Day: 1},
		{Kind: YearWeekday, Month: 3, Weekday: 7, Nth: 1}, {Kind: YearWeekday, Month: 3, Weekday: 1, Nth: 5}, {Kind: YearWeekday, Month: 3, Weekday: 1, Nth: 0}} {
		if d, ok := bad.DateIn(2027); ok {
			t.Errorf("%+v gives %v", bad, d)
		}
		if bad.Validate() == nil {
			t.Errorf("%+v passes Validate", bad)
		}
	}
}

func TestYearRuleValidate(t *testing.T) {
	ok := YearRule{Title: "Generalforsamling", Category: YearAGM, Kind: YearWeekday, Month: 3, Weekday: time.Thursday, Nth: -1, NoticeDays: 14}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mod := range map[string]func(*YearRule){
		"a generalforsamling in April":   func(r *YearRule) { r.Month = 4 },
		"no title":                       func(r *YearRule) { r.Title = " " },
		"notice of more than a year":     func(r *YearRule) { r.NoticeDays = 366 },
		"negative notice":                func(r *YearRule) { r.NoticeDays = -1 },
		"a title longer than short text": func(r *YearRule) { r.Title = strings.Repeat("å", MaxShort+1) },
	} {
		r := ok
		mod(&r)
		if r.Validate() == nil {
			t.Errorf("%s passes", name)
		}
	}
	for _, r := range DefaultYearRules("c", Danish) {
		if err := r.Validate(); err != nil {
			t.Errorf("default rule %q: %v", r.Title, err)
		}
		for f, v := range map[string]any{"kind": string(r.Kind), "month": int64(r.Month), "day": int64(r.Day), "weekday": int64(r.Weekday),
			"nth": int64(r.Nth), "notice_days": int64(r.NoticeDays), "title": r.Title} {
			if err := CheckField("year_rules", f, v); err != nil {
				t.Errorf("default rule %q field %s: %v", r.Title, f, err)
			}
		}
	}
}

func TestRuleReminders(t *testing.T) {
	agm := YearRule{ID: "agm", Title: "Generalforsamling", Category: YearAGM, Kind: YearWeekday, Month: 1, Weekday: time.Thursday, Nth: 1, NoticeDays: 14}
	acc := YearRule{ID: "acc", Title: "Regnskab", Kind: YearDate, Month: 2, Day: 29}
	got := RuleReminders([]YearRule{agm, acc}, dday(2026, 12, 1), dday(2027, 12, 31))
	want := []Deadline{
		// The first Thursday of January 2027 is the 7th: notice by 24 December 2026.
		{Date: dday(2026, 12, 24), Title: "Generalforsamling", Kind: DeadlineNotice, RefID: "agm"},
		{Date: dday(2027, 1, 7), Title: "Generalforsamling", Kind: DeadlineYearRule, RefID: "agm"},
		{Date: dday(2027, 2, 28), Title: "Regnskab", Kind: DeadlineYearRule, RefID: "acc"},
		// The notice of the generalforsamling of 2028 (6 January) falls in 2027.
		{Date: dday(2027, 12, 23), Title: "Generalforsamling", Kind: DeadlineNotice, RefID: "agm"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d reminders, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if !got[i].Date.Equal(want[i].Date) || got[i].Kind != want[i].Kind || got[i].RefID != want[i].RefID {
			t.Errorf("reminder %d = %v %s %s, want %v %s %s", i, got[i].Date, got[i].Kind, got[i].RefID, want[i].Date, want[i].Kind, want[i].RefID)
		}
	}
	// A clock far off (a laptop at year 1 or 9999) gives nothing odd and no panic.
	if r := RuleReminders([]YearRule{agm}, time.Time{}, time.Time{}); len(r) != 0 {
		t.Errorf("zero times give %v", r)
	}
}

func TestYearWheel(t *testing.T) {
	in := YearWheelInput{
		Rules:        DefaultYearRules("c", Danish),
		Members:      []Member{{ID: "m1", Name: "Karen Østergaard", TermEnd: dday(2027, 3, 1)}, {ID: "m2", Name: "Ikke i år", TermEnd: dday(2028, 3, 1)}},
		Meetings:     []Meeting{{ID: "mt", Kind: MeetingBoard, Start: time.Date(2027, 5, 12, 17, 0, 0, 0, time.UTC)}},
		Projects:     []Project{{ID: "pr", Title: "Shelter", End: dday(2026, 10, 31)}},
		Applications: []FundingApplication{{ProjectID: "pr", PoolID: "p1", Pool: udviklingspuljen.Name, Status: ApplicationGranted}},
		Pools:        []Pool{udviklingspuljen},
		Municipal:    []MunicipalDeadline{{ID: "d1", Title: "Dialogmøde med byrådet", Kind: "Dialogmøde", Date: dday(2027, 9, 20)}, {ID: "d0", Title: "Sidste år", Date: dday(2026, 9, 20)}},
	}
	got := YearWheel(2027, in)
	var lines []string
	for _, d := range got {
		lines = append(lines, ShortDate(d.Date)+" "+DeadlineText(d, Danish))
	}
	want := []string{
		"31.01.2027 Regnskab og evaluering: Lokalområdernes Udviklingspulje: Shelter",
		"01.03.2027 Puljefrist: Lokalområdernes Udviklingspulje",
		"01.03.2027 Valgperiode udløber: Karen Østergaard",
		"11.03.2027 Sidste frist for indkaldelse: Generalforsamling",
		"25.03.2027 Generalforsamling",
		"01.04.2027 Årsregnskab til kommunen",
		"12.05.2027 Møde: Bestyrelsesmøde 12.05.2027",
		"01.06.2027 Budgetønsker til budgethøringen",
		"20.09.2027 Dialogmøde: Dialogmøde med byrådet",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("year wheel:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	months := ByMonth(got)
	if len(months[2]) != 4 || len(months[11]) != 0 {
		t.Errorf("March holds %d, December %d", len(months[2]), len(months[11]))
	}
}

func TestYearRuleDescribe(t *testing.T) {
	r := YearRule{Kind: YearWeekday, Month: 3, Weekday: time.Thursday, Nth: -1}
	if got := r.Describe(Danish); got != "sidste torsdag i marts" {
		t.Errorf("got %q", got)
	}
	if got := (YearRule{Kind: YearDate, Month: 4, Day: 1}).Describe(Danish); got != "1. april" {
		t.Errorf("got %q", got)
	}
}

func TestMergeSameDay(t *testing.T) {
	ds := []Deadline{
		{Date: dday(2027, 3, 1), Kind: DeadlineTermEnd, Title: "Anne"},
		{Date: dday(2027, 3, 1), Kind: DeadlineTermEnd, Title: "Jens"},
		{Date: dday(2027, 3, 1), Kind: DeadlinePool, Title: "Udviklingspuljen"},
		{Date: dday(2027, 3, 1), Kind: DeadlineTermEnd, Title: "Karen"}, // not next to the others: sorted input is asked for
		{Date: dday(2027, 3, 2), Kind: DeadlineTermEnd, Title: "Ole"},
		{Date: time.Date(2027, 3, 2, 17, 0, 0, 0, time.UTC), Kind: DeadlineMeeting, Title: "Møde 1"},
		{Date: time.Date(2027, 3, 2, 18, 0, 0, 0, time.UTC), Kind: DeadlineMeeting, Title: "Møde 2"},
	}
	got := MergeSameDay(ds)
	var titles []string
	for _, d := range got {
		titles = append(titles, d.Title)
	}
	if want := "Anne, Jens|Udviklingspuljen|Karen|Ole|Møde 1|Møde 2"; strings.Join(titles, "|") != want {
		t.Errorf("got %q, want %q", strings.Join(titles, "|"), want)
	}
}

func TestSortAndFilterOverview(t *testing.T) {
	rows := []CouncilOverview{
		{CouncilID: "1", Name: "Tølløse", Area: "Tølløse", OverdueActions: 2, AccountsOnFile: true, ContactOnFile: true, PlanYear: 2027, NextMeeting: dday(2027, 3, 1)},
		{CouncilID: "2", Name: "Jyderup", Area: "Jyderup", OverdueActions: 0, AccountsOnFile: true, ContactOnFile: true, PlanYear: 2027, LastSync: dday(2027, 2, 1)},
		{CouncilID: "3", Name: "åmosen", Area: "Store Åmose", OverdueActions: 2, NextMeeting: dday(2027, 2, 15), LastSync: dday(2027, 2, 5)},
	}
	names := func(rs []CouncilOverview) string {
		var s []string
		for _, r := range rs {
			s = append(s, r.Name)
		}
		return strings.Join(s, ",")
	}
	for by, want := range map[OverviewSort]string{
		SortName:     "Jyderup,Tølløse,åmosen",
		SortOverdue:  "Tølløse,åmosen,Jyderup",
		SortMeeting:  "åmosen,Tølløse,Jyderup", // none last
		SortSync:     "åmosen,Jyderup,Tølløse", // newest first, never last
		SortProblems: "åmosen,Tølløse,Jyderup",
	} {
		rs := append([]CouncilOverview{}, rows...)
		SortOverview(rs, by, 2027)
		if got := names(rs); got != want {
			t.Errorf("by %s: %s, want %s", by, got, want)
		}
	}
	if got := names(FilterOverview(rows, "ÅMOSE", false, 2027)); got != "åmosen" {
		t.Errorf("filter by area: %s", got)
	}
	if got := names(FilterOverview(rows, "", true, 2027)); got != "Tølløse,åmosen" {
		t.Errorf("only problems: %s", got)
	}
}

// In English, the year view says a meeting without a title of its own by
// its kind in English, as the meetings list does; a title typed by the
// user is shown as typed.
func TestYearWheelSaysUntitledMeetingsInTheLanguage(t *testing.T) {
	start := time.Date(2026, 5, 12, 19, 0, 0, 0, Copenhagen)
	ds := YearWheel(2026, YearWheelInput{Meetings: []Meeting{
		{ID: "m1", Kind: MeetingBoard, Start: start},
		{ID: "m2", Kind: MeetingBoard, Title: "Møde om stien", Start: start.Add(24 * time.Hour)},
	}})
	var got []string
	for _, d := range ds {
		got = append(got, DeadlineText(d, English)+" | "+DeadlineTitle(d, English)+" | "+DeadlineText(d, Danish))
	}
	want := []string{
		"Meeting: Board meeting 12.05.2026 | Board meeting 12.05.2026 | Møde: Bestyrelsesmøde 12.05.2026",
		"Meeting: Møde om stien | Møde om stien | Møde: Møde om stien",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("year view's meetings:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
