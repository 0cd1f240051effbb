package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"

	"lokalraad/model"
	lstorage "lokalraad/storage"
)

// onBackupNow saves a consistent copy of the database where the user
// chooses (a USB stick): "Tag sikkerhedskopi nu".
func (u *App) onBackupNow() {
	u.saver.flush()
	name := fileName("db", "Sikkerhedskopi", u.councilName(), model.ShortDate(u.now()))
	u.saveDialog(name, func(wc fyne.URIWriteCloser) {
		// The dialog made an empty file; the backup is written in its place.
		path := wc.URI().Path()
		wc.Close()
		os.Remove(path)
		u.backupTo(path)
	}).Show()
}

// backupTo writes the backup in the background with a progress dialog.
func (u *App) backupTo(path string) {
	progress := u.working(lang.L("Taking a backup…"))
	go func() {
		err := u.db.Backup(u.appCtx(), path)
		u.do(func() {
			progress.Hide()
			if err != nil {
				u.showError(err)
				return
			}
			dialog.ShowInformation(lang.L("Backup"), lang.L("The backup is saved")+":\n"+path, u.win)
		})
	}()
}

// onRestore lets the user pick a backup and, after a clear confirmation,
// puts it in place of the database; the current database is kept as a
// backup first.
func (u *App) onRestore() {
	u.saver.flush()
	fd := u.openDialog(func(rc fyne.URIReadCloser) {
		path := rc.URI().Path()
		rc.Close()
		u.confirmRestore(path)
	}, ".db")
	if l, err := storage.ListerForURI(storage.NewFileURI(u.db.BackupDir())); err == nil {
		fd.SetLocation(l)
	}
	fd.Show()
}

func (u *App) confirmRestore(path string) {
	u.confirm(lang.L("Restore backup"),
		lang.L("Replace everything in Lokalråd by the backup «{{.File}}»? Work done after the backup was taken is not in it; the current database is first saved as a backup, so nothing is lost.",
			map[string]any{"File": filepath.Base(path)}),
		func() { u.restoreFrom(path) })
}

// restoreFrom puts the backup at path in the database's place in the
// background, with a progress dialog: checking the backup, keeping the
// current database as a backup and checking the result reads a large file
// several times, and a window that does not answer for seconds is one a
// user closes by force, in the middle of the restore. Until it is done the
// menus and their shortcuts do nothing but quit (whenIdle); quitting stops
// the restore, which then leaves the database as it was or restored whole.
func (u *App) restoreFrom(path string) {
	if !u.restoring.CompareAndSwap(false, true) {
		return
	}
	progress := u.working(lang.L("Restoring the backup…"))
	go func() {
		// No sync runs through the restore: one in flight is stopped first
		// (exchange.Syncer.Pause), and the restored database syncs afresh.
		var saved string
		var err error
		u.sync.bg.Pause(func() { saved, err = u.db.RestoreFrom(u.ctx, path) })
		u.do(func() {
			u.restoring.Store(false)
			progress.Hide()
			u.restored(saved, err)
		})
	}()
}

// restored shows the outcome of restoreFrom: the restored database's
// screens, or why it was not restored.
func (u *App) restored(saved string, err error) {
	if u.sync.running {
		u.sync.setRunning(false) // the stopped sync reports nothing
		u.sync.refresh()
	}
	if u.sync.started {
		u.sync.request()
	}
	var partly *lstorage.RestoredError
	if err != nil && !errors.As(err, &partly) {
		u.showError(err)
		return
	}
	// The backup has taken the database's place (when some attachment
	// files did not come along too): the screens show what it holds.
	u.start()
	msg := lang.L("The backup is restored.")
	if partly != nil {
		msg += "\n" + lang.L("Some attachment files did not come back with it; the next sync fetches those the municipality has.")
	}
	if saved != "" {
		msg += "\n" + lang.L("The database as it was is kept as") + ":\n" + saved
	}
	dialog.ShowInformation(lang.L("Restore backup"), msg, u.win)
}

// whenIdle makes the menus' items (and so their shortcuts) do nothing
// while a restore runs, but quit: a new meeting typed then would be
// written into the database being replaced.
func (u *App) whenIdle(m *fyne.MainMenu) *fyne.MainMenu {
	var wrap func(items []*fyne.MenuItem)
	wrap = func(items []*fyne.MenuItem) {
		for _, it := range items {
			if it.ChildMenu != nil {
				wrap(it.ChildMenu.Items)
			}
			if it.Action == nil || it.IsQuit {
				continue
			}
			action := it.Action
			it.Action = func() {
				if !u.restoring.Load() {
					action()
				}
			}
		}
	}
	for _, menu := range m.Items {
		wrap(menu.Items)
	}
	return m
}

// councilName is the open council's name, or "".
func (u *App) councilName() string {
	for _, c := range u.councils {
		if c.ID == u.councilID {
			return strings.TrimSpace(c.Name)
		}
	}
	return ""
}
