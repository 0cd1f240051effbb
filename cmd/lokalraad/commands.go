package main

import (
	"context"
	"errors"
	"flag"
	"io"

	"lokalraad/assets"
	"lokalraad/model"
	"lokalraad/storage"
)

// The headless subcommands, in one table each. dbCommands work on the
// database --db names, and runDB does what all of them do around their
// work (parse, check, open, close); subcommands parse and open what they
// need themselves (export and budget have tables of their own).

// subcommand runs one subcommand with the arguments after its name.
type subcommand func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// subcommands are the commands of one word that are no dbCommand. Without
// one of these names (or a dbCommand's), run opens the window.
var subcommands = map[string]subcommand{
	"export":  runExport,
	"import":  usageOnly(importUsage),
	"restore": runRestore,
	"person":  usageOnly(personUsage),
	"bundle":  usageOnly(bundleUsage),
	"budget":  runBudget,
	"version": runVersion, "--version": runVersion, "-version": runVersion,
	"help": runHelp,
}

// mainUsage is what `lokalraad --help` (and `lokalraad help`) prints:
// the window's flags and every subcommand in a line
// (TestHelpNamesEverySubcommand keeps it whole). Each subcommand's own
// --help tells its flags.
const mainUsage = `brug: lokalraad [--db STI] [--demo]     åbner vinduet (--demo: demo-lokalrådet i en tom database)

Underkommandoer (lokalraad KOMMANDO --help viser flagene):
  demo --db STI [--large]              skriv demo-lokalrådet (eller 10 år × 18 lokalråd)
  export packet|chair|minutes|attendance|notes|wishes|workbook|calendar|invitation|yearwheel|accounts|plan
                                       udskriv mødemateriale, budgetønsker, årshjul, regnskab,
                                       handleplan, regneark eller kalender (export --help)
  import workbook --db STI FIL.xlsx    læs lokalrådets regneark ind (alle rækker eller ingen)
  backup --db STI --out FIL            en sikkerhedskopi, fx til en USB-nøgle
  restore --db STI FIL                 gendan en sikkerhedskopi (den nuværende gemmes først)
  person show|erase --db STI --name N  GDPR: vis eller slet alt om en person
  attach --db STI --item ID FIL        vedhæft et bilag; attach list --meeting ID viser dem
  sync --db STI [--server URL --code KODE]   synkronisér med kommunen
  bundle export|import --db STI FIL    de samme ændringer som fil, til en USB-nøgle
  budget …                             borgerbudget: runder, stemmesedler, optælling (budget help)
  version                              vis versionen
  help                                 denne oversigt
`

// runHelp prints mainUsage.
func runHelp(_ context.Context, _ []string, stdout, _ io.Writer) error {
	_, err := io.WriteString(stdout, mainUsage)
	return err
}

// dbCommands are the subcommands on one database, by their one or two
// words ("attach list" before "attach").
var dbCommands = map[string]dbCommand{
	"demo":            demoCmd,
	"backup":          backupCmd,
	"person show":     personCmd(false),
	"person erase":    personCmd(true),
	"sync":            syncCmd,
	"bundle export":   bundleExportCmd,
	"bundle import":   bundleImportCmd,
	"attach":          attachCmd,
	"attach list":     attachListCmd,
	"import workbook": importCmd,
}

// dbCommand declares a subcommand's flags (besides --db, which every one
// takes) on fs and returns its work.
type dbCommand func(fs *flag.FlagSet, stdout, stderr io.Writer) dbWork

// dbWork is a subcommand's work on its database.
type dbWork struct {
	// usage is the error when --db is not given; "" makes a missing
	// database (and its folder) instead of requiring one that exists.
	usage string
	// check, when set, looks at the parsed flags and the positional
	// arguments before the database opens.
	check func(args []string) error
	run   func(ctx context.Context, db *storage.DB, args []string) error
	// canceled, when set, is the error when Ctrl-C stops the database's
	// opening (an upgrade, which storage.Open rolls back whole): what the
	// work says when it is stopped itself.
	canceled error
}

// lookupCommand is the dbCommand args start with, and its name's length
// in words.
func lookupCommand(args []string) (dbCommand, string, int) {
	if len(args) > 1 {
		if cmd, ok := dbCommands[args[0]+" "+args[1]]; ok {
			return cmd, args[0] + " " + args[1], 2
		}
	}
	if len(args) > 0 {
		if cmd, ok := dbCommands[args[0]]; ok {
			return cmd, args[0], 1
		}
	}
	return nil, "", 0
}

// runDB is what every dbCommand does around its work: parse the flags
// (before, between and after the positional arguments), check them, open
// the database --db names, run, close the database.
func runDB(ctx context.Context, name string, cmd dbCommand, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("lokalraad "+name, stderr)
	dbPath := fs.String("db", "", "databasefil (påkrævet)")
	w := cmd(fs, stdout, stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dbPath == "" && w.usage != "" {
		return errors.New(w.usage)
	}
	if w.check != nil {
		if err := w.check(fs.Args()); err != nil {
			return err
		}
	}
	open := openExisting
	if w.usage == "" {
		open = openNamed
	}
	db, err := open(ctx, *dbPath)
	if err != nil {
		if w.canceled != nil && errors.Is(err, model.ErrCanceled) {
			return w.canceled
		}
		return err
	}
	defer db.Close()
	return w.run(ctx, db, fs.Args())
}

// openCouncil opens the database at path, which must exist, and picks the
// council councilID names (the only one when it is ""); the caller closes
// db, which is nil on an error.
func openCouncil(ctx context.Context, path, councilID string) (*storage.DB, string, error) {
	db, err := openExisting(ctx, path)
	if err != nil {
		return nil, "", err
	}
	id, err := councilOf(ctx, db, councilID)
	if err != nil {
		db.Close()
		return nil, "", err
	}
	return db, id, nil
}

// usageOnly is the first word of two-word commands given without a
// second word that names one.
func usageOnly(usage string) subcommand {
	return func(context.Context, []string, io.Writer, io.Writer) error { return errors.New(usage) }
}

func runVersion(_ context.Context, _ []string, stdout, _ io.Writer) error {
	_, err := io.WriteString(stdout, "Lokalråd "+assets.Version()+"\n")
	return err
}
