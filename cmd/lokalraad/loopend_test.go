//go:build !headless

package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"lokalraad/storage"
	"lokalraad/storage/demo"
)

// When Fyne's loop hangs at its end (ShowAndRun never returns), the app
// still saves what was typed, closes the database cleanly and exits with
// status 0 after the limit, from a signal as from Ctrl+Q; a loop that
// returns in time is left to end the app itself.
func TestExitIfLoopHangs(t *testing.T) {
	type result struct {
		finished bool
		status   int
	}
	run := func(t *testing.T, signal, quit, loopReturns bool) result {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ended, returned := make(chan struct{}), make(chan struct{})
		got := result{status: -1}
		// A loop that returns does so well inside the limit, however
		// loaded the machine.
		limit := 50 * time.Millisecond
		if loopReturns {
			limit = time.Minute
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			exitIfLoopHangs(ctx, ended, returned, limit,
				func() { got.finished = true },
				func(status int) { got.status = status })
		}()
		if signal {
			cancel()
		}
		if quit {
			close(ended)
		}
		if loopReturns {
			close(returned)
		}
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("the watch did not end")
		}
		return got
	}
	for _, c := range []struct {
		name                      string
		signal, quit, loopReturns bool
		want                      result
	}{
		{"SIGTERM, loop hangs", true, false, false, result{true, 0}},
		{"Ctrl+Q, loop hangs", false, true, false, result{true, 0}},
		{"SIGTERM, loop returns", true, false, true, result{false, -1}},
		{"Ctrl+Q, loop returns", false, true, true, result{false, -1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := run(t, c.signal, c.quit, c.loopReturns); got != c.want {
				t.Errorf("finished %v, exit status %d; want finished %v, status %d", got.finished, got.status, c.want.finished, c.want.status)
			}
		})
	}
	// A save that hangs as well does not keep the process alive.
	t.Run("finish hangs", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		exited := make(chan int, 1)
		hang := make(chan struct{})
		defer close(hang)
		go exitIfLoopHangs(ctx, make(chan struct{}), make(chan struct{}), 20*time.Millisecond, func() { <-hang }, func(s int) { exited <- s })
		select {
		case s := <-exited:
			if s != 0 {
				t.Errorf("exit status %d, want 0", s)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the process was not ended while the session's end hung")
		}
	})
	// While the app runs (no signal, no quit) nothing ends it.
	t.Run("running", func(t *testing.T) {
		ctx := context.Background()
		ended, returned := make(chan struct{}), make(chan struct{})
		exited := make(chan int, 1)
		go exitIfLoopHangs(ctx, ended, returned, time.Millisecond, func() {}, func(s int) { exited <- s })
		select {
		case s := <-exited:
			t.Fatalf("the app was ended with status %d while it ran", s)
		case <-time.After(200 * time.Millisecond):
		}
		close(returned)
	})
}

// After a restore in the rescue window, the restored database's session
// is the app's own: the day's backup is made, and when the window's loop
// ends the session ends cleanly, so the next start does not check the
// whole file again as after a crash.
func TestRestoredSessionEndsCleanly(t *testing.T) {
	a := test.NewTempApp(t)
	path := filepath.Join(t.TempDir(), "lokalraad.db")
	db, err := storage.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Council(t.Context(), db, time.Now()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// The start that found the damage began a session.
	if _, err := storage.StartSession(path); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r := &rescued{}
	if err := r.open(ctx, a, path); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		backups, err := storage.Backups(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(backups) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no backup of the day after the restore: %v", backups)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	r.end()
	if _, err := os.Stat(path + ".aaben"); !os.IsNotExist(err) {
		t.Errorf("the session marker is left after the restored session (the next start checks the whole file first): %v", err)
	}
	r.end() // a second end (a signal after the window closed) does nothing
}
