package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestBudgetCountPrintsTheFundedProjects runs the real command on a real
// Pabulib election (Warszawa 2017, Anin) and checks pabutools' outcome.
func TestBudgetCountPrintsTheFundedProjects(t *testing.T) {
	path := filepath.Join("..", "..", "model", "pb", "testdata", "instances", "poland_warszawa_2017_anin.pb")
	want := map[string]string{
		"votes":    "1828 1998 2515 2533 2584 418",
		"mes":      "1998 2515 2523 2533 2571 2584 418",
		"mes-add1": "1998 2451 2515 2523 2533 2571 2584 418 422",
	}
	for m, w := range want {
		out, stderr, err := runCmd(t, "budget", "count", "--pb", path, "--method", m)
		if err != nil {
			t.Fatalf("%s: %v\n%s", m, err, stderr)
		}
		ids := strings.Fields(out)
		sort.Strings(ids)
		if got := strings.Join(ids, " "); got != w {
			t.Errorf("%s: %s, want %s", m, got, w)
		}
	}
	out, _, err := runCmd(t, "budget", "count", "--pb", path, "--method", "mes", "--explain")
	if err != nil || !strings.Contains(out, "betalte") || !strings.Contains(out, "Ikke valgt") {
		t.Errorf("--explain: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, "budget", "count", "--pb", path, "--method", "mes", "--explain", "--lang", "en")
	if err != nil || !strings.Contains(out, "Chosen: ") || !strings.Contains(out, "Not chosen: ") || strings.Contains(out, "Ikke valgt") || strings.Contains(out, "betalte") {
		t.Errorf("--explain --lang en: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, "budget", "count", "--pb", path, "--lang", "de"); err == nil || !strings.Contains(err.Error(), "ukendt sprog") {
		t.Errorf("--lang de: %v", err)
	}
}

func TestBudgetCountRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.pb")
	os.WriteFile(bad, []byte("META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\n1;50\nVOTES\nvoter_id;vote\n1;1\n2;9\n"), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"budget"}, "angiv en underkommando"},
		{[]string{"budget", "recount"}, "ukendt underkommando"},
		{[]string{"budget", "count", "--method", "mes"}, "angiv stemmerne med --pb"},
		{[]string{"budget", "count", "--pb", bad, "--method", "borda"}, "ukendt metode"},
		{[]string{"budget", "count", "--pb", filepath.Join(dir, "missing.pb")}, "kunne ikke åbne " + filepath.Join(dir, "missing.pb") + ": filen findes ikke"},
		{[]string{"budget", "count", "--pb", bad, "--method", "votes"}, "linje 10: stemmen nævner forslaget \"9\""},
	}
	for _, c := range cases {
		out, _, err := runCmd(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
		if out != "" {
			t.Errorf("%v printed %q on an error", c.args, out)
		}
	}
}

// Review 2, finding 2: Ctrl-C stops a count of a hostile file (one that
// asks mes-add1 for millions of rounds) with a Danish message, and prints
// no funded ids.
func TestBudgetCountStopsOnCtrlC(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lang.pb")
	hostile := "META\nkey;value\nbudget;1000000000\nvote_type;approval\nPROJECTS\nproject_id;cost\nstor;999999000\nlille;1\nVOTES\nvoter_id;vote\n1;stor\n2;lille\n"
	if err := os.WriteFile(path, []byte(hostile), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // as main's signal.NotifyContext does on Ctrl-C
	var out, errOut bytes.Buffer
	err := run(ctx, []string{"budget", "count", "--pb", path, "--method", "mes-add1"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "optællingen blev afbrudt") {
		t.Fatalf("err = %v", err)
	}
	if out.Len() != 0 {
		t.Errorf("printed %q after Ctrl-C", out.String())
	}
}

// The usage and the message on an unknown subcommand list every budget
// subcommand there is, not only count; budget help prints them.
func TestBudgetUsageListsEverySubcommand(t *testing.T) {
	names := []string{"count", "rounds"}
	for n := range pbOutCommands {
		names = append(names, n)
	}
	_, _, noSub := runCmd(t, "budget")
	_, _, unknown := runCmd(t, "budget", "recount")
	help, _, err := runCmd(t, "budget", "help")
	if err != nil {
		t.Fatal(err)
	}
	for what, text := range map[string]string{"no subcommand": fmt.Sprint(noSub), "unknown": fmt.Sprint(unknown), "help": help} {
		for _, n := range names {
			if !strings.Contains(text, "lokalraad budget "+n+" ") {
				t.Errorf("%s: %q is not listed:\n%s", what, n, text)
			}
		}
	}
}
