//go:build !windows && !headless

package main

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
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
		xmessageArgs(title, message),
	)
	for _, c := range tries {
		if _, err := exec.LookPath(c[0]); err != nil {
			continue
		}
		cmd := exec.Command(c[0], c[1:]...)
		if c[0] == "xmessage" {
			cmd.Env = utf8Locale(os.Environ())
		}
		if cmd.Run() == nil {
			return
		}
	}
}

// xmessageArgs shows æ, ø and å: xmessage draws UTF-8 only with its
// international resource (font sets) in a UTF-8 locale, and otherwise
// shows »LokalrÃ¥d«; its own button says »okay«.
func xmessageArgs(title, message string) []string {
	return []string{"xmessage", "-center", "-xrm", "*international: true", "-buttons", "OK", title + "\n\n" + message}
}

// utf8Locale is env with a UTF-8 character type where it has none (a
// session started without LANG): C.UTF-8 is on every Debian and Ubuntu.
func utf8Locale(env []string) []string {
	for _, k := range []string{"LC_ALL=", "LC_CTYPE=", "LANG="} {
		for _, e := range env {
			if v, ok := strings.CutPrefix(e, k); ok && v != "" {
				if u := strings.ToUpper(v); strings.Contains(u, "UTF-8") || strings.Contains(u, "UTF8") {
					return env
				}
				if k == "LC_ALL=" {
					return append(env, "LC_ALL=C.UTF-8") // it rules over LC_CTYPE
				}
				return append(env, "LC_CTYPE=C.UTF-8")
			}
		}
	}
	return append(env, "LC_CTYPE=C.UTF-8")
}
