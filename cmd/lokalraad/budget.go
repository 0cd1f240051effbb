package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"lokalraad/model"
	"lokalraad/model/pb"
)

// runBudget dispatches the citizen-budget (borgerbudget) subcommands:
//
//	lokalraad budget count --pb FILE.pb --method votes|mes|mes-add1 [--explain]
//
// count prints the ids of the funded proposals, one a line, in the order
// they were funded; --explain prints the Danish explanation after them.
func runBudget(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("angiv en underkommando: lokalraad budget count --pb FIL.pb --method votes|mes|mes-add1")
	}
	switch args[0] {
	case "count":
		if usesDB(args[1:]) { // a round in a database (budget_round.go)
			return runBudgetCountRound(ctx, args[1:], stdout, stderr)
		}
		return runBudgetCount(ctx, args[1:], stdout, stderr)
	case "rounds":
		return runBudgetRounds(ctx, args[1:], stdout, stderr)
	}
	if cmd, ok := pbOutCommands[args[0]]; ok {
		return cmd(ctx, args[1:], stdout, stderr)
	}
	return fmt.Errorf("ukendt underkommando %q til budget; brug count", args[0])
}

func runBudgetCount(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("lokalraad budget count", flag.ContinueOnError)
	flags.SetOutput(stderr)
	pbPath := flags.String("pb", "", "Pabulib-fil (.pb) med forslag og stemmer")
	method := flags.String("method", string(model.CountMESAdd1), "optællingsmetode: votes, mes eller mes-add1")
	explain := flags.Bool("explain", false, "skriv forklaringen trin for trin efter de valgte forslag")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("uventet argument %q", flags.Arg(0))
	}
	if *pbPath == "" {
		return errors.New("angiv stemmerne med --pb FIL.pb")
	}
	m := model.CountMethod(*method)
	switch m {
	case model.CountVotes, model.CountMES, model.CountMESAdd1:
	default:
		return fmt.Errorf("ukendt metode %q; brug votes, mes eller mes-add1", *method)
	}
	file, err := os.Open(*pbPath)
	if err != nil {
		why := "filen kunne ikke læses"
		switch {
		case errors.Is(err, fs.ErrNotExist):
			why = "filen findes ikke"
		case errors.Is(err, fs.ErrPermission):
			why = "ingen adgang til filen"
		}
		return fmt.Errorf("kunne ikke åbne %s: %s", *pbPath, why)
	}
	defer file.Close()
	f, err := pb.Parse(file)
	if err != nil {
		return fmt.Errorf("%s: %w", *pbPath, err)
	}
	e, err := f.Election()
	if err != nil {
		return fmt.Errorf("%s: %w", *pbPath, err)
	}
	// Ctrl-C (main's signal.NotifyContext) stops a long count: a hostile
	// file within the limits may ask mes-add1 for millions of rounds.
	out, err := model.CountContext(ctx, e, m)
	if err != nil {
		return fmt.Errorf("%s: %w", *pbPath, err)
	}
	for _, id := range out.Selected {
		fmt.Fprintln(stdout, id)
	}
	if *explain {
		fmt.Fprintln(stdout)
		for i, st := range out.Steps {
			fmt.Fprintf(stdout, "%d. %s %s: %s\n", i+1, st.Project, st.Name, st.Reason)
		}
		if out.TieDecided {
			fmt.Fprintln(stdout, "Bemærk: stemmelighed afgjorde mindst ét valg.")
		}
	}
	return nil
}
