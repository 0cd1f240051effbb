//go:build !headless

package main

import (
	_ "aa.lokalraad/quietlocale" // before Fyne: no locale error under C.UTF-8

	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"lokalraad/assets"
	"lokalraad/storage"
	"lokalraad/ui"
)

// closedBySignal is set when SIGINT or SIGTERM closes the window.
var closedBySignal atomic.Bool

// errNoWindow ends the process with a failure after the user was told why
// the window could not open.
var errNoWindow = errors.New("vinduet kunne ikke åbnes")

// AppID is the app's id, as in FyneApp.toml.
const AppID = "dk.lokalraad.app"

// runGUI opens the window on the database at path and returns when it is
// closed. A damaged database gets the rescue window instead of a crash or
// a silent empty database. A computer that cannot show the window (no
// OpenGL 2.1, no display) gets a message in Danish instead of nothing.
// When ctx ends (SIGINT, SIGTERM at log-out) the window closes as if the
// user closed it: typed text is saved and the session ends cleanly.
func runGUI(ctx context.Context, path string, prepare func(*storage.DB) error) (err error) {
	watch := &glWatch{out: os.Stderr, alert: alert, exit: os.Exit}
	log.SetOutput(watch)
	defer func() {
		log.SetOutput(os.Stderr)
		if r := recover(); r != nil {
			if closedBySignal.Load() {
				// Fyne 2.7.1 panicked on a mouse move that arrived for
				// the window it was closing (processMouseMoved on a nil
				// view). ui.App.Quit no longer closes the window, so this
				// is a guard: what was typed is saved before the loop
				// ends, and the session has ended: quit as asked.
				log.Printf("lokalraad: Fyne panicked while closing the window on a signal: %v", r)
				return
			}
			if !watch.glfwPanic(r) {
				panic(r)
			}
			err = errNoWindow
			return
		}
		if watch.tell() && err == nil {
			err = errNoWindow
		}
	}()
	stopProfile := startProfile()
	// Until the first frame the heap only grows (fonts parsed, the window
	// built: about 50 MB allocated, 33 MB of it kept); collecting it seven
	// times on the way cost about 8 % of start-up's CPU (issue 10). A
	// quarter as often costs about 10 MB more at the peak.
	gcPercent := debug.SetGCPercent(400)
	defer debug.SetGCPercent(gcPercent) // when no window opened
	app.SetMetadata(appMetadata())
	fa := app.NewWithID(AppID)
	fa.SetIcon(fyne.NewStaticResource("icon.png", assets.WindowIcon))
	// The app's preferences in a file of its own, replaced whole at each
	// change (ui.OpenPrefs); Fyne's are where an older version kept them.
	a := ui.WithPrefs(fa, ui.OpenPrefs(filepath.Join(fa.Storage().RootURI().Path(), ui.PrefsFile), fa.Preferences()))
	// The window's first frame is drawn when Show returns, before the
	// event loop starts and calls OnStarted: work that can wait starts
	// there, so it does not compete with the window for the two cores.
	var afterFirstFrame func()
	a.Lifecycle().SetOnStarted(func() {
		debug.SetGCPercent(gcPercent)
		stopProfile()
		if os.Getenv(firstFrameEnv) != "" {
			fmt.Println(firstFrameLine)
		}
		if afterFirstFrame != nil {
			afterFirstFrame()
		}
	})
	// ui.Language reads Danish for anything but "en": a preferences file
	// edited by hand to another language never keeps the app from starting.
	if err := ui.SetupLanguage(ui.Language(a)); err != nil {
		return err
	}
	// One copy of the app a database: a second one says so and ends.
	release, err := storage.HoldSession(path)
	if err != nil {
		alert(lang.L("Lokalråd is already open"), lang.L("Lokalråd already has this database open in another window. Use that window, or close it and start again."))
		return err
	}
	defer release() // after the session's end below
	// The file is checked before the window opens only after a session
	// that did not end cleanly; otherwise in the background (session.go).
	unclean, err := storage.StartSession(path)
	if err != nil {
		return err
	}
	var db *storage.DB
	if unclean {
		db, err = openChecked(ctx, path)
	} else {
		db, err = storage.Open(ctx, path)
	}
	if isDamage(err) {
		// The rescue window runs the app; after a restore it opens the
		// main window on the restored database in the same event loop.
		r := &rescued{}
		defer r.end()
		// Fyne catches SIGTERM too, but only once its loop's goroutine
		// has run: a log-out right after the first frame reached only
		// this ctx, and the rescue window stayed open (CI, stop 24).
		defer quitOnSignal(ctx, func() {
			if r.u != nil {
				r.u.Quit() // the main window, opened after a restore
				return
			}
			a.Quit()
		})()
		ui.Rescue(a, path, err, func() {
			if err = r.open(ctx, a, path); err != nil {
				a.Quit()
			}
		}).ShowAndRun()
		if ctx.Err() != nil && isDamage(err) {
			// A signal (a log-out) closed the rescue window: nothing
			// was interrupted, and the damage is shown again at the
			// next start. Fyne ended the loop by itself.
			return nil
		}
		return err
	}
	if err != nil {
		return err
	}
	var closeOnce sync.Once
	closeDB := func() {
		closeOnce.Do(func() {
			db.EndSession()
			db.Close()
		})
	}
	defer closeDB()
	if prepare != nil {
		if err := prepare(db); err != nil {
			return err
		}
	}
	u := ui.NewLater(a, db)
	u.Version = assets.Version()
	u.UseBuiltinExporters()
	afterFirstFrame = func() {
		u.Fill() // Oversigt's screen and data, drawn in the next frame
		// The day's backup copies the whole file (0.7 s of CPU on ten
		// years of 18 councils) and the check reads all of it: both
		// after the window is up.
		go autoBackups(ctx, db)
		if !unclean {
			go func() {
				if err := db.CheckInBackground(ctx); isDamage(err) {
					fyne.Do(func() { u.ShowDamaged(err) })
				}
			}()
		}
	}
	// The same orderly end as Ctrl+Q and the close button (ui.App.Quit).
	defer quitOnSignal(ctx, u.Quit)()
	returned := make(chan struct{})
	go exitIfLoopHangs(ctx, u.Ended(), returned, loopEndLimit, func() {
		u.End()
		closeDB()
	}, os.Exit)
	u.ShowAndRun()
	close(returned)
	return nil
}

