package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/storage"
)

// Every screen that lists items beside the editor of the one chosen
// (meetings, projects, budget wishes, members, the municipality's answers
// and data, accounts, the plan, the year wheel, citizen budget rounds)
// opens, closes, leaves, creates and refreshes them here, once: editPane.
// A screen says what it lists in an editKind and gives the editor of one
// item; the municipality's simple editors are a form (itemEditor, form).

// editKind says how one kind of item is read, shown, made, saved and
// deleted, and, for a form editor, which fields it has.
type editKind[T any] struct {
	key     string // names the pending save, with the item's id
	newText string // the new button
	choose  string // shown while no item is chosen
	load    func(ctx context.Context) ([]T, error)
	// get, when given, reads the item afresh when it is opened (a meeting
	// with its agenda, a project with its budget); else the item as listed
	// is opened.
	get func(ctx context.Context, id string) (T, error)
	id  func(T) string
	row func(T) (title, sub string)
	// rowTemplate and showRow, when given, draw the rows their own way
	// instead of row's title and line.
	rowTemplate func() fyne.CanvasObject
	showRow     func(i int, o fyne.CanvasObject)
	// listed, when given, is told each time the list was read (a total
	// under it).
	listed func(items []T)
	// reveal, when given, widens the screen's filter (a year) so that item
	// id, which is not listed, is.
	reveal func(id string)
	// create is a new item; nil when this screen makes none (no new button).
	create func() T
	save   func(ctx context.Context, loaded T, x *T) error // loaded: as the editor read it; zero when new
	remove func(ctx context.Context, id string) error
	// closed, when given, is told when no item is open any more.
	closed func()
	// What a sync may change under the screen (refreshChanged). table is
	// the items' table: the list is read again when a row of it, or of
	// listTables (what the rows show of others), changed, and the open
	// item when its own row did, or a row of editorTables (its choices:
	// members, pools, …), or of its own rows that children names (the
	// agenda items of a meeting, the budget lines of a project) as stored
	// now; the editor keeps those it has shown (kids: read when opened, as
	// every sync starts and after it, noteKids), so that one deleted counts
	// too. A kind without a table is read again after every sync.
	table                    string
	listTables, editorTables []string
	children                 func(ctx context.Context, x T) (storage.Changed, error)

	// deleteTitle and deleteQuestion ask before deleting an item (its
	// title: title's, or else row's).
	deleteTitle    string
	deleteQuestion func(title string) string
	title          func(T) string
	// goesWith, when given, names what goes with x when it is deleted
	// (its parts, counted as stored); the question then says it.
	goesWith func(ctx context.Context, x T) (goesWith, error)
	// alsoChanges, when given, says what else the delete changes (a
	// member's projects lose their responsible person), "" for nothing;
	// the question then says it as goesWith's does.
	alsoChanges func(ctx context.Context, x T) (string, error)

	// The rest is for a form editor (itemEditor).

	form func(f *form[T], x T)
	// fixed, when given, tells whether x can no longer be deleted (a
	// proposal once voting opened): its editor offers no Delete.
	fixed func(x T) bool
	// note is said under the form; by default that the edit reaches every
	// council (the municipality's data).
	note string
	// extra, if set, is shown under the form of item x (an accounts
	// line's receipts).
	extra func(x T) fyne.CanvasObject
}

// paneEditor is the editor of one item that an editPane shows.
type paneEditor[T any] interface {
	comparable
	build() fyne.CanvasObject
	// item is the item as the editor last stored it.
	item() T
	// unsaved says which typed values could not be saved (a date like
	// 31.02.2026), told when the user leaves the item.
	unsaved() []string
	// focusNew puts the cursor in a new item's first field.
	focusNew()
}

