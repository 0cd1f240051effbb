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

// printEnv names the environment variable that carries the file's path to
// PowerShell on Windows.
const printEnv = "LOKALRAAD_UDSKRIV_FIL"

// winPrintScript prints the file named by printEnv with the viewer's print
// verb (ShellExecute). The path never appears in the script: PowerShell
// reads the typographic quotes ‘ ’ ‚ ‛ “ ” „ as quotes too, and
// Start-Process treats [ ] * ? as wildcards, so no quoting of the path in
// the command text is safe for every file name. A variable's value is
// never parsed.
const winPrintScript = "$psi = New-Object System.Diagnostics.ProcessStartInfo; " +
	"$psi.FileName = $env:" + printEnv + "; $psi.Verb = 'print'; $psi.UseShellExecute = $true; " +
	"[void][System.Diagnostics.Process]::Start($psi)"

// printCommand is the command that prints path on goos, with what it needs
// added to the environment, or an error that says why none can; lookPath
// finds a program (exec.LookPath). The path is passed as one argument
// (lp) or in the environment (PowerShell), never inside shell text.
func printCommand(goos, path string, lookPath func(string) (string, error)) (cmd, env []string, err error) {
	if goos == "windows" {
		ps, err := lookPath("powershell")
		if err != nil {
			return nil, nil, &userError{lang.L("This computer cannot print from Lokalråd (PowerShell is missing). Open the file and print it from the viewer: {{.Path}}",
				map[string]any{"Path": path})}
		}
		return []string{ps, "-NoProfile", "-NonInteractive", "-Command", winPrintScript}, []string{printEnv + "=" + path}, nil
	}
	lp, err := lookPath("lp")
	if err != nil {
		return nil, nil, &userError{lang.L("No printer is set up on this computer (the print system CUPS, with its command lp, is missing). Open the file and print it from the viewer: {{.Path}}",
			map[string]any{"Path": path})}
	}
	return []string{lp, "--", path}, nil, nil
}

// printFile sends the file at path to the default printer.
func printFile(path string) error {
	cmd, env, err := printCommand(runtime.GOOS, path, exec.LookPath)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	c := exec.Command(cmd[0], cmd[1:]...)
	if env != nil {
		c.Env = append(os.Environ(), env...)
	}
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
	if err := u.app.OpenURL(fileURL(path)); err != nil {
		return &userError{lang.L("The file could not be opened. It is saved here: {{.Path}}", map[string]any{"Path": path})}
	}
	return nil
}

// fileURL is the file:// URL of a local path for the system's viewer:
// file:///home/x/a.pdf on Linux and macOS, file:///C:/Users/x/a.pdf on
// Windows (a drive path needs the third slash, or "C:" reads as a host).
func fileURL(path string) *url.URL {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return &url.URL{Scheme: "file", Path: p}
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