// loopEndLimit is how long Fyne's loop may take to return once the
// session was asked to end. Tearing the window down takes well under a
// second, also on a loaded machine.
const loopEndLimit = 10 * time.Second

// exitIfLoopHangs ends the process with status 0 when Fyne's loop has not
// returned (returned) limit after a signal (ctx) or the session's end
// (ended), after finish has saved what was typed and closed the database
// cleanly. Fyne 2.7.1 can hang at its end: its lifecycle queue hands the
// stopped hook (which saves the preferences) to the main loop and waits
// for it, and when that lands after the loop drained its queue, nobody
// ever runs it and ShowAndRun waits for it forever. A laptop at log-out
// would hold up the log-out, and the next start would check the whole
// file for an unclean end.
func exitIfLoopHangs(ctx context.Context, ended, returned <-chan struct{}, limit time.Duration, finish func(), exit func(int)) {
	select {
	case <-returned:
		return
	case <-ctx.Done():
	case <-ended:
	}
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case <-returned:
	case <-t.C:
		log.Printf("lokalraad: Fyne's loop did not end %v after the session did; the app ends without it", limit)
		// finish waits for a save under way; should that hang too, the
		// process still ends (SQLite keeps every committed write, and the
		// session marker left makes the next start check the file).
		finished := make(chan struct{})
		go func() {
			finish()
			close(finished)
		}()
		t.Reset(limit)
		select {
		case <-finished:
		case <-t.C:
			log.Printf("lokalraad: the session did not end %v after that either", limit)
		}
		exit(0)
	}
}

// firstFrameEnv, when set, makes the app print firstFrameLine on stdout
// once the first frame of its window is drawn: `make bench-start`
// (bench/startpeer) times start-up with it.
const (
	firstFrameEnv  = "LOKALRAAD_FIRST_FRAME"
	firstFrameLine = "first frame"
)

