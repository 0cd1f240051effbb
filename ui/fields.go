package ui

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
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
	s.mu.Unlock()
	for _, k := range keys {
		fns[k]()
	}
}

// pending tells whether an edit waits to be saved.
func (s *saver) pending() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.keys) > 0
}

// entry is a widget.Entry that also reports losing focus.
type entry struct {
	widget.Entry
	onFocusLost func()
}

func newEntry() *entry {
	e := &entry{}
	e.ExtendBaseWidget(e)
	return e
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

// selectIndex returns the index of v in options, or -1.
func selectIndex(options []string, v string) int {
	for i, o := range options {
		if o == v {
			return i
		}
	}
	return -1
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
