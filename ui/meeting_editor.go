package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
	"lokalraad/storage"
)

// meetingEditor edits one meeting: its details and agenda (tab Dagsorden)
// and its minutes (tab Referat).
type meetingEditor struct {
	s      *meetingsScreen
	u      *App
	m      model.Meeting
	locked bool
	saving *editSave[model.Meeting]

	kind     *widget.Select
	title    *entry
	date     *entry
	clock    *entry
	place    *entry
	status   *widget.Select
	guests   *entry
	dateErr  *widget.Label
	clockErr *widget.Label
	msg      *widget.Label

	heading *widget.Label
	reopen  *widget.Button
	del     *widget.Button
	addItem *widget.Button
	agm     *widget.Button
	from    *widget.Button

	// Attendance and approval (meetprep.go).
	att          *attendanceView
	banner       *widget.Label
	approveBtn   *widget.Button
	approveBy    *widget.SelectEntry
	approveAt    *widget.Select
	approveAtIDs []string
	templateName *widget.Entry
	copyFrom     *widget.Select

	items         []*itemCard
	agendaBox     *fyne.Container
	minutesBox    *fyne.Container
	carried       []*actionRow
	carriedBox    *fyne.Container
	views         *container.AppTabs
	agendaScroll  *vscroll
	minutesScroll *vscroll
}

func newMeetingEditor(s *meetingsScreen, m model.Meeting) *meetingEditor {
	return &meetingEditor{s: s, u: s.u, m: m, locked: m.Status == model.MeetingApproved}
}

func (e *meetingEditor) item() model.Meeting { return e.m }

// focusNew puts the cursor in a new meeting's title (it has none yet).
func (e *meetingEditor) focusNew() { e.u.focusFresh(e.title) }

