package ui

import (
	"context"
	"errors"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"lokalraad/storage"
)

// Rescue is the window shown instead of the app when the database cannot be
// opened because it is damaged: a plain message, and the offer to restore
// the newest good backup. onRestored runs after a restore succeeded (the
// caller then opens the database and the app); the window closes itself.
func Rescue(a fyne.App, dbPath string, cause error, onRestored func()) fyne.Window {
	w := a.NewWindow("Lokalråd")
	// The window's context: what it started stops when it closes.
	ctx, cancel := context.WithCancel(context.Background())
	w.SetOnClosed(cancel)
	backups, _ := storage.Backups(dbPath)
	text := lang.L("The database cannot be opened because it is damaged or is not a Lokalråd database.")
	if errors.Is(cause, storage.ErrDamaged) || errors.Is(cause, storage.ErrNotDatabase) {
		logDamage(cause) // what SQLite found, in its English, goes to the log
	} else {
		text += "\n\n" + errText(cause)
	}
	text += "\n\n" + lang.L("Database file") + ": " + dbPath
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	items := []fyne.CanvasObject{widget.NewLabelWithStyle(lang.L("The database is damaged"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), msg}
	if len(backups) == 0 {
		items = append(items, widget.NewLabel(lang.L("No automatic backup was found. Restore a backup from a USB stick with: lokalraad restore --db PATH FILE")))
	} else {
		newest := backups[0]
		info := widget.NewLabel(lang.L("Newest backup") + ": " + filepath.Base(newest))
		restore := widget.NewButton(lang.L("Restore the newest backup"), func() {
			dialog.ShowConfirm(lang.L("Restore backup"),
				lang.L("The damaged database is kept as a copy, and the backup takes its place. Work done after the backup was taken is not in it.")+"\n\n"+filepath.Base(newest),
				func(ok bool) {
					if !ok {
						return
					}
					if _, err := storage.Restore(ctx, dbPath, newest); err != nil {
						dialog.ShowInformation(lang.L("Error"), errText(err), w)
						return
					}
					onRestored() // opens the main window first, so the app goes on
					w.Close()
				}, w)
		})
		restore.Importance = widget.HighImportance
		items = append(items, info, restore)
	}
	items = append(items, widget.NewButton(lang.L("Quit"), func() { a.Quit() }))
	w.SetContent(container.NewPadded(container.NewVBox(items...)))
	w.Resize(fyne.NewSize(560, 320))
	return w
}

// ShowDamaged tells the user that the check running beside the open window
// found the database damaged: nothing more is saved in it (storage refuses
// every write), and the next start offers the newest good backup.
func (u *App) ShowDamaged(cause error) {
	msg := widget.NewLabel(lang.L("Lokalråd found errors in the database file. Nothing more is saved in it, so that nothing gets worse. What is there can still be read and printed. Close Lokalråd and start it again: it then offers to restore the newest good backup.") + "\n\n" + errText(cause))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(lang.L("The database is damaged"), lang.L("Quit"), lang.L("Close"),
		container.NewVBox(msg), func(quit bool) {
			if quit {
				fyne.CurrentApp().Quit()
			}
		}, u.win)
	d.Resize(fyne.NewSize(520, 300))
	d.Show()
}
