package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
)

// decisionsView is the decisions register, shown in the Møder tab: every
// decision of every meeting, newest first, searchable and filtered by year
// and project. Choosing one opens its meeting at the item.
type decisionsView struct {
	s        *meetingsScreen
	all      []model.Decision
	shown    []model.Decision
	query    *widget.Entry
	year     *widget.Select
	years    []int
	project  *widget.Select
	projects []string // titles, after "Alle projekter"
	info     *widget.Label
	list     *widget.List
}

// showDecisions shows the register in place of the meeting editor.
func (s *meetingsScreen) showDecisions() {
	s.leave()
	s.editor = nil
	s.list.UnselectAll()
	v := &decisionsView{s: s}
	s.register = v
	showIn(s.detail, v.build())
}

func (v *decisionsView) build() fyne.CanvasObject {
	u := v.s.u
	ds, err := u.db.Decisions(u.ctx, u.councilID, current())
	v.info = widget.NewLabel("")
	if err != nil {
		v.info.SetText(errText(err))
	}
	v.all = ds
	v.query = widget.NewEntry()
	v.query.SetPlaceHolder(lang.L("Search the decisions"))
	v.query.OnChanged = func(string) { v.filter() }
	v.years = model.DecisionYears(ds)
	yearOpts := []string{lang.L("All years")}
	for _, y := range v.years {
		yearOpts = append(yearOpts, strconv.Itoa(y))
	}
	v.year = widget.NewSelect(yearOpts, func(string) { v.filter() })
	v.year.SetSelectedIndex(0)
	projOpts := []string{lang.L("All projects")}
	if ps, err := u.db.Projects(u.ctx, u.councilID); err == nil {
		for _, p := range ps {
			v.projects = append(v.projects, p.Title)
			projOpts = append(projOpts, p.Title)
		}
	}
	v.project = widget.NewSelect(projOpts, func(string) { v.filter() })
	v.project.SetSelectedIndex(0)
	v.list = newRowList(func() int { return len(v.shown) },
		func(i int) (string, string) {
			d := v.shown[i]
			where := d.Meeting
			if !strings.Contains(where, model.ShortDate(d.Date)) {
				where = model.ShortDate(d.Date) + " · " + where
			}
			return where + " · " + strconv.Itoa(d.Position) + ". " + d.Item, firstLine(d.Decision)
		},
		func(i int) { v.open(v.shown[i]) })
	v.filter()
	filters := container.NewGridWithColumns(2, v.year, v.project)
	return container.NewBorder(container.NewVBox(heading(lang.L("Decisions")), v.query, filters, v.info), nil, nil, nil, v.list)
}

// firstLine is a text's first line, for a row of a list.
func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i] + " …"
		}
	}
	return s
}

// filter shows the decisions the search and filters pick.
func (v *decisionsView) filter() {
	if v.list == nil {
		return
	}
	f := model.DecisionFilter{Query: v.query.Text}
	if i := v.year.SelectedIndex(); i > 0 {
		f.Year = v.years[i-1]
	}
	if i := v.project.SelectedIndex(); i > 0 {
		f.Project = v.projects[i-1]
	}
	v.shown = f.Filter(v.all)
	switch {
	case len(v.all) == 0:
		v.info.SetText(lang.L("No decisions have been written in the minutes yet."))
	case len(v.shown) == len(v.all):
		v.info.SetText(lang.L("Decisions: {{.N}}", map[string]any{"N": len(v.all)}))
	default:
		v.info.SetText(lang.L("Showing {{.N}} of {{.Total}} decisions", map[string]any{"N": len(v.shown), "Total": len(v.all)}))
	}
	v.list.UnselectAll()
	v.list.Refresh()
}

// open shows the decision's meeting at its item, in the minutes.
func (v *decisionsView) open(d model.Decision) {
	s := v.s
	s.register = nil
	s.selectMeeting(d.MeetingID)
	if s.editor != nil {
		s.editor.showHit("item", d.ItemID)
	}
}
