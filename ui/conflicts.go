package ui

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
	"lokalraad/storage"
)

// conflictsView lists the open council's kept conflicts (a value that lost
// to a concurrent edit, or the other side of overlapping edits of a long
// text) with both versions side by side: keep the one in force, take the
// other, or type a merge and keep that. Shown in a dialog from the status
// bar and the menu.
type conflictsView struct {
	u      *App
	items  []storage.Conflict
	names  map[string]string // row id → what the row is, in words
	list   *widget.List
	detail *fyne.Container
	msg    *widget.Label
	cur    *conflictDetail
}

// showConflicts opens the conflicts view.
func (u *App) showConflicts() {
	if u.councilID == "" {
		return
	}
	u.saver.flush()
	v := &conflictsView{u: u}
	u.sync.view = v
	d := dialog.NewCustom(lang.L("Conflicts"), lang.L("Close"), v.build(), u.win)
	d.SetOnClosed(func() {
		u.sync.view = nil
		u.sync.refreshConflicts()
	})
	size := u.win.Canvas().Size()
	d.Resize(fyne.NewSize(min(1100, size.Width*0.95), min(760, size.Height*0.92)))
	d.Show()
}

func (v *conflictsView) build() fyne.CanvasObject {
	v.msg = newErrLabel()
	v.list = newRowList(func() int { return len(v.items) },
		func(i int) (string, string) {
			return v.what(v.items[i]), fieldLabel(v.items[i].Table, v.items[i].Field)
		},
		func(i int) { v.open(v.items[i]) })
	v.detail = container.NewStack()
	v.reload()
	left := container.NewBorder(nil, v.msg, nil, nil, v.list)
	split := container.NewHSplit(left, v.detail)
	split.Offset = 0.3
	return split
}

// reload reads the conflicts again and shows the first.
func (v *conflictsView) reload() {
	cs, err := v.u.conflicts()
	showErr(v.msg, err)
	if err != nil {
		return
	}
	v.items = cs
	v.names = v.u.rowNames()
	v.list.UnselectAll()
	v.list.Refresh()
	v.cur = nil
	if len(cs) == 0 {
		l := widget.NewLabel(lang.L("No conflicts: every edit from every computer is in place."))
		showIn(v.detail, container.NewCenter(l))
		return
	}
	v.list.Select(0)
}

// open shows one conflict.
func (v *conflictsView) open(c storage.Conflict) {
	v.cur = &conflictDetail{v: v, c: c}
	showIn(v.detail, v.cur.build())
}

// rowNames names the council's rows for the conflicts list and the
// rows that came back ("Budgetønske «Ny sti»").
func (u *App) rowNames() map[string]string {
	names := map[string]string{}
	d, err := u.db.CouncilData(u.ctx, u.councilID)
	if err != nil {
		return names
	}
	names[d.Council.ID] = rowName(lang.L("Local council"), d.Council.Name)
	meetings := map[string]model.Meeting{}
	for _, m := range d.Meetings {
		meetings[m.ID] = m
		title := model.MeetingTitle(m, current())
		if m.Title != "" { // an untitled meeting's title is its kind and date
			title += " " + model.ShortDate(m.Start)
		}
		names[m.ID] = rowName(lang.L("Meeting"), title)
	}
	nameRows(names, lang.L("Member"), d.Members, func(m model.Member) (string, string) { return m.ID, m.Name })
	for _, it := range d.Items {
		names[it.ID] = rowName(lang.L("Agenda item"), it.Title)
		if m, ok := meetings[it.MeetingID]; ok {
			names[it.ID] += " " + model.ShortDate(m.Start)
		}
	}
	nameRows(names, lang.L("Action item"), d.Actions, func(a model.ActionItem) (string, string) { return a.ID, a.What })
	nameRows(names, lang.L("Project"), d.Projects, func(p model.Project) (string, string) { return p.ID, p.Title })
	nameRows(names, lang.L("Budget line"), d.Lines, func(l model.BudgetLine) (string, string) { return l.ID, l.Text })
	nameRows(names, lang.L("Funding application"), d.Applications, func(a model.FundingApplication) (string, string) { return a.ID, a.Pool })
	nameRows(names, lang.L("Budget wish"), d.Wishes, func(w model.BudgetWish) (string, string) { return w.ID, w.Title })
	nameRows(names, lang.L("Attachment"), d.Attachments, func(a model.Attachment) (string, string) { return a.ID, a.Name })
	nameRows(names, lang.L("Yearly date"), d.YearRules, func(r model.YearRule) (string, string) { return r.ID, r.Title })
	nameRows(names, lang.L("Accounts line"), d.Accounts, func(e model.AccountEntry) (string, string) {
		return e.ID, model.ShortDate(e.Date) + " " + e.Text
	})
	nameRows(names, lang.L("Accounts"), d.AccountYears, func(a model.AccountsYear) (string, string) { return a.ID, strconv.Itoa(a.Year) })
	return names
}

