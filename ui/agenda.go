package ui

import (
	"errors"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
)

// itemCard holds the widgets of one agenda item: its agenda fields (title,
// kind, planned minutes, background) and its minutes (notes, decision and
// the action items agreed under it). Minutes are kept per item so that no
// single text field grows long.
type itemCard struct {
	e  *meetingEditor
	it model.AgendaItem

	title      *entry
	kind       *widget.Select
	minutes    *entry
	minutesErr *widget.Label
	background *entry
	notes      *entry
	decision   *entry
	slot       *widget.Label
	msg        *widget.Label
	minutesMsg *widget.Label
	heading    *widget.Label
	up, down   *widget.Button
	del        *widget.Button
	addAction  *widget.Button
	actions    []*actionRow
	actionsBox *fyne.Container
	bilag      *attachList       // its attachments (made with the agenda view)
	agendaObj  fyne.CanvasObject // the item in the agenda
	minutesObj fyne.CanvasObject // the item in the minutes
}

func newItemCard(e *meetingEditor, it model.AgendaItem) *itemCard {
	c := &itemCard{e: e, it: it}
	u := e.u
	key := "item:" + it.ID
	c.msg, c.minutesMsg, c.minutesErr = newErrLabel(), newErrLabel(), newErrLabel()
	c.slot = widget.NewLabel("")
	c.heading = heading("")
	c.title = newEntry()
	setText(c.title, it.Title)
	c.kind = itemKinds.newSelect(func(string) { c.save() })
	itemKinds.set(c.kind, it.Kind)
	c.minutes = newEntry()
	setText(c.minutes, strconv.Itoa(it.Minutes))
	c.background = newMultiEntry(3)
	c.background.SetPlaceHolder(lang.L("Background (what the council should know)"))
	setText(c.background, it.Background)
	c.notes = newMultiEntry(5)
	c.notes.SetPlaceHolder(lang.L("Minutes of the item"))
	setText(c.notes, it.Notes)
	c.decision = newMultiEntry(2)
	c.decision.SetPlaceHolder(lang.L("Decision"))
	setText(c.decision, it.Decision)
	for _, en := range []*entry{c.title, c.minutes, c.background, c.notes, c.decision} {
		u.autosave(en, key, c.save)
		if e.locked {
			en.Disable()
		}
	}
	c.up = widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { e.onMove(c.it.ID, -1) })
	c.down = widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { e.onMove(c.it.ID, 1) })
	c.del = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { e.onDeleteItem(c) })
	c.actionsBox = container.NewVBox()
	c.addAction = widget.NewButtonWithIcon(lang.L("Add action item"), theme.ContentAddIcon(), c.onAddAction)
	if e.locked {
		c.kind.Disable()
		c.up.Hide()
		c.down.Hide()
		c.del.Hide()
		c.addAction.Hide()
	}
	c.setHeading()
	if !e.locked && u.drafts.restore(key, c.entries()) {
		c.save() // shows why the draft was refused
	}
	return c
}

func (c *itemCard) setHeading() {
	c.heading.SetText(strconv.Itoa(c.it.Position) + ". " + c.it.Title)
}

