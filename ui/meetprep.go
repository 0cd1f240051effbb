package ui

// The meeting's preparation and approval, on the meeting editor: the
// attendance list with the quorum, the Godkend referat button and the
// banner of approved minutes, and the agenda from an earlier meeting or a
// template.

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
)

// attendanceView is the meeting's attendance: every member with til stede
// / afbud / fraværende, the guests, and whether the board is quorate.
type attendanceView struct {
	e      *meetingEditor
	box    *fyne.Container
	quorum *widget.Label
	groups map[string]*widget.RadioGroup // by name
	list   []model.Attendance
}

// buildAttendance lays out the attendance and the guests' entry.
func (e *meetingEditor) buildAttendance() fyne.CanvasObject {
	a := &attendanceView{e: e, box: container.NewVBox(), quorum: widget.NewLabel(""), groups: map[string]*widget.RadioGroup{}}
	a.quorum.Wrapping = fyne.TextWrapWord
	e.att = a
	a.load()
	e.guests = newMultiEntry(3)
	e.guests.SetPlaceHolder(lang.L("Guests who are not members, one name a line"))
	setText(e.guests, e.m.Guests)
	e.u.autosave(e.guests, "meeting:"+e.m.ID, e.save)
	if e.locked {
		e.guests.Disable()
	}
	return container.NewVBox(
		heading(lang.L("Attendance")), a.quorum, a.box,
		container.NewBorder(heading(lang.L("Guests")), nil, nil, nil, shown(e.guests, e.locked)))
}

