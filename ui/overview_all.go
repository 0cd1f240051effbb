package ui

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
	"lokalraad/storage"
)

// allCouncils is the staff device's overview of every council
// (storage.CouncilOverviews): one row each, sorted and filtered; a row
// opens that council.
type allCouncils struct {
	u      *App
	all    []model.CouncilOverview
	rows   []model.CouncilOverview // as shown
	sortBy *widget.Select
	filter *widget.Entry
	only   *widget.Check
	table  *widget.Table
	msg    *widget.Label
}

// overviewCols are the table's columns: header key and cell text.
var overviewCols = []struct {
	key   string
	width float32
	cell  func(r model.CouncilOverview, year int) string
}{
	{"Local council", 200, func(r model.CouncilOverview, _ int) string { return r.Name }},
	{"Next meeting", 110, func(r model.CouncilOverview, _ int) string { return orDash(model.ShortDate(r.NextMeeting)) }},
	{"Open / overdue tasks", 150, func(r model.CouncilOverview, _ int) string {
		return strconv.Itoa(r.OpenActions) + " / " + strconv.Itoa(r.OverdueActions)
	}},
	{"Projects", 190, func(r model.CouncilOverview, _ int) string {
		var parts []string
		for _, st := range model.ProjectStatuses {
			if n := r.Projects[st]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, strings.ToLower(label(st))))
			}
		}
		if r.Projects[model.ProjectRunning] > 0 {
			parts = append(parts, strconv.Itoa(r.Progress)+" %")
		}
		return orDash(strings.Join(parts, ", "))
	}},
	{"Applications (next deadline)", 170, func(r model.CouncilOverview, _ int) string {
		s := strconv.Itoa(r.OpenApps)
		if !r.NextAppDeadline.IsZero() {
			s += " (" + model.ShortDate(r.NextAppDeadline) + ")"
		}
		return s
	}},
	{"Wishes awaiting an answer", 120, func(r model.CouncilOverview, _ int) string { return strconv.Itoa(r.WishesAwaiting) }},
	{"Accounts", 90, func(r model.CouncilOverview, _ int) string {
		return strconv.Itoa(r.AccountsYear) + ": " + yesNoText(r.AccountsOnFile)
	}},
	{"Contact person", 90, func(r model.CouncilOverview, _ int) string { return yesNoText(r.ContactOnFile) }},
	{"Plan", 70, func(r model.CouncilOverview, _ int) string {
		if r.PlanYear == 0 {
			return lang.L("none")
		}
		return strconv.Itoa(r.PlanYear)
	}},
	{"Citizen budgeting round", 200, func(r model.CouncilOverview, _ int) string { return orDash(pbOverviewCell(r)) }},
	{"Last heard from", 120, func(r model.CouncilOverview, _ int) string { return orDash(model.ShortDate(r.LastSync)) }},
}

// pbOverviewCell is a council's newest borgerbudget round and its phase
// in the desktop's language.
func pbOverviewCell(r model.CouncilOverview) string {
	title, ok := r.Extra[storage.OverviewPBTitle]
	if !ok {
		return r.Extra[storage.OverviewPB]
	}
	n, _ := strconv.Atoi(r.Extra[storage.OverviewPBRounds])
	return model.PBOverviewText(title, model.PBPhase(r.Extra[storage.OverviewPBPhase]), n, current())
}

func yesNoText(b bool) string {
	if b {
		return lang.L("Yes")
	}
	return lang.L("No")
}

// overviewSorts are the orders the overview can be sorted in.
var overviewSorts = keyOptions(model.OverviewSorts, func(s model.OverviewSort) string {
	return map[model.OverviewSort]string{
		model.SortName: "Name", model.SortProblems: "Most to follow up", model.SortOverdue: "Overdue tasks",
		model.SortOpen: "Open tasks", model.SortMeeting: "Next meeting", model.SortDeadline: "Next deadline",
		model.SortWishes: "Wishes awaiting an answer", model.SortSync: "Last heard from",
	}[s]
})

func (a *allCouncils) build() fyne.CanvasObject {
	a.msg = newErrLabel()
	a.sortBy = overviewSorts.newSelect(func(string) { a.show() })
	a.sortBy.SetSelectedIndex(0)
	a.filter = widget.NewEntry()
	a.filter.SetPlaceHolder(lang.L("Filter by name or area"))
	a.filter.OnChanged = func(string) { a.show() }
	a.only = widget.NewCheck(lang.L("Only those to follow up"), func(bool) { a.show() })
	a.table = widget.NewTable(
		func() (int, int) { return len(a.rows), len(overviewCols) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row >= len(a.rows) {
				return
			}
			o.(*widget.Label).SetText(overviewCols[id.Col].cell(a.rows[id.Row], a.year()))
		})
	a.table.ShowHeaderRow = true
	a.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	a.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText(lang.L(overviewCols[id.Col].key))
		}
	}
	for i, c := range overviewCols {
		a.table.SetColumnWidth(i, c.width)
	}
	a.table.OnSelected = func(id widget.TableCellID) {
		a.table.UnselectAll()
		if id.Row >= 0 && id.Row < len(a.rows) {
			a.u.openCouncil(a.rows[id.Row].CouncilID)
		}
	}
	a.refresh()
	top := container.NewBorder(nil, a.msg, nil, container.NewHBox(widget.NewLabel(lang.L("Sort by")), a.sortBy, a.only), a.filter)
	return container.NewBorder(top, nil, nil, nil, a.table)
}

func (a *allCouncils) year() int { return a.u.now().In(model.Copenhagen).Year() }

// refresh reads every council's row again.
func (a *allCouncils) refresh() {
	if a.table == nil {
		return
	}
	rows, err := a.u.db.CouncilOverviews(a.u.ctx, a.u.now())
	showErr(a.msg, err)
	if err != nil {
		return
	}
	a.all = rows
	a.show()
}

// show sorts and filters what was read.
func (a *allCouncils) show() {
	if a.table == nil {
		return
	}
	rows := model.FilterOverview(a.all, a.filter.Text, a.only.Checked, a.year())
	if by, ok := overviewSorts.chosen(a.sortBy); ok {
		model.SortOverview(rows, by, a.year())
	}
	a.rows = rows
	a.table.Refresh()
}
