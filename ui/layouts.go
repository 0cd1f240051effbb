// Layouts: room for the scroll bar, fixed and minimum widths, three
// fields in a row, a field above its message, and a pane's content.

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

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

// withErr stacks a field above its message.
func withErr(field fyne.CanvasObject, msg *widget.Label) fyne.CanvasObject {
	return container.NewVBox(field, msg)
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

// minSize gives its objects at least a size, each laid over the whole.
type minSize struct{ size fyne.Size }

func (m minSize) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := m.size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (m minSize) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

// minWidth gives its objects at least a width (a select showing long
// names): a minSize of no height.
type minWidth struct{ width float32 }

func (m minWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return minSize{fyne.NewSize(m.width, 0)}.MinSize(objs)
}

func (m minWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	minSize{}.Layout(objs, size)
}

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

// showIn puts o alone in the pane c: the right-hand side of a list screen.
func showIn(c *fyne.Container, o fyne.CanvasObject) {
	c.Objects = []fyne.CanvasObject{o}
	c.Refresh()
}

// hintLabel is what an empty pane says to do, centred.
func hintLabel(text string) fyne.CanvasObject {
	return container.NewCenter(widget.NewLabel(text))
}
