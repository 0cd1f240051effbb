package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"lokalraad/model"
	"lokalraad/storage"
)

// The demo's round, listed and counted by the real commands.
func TestBudgetRoundsAndCountFromTheDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	if _, _, err := runCmd(t, "demo", "--db", path); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, "budget", "rounds", "--db", path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 {
		t.Fatalf("rounds: %q", out)
	}
	cols := strings.Split(lines[0], "\t")
	if len(cols) != 4 || cols[1] != "Jyderup Lokalråd" || !strings.HasPrefix(cols[2], "Borgerbudget ") || cols[3] != "Resultat" {
		t.Fatalf("round line %q", lines[0])
	}
	id := cols[0]
	// --lang en, as the other budget subcommands: the phase in English.
	out, _, err = runCmd(t, "budget", "rounds", "--db", path, "--lang", "en")
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Join(append(cols[:3:3], model.PhaseResult.Label(model.English)), "\t") + "\n"; out != want || want == lines[0]+"\n" {
		t.Errorf("rounds --lang en: %q, want %q", out, want)
	}

	out, stderr, err := runCmd(t, "budget", "count", "--db", path, "--round", id)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	want := "3. Ny legeplads i Østerparken\n2. Bænke langs stien ved Skarresø\n6. Hjertestarter ved stationen\n7. Blomsterløg langs indfaldsvejene\n"
	if out != want || stderr != "" {
		t.Fatalf("count printed %q (stderr %q), want %q", out, stderr, want)
	}
	// What the app shows is what the command prints.
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.PBRoundData(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	d.Round.Method = model.CountVotes
	res, err := d.Result()
	if err != nil {
		t.Fatal(err)
	}
	var votes strings.Builder
	for _, w := range res.Winners {
		votes.WriteString(w.Title + "\n")
	}
	out, _, err = runCmd(t, "budget", "count", "--db", path, "--round", id, "--method", "votes")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(strings.Fields(out), " "); len(res.Winners) == 0 || !strings.Contains(got, strings.Fields(votes.String())[0]) ||
		strings.Count(out, "\n") != len(res.Winners) {
		t.Fatalf("--method votes printed %q, want the winners %q", out, votes.String())
	}
	out, _, err = runCmd(t, "budget", "count", "--db", path, "--round", id, "--explain")
	if err != nil || !strings.Contains(out, "Lige andele med udfyldning") || !strings.Contains(out, "pulje 150.000 kr.") ||
		!strings.Contains(out, "tilbage af puljen: 1.000 kr.") || !strings.Contains(out, "300 stemmesedler") || strings.Contains(out, "kr..") {
		t.Fatalf("--explain: %v\n%s", err, out)
	}
	// The same in English: every reason, not only the frame.
	out, _, err = runCmd(t, "budget", "count", "--db", path, "--round", id, "--explain", "--lang", "en")
	if err != nil || !strings.Contains(out, "Equal shares with completion") || !strings.Contains(out, "pot 150.000 kr.") ||
		!strings.Contains(out, "left of the pot: 1.000 kr.") || !strings.Contains(out, "Invalid: ") || !strings.Contains(out, "Chosen: ") {
		t.Fatalf("--explain --lang en: %v\n%s", err, out)
	}
	for _, da := range []string{"Valgt", "Ikke valgt", "stemmesedler", "betalte", "krydser", "Ugyldige"} {
		if strings.Contains(out, da) {
			t.Errorf("--lang en says %q:\n%s", da, out)
		}
	}
}

func TestBudgetCountRoundRefusesBadInput(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	if _, _, err := runCmd(t, "demo", "--db", path); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"budget", "rounds"}, "angiv databasen med --db"},
		{[]string{"budget", "rounds", "--db", filepath.Join(t.TempDir(), "nope.db")}, "findes ikke"},
		{[]string{"budget", "rounds", "--db", path, "--lang", "de"}, "ukendt sprog"},
		{[]string{"budget", "count", "--db", path}, "angiv databasen og runden"},
		{[]string{"budget", "count", "--db", path, "--round", "nope"}, "runden nope findes ikke"},
		{[]string{"budget", "count", "--db", path, "--round", "x", "--method", "borda"}, "ukendt metode"},
	} {
		out, _, err := runCmd(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
		if out != "" {
			t.Errorf("%v printed %q on an error", c.args, out)
		}
	}
}
