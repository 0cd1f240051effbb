//go:build !headless

package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// No command prints Fyne's "Error parsing user locale C" under the C
// locale of cron and Docker (LANG or LC_ALL C.UTF-8, or unset): the test
// runs itself again in such an environment, where the error would appear
// while the packages initialise.
func TestNoLocaleErrorUnderC(t *testing.T) {
	if os.Getenv("LOKALRAAD_LOCALE_CHILD") == "1" {
		if err := run(context.Background(), []string{"version"}, io.Discard, os.Stderr); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, env := range [][]string{
		{"LANG=C.UTF-8"}, {"LC_ALL=C.UTF-8"}, {"LANG=", "LC_ALL="}, {"LANG=POSIX.UTF-8"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestNoLocaleErrorUnderC$")
		cmd.Env = append(clean(os.Environ()), append(env, "LOKALRAAD_LOCALE_CHILD=1")...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", env, err, out)
		}
		if strings.Contains(string(out), "locale") || strings.Contains(string(out), "Fyne error") {
			t.Errorf("%v: the command printed:\n%s", env, out)
		}
	}
}

// clean is env without the locale variables.
func clean(env []string) []string {
	var out []string
	for _, e := range env {
		if k, _, _ := strings.Cut(e, "="); k == "LANG" || k == "LC_ALL" || k == "LC_MESSAGES" || k == "LANGUAGE" {
			continue
		}
		out = append(out, e)
	}
	return out
}
