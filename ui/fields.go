package ui

import (
	"errors"
	"image/color"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// saver collects pending edits and writes them after a short pause in
// typing, when a field loses focus, on Enter, and before anything else
// happens (switching screens, closing the window). Each pending edit is a
// function that reads its widgets when it runs, so the newest text is saved.
type saver struct {
	mu    sync.Mutex
	delay time.Duration
	keys  []string
	fns   map[string]func()
	timer *time.Timer
	// saved, when set, is told that edits were saved (background sync
	// sends them once they rest).
	saved func()
}

func newSaver(delay time.Duration) *saver {
	return &saver{delay: delay, fns: map[string]func(){}}
}

// schedule queues fn under key, replacing what was queued under it, and
// restarts the pause.
func (s *saver) schedule(key string, fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.fns[key]; !ok {
		s.keys = append(s.keys, key)
	}
	s.fns[key] = fn
	if s.timer != nil {
		s.timer.Stop()
	}
	s.timer = time.AfterFunc(s.delay, func() { fyne.Do(s.flush) })
}

// flush runs every pending edit now.
func (s *saver) flush() {
	s.mu.Lock()
	keys, fns := s.keys, s.fns
	s.keys, s.fns = nil, map[string]func(){}
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	saved := s.saved
	s.mu.Unlock()
	for _, k := range keys {
		fns[k]()
	}
	if len(keys) > 0 && saved != nil {
		saved()
	}
}

// pending tells whether an edit waits to be saved.
func (s *saver) pending() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.keys) > 0
}

// entry is a widget.Entry that also reports losing focus, leaves with Tab
// and Shift+Tab even when it is multi-line, and lets the mouse wheel scroll
// the screen around it while it has no focus.
type entry struct {
	widget.Entry
	onFocusLost func()

	shield *scrollShield
	outer  fyne.Scrollable // the scroll container around the entry, once found
}

func newEntry() *entry {
	e := &entry{}
	e.ExtendBaseWidget(e)
	return e
}

// AcceptsTab is false: Tab and Shift+Tab move to the next and previous
// field, also out of a multi-line field (a tab character is of no use in
// minutes).
func (e *entry) AcceptsTab() bool { return false }

