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
	"syscall"
	"time"

	"lokalraad/internal/cliflag"
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

// newFlags is the flag set of the subcommand name, in Danish (cliflag).
func newFlags(name string, stderr io.Writer) *flag.FlagSet { return cliflag.New(name, stderr) }

// parseFlags parses args with flags between the positional arguments, its
// errors in Danish (cliflag.Parse).
func parseFlags(fs *flag.FlagSet, args []string) error { return cliflag.Parse(fs, args) }

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
