//go:build !headless

package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"lokalraad/storage"
	"lokalraad/storage/demo"
)

// SIGTERM (a log-out, a service manager) closes the real app's window as
// the user would: the process exits with status 0 and the session ends
// cleanly, so the next start opens the window without checking the whole
// file first. It also checks the first-frame line `make bench-start` times
// start-up with. Needs Xvfb.
func TestSIGTERMEndsTheSessionCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the real app")
	}
	if _, err := exec.LookPath("Xvfb"); err != nil {
		t.Skip("Xvfb is not installed (make deps installs it)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "lokalraad")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	xvfb := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1920x1080x24", "-nolisten", "tcp")
	xvfb.ExtraFiles = []*os.File{w}
	if err := xvfb.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { xvfb.Process.Kill(); xvfb.Wait() })
	var n int
	if _, err := fmt.Fscan(r, &n); err != nil {
		t.Fatalf("Xvfb did not say its display: %v", err)
	}
	r.Close()
	env := append(os.Environ(), fmt.Sprintf("DISPLAY=:%d", n), "WAYLAND_DISPLAY=", "LANG=da_DK.UTF-8", "HOME="+dir,
		"XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "LOKALRAAD_FIRST_FRAME=1")

	path := filepath.Join(dir, "data", "lokalraad.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Council(t.Context(), db, time.Now()); err != nil {
		t.Fatal(err)
	}
	db.Close()

	for run := range 2 {
		app := exec.Command(bin, "--db", path)
		app.Env = env
		var logs strings.Builder
		app.Stderr = &logs
		out, err := app.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := app.Start(); err != nil {
			t.Fatal(err)
		}
		framed := make(chan bool, 1)
		exited := make(chan error, 1)
		go func() {
			sc := bufio.NewScanner(out)
			seen := false
			for sc.Scan() {
				if sc.Text() == firstFrameLine && !seen {
					seen = true
					framed <- true
				}
			}
			exited <- app.Wait()
		}()
		select {
		case <-framed:
		case err := <-exited:
			t.Fatalf("start %d: exited before its first frame: %v\n%s", run+1, err, logs.String())
		case <-time.After(90 * time.Second):
			app.Process.Kill()
			<-exited
			t.Fatalf("start %d: no first-frame line after 90 s\n%s", run+1, logs.String())
		}
		if _, err := os.Stat(path + ".aaben"); err != nil {
			t.Errorf("start %d: no session marker while the app runs: %v", run+1, err)
		}
		app.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Fatalf("start %d: exit after SIGTERM: %v\n%s", run+1, err, logs.String())
			}
		case <-time.After(30 * time.Second):
			app.Process.Kill()
			<-exited
			t.Fatalf("start %d: still running 30 s after SIGTERM\n%s", run+1, logs.String())
		}
		if strings.Contains(logs.String(), "panicked") {
			t.Logf("start %d: %s", run+1, logs.String())
		}
		if _, err := os.Stat(path + ".aaben"); !os.IsNotExist(err) {
			t.Errorf("start %d: the session marker is left after SIGTERM (the next start checks the whole file first): %v", run+1, err)
		}
	}
}