// load builds a row a person from what is stored.
func (a *attendanceView) load() {
	e := a.e
	members, err := e.u.db.Members(e.u.ctx, e.m.CouncilID)
	if err != nil {
		showErr(e.msg, err)
	}
	a.list = model.AttendanceList(e.m, members)
	a.box.RemoveAll()
	a.groups = map[string]*widget.RadioGroup{}
	if len(a.list) == 0 {
		a.box.Add(widget.NewLabel(lang.L("The council has no members yet. Add them under Members.")))
	}
	for _, p := range a.list {
		name := widget.NewLabel(p.Name)
		name.Truncation = fyne.TextTruncateEllipsis
		if !p.Board {
			name.Importance = widget.LowImportance
		}
		var right fyne.CanvasObject
		if e.locked {
			right = widget.NewLabel(orDash(presences.labelOf(p.Presence)))
		} else {
			g := widget.NewRadioGroup(presences.labels(), nil)
			g.Horizontal = true
			g.SetSelected(presences.labelOf(p.Presence))
			person := p.Name
			g.OnChanged = func(s string) { e.onPresence(person, presenceOf(s)) }
			a.groups[p.Name] = g
			right = g
		}
		a.box.Add(container.NewBorder(nil, nil, nil, right, container.New(minWidth{220}, name)))
	}
	a.showQuorum()
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func presenceOf(s string) model.Presence {
	if p, ok := presences.valueOf(s); ok {
		return p
	}
	return model.PresenceUnknown
}

// showQuorum tells whether the board is quorate with the marks made.
func (a *attendanceView) showQuorum() {
	e := a.e
	c, err := e.u.db.Council(e.u.ctx, e.m.CouncilID)
	if err != nil {
		showErr(e.msg, err)
		return
	}
	members, err := e.u.db.Members(e.u.ctx, e.m.CouncilID)
	if err != nil {
		showErr(e.msg, err)
		return
	}
	q := model.QuorumOf(c, members, e.m)
	if q.Board == 0 {
		a.quorum.SetText("")
		a.quorum.Hide()
		return
	}
	a.quorum.Show()
	a.quorum.Importance = widget.SuccessImportance
	if !q.OK() {
		a.quorum.Importance = widget.WarningImportance
	}
	a.quorum.SetText(model.QuorumText(q, current()))
}

// onPresence stores where a person stands on the attendance.
func (e *meetingEditor) onPresence(name string, p model.Presence) {
	if e.locked {
		return
	}
	e.u.saver.flush()
	m, err := e.u.db.SetPresence(e.u.ctx, e.m, name, p)
	if err != nil {
		e.u.showError(err)
		if g := e.att.groups[name]; g != nil {
			g.OnChanged = nil
			g.SetSelected(presences.labelOf(model.PresenceOf(e.m, name)))
			g.OnChanged = func(s string) { e.onPresence(name, presenceOf(s)) }
		}
		return
	}
	e.m = m
	e.att.showQuorum()
}

// buildApproval is the top of the Referat tab: the Godkend referat button,
// or, once approved, the banner that says when, at which meeting and by
// whom.
func (e *meetingEditor) buildApproval() fyne.CanvasObject {
	if e.locked {
		var at model.Meeting
		if e.m.ApprovedIn != "" {
			at, _ = e.u.db.Meeting(e.u.ctx, e.m.ApprovedIn)
		}
		e.banner = widget.NewLabelWithStyle(model.ApprovalText(e.m, at, current()), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		e.banner.Importance = widget.SuccessImportance
		e.banner.Wrapping = fyne.TextWrapWord
		return container.NewBorder(nil, nil, widget.NewIcon(theme.ConfirmIcon()), nil, e.banner)
	}
	e.approveBtn = widget.NewButtonWithIcon(lang.L("Approve minutes"), theme.ConfirmIcon(), e.onApprove)
	e.approveBtn.Importance = widget.HighImportance
	return container.NewHBox(e.approveBtn, layout.NewSpacer())
}

// onApprove asks who approves the minutes and at which meeting, then
// approves and locks them.
func (e *meetingEditor) onApprove() {
	e.u.saver.flush()
	if !e.m.CanApprove(e.u.now()) {
		dialog.ShowInformation(lang.L("Approve minutes"),
			lang.L("The meeting has not been held yet (it is on {{.Date}}), so its minutes cannot be approved.",
				map[string]any{"Date": model.ShortDate(e.m.Start)}), e.u.win)
		return
	}
	members, err := e.u.db.Members(e.u.ctx, e.m.CouncilID)
	if err != nil {
		e.u.showError(err)
		return
	}
	var names []string
	for _, a := range model.AttendanceList(e.m, members) {
		if a.MemberID != "" {
			names = append(names, a.Name)
		}
	}
	e.approveBy = widget.NewSelectEntry(names)
	e.approveBy.SetPlaceHolder(lang.L("Choose a member or type a name"))
	ms, err := e.u.db.Meetings(e.u.ctx, e.m.CouncilID)
	if err != nil {
		e.u.showError(err)
		return
	}
	e.approveAtIDs = []string{""}
	opts := []string{lang.L("Not stated")}
	chosen := 0
	// The later meetings that have begun: minutes are approved at a
	// meeting, so one still to come would put an approval dated today
	// under a meeting of a later date, and in its packet before it is
	// held. The latest is chosen: the one held now.
	for _, m := range ms { // oldest first
		if m.ID != e.m.ID && m.Start.After(e.m.Start) && m.Status != model.MeetingApproved && !m.Start.After(e.u.now()) {
			e.approveAtIDs = append(e.approveAtIDs, m.ID)
			opts = append(opts, model.MeetingTitle(m, current())+" · "+model.DateTime(m.Start))
			chosen = len(opts) - 1
		}
	}
	e.approveAt = widget.NewSelect(opts, nil)
	e.approveAt.SetSelectedIndex(chosen)
	q := widget.NewLabel(lang.L("Approve the minutes? They are then locked and can only be changed by reopening them."))
	q.Wrapping = fyne.TextWrapWord
	d := dialog.NewForm(lang.L("Approve minutes"), lang.L("Approve"), lang.L("Cancel"), []*widget.FormItem{
		widget.NewFormItem("", q),
		widget.NewFormItem(lang.L("Approved by"), e.approveBy),
		widget.NewFormItem(lang.L("At the meeting"), e.approveAt),
	}, func(ok bool) {
		if !ok {
			return
		}
		at := ""
		if i := e.approveAt.SelectedIndex(); i >= 0 {
			at = e.approveAtIDs[i]
		}
		e.approve(e.approveBy.Text, at)
	}, e.u.win)
	d.Resize(fyne.NewSize(560, 300))
	d.Show()
}

// approve approves the minutes (who and at which meeting may be empty) and
// shows them locked.
func (e *meetingEditor) approve(by, atID string) {
	m, err := e.u.db.ApproveMinutes(e.u.ctx, e.m, by, atID)
	if err != nil {
		e.u.showError(err)
		meetingStatuses.set(e.status, e.m.Status)
		return
	}
	e.m = m
	e.s.replace(m)
	e.s.list.Refresh()
	e.reload()
}

// agendaSources is the button that fills an agenda: the previous meeting's
// agenda, the council's templates and the standard ones.
func (e *meetingEditor) agendaSources() *widget.Button {
	var b *widget.Button
	b = widget.NewButtonWithIcon(lang.L("Agenda from…"), theme.ContentCopyIcon(), func() {
		e.u.saver.flush()
		var items []*fyne.MenuItem
		if prev, ok := e.previousMeeting(); ok {
			items = append(items, fyne.NewMenuItem(lang.L("Copy the agenda of {{.Meeting}}", map[string]any{"Meeting": model.MeetingTitle(prev, current())}),
				func() { e.onCopyAgenda(prev) }))
		}
		items = append(items, fyne.NewMenuItem(lang.L("Copy the agenda of another meeting…"), e.onCopyOther))
		for _, t := range e.templates() {
			t := t
			items = append(items, fyne.NewMenuItem(lang.L("Template: {{.Name}}", map[string]any{"Name": t.Name}), func() { e.onTemplate(t) }))
		}
		items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem(lang.L("Save this agenda as a template…"), e.onSaveTemplate))
		var del []*fyne.MenuItem
		for _, t := range e.templates() {
			if t.ID != "" {
				t := t
				del = append(del, fyne.NewMenuItem(t.Name, func() { e.onDeleteTemplate(t) }))
			}
		}
		if len(del) > 0 {
			d := fyne.NewMenuItem(lang.L("Delete a template"), nil)
			d.ChildMenu = fyne.NewMenu("", del...)
			items = append(items, d)
		}
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b).Add(fyne.NewPos(0, b.Size().Height))
		widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), e.u.win.Canvas(), pos)
	})
	return b
}

