package main

// The borgerbudget subcommands on the rounds a database holds:
//
//	lokalraad budget rounds --db PATH [--lang da|en]
//	lokalraad budget count --db PATH --round ID [--method votes|mes|mes-add1] [--explain] [--lang da|en]
//
// rounds prints every round, one a line: id, council, title and phase (in
// the language --lang names), separated by tabs. count counts a round's ballots as stored (the two
// counters' entries paired, invalid ballots left out) by the round's own
// method or the one given, and prints the winners one a line as
// "nr. titel"; --explain prints the count's steps after them. A result
// changed by hand prints the override's proposals and its reason; ballots
// the counters entered differently make the result preliminary, which is
// said on stderr.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"lokalraad/internal/cliflag"
	"lokalraad/model"
	"lokalraad/storage"
)

// usesDB tells whether a budget subcommand's flags name a database.
func usesDB(args []string) bool {
	for _, a := range args {
		if a == "--db" || a == "-db" || strings.HasPrefix(a, "--db=") || strings.HasPrefix(a, "-db=") {
			return true
		}
	}
	return false
}

// parseLang is the language a subcommand's --lang names (export and budget).
func parseLang(s string) (model.Lang, error) {
	if l := model.Lang(s); l == model.Danish || l == model.English {
		return l, nil
	}
	return "", fmt.Errorf("ukendt sprog %q: brug da eller en", s)
}

// parseWithLang parses a budget subcommand's args into flags, refuses
// arguments left over, and returns the language its --lang (lang) names.
func parseWithLang(flags *flag.FlagSet, args []string, lang *string) (model.Lang, error) {
	if err := cliflag.Danish(flags.Parse(args)); err != nil {
		return "", err
	}
	if flags.NArg() > 0 {
		return "", fmt.Errorf("uventet argument %q", flags.Arg(0))
	}
	return parseLang(*lang)
}

func runBudgetRounds(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := newFlags("lokalraad budget rounds", stderr)
	dbPath := flags.String("db", "", "databasefil (påkrævet)")
	langFlag := flags.String("lang", "da", "fasernes sprog: da eller en")
	l, err := parseWithLang(flags, args, langFlag)
	if err != nil {
		return err
	}
	if *dbPath == "" {
		return errors.New("angiv databasen med --db FIL")
	}
	db, err := openExisting(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	all, err := db.PBRoundsAll(ctx)
	if err != nil {
		return err
	}
	for _, s := range all {
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", s.Round.ID, s.Council.Name, s.Round.Title, s.Round.Phase.Label(l))
	}
	return nil
}

func runBudgetCountRound(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := newFlags("lokalraad budget count", stderr)
	dbPath := flags.String("db", "", "databasefil (påkrævet)")
	roundID := flags.String("round", "", "rundens id (se lokalraad budget rounds)")
	method := flags.String("method", "", "optællingsmetode: votes, mes eller mes-add1 (standard: rundens egen)")
	explain := flags.Bool("explain", false, "skriv optællingen trin for trin efter de valgte forslag")
	langFlag := flags.String("lang", "da", "forklaringens sprog: da eller en")
	l, err := parseWithLang(flags, args, langFlag)
	if err != nil {
		return err
	}
	say := func(da, en string) string {
		if l == model.English {
			return en
		}
		return da
	}
	if *dbPath == "" || *roundID == "" {
		return errors.New("angiv databasen og runden: lokalraad budget count --db FIL --round ID")
	}
	m := model.CountMethod(*method)
	switch m {
	case "", model.CountVotes, model.CountMES, model.CountMESAdd1:
	default:
		return fmt.Errorf("ukendt metode %q; brug votes, mes eller mes-add1", *method)
	}
	db, err := openExisting(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	d, err := db.PBRoundData(ctx, *roundID)
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("runden %s findes ikke i %s; se lokalraad budget rounds --db %s", *roundID, *dbPath, *dbPath)
	}
	if err != nil {
		return err
	}
	if m != "" {
		d.Round.Method = m
	}
	res, err := d.Round.ResultContext(ctx, d.Proposals, d.Ballots, d.Totals)
	if err != nil {
		return fmt.Errorf("%s: %w", d.Round.Title, err)
	}
	for _, w := range res.Winners {
		fmt.Fprintf(stdout, "%d. %s\n", w.Number, w.Title)
	}
	if res.Pending {
		if n := len(res.Tally.Differences); n == 1 {
			fmt.Fprintln(stderr, "FORELØBIGT RESULTAT: 1 stemmeseddel er indtastet forskelligt af de to tællere og er ikke talt med.")
		} else {
			fmt.Fprintf(stderr, "FORELØBIGT RESULTAT: %d stemmesedler er indtastet forskelligt af de to tællere og er ikke talt med.\n", n)
		}
	}
	if res.Overridden {
		fmt.Fprintf(stderr, "Resultatet er ændret i hånden: %s\n", res.Reason)
	}
	if !*explain {
		return nil
	}
	fmt.Fprintln(stdout)
	fmt.Fprintf(stdout, say("%s: %s, pulje %s, %d stemmesedler (%d ugyldige).\n", "%s: %s, pot %s, %d ballots (%d invalid).\n"), d.Round.Title,
		model.MethodLabel(d.Round.Method, l), model.Kroner(d.Round.Pot), res.Tally.Turnout, len(res.Tally.Invalid))
	for _, g := range model.PBInvalidGroups(res.Tally.Invalid, l) {
		fmt.Fprintf(stdout, say("Ugyldige: %d × %s\n", "Invalid: %d × %s\n"), len(g.Numbers), g.Reason)
	}
	for i, st := range res.Outcome.Steps {
		fmt.Fprintf(stdout, say("%d. nr. %s %s: %s\n", "%d. no. %s %s: %s\n"), i+1, st.Project, st.Name, res.StepReason(st, l))
	}
	if res.Outcome.TieDecided {
		fmt.Fprintln(stdout, say("Bemærk: stemmelighed afgjorde mindst ét valg.", "Note: a tie decided at least one choice."))
	}
	if res.Overridden {
		fmt.Fprintf(stdout, say("Resultatet er ændret i hånden: %s\n", "The result was changed by hand: %s\n"), res.Reason)
	}
	fmt.Fprintf(stdout, say("De valgte forslag koster %s; tilbage af puljen: %s\n", "The chosen proposals cost %s; left of the pot: %s\n"), model.Kroner(res.Cost), model.Kroner(res.Left))
	return nil
}
