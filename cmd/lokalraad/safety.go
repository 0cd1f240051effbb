package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"lokalraad/storage"
)

// runBackup saves a consistent copy of the database anywhere (a USB stick).
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("lokalraad backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", "", "databasefil (påkrævet)")
	out := fs.String("out", "", "sikkerhedskopien, der skrives (påkrævet)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dbPath == "" || *out == "" {
		return errors.New("brug: lokalraad backup --db PATH --out FILE")
	}
	if err := checkWritable(*out); err != nil {
		return err
	}
	db, err := openExisting(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Sikkerhedskopi gemt: %s\n", *out)
	return nil
}

// runRestore replaces the database by a backup, keeping the current one as
// a backup first.
func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("lokalraad restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", "", "databasefil (påkrævet)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dbPath == "" || fs.NArg() != 1 {
		return errors.New("brug: lokalraad restore --db PATH FILE")
	}
	saved, err := storage.Restore(ctx, *dbPath, fs.Arg(0))
	if err != nil {
		return fmt.Errorf("gendannelsen blev afvist, databasen er uændret: %w", err)
	}
	if saved != "" {
		fmt.Fprintf(stdout, "Den hidtidige database er gemt som %s\n", saved)
	}
	fmt.Fprintf(stdout, "Gendannet fra %s\n", fs.Arg(0))
	return nil
}

// runPerson shows, exports (JSON) or erases what a council keeps about a
// person: GDPR requests.
func runPerson(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const usage = "brug: lokalraad person show|erase --db PATH [--council ID] --name NAVN"
	if len(args) == 0 || (args[0] != "show" && args[0] != "erase") {
		return errors.New(usage)
	}
	fs := flag.NewFlagSet("lokalraad person "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", "", "databasefil (påkrævet)")
	councilID := fs.String("council", "", "lokalrådets id (standard: det eneste)")
	name := fs.String("name", "", "personens fulde navn (påkrævet)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *dbPath == "" || *name == "" {
		return errors.New(usage)
	}
	db, err := openExisting(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	id, err := councilOf(ctx, db, *councilID)
	if err != nil {
		return err
	}
	if args[0] == "erase" {
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
}
