package main

import (
	"errors"
	"flag"
	"strings"
	"testing"
)

// `lokalraad --help` names every subcommand a script can run, in Danish.
func TestHelpNamesEverySubcommand(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		out, _, err := runCmd(t, args...)
		if err != nil && !errors.Is(err, flag.ErrHelp) {
			t.Fatalf("%v: %v", args, err)
		}
		if !strings.HasPrefix(out, "brug: lokalraad") || strings.Contains(out, "Usage") {
			t.Errorf("%v printed, not in Danish:\n%s", args, out)
		}
		names := []string{}
		for name := range subcommands {
			if !strings.HasPrefix(name, "-") {
				names = append(names, name)
			}
		}
		for name := range dbCommands {
			names = append(names, name)
		}
		for _, name := range names {
			words := strings.Fields(name)
			if !strings.Contains(out, "\n  "+words[0]+" ") {
				t.Errorf("%v does not name the subcommand %q:\n%s", args, name, out)
			}
			if len(words) == 2 && !strings.Contains(out, words[1]) {
				t.Errorf("%v does not name %q:\n%s", args, name, out)
			}
		}
		for _, kind := range exportKinds(t) {
			if !strings.Contains(out, kind) {
				t.Errorf("%v does not name the export %q", args, kind)
			}
		}
	}
}

// A wrong or missing flag value is said in Danish, once, and no English
// line of the flag package reaches the terminal.
func TestFlagErrorsInDanish(t *testing.T) {
	db := t.TempDir() + "/x.db"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"backup", "--db", db, "--xyz"}, "ukendt flag: -xyz"},
		{[]string{"demo", "--db"}, "flaget -db mangler en værdi"},
		{[]string{"demo", "--db", db, "--years", "ti"}, `ugyldig værdi "ti" til -years`},
		{[]string{"budget", "count", "--explain=måske"}, `-explain skal være true eller false, ikke "måske"`},
		{[]string{"export", "packet", "--db", db, "---x"}, "forkert skrevet flag: ---x"},
		{[]string{"--nope"}, "ukendt flag: -nope"},
	} {
		_, stderr, err := runCmd(t, c.args...)
		if err == nil || err.Error() != c.want {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
		for _, en := range []string{"flag provided", "needs an argument", "invalid", "bad flag", "default", "Usage", "string"} {
			if strings.Contains(stderr, en) {
				t.Errorf("%v: English %q on stderr:\n%s", c.args, en, stderr)
			}
		}
	}
}

// exportKinds are the documents exportUsage names, each of pdfDocs among
// them.
func exportKinds(t *testing.T) []string {
	var kinds []string
	for _, line := range strings.Split(exportUsage, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "lokalraad export "); ok {
			kinds = append(kinds, strings.Split(strings.Fields(rest)[0], "|")...)
		}
	}
	for kind := range pdfDocs {
		if !strings.Contains(exportUsage, kind) {
			t.Errorf("export --help does not name %q", kind)
		}
	}
	return kinds
}
