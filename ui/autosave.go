// The autosave: pending edits written after a pause in typing, on Enter,
// on leaving a field and before anything else happens; values put in
// fields without counting as edits; and what is said about typed values
// that were not saved.

package ui

import (
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
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
	// do runs the flush after the pause on the UI goroutine: the App's do
	// (fyne.Do, or the tests' queue), never the timer's goroutine.
	do func(func())
}

func newSaver(delay time.Duration) *saver {
	return &saver{delay: delay, fns: map[string]func(){}, do: fyne.Do}
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
	do := s.do
	s.timer = time.AfterFunc(s.delay, func() { do(s.flush) })
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

// debounce runs a function once typing pauses, on the UI goroutine.
type debounce struct {
	mu    sync.Mutex
	delay time.Duration
	do    func(func()) // the App's do; fyne.Do when nil
	timer *time.Timer
	gen   int // the run that may still happen; stop and each run move it on
}

func (d *debounce) run(fn func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil {
		d.timer.Stop()
	}
	d.gen++
	g := d.gen
	do := d.do
	if do == nil {
		do = fyne.Do
	}
	d.timer = time.AfterFunc(d.delay, func() {
		do(func() {
			if d.pending(g) {
				fn()
			}
		})
	})
}

// stop drops the run that waits, also one whose timer has fired but which
// has not reached the UI goroutine yet: what it would do was done now.
func (d *debounce) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil {
		d.timer.Stop()
	}
	d.gen++
}

func (d *debounce) pending(g int) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return g == d.gen
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

// showStored puts a value that came from elsewhere in its field: after a
// save, what was stored differs from what was sent only where another
// device's edit was kept or merged in (every storage Save takes what the
// editor loaded).
func showStored(e *entry, sent, stored string) {
	if sent != stored {
		setText(e, stored)
	}
}
