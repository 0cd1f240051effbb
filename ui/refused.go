package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
	"lokalraad/storage"
)

// showRefused lists this laptop's changes the municipality's server
// refused for good, and other computers' it took by file and set aside for
// the same reason (marked so): they were set aside so that the rest still
// syncs, and are shown here with the server's reason, so that nobody's
// edit vanishes without a word. Opened from the File menu and the sync
// note.
func (u *App) showRefused() {
	u.saver.flush()
	refused, err := u.db.RefusedChanges(u.ctx, u.councilID)
	if err != nil {
		u.showError(err)
		return
	}
	box := container.NewVBox()
	if len(refused) == 0 {
		box.Add(widget.NewLabel(lang.L("The server has refused none of this computer's changes.")))
	}
	for _, r := range refused {
		value := widget.NewLabel(conflictValue(r.Table, r.Field, r.Value))
		value.Wrapping = fyne.TextWrapWord
		reason := widget.NewLabel(refusalText(r))
		reason.Wrapping = fyne.TextWrapWord
		what := fieldLabel(r.Table, r.Field)
		if r.Field == "" {
			what = lang.L("Deleted")
		}
		when := model.LongDate(r.At, current())
		if r.Device != u.db.DeviceID() {
			when += " · " + lang.L("From another computer")
		}
		box.Add(widget.NewCard(what, when,
			container.NewVBox(value, widget.NewLabelWithStyle(lang.L("The server's reason"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), reason)))
	}
	d := dialog.NewCustom(lang.L("Refused changes"), lang.L("Close"), container.NewVScroll(box), u.win)
	size := u.win.Canvas().Size()
	d.Resize(fyne.NewSize(min(800, size.Width*0.9), min(600, size.Height*0.9)))
	d.Show()
}

// refusalText is why the server refused r: the reason as it was said, in
// Danish, on a Danish screen; on another, the text of its code, or, for a
// change refused before codes were kept, that the server refused it.
func refusalText(r storage.Refused) string {
	if current() == model.Danish {
		return r.Reason
	}
	if key, ok := codeTexts[r.Code]; ok && r.Code != model.Internal {
		return lang.L(key)
	}
	return lang.L("The municipality's server refused this change.")
}
