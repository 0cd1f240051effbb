package ui

import (
	"testing"

	"fyne.io/fyne/v2"
)

// Escape closes a file dialog as its Annullér does: the open dialogs
// (Importér fra et regneark, Vedhæft fil, Gendan) stayed up, their
// structure not that of Fyne's other dialogs; nothing is chosen.
func TestEscapeClosesAFileDialog(t *testing.T) {
	u, _, _ := withCouncil(t)
	t.Setenv("HOME", t.TempDir())
	c := u.win.Canvas()
	chosen := false
	u.openDialog(func(rc fyne.URIReadCloser) { chosen = true; rc.Close() }, ".xlsx").Show()
	if c.Overlays().Top() == nil {
		t.Fatal("no file dialog shown")
	}
	c.Unfocus()
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if c.Overlays().Top() != nil || chosen {
		t.Errorf("after Escape: dialog shown %v, a file chosen %v; want it closed as by Annullér", c.Overlays().Top() != nil, chosen)
	}
}
