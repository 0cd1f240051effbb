package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"lokalraad/internal/cliflag"
	"lokalraad/model"
	"lokalraad/storage"
)

const attachUsage = "brug: lokalraad attach --db PATH --item ID|--project ID|--wish ID|--entry ID FIL  ·  lokalraad attach list --db PATH --meeting ID"

// attachCmd attaches a file to an agenda item, a project, a budget wish
// or an accounts line (its receipt) and prints the attachment's id.
func attachCmd(fset *flag.FlagSet, stdout, _ io.Writer) dbWork {
	item := fset.String("item", "", "dagsordenspunktets id")
	project := fset.String("project", "", "projektets id")
	wish := fset.String("wish", "", "budgetønskets id")
	entry := fset.String("entry", "", "regnskabslinjens id (kvitteringen som bilag)")
	var kind model.OwnerKind
	var owner string
	return dbWork{usage: attachUsage,
		check: func(files []string) error {
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
			if n != 1 || len(files) != 1 {
				return errors.New(attachUsage)
			}
			f, err := cliflag.OpenInput(files[0])
			if err != nil {
				return err
			}
			return f.Close()
		},
		run: func(ctx context.Context, db *storage.DB, files []string) error {
			f, err := cliflag.OpenInput(files[0])
			if err != nil {
				return err
			}
			defer f.Close()
			a, err := db.AddAttachment(ctx, kind, owner, files[0], f)
			if err != nil {
				return err
			}
			fmt.Fprintln(stdout, a.ID)
			return nil
		}}
}

// attachListCmd lists a meeting's bilag.
func attachListCmd(fset *flag.FlagSet, stdout, _ io.Writer) dbWork {
	const usage = "brug: lokalraad attach list --db PATH --meeting ID"
	meetingID := fset.String("meeting", "", "mødets id (påkrævet)")
	return dbWork{usage: usage,
		check: func(rest []string) error {
			if *meetingID == "" || len(rest) > 0 {
				return errors.New(usage)
			}
			return nil
		},
		run: func(ctx context.Context, db *storage.DB, _ []string) error {
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
		}}
}