// TypedKey moves the focus on Tab for drivers that pass Tab on to the
// field; other keys edit as usual.
func (e *entry) TypedKey(k *fyne.KeyEvent) {
	if k.Name != fyne.KeyTab {
		e.Entry.TypedKey(k)
		return
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(e)
	if c == nil {
		return
	}
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok && d.CurrentKeyModifiers()&fyne.KeyModifierShift != 0 {
		c.FocusPrevious()
		return
	}
	c.FocusNext()
}

// FocusGained lets the field scroll its own text while it is edited, and
// scrolls the screen to the field when Tab brought the focus to a field
// out of view.
func (e *entry) FocusGained() {
	e.Entry.FocusGained()
	if e.shield != nil {
		e.shield.Hide()
	}
	if s, ok := e.outerScroll().(*vscroll); ok {
		s.reveal(e)
	}
}

// outerScroll is the scroll container around e, or nil.
func (e *entry) outerScroll() fyne.Scrollable {
	if e.outer != nil {
		return e.outer
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(e)
	if c == nil {
		return nil
	}
	roots := append([]fyne.CanvasObject{c.Content()}, c.Overlays().List()...)
	for _, root := range roots {
		if o, ok := outerScroll(root, e, nil); ok {
			e.outer = o
			break
		}
	}
	return e.outer
}

// CreateRenderer lays a transparent shield over the entry. Fyne sends the
// mouse wheel to the innermost scrollable object under the mouse, and every
// entry scrolls its own text, so the wheel did nothing over a field (most
// of an agenda). While the entry has no focus the shield passes the wheel
// on to the scroll container around it.
func (e *entry) CreateRenderer() fyne.WidgetRenderer {
	r := e.Entry.CreateRenderer()
	e.shield = &scrollShield{e: e}
	e.shield.ExtendBaseWidget(e.shield)
	if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil && c.Focused() == e {
		e.shield.Hide()
	}
	return &shieldRenderer{WidgetRenderer: r, shield: e.shield}
}

type shieldRenderer struct {
	fyne.WidgetRenderer
	shield *scrollShield
}

func (r *shieldRenderer) Layout(s fyne.Size) {
	r.WidgetRenderer.Layout(s)
	r.shield.Resize(s)
	r.shield.Move(fyne.NewPos(0, 0))
}

func (r *shieldRenderer) Objects() []fyne.CanvasObject {
	objs := r.WidgetRenderer.Objects()
	return append(objs[:len(objs):len(objs)], r.shield)
}

// scrollShield passes mouse-wheel events over an unfocused entry on to the
// scroll container around it. It takes no taps, so clicks reach the entry.
type scrollShield struct {
	widget.BaseWidget
	e *entry
}

func (s *scrollShield) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

func (s *scrollShield) Scrolled(ev *fyne.ScrollEvent) {
	outer := s.e.outerScroll()
	if outer == nil { // no scroll around the entry: let it scroll itself
		s.Hide()
		return
	}
	outer.Scrolled(ev)
}

// outerScroll finds target below o and returns the innermost scrollable
// object that holds it (outer when none below o does).
func outerScroll(o, target fyne.CanvasObject, outer fyne.Scrollable) (fyne.Scrollable, bool) {
	if o == nil {
		return nil, false
	}
	if o == target {
		return outer, true
	}
	if s, ok := o.(fyne.Scrollable); ok {
		outer = s
	}
	for _, ch := range children(o) {
		if s, ok := outerScroll(ch, target, outer); ok {
			return s, true
		}
	}
	return nil, false
}

// children are the objects inside o, for the containers and widgets the
// screens are built of.
func children(o fyne.CanvasObject) []fyne.CanvasObject {
	switch v := o.(type) {
	case *fyne.Container:
		return v.Objects
	case *vscroll:
		return []fyne.CanvasObject{v.Content}
	case *container.Scroll:
		return []fyne.CanvasObject{v.Content}
	case *container.Split:
		return []fyne.CanvasObject{v.Leading, v.Trailing}
	case *container.AppTabs:
		var out []fyne.CanvasObject
		for _, it := range v.Items {
			out = append(out, it.Content)
		}
		return out
	case *widget.Card:
		return []fyne.CanvasObject{v.Content}
	case *widget.Form:
		var out []fyne.CanvasObject
		for _, it := range v.Items {
			out = append(out, it.Widget)
		}
		return out
	}
	return nil
}

// vscroll is a vertical scroll container that moves twice as far per
// wheel step as Fyne's (which moves about one line), and keeps its content
// clear of the scroll bar so that the bar covers no buttons.
type vscroll struct {
	container.Scroll
}

func newVScroll(content fyne.CanvasObject) *vscroll {
	s := &vscroll{}
	s.Direction = container.ScrollVerticalOnly
	s.Content = container.New(padRight{}, content)
	s.ExtendBaseWidget(s)
	return s
}

// Scrolled scrolls faster than Fyne's default.
func (s *vscroll) Scrolled(ev *fyne.ScrollEvent) {
	faster := *ev
	faster.Scrolled.DX *= 2
	faster.Scrolled.DY *= 2
	s.Scroll.Scrolled(&faster)
}

// scrollTo scrolls so that what is at y in the content comes to the top
// (or as near as the content's height allows).
func (s *vscroll) scrollTo(y float32) {
	s.Refresh() // the content takes its new height
	y = max(0, min(y-theme.Padding(), s.Content.MinSize().Height-s.Size().Height))
	s.ScrollToOffset(fyne.NewPos(0, y))
}

// reveal scrolls as little as needed to show o, which is inside s.
func (s *vscroll) reveal(o fyne.CanvasObject) {
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(s).Y // in the view
	h, view := o.Size().Height, s.Size().Height
	switch {
	case view <= 0:
		return
	case top < 0 || h > view:
		s.ScrollToOffset(fyne.NewPos(0, max(0, s.Offset.Y+top-theme.Padding())))
	case top+h > view:
		s.ScrollToOffset(fyne.NewPos(0, s.Offset.Y+top+h-view+theme.Padding()))
	}
}

// padRight leaves room on the right for a scroll bar.
type padRight struct{}

func (padRight) width() float32 { return theme.ScrollBarSize() }

func (p padRight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s.AddWidthHeight(p.width(), 0)
}

func (p padRight) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(fyne.NewSize(size.Width-p.width(), size.Height))
		o.Move(fyne.NewPos(0, 0))
	}
}