// wholeKinds name the kinds of the rows that can come back (model.Parts)
// that rowNames does not name.
var wholeKinds = map[string]string{"pb_rounds": "Round", "pb_proposals": "Proposal"}

// nameRounds adds to names the council's citizen budgeting rounds and
// their proposals, which rowNames leaves out: only the rows that came back
// need them.
func (u *App) nameRounds(names map[string]string) {
	rounds, err := u.db.PBRounds(u.ctx, u.councilID)
	if err != nil {
		return
	}
	for _, r := range rounds {
		names[r.ID] = rowName(lang.L("Round"), r.Title)
		ps, err := u.db.PBProposals(u.ctx, r.ID)
		if err != nil {
			continue
		}
		nameRows(names, lang.L("Proposal"), ps, func(p model.PBProposal) (string, string) { return p.ID, p.Title })
	}
}

// revivedText says which rows deleted on this computer came back with a
// sync (storage.Applied.Revived): another laptop worked on them meanwhile.
// It is "" when none did.
func (u *App) revivedText(back storage.Changed) string {
	if len(back) == 0 {
		return ""
	}
	names := u.rowNames()
	if len(back["pb_rounds"])+len(back["pb_proposals"]) > 0 {
		u.nameRounds(names)
	}
	var lines []string
	for _, t := range back.Tables() {
		for _, id := range back[t] {
			name, ok := names[id]
			if !ok {
				name = lang.L(wholeKinds[t])
			}
			lines = append(lines, "• "+name)
		}
	}
	return lang.L("Deleted on this computer, but someone worked in it on another computer meanwhile, so it is kept with that work. Delete it again if that work should not be kept:") +
		"\n" + strings.Join(lines, "\n")
}

// rowName is a row's name in the conflicts list: its kind and «title».
func rowName(kind, title string) string { return kind + " «" + title + "»" }

// nameRows names each of rows by rowName; idTitle gives a row's id and title.
func nameRows[T any](names map[string]string, kind string, rows []T, idTitle func(T) (id, title string)) {
	for _, r := range rows {
		id, title := idTitle(r)
		names[id] = rowName(kind, title)
	}
}

// what names a conflict's row.
func (v *conflictsView) what(c storage.Conflict) string {
	if n, ok := v.names[c.Row]; ok {
		return n
	}
	return lang.L("Deleted") + " (" + c.Table + ")"
}

// resolve keeps a value (nil: the one in force) and dismisses the conflict.
func (v *conflictsView) resolve(c storage.Conflict, keep any) {
	if err := v.u.db.ResolveConflict(v.u.ctx, c.ID, keep); err != nil {
		showErr(v.msg, err)
		return
	}
	showErr(v.msg, nil)
	v.reload()
	v.u.sync.refreshConflicts()
	v.u.sync.refreshPending()
	if keep != nil {
		v.u.refreshScreens(nil)
	}
}

// conflictDetail shows one conflict's two versions side by side.
type conflictDetail struct {
	v *conflictsView
	c storage.Conflict

	keepCurrent, keepOther, saveMerge *widget.Button
	merge                             *entry
}

