package ui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
	"lokalraad/storage"
)

// yearScreen is the Årshjul tab: the council's year as twelve months of
// dates (model.YearWheel), printed on one page, and the council's own
// yearly rules that make some of them.
type yearScreen struct {
	u      *App
	year   int
	label  *widget.Label
	months [12]*widget.Label
	msg    *widget.Label
	rules  *formPane[model.YearRule]
	usual  *widget.Button
	shown  []model.Deadline // the year's dates, as the months show them
}

func newYearScreen(u *App) *yearScreen {
	return &yearScreen{u: u, year: u.now().In(model.Copenhagen).Year()}
}

func (s *yearScreen) build() fyne.CanvasObject {
	u := s.u
	s.msg = newErrLabel()
	s.label = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	prev := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { s.year--; s.refresh() })
	next := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { s.year++; s.refresh() })
	print := widget.NewButtonWithIcon(lang.L("Print the year wheel…"), theme.DocumentPrintIcon(), s.onPrint)
	s.usual = widget.NewButtonWithIcon(lang.L("Add the usual dates"), theme.ContentAddIcon(), s.onUsual)
	cards := make([]fyne.CanvasObject, 12)
	for m := range s.months {
		s.months[m] = widget.NewLabel("")
		s.months[m].Wrapping = fyne.TextWrapWord
		cards[m] = widget.NewCard(monthName(time.Month(m+1)), "", s.months[m])
	}
	top := container.NewHBox(prev, container.New(minWidth{80}, s.label), next, layout.NewSpacer(), s.usual, print)
	view := container.NewBorder(container.NewVBox(top, s.msg), nil, nil, nil,
		newVScroll(container.NewGridWithColumns(4, cards...)))

	s.rules = newEditPane(u, editKind[model.YearRule]{
		note: lang.L("Saved as you type, and sent to the municipality at the next sync."),
		key:  "yearrule", newText: lang.L("New yearly date"), choose: lang.L("Choose a yearly date, or create a new one."),
		load: func(ctx context.Context) ([]model.YearRule, error) { return u.db.YearRules(ctx, u.councilID) },
		save: func(ctx context.Context, loaded model.YearRule, r *model.YearRule) error {
			err := u.db.SaveYearRule(ctx, loaded, r)
			if err == nil {
				s.refresh()
			}
			return err
		},
		remove: func(ctx context.Context, id string) error {
			err := u.db.DeleteYearRule(ctx, id)
			if err == nil {
				s.refresh()
			}
			return err
		},
		id: func(r model.YearRule) string { return r.ID },
		row: func(r model.YearRule) (string, string) {
			sub := r.Describe(current())
			if r.NoticeDays > 0 {
				sub += " · " + lang.L("notice {{.Days}} days before", map[string]any{"Days": r.NoticeDays})
			}
			return r.Title, sub
		},
		create: func() model.YearRule {
			return model.YearRule{CouncilID: u.councilID, Title: lang.L("New yearly date"), Kind: model.YearDate, Month: 1, Day: 1, Nth: 1}
		},
		deleteTitle: lang.L("Delete yearly date"),
		deleteQuestion: func(t string) string {
			return lang.L("Delete the yearly date «{{.Title}}»? It cannot be undone.", map[string]any{"Title": t})
		},
		form:  yearRuleForm,
		table: "year_rules",
	})
	tabs := container.NewAppTabs(
		container.NewTabItem(lang.L("The year"), view),
		container.NewTabItem(lang.L("Yearly dates"), s.rules.build()),
	)
	s.refresh()
	return tabs
}

// yearRuleForm edits a rule: its date either as a day of a month or as a
// weekday of a month, and the days of notice before it.
func yearRuleForm(f *form[model.YearRule], r model.YearRule) {
	f.text(lang.L("Title"), r.Title, 0, func(r *model.YearRule, v string) { r.Title = v })
	f.choice(lang.L("Category"), r.Category, model.YearCategories, func(r *model.YearRule, v string) { r.Category = v })
	kinds := []string{lang.L("On a date"), lang.L("On a weekday of the month")}
	kind := selectField(f, lang.L("When"), kinds, indexOf(model.YearRuleKinds, r.Kind), func(r *model.YearRule, i int) { r.Kind = model.YearRuleKinds[i] })
	var months []string
	for m := time.January; m <= time.December; m++ {
		months = append(months, monthName(m))
	}
	selectField(f, lang.L("Month"), months, r.Month-1, func(r *model.YearRule, i int) { r.Month = i + 1 })
	day := intField(f, lang.L("Day"), r.Day, func(r *model.YearRule, v int) { r.Day = v })
	nths := []string{lang.L("first"), lang.L("second"), lang.L("third"), lang.L("fourth"), lang.L("last")}
	nthIdx := r.Nth - 1
	if r.Nth == -1 {
		nthIdx = 4
	}
	nth := selectField(f, lang.L("Which"), nths, nthIdx, func(r *model.YearRule, i int) {
		if r.Nth = i + 1; i == 4 {
			r.Nth = -1
		}
	})
	// Weeks start on Monday.
	order := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	var days []string
	for _, d := range order {
		days = append(days, lang.L(strings.ToLower(d.String())))
	}
	wd := selectField(f, lang.L("Weekday"), days, indexOf(order, r.Weekday), func(r *model.YearRule, i int) { r.Weekday = order[i] })
	intField(f, lang.L("Notice (days before)"), r.NoticeDays, func(r *model.YearRule, v int) { r.NoticeDays = v })
	f.text(lang.L("Note"), r.Note, 3, func(r *model.YearRule, v string) { r.Note = v })
	enable := func(i int) {
		if i == 1 {
			day.Disable()
			nth.Enable()
			wd.Enable()
		} else {
			day.Enable()
			nth.Disable()
			wd.Disable()
		}
	}
	enable(kind.SelectedIndex())
	save := kind.OnChanged
	kind.OnChanged = func(v string) { enable(kind.SelectedIndex()); save(v) }
}

