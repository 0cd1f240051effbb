//go:build !headless

package main

import (
	_ "aa.lokalraad/quietlocale" // before Fyne: no locale error under C.UTF-8

	"errors"
	"log"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"lokalraad/assets"
	"lokalraad/storage"
	"lokalraad/ui"
)

// AppID is the app's id, as in FyneApp.toml.
const AppID = "dk.lokalraad.app"

// runGUI opens the window on the database at path and returns when it is
// closed. A damaged database gets the rescue window instead of a crash or
// a silent empty database.
func runGUI(path string, prepare func(*storage.DB) error) error {
	a := app.NewWithID(AppID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	if err := ui.SetupLanguage(a.Preferences().StringWithFallback("language", "da")); err != nil {
		return err
	}
	// The file is checked before the window opens only after a session
	// that did not end cleanly; otherwise in the background (session.go).
	unclean, err := storage.StartSession(path)
	if err != nil {
		return err
	}
	var db *storage.DB
	if unclean {
		db, err = openChecked(path)
	} else {
		db, err = storage.Open(path)
	}
	if isDamage(err) {
		// The rescue window runs the app; after a restore it opens the
		// main window on the restored database in the same event loop.
		var restored *storage.DB
		defer func() {
			if restored != nil {
				restored.Close()
			}
		}()
		ui.Rescue(a, path, err, func() {
			restored, err = openChecked(path)
			if err != nil {
				a.Quit()
				return
			}
			u := ui.New(a, restored)
			u.Version = Version
			u.UseBuiltinExporters()
			u.Window().Show()
		}).ShowAndRun()
		return err
	}
	if err != nil {
		return err
	}
	defer func() {
		db.EndSession()
		db.Close()
	}()
	if prepare != nil {
		if err := prepare(db); err != nil {
			return err
		}
	}
	go autoBackups(db)
	u := ui.New(a, db)
	u.Version = Version
	u.UseBuiltinExporters()
	if !unclean {
		go func() {
			if err := db.CheckInBackground(); isDamage(err) {
				fyne.Do(func() { u.ShowDamaged(err) })
			}
		}()
	}
	u.ShowAndRun()
	return nil
}

// openChecked opens the database and runs SQLite's quick check on it.
func openChecked(path string) (*storage.DB, error) {
	db, err := storage.Open(path)
	if err != nil {
		return nil, err
	}
	if err := db.Check(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func isDamage(err error) bool {
	return errors.Is(err, storage.ErrDamaged) || errors.Is(err, storage.ErrNotDatabase)
}

// autoBackups makes the day's backup at start and, while the app stays
// open for days, on the first hour of each new day. AutoBackup does nothing
// when today's backup exists.
func autoBackups(db *storage.DB) {
	for {
		if _, err := db.AutoBackup(); err != nil {
			log.Printf("automatisk sikkerhedskopi: %v", err)
		}
		time.Sleep(time.Hour)
	}
}
