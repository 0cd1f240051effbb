package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"lokalraad/model"
	"lokalraad/storage"
)

// poolAdd creates one of the municipality's pools on the hub; it reaches
// every council's devices on their next sync. It prints the pool's id last.
func poolAdd(fs *flag.FlagSet, stdout io.Writer) hubWork {
	name := fs.String("name", "", "puljens navn (påkrævet)")
	deadline := fs.String("deadline", "", "ansøgningsfrist, fx 01.03.2027")
	open := fs.Bool("open", false, "åben hele året (ingen frist)")
	amount := fs.String("amount", "", "beløb i puljen i kroner, fx 200.000")
	maxPer := fs.String("max", "", "højst pr. ansøgning i kroner, fx 50.000")
	description := fs.String("description", "", "hvad puljen støtter")
	rules := fs.String("rules", "", "puljens regler")
	cache := cacheFlag(fs)
	var p model.Pool
	return hubWork{
		check: func(string) error {
			p = model.Pool{Name: *name, Description: *description, Rules: *rules, OpenAllYear: *open}
			var err error
			if p.Deadline, err = model.ParseDate(*deadline); err != nil {
				return fmt.Errorf("--deadline: %w", err)
			}
			if p.Available, err = model.ParseKroner(*amount); err != nil {
				return fmt.Errorf("--amount: %w", err)
			}
			if p.MaxPerApp, err = model.ParseKroner(*maxPer); err != nil {
				return fmt.Errorf("--max: %w", err)
			}
			return p.Validate()
		},
		run: func(ctx context.Context, hc *hubConn) error {
			save := func(db *storage.DB) error { return db.SavePool(ctx, model.Pool{}, &p) }
			var err error
			if hc.pg != nil {
				// Written as a staff device writes it, and sent through the
				// door into the op log (exchange.Mirror).
				m, err := hc.mirror(ctx, *cache, "admin", nil)
				if err != nil {
					return err
				}
				defer m.Close()
				err = m.Write(ctx, save)
				if err != nil {
					return err
				}
			} else if err = save(hc.db); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "Puljen %q er oprettet.\n%s\n", p.Name, p.ID)
			return nil
		},
	}
}

func poolList(fs *flag.FlagSet, stdout io.Writer) hubWork {
	cache := cacheFlag(fs)
	return hubWork{
		check: func(string) error {
			if fs.NArg() != 0 {
				return errors.New("pool list tager ingen argumenter")
			}
			return nil
		},
		run: func(ctx context.Context, hc *hubConn) error {
			db, _, done, err := hc.rows(ctx, *cache)
			if err != nil {
				return err
			}
			defer done()
			pools, err := db.Pools(ctx)
			if err != nil {
				return err
			}
			for _, p := range pools {
				deadline := "hele året"
				if !p.OpenAllYear {
					deadline = model.ShortDate(p.Deadline)
				}
				fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", p.ID, p.Name, deadline, model.Kroner(p.Available))
			}
			return nil
		},
	}
}
