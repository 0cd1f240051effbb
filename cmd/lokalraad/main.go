// Command lokalraad is the Lokalråd desktop app for local-area councils.
//
// Without a subcommand it opens the window. The subcommands work without a
// display, for scripts and IT staff:
//
//	lokalraad [--db PATH] [--demo]          start the app (--demo: open the demo council on first run)
//	lokalraad demo --db PATH [--large]      write the demo council (or a large generated data set)
//	lokalraad export KIND --db PATH ...     write a PDF, workbook or calendar (see export --help)
//	lokalraad import workbook --db PATH FILE.xlsx [--dry-run]
//	lokalraad backup --db PATH --out FILE   save a consistent copy
//	lokalraad restore --db PATH FILE        restore a backup (the current database is kept first)
//	lokalraad person show|erase --db PATH --name NAME   GDPR: what is kept about a person; erase it
//	lokalraad sync --db PATH [--server URL --code CODE] sync with the municipality
//	lokalraad bundle export --db PATH --out FILE | bundle import --db PATH FILE
//	lokalraad attach --db PATH --item ID|--project ID|--wish ID|--entry ID FILE   attach a file (prints its id)
//	lokalraad attach list --db PATH --meeting ID                      a meeting's bilag
//	lokalraad budget count --pb FILE.pb --method votes|mes|mes-add1   count a citizen budget
//	lokalraad budget rounds|count|ballots|results|workbook|export-pb|import-pb|proposals-template|import-proposals ...
//	                                        citizen budgeting rounds (lokalraad budget help lists them)
//	lokalraad version                       print the version
//
// This file only wires things together; the screens are in package ui.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"syscall"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/demo"
)

func main() {
	attachConsole()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0) // --help was asked for and printed
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "lokalraad:", err)
		os.Exit(1)
	}
}

// run is main without the process: testable with a temp database. Work
// stopped by Ctrl-C (ctx cancelled) ends with one Danish message
// (model.Interrupted), never a library's English "context canceled".
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return model.Interrupted(ctx, dispatch(ctx, args, stdout, stderr))
}

// dispatch runs the subcommand args name, or the window.
func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if cmd, name, words := lookupCommand(args); cmd != nil {
		return runDB(ctx, name, cmd, args[words:], stdout, stderr)
	}
	if len(args) > 0 {
		if cmd, ok := subcommands[args[0]]; ok {
			return cmd(ctx, args[1:], stdout, stderr)
		}
	}
	fs := newFlags("lokalraad", stderr)
	fs.Usage = func() { io.WriteString(stdout, mainUsage) }
	dbPath := fs.String("db", "", "databasefil (standard: i brugerens konfigurationsmappe)")
	withDemo := fs.Bool("demo", false, "åbn demo-lokalrådet, hvis databasen er tom")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("ukendt kommando %q; se lokalraad --help", fs.Arg(0))
	}
	path, err := databasePath(*dbPath)
	if err != nil {
		return err
	}
	return runGUI(ctx, path, func(db *storage.DB) error {
		if !*withDemo {
			return nil
		}
		councils, err := db.Councils(ctx)
		if err != nil || len(councils) > 0 {
			return err
		}
		_, err = demo.Council(ctx, db, time.Now())
		return err
	})
}

// newFlags is the flag set of the subcommand name: its --help and its
// errors (through parseFlags) in Danish, written to stderr.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the package's own English line on an error
	fs.Usage = func() {
		fmt.Fprintf(stderr, "brug: %s [flag]; flagene:\n", name)
		fs.VisitAll(func(f *flag.Flag) {
			kind, usage := flag.UnquoteUsage(f)
			line := "  -" + f.Name
			if w, ok := flagKinds[kind]; ok {
				line += " " + w
			} else if kind != "" {
				line += " " + kind
			}
			line += "\n    \t" + usage
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
				line += fmt.Sprintf(" (standard: %s)", f.DefValue)
			}
			fmt.Fprintln(stderr, line)
		})
	}
	return fs
}

