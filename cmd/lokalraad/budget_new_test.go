package main

import (
	"context"
	"strings"
	"testing"

	"lokalraad/storage"
)

// A whole round from the command line: the round, its proposals, the
// vote opened, ballots typed by two counters (as arguments and as lines
// on standard input), and the count; what is stored is what the screen
// would store, and the same rules refuse the same things in Danish.
func TestBudgetRoundFromTheCommandLine(t *testing.T) {
	path, _ := newCouncilDB(t)
	must := func(args ...string) string { t.Helper(); return mustRun(t, args...) }
	refused := func(want string, args ...string) {
		t.Helper()
		if _, _, err := runCmd(t, args...); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: %v, want %q", args, err, want)
		}
	}
	refused("Udfyld titel", "budget", "new-round", "--db", path, "--title", " ", "--pot", "100000")
	refused("ukendt stemmeseddel", "budget", "new-round", "--db", path, "--title", "X", "--pot", "100000", "--kind", "ranked")
	refused("--pot", "budget", "new-round", "--db", path, "--title", "X", "--pot", "mange")
	refused("optællingsmetode", "budget", "new-round", "--db", path, "--title", "X", "--pot", "100000", "--method", "borda")
	id := strings.TrimSpace(must("budget", "new-round", "--db", path, "--title", "Borgerbudget 2027", "--pot", "100.000",
		"--kind", "approval", "--max", "2", "--method", "votes", "--population", "1200"))

	for _, p := range [][]string{{"Shelter ved søen", "40000"}, {"Petanquebane", "30.000"}, {"Legeplads", "50000"}} {
		must("budget", "proposal", "add", "--db", path, "--round", id, "--title", p[0], "--cost", p[1], "--status", "til_afstemning")
	}
	refused("nummeret er allerede brugt", "budget", "proposal", "add", "--db", path, "--round", id, "--title", "Bænke", "--cost", "1000", "--number", "2")
	refused("skriv, hvorfor forslaget er afvist", "budget", "proposal", "add", "--db", path, "--round", id, "--title", "Bænke", "--cost", "1000", "--status", "afvist")
	refused("mens rundens fase er »Afstemning«", "budget", "ballot", "--db", path, "--round", id, "--counter", "1", "1", "1")

	must("budget", "phase", "--db", path, "--round", id, "--phase", "afstemning")
	refused("forslag kan ikke længere tilføjes", "budget", "proposal", "add", "--db", path, "--round", id, "--title", "Sent forslag", "--cost", "1000")
	refused("kan ikke gå tilbage", "budget", "phase", "--db", path, "--round", id, "--phase", "vurdering")

	if out := must("budget", "ballot", "--db", path, "--round", id, "--counter", "1", "--place", "Hallen", "1", "1", "3"); out != "nr. 1: gyldig\n" {
		t.Errorf("ballot 1: %q", out)
	}
	refused("nr. 1 er allerede indtastet af tæller 1", "budget", "ballot", "--db", path, "--round", id, "--counter", "1", "1", "2")
	refused("--counter", "budget", "ballot", "--db", path, "--round", id, "1", "2")

	budgetStdin = strings.NewReader("2 1\n3 1 2 3\n\n4 2\n")
	out := must("budget", "ballot", "--db", path, "--round", id, "--counter", "1", "--place", "Hallen")
	if out != "nr. 2: gyldig\nnr. 3: ugyldig: for mange krydser: 3, højst 2\nnr. 4: gyldig\n" {
		t.Errorf("ballots from standard input: %q", out)
	}
	// A bad line saves nothing, and names the line.
	budgetStdin = strings.NewReader("5 1\n6 1 x\n")
	refused("linje 2: stemmeseddel nr. 6", "budget", "ballot", "--db", path, "--round", id, "--counter", "1")
	budgetStdin = strings.NewReader("1 1 3\n2 1\n3 1 2 3\n4 3\n")
	must("budget", "ballot", "--db", path, "--round", id, "--counter", "2", "--place", "Hallen")

	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d, err := db.PBRoundData(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Round.Pot != 100_000_00 || d.Round.MaxChoices != 2 || d.Round.Population != 1200 || len(d.Proposals) != 3 || d.Proposals[1].Cost != 30_000_00 {
		t.Fatalf("stored round %+v, proposals %+v", d.Round, d.Proposals)
	}
	if len(d.Ballots) != 8 {
		t.Fatalf("%d ballot entries stored, want 4 by each counter (ballot 5 of the bad batch not saved)", len(d.Ballots))
	}
	res, err := d.Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tally.Differences) != 1 || res.Tally.Differences[0].Number != 4 || len(res.Tally.Invalid) != 1 {
		t.Errorf("differences %+v, invalid %+v; want no. 4 differing and no. 3 invalid", res.Tally.Differences, res.Tally.Invalid)
	}
	if out := must("budget", "count", "--db", path, "--round", id); out != "1. Shelter ved søen\n3. Legeplads\n" {
		t.Errorf("count: %q", out)
	}
}