// editPane lists items with the editor (E) of the one chosen.
type editPane[T any, E paneEditor[T]] struct {
	u      *App
	k      editKind[T]
	edit   func(x T) E // the editor of x, to build
	items  []T
	list   *widget.List
	newBtn *widget.Button // nil when the kind has no create
	detail *fyne.Container
	editor E // the zero E when none is open
	// kids are the rows of its own (children) the open item had when
	// it was opened or after a sync since (noteKids).
	kids storage.Changed
	msg  *widget.Label
}

// formPane is an editPane whose editor is a form.
type formPane[T any] = editPane[T, *itemEditor[T]]

// newEditPane is a pane of items edited with k's form.
func newEditPane[T any](u *App, k editKind[T]) *formPane[T] {
	p := &formPane[T]{u: u, k: k}
	p.edit = func(x T) *itemEditor[T] { return newItemEditor(p, x) }
	return p
}

// newPane is a pane of items edited with the editors edit makes.
func newPane[T any, E paneEditor[T]](u *App, k editKind[T], edit func(x T) E) *editPane[T, E] {
	return &editPane[T, E]{u: u, k: k, edit: edit}
}

// parts makes the message, the new button, the list and the empty detail,
// for a screen that lays them out itself.
func (p *editPane[T, E]) parts() {
	p.msg = newErrLabel()
	if p.k.create != nil {
		p.newBtn = widget.NewButtonWithIcon(p.k.newText, theme.ContentAddIcon(), p.onNew)
		p.newBtn.Importance = widget.HighImportance
	}
	selected := func(i int) {
		if i < len(p.items) {
			p.open(p.k.id(p.items[i]))
		}
	}
	if p.k.rowTemplate != nil {
		p.list = widget.NewList(func() int { return len(p.items) }, p.k.rowTemplate, func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(p.items) {
				p.k.showRow(i, o)
			}
		})
		p.list.OnSelected = selected
	} else {
		p.list = newRowList(func() int { return len(p.items) },
			func(i int) (string, string) { return p.k.row(p.items[i]) }, selected)
	}
	p.detail = container.NewStack()
	p.close()
}

// build lays the pane out: the new button and the list beside the editor.
func (p *editPane[T, E]) build() fyne.CanvasObject {
	p.parts()
	p.refreshList()
	left := container.NewBorder(container.NewVBox(container.NewHBox(p.newBtn), p.msg), nil, nil, nil, p.list)
	return p.split(left, 0.32)
}

// split puts left beside the editor, offset of the width to the left.
func (p *editPane[T, E]) split(left fyne.CanvasObject, offset float64) fyne.CanvasObject {
	s := container.NewHSplit(left, p.detail)
	s.Offset = offset
	return s
}

// opened tells whether an editor is open.
func (p *editPane[T, E]) opened() bool {
	var none E
	return p.editor != none
}

// openID is the id of the item open, "" when none.
func (p *editPane[T, E]) openID() string {
	if p == nil || !p.opened() {
		return ""
	}
	return p.k.id(p.editor.item())
}

// index is the position of item id in the list, or -1.
func (p *editPane[T, E]) index(id string) int {
	for i, x := range p.items {
		if p.k.id(x) == id {
			return i
		}
	}
	return -1
}

// refreshList reads the items again, keeping the open one selected.
func (p *editPane[T, E]) refreshList() {
	items, err := p.k.load(p.u.ctx)
	showErr(p.msg, err)
	if err != nil {
		return
	}
	p.items = items
	p.list.Refresh()
	if p.k.listed != nil {
		p.k.listed(items)
	}
	if p.opened() {
		p.selectRow(p.k.id(p.editor.item()))
	}
}

// typing tells whether someone is typing: a field has the focus or a save
// waits.
func (u *App) typing() bool {
	return u.win.Canvas().Focused() != nil || u.saver.pending()
}

// refresh reads the items again (when the tab is shown) and shows the open
// item as stored, unless someone is typing.
func (p *editPane[T, E]) refresh() { p.refreshChanged(nil, p.u.typing()) }