// agendaView lays out the agenda fields; i of n is the item's place.
func (c *itemCard) agendaView(i, n int) fyne.CanvasObject {
	if i == 0 {
		c.up.Disable()
	}
	if i == n-1 {
		c.down.Disable()
	}
	lk := c.e.locked
	num := widget.NewLabelWithStyle(strconv.Itoa(c.it.Position)+".", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top := container.NewBorder(nil, nil, num, container.NewHBox(c.slot, c.up, c.down, c.del), shown(c.title, lk))
	minutes := container.NewBorder(nil, nil, nil, widget.NewLabel(lang.L("min.")), shown(c.minutes, lk))
	row := container.NewGridWithColumns(2, shownSelect(c.kind, lk), minutes)
	// The message goes below the row, so that no field grows to its height.
	c.bilag = newAttachList(c.e.u, model.OwnerItem, c.it.ID, lk)
	c.agendaObj = container.NewVBox(top, row, c.minutesErr, shown(c.background, lk), c.bilag.obj, c.msg, widget.NewSeparator())
	return c.agendaObj
}

// minutesView lays out the minutes of the item.
func (c *itemCard) minutesView() fyne.CanvasObject {
	lk := c.e.locked
	body := container.NewVBox(
		container.NewBorder(nil, nil, nil, widget.NewLabel(label(c.it.Kind)), c.heading),
		widget.NewLabel(lang.L("Minutes")), shown(c.notes, lk),
		widget.NewLabel(lang.L("Decision")), shown(c.decision, lk),
		c.minutesMsg,
		container.NewHBox(widget.NewLabel(lang.L("Action items")), layout.NewSpacer(), c.addAction),
		c.actionsBox,
		widget.NewSeparator())
	c.minutesObj = body
	return body
}

// itemFields are the agenda item's fields the model may refuse.
var itemFields = map[string]revert[model.AgendaItem]{
	"title":      func(x *model.AgendaItem, s model.AgendaItem) { x.Title = s.Title },
	"background": func(x *model.AgendaItem, s model.AgendaItem) { x.Background = s.Background },
	"notes":      func(x *model.AgendaItem, s model.AgendaItem) { x.Notes = s.Notes },
	"decision":   func(x *model.AgendaItem, s model.AgendaItem) { x.Decision = s.Decision },
	"minutes":    func(x *model.AgendaItem, s model.AgendaItem) { x.Minutes = s.Minutes },
}

func (c *itemCard) entries() map[string]*entry {
	return map[string]*entry{"title": c.title, "background": c.background, "notes": c.notes,
		"decision": c.decision, "minutes": c.minutes}
}

// save stores the item's fields; a bad duration or a refused text is shown
// and not saved, the other fields are.
func (c *itemCard) save() {
	if c.e.locked {
		return
	}
	it, bad, verr, ok := keepValid(c.read(c.it), c.it, (*model.AgendaItem).Validate, itemFields)
	bad = parseBad(bad, c.minutesErr, "minutes")
	c.e.u.drafts.keep("item:"+c.it.ID, c.entries(), bad)
	sent := it
	var err error
	if ok {
		err = c.e.u.db.SaveAgendaItem(c.e.u.ctx, c.it, &it)
	}
	showErr(c.msg, errors.Join(verr, err))
	showErr(c.minutesMsg, errors.Join(verr, err))
	if !ok || err != nil {
		return
	}
	showStored(c.title, sent.Title, it.Title)
	showStored(c.background, sent.Background, it.Background)
	showStored(c.notes, sent.Notes, it.Notes)
	showStored(c.decision, sent.Decision, it.Decision)
	c.it = shownBase(c.read(it), it, itemFields, bad) // what the fields show is what the next save edits
	c.setHeading()
	c.e.updateTimePlan()
}

// read is it with what the card's fields hold; a wrong duration keeps it's
// and shows why.
func (c *itemCard) read(it model.AgendaItem) model.AgendaItem {
	it.Title = c.title.Text
	if k, ok := itemKinds.chosen(c.kind); ok {
		it.Kind = k
	}
	n, err := parseInt(c.minutes.Text)
	showErr(c.minutesErr, err)
	if err == nil {
		it.Minutes = n
	}
	it.Background = c.background.Text
	it.Notes = c.notes.Text
	it.Decision = c.decision.Text
	return it
}

// onAddAction adds an empty action item row under the item; it is stored
// once its "what" is typed.
func (c *itemCard) onAddAction() {
	a := model.ActionItem{CouncilID: c.it.CouncilID, MeetingID: c.it.MeetingID, AgendaItemID: c.it.ID}
	r := newActionRow(c.e.u, a, c.actionsBox, false)
	c.actions = append(c.actions, r)
	c.e.u.focusFresh(r.what)
}

// actionRow edits one action item: who, what, by when, done.
type actionRow struct {
	u      *App
	a      model.ActionItem
	who    *entry
	pick   *tapIcon // picks a member for who
	what   *entry
	due    *entry
	done   *widget.Check
	del    *widget.Button
	dueErr *widget.Label
	msg    *widget.Label
	row    fyne.CanvasObject
	box    *fyne.Container
	key    string
	saving *editSave[model.ActionItem]
}

var rowSeq int

// newActionRow makes a row for a and adds it to box.
func newActionRow(u *App, a model.ActionItem, box *fyne.Container, locked bool) *actionRow {
	rowSeq++
	r := &actionRow{u: u, a: a, box: box, key: "action:" + strconv.Itoa(rowSeq)}
	r.who, r.what, r.due = newEntry(), newEntry(), newEntry()
	r.who.SetPlaceHolder(lang.L("Who"))
	r.what.SetPlaceHolder(lang.L("What"))
	r.due.SetPlaceHolder(datePlaceholder()) // by when; a date reads as that
	setText(r.who, a.Who)
	setText(r.what, a.What)
	setText(r.due, model.ShortDate(a.Due))
	r.dueErr, r.msg = newErrLabel(), newErrLabel()
	r.saving = &editSave[model.ActionItem]{u: u, msg: r.msg, entries: r.entries,
		keyOf: func(a model.ActionItem) string { return rowKey("action", a.ID) },
		check: func(loaded model.ActionItem) (model.ActionItem, []string, error, bool) {
			a, bad, verr, ok := keepValid(r.read(loaded), loaded, (*model.ActionItem).Validate, actionFields)
			bad = parseBad(bad, r.dueErr, "due")
			if a.ID == "" && a.What == "" {
				ok, verr = false, (&model.ActionItem{}).Validate() // a new item says what, or waits
			}
			return a, bad, verr, ok
		},
		shown: func(a model.ActionItem, bad []string) model.ActionItem {
			return shownBase(r.read(a), a, actionFields, bad)
		},
		store: u.db.SaveActionItem,
		stored: func(sent, a model.ActionItem) {
			showStored(r.who, sent.Who, a.Who)
			showStored(r.what, sent.What, a.What)
		}}
	for _, en := range []*entry{r.who, r.what, r.due} {
		u.autosave(en, r.key, r.save)
		if locked {
			en.Disable()
		}
	}
	r.done = widget.NewCheck(lang.L("Done"), func(bool) { r.u.saver.flush(); r.save() })
	setChecked(r.done, a.Done)
	r.del = widget.NewButtonWithIcon("", theme.DeleteIcon(), r.onDelete)
	if locked {
		r.del.Hide()
	}
	// What is to be done gets most of the width; who and by when are short.
	// Hvem is wide enough for "Anne-Mette Brøndum", with a member picker.
	who := shown(r.who, locked)
	if !locked {
		r.pick = memberPicker(u, r.who, func() { r.u.saver.flush(); r.save() })
		who = container.NewBorder(nil, nil, nil, r.pick, r.who)
	}
	fields := container.New(threeFields{196, 115}, who, shown(r.what, locked), shown(r.due, locked))
	r.row = container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(r.done, r.del), fields), r.dueErr, r.msg)
	box.Add(r.row)
	if !locked {
		r.saving.restore(a, r.save)
	}
	return r
}