func (d *conflictDetail) build() fyne.CanvasObject {
	c := d.c
	long := model.LongText(c.Table, c.Field)
	title := heading(d.v.what(c) + " – " + fieldLabel(c.Table, c.Field))
	title.Wrapping = fyne.TextWrapWord
	why := lang.L("Two computers changed this at the same time. One version is in force now; the other is kept here so that nothing is lost. Choose the one to keep, or merge them.")
	if c.Merged {
		why = lang.L("Both computers changed the same lines. Where they overlap, the text in force has the latest change; the other version is kept here whole, so nothing is lost. Choose one, or merge them yourself.")
	}
	intro := widget.NewLabel(why)
	intro.Wrapping = fyne.TextWrapWord

	d.keepCurrent = widget.NewButtonWithIcon(lang.L("Keep this"), theme.ConfirmIcon(), func() { d.v.resolve(c, nil) })
	d.keepOther = widget.NewButtonWithIcon(lang.L("Use this instead"), theme.ContentRedoIcon(), func() { d.v.resolve(c, c.Other) })
	current := conflictValue(c.Table, c.Field, c.Current)
	if c.Current == nil {
		current = lang.L("(the row has been deleted)")
		d.keepOther.Disable()
	}
	sides := container.NewGridWithColumns(2,
		widget.NewCard("", "", container.NewBorder(heading(lang.L("In force now")), d.keepCurrent, nil, nil, valueView(current, long))),
		widget.NewCard("", "", container.NewBorder(heading(lang.L("The other version")), d.keepOther, nil, nil, valueView(conflictValue(c.Table, c.Field, c.Other), long))),
	)
	body := container.NewVBox(title, intro, sides)
	if cur, ok := c.Current.(string); ok {
		// The app's own field: it refuses a paste too long for any
		// field and shows a word too long to wrap unwrapped.
		if long {
			d.merge = newMultiEntry(8)
		} else {
			d.merge = newEntry()
		}
		d.merge.SetText(cur)
		d.saveMerge = widget.NewButtonWithIcon(lang.L("Keep the merged text"), theme.DocumentSaveIcon(), func() { d.v.resolve(c, d.merge.Text) })
		body.Add(widget.NewCard("", "", container.NewBorder(
			container.NewVBox(heading(lang.L("Or merge them yourself")), widget.NewLabel(lang.L("Edit the text and keep it."))),
			container.NewHBox(d.saveMerge), nil, nil, d.merge)))
	}
	return container.NewVScroll(body)
}

// valueView shows a value read-only; a long text on several lines that
// can be selected and copied. A text with a word too long to wrap
// (maxWrappedWord) is shown unwrapped, scrolling sideways too, as the
// fields show it.
func valueView(s string, long bool) fyne.CanvasObject {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	l.Selectable = true
	if !long {
		return l
	}
	sc := container.NewVScroll(l)
	if longestWord(s) > maxWrappedWord {
		l.Wrapping = fyne.TextWrapOff
		sc = container.NewScroll(l)
	}
	sc.SetMinSize(fyne.NewSize(0, 220))
	return sc
}

// conflictValue shows a stored value as the screens show it, by the
// field's kind in the registry.
func conflictValue(table, field string, v any) string {
	f, _ := model.FieldOf(table, field)
	switch x := v.(type) {
	case nil:
		return lang.L("(empty)")
	case int64:
		switch f.Kind {
		case model.FieldMoney:
			return model.Kroner(x)
		case model.FieldBool:
			if x != 0 {
				return lang.L("Yes")
			}
			return lang.L("No")
		}
		return model.Label(x, current())
	case string:
		if x == "" {
			return lang.L("(empty)")
		}
		switch f.Kind {
		case model.FieldEnum:
			return label(f.Typed(x))
		case model.FieldDate:
			if t, err := time.Parse(model.DateLayout, x); err == nil {
				return model.ShortDate(time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, model.Copenhagen))
			}
		case model.FieldStamp:
			if t, err := time.Parse(time.RFC3339, x); err == nil {
				return model.DateTime(t)
			}
		}
		return x
	}
	return model.Label(v, current())
}

// fieldLabel names a stored field as the screens do (its registry label).
func fieldLabel(table, field string) string {
	if f, ok := model.FieldOf(table, field); ok {
		return lang.L(f.Label)
	}
	return field
}

// conflicts are the kept conflicts this computer may settle: on a council
// computer the council's own, on the municipality's staff computer those
// on the municipality's data and answers. Each side can write only its
// own fields, so only it can settle them.
func (u *App) conflicts() ([]storage.Conflict, error) {
	staff := u.isStaff()
	var all []storage.Conflict
	for _, council := range []string{u.councilID, model.MunicipalityID} {
		if council == "" || (council == model.MunicipalityID && !staff) {
			continue
		}
		cs, err := u.db.Conflicts(u.ctx, council)
		if err != nil {
			return nil, err
		}
		all = append(all, cs...)
	}
	var out []storage.Conflict
	for _, c := range all {
		if municipalConflict(c) == staff {
			out = append(out, c)
		}
	}
	return out, nil
}

// municipalConflict tells a conflict on what the municipality writes.
func municipalConflict(c storage.Conflict) bool {
	if c.Council == model.MunicipalityID {
		return true
	}
	f, ok := model.FieldOf(c.Table, c.Field)
	return ok && f.Owner == model.OwnerMunicipality
}