func (e *meetingEditor) build() fyne.CanvasObject {
	u, m := e.u, e.m
	key := "meeting:" + m.ID
	e.msg = newErrLabel()
	e.dateErr, e.clockErr = newErrLabel(), newErrLabel()
	e.saving = &editSave[model.Meeting]{u: u, key: key, msg: e.msg, entries: e.entries,
		read: e.read, validate: (*model.Meeting).Validate, fields: meetingFields,
		unread: map[string]*widget.Label{"date": e.dateErr, "clock": e.clockErr},
		store:  u.db.SaveMeeting, stored: e.showStored,
		saved: func(model.Meeting) { e.updateTimePlan(); e.s.refreshList() }}

	e.kind = meetingKinds.newSelect(func(string) { e.save(); e.showAGMButton() })
	meetingKinds.set(e.kind, m.Kind)
	e.status = meetingStatuses.newSelect(func(string) { e.onStatus() })
	meetingStatuses.set(e.status, m.Status)

	e.title = newEntry()
	e.title.SetPlaceHolder(model.MeetingTitle(model.Meeting{Kind: m.Kind, Start: m.Start}, current()))
	setText(e.title, m.Title)
	e.date = newEntry()
	e.date.SetPlaceHolder(datePlaceholder())
	setText(e.date, model.ShortDate(m.Start))
	e.clock = newEntry()
	e.clock.SetPlaceHolder(lang.L("hh:mm"))
	setText(e.clock, model.Clock(m.Start))
	e.place = newEntry()
	e.place.SetPlaceHolder(lang.L("e.g. the village hall"))
	setText(e.place, m.Place)
	for _, en := range []*entry{e.title, e.date, e.clock, e.place} {
		u.autosave(en, key, e.save)
	}

	e.reopen = widget.NewButtonWithIcon(lang.L("Reopen minutes"), theme.ViewRefreshIcon(), e.onReopen)
	e.del = widget.NewButtonWithIcon(lang.L("Delete meeting"), theme.DeleteIcon(), e.onDelete)
	e.del.Importance = widget.DangerImportance
	e.addItem = widget.NewButtonWithIcon(lang.L("Add item"), theme.ContentAddIcon(), e.onAddItem)
	e.agm = widget.NewButtonWithIcon(lang.L("Insert standard agenda"), theme.ListIcon(), e.onAGMAgenda)
	e.from = e.agendaSources()

	e.heading = heading(model.MeetingTitle(m, current()))
	e.heading.Truncation = fyne.TextTruncateEllipsis // the buttons beside it keep their room at 1024 px
	export := widget.NewButtonWithIcon(lang.L("Print / export…"), theme.DocumentPrintIcon(), func() {
		u.saver.flush()
		if u.Exporters.Meeting == nil {
			u.notAvailable()
			return
		}
		u.Exporters.Meeting(u.win, u.db, e.m.ID)
	})
	toolbar := container.NewBorder(nil, nil, nil, container.NewHBox(export, e.reopen, e.del), e.heading)

	lk := e.locked
	title := shown(e.title, lk)
	if lk && e.title.Text == "" {
		title = lockedText(model.MeetingTitle(m, current()))
	}
	dateRow := container.NewGridWithColumns(2, withErr(shown(e.date, lk), e.dateErr), withErr(shown(e.clock, lk), e.clockErr))
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Kind"), shownSelect(e.kind, lk)),
		widget.NewFormItem(lang.L("Title"), title),
		widget.NewFormItem(lang.L("Date and time"), dateRow),
		widget.NewFormItem(lang.L("Place"), shown(e.place, lk)),
		widget.NewFormItem(lang.L("Status"), shownSelect(e.status, lk)),
	)

	e.agendaBox = container.NewVBox()
	e.minutesBox = container.NewVBox()
	e.carriedBox = container.NewVBox()
	e.loadItems()
	e.loadCarried()

	agenda := container.NewVBox(form, e.msg,
		widget.NewSeparator(),
		container.NewHBox(heading(lang.L("Agenda")), layout.NewSpacer(), e.agm, e.from, e.addItem),
		e.agendaBox)
	minutes := container.NewVBox(e.buildApproval(), e.buildAttendance(),
		widget.NewSeparator(),
		heading(lang.L("Open action items from earlier meetings")), e.carriedBox,
		widget.NewSeparator(),
		e.minutesBox)
	e.agendaScroll, e.minutesScroll = newVScroll(agenda), newVScroll(minutes)
	e.views = container.NewAppTabs(
		container.NewTabItem(lang.L("Agenda"), e.agendaScroll),
		container.NewTabItem(lang.L("Minutes"), e.minutesScroll),
	)
	e.views.OnSelected = func(*container.TabItem) { u.saver.flush() }
	if m.Status != model.MeetingPlanned {
		e.views.SelectIndex(1)
	}
	e.applyLock()
	if !e.locked {
		e.saving.restore(m, e.save)
	}
	return container.NewBorder(toolbar, nil, nil, nil, e.views)
}

// applyLock makes approved minutes read-only.
func (e *meetingEditor) applyLock() {
	for _, en := range []*entry{e.title, e.date, e.clock, e.place, e.guests} {
		if e.locked {
			en.Disable()
		} else {
			en.Enable()
		}
	}
	if e.locked {
		e.kind.Disable()
		e.addItem.Hide()
		e.from.Hide()
		e.reopen.Show()
		e.status.Disable()
	} else {
		e.kind.Enable()
		e.addItem.Show()
		e.from.Show()
		e.reopen.Hide()
		e.status.Enable()
	}
	e.showAGMButton()
}

func (e *meetingEditor) showAGMButton() {
	if !e.locked && e.kindValue() == model.MeetingAGM {
		e.agm.Show()
	} else {
		e.agm.Hide()
	}
}

func (e *meetingEditor) kindValue() model.MeetingKind {
	if k, ok := meetingKinds.chosen(e.kind); ok {
		return k
	}
	return e.m.Kind
}

