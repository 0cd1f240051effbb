package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"lokalraad/internal/cliflag"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/exchange"
)

// syncCmd is `lokalraad sync --db PATH [--server URL --code CODE]
// [--link | --no-link]`: enrol with the code on first use (remembering the
// server in the database and this computer's secret in the secrets file
// beside it), then push and pull. A council of this computer's own with
// data joins the server's council only with --link (--no-link keeps it
// apart); until one is given nothing is synced. It fails with a plain
// Danish message.
func syncCmd(fs *flag.FlagSet, stdout, _ io.Writer) dbWork {
	server := fs.String("server", "", "kommunens server, fx https://lokalraad.holbaek.dk (første gang)")
	code := fs.String("code", "", "tilmeldingskoden fra kommunen (første gang)")
	link := fs.Bool("link", false, "forbind lokalrådet på denne computer med rådet hos kommunen og send dets data dertil")
	noLink := fs.Bool("no-link", false, "hold lokalrådet på denne computer adskilt fra rådet hos kommunen")
	return dbWork{run: func(ctx context.Context, db *storage.DB, _ []string) error {
		st, err := db.SyncState(ctx)
		if err != nil {
			return err
		}
		client := exchange.NewClient()
		if st.Token == "" || *code != "" {
			if *server == "" {
				*server = st.Server
			}
			if st.Server != "" && st.Token == "" && *code == "" {
				// A copy, or a restore without the secrets file beside it.
				return fmt.Errorf("%w (angiv --code KODE)", storage.ErrSecretMissing)
			}
			if *server == "" || *code == "" {
				return errors.New("computeren er ikke tilmeldt endnu: angiv --server URL og --code KODE fra kommunen")
			}
			resp, err := client.Enroll(ctx, db, *server, *code)
			if err != nil {
				return fmt.Errorf("tilmelding mislykkedes: %w", err)
			}
			if resp.Staff {
				fmt.Fprintln(stdout, "Tilmeldt som kommunens enhed.")
			} else {
				fmt.Fprintf(stdout, "Tilmeldt %s.\n", resp.CouncilName)
			}
		}
		if err := answerLink(ctx, db, *link, *noLink); err != nil {
			return err
		}
		res, err := client.Sync(ctx, db, *server)
		if err != nil {
			return fmt.Errorf("synkronisering mislykkedes: %w", err)
		}
		if st, err = db.SyncState(ctx); err != nil {
			return err
		}
		council := st.Council
		conflicts := 0
		if council != "" {
			cs, err := db.Conflicts(ctx, council)
			if err != nil {
				return err
			}
			conflicts = len(cs)
		}
		fmt.Fprintf(stdout, "Synkroniseret: %d ændringer sendt, %d modtaget", res.Pushed, res.Pulled)
		if res.BlobsSent > 0 || res.BlobsFetched > 0 {
			fmt.Fprintf(stdout, "; bilag: %d sendt, %d hentet", res.BlobsSent, res.BlobsFetched)
		}
		if conflicts > 0 {
			fmt.Fprintf(stdout, ", %d konflikter venter på at blive løst", conflicts)
		}
		fmt.Fprintln(stdout, ".")
		if res.Note != "" {
			fmt.Fprintln(stdout, res.Note)
		}
		return nil
	}}
}

const bundleUsage = "brug: lokalraad bundle export --db PATH --out FILE | lokalraad bundle import --db PATH FILE"

// bundleExportCmd is `lokalraad bundle export --db PATH --out FILE
// [--council ID]`.
func bundleExportCmd(fs *flag.FlagSet, stdout, _ io.Writer) dbWork {
	out := fs.String("out", "", "filen der skrives")
	councilFlag := fs.String("council", "", "lokalrådets id, når databasen har flere")
	return dbWork{
		check: func([]string) error {
			if *out == "" {
				return errors.New("angiv filen med --out FILE")
			}
			return nil
		},
		run: func(ctx context.Context, db *storage.DB, _ []string) error {
			council := *councilFlag
			if council == "" {
				st, err := db.SyncState(ctx)
				if err != nil {
					return err
				}
				council = st.Council
			}
			if council == "" {
				cs, err := db.Councils(ctx)
				if err != nil {
					return err
				}
				if len(cs) != 1 {
					return errors.New("databasen har flere lokalråd (eller ingen): angiv --council ID")
				}
				council = cs[0].ID
			}
			tmp, err := os.CreateTemp(filepath.Dir(*out), ".bundle-*")
			if err != nil {
				return err
			}
			defer os.Remove(tmp.Name())
			h, err := exchange.NewClient().WriteBundle(ctx, tmp, db, council)
			if cerr := tmp.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			if err := os.Rename(tmp.Name(), *out); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%d ændringer for %s skrevet til %s.\n", h.Count, h.CouncilName, *out)
			return nil
		}}
}

// bundleImportCmd is `lokalraad bundle import --db PATH FILE`.
func bundleImportCmd(_ *flag.FlagSet, stdout, _ io.Writer) dbWork {
	return dbWork{
		check: func(args []string) error {
			if len(args) != 1 {
				return errors.New("angiv filen der skal indlæses")
			}
			return nil
		},
		run: func(ctx context.Context, db *storage.DB, args []string) error {
			f, err := cliflag.OpenInput(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			h, a, err := exchange.NewClient().ImportBundleReport(ctx, f, db)
			if errors.Is(err, model.ErrCanceled) {
				return err // »afbrudt«, as every command says it
			}
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			fmt.Fprintf(stdout, "%d nye ændringer af %d for %s indlæst.\n", a.New, h.Count, h.CouncilName)
			if a.Revoked > 0 {
				fmt.Fprintf(stdout, "%d ændringer fra en enhed, kommunen har spærret, er udeladt.\n", a.Revoked)
			}
			if n := len(a.Relayed); n > 0 {
				fmt.Fprintf(stdout, "%d ændringer fra andre enheder, som kommunen afviser, er lagt til side (se Filer › Afviste ændringer i programmet).\n", n)
			}
			return nil
		}}
}

// answerLink answers, from --link or --no-link, whether the council made
// on this computer joins the server's; with neither it asks for one.
func answerLink(ctx context.Context, db *storage.DB, link, noLink bool) error {
	q, asked, err := exchange.PendingLink(ctx, db)
	if err != nil || !asked {
		return err
	}
	switch {
	case link && noLink:
		return errors.New("angiv enten --link eller --no-link, ikke begge")
	case !link && !noLink:
		return fmt.Errorf("lokalrådet %q på denne computer har data. Skal det forbindes med %q hos kommunen? "+
			"Kør igen med --link for at sende dets data til kommunen som %q, eller med --no-link for at holde det adskilt på denne computer",
			q.Local.Name, q.ServerName, q.ServerName)
	}
	return exchange.AnswerLink(ctx, db, link)
}