// newMultiEntry is a word-wrapped entry of a few lines.
func newMultiEntry(rows int) *entry {
	e := newEntry()
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.SetMinRowsVisible(rows)
	return e
}

// FocusLost saves what was typed.
func (e *entry) FocusLost() {
	e.Entry.FocusLost()
	if e.shield != nil {
		e.shield.Show()
	}
	if e.onFocusLost != nil {
		e.onFocusLost()
	}
}

// setText shows s without counting it as an edit.
func setText(e *entry, s string) {
	cb := e.OnChanged
	e.OnChanged = nil
	e.SetText(s)
	e.OnChanged = cb
}

// setSelected selects s in a select without counting it as an edit.
func setSelected(s *widget.Select, v string) {
	cb := s.OnChanged
	s.OnChanged = nil
	s.SetSelected(v)
	s.OnChanged = cb
}

func setChecked(c *widget.Check, v bool) {
	cb := c.OnChanged
	c.OnChanged = nil
	c.SetChecked(v)
	c.OnChanged = cb
}

// autosave makes e save itself: after a pause in typing, on Enter and when
// it loses focus. key names the edit (one pending save per key).
func (u *App) autosave(e *entry, key string, save func()) {
	e.OnChanged = func(string) { u.saver.schedule(key, save) }
	if !e.MultiLine {
		e.OnSubmitted = func(string) { u.saver.flush() }
	}
	e.onFocusLost = u.saver.flush
}

// newErrLabel is the place for a message next to a field.
func newErrLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

// showErr shows err's text in l, or hides l when err is nil.
func showErr(l *widget.Label, err error) {
	if err == nil {
		if l.Visible() || l.Text != "" {
			l.SetText("")
			l.Hide()
		}
		return
	}
	l.SetText(errText(err))
	l.Show()
}

// withErr stacks a field above its message.
func withErr(field fyne.CanvasObject, msg *widget.Label) fyne.CanvasObject {
	return container.NewVBox(field, msg)
}

// parseInt reads a whole number; empty text is 0.
func parseInt(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, errBadNumber
	}
	return n, nil
}