// refreshChanged shows what a sync that changed changed (nil: anything)
// brought: the list is read again when it shows one of its rows, the open
// item when its editor does (editorChanged), unless someone is typing (it
// shows the news when opened again).
func (p *editPane[T, E]) refreshChanged(changed storage.Changed, typing bool) {
	if p.list == nil {
		return
	}
	if p.k.table == "" || touches(changed, p.k.table) || touches(changed, p.k.listTables...) {
		p.refreshList()
	}
	if typing || !p.opened() || !p.editorChanged(changed) {
		return
	}
	p.reopen()
}

// editorChanged tells whether changed (nil: anything) changed what the open
// editor shows: its item's row, a row of its editorTables, or one of its
// own rows (children) that it showed or that is stored now.
func (p *editPane[T, E]) editorChanged(changed storage.Changed) bool {
	x := p.editor.item()
	switch {
	case changed == nil || p.k.table == "":
		return true
	case changed.Has(p.k.table, p.k.id(x)) || touches(changed, p.k.editorTables...):
		return true
	case p.k.children == nil:
		return false
	case touchesRows(changed, p.kids):
		return true
	}
	now, err := p.k.children(p.u.ctx, x)
	if err != nil {
		return true // read again, it says what is wrong
	}
	p.kids = p.kids.Merge(now)
	return touchesRows(changed, now)
}

// noteKids adds the open item's own rows as stored now to those its editor
// knows (kids), after each sync, though nobody reads it again: a row of its
// own added here after it was opened (an agenda item to the open meeting)
// and deleted on another computer is then known when that delete comes.
// That is not enough by itself: a sync sends, then fetches, so the other
// computer can receive the row, delete it and send the delete while the
// sync that sent the row still runs, and that same sync brings the delete;
// when it has ended the row is gone. Each sync therefore also reads the
// open items' own rows as it starts, before it sends anything (watchOwn,
// ownReaders), and the editors note them (noteOwn) before they are told
// what it brought.
func (p *editPane[T, E]) noteKids() {
	if p.list == nil || !p.opened() || p.k.children == nil {
		return
	}
	if now, err := p.k.children(p.u.ctx, p.editor.item()); err == nil {
		p.kids = p.kids.Merge(now)
	}
	p.watchOwn() // the item as stored now
}

// watchOwn tells background sync how to read the own rows (children) of
// the item open now, or that none is open (ownReaders).
func (p *editPane[T, E]) watchOwn() {
	if p.k.children == nil {
		return
	}
	if !p.opened() {
		p.u.own.drop(p)
		return
	}
	x, children := p.editor.item(), p.k.children
	p.u.own.set(p, p.k.id(x), func(ctx context.Context) (storage.Changed, error) { return children(ctx, x) })
}

// noteOwn adds rows, the own rows item id had as a sync started, to those
// its editor knows, when it is still the item open.
func (p *editPane[T, E]) noteOwn(id string, rows storage.Changed) {
	if p.list != nil && p.opened() && p.k.id(p.editor.item()) == id {
		p.kids = p.kids.Merge(rows)
	}
}

// reopen builds the open item's editor again from what is stored, or closes
// it when the item is gone.
func (p *editPane[T, E]) reopen() {
	id := p.k.id(p.editor.item())
	var none E
	p.editor = none
	if p.open(id); !p.opened() {
		p.close()
	}
}

// open shows the editor of item id, unless it is open already.
func (p *editPane[T, E]) open(id string) {
	if p.opened() && p.k.id(p.editor.item()) == id {
		return
	}
	p.leave()
	x, ok := p.find(id)
	if !ok {
		return
	}
	p.editor = p.edit(x)
	p.kids = nil
	if p.k.children != nil {
		// One that cannot be read is read when a sync comes.
		p.kids, _ = p.k.children(p.u.ctx, x)
	}
	p.watchOwn()
	showIn(p.detail, p.editor.build())
	p.selectRow(id)
}

