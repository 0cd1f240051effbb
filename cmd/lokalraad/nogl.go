//go:build !headless

package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
)

// Fyne does not return an error when it cannot make a window: it logs
// "Fyne error:  window creation error" (no OpenGL 2.1 driver, a remote
// desktop without acceleration, no X display) and then either returns from
// ShowAndRun at once or calls os.Exit(1). Both look like a crash to a
// volunteer double-clicking the icon. glWatch sits between the standard
// logger and stderr, recognises those reports and, once the report's last
// line ("  At: file:line") is written, tells the user in Danish (a message
// box on Windows, zenity/xmessage/osascript elsewhere, and stderr) and ends
// the process with status 1. Without any display GLFW panics instead, which runGUI
// recovers and hands to glfwPanic.
type glWatch struct {
	out   io.Writer
	alert func(title, message string) // shows the message; blocks until read
	exit  func(code int)              // ends the process once the user was told (os.Exit)

	mu     sync.Mutex
	failed bool   // Fyne reported that it could not make a window
	cause  string // Fyne's "Cause:" line, GLFW's own words
	glfw   string // the last error GLFW logged itself ("PlatformError: …")
	shown  bool   // the user has been told
}

// The reports of Fyne 2.7.1's GLFW driver and GL painter that mean no
// window can come up (internal/driver/glfw/{loop_desktop,window_desktop}.go,
// internal/painter/gl/gl_core.go).
var glFailures = []string{
	"failed to initialise GLFW",
	"window creation error",
	"failed to initialise OpenGL",
}

func (g *glWatch) Write(p []byte) (int, error) {
	n, err := g.out.Write(p)
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, line := range strings.Split(string(p), "\n") {
		switch {
		case containsAny(line, glFailures):
			g.failed = true
		case g.failed && g.cause == "" && strings.Contains(line, "Cause:"):
			g.cause = strings.TrimSpace(line[strings.Index(line, "Cause:")+len("Cause:"):])
		case g.failed && strings.Contains(line, "  At: "):
			// Fyne either exits now or, measured with an X server
			// without GLX, keeps its event loop running with no
			// window: a process the user cannot see or close. End it.
			g.tellLocked()
			if g.exit != nil {
				g.exit(1)
			}
		case strings.Contains(line, "PlatformError: "):
			g.glfw = strings.TrimSpace(line[strings.Index(line, "PlatformError: "):])
		}
	}
	return n, err
}

// tell shows the message if Fyne reported a failure and it has not been
// shown yet; it says whether there was a failure.
func (g *glWatch) tell() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.failed {
		g.tellLocked()
	}
	return g.failed
}

// glfwPanic takes a panic out of the window's start: GLFW panics with
// "NotInitialized" when it could not start at all (no X display), after
// logging the reason itself. It tells the user and says true for such a
// panic; any other panic is not its business.
func (g *glWatch) glfwPanic(r any) bool {
	s := fmt.Sprint(r)
	if !containsAny(s, []string{"GLFW", "NotInitialized", "APIUnavailable", "VersionUnavailable", "PlatformError"}) {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.failed = true
	if g.cause == "" {
		g.cause = g.glfw
	}
	if g.cause == "" {
		g.cause = s
	}
	g.tellLocked()
	return true
}

func (g *glWatch) tellLocked() {
	if g.shown {
		return
	}
	g.shown = true
	io.WriteString(g.out, "lokalraad: "+noWindowMessage(g.cause)+"\n")
	if g.alert != nil {
		g.alert("Lokalråd kan ikke starte", noWindowMessage(g.cause))
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// noWindowMessage is what the user reads when no window can be made, from
// GLFW's cause: no display at all, or no OpenGL 2.1.
func noWindowMessage(cause string) string {
	technical := ""
	if cause != "" {
		technical = "\n\nTeknisk årsag: " + cause
	}
	if strings.Contains(cause, "DISPLAY") || strings.Contains(cause, "open display") || strings.Contains(cause, "Wayland: Failed to connect") {
		return "Lokalråd kan ikke åbne sit vindue, fordi der ikke er nogen skærm at vise det på (ingen X11- eller Wayland-forbindelse).\n\n" +
			"Start Lokalråd fra skrivebordets programmenu. Kommandoerne uden vindue (fx lokalraad backup) virker også uden skærm." +
			technical
	}
	return "Lokalråd kan ikke åbne sit vindue, fordi computerens grafikdriver ikke understøtter OpenGL 2.1, som programmet tegner med.\n\n" +
		"Det sker på ældre computere uden opdateret grafikdriver og over fjernskrivebord (Remote Desktop).\n\n" +
		"Det kan du gøre:\n" +
		"• Installér den nyeste grafikdriver fra computerens producent (på Windows: Windows Update → Valgfrie opdateringer).\n" +
		"• Start Lokalråd direkte på computeren i stedet for over fjernskrivebord.\n\n" +
		"Lokalrådets data er ikke berørt." + technical
}
