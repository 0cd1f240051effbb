package main

// kommune migrate: move a hub from its SQLite file to PostgreSQL without
// losing an op. The hub's identity (replica id and key) moves with it, so
// laptops go on trusting it; every op keeps its number, so laptops' pull
// cursors stay right; the device registry keeps its secrets' hashes, so no
// laptop enrols again. The staff users of the web pages move with their
// password hashes (their sessions do not: they log in again), and every
// attachment file the hub holds is copied and checked against its name.
// Afterwards every council's ops are counted and hashed on both sides,
// and any difference is an error.

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"sort"
	"time"

	"lokalraad/internal/cliflag"
	"lokalraad/storage"
	"lokalraad/storage/blobs"
	"lokalraad/storage/postgres"
)

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cliflag.New("kommune migrate", stderr)
	from := fs.String("from", "", "serverens SQLite-fil (påkrævet)")
	to := fs.String("to", "", "PostgreSQL-databasen, postgres://… (påkrævet, tom)")
	if err := cliflag.Danish(fs.Parse(args)); err != nil {
		return err
	}
	if *from == "" || !postgres.IsURL(*to) {
		return errors.New("angiv --from FIL og --to postgres://…")
	}
	db, err := openDB(ctx, *from)
	if err != nil {
		return err
	}
	defer db.Close()
	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	pg, err := postgres.Open(octx, *to)
	cancel()
	if err != nil {
		return err
	}
	defer pg.Close()
	dev, key := db.HubIdentity()
	if err := pg.SetIdentity(ctx, dev, key); err != nil {
		return err
	}
	devs, err := db.StoredDevices(ctx)
	if err != nil {
		return err
	}
	for _, d := range devs {
		if err := pg.InsertDevice(ctx, d); err != nil {
			return fmt.Errorf("enheden %s: %w", d.ID, err)
		}
	}
	const page = 5000
	moved := 0
	for since := int64(0); ; {
		ops, ns, err := db.HubNumbered(ctx, since, page)
		if err != nil {
			return err
		}
		if len(ops) == 0 {
			break
		}
		if err := pg.InsertNumbered(ctx, ops, ns); err != nil {
			return fmt.Errorf("ændringerne efter nr. %d: %w", since, err)
		}
		moved += len(ops)
		since = ns[len(ns)-1]
	}
	users, err := db.StaffUsers(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		if err := pg.InsertStaffUser(ctx, u); err != nil {
			return fmt.Errorf("medarbejderen %s: %w", u.Name, err)
		}
	}
	files, err := copyBlobs(ctx, db, pg, stderr)
	if err != nil {
		return err
	}
	src, err := tally(func(since int64) ([]storage.Change, []int64, error) { return db.HubNumbered(ctx, since, page) })
	if err != nil {
		return err
	}
	dst, err := tally(func(since int64) ([]storage.Change, []int64, error) { return pg.Numbered(ctx, since, page) })
	if err != nil {
		return err
	}
	councils := make([]string, 0, len(src))
	for c := range src {
		councils = append(councils, c)
	}
	for c := range dst {
		if _, ok := src[c]; !ok {
			councils = append(councils, c)
		}
	}
	sort.Strings(councils)
	tw := adminTable(stdout, "RÅD\tÆNDRINGER (SQLITE)\tÆNDRINGER (POSTGRESQL)\tSHA-256\tENS")
	bad := 0
	for _, c := range councils {
		a, b := src[c], dst[c]
		same := a.n == b.n && a.sum() == b.sum()
		mark := "ja"
		if !same {
			mark, bad = "NEJ", bad+1
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\n", c, a.n, b.n, a.sum()[:16], mark)
	}
	tw.Flush()
	if bad > 0 {
		return fmt.Errorf("%d råd har ikke de samme ændringer i PostgreSQL; brug ikke den nye database", bad)
	}
	fmt.Fprintf(stdout, "%d ændringer, %d enheder, %d medarbejdere og %d bilagsfiler flyttet; alle %d råd stemmer.\n", moved, len(devs), len(users), files, len(councils))
	return nil
}

// councilTally is the count and running hash of a council's ops.
type councilTally struct {
	n int
	h hash.Hash
}

func (t *councilTally) sum() string {
	if t == nil || t.h == nil {
		return fmt.Sprintf("%x", sha256.Sum256(nil))
	}
	return fmt.Sprintf("%x", t.h.Sum(nil))
}

// tally reads every numbered op through next and hashes each council's:
// number, id, clock, row, field, value with its type, base and signature.
func tally(next func(since int64) ([]storage.Change, []int64, error)) (map[string]*councilTally, error) {
	out := map[string]*councilTally{}
	for since := int64(0); ; {
		ops, ns, err := next(since)
		if err != nil {
			return nil, err
		}
		if len(ops) == 0 {
			return out, nil
		}
		for i, c := range ops {
			t := out[c.Council]
			if t == nil {
				t = &councilTally{h: sha256.New()}
				out[c.Council] = t
			}
			t.n++
			b := binary.BigEndian.AppendUint64(nil, uint64(ns[i]))
			t.h.Write(b)
			fmt.Fprintf(t.h, "%s\x00%d\x00%s\x00%s\x00%s\x00%T:%v\x00%s\x00%s\x00", c.ID(), c.HLC, c.Table, c.Row, c.Field, c.Value, c.Value, c.Base, c.Sig)
		}
		since = ns[len(ns)-1]
	}
}

// copyBlobs copies every whole attachment file of the SQLite hub into
// PostgreSQL, in chunks of a MB, each checked against its name on both
// sides. A damaged file is left behind, named on stderr (the laptop that
// has it sends it again); it returns how many files the target holds of
// those the source had.
func copyBlobs(ctx context.Context, db *storage.DB, pg *postgres.Store, stderr io.Writer) (int, error) {
	store := db.Blobs()
	sums, err := store.List()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sum := range sums {
		f, err := store.Open(sum) // checked against its name
		if errors.Is(err, blobs.ErrMismatch) {
			fmt.Fprintf(stderr, "bilagsfilen %s er beskadiget og flyttes ikke; den sendes igen fra en computer, der har den\n", sum)
			continue
		}
		if err != nil {
			return n, fmt.Errorf("bilagsfilen %s: %w", sum, err)
		}
		size, err := store.Size(sum)
		if err == nil {
			err = copyBlob(ctx, pg, f, sum, size)
		}
		f.Close()
		if err != nil {
			return n, fmt.Errorf("bilagsfilen %s: %w", sum, err)
		}
		n++
	}
	return n, nil
}

func copyBlob(ctx context.Context, pg *postgres.Store, f io.Reader, sum string, size int64) error {
	const chunk = 1 << 20
	for off := int64(0); ; {
		got, whole, err := pg.AppendBlob(ctx, sum, size, off, io.LimitReader(f, chunk), size)
		if err != nil {
			return err
		}
		if whole {
			return nil
		}
		if got == off {
			return errors.New("filen blev kortere under flytningen")
		}
		off = got
	}
}
