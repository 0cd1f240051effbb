// Command window is the smallest Fyne window, the floor bench/startpeer
// measures the app's start-up against: one label, and the same first-frame
// line on stdout as lokalraad prints with LOKALRAAD_FIRST_FRAME set. With
// -size WxH the window opens that large (the app's own size), to tell the
// cost of drawing a larger window from the cost of what is in it.
package main

import (
	"flag"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	var w, h float32
	size := flag.String("size", "", "the window's size, WIDTHxHEIGHT (default: as small as its label)")
	flag.Parse()
	if *size != "" {
		if _, err := fmt.Sscanf(*size, "%fx%f", &w, &h); err != nil {
			panic(err)
		}
	}
	a := app.NewWithID("dk.lokalraad.startpeer")
	// The first frame is drawn when Show returns, before the event loop
	// starts and calls this (as in lokalraad).
	a.Lifecycle().SetOnStarted(func() { fmt.Println("first frame") })
	win := a.NewWindow("startpeer")
	win.SetContent(widget.NewLabel("Hej"))
	if w > 0 {
		win.Resize(fyne.NewSize(w, h))
	}
	win.ShowAndRun()
}
