package ui

import (
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
)

// The municipality's own data edited on a staff device: pools, deadlines,
// contacts and announcements, each a list beside the editor of the one
// chosen (editPane). Edits are saved as they are typed and reach every
// council at the next sync. A council's computer shows them read-only
// (municipalInfo).

// itemEditor edits one item, saving as it is typed.
type itemEditor[T any] struct {
	u      *App
	k      *editKind[T]
	x      T // as stored
	f      *form[T]
	del    *widget.Button
	msg    *widget.Label
	saving *editSave[T]
	// listed reads the pane's list again (an item saved); closed empties
	// the pane's editor (the item deleted).
	listed, closed func()
}

// newItemEditor is the form editor of x in pane p.
func newItemEditor[T any, E paneEditor[T]](p *editPane[T, E], x T) *itemEditor[T] {
	return &itemEditor[T]{u: p.u, k: &p.k, x: x, listed: p.refreshList, closed: p.close}
}

func (e *itemEditor[T]) item() T { return e.x }

// unsaved is empty: a refused field keeps its draft and says why at once.
func (e *itemEditor[T]) unsaved() []string { return nil }

func (e *itemEditor[T]) focusNew() {
	if e.f.first != nil {
		e.u.focusAll(e.f.first)
	}
}

func (e *itemEditor[T]) build() fyne.CanvasObject {
	k := e.k
	e.msg = newErrLabel()
	e.f = &form[T]{u: e.u, key: k.key + ":" + k.id(e.x), save: e.save, fields: map[string]fyne.CanvasObject{}, unread: map[string]bool{}}
	e.saving = &editSave[T]{u: e.u, key: e.f.key, msg: e.msg, entries: e.f.entries,
		check: e.keepValid, shown: e.keepStored, store: k.save, saved: func(T) { e.listed() }}
	k.form(e.f, e.x)
	e.del = widget.NewButtonWithIcon(lang.L("Delete"), theme.DeleteIcon(), e.onDelete)
	e.del.Importance = widget.DangerImportance
	if k.fixed != nil && k.fixed(e.x) {
		e.del.Hide()
	}
	toolbar := container.NewHBox(layout.NewSpacer(), e.del)
	text := k.note
	if text == "" {
		text = lang.L("Saved as you type, and sent to every local council at the next sync.")
	}
	note := widget.NewLabel(text)
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	body := container.NewVBox(widget.NewForm(e.f.items...), e.msg, note)
	if k.extra != nil {
		body.Add(k.extra(e.x))
	}
	e.saving.restore(e.x, e.save)
	return container.NewBorder(toolbar, nil, nil, nil, container.NewVScroll(body))
}

// save stores what the fields hold; a field typed wrong keeps the stored
// value and shows why. It is an edit of what the fields showed before, so
// a field nobody typed in keeps what a sync brought meanwhile. A field the
// model refuses stays on screen with its message; the others are saved.
func (e *itemEditor[T]) save() { e.saving.save(&e.x) }

// validator is a model value that checks itself.
type validator interface{ Validate() error }

// keepValid is the stored item with every field the model takes from the
// screen, one at a time; bad names the fields it refuses (and those that
// could not be read), verr says why. What it keeps is always stored.
func (e *itemEditor[T]) keepValid(stored T) (T, []string, error, bool) {
	x := e.read(stored)
	bad := e.f.unreadFields()
	v, ok := any(&x).(validator)
	if !ok {
		return x, bad, nil, true
	}
	verr := v.Validate()
	if verr == nil {
		return x, bad, nil, true
	}
	y := stored
	for i, read := range e.f.reads {
		z := y
		read(&z)
		if any(&z).(validator).Validate() == nil {
			y = z
		} else {
			bad = append(bad, e.f.labels[i])
		}
	}
	return y, bad, verr, true
}

// keepStored is stored with what the fields show, but for the refused
// fields.
func (e *itemEditor[T]) keepStored(stored T, bad []string) T {
	y := stored
	for i, read := range e.f.reads {
		if !slices.Contains(bad, e.f.labels[i]) {
			read(&y)
		}
	}
	return y
}

