package ui

import (
	"math"

	"fyne.io/fyne/v2"
)

// The main window's size is kept in the app's preferences when the
// session ends (Quit, the close button, a signal) and the next start opens
// the window at that size. Fyne 2.7.1 tells neither whether a window is
// maximised nor how large the screen is, and cannot maximise one: a window
// the user maximised comes back at the size it had then, not maximised.
const (
	prefWindowWidth  = "window.width"
	prefWindowHeight = "window.height"
)

// firstWindowSize is the window's size on the first start. The commonest
// council laptop has a 1366×768 screen: Windows takes 40 px for the task
// bar and about 31 for the title bar (697 px left for the window), Ubuntu
// 27 px for its top bar and 64 beside for the dock (1302 px wide). The
// window's content (Danish, the longest texts) is smaller than this, so
// Fyne does not grow the window past it (TestFirstWindowFitsTheLaptop).
var firstWindowSize = fyne.NewSize(1280, 680)

// The sizes a kept size may have: the preferences file is the user's and
// may hold anything. A size smaller than the window's content is grown to
// it by Fyne; one larger than the largest screens is not kept.
const (
	minKeptSide = 200
	maxKeptSide = 8192
)

// windowSize is the size the window opens at: the one kept from the last
// session, or firstWindowSize when none is kept or it is not a size a
// window could have had.
func windowSize(p fyne.Preferences) fyne.Size {
	w, h := p.Float(prefWindowWidth), p.Float(prefWindowHeight)
	if !keptSide(w) || !keptSide(h) {
		return firstWindowSize
	}
	return fyne.NewSize(float32(w), float32(h))
}

func keptSide(v float64) bool {
	return !math.IsNaN(v) && v >= minKeptSide && v <= maxKeptSide
}

// keepWindowSize keeps the window's size for the next start, when the
// session ends (end), also after Fyne's loop has stopped by itself on
// SIGTERM: the canvas keeps its size, and the app's preferences
// (OpenPrefs) write the file before Set returns.
func (u *App) keepWindowSize() {
	s := u.win.Canvas().Size()
	if !keptSide(float64(s.Width)) || !keptSide(float64(s.Height)) {
		return // not laid out (a window never shown), or minimised to nothing
	}
	p := u.app.Preferences()
	p.SetFloat(prefWindowWidth, float64(s.Width))
	p.SetFloat(prefWindowHeight, float64(s.Height))
}