func indexOf[T comparable](xs []T, x T) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return 0
}

// selectField picks one of options, saved at once; set gets its index.
func selectField[T any](f *form[T], label string, options []string, idx int, set func(*T, int)) *widget.Select {
	s := widget.NewSelect(options, nil)
	if idx >= 0 && idx < len(options) {
		s.SetSelectedIndex(idx)
	}
	s.OnChanged = func(string) { f.u.saver.schedule(f.key, f.save); f.u.saver.flush() }
	f.add(label, s, s, func(x *T) {
		if i := s.SelectedIndex(); i >= 0 {
			set(x, i)
		}
	})
	return s
}

// monthName is the month's name in the screens' language.
func monthName(m time.Month) string {
	return lang.L(m.String())
}

// reminderLine is one date of the year view: "25. Årshjul: Generalforsamling".
func reminderLine(d model.Deadline) string {
	t := d.Date.In(model.Copenhagen)
	day := strconv.Itoa(t.Day()) + "."
	if d.Kind == model.DeadlineMeeting {
		day += " " + model.Clock(t)
	}
	return day + " " + model.DeadlineText(d, current())
}

// refresh reads the year's dates and the yearly dates again (when the tab
// is shown).
func (s *yearScreen) refresh() {
	if s.label == nil {
		return
	}
	s.showDates()
	if s.rules != nil && s.rules.list != nil {
		s.rules.refreshList()
	}
}

// yearTables are the tables the year's dates come from
// (model.YearWheelInput).
var yearTables = []string{"year_rules", "members", "meetings", "funding_applications", "projects", "pools", "deadlines"}

// refreshChanged reads the year's dates again after a sync that changed
// what they come from; the yearly date open is read again only when its
// row changed and nobody types.
func (s *yearScreen) refreshChanged(changed storage.Changed, typing bool) {
	if s.label == nil {
		return
	}
	if touches(changed, yearTables...) {
		s.showDates()
	}
	s.rules.refreshChanged(changed, typing)
}

// showDates shows the year's dates as stored.
func (s *yearScreen) showDates() {
	s.label.SetText(strconv.Itoa(s.year))
	rs, err := s.u.db.YearReminders(s.u.ctx, s.u.councilID, s.year)
	showErr(s.msg, err)
	if err != nil {
		return
	}
	s.shown = rs
	for m, ds := range model.ByMonth(model.MergeSameDay(rs)) {
		var lines []string
		for _, d := range ds {
			lines = append(lines, reminderLine(d))
		}
		if len(lines) == 0 {
			lines = []string{"–"}
		}
		s.months[m].SetText(strings.Join(lines, "\n"))
	}
	rules, err := s.u.db.YearRules(s.u.ctx, s.u.councilID)
	if err == nil && len(rules) > 0 {
		s.usual.Hide()
	} else {
		s.usual.Show()
	}
}

// onUsual adds the usual yearly dates (model.DefaultYearRules) to a
// council that has none.
func (s *yearScreen) onUsual() {
	for _, r := range model.DefaultYearRules(s.u.councilID, current()) {
		if err := s.u.db.SaveYearRule(s.u.ctx, model.YearRule{}, &r); err != nil {
			showErr(s.msg, err)
			return
		}
	}
	s.refresh()
}

// onPrint saves the year shown as a one-page PDF.
func (s *yearScreen) onPrint() {
	s.u.saver.flush()
	council, _ := s.u.db.Council(s.u.ctx, s.u.councilID)
	name := fileName("pdf", "Årshjul", council.Name, strconv.Itoa(s.year))
	id, year := s.u.councilID, s.year
	s.u.saveAs(name, func() ([]byte, error) { return s.u.render(yearWheelDoc, id, "", year, false) })
}

// yearReminders are the Oversigt's dates of the årshjul from now to
// horizon that the other lists do not hold: the yearly rules with their
// notice deadlines, members' terms ending and accounts due for pool
// grants.
func (s *overviewScreen) yearReminders(now, horizon time.Time, apps []model.FundingApplication) ([]model.Deadline, error) {
	db := s.u.db
	rules, err := db.YearRules(s.u.ctx, s.u.councilID)
	if err != nil {
		return nil, err
	}
	members, err := db.Members(s.u.ctx, s.u.councilID)
	if err != nil {
		return nil, err
	}
	projects, err := db.Projects(s.u.ctx, s.u.councilID)
	if err != nil {
		return nil, err
	}
	pools, err := db.Pools(s.u.ctx)
	if err != nil {
		return nil, err
	}
	out := model.RuleReminders(rules, now, horizon)
	out = append(out, model.TermEnds(members, now, horizon)...)
	for _, d := range model.AccountsDeadlines(apps, projects, pools) {
		if !d.Date.Before(s.u.today()) && !d.Date.After(horizon) {
			out = append(out, d)
		}
	}
	return out, nil
}