// heading is a bold label.
func heading(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// narrow lays out its one object centred, at most width wide.
type narrow struct{ width float32 }

func (n narrow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (n narrow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := min(size.Width, n.width)
	for _, o := range objs {
		o.Resize(fyne.NewSize(w, size.Height))
		o.Move(fyne.NewPos((size.Width-w)/2, 0))
	}
}

// joinErrs joins errors so that errText lists each.
func joinErrs(errs []error) error { return errors.Join(errs...) }

// debounce runs a function once typing pauses, on the UI goroutine.
type debounce struct {
	mu    sync.Mutex
	delay time.Duration
	timer *time.Timer
}

func (d *debounce) run(fn func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil {
		d.timer.Stop()
	}
	d.timer = time.AfterFunc(d.delay, func() { fyne.Do(fn) })
}

// minWidth gives its objects at least a width (a select showing long names).
type minWidth struct{ width float32 }

func (m minWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(m.width, 0)
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (m minWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

// shown is e for editing, or, when locked, its text as a label that reads
// well on any theme (a disabled entry is faint grey) and can be selected
// and copied.
func shown(e *entry, locked bool) fyne.CanvasObject {
	if !locked {
		return e
	}
	return lockedText(e.Text)
}

// lockedText shows a stored text that cannot be changed; a dash when it is
// empty.
func lockedText(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	l.Selectable = true
	if strings.TrimSpace(s) == "" {
		l.SetText("–")
	}
	return l
}

// shownSelect is sel for choosing, or, when locked, its choice as a label.
func shownSelect(sel *widget.Select, locked bool) fyne.CanvasObject {
	if !locked {
		return sel
	}
	return lockedText(sel.Selected)
}

// unsavedDate says that the date typed in e was not saved, when its
// message l shows that it is not valid.
func unsavedDate(l *widget.Label, e *entry) []string {
	if !l.Visible() || l.Text == "" || e.Text == "" {
		return nil
	}
	return []string{lang.L("The date «{{.Text}}» is invalid and was not saved.", map[string]any{"Text": e.Text})}
}

// warnUnsaved tells, when the user leaves a meeting, project or member,
// which typed values were not valid and so not saved, instead of dropping
// them silently.
func warnUnsaved(w fyne.Window, msgs []string) {
	if len(msgs) == 0 {
		return
	}
	dialog.ShowInformation(lang.L("Not saved"), strings.Join(msgs, "\n"), w)
}

// datePlaceholder is the hint in an empty date field.
func datePlaceholder() string { return lang.L("dd.mm.yyyy") }

// threeFields lays out three objects in a row, in their order (so that Tab
// goes from left to right): the first and last as wide as given, the
// middle one takes the rest.
type threeFields struct{ first, last float32 }

func (f threeFields) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h, w float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	if len(objs) == 3 {
		w = f.first + objs[1].MinSize().Width + f.last + 2*theme.Padding()
	}
	return fyne.NewSize(w, h)
}

func (f threeFields) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) != 3 {
		return
	}
	p := theme.Padding()
	mid := max(0, size.Width-f.first-f.last-2*p)
	objs[0].Resize(fyne.NewSize(f.first, size.Height))
	objs[0].Move(fyne.NewPos(0, 0))
	objs[1].Resize(fyne.NewSize(mid, size.Height))
	objs[1].Move(fyne.NewPos(f.first+p, 0))
	objs[2].Resize(fyne.NewSize(f.last, size.Height))
	objs[2].Move(fyne.NewPos(f.first+p+mid+p, 0))
}

// newRowList is a virtualised list whose rows show a bold title over a line
// of detail, both cut short with an ellipsis; row gives row i's texts and
// selected runs when row i is chosen.
func newRowList(n func() int, row func(i int) (title, sub string), selected func(i int)) *widget.List {
	l := widget.NewList(
		n,
		func() fyne.CanvasObject {
			t := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			t.Truncation = fyne.TextTruncateEllipsis
			sub := widget.NewLabel("")
			sub.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(t, sub)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= n() {
				return
			}
			title, sub := row(i)
			c := o.(*fyne.Container)
			c.Objects[0].(*widget.Label).SetText(title)
			c.Objects[1].(*widget.Label).SetText(sub)
		})
	l.OnSelected = func(i widget.ListItemID) {
		if i < n() {
			selected(i)
		}
	}
	return l
}

// showIn puts o alone in the pane c: the right-hand side of a list screen.
func showIn(c *fyne.Container, o fyne.CanvasObject) {
	c.Objects = []fyne.CanvasObject{o}
	c.Refresh()
}

// hintLabel is what an empty pane says to do, centred.
func hintLabel(text string) fyne.CanvasObject {
	return container.NewCenter(widget.NewLabel(text))
}

// showStored puts a value that came from elsewhere in its field: after a
// save, what was stored differs from what was sent only where another
// device's edit was kept or merged in (every storage Save takes what the
// editor loaded).
func showStored(e *entry, sent, stored string) {
	if sent != stored {
		setText(e, stored)
	}
}