// meetingFields are the meeting editor's fields the model may refuse.
var meetingFields = map[string]revert[model.Meeting]{
	"title":  func(m *model.Meeting, s model.Meeting) { m.Title = s.Title },
	"place":  func(m *model.Meeting, s model.Meeting) { m.Place = s.Place },
	"guests": func(m *model.Meeting, s model.Meeting) { m.Guests = s.Guests },
	"start":  func(m *model.Meeting, s model.Meeting) { m.Start = s.Start },
}

func (e *meetingEditor) entries() map[string]*entry {
	return map[string]*entry{"title": e.title, "place": e.place, "guests": e.guests,
		"date": e.date, "clock": e.clock}
}

// save stores the meeting's fields. A bad date or time, or a text the
// model refuses, is shown next to its field and not saved; the other
// fields are.
func (e *meetingEditor) save() {
	if !e.locked {
		e.saving.save(&e.m)
	}
}

// showStored shows what storing changed of the meeting sent (a title
// trimmed).
func (e *meetingEditor) showStored(sent, m model.Meeting) {
	showStored(e.title, sent.Title, m.Title)
	showStored(e.place, sent.Place, m.Place)
	showStored(e.guests, sent.Guests, m.Guests)
	if !sent.Start.Equal(m.Start) {
		setText(e.date, model.ShortDate(m.Start))
		setText(e.clock, model.Clock(m.Start))
	}
	e.heading.SetText(model.MeetingTitle(m, current()))
	e.title.SetPlaceHolder(model.MeetingTitle(model.Meeting{Kind: m.Kind, Start: m.Start}, current()))
}

// read is m with what the editor's fields hold; a wrong date or time keeps
// m's and shows why, both when both are wrong.
func (e *meetingEditor) read(m model.Meeting) model.Meeting {
	m.Kind = e.kindValue()
	if st, ok := meetingStatuses.chosen(e.status); ok {
		m.Status = st
	}
	m.Title = e.title.Text
	m.Place = e.place.Text
	m.Guests = e.guests.Text // attendance itself is stored as it is marked (onPresence)
	d, derr := model.ParseDate(e.date.Text)
	if derr == nil {
		derr = model.CheckMeetingStart(d)
	}
	showErr(e.dateErr, derr)
	if derr != nil {
		d = m.Start // the time is checked on its own
	}
	t, cerr := model.ParseClock(d, e.clock.Text)
	showErr(e.clockErr, cerr)
	if derr == nil && cerr == nil {
		m.Start = t.UTC()
	}
	return m
}

// onStatus saves a new status. Approving locks the minutes, so it asks
// first, and it is refused for a meeting that has not begun.
func (e *meetingEditor) onStatus() {
	st, ok := meetingStatuses.chosen(e.status)
	if !ok || e.locked {
		return
	}
	if st != model.MeetingApproved {
		e.u.saver.flush()
		e.setStatus(st)
		return
	}
	// Approved only once confirmed: until then the select shows the stored
	// status (and a pending save stores that).
	meetingStatuses.set(e.status, e.m.Status)
	e.u.saver.flush()
	if !e.m.CanApprove(e.u.now()) {
		dialog.ShowInformation(lang.L("Approve minutes"),
			lang.L("The meeting has not been held yet (it is on {{.Date}}), so its minutes cannot be approved.",
				map[string]any{"Date": model.ShortDate(e.m.Start)}), e.u.win)
		return
	}
	e.u.confirm(lang.L("Approve minutes"),
		lang.L("Approve the minutes? They are then locked and can only be changed by reopening them."),
		func() { e.approve("", "") })
}

// setStatus stores the meeting's status; approved minutes are shown locked.
func (e *meetingEditor) setStatus(st model.MeetingStatus) {
	m := e.m
	m.Status = st
	if err := e.u.db.SaveMeeting(e.u.ctx, e.m, &m); err != nil {
		showErr(e.msg, err)
		return
	}
	meetingStatuses.set(e.status, m.Status)
	e.m = e.read(m) // what the fields show is what the next save edits
	e.s.replace(m)
	e.s.list.Refresh()
	if m.Status == model.MeetingApproved {
		e.reload()
	}
}

