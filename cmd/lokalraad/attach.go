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
)

// runAttach attaches a file to an agenda item, a project, a budget wish
// or an accounts line (its receipt) and prints the attachment's id; "attach list" lists a meeting's bilag.
func runAttach(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "list" {
		return runAttachList(ctx, args[1:], stdout, stderr)
	}
	const usage = "brug: lokalraad attach --db PATH --item ID|--project ID|--wish ID|--entry ID FIL  ·  lokalraad attach list --db PATH --meeting ID"
	fset := flag.NewFlagSet("lokalraad attach", flag.ContinueOnError)
	fset.SetOutput(stderr)
	dbPath := fset.String("db", "", "databasefil (påkrævet)")
	item := fset.String("item", "", "dagsordenspunktets id")
	project := fset.String("project", "", "projektets id")
	wish := fset.String("wish", "", "budgetønskets id")
	entry := fset.String("entry", "", "regnskabslinjens id (kvitteringen som bilag)")
	files, err := parseInterspersed(fset, args)
	if err != nil {
		return err
	}
	var kind model.OwnerKind
	var owner string
	n := 0
	for _, o := range []struct {
		k  model.OwnerKind
		id string
	}{{model.OwnerItem, *item}, {model.OwnerProject, *project}, {model.OwnerWish, *wish}, {model.OwnerEntry, *entry}} {
		if o.id != "" {
			kind, owner = o.k, o.id
			n++
		}
	}
	if *dbPath == "" || n != 1 || len(files) != 1 {
		return errors.New(usage)
	}
	f, err := os.Open(files[0])
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("filen %s findes ikke", files[0])
	}
	if err != nil {
		return fmt.Errorf("filen %s kan ikke læses", files[0])
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return fmt.Errorf("%s er en mappe, ikke en fil", files[0])
	}
	db, err := openExisting(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.AddAttachment(ctx, kind, owner, files[0], f)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, a.ID)
	return nil
}

func runAttachList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const usage = "brug: lokalraad attach list --db PATH --meeting ID"
	fset := flag.NewFlagSet("lokalraad attach list", flag.ContinueOnError)
	fset.SetOutput(stderr)
	dbPath := fset.String("db", "", "databasefil (påkrævet)")
	meetingID := fset.String("meeting", "", "mødets id (påkrævet)")
	rest, err := parseInterspersed(fset, args)
	if err != nil {
		return err
	}
	if *dbPath == "" || *meetingID == "" || len(rest) > 0 {
		return errors.New(usage)
	}
	db, err := openExisting(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Meeting(ctx, *meetingID); err != nil {
		return fmt.Errorf("mødet %s: %w", *meetingID, err)
	}
	items, err := db.AgendaItems(ctx, *meetingID)
	if err != nil {
		return err
	}
	no := map[string]int{}
	for i, it := range items {
		no[it.ID] = i + 1
	}
	as, err := db.MeetingAttachments(ctx, *meetingID)
	if err != nil {
		return err
	}
	store := db.Blobs()
	for _, a := range as {
		state := "hentet"
		if !store.Has(a.SHA256) {
			state = "ikke hentet"
		}
		// id, item number, name, size, media type, whether the file is here
		fmt.Fprintf(stdout, "%s\tpunkt %d\t%s\t%s\t%s\t%s\n", a.ID, no[a.OwnerID], a.Name, model.Bytes(a.Size), a.MediaType, state)
	}
	return nil
}

// parseInterspersed parses flags given before and after the positional
// arguments ("attach FILE --db X" as well as "attach --db X FILE").
func parseInterspersed(fset *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fset.Parse(args); err != nil {
			return nil, err
		}
		args = fset.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
