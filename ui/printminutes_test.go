package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// Ctrl+P (or Udskriv) on a meeting's Referat tab offers the minutes
// first: the secretary who had just approved them got »Mødemappe«
// chosen and printed the packet. On Dagsorden the packet stays first.
func TestPrintFromTheMinutesOffersTheMinutes(t *testing.T) {
	u, _, _ := withCouncil(t)
	ed := newMeeting(t, u)
	u.UseBuiltinExporters()
	chosen := func() string {
		t.Helper()
		top := u.win.Canvas().Overlays().Top()
		if top == nil {
			t.Fatal("no print dialog")
		}
		for _, o := range test.LaidOutObjects(top) {
			if r, ok := o.(*widget.RadioGroup); ok {
				return r.Selected
			}
		}
		t.Fatalf("the print dialog has no choice:\n%s", texts(top))
		return ""
	}
	u.Exporters.Meeting(u.win, u.db, ed.m.ID)
	if got := chosen(); got != "Mødemappe" {
		t.Errorf("from Dagsorden the dialog chooses %q, want Mødemappe", got)
	}
	closeDialogs(u)

	ed.views.SelectIndex(1) // Referat
	u.Exporters.Meeting(u.win, u.db, ed.m.ID)
	if got := chosen(); got != "Referat" {
		t.Errorf("from Referat the dialog chooses %q, want Referat", got)
	}
}