// onReopen sets approved minutes back to held, after asking.
func (e *meetingEditor) onReopen() {
	e.u.confirm(lang.L("Reopen minutes"),
		lang.L("The minutes were approved. Reopen them for changes?"), func() {
			m := e.m
			m.Status = model.MeetingHeld
			if err := e.u.db.SaveMeeting(e.u.ctx, e.m, &m); err != nil {
				showErr(e.msg, err)
				return
			}
			e.m = m
			e.s.replace(m)
			e.s.list.Refresh()
			e.reload()
		})
}

// reload builds the editor again from what is stored.
func (e *meetingEditor) reload() {
	id := e.m.ID
	e.s.editor = nil
	e.s.open(id)
}

// onDelete deletes the meeting, after asking and naming what goes with it.
// Approved minutes are refused until they are reopened.
func (e *meetingEditor) onDelete() {
	e.u.saver.flush()
	title := model.MeetingTitle(e.m, current())
	if e.locked {
		dialog.ShowInformation(lang.L("Delete meeting"),
			lang.L("The minutes of «{{.Title}}» are approved, so the meeting cannot be deleted. Reopen the minutes first.",
				map[string]any{"Title": title}), e.u.win)
		return
	}
	items, err := e.u.db.AgendaItems(e.u.ctx, e.m.ID)
	if err != nil {
		e.u.showError(err)
		return
	}
	actions, err := e.u.db.MeetingActionItems(e.u.ctx, e.m.ID)
	if err != nil {
		e.u.showError(err)
		return
	}
	minutes, bilag := 0, 0
	for _, it := range items {
		if it.Notes != "" || it.Decision != "" {
			minutes++
		}
		as, err := e.u.db.Attachments(e.u.ctx, model.OwnerItem, it.ID)
		if err != nil {
			e.u.showError(err)
			return
		}
		bilag += len(as)
	}
	var g goesWith
	g.add(len(items), lang.L("its agenda items ({{.N}})", count(len(items))))
	g.add(minutes, lang.L("the minutes written under {{.N}} of them", count(minutes)))
	g.add(len(actions), lang.L("its action items ({{.N}})", count(len(actions))))
	g.add(bilag, lang.L("the items' attachments ({{.N}})", count(bilag)))
	q := lang.L("Delete the meeting «{{.Title}}»?", map[string]any{"Title": title})
	if len(g) > 0 {
		q += "\n" + g.sentence()
	}
	q += "\n" + lang.L("It cannot be undone.")
	e.u.confirmDelete(lang.L("Delete meeting"), q, func() {
		if err := e.u.db.DeleteMeeting(e.u.ctx, e.m.ID); err != nil {
			e.u.showError(err)
			return
		}
		e.u.drafts.forget("meeting:" + e.m.ID)
		e.s.close()
		e.s.refreshList()
	})
}