// appMetadata is FyneApp.toml's, given to Fyne at start. Without it Fyne
// looks for FyneApp.toml beside the binary (or in the working folder under
// go run): an installed app finds none, so Fyne's fyneDo migration, which
// the app is written for, was off there; and a binary that finds it
// decodes and scales the 512 px 16-bit icon before the window opens
// (issue 10). TestAppMetadataIsFyneApps holds the two the same.
func appMetadata() fyne.AppMetadata {
	return fyne.AppMetadata{
		ID:         AppID,
		Name:       "Lokalråd",
		Version:    assets.Version(),
		Build:      1,
		Icon:       fyne.NewStaticResource("icon.png", assets.WindowIcon),
		Migrations: map[string]bool{"fyneDo": true},
	}
}

// profileEnv, when set to a file name, makes the app write a CPU profile
// of its start-up, from runGUI to the window's first frame, to that file
// (sampled at 1 kHz: start-up is a few hundred milliseconds). For
// measuring only; issue 10.
const profileEnv = "LOKALRAAD_CPUPROFILE"

// startProfile starts the CPU profile profileEnv asks for and returns what
// stops it (once; a no-op when there is none).
func startProfile() (stop func()) {
	path := os.Getenv(profileEnv)
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		log.Printf("lokalraad: %s: %v", profileEnv, err)
		return func() {}
	}
	// A rate above pprof's 100 Hz must be set before it starts (pprof
	// then logs that it could not set its own).
	runtime.SetCPUProfileRate(1000)
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Printf("lokalraad: %s: %v", profileEnv, err)
		f.Close()
		return func() {}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			pprof.StopCPUProfile()
			f.Close()
		})
	}
}

// openChecked opens the database and runs SQLite's quick check on it.
func openChecked(ctx context.Context, path string) (*storage.DB, error) {
	db, err := storage.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := db.Check(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func isDamage(err error) bool {
	return errors.Is(err, storage.ErrDamaged) || errors.Is(err, storage.ErrNotDatabase)
}

// quitOnSignal runs quit on Fyne's goroutine when ctx ends (SIGINT, or
// SIGTERM at log-out) and returns the function that stops waiting for it.
func quitOnSignal(ctx context.Context, quit func()) (stop func() bool) {
	return context.AfterFunc(ctx, func() {
		closedBySignal.Store(true)
		defer func() {
			// Quit touches no window, and after the event loop has ended
			// Fyne runs it on this goroutine, where it only finds the
			// session ended already. Should Fyne still panic there, the
			// session has ended: that is no failure of the app.
			if r := recover(); r != nil {
				log.Printf("lokalraad: the app had already ended when the signal came: %v", r)
			}
		}()
		fyne.Do(quit)
	})
}

// rescued is the session that a restore in the rescue window starts: the
// main window on the restored database, which ends as the app's own
// session does, however the loop ends (end).
type rescued struct {
	db *storage.DB
	u  *ui.App
}

// open opens the restored database at path, checked, and shows its main
// window; the day's backup follows, as after a start.
func (r *rescued) open(ctx context.Context, a fyne.App, path string) error {
	db, err := openChecked(ctx, path)
	if err != nil {
		return err
	}
	r.db = db
	r.u = ui.New(a, db)
	r.u.Version = assets.Version()
	r.u.UseBuiltinExporters()
	r.u.Window().Show()
	go autoBackups(ctx, db)
	return nil
}

// end saves what was typed in the main window, if one opened, and ends the
// session cleanly: the next start opens without checking the whole file.
func (r *rescued) end() {
	if r.u != nil {
		r.u.End()
	}
	if r.db != nil {
		r.db.EndSession()
		r.db.Close()
		r.db = nil
	}
}

// autoBackups makes the day's backup at start and, while the app stays
// open for days, on the first hour of each new day. AutoBackup does nothing
// when today's backup exists.
func autoBackups(ctx context.Context, db *storage.DB) {
	for {
		if _, err := db.AutoBackup(ctx); err != nil {
			if ctx.Err() != nil {
				return // the app is ending; the next start makes the day's backup
			}
			log.Printf("automatisk sikkerhedskopi: %v", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}
