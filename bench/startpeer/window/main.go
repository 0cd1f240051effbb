// Command window is the smallest Fyne window, the floor bench/startpeer
// measures the app's start-up against: one label, and the same first-frame
// line on stdout as lokalraad prints with LOKALRAAD_FIRST_FRAME set.
package main

import (
	"fmt"

	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("dk.lokalraad.startpeer")
	// The first frame is drawn when Show returns, before the event loop
	// starts and calls this (as in lokalraad).
	a.Lifecycle().SetOnStarted(func() { fmt.Println("first frame") })
	w := a.NewWindow("startpeer")
	w.SetContent(widget.NewLabel("Hej"))
	w.ShowAndRun()
}
