package ui

import (
	"testing"

	"fyne.io/fyne/v2/widget"
)

// A long question is as tall as its text wraps to at the dialog's width,
// with no empty space under it: Fyne 2.7.1 took the height of the text
// wrapped at every word (screenshots: the delete questions of a meeting
// or a project stood above a third of a screen of nothing).
func TestLongQuestionHasNoEmptySpace(t *testing.T) {
	u, _, _ := withCouncil(t)
	u.confirmDelete("Slet møde", "Slet mødet «Bestyrelsesmøde 12.11.2026»?\n"+
		"Samtidig slettes: dagsordenens punkter (6), referatet under 5 af dem og mødets opgaver (2).\n"+
		"Det kan ikke fortrydes.", func() {})
	pop, isPop := u.win.Canvas().Overlays().Top().(*widget.PopUp)
	if !isPop {
		t.Fatal("no dialog shown")
	}
	if got, need := pop.Content.Size().Height, pop.Content.MinSize().Height; got > need+1 {
		t.Errorf("the question is %.0f high where its text and buttons need %.0f", got, need)
	}
}
