//go:build !windows && !headless

package main

import (
	"os"
	"os/exec"
	"runtime"
)

// alert shows the message in a dialog that needs no OpenGL, with the first
// of zenity, kdialog, xmessage (Linux, BSD) or osascript (macOS) there is;
// without any of them the message on stderr is all the user gets.
func alert(title, message string) {
	if os.Getenv("LOKALRAAD_NO_ALERT") != "" {
		return // tests and scripts: stderr only
	}
	var tries [][]string
	if runtime.GOOS == "darwin" {
		tries = append(tries, []string{"osascript", "-e", "on run argv", "-e", "display alert (item 1 of argv) message (item 2 of argv) as critical", "-e", "end run", title, message})
	}
	tries = append(tries,
		[]string{"zenity", "--error", "--no-wrap", "--title", title, "--text", message},
		[]string{"kdialog", "--title", title, "--error", message},
		[]string{"xmessage", "-center", title + "\n\n" + message},
	)
	for _, c := range tries {
		if _, err := exec.LookPath(c[0]); err != nil {
			continue
		}
		if exec.Command(c[0], c[1:]...).Run() == nil {
			return
		}
	}
}
