package ui

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

func notFound(string) (string, error) { return "", exec.ErrNotFound }

func found(name string) (string, error) { return "/usr/bin/" + name, nil }

// The command per system, and a Danish message where none exists.
func TestPrintCommand(t *testing.T) {
	SetupLanguage("da")
	cmd, env, err := printCommand("linux", "/tmp/mødemappe.pdf", found)
	if err != nil || strings.Join(cmd, " ") != "/usr/bin/lp -- /tmp/mødemappe.pdf" || env != nil {
		t.Errorf("linux: %q, %q, %v", cmd, env, err)
	}
	if cmd, _, err = printCommand("darwin", "/tmp/a.pdf", found); err != nil || cmd[0] != "/usr/bin/lp" {
		t.Errorf("macOS: %q, %v", cmd, err)
	}
	// Review 2, finding 3: the path was quoted into PowerShell text with
	// ' doubled, but PowerShell ends a string at ’ too (and reads “ ” „ as
	// double quotes, $ and ` inside them, [ ] as wildcards): a file named
	// «Karens ’referat’.pdf» broke the command, and a crafted name could
	// run code. Now the path goes in the environment, never in the text.
	for _, path := range []string{
		`C:\Users\Anne's\a.pdf`,
		`C:\Users\Søren\Karens ’referat’.pdf`,
		`C:\Users\x\‘a‛‚.pdf`,
		`C:\Users\x\“citat” „nej“.pdf`,
		`C:\Users\x\$(Remove-Item -Recurse C:\).pdf`,
		"C:\\Users\\x\\`;[1] *?.pdf",
		`C:\Users\x\'; Start-Process calc; '.pdf`,
	} {
		cmd, env, err := printCommand("windows", path, found)
		if err != nil {
			t.Fatalf("windows %q: %v", path, err)
		}
		if len(env) != 1 || env[0] != printEnv+"="+path {
			t.Errorf("windows %q: env %q", path, env)
		}
		if script := cmd[len(cmd)-1]; script != winPrintScript || strings.ContainsAny(script, "’‘‚‛“”„\"") {
			t.Errorf("windows %q: the script changed with the name: %q", path, script)
		}
	}
	if !strings.Contains(winPrintScript, "$env:"+printEnv) || !strings.Contains(winPrintScript, "'print'") {
		t.Errorf("the script does not print the file in %s: %s", printEnv, winPrintScript)
	}
	for _, goos := range []string{"linux", "windows"} {
		_, _, err := printCommand(goos, "/tmp/a.pdf", notFound)
		if err == nil || strings.Contains(err.Error(), "exec:") || !strings.Contains(err.Error(), "/tmp/a.pdf") ||
			!strings.Contains(errText(err), "udskriv den fra fremviseren") {
			t.Errorf("%s without the tool: %v", goos, err)
		}
	}
	if err := openerMissing("linux", "/tmp/a.pdf", notFound); err == nil || !strings.Contains(errText(err), "xdg-open mangler") {
		t.Errorf("no xdg-open: %v", err)
	}
	if err := openerMissing("windows", "/tmp/a.pdf", notFound); err != nil {
		t.Errorf("windows opens files itself: %v", err)
	}
}

// With neither lp nor xdg-open on the PATH, printing and opening say so in
// Danish, never with exec's English error.
func TestPrintAndOpenWithoutTools(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the tools looked for are Unix ones")
	}
	u, _, _ := withCouncil(t)
	t.Setenv("PATH", t.TempDir())
	ed := newMeeting(t, u)
	u.UseBuiltinExporters()
	u.Exporters.Meeting(u.win, u.db, ed.m.ID)
	if u.printBtn == nil {
		t.Fatal("the print dialog offers no Udskriv")
	}
	test.Tap(u.printBtn)
	eventually(t, "the print message", func() bool {
		top := u.win.Canvas().Overlays().Top()
		return top != nil && strings.Contains(texts(top), "Der er ingen printer sat op")
	})
	shown := texts(u.win.Canvas().Overlays().Top())
	if strings.Contains(shown, "exec:") || strings.Contains(shown, "executable file not found") {
		t.Errorf("English error shown:\n%s", shown)
	}
	closeDialogs(u)

	path := filepath.Join(t.TempDir(), "a.pdf")
	os.WriteFile(path, []byte("%PDF"), 0o644)
	err := u.openFile(path)
	var ue *userError
	if !errors.As(err, &ue) || !strings.Contains(errText(err), "xdg-open mangler") || !strings.Contains(errText(err), path) {
		t.Errorf("open without xdg-open: %v", err)
	}
}

// With a fake lp on the PATH, the PDF reaches it.
func TestPrintSendsThePDFToLp(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("lp is a Unix command")
	}
	bin := t.TempDir()
	got := filepath.Join(t.TempDir(), "printed")
	script := "#!/bin/sh\nshift\ncp \"$1\" " + got + "\n"
	if err := os.WriteFile(filepath.Join(bin, "lp"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	if err := printPDF("Mødemappe.pdf", []byte("%PDF-1.4 test")); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(got); err != nil || string(b) != "%PDF-1.4 test" {
		t.Errorf("lp got %q, %v", b, err)
	}

	// lp without a default printer: a Danish message.
	script = "#!/bin/sh\necho 'lp: Error - No default destination.' >&2\nexit 1\n"
	os.WriteFile(filepath.Join(bin, "lp"), []byte(script), 0o755)
	err := printPDF("Mødemappe.pdf", []byte("%PDF"))
	if err == nil || !strings.Contains(errText(err), "ikke valgt en standardprinter") {
		t.Errorf("no default printer: %v", err)
	}
}