// read is x with what the fields hold.
func (e *itemEditor[T]) read(x T) T {
	for _, read := range e.f.reads {
		read(&x)
	}
	return x
}

func (e *itemEditor[T]) onDelete() {
	e.u.saver.flush()
	askDelete(e.u, e.k, e.x, func() { e.closed(); e.listed() })
}

// form collects an editor's fields. Each field saves itself as it is typed
// and reads itself into the value being saved.
type form[T any] struct {
	u      *App
	key    string
	save   func()
	items  []*widget.FormItem
	reads  []func(*T)
	fields map[string]fyne.CanvasObject // by label, for tests
	labels []string                     // of reads, in order
	first  *entry                       // focused on a new item
	unread map[string]bool              // fields whose text could not be read
}

// entries are the form's text fields, by label.
func (f *form[T]) entries() map[string]*entry {
	out := map[string]*entry{}
	for l, o := range f.fields {
		if e, ok := o.(*entry); ok {
			out[l] = e
		}
	}
	return out
}

// unreadFields lists the fields whose text could not be read.
func (f *form[T]) unreadFields() []string {
	var out []string
	for l, bad := range f.unread {
		if bad {
			out = append(out, l)
		}
	}
	return out
}

func (f *form[T]) add(label string, field, shown fyne.CanvasObject, read func(*T)) {
	f.items = append(f.items, widget.NewFormItem(label, shown))
	f.fields[label] = field
	f.labels = append(f.labels, label)
	f.reads = append(f.reads, read)
}

// text is a line of text (rows 0) or a word-wrapped text of a few rows.
func (f *form[T]) text(label, v string, rows int, set func(*T, string)) *entry {
	e := newEntry()
	if rows > 0 {
		e = newMultiEntry(rows)
	}
	setText(e, v)
	f.u.autosave(e, f.key, f.save)
	f.add(label, e, e, func(x *T) { set(x, e.Text) })
	if f.first == nil {
		f.first = e
	}
	return e
}

// choice is a text with usual values to pick from.
func (f *form[T]) choice(label, v string, options []string, set func(*T, string)) *widget.SelectEntry {
	e := widget.NewSelectEntry(options)
	e.SetText(v)
	e.OnChanged = func(string) { f.u.saver.schedule(f.key, f.save) }
	e.OnSubmitted = func(string) { f.u.saver.flush() }
	f.add(label, e, e, func(x *T) { set(x, e.Text) })
	return e
}

// check is a yes/no field, saved at once.
func (f *form[T]) check(label, text string, v bool, set func(*T, bool)) *widget.Check {
	c := widget.NewCheck(text, nil)
	c.SetChecked(v)
	c.OnChanged = func(bool) { f.u.saver.schedule(f.key, f.save); f.u.saver.flush() }
	f.add(label, c, c, func(x *T) { set(x, c.Checked) })
	f.fields[text] = c
	return c
}

// parsedField is a field typed the Danish way (an amount, a date): text
// that does not parse keeps the stored value and shows why under the field.
func parsedField[T, V any](f *form[T], label, v, placeholder string, parse func(string) (V, error), set func(*T, V)) *entry {
	e := newEntry()
	e.SetPlaceHolder(placeholder)
	setText(e, v)
	msg := newErrLabel()
	f.u.autosave(e, f.key, f.save)
	f.add(label, e, withErr(e, msg), func(x *T) {
		val, err := parse(e.Text)
		showErr(msg, err)
		f.unread[label] = err != nil
		if err == nil {
			set(x, val)
		}
	})
	return e
}

func kronerField[T any](f *form[T], label string, v int64, set func(*T, int64)) *entry {
	text := ""
	if v != 0 {
		text = model.KronerNumber(v)
	}
	return parsedField(f, label, text, "12.500,50", model.ParseKroner, set)
}

func dateField[T any](f *form[T], label string, v time.Time, set func(*T, time.Time)) *entry {
	return parsedField(f, label, model.ShortDate(v), datePlaceholder(), model.ParseDate, set)
}

