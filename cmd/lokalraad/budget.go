package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"lokalraad/internal/cliflag"
	"lokalraad/model"
	"lokalraad/model/pb"
)

// budgetUsage lists every budget subcommand, for the usage and the
// message on an unknown one.
const budgetUsage = `brug en af underkommandoerne:
  lokalraad budget rounds --db FIL [--lang da|en]
  lokalraad budget count --db FIL --round ID [--method votes|mes|mes-add1] [--explain] [--lang da|en]
  lokalraad budget count --pb FIL.pb --method votes|mes|mes-add1 [--explain] [--lang da|en]
  lokalraad budget ballots --db FIL --round ID --out FIL.pdf [--from 1 --to 500 --place STED --large]
  lokalraad budget results --db FIL --round ID --out FIL.pdf
  lokalraad budget workbook --db FIL --round ID --out FIL.xlsx [--contacts]
  lokalraad budget export-pb --db FIL --round ID --out FIL.pb
  lokalraad budget import-pb --db FIL [--council ID] FIL.pb
  lokalraad budget proposals-template --out FIL.xlsx
  lokalraad budget import-proposals --db FIL --round ID FIL.xlsx
  lokalraad budget new-round --db FIL [--council ID] --title TITEL --pot KR --kind approval|approval-pot|points [--max N] --method votes|mes|mes-add1 [--population N] [--blank-valid]
  lokalraad budget proposal add --db FIL --round ID --title TITEL --cost KR [--number N] [--status modtaget|vurderes|til_afstemning|afvist --reason TEKST]
  lokalraad budget phase --db FIL --round ID --phase forslag|vurdering|afstemning|resultat
  lokalraad budget ballot --db FIL --round ID --counter 1|2 [--place STED] NUMMER KRYDSER…   (eller linjer »nummer krydser« på standard-input)`

// runBudget dispatches the citizen-budget (borgerbudget) subcommands
// (budgetUsage lists them; budget_round.go and budget_pb.go hold most):
//
//	lokalraad budget count --pb FILE.pb --method votes|mes|mes-add1 [--explain]
//
// count prints the ids of the funded proposals, one a line, in the order
// they were funded; --explain prints the Danish explanation after them.
func runBudget(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("angiv en underkommando; " + budgetUsage)
	}
	switch args[0] {
	case "count":
		if usesDB(args[1:]) { // a round in a database (budget_round.go)
			return runBudgetCountRound(ctx, args[1:], stdout, stderr)
		}
		return runBudgetCount(ctx, args[1:], stdout, stderr)
	case "rounds":
		return runBudgetRounds(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help", "-help":
		fmt.Fprintln(stdout, budgetUsage)
		return nil
	}
	if cmd, ok := pbOutCommands[args[0]]; ok {
		return cmd(ctx, args[1:], stdout, stderr)
	}
	return fmt.Errorf("ukendt underkommando %q til budget; %s", args[0], budgetUsage)
}

func runBudgetCount(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := newFlags("lokalraad budget count", stderr)
	pbPath := flags.String("pb", "", "Pabulib-fil (.pb) med forslag og stemmer")
	method := flags.String("method", string(model.CountMESAdd1), "optællingsmetode: votes, mes eller mes-add1")
	explain := flags.Bool("explain", false, "skriv forklaringen trin for trin efter de valgte forslag")
	langFlag := flags.String("lang", "da", "forklaringens sprog: da eller en")
	l, err := parseWithLang(flags, args, langFlag)
	if err != nil {
		return err
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
	file, err := cliflag.OpenInput(*pbPath)
	if err != nil {
		return err
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
		points := e.Kind != model.BallotApproval
		for i, st := range out.Steps {
			fmt.Fprintf(stdout, "%d. %s %s: %s\n", i+1, st.Project, st.Name, model.StepReason(st, m, points, l))
		}
		if out.TieDecided {
			if l == model.English {
				fmt.Fprintln(stdout, "Note: a tie decided at least one choice.")
			} else {
				fmt.Fprintln(stdout, "Bemærk: stemmelighed afgjorde mindst ét valg.")
			}
		}
	}
	return nil
}
