// The widgets the screens are built of: the text field (entry) that
// saves on leaving, moves on Tab and lets the wheel scroll the screen; the
// faster scroll container; and the list of titled rows.

package ui

import (
	"image/color"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
)

// entry is a widget.Entry that also reports losing focus, leaves with Tab
// and Shift+Tab even when it is multi-line, and lets the mouse wheel scroll
// the screen around it while it has no focus.
type entry struct {
	widget.Entry
	onFocusLost func()

	shield *scrollShield
	outer  fyne.Scrollable // the scroll container around the entry, once found

	// fresh is set when a button put the focus here; see focusFresh.
	fresh bool

	// wraps is set on a field that wraps its lines at words (newMultiEntry);
	// fitWrap turns the wrapping off while its text holds a longer word
	// than maxWrappedWord.
	wraps bool
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
	e.fresh = false
	if k.Name == fyne.KeyEscape && dismissTop(fyne.CurrentApp().Driver().CanvasForObject(e)) {
		return // a dialog's field: Escape closes the dialog (escape.go)
	}
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

// newMultiEntry is a word-wrapped entry of a few lines.
func newMultiEntry(rows int) *entry {
	e := newEntry()
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.wraps = true
	e.SetMinRowsVisible(rows)
	return e
}

// maxWrappedWord is the longest run of characters without a space or a
// line break that a field wraps. Fyne 2.7.1 wraps such a run in time that
// grows with its length squared (10,000 characters about a second,
// 100,000 minutes, on the UI thread); unwrapped, the field scrolls
// sideways and 100,000 characters take a tenth of a second. Real minutes
// hold no word near this long; a pasted link does not come near either.
const maxWrappedWord = 2000

// SetText shows s, unwrapped when it holds a word too long to wrap. The
// wrapping goes off before such a text comes, and on again only after it
// has gone, so that no long word is ever wrapped.
func (e *entry) SetText(s string) {
	if e.wrapFor(s) == fyne.TextWrapOff {
		e.fitWrap(s)
		e.Entry.SetText(s)
		return
	}
	e.Entry.SetText(s)
	e.fitWrap(s)
}

// fitWrap sets a wrapping field's wrapping for texts (wrapFor); the field
// must not hold a word too long to wrap already when it wraps again.
func (e *entry) fitWrap(texts ...string) {
	if w := e.wrapFor(texts...); e.Wrapping != w {
		e.Wrapping = w
		e.Refresh()
	}
}

// wrapFor is a field's wrapping for texts: its own when it does not wrap,
// else by words, or off when a text holds a word longer than
// maxWrappedWord.
func (e *entry) wrapFor(texts ...string) fyne.TextWrap {
	if !e.wraps {
		return e.Wrapping
	}
	for _, s := range texts {
		if longestWord(s) > maxWrappedWord {
			return fyne.TextWrapOff
		}
	}
	return fyne.TextWrapWord
}

// longestWord is the length in characters of the longest run of s
// without a space or a line break.
func longestWord(s string) int {
	longest, n := 0, 0
	for _, r := range s {
		if unicode.IsSpace(r) {
			n = 0
			continue
		}
		n++
		longest = max(longest, n)
	}
	return longest
}

// TypedRune types r, except the space of the Space key that pressed the
// button which focused this field: the desktop driver gives the key to the
// button and then its character to the field focused by then, which would
// start a new title with a space.
func (e *entry) TypedRune(r rune) {
	if e.fresh {
		e.fresh = false
		if r == ' ' {
			return
		}
	}
	e.Entry.TypedRune(r)
}

// TypedShortcut edits as usual; after it, a space is typed as usual. A
// paste that would make the text longer than any field may hold
// (model.MaxLong) is refused whole, with a message: saving it would be
// refused anyway, and Fyne lays a field's whole text out again on every
// change, so that 5 MB pasted into the minutes froze the window for
// minutes (100,000 characters take about half a second).
func (e *entry) TypedShortcut(s fyne.Shortcut) {
	e.fresh = false
	if k, ok := s.(*desktop.CustomShortcut); ok && e.MultiLine && k.Modifier&^fyne.KeyModifierShift == fyne.KeyModifierControl {
		// Ctrl+Home and Ctrl+End go to the start and the end of the
		// text (with Shift, selecting), as in every editor; Fyne 2.7.1
		// does that on Page Up and Page Down only.
		switch k.KeyName {
		case fyne.KeyHome:
			e.Entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyPageUp})
			return
		case fyne.KeyEnd:
			e.Entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyPageDown})
			return
		}
	}
	if p, ok := s.(*fyne.ShortcutPaste); ok && p.Clipboard != nil {
		text := p.Clipboard.Content()
		if n := e.lenAfterPaste(text); n > model.MaxLong {
			e.refusePaste(n)
			return
		}
		e.fitWrap(e.Text, text)
	}
	e.Entry.TypedShortcut(s)
}

// lenAfterPaste is how many characters the field would hold with text
// pasted in place of its selection.
func (e *entry) lenAfterPaste(text string) int {
	return utf8.RuneCountInString(e.Text) - utf8.RuneCountInString(e.SelectedText()) + utf8.RuneCountInString(text)
}

// refusePaste says, in the field's window, that a paste was too long and
// that nothing was pasted.
func (e *entry) refusePaste(n int) {
	msg := lang.L("The text is too long for the field: with what you pasted it would have {{.Have}} characters, and a field holds at most {{.Max}}. Nothing was pasted.",
		map[string]any{"Have": number(n), "Max": number(model.MaxLong)})
	if w := windowOf(e); w != nil {
		dialog.ShowInformation(lang.L("Not pasted"), msg, w)
	}
}

// windowOf is the window o is shown in, or nil.
func windowOf(o fyne.CanvasObject) fyne.Window {
	d := fyne.CurrentApp().Driver()
	c := d.CanvasForObject(o)
	for _, w := range d.AllWindows() {
		if c != nil && w.Canvas() == c {
			return w
		}
	}
	return nil
}

// FocusLost saves what was typed.
func (e *entry) FocusLost() {
	e.fresh = false
	e.Entry.FocusLost()
	if e.shield != nil {
		e.shield.Show()
	}
	if e.onFocusLost != nil {
		e.onFocusLost()
	}
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
