package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"lokalraad/model"
	"lokalraad/storage"
)

// backupCmd saves a consistent copy of the database anywhere (a USB stick).
func backupCmd(fs *flag.FlagSet, stdout, _ io.Writer) dbWork {
	const usage = "brug: lokalraad backup --db PATH --out FILE"
	out := fs.String("out", "", "sikkerhedskopien, der skrives (påkrævet)")
	return dbWork{usage: usage,
		check: func([]string) error {
			if *out == "" {
				return errors.New(usage)
			}
			return checkWritable(*out)
		},
		run: func(ctx context.Context, db *storage.DB, _ []string) error {
			if err := db.Backup(ctx, *out); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "Sikkerhedskopi gemt: %s\n", *out)
			return nil
		}}
}

// errRestoreCanceled: Ctrl-C stopped a restore before the backup took the
// database's place, so the database is as it was.
var errRestoreCanceled = fmt.Errorf("%w – databasen er uændret", model.ErrCanceled)

// runRestore replaces the database by a backup, keeping the current one as
// a backup first.
func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("lokalraad restore", stderr)
	dbPath := fs.String("db", "", "databasefil (påkrævet)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dbPath == "" || fs.NArg() != 1 {
		return errors.New("brug: lokalraad restore --db PATH FILE")
	}
	saved, err := storage.Restore(ctx, *dbPath, fs.Arg(0))
	var restored *storage.RestoredError
	switch {
	case errors.As(err, &restored):
		// The backup took the database's place; some attachment files
		// did not come along (the error says so): not »uændret«.
		if saved != "" {
			fmt.Fprintf(stdout, "Den hidtidige database er gemt som %s\n", saved)
		}
		return err
	case err != nil && (ctx.Err() != nil || errors.Is(err, model.ErrCanceled)):
		// Stopped before the backup took the database's place, the last
		// point Ctrl-C reaches (storage.Restore).
		return errRestoreCanceled
	case err != nil:
		return fmt.Errorf("gendannelsen blev afvist, databasen er uændret: %w", err)
	}
	if saved != "" {
		fmt.Fprintf(stdout, "Den hidtidige database er gemt som %s\n", saved)
	}
	fmt.Fprintf(stdout, "Gendannet fra %s\n", fs.Arg(0))
	return nil
}

const personUsage = "brug: lokalraad person show|erase --db PATH [--council ID] --name NAVN"

// personCmd shows, exports (JSON) or erases what a council keeps about a
// person: GDPR requests.
func personCmd(erase bool) dbCommand {
	return func(fs *flag.FlagSet, stdout, _ io.Writer) dbWork {
		councilID := fs.String("council", "", "lokalrådets id (standard: det eneste)")
		name := fs.String("name", "", "personens fulde navn (påkrævet)")
		return dbWork{usage: personUsage,
			check: func([]string) error {
				if *name == "" {
					return errors.New(personUsage)
				}
				return nil
			},
			run: func(ctx context.Context, db *storage.DB, _ []string) error {
				id, err := councilOf(ctx, db, *councilID)
				if err != nil {
					return err
				}
				if erase {
					n, err := db.ErasePerson(ctx, id, *name)
					if err != nil {
						return err
					}
					fmt.Fprintf(stdout, "%s er slettet fra %d rækker; beslutninger og referater siger nu \"tidligere medlem\".\n", *name, n)
					return nil
				}
				r, err := db.PersonData(ctx, id, *name)
				if err != nil {
					return err
				}
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(r)
			}}
	}
}