// selectRow selects item id's row, without opening it again. Saving the
// item left read the list again, which selected the left item's row, or
// moved the rows under the selection (a new title sorts elsewhere).
func (p *editPane[T, E]) selectRow(id string) {
	if i := p.index(id); i >= 0 {
		cb := p.list.OnSelected
		p.list.OnSelected = nil
		p.list.Select(i)
		p.list.OnSelected = cb
	}
}

// find is item id, as get reads it or as listed.
func (p *editPane[T, E]) find(id string) (T, bool) {
	if p.k.get == nil {
		if i := p.index(id); i >= 0 {
			return p.items[i], true
		}
		var none T
		return none, false
	}
	x, err := p.k.get(p.u.ctx, id)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		showErr(p.msg, err)
	}
	return x, err == nil
}

// choose selects item id in the list and opens it.
func (p *editPane[T, E]) choose(id string) {
	if p.k.reveal != nil && p.index(id) < 0 {
		p.k.reveal(id)
	}
	if i := p.index(id); i >= 0 {
		p.list.Select(i)
		p.list.ScrollTo(i)
	}
	p.open(id)
}

// close empties the editor (after a delete).
func (p *editPane[T, E]) close() {
	var none E
	p.editor = none
	p.watchOwn()
	p.list.UnselectAll()
	showIn(p.detail, hintLabel(p.k.choose))
	if p.k.closed != nil {
		p.k.closed()
	}
}

// leave saves the open item and tells what could not be saved.
func (p *editPane[T, E]) leave() {
	p.u.saver.flush()
	if p.opened() {
		warnUnsaved(p.u.win, p.editor.unsaved())
	}
}

// askDelete asks before deleting item x of kind k (as stored: the
// caller saved what was typed first); once x is deleted, its drafts are
// forgotten and done is told (to empty the editor and read the list again).
func askDelete[T any](u *App, k *editKind[T], x T, done func()) {
	title, _ := k.row(x)
	if k.title != nil {
		title = k.title(x)
	}
	q := k.deleteQuestion(title)
	if k.goesWith != nil {
		g, err := k.goesWith(u.ctx, x)
		if err != nil {
			u.showError(err)
			return
		}
		if len(g) > 0 {
			q += "\n" + g.sentence()
		}
	}
	if k.alsoChanges != nil {
		also, err := k.alsoChanges(u.ctx, x)
		if err != nil {
			u.showError(err)
			return
		}
		if also != "" {
			q += "\n" + also
		}
	}
	u.confirmDelete(k.deleteTitle, q, func() {
		if err := k.remove(u.ctx, k.id(x)); err != nil {
			u.showError(err)
			return
		}
		u.drafts.forget(k.key + ":" + k.id(x))
		done()
	})
}

// onDelete asks before deleting the open item, and deletes it.
func (p *editPane[T, E]) onDelete() {
	if p.u.saver.flush(); p.opened() {
		askDelete(p.u, &p.k, p.editor.item(), func() { p.close(); p.refreshList() })
	}
}

// focusAll puts the cursor in e with its text selected (a new item's
// first field, typed over).
func (u *App) focusAll(e *entry) {
	u.focusFresh(e)
	e.Entry.TypedShortcut(&fyne.ShortcutSelectAll{})
}

// focusFresh puts the cursor in e after a button made it (Tilføj punkt,
// Nyt medlem, …). A button pressed with Space would otherwise have its
// space typed into e (see entry.TypedRune).
func (u *App) focusFresh(e *entry) {
	u.win.Canvas().Focus(e)
	e.fresh = true
}

// onNew stores a new item and opens it with the cursor in its first field.
func (p *editPane[T, E]) onNew() {
	p.leave()
	x := p.k.create()
	var zero T
	if err := p.k.save(p.u.ctx, zero, &x); err != nil {
		showErr(p.msg, err)
		return
	}
	showErr(p.msg, nil)
	var none E
	p.editor = none
	p.refreshList()
	p.choose(p.k.id(x))
	if p.opened() {
		p.editor.focusNew()
	}
}
