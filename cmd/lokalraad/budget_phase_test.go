package main

import (
	"strings"
	"testing"
)

// Opening the vote from the command line while proposals are still
// »modtaget« or »vurderes« says that they will not be on the ballot, as
// the screen's question does; with every proposal reviewed it says nothing
// more than the phase.
func TestBudgetPhaseNamesProposalsOffTheBallot(t *testing.T) {
	path, _ := newCouncilDB(t)
	must := func(args ...string) string { t.Helper(); return mustRun(t, args...) }
	round := func(title string, statuses ...string) string {
		id := strings.TrimSpace(must("budget", "new-round", "--db", path, "--title", title, "--pot", "100.000", "--kind", "approval", "--max", "2", "--method", "votes"))
		for i, st := range statuses {
			must("budget", "proposal", "add", "--db", path, "--round", id, "--title", "Forslag "+string(rune('A'+i)), "--cost", "1000", "--status", st)
		}
		return id
	}
	id := round("Borgerbudget 2027", "til_afstemning", "modtaget", "vurderes", "modtaget")
	out := must("budget", "phase", "--db", path, "--round", id, "--phase", "afstemning")
	if !strings.Contains(out, "Bemærk: 3 forslag har stadig status »modtaget« eller »vurderes« og kommer ikke på stemmesedlen.") {
		t.Errorf("opening the vote with 3 proposals not reviewed: %q", out)
	}
	id = round("Borgerbudget 2028", "til_afstemning", "vurderes")
	if out := must("budget", "phase", "--db", path, "--round", id, "--phase", "afstemning"); !strings.Contains(out, "Bemærk: 1 forslag har stadig status") {
		t.Errorf("one proposal not reviewed: %q", out)
	}
	id = round("Borgerbudget 2029", "til_afstemning", "til_afstemning")
	if out := must("budget", "phase", "--db", path, "--round", id, "--phase", "afstemning"); strings.Contains(out, "Bemærk") {
		t.Errorf("every proposal reviewed: %q", out)
	}
}
