package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSmokeWindow builds the real binary, starts it under Xvfb on a fresh
// database and checks that it creates the database and opens its window.
// It needs Xvfb and xdotool (make deps installs them) and is skipped
// without them.
func TestSmokeWindow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the real app")
	}
	for _, tool := range []string{"Xvfb", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (make deps installs it)", tool)
		}
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "lokalraad")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}

	display := fmt.Sprintf(":%d", 90+os.Getpid()%9)
	xvfb := exec.Command("Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	if err := xvfb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { xvfb.Process.Kill(); xvfb.Wait() })
	time.Sleep(500 * time.Millisecond)

	db := filepath.Join(dir, "fresh", "lokalraad.db")
	app := exec.Command(bin, "--db", db)
	app.Env = append(os.Environ(), "DISPLAY="+display, "LANG=da_DK.UTF-8", "HOME="+dir, "XDG_CONFIG_HOME="+filepath.Join(dir, "config"))
	var logs strings.Builder
	app.Stdout, app.Stderr = &logs, &logs
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- app.Wait() }()
	t.Cleanup(func() { app.Process.Kill(); <-exited })

	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("the app exited: %v\n%s", err, logs.String())
		default:
		}
		_, dbErr := os.Stat(db)
		xdo := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^Lokalr")
		xdo.Env = append(os.Environ(), "DISPLAY="+display)
		out, _ := xdo.Output() // xdotool fails until the window is up: polled
		if dbErr == nil && strings.TrimSpace(string(out)) != "" {
			return // the database is there and the window is up
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60 s: database err %v, window ids %q\n%s", dbErr, out, logs.String())
		}
		time.Sleep(250 * time.Millisecond)
	}
}