// previousMeeting is the latest meeting before this one.
func (e *meetingEditor) previousMeeting() (model.Meeting, bool) {
	ms, err := e.u.db.Meetings(e.u.ctx, e.m.CouncilID)
	if err != nil {
		return model.Meeting{}, false
	}
	d := model.CouncilData{Meetings: ms}
	return d.PreviousMeeting(e.m)
}

// templates are the council's own templates, then the standard ones.
func (e *meetingEditor) templates() []model.AgendaTemplate {
	own, err := e.u.db.AgendaTemplates(e.u.ctx, e.m.CouncilID)
	if err != nil {
		showErr(e.msg, err)
	}
	return append(own, model.StandardTemplates(current())...)
}

func (e *meetingEditor) onCopyAgenda(prev model.Meeting) {
	items, err := e.u.db.AgendaItems(e.u.ctx, prev.ID)
	if err == nil {
		err = e.u.db.AppendAgenda(e.u.ctx, e.m.ID, model.CopyAgenda(items))
	}
	showErr(e.msg, err)
	e.loadItems()
}

// onCopyOther asks which meeting's agenda to copy (last year's
// generalforsamling, say), newest first.
func (e *meetingEditor) onCopyOther() {
	ms, err := e.u.db.Meetings(e.u.ctx, e.m.CouncilID)
	if err != nil {
		e.u.showError(err)
		return
	}
	slices.Reverse(ms)
	ms = slices.DeleteFunc(ms, func(m model.Meeting) bool { return m.ID == e.m.ID })
	var opts []string
	for _, m := range ms {
		opts = append(opts, model.MeetingTitle(m, current())+" · "+model.DateTime(m.Start))
	}
	e.copyFrom = widget.NewSelect(opts, nil)
	if len(opts) > 0 {
		e.copyFrom.SetSelectedIndex(0)
	}
	dialog.ShowForm(lang.L("Copy the agenda of another meeting…"), lang.L("Copy"), lang.L("Cancel"),
		[]*widget.FormItem{widget.NewFormItem(lang.L("Meeting"), e.copyFrom)}, func(ok bool) {
			if i := e.copyFrom.SelectedIndex(); ok && i >= 0 {
				e.onCopyAgenda(ms[i])
			}
		}, e.u.win)
}