// loadItems reads the agenda and its action items and builds their cards.
func (e *meetingEditor) loadItems() {
	items, err := e.u.db.AgendaItems(e.u.ctx, e.m.ID)
	if err != nil {
		showErr(e.msg, err)
		return
	}
	actions, err := e.u.db.MeetingActionItems(e.u.ctx, e.m.ID)
	if err != nil {
		showErr(e.msg, err)
		return
	}
	e.items = nil
	e.agendaBox.RemoveAll()
	e.minutesBox.RemoveAll()
	for i, it := range items {
		c := newItemCard(e, it)
		for _, a := range actions {
			if a.AgendaItemID == it.ID {
				c.actions = append(c.actions, newActionRow(e.u, a, c.actionsBox, e.locked))
			}
		}
		e.items = append(e.items, c)
		e.agendaBox.Add(c.agendaView(i, len(items)))
		e.minutesBox.Add(c.minutesView())
	}
	var loose []model.ActionItem
	for _, a := range actions {
		if a.AgendaItemID == "" {
			loose = append(loose, a)
		}
	}
	if len(loose) > 0 {
		box := container.NewVBox()
		for _, a := range loose {
			newActionRow(e.u, a, box, e.locked)
		}
		e.minutesBox.Add(widget.NewCard(lang.L("Other action items"), "", box))
	}
	if len(items) == 0 {
		e.agendaBox.Add(widget.NewLabel(lang.L("The agenda is empty. Add an item.")))
		if !e.locked {
			hint := widget.NewLabel(lang.L("Or take the previous meeting's agenda or a template with «Agenda from…»."))
			hint.Importance, hint.Wrapping = widget.LowImportance, fyne.TextWrapWord
			e.agendaBox.Add(hint)
		}
		e.minutesBox.Add(widget.NewLabel(lang.L("The agenda is empty. Add an item.")))
	}
	e.updateTimePlan()
}

// loadCarried lists the open action items of earlier meetings.
func (e *meetingEditor) loadCarried() {
	acts, err := e.u.db.CarriedOver(e.u.ctx, e.m)
	if err != nil {
		showErr(e.msg, err)
		return
	}
	e.carriedBox.RemoveAll()
	e.carried = nil
	for _, a := range acts {
		e.carried = append(e.carried, newCarriedRow(e.u, a, e.carriedBox))
	}
	if len(acts) == 0 {
		e.carriedBox.Add(widget.NewLabel(lang.L("None.")))
	}
}

// updateTimePlan shows each item's planned time.
func (e *meetingEditor) updateTimePlan() {
	items := make([]model.AgendaItem, len(e.items))
	for i, c := range e.items {
		items[i] = c.it
	}
	for i, sl := range model.TimePlan(e.m.Start, items) {
		e.items[i].slot.SetText(model.Clock(sl.Start) + "–" + model.Clock(sl.End))
	}
}

// onAddItem adds an item at the end of the agenda.
func (e *meetingEditor) onAddItem() {
	e.u.saver.flush()
	it := model.AgendaItem{CouncilID: e.m.CouncilID, MeetingID: e.m.ID, Title: lang.L("New item"), Kind: model.ItemInformation, Minutes: 10}
	if err := e.u.db.SaveAgendaItem(e.u.ctx, model.AgendaItem{}, &it); err != nil {
		showErr(e.msg, err)
		return
	}
	e.loadItems()
	if n := len(e.items); n > 0 {
		e.showItem(e.items[n-1], false)
		e.u.focusAll(e.items[n-1].title)
	}
}

// showItem scrolls the agenda (or the minutes) to the item c.
func (e *meetingEditor) showItem(c *itemCard, minutes bool) {
	if minutes {
		e.views.SelectIndex(1)
		e.minutesScroll.scrollTo(e.minutesBox.Position().Y + c.minutesObj.Position().Y)
		return
	}
	e.views.SelectIndex(0)
	e.agendaScroll.scrollTo(e.agendaBox.Position().Y + c.agendaObj.Position().Y)
}

// showHit scrolls to the agenda item, or the item holding the action item,
// with the given id: in the minutes once the meeting is held.
func (e *meetingEditor) showHit(kind, id string) {
	minutes := e.m.Status != model.MeetingPlanned || kind == "action"
	for _, c := range e.items {
		if c.it.ID == id {
			e.showItem(c, minutes)
			return
		}
		for _, r := range c.actions {
			if r.a.ID == id {
				e.showItem(c, true)
				return
			}
		}
	}
}

