package model

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, Copenhagen) }

func TestKroner(t *testing.T) {
	cases := []struct {
		øre  int64
		want string
	}{
		{0, "0 kr."}, {100, "1 kr."}, {1250000, "12.500 kr."}, {1250050, "12.500,50 kr."},
		{100000000, "1.000.000 kr."}, {-250005, "-2.500,05 kr."}, {99, "0,99 kr."},
	}
	for _, c := range cases {
		if got := Kroner(c.øre); got != c.want {
			t.Errorf("Kroner(%d) = %q, want %q", c.øre, got, c.want)
		}
	}
}

func TestParseKroner(t *testing.T) {
	good := map[string]int64{
		"12.500,50": 1250050, "12500": 1250000, "12.500 kr.": 1250000, "1 500": 150000,
		"": 0, "0,5": 50, "-3,25": -325, "30.000": 3000000, "kr. 200": 20000,
		"1.250.000": 125000000, "-1.234,50": -123450,
		"1.000.000,50 kr.": 100000050, "-1.000": -100000, "250.000": 25000000,
	}
	for in, want := range good {
		got, err := ParseKroner(in)
		if err != nil || got != want {
			t.Errorf("ParseKroner(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	// A dot groups thousands, three digits a group: a date typed in an
	// amount field, or an English decimal point, is no amount (»12.5« was
	// 125 kr. and »31.02.2027« 31.022.027 kr.).
	for _, in := range []string{"tolv", "1,234", "12,", "1e5", "99999999999999999999",
		"1.234.50", "3.12.2026", "1.2.3", "1..234", "1.2345", ".500", "1.", "12.50,5",
		"31.02.2027", "12.5", "2.50", "1.0000", "1000.000", "1..000", "1.000.", "-.500", "12,5.0"} {
		if _, err := ParseKroner(in); !errors.Is(err, ErrBadAmount) {
			t.Errorf("ParseKroner(%q) err = %v, want ErrBadAmount", in, err)
		}
	}
}

func TestKronerRoundTrip(t *testing.T) {
	for _, v := range []int64{0, 1, 99, 100, 123456789, 100000, 4200050} {
		got, err := ParseKroner(Kroner(v))
		if err != nil || got != v {
			t.Errorf("round trip of %d gave %d, %v", v, got, err)
		}
	}
}

func TestDates(t *testing.T) {
	// 18:30 UTC is 19:30 in Copenhagen in November (CET).
	ts := time.Date(2026, 11, 26, 18, 30, 0, 0, time.UTC)
	if got := LongDate(ts, Danish); got != "26. november 2026" {
		t.Errorf("LongDate = %q", got)
	}
	if got := LongDate(ts, English); got != "26 November 2026" {
		t.Errorf("LongDate en = %q", got)
	}
	if got := ShortDate(ts); got != "26.11.2026" {
		t.Errorf("ShortDate = %q", got)
	}
	if got := Clock(ts); got != "19:30" {
		t.Errorf("Clock = %q", got)
	}
	if got := Week(ts, Danish); got != "uge 48" {
		t.Errorf("Week = %q", got)
	}
	if got := WeekdayDate(ts, Danish); got != "torsdag 26. november 2026" {
		t.Errorf("WeekdayDate = %q", got)
	}
	// Summer time: 17:30 UTC is 19:30 in June (CEST).
	if got := Clock(time.Date(2026, 6, 10, 17, 30, 0, 0, time.UTC)); got != "19:30" {
		t.Errorf("summer Clock = %q", got)
	}
}

func TestParseDate(t *testing.T) {
	for _, in := range []string{"26.11.2026", "26-11-2026", "26/11/2026", "2026-11-26", "26.11.26"} {
		got, err := ParseDate(in)
		if err != nil || !got.Equal(day(2026, 11, 26)) {
			t.Errorf("ParseDate(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseDate("31.02.2026"); err == nil {
		t.Error("31 February was accepted")
	}
	// The treasurer's way: day/month-year.
	for _, in := range []string{"1/3-2027", "01/03-2027", "1/3 2027"} {
		if got, err := ParseDate(in); err != nil || !got.Equal(day(2027, 3, 1)) {
			t.Errorf("ParseDate(%q) = %v, %v; want 1 March 2027", in, got, err)
		}
	}
	if _, err := ParseDate("31/2-2027"); err == nil {
		t.Error("31/2-2027 was accepted")
	}
	if got, err := ParseDate(" "); err != nil || !got.IsZero() {
		t.Errorf("empty date = %v, %v", got, err)
	}
	at, err := ParseClock(day(2026, 11, 26), "19.30")
	if err != nil || Clock(at) != "19:30" || ShortDate(at) != "26.11.2026" {
		t.Errorf("ParseClock = %v, %v", at, err)
	}
	if _, err := ParseClock(day(2026, 11, 26), "25:00"); err == nil {
		t.Error("25:00 accepted")
	}
}

func TestCoFinance(t *testing.T) {
	cases := []struct {
		name        string
		cash        int64
		hours       int
		counts, tot int64
		capped      bool
	}{
		{"no volunteers", 50_000_00, 0, 0, 50_000_00, false},
		{"within half", 50_000_00, 200, 20_000_00, 70_000_00, false},
		{"exactly half", 20_000_00, 200, 20_000_00, 40_000_00, false},
		{"capped at half", 10_000_00, 300, 10_000_00, 20_000_00, true},
		{"no cash, no volunteer credit", 0, 100, 0, 0, true},
	}
	for _, c := range cases {
		got := CoFinance(c.cash, c.hours)
		if got.VolunteerCounts != c.counts || got.Total != c.tot || got.Capped != c.capped {
			t.Errorf("%s: got %+v", c.name, got)
		}
		if got.Total > 0 && got.VolunteerCounts*2 > got.Total {
			t.Errorf("%s: volunteer work is more than half the own financing: %+v", c.name, got)
		}
	}
}

func ExampleCoFinance() {
	// 300 volunteer hours are worth 30.000 kr., but with 10.000 kr. of own
	// cash only 10.000 kr. of them count: half the own financing.
	c := CoFinance(10_000_00, 300)
	fmt.Println(Kroner(c.VolunteerValue), Kroner(c.VolunteerCounts), Kroner(c.Total), c.Capped)
	// Output: 30.000 kr. 10.000 kr. 20.000 kr. true
}

func TestTotals(t *testing.T) {
	lines := []BudgetLine{
		{ProjectID: "p", Kind: LineExpense, Amount: 80_000_00},
		{ProjectID: "p", Kind: LineExpense, Amount: 40_000_00},
		{ProjectID: "p", Kind: LineOwn, Amount: 15_000_00},
		{ProjectID: "other", Kind: LineExpense, Amount: 1_000_000_00},
	}
	apps := []FundingApplication{
		{ProjectID: "p", Applied: 50_000_00, Granted: 50_000_00, Status: ApplicationGranted, VolunteerHours: 100},
		{ProjectID: "p", Applied: 30_000_00, Status: ApplicationRejected, VolunteerHours: 100},
		{ProjectID: "p", Applied: 20_000_00, Status: ApplicationSent},
	}
	got := Totals("p", lines, apps)
	want := ProjectTotals{Expenses: 120_000_00, OwnCash: 15_000_00, Applied: 70_000_00, Granted: 50_000_00, Volunteer: 100,
		CoFinancing: CoFinancing{Cash: 15_000_00, VolunteerValue: 10_000_00, VolunteerCounts: 10_000_00, Total: 25_000_00},
		Missing:     45_000_00}
	if got != want {
		t.Errorf("Totals =\n %+v, want\n %+v", got, want)
	}
	// Overfinanced projects miss nothing.
	if m := Totals("p", lines[:1], []FundingApplication{{ProjectID: "p", Granted: 90_000_00}}).Missing; m != 0 {
		t.Errorf("Missing = %d, want 0", m)
	}
}

func TestTimePlan(t *testing.T) {
	start := time.Date(2026, 11, 26, 18, 30, 0, 0, time.UTC)
	items := []AgendaItem{{Minutes: 5}, {Minutes: 20}, {Minutes: 0}, {Minutes: 15}}
	slots := TimePlan(start, items)
	var got []string
	for _, s := range slots {
		got = append(got, Clock(s.Start)+"-"+Clock(s.End))
	}
	want := "[19:30-19:35 19:35-19:55 19:55-19:55 19:55-20:10]"
	if fmt.Sprint(got) != want {
		t.Errorf("TimePlan = %v, want %v", got, want)
	}
}

func TestCarriedOver(t *testing.T) {
	jan := Meeting{ID: "jan", CouncilID: "c", Start: day(2026, 1, 10)}
	feb := Meeting{ID: "feb", CouncilID: "c", Start: day(2026, 2, 10)}
	mar := Meeting{ID: "mar", CouncilID: "c", Start: day(2026, 3, 10)}
	meetings := []Meeting{jan, feb, mar}
	actions := []ActionItem{
		{ID: "open-jan", CouncilID: "c", MeetingID: "jan", What: "Søg pulje", Due: day(2026, 3, 1)},
		{ID: "done-before-feb", CouncilID: "c", MeetingID: "jan", What: "Bestil hal", Done: true, DoneAt: day(2026, 1, 20)},
		{ID: "done-after-feb", CouncilID: "c", MeetingID: "jan", What: "Ring til kommunen", Done: true, DoneAt: day(2026, 2, 20)},
		{ID: "from-feb", CouncilID: "c", MeetingID: "feb", What: "Skriv referat"},
		{ID: "other-council", CouncilID: "x", MeetingID: "jan", What: "Andet råd"},
		{ID: "loose", CouncilID: "c", What: "Uden møde", Due: day(2026, 2, 1)},
	}
	ids := func(as []ActionItem) []string {
		var s []string
		for _, a := range as {
			s = append(s, a.ID)
		}
		return s
	}
	if got := fmt.Sprint(ids(CarriedOver(feb, meetings, actions))); got != "[loose open-jan done-after-feb]" {
		t.Errorf("to February: %s", got)
	}
	if got := fmt.Sprint(ids(CarriedOver(mar, meetings, actions))); got != "[loose open-jan from-feb]" {
		t.Errorf("to March: %s", got)
	}
	if got := CarriedOver(jan, meetings, actions); len(got) != 1 || got[0].ID != "loose" {
		t.Errorf("to January: %v", ids(got))
	}
}

func TestMoveWish(t *testing.T) {
	wishes := []BudgetWish{
		{ID: "a", Title: "Sti", Rank: 1}, {ID: "b", Title: "Bænke", Rank: 2},
		{ID: "c", Title: "Lys", Rank: 3}, {ID: "d", Title: "Ny", Rank: 0},
	}
	changed := MoveWish(wishes, "c", -2)
	ranks := map[string]int{}
	for _, w := range wishes {
		ranks[w.ID] = w.Rank
	}
	for _, w := range changed {
		ranks[w.ID] = w.Rank
	}
	if fmt.Sprint(ranks) != "map[a:2 b:3 c:1 d:4]" {
		t.Errorf("ranks after move = %v", ranks)
	}
	if len(changed) != 4 {
		t.Errorf("changed %d wishes, want 4", len(changed))
	}
	// Moving past the end stays at the end.
	if ch := MoveWish([]BudgetWish{{ID: "a", Rank: 1}, {ID: "b", Rank: 2}}, "b", 5); len(ch) != 0 {
		t.Errorf("moving the last wish down changed %v", ch)
	}
}

func TestMoveItem(t *testing.T) {
	items := []AgendaItem{{ID: "1", Position: 1}, {ID: "2", Position: 2}, {ID: "3", Position: 3}}
	changed := MoveItem(items, "1", 1)
	if len(changed) != 2 || changed[0].ID != "2" || changed[0].Position != 1 || changed[1].ID != "1" || changed[1].Position != 2 {
		t.Errorf("MoveItem = %+v", changed)
	}
}

// validatable is a value of the model with its rules.
type validatable interface{ Validate() error }

// refusedField is a value Validate refuses, and the field its FieldError
// names.
type refusedField struct {
	v     validatable
	field string
}

// checkValidate fails t unless every value of ok passes Validate and each
// of bad is refused with a FieldError naming its field.
func checkValidate(t *testing.T, ok []validatable, bad []refusedField) {
	t.Helper()
	for _, v := range ok {
		if err := v.Validate(); err != nil {
			t.Errorf("%T: %v", v, err)
		}
	}
	for _, b := range bad {
		err := b.v.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != b.field {
			t.Errorf("%T %+v: err %v, want a FieldError on %q", b.v, b.v, err, b.field)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := []validatable{
		&Council{Name: "Jyderup Lokalråd"},
		&Member{Name: "Łukasz Ødegård", Role: RoleChair, Email: "lo@example.dk"},
		&Meeting{Kind: MeetingBoard, Status: MeetingPlanned, Start: day(2026, 1, 1)},
		&AgendaItem{MeetingID: "m", Title: "Godkendelse af dagsorden", Kind: ItemDecision, Minutes: 5},
		&ActionItem{What: "Ring til kommunen"},
		&Project{Title: "Shelter ved søen", Status: ProjectIdea, Progress: 10},
		&BudgetLine{ProjectID: "p", Text: "Tømmer", Kind: LineExpense, Amount: 1},
		&FundingApplication{ProjectID: "p", Pool: "Fællesskabspuljen", Status: ApplicationDraft},
		&BudgetWish{Year: 2027, Title: "Cykelsti", Status: WishDraft},
	}
	checkValidate(t, ok, []refusedField{
		{&Council{Name: "  "}, "name"},
		{&Member{Name: "A", Role: "konge"}, "role"},
		{&Member{Name: "A", Role: RoleMember, Email: "ikke en adresse"}, "email"},
		{&Member{Name: "A", Role: RoleMember, TermStart: day(2026, 1, 1), TermEnd: day(2025, 1, 1)}, "term"},
		{&Meeting{Kind: MeetingBoard, Status: MeetingPlanned}, "start"},
		{&AgendaItem{MeetingID: "m", Title: "x", Kind: ItemDecision, Minutes: -1}, "minutes"},
		{&ActionItem{What: ""}, "what"},
		{&Project{Title: "x", Status: ProjectIdea, Progress: 101}, "progress"},
		{&BudgetLine{ProjectID: "p", Text: "x", Kind: LineExpense, Amount: -5}, "amount"},
		{&FundingApplication{ProjectID: "p", Pool: "x", Status: "vundet"}, "status"},
		{&BudgetWish{Year: 27, Title: "x", Status: WishDraft}, "year"},
	})
	// The message is Danish.
	err := (&Council{}).Validate()
	if err == nil || err.Error() != "Udfyld navn" {
		t.Errorf("message = %v", err)
	}
}

func TestComingDeadlines(t *testing.T) {
	now := day(2026, 2, 1)
	apps := []FundingApplication{
		{Pool: "Udviklingspuljen", Deadline: day(2026, 3, 1), Status: ApplicationDraft},
		{Pool: "Sendt allerede", Deadline: day(2026, 2, 15), Status: ApplicationSent},
		{Pool: "For sent", Deadline: day(2026, 1, 15), Status: ApplicationDraft},
	}
	actions := []ActionItem{{What: "Bestil stole", Due: day(2026, 2, 10)}, {What: "Færdig", Due: day(2026, 2, 11), Done: true}}
	got := ComingDeadlines(now, now.AddDate(0, 3, 0), apps, actions)
	if len(got) != 2 || got[0].Title != "Bestil stole" || got[1].Title != "Udviklingspuljen" {
		t.Errorf("deadlines = %+v", got)
	}
}

func TestNextMeeting(t *testing.T) {
	ms := []Meeting{{ID: "past", Start: day(2026, 1, 1)}, {ID: "far", Start: day(2026, 6, 1)}, {ID: "soon", Start: day(2026, 3, 1)}}
	m, ok := NextMeeting(ms, day(2026, 2, 1))
	if !ok || m.ID != "soon" {
		t.Errorf("next = %v %v", m.ID, ok)
	}
	if _, ok := NextMeeting(ms, day(2027, 1, 1)); ok {
		t.Error("found a next meeting after all of them")
	}
}

func TestLabel(t *testing.T) {
	if Label(RoleChair, Danish) != "Formand" || Label(ProjectApplied, Danish) != "Søgt om midler" || Label(MeetingAGM, English) != "Annual general meeting" {
		t.Error("labels wrong")
	}
	for _, r := range Roles {
		if Label(r, Danish) == string(r) {
			t.Errorf("role %q has no label", r)
		}
	}
}

func TestFileName(t *testing.T) {
	long := strings.Repeat("Æbleplantning ved Søbredden ", 20)
	cases := []struct {
		name  string
		ext   string
		parts []string
		want  string
	}{
		{"parts joined", "pdf", []string{"Mødemappe", "Jyderup Lokalråd", ShortDate(day(2026, 12, 12))}, "Mødemappe – Jyderup Lokalråd – 12.12.2026.pdf"},
		{"refused characters", ".xlsx", []string{"Råd: A/B?", ""}, "Råd- A-B-.xlsx"},
		{"all refused characters", "pdf", []string{`a<b>c:d"e/f\g|h?i*j`}, "a-b-c-d-e-f-g-h-i-j.pdf"},
		{"control characters", "pdf", []string{"Linje\nto\tfane\x7f"}, "Linje-to-fane-.pdf"},
		{"no parts", "ics", nil, "Lokalråd.ics"},
		{"only blanks", "ics", []string{"  ", ""}, "Lokalråd.ics"},
		{"reserved CON", "pdf", []string{"CON"}, "CON_.pdf"},
		{"reserved lower case", "pdf", []string{"nul"}, "nul_.pdf"},
		{"reserved COM1", "db", []string{"com1"}, "com1_.db"},
		{"reserved LPT9", "db", []string{"LPT9 "}, "LPT9_.db"},
		{"COM10 is a plain name", "db", []string{"COM10"}, "COM10.db"},
		{"CONTRA is a plain name", "pdf", []string{"Contra"}, "Contra.pdf"},
		{"reserved before a dot", "pdf", []string{"aux.2026"}, "aux_.2026.pdf"},
		{"reserved part among others", "pdf", []string{"CON", "Jyderup"}, "CON – Jyderup.pdf"},
		{"trailing dots and spaces", "pdf", []string{"Møde slut...  ", "Jyderup. "}, "Møde slut – Jyderup.pdf"},
		{"only dots", "pdf", []string{"..."}, "Lokalråd.pdf"},
		{"no extension", "", []string{"Referat."}, "Referat"},
		{"dot extension", ".", []string{"Referat"}, "Referat"},
		{"long name cut on a character", "pdf", []string{long}, strings.TrimRight(string([]rune(long)[:maxFileNameRunes]), " ") + ".pdf"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := FileName(c.ext, c.parts...)
			if got != c.want {
				t.Errorf("FileName(%q, %q) = %q, want %q", c.ext, c.parts, got, c.want)
			}
			if why := invalidOnWindows(got); why != "" {
				t.Errorf("%q: %s", got, why)
			}
		})
	}
}

// Whatever a user types into a title, the file name is one NTFS and FAT32
// accept.
func TestFileNameAlwaysValidOnWindows(t *testing.T) {
	pieces := []string{"CON", "nul", "Com3", "lpt1", ".", " ", "..", "æøå", "Ærø", ":", "/", "\\", "*", "?", "\"", "<", ">", "|", "\x00", "\t", "–", "-", "a", "😀", strings.Repeat("ø", 300)}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5000; i++ {
		var parts []string
		for range rng.IntN(3) + 1 {
			var b strings.Builder
			for range rng.IntN(5) {
				b.WriteString(pieces[rng.IntN(len(pieces))])
			}
			parts = append(parts, b.String())
		}
		ext := []string{"pdf", ".xlsx", "", "db"}[rng.IntN(4)]
		name := FileName(ext, parts...)
		if why := invalidOnWindows(name); why != "" {
			t.Fatalf("FileName(%q, %q) = %q: %s", ext, parts, name, why)
		}
	}
}

// invalidOnWindows says why NTFS or FAT32 would refuse a file name, or "".
func invalidOnWindows(name string) string {
	if name == "" {
		return "empty"
	}
	if strings.ContainsAny(name, `<>:"/\|?*`) {
		return "holds a character Windows refuses"
	}
	for _, r := range name {
		if r < 32 {
			return "holds a control character"
		}
	}
	if strings.HasSuffix(name, ".") || strings.HasSuffix(name, " ") {
		return "ends in a dot or space"
	}
	if n := len(utf16.Encode([]rune(name))); n > 255 {
		return fmt.Sprintf("%d UTF-16 units, more than 255", n)
	}
	base, _, _ := strings.Cut(name, ".")
	switch strings.ToUpper(strings.TrimRight(base, " ")) {
	case "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		return "a name Windows reserves for a device"
	}
	return ""
}

func TestWishYearFor(t *testing.T) {
	autumn := day(2026, 11, 26)
	cases := []struct {
		years []int
		want  int
	}{
		{nil, 2027},                     // none yet: next year's budget
		{[]int{2026, 2027}, 2027},       // this autumn's wishes are for 2027
		{[]int{2025, 2026}, 2026},       // nothing for 2027 yet: the newest
		{[]int{2026, 2027, 2030}, 2027}, // far-off years do not count
	}
	for _, c := range cases {
		var ws []BudgetWish
		for _, y := range c.years {
			ws = append(ws, BudgetWish{Year: y})
		}
		if got := WishYearFor(autumn, ws); got != c.want {
			t.Errorf("WishYearFor(%v) = %d, want %d", c.years, got, c.want)
		}
	}
}

func TestOverdue(t *testing.T) {
	now := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	cases := []struct {
		a    ActionItem
		want bool
	}{
		{ActionItem{Due: day(2026, 11, 25)}, true},
		{ActionItem{Due: day(2026, 11, 26)}, false}, // due today: not yet
		{ActionItem{Due: day(2026, 11, 25), Done: true}, false},
		{ActionItem{}, false},
	}
	for _, c := range cases {
		if got := c.a.Overdue(now); got != c.want {
			t.Errorf("%+v.Overdue = %v", c.a, got)
		}
	}
	if !(Meeting{Start: now}).CanApprove(now) || (Meeting{Start: now.Add(time.Hour)}).CanApprove(now) {
		t.Error("CanApprove")
	}
}

// The app's own long date, »3. marts 2027« as every PDF prints it (and
// »3 March 2027« in English), is a date a treasurer types or copies back
// into a field or a workbook; it must not be refused as »ikke en dato«.
func TestParseDateReadsTheLongDate(t *testing.T) {
	for _, in := range []string{"3. marts 2027", "3 marts 2027", "3. Marts 2027", "03. marts 2027", "3 March 2027", " 3. marts 2027 "} {
		if got, err := ParseDate(in); err != nil || !got.Equal(day(2027, 3, 1).AddDate(0, 0, 2)) {
			t.Errorf("ParseDate(%q) = %v, %v; want 3 March 2027", in, got, err)
		}
	}
	for d := day(2027, 1, 1); d.Year() == 2027; d = d.AddDate(0, 0, 1) {
		for _, l := range []Lang{Danish, English} {
			if got, err := ParseDate(LongDate(d, l)); err != nil || !got.Equal(d) {
				t.Fatalf("ParseDate(%q) = %v, %v", LongDate(d, l), got, err)
			}
		}
	}
	for _, in := range []string{"31. februar 2027", "3. martss 2027", "marts 2027", "3. 2027"} {
		if _, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) was accepted", in)
		}
	}
}