// actionFields are the action item's fields the model may refuse.
var actionFields = map[string]revert[model.ActionItem]{
	"who":  func(x *model.ActionItem, s model.ActionItem) { x.Who = s.Who },
	"what": func(x *model.ActionItem, s model.ActionItem) { x.What = s.What },
}

func (r *actionRow) entries() map[string]*entry {
	return map[string]*entry{"who": r.who, "what": r.what, "due": r.due}
}

// save stores the action item once it says what is to be done; a refused
// field is shown and not saved, the other fields are.
func (r *actionRow) save() {
	if r.a.ID == "" && r.read(r.a).What == "" {
		return // nothing to keep yet
	}
	r.saving.save(&r.a)
}

// read is a with what the row's fields hold; a wrong date keeps a's and
// shows why.
func (r *actionRow) read(a model.ActionItem) model.ActionItem {
	a.Who, a.What = r.who.Text, r.what.Text
	d, err := model.ParseDate(r.due.Text)
	showErr(r.dueErr, err)
	if err == nil {
		a.Due = d
	}
	a.Done = r.done.Checked
	return a
}

// onDelete removes the action item, after asking when it is stored.
func (r *actionRow) onDelete() {
	r.u.saver.flush()
	r.u.deleteRow(r.a.ID, lang.L("Delete action item"),
		lang.L("Delete the action item «{{.Title}}»? It cannot be undone.", map[string]any{"Title": r.a.What}),
		r.u.db.DeleteActionItem, func() { r.box.Remove(r.row) })
}

// newCarriedRow shows an open action item of an earlier meeting with a
// done checkbox.
func newCarriedRow(u *App, a model.ActionItem, box *fyne.Container) *actionRow {
	r := &actionRow{u: u, a: a, box: box}
	text := a.What
	if a.Who != "" {
		text = a.Who + ": " + text
	}
	if !a.Due.IsZero() {
		text += " (" + model.ShortDate(a.Due) + ")"
	}
	if a.Overdue(u.now()) {
		text += " " + lang.L("(overdue)")
	}
	r.msg = newErrLabel()
	r.done = widget.NewCheck(text, func(done bool) {
		x := r.a
		x.Done = done
		err := u.db.SaveActionItem(u.ctx, r.a, &x)
		showErr(r.msg, err)
		if err == nil {
			r.a = x
			r.a.Done = r.done.Checked // as the box shows it
		}
	})
	setChecked(r.done, a.Done)
	r.row = container.NewVBox(r.done, r.msg)
	box.Add(r.row)
	return r
}