// today is the day in Danish time, at midnight.
func (u *App) today() time.Time {
	t := u.now().In(model.Copenhagen)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, model.Copenhagen)
}

// poolDeadline is "Åben hele året" or "Frist 01.03.2027".
func poolDeadline(p model.Pool) string {
	if p.OpenAllYear {
		return lang.L("Open all year")
	}
	return lang.L("Deadline") + " " + model.ShortDate(p.Deadline)
}

// staffEditors are the staff device's editors of the municipality's data,
// as tabs beside the budget wishes to answer.
func (s *municipalScreen) staffEditors() []*container.TabItem {
	u, db := s.u, s.u.db
	pools := newEditPane(u, editKind[model.Pool]{
		key: "pool", newText: lang.L("New pool"), choose: lang.L("Choose a pool, or create a new one."),
		load: db.Pools, save: db.SavePool, remove: db.DeletePool,
		id: func(p model.Pool) string { return p.ID },
		row: func(p model.Pool) (string, string) {
			sub := poolDeadline(p)
			if p.Available != 0 {
				sub += " · " + model.Kroner(p.Available)
			}
			return p.Name, sub
		},
		create:      func() model.Pool { return model.Pool{Name: lang.L("New pool"), OpenAllYear: true} },
		deleteTitle: lang.L("Delete pool"),
		deleteQuestion: func(t string) string {
			return lang.L("Delete the pool «{{.Title}}»? It cannot be undone.", map[string]any{"Title": t})
		},
		form: func(f *form[model.Pool], p model.Pool) {
			f.text(lang.L("Name"), p.Name, 0, func(p *model.Pool, v string) { p.Name = v })
			f.text(lang.L("Description of the pool"), p.Description, 4, func(p *model.Pool, v string) { p.Description = v })
			f.text(lang.L("Rules"), p.Rules, 4, func(p *model.Pool, v string) { p.Rules = v })
			kronerField(f, lang.L("Available (kr.)"), p.Available, func(p *model.Pool, v int64) { p.Available = v })
			kronerField(f, lang.L("At most per application (kr.)"), p.MaxPerApp, func(p *model.Pool, v int64) { p.MaxPerApp = v })
			date := dateField(f, lang.L("Application deadline"), p.Deadline, func(p *model.Pool, v time.Time) { p.Deadline = v })
			open := f.check("", lang.L("Open all year"), p.OpenAllYear, func(p *model.Pool, v bool) {
				if p.OpenAllYear = v; v {
					p.Deadline = time.Time{} // a pool open all year has no deadline
				}
			})
			hint := date.PlaceHolder
			enable := func(open bool) {
				if open { // no example date in a field that takes none
					date.SetPlaceHolder(lang.L("(open all year)"))
					date.Disable()
				} else {
					date.SetPlaceHolder(hint)
					date.Enable()
				}
			}
			enable(p.OpenAllYear)
			save := open.OnChanged
			open.OnChanged = func(v bool) { enable(v); save(v) }
			poolRuleFields(f, p)
		},
	})
	deadlines := newEditPane(u, editKind[model.MunicipalDeadline]{
		key: "deadline", newText: lang.L("New deadline"), choose: lang.L("Choose a deadline, or create a new one."),
		load: db.Deadlines, save: db.SaveDeadline, remove: db.DeleteDeadline,
		id: func(d model.MunicipalDeadline) string { return d.ID },
		row: func(d model.MunicipalDeadline) (string, string) {
			sub := model.ShortDate(d.Date)
			if d.Kind != "" {
				sub += " · " + d.Kind
			}
			return d.Title, sub
		},
		create: func() model.MunicipalDeadline {
			return model.MunicipalDeadline{Title: lang.L("New deadline"), Date: u.today()}
		},
		deleteTitle: lang.L("Delete deadline"),
		deleteQuestion: func(t string) string {
			return lang.L("Delete the deadline «{{.Title}}»? It cannot be undone.", map[string]any{"Title": t})
		},
		form: func(f *form[model.MunicipalDeadline], d model.MunicipalDeadline) {
			f.text(lang.L("Title"), d.Title, 0, func(d *model.MunicipalDeadline, v string) { d.Title = v })
			dateField(f, lang.L("Date"), d.Date, func(d *model.MunicipalDeadline, v time.Time) { d.Date = v })
			f.choice(lang.L("Kind"), d.Kind, model.DeadlineKinds, func(d *model.MunicipalDeadline, v string) { d.Kind = v })
			f.text(lang.L("Description of the deadline"), d.Description, 4, func(d *model.MunicipalDeadline, v string) { d.Description = v })
		},
	})
	contacts := newEditPane(u, editKind[model.Contact]{
		key: "contact", newText: lang.L("New contact"), choose: lang.L("Choose a contact, or create a new one."),
		load: db.Contacts, save: db.SaveContact, remove: db.DeleteContact,
		id: func(c model.Contact) string { return c.ID },
		row: func(c model.Contact) (string, string) {
			areas := lang.L("Every area")
			if len(c.Areas) > 0 {
				areas = strings.Join(c.Areas, ", ")
			}
			if c.Role != "" {
				areas = c.Role + " · " + areas
			}
			return c.Name, areas
		},
		create:      func() model.Contact { return model.Contact{Name: lang.L("New contact")} },
		deleteTitle: lang.L("Delete contact"),
		deleteQuestion: func(t string) string {
			return lang.L("Delete the contact «{{.Title}}»? It cannot be undone.", map[string]any{"Title": t})
		},
		form: func(f *form[model.Contact], c model.Contact) {
			f.text(lang.L("Name"), c.Name, 0, func(c *model.Contact, v string) { c.Name = v })
			f.text(lang.L("Role or department"), c.Role, 0, func(c *model.Contact, v string) { c.Role = v })
			f.text(lang.L("Phone"), c.Phone, 0, func(c *model.Contact, v string) { c.Phone = v })
			f.text(lang.L("E-mail"), c.Email, 0, func(c *model.Contact, v string) { c.Email = strings.TrimSpace(v) })
			areas := f.text(lang.L("Areas"), strings.Join(c.Areas, "\n"), 3, func(c *model.Contact, v string) { c.Areas = model.ListLines(v) })
			areas.SetPlaceHolder(lang.L("One area a line; empty for every area"))
		},
	})
	news := newEditPane(u, editKind[model.Announcement]{
		key: "announcement", newText: lang.L("New announcement"), choose: lang.L("Choose an announcement, or create a new one."),
		load: db.Announcements, save: db.SaveAnnouncement, remove: db.DeleteAnnouncement,
		id:  func(a model.Announcement) string { return a.ID },
		row: func(a model.Announcement) (string, string) { return a.Title, model.ShortDate(a.Date) },
		create: func() model.Announcement {
			return model.Announcement{Title: lang.L("New announcement"), Date: u.today()}
		},
		deleteTitle: lang.L("Delete announcement"),
		deleteQuestion: func(t string) string {
			return lang.L("Delete the announcement «{{.Title}}»? It cannot be undone.", map[string]any{"Title": t})
		},
		form: func(f *form[model.Announcement], a model.Announcement) {
			f.text(lang.L("Title"), a.Title, 0, func(a *model.Announcement, v string) { a.Title = v })
			dateField(f, lang.L("Date"), a.Date, func(a *model.Announcement, v time.Time) { a.Date = v })
			f.text(lang.L("Text"), a.Text, 8, func(a *model.Announcement, v string) { a.Text = v })
		},
	})
	s.editors = []refresher{pools, deadlines, contacts, news}
	return []*container.TabItem{
		container.NewTabItem(lang.L("Pools"), pools.build()),
		container.NewTabItem(lang.L("Deadlines"), deadlines.build()),
		container.NewTabItem(lang.L("Contacts"), contacts.build()),
		container.NewTabItem(lang.L("Announcements"), news.build()),
	}
}

// refresher is a pane that reads its data again.
type refresher interface{ refresh() }