// unsaved lists the fields whose text could not be saved because it is
// not valid (a date like 31.02.2026), each as a sentence.
func (e *meetingEditor) unsaved() []string {
	if e.locked {
		return nil
	}
	var out []string
	bad := func(l *widget.Label, text string, msg func(map[string]any) string) {
		if l.Visible() && l.Text != "" && text != "" {
			out = append(out, msg(map[string]any{"Text": text}))
		}
	}
	out = append(out, unsavedDate(e.dateErr, e.date)...)
	bad(e.clockErr, e.clock.Text, func(v map[string]any) string {
		return lang.L("The time «{{.Text}}» is invalid and was not saved.", v)
	})
	for _, c := range e.items {
		bad(c.minutesErr, c.minutes.Text, func(v map[string]any) string {
			return lang.L("The duration «{{.Text}}» is invalid and was not saved.", v)
		})
		for _, r := range c.actions {
			out = append(out, unsavedDate(r.dueErr, r.due)...)
		}
	}
	return out
}

// onAGMAgenda appends the standard agenda of a generalforsamling.
func (e *meetingEditor) onAGMAgenda() {
	e.u.saver.flush()
	for _, t := range model.AGMAgenda {
		it := model.AgendaItem{CouncilID: e.m.CouncilID, MeetingID: e.m.ID, Title: t, Kind: model.ItemDecision, Minutes: 10}
		if err := e.u.db.SaveAgendaItem(e.u.ctx, model.AgendaItem{}, &it); err != nil {
			showErr(e.msg, err)
			break
		}
	}
	e.loadItems()
}

// onMove moves an item up (-1) or down (+1).
func (e *meetingEditor) onMove(id string, delta int) {
	e.u.saver.flush()
	if err := e.u.db.MoveAgendaItem(e.u.ctx, id, delta); err != nil {
		showErr(e.msg, err)
		return
	}
	e.loadItems()
}

// itemGoesWith names what goes with agenda item id when it is deleted (its
// minutes, its decision and its bilag, as stored), and counts the action
// items agreed under it, which stay on the meeting (storage.DeleteAgendaItem).
func (e *meetingEditor) itemGoesWith(id string) (goesWith, int, error) {
	it, err := e.u.db.AgendaItem(e.u.ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, 0, nil // gone already (a sync): the delete does nothing
	}
	if err != nil {
		return nil, 0, err
	}
	bilag, err := e.u.db.Attachments(e.u.ctx, model.OwnerItem, id)
	if err != nil {
		return nil, 0, err
	}
	actions, err := e.u.db.MeetingActionItems(e.u.ctx, it.MeetingID)
	if err != nil {
		return nil, 0, err
	}
	stay := 0
	for _, a := range actions {
		if a.AgendaItemID == id {
			stay++
		}
	}
	var g goesWith
	if it.Notes != "" {
		g.add(1, lang.L("its minutes"))
	}
	if it.Decision != "" {
		g.add(1, lang.L("its decision"))
	}
	g.addAttachments(len(bilag))
	return g, stay, nil
}

// onDeleteItem deletes an item, after asking what goes with it.
func (e *meetingEditor) onDeleteItem(c *itemCard) {
	e.u.saver.flush()
	q := lang.L("Delete the item «{{.Title}}»? It cannot be undone.", map[string]any{"Title": c.it.Title})
	g, stay, err := e.itemGoesWith(c.it.ID)
	if err != nil {
		e.u.showError(err)
		return
	}
	if len(g) > 0 {
		q += "\n" + g.sentence()
	}
	if stay > 0 {
		q += "\n" + lang.L("The action items agreed under it ({{.N}}) stay on the meeting, under «Other action items».", count(stay))
	}
	e.u.confirmDelete(lang.L("Delete item"), q,
		func() {
			if err := e.u.db.DeleteAgendaItem(e.u.ctx, c.it.ID); err != nil {
				if errors.Is(err, storage.ErrLocked) {
					showErr(e.msg, err)
					return
				}
				e.u.showError(err)
				return
			}
			e.loadItems()
		})
}

// replace updates the listed copy of m.
func (s *meetingsScreen) replace(m model.Meeting) {
	for i := range s.items {
		if s.items[i].ID == m.ID {
			s.items[i] = m
		}
	}
}
