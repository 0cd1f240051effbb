//go:build !headless

package main

import (
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// What Fyne 2.7.1 logs, through the standard logger, when a laptop's
// driver offers no OpenGL 2.1: the user is told once, in Danish, what is
// wrong and what to do, with GLFW's words as the technical cause.
func TestNoOpenGLTellsTheUserOnce(t *testing.T) {
	var out strings.Builder
	var alerts []string
	var exits []int
	w := &glWatch{out: &out, alert: func(title, msg string) { alerts = append(alerts, title+"\n"+msg) }, exit: func(code int) { exits = append(exits, code) }}
	l := log.New(w, "", log.LstdFlags)

	l.Println("automatisk sikkerhedskopi: intet at gøre")
	if len(alerts) != 0 || w.tell() {
		t.Fatalf("an ordinary log line counted as a failure: %q", alerts)
	}
	l.Println("Fyne error: ", "window creation error")
	l.Println("  Cause:", "VersionUnavailable: WGL: OpenGL profile requested but WGL_ARB_create_context_profile is unavailable")
	l.Printf("  At: %s:%d", "/fyne/internal/driver/glfw/window_desktop.go", 760)
	if len(alerts) != 1 || len(exits) != 1 || exits[0] != 1 {
		t.Fatalf("%d alerts and exits %v after Fyne's report, want 1 alert, then exit status 1", len(alerts), exits)
	}
	for _, want := range []string{"Lokalråd kan ikke starte", "OpenGL 2.1", "grafikdriver", "fjernskrivebord", "data er ikke berørt", "WGL_ARB_create_context_profile"} {
		if !strings.Contains(alerts[0], want) {
			t.Errorf("the message lacks %q:\n%s", want, alerts[0])
		}
	}
	// Fyne reports again (a second window, the painter): not a second box.
	l.Println("Fyne error: ", "failed to initialise OpenGL")
	l.Printf("  At: %s:%d", "gl_core.go", 68)
	if !w.tell() || len(alerts) != 1 {
		t.Errorf("tell() after the failure: %d alerts, want 1", len(alerts))
	}
	if !strings.Contains(out.String(), "window creation error") || !strings.Contains(out.String(), "lokalraad: Lokalråd kan ikke åbne sit vindue") {
		t.Errorf("stderr lacks Fyne's log or the Danish message:\n%s", out.String())
	}
}

// Without an X display GLFW logs why and panics; the panic becomes the
// message, any other panic is left alone.
func TestNoDisplayPanic(t *testing.T) {
	var out strings.Builder
	var alerts []string
	w := &glWatch{out: &out, alert: func(title, msg string) { alerts = append(alerts, msg) }}
	log.New(w, "", log.LstdFlags).Println("PlatformError: X11: Failed to open display")
	if w.glfwPanic("index out of range [3] with length 2") {
		t.Error("an ordinary panic was taken for GLFW's")
	}
	if !w.glfwPanic(fmt.Errorf("NotInitialized: The GLFW library is not initialized")) {
		t.Fatal("GLFW's panic was not recognised")
	}
	if len(alerts) != 1 || !strings.Contains(alerts[0], "ingen X11- eller Wayland-forbindelse") || !strings.Contains(alerts[0], "Failed to open display") {
		t.Errorf("alerts = %q", alerts)
	}
}

// No display at all is a different message from no OpenGL.
func TestNoDisplayMessage(t *testing.T) {
	msg := noWindowMessage("X11: The DISPLAY environment variable is missing")
	if !strings.Contains(msg, "ingen X11- eller Wayland-forbindelse") || strings.Contains(msg, "OpenGL") {
		t.Errorf("message = %q", msg)
	}
}

// The real binary on an X server without GLX (the OpenGL extension), as
// on a remote desktop without acceleration: it exits with a failure and
// the Danish message instead of dying silently.
func TestNoOpenGLRealBinary(t *testing.T) {
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
	// Without GLX, on a display of its own: the app never reaches another
	// test's X server (which has GLX).
	display := startXvfb(t, "1024x768x24", "-extension", "GLX")

	for _, c := range []struct{ name, display, want string }{
		{"no GLX", display, "OpenGL 2.1"},
		{"no display", "", "ingen X11- eller Wayland-forbindelse"},
	} {
		t.Run(c.name, func(t *testing.T) {
			app := exec.Command(bin, "--db", filepath.Join(dir, c.name, "lokalraad.db"))
			app.Env = append(os.Environ(), "DISPLAY="+c.display, "WAYLAND_DISPLAY=", "LANG=da_DK.UTF-8", "HOME="+dir,
				"XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "LOKALRAAD_NO_ALERT=1")
			logFile, err := os.Create(filepath.Join(dir, c.name+".log"))
			if err != nil {
				t.Fatal(err)
			}
			defer logFile.Close()
			app.Stdout, app.Stderr = logFile, logFile
			logs := func() string { b, _ := os.ReadFile(logFile.Name()); return string(b) }
			if err := app.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- app.Wait() }()
			select {
			case err := <-done:
				if err == nil {
					t.Errorf("exit status 0 without a window; want a failure\n%s", logs())
				}
			case <-time.After(30 * time.Second):
				app.Process.Kill()
				<-done
				t.Fatalf("still running after 30 s without a window\n%s", logs())
			}
			if !strings.Contains(logs(), c.want) || strings.Count(logs(), "lokalraad: Lokalråd kan ikke åbne sit vindue") != 1 {
				t.Errorf("stderr lacks the Danish message (%q) once:\n%s", c.want, logs())
			}
		})
	}
}