// flagKinds are the Danish words for the flag package's value kinds.
var flagKinds = map[string]string{"string": "TEKST", "int": "TAL", "value": "VÆRDI", "duration": "VARIGHED", "float": "TAL", "uint": "TAL"}

// flagErrors are the flag package's English errors and their Danish
// words; the package has no error values for them, only these texts
// (TestFlagErrorsInDanish catches a Go release that words them anew).
var flagErrors = []struct {
	en *regexp.Regexp
	da string
}{
	{regexp.MustCompile(`^flag provided but not defined: (.*)$`), "ukendt flag: $1"},
	{regexp.MustCompile(`^flag needs an argument: (.*)$`), "flaget $1 mangler en værdi"},
	{regexp.MustCompile(`^bad flag syntax: (.*)$`), "forkert skrevet flag: $1"},
	{regexp.MustCompile(`^invalid boolean value (".*") for (-\S+):.*$`), "$2 skal være true eller false, ikke $1"},
	{regexp.MustCompile(`^invalid boolean flag (\S+):.*$`), "$1 skal være true eller false"},
	{regexp.MustCompile(`^invalid value (".*") for flag (-\S+):.*$`), "ugyldig værdi $1 til $2"},
}

// danishFlagError words a flag parse error in Danish.
func danishFlagError(err error) error {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	msg := err.Error()
	for _, t := range flagErrors {
		if t.en.MatchString(msg) {
			return errors.New(t.en.ReplaceAllString(msg, t.da))
		}
	}
	return err
}

// parseFlags parses args with flags before, between and after the
// positional arguments ("import workbook --db X FILE --dry-run"); "--"
// ends the flags. The positional arguments are left in fs.Args. Its
// errors are in Danish.
func parseFlags(fs *flag.FlagSet, args []string) error {
	return danishFlagError(parseInterleaved(fs, args))
}

func parseInterleaved(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			pos = append(pos, rest...) // after "--" everything is positional
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	return fs.Parse(append([]string{"--"}, pos...))
}

// openNamed opens the database a subcommand's --db names, which must be
// given; a missing folder and database are made.
func openNamed(ctx context.Context, dbPath string) (*storage.DB, error) {
	if dbPath == "" {
		return nil, errors.New("angiv databasen med --db PATH")
	}
	path, err := databasePath(dbPath)
	if err != nil {
		return nil, err
	}
	return storage.Open(ctx, path)
}

// databasePath is the --db flag, or lokalraad.db in the user's config
// directory, whose folder is made if missing.
func databasePath(flagValue string) (string, error) {
	path := flagValue
	if path == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("find konfigurationsmappen: %w (brug --db)", err)
		}
		path = filepath.Join(dir, "lokalraad", "lokalraad.db")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("opret mappen til databasen: %w", err)
	}
	return path, nil
}

// demoCmd is `lokalraad demo --db PATH [--large]`.
func demoCmd(fs *flag.FlagSet, stdout, stderr io.Writer) dbWork {
	large := fs.Bool("large", false, "skriv et stort datasæt: 10 år for 18 lokalråd")
	councils := fs.Int("councils", 18, "antal lokalråd med --large")
	years := fs.Int("years", 10, "antal år med --large")
	return dbWork{run: func(ctx context.Context, db *storage.DB, _ []string) error {
		if !*large {
			id, err := demo.Council(ctx, db, time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "Demo-lokalrådet er skrevet til %s\n%s\n", db.Path(), id)
			return nil
		}
		start := time.Now()
		err := demo.Large(ctx, db, time.Now(), demo.LargeSize{Councils: *councils, Years: *years}, func(done, total int) {
			if ctx.Err() == nil {
				fmt.Fprintf(stderr, "\r%d af %d rådsår skrevet", done, total)
			}
		})
		fmt.Fprintln(stderr)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Stort datasæt (%d lokalråd, %d år) skrevet til %s på %s\n", *councils, *years, db.Path(), time.Since(start).Round(time.Second))
		return nil
	}}
}
