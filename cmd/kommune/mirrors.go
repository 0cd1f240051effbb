package main

// The nodes' mirrors in the registry (exchange.Mirror, on PostgreSQL):
// `device list --mirrors` shows each with where it lives and when it last
// pulled; `device prune-mirrors --older-than 720h` revokes those not seen
// since, whose secrets then open nothing. A SQLite hub reads its own rows
// and has no mirrors.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"lokalraad/model"
	"lokalraad/storage/exchange"
	"lokalraad/storage/postgres"
)

// adminTable is a table the admin commands print: columns lined up with
// spaces under the header's tab-separated names. The caller writes the
// rows, a tab between cells, and flushes it.
func adminTable(w io.Writer, header string) *tabwriter.Writer {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	return tw
}

// stampDK is a registry time as the admin reads it ("-" for none).
func stampDK(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(model.Copenhagen).Format("02.01.2006 15:04")
}

func (h *hubConn) mirrors(ctx context.Context) ([]postgres.MirrorDevice, error) {
	if h.pg == nil {
		return nil, nil
	}
	return h.pg.Mirrors(ctx)
}

// listMirrors writes the registry's mirrors, revoked ones too.
func listMirrors(ctx context.Context, hc *hubConn, stdout io.Writer) error {
	if hc.pg == nil {
		fmt.Fprintln(stdout, "Serveren kører på SQLite og har ingen spejle; de findes kun, når --db er en postgres://…-adresse.")
		return nil
	}
	ms, err := hc.mirrors(ctx)
	if err != nil {
		return err
	}
	tw := adminTable(stdout, "ID\tNAVN\tSTED\tTILMELDT\tSIDST HENTET\tSPÆRRET")
	for _, m := range ms {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", m.ID, m.Label, m.Place, stampDK(m.Enrolled), stampDK(m.LastSeen), stampDK(m.Revoked))
	}
	return tw.Flush()
}

// devicePruneMirrors revokes the mirrors not seen for --older-than.
func devicePruneMirrors(fs *flag.FlagSet, stdout io.Writer) hubWork {
	older := fs.Duration("older-than", 720*time.Hour, "spær spejle, der ikke har hentet i så lang tid (fx 720h)")
	return hubWork{
		check: func(string) error {
			if *older < 2*tidyEvery {
				return errors.New("--older-than skal være mindst 2h: en node henter hver time, også når ingen ser dens sider, og et spejl i brug må ikke spærres")
			}
			return nil
		},
		run: func(ctx context.Context, hc *hubConn) error {
			if hc.pg == nil {
				fmt.Fprintln(stdout, "Serveren kører på SQLite og har ingen spejle at spærre.")
				return nil
			}
			pruned, err := hc.pg.PruneMirrors(ctx, hc.pg.Now().Add(-*older))
			for _, m := range pruned {
				fmt.Fprintf(stdout, "Spejlet %s (%s, %s) er spærret; sidst hentet %s.\n", m.ID, m.Label, m.Place, stampDK(m.LastSeen))
			}
			if err != nil {
				return err
			}
			if len(pruned) == 1 {
				fmt.Fprintln(stdout, "1 spejl er spærret.")
			} else {
				fmt.Fprintf(stdout, "%d spejle er spærret.\n", len(pruned))
			}
			return nil
		},
	}
}

// tidyEvery is how often a serve node tidies up (tidy).
const tidyEvery = time.Hour

// tidy is what a serve node does every hour until ctx ends: it sweeps the
// partial uploads abandoned for --partial-ttl, and on PostgreSQL pulls
// into its mirror (m, nil on SQLite), so that the mirror of a node whose
// pages nobody opens is still seen and not pruned.
func tidy(ctx context.Context, hub *exchange.Server, m *exchange.Mirror, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, _, err := hub.SweepPartialUploads(ctx); err != nil {
			log.Warn("partial uploads not swept", "err", err)
		}
		if m != nil {
			rctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
			if err := m.Refresh(rctx); err != nil && ctx.Err() == nil {
				log.Warn("mirror not refreshed", "err", err)
			}
			cancel()
		}
	}
}
