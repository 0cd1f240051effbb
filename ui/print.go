package ui

import (
	"bytes"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"fyne.io/fyne/v2/lang"
)

// Fyne has no print API. A PDF is printed by handing it to the system:
// CUPS' lp on Linux and macOS, the "print" verb of the PDF viewer on
// Windows (ShellExecute, through PowerShell's Start-Process). When the
// tool is missing, or the system has no printer, the user is told so in
// plain words, never with the tool's own English error.

// userError is a message fit to show the user as it is, in the chosen
// language.
type userError struct{ msg string }

func (e *userError) Error() string { return e.msg }

// printCommand is the command that prints path on goos, or an error that
// says why none can; lookPath finds a program (exec.LookPath).
func printCommand(goos, path string, lookPath func(string) (string, error)) ([]string, error) {
	if goos == "windows" {
		ps, err := lookPath("powershell")
		if err != nil {
			return nil, &userError{lang.L("This computer cannot print from Lokalråd (PowerShell is missing). Open the file and print it from the viewer: {{.Path}}",
				map[string]any{"Path": path})}
		}
		quoted := "'" + strings.ReplaceAll(path, "'", "''") + "'"
		return []string{ps, "-NoProfile", "-NonInteractive", "-Command", "Start-Process -FilePath " + quoted + " -Verb Print"}, nil
	}
	lp, err := lookPath("lp")
	if err != nil {
		return nil, &userError{lang.L("No printer is set up on this computer (the print system CUPS, with its command lp, is missing). Open the file and print it from the viewer: {{.Path}}",
			map[string]any{"Path": path})}
	}
	return []string{lp, "--", path}, nil
}

// printFile sends the file at path to the default printer.
func printFile(path string) error {
	cmd, err := printCommand(runtime.GOOS, path, exec.LookPath)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	c := exec.Command(cmd[0], cmd[1:]...)
	c.Stdout, c.Stderr = &out, &out
	if err := c.Run(); err != nil {
		text := strings.ToLower(out.String())
		if strings.Contains(text, "no default destination") || strings.Contains(text, "scheduler is not running") ||
			strings.Contains(text, "does not exist") || strings.Contains(text, "unable to connect") {
			return &userError{lang.L("No printer is chosen as the default on this computer. Choose one in the system's printer settings, or open the file and print it from the viewer: {{.Path}}",
				map[string]any{"Path": path})}
		}
		return &userError{lang.L("The printer refused the file. Open the file and print it from the viewer: {{.Path}}",
			map[string]any{"Path": path})}
	}
	return nil
}

// openerMissing says, before Fyne tries, that the system has no program
// to open files with (on Linux and the BSDs, xdg-open); nil when it has.
func openerMissing(goos, path string, lookPath func(string) (string, error)) error {
	switch goos {
	case "windows", "darwin", "android", "ios", "js":
		return nil
	}
	if _, err := lookPath("xdg-open"); err != nil {
		return &userError{lang.L("This computer has no program set up to open files (xdg-open is missing). The file is saved here: {{.Path}}",
			map[string]any{"Path": path})}
	}
	return nil
}

// openFile opens path in the system's viewer, with a plain message when it
// cannot.
func (u *App) openFile(path string) error {
	if err := openerMissing(runtime.GOOS, path, exec.LookPath); err != nil {
		return err
	}
	if err := u.app.OpenURL(&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}); err != nil {
		return &userError{lang.L("The file could not be opened. It is saved here: {{.Path}}", map[string]any{"Path": path})}
	}
	return nil
}

// printPDF writes data to a file in the temp folder and prints it.
func printPDF(name string, data []byte) error {
	dir, err := os.MkdirTemp("", "lokalraad-print-")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return err
	}
	if err := printFile(path); err != nil {
		var ue *userError
		if errors.As(err, &ue) {
			return err
		}
		return &userError{lang.L("The printer refused the file. Open the file and print it from the viewer: {{.Path}}",
			map[string]any{"Path": path})}
	}
	return nil
}