func (e *meetingEditor) onTemplate(t model.AgendaTemplate) {
	showErr(e.msg, e.u.db.AppendAgenda(e.u.ctx, e.m.ID, t.Agenda()))
	e.loadItems()
}

// onSaveTemplate asks for a name and saves the agenda as the council's
// template.
func (e *meetingEditor) onSaveTemplate() {
	e.u.saver.flush()
	e.templateName = widget.NewEntry()
	e.templateName.SetText(model.MeetingTitle(model.Meeting{Kind: e.m.Kind, Start: e.m.Start}, current()))
	if e.m.Title != "" {
		e.templateName.SetText(e.m.Title)
	}
	dialog.ShowForm(lang.L("Save this agenda as a template…"), lang.L("Save"), lang.L("Cancel"),
		[]*widget.FormItem{widget.NewFormItem(lang.L("Name"), e.templateName)}, func(ok bool) {
			if !ok {
				return
			}
			items, err := e.u.db.AgendaItems(e.u.ctx, e.m.ID)
			if err != nil {
				e.u.showError(err)
				return
			}
			t := model.TemplateOf(strings.TrimSpace(e.templateName.Text), items)
			t.CouncilID = e.m.CouncilID
			if err := e.u.db.SaveAgendaTemplate(e.u.ctx, model.AgendaTemplate{}, &t); err != nil {
				e.u.showError(err)
			}
		}, e.u.win)
}

// onDeleteTemplate deletes one of the council's templates, after asking;
// meetings made from it keep their agenda.
func (e *meetingEditor) onDeleteTemplate(t model.AgendaTemplate) {
	e.u.confirmDelete(lang.L("Delete a template"),
		lang.L("Delete the template «{{.Name}}»? Meetings made from it keep their agenda.", map[string]any{"Name": t.Name}),
		func() { showErr(e.msg, e.u.db.DeleteAgendaTemplate(e.u.ctx, t.ID)) })
}

// memberPicker is the icon beside an action item's Hvem that fills in a
// member's name; any other name can still be typed. It takes no focus, so
// Tab still goes from Hvem to Hvad.
func memberPicker(u *App, who *entry, save func()) *tapIcon {
	p := &tapIcon{icon: widget.NewIcon(theme.AccountIcon())}
	p.ExtendBaseWidget(p)
	p.onTap = func() {
		ms, err := u.db.Members(u.ctx, u.councilID)
		if err != nil {
			u.showError(err)
			return
		}
		var items []*fyne.MenuItem
		for _, m := range ms {
			name := m.Name
			items = append(items, fyne.NewMenuItem(name, func() {
				setText(who, name)
				save()
			}))
		}
		if len(items) == 0 {
			items = append(items, fyne.NewMenuItem(lang.L("The council has no members yet. Add them under Members."), nil))
		}
		p.menu = fyne.NewMenu("", items...)
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(p).Add(fyne.NewPos(0, p.Size().Height))
		widget.ShowPopUpMenuAtPosition(p.menu, u.win.Canvas(), pos)
	}
	return p
}

// tapIcon is an icon that does something when tapped and takes no focus.
type tapIcon struct {
	widget.BaseWidget
	icon  *widget.Icon
	onTap func()
	menu  *fyne.Menu // the menu last shown, for tests
}

func (t *tapIcon) Tapped(*fyne.PointEvent) { t.onTap() }

func (t *tapIcon) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewCenter(container.New(minWidth{theme.IconInlineSize()}, t.icon)))
}
