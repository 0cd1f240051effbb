package exchange

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/postgres/pgtest"
)

// adminStore is what `kommune` and the blob endpoints ask of a hub's
// store besides HubStore, on both stores.
type adminStore interface {
	BlobStore
	PartialSweeper
	AddDevice(ctx context.Context, label, council string, staff bool) (storage.Device, string, error)
	Devices(ctx context.Context) ([]storage.Device, error)
	RevokeDevice(ctx context.Context, id string) error
	HubSequence(ctx context.Context) (int64, error)
	Councils(ctx context.Context) ([]model.Council, error)
}

var adminKinds = []struct {
	name string
	// open gives the store and how it adds a council; readerCtx tells
	// whether OpenBlob's reader reads under the context (PostgreSQL's
	// reads chunks from the database; SQLite's is a file).
	open      func(t *testing.T) (adminStore, func(ctx context.Context, name string) (string, error))
	readerCtx bool
}{
	{"sqlite", func(t *testing.T) (adminStore, func(context.Context, string) (string, error)) {
		db := open(t, "hub", 0)
		ok(t, db.SetHub(t.Context()))
		return db, func(ctx context.Context, name string) (string, error) {
			c := model.Council{Name: name}
			err := db.SaveCouncil(ctx, model.Council{}, &c)
			return c.ID, err
		}
	}, false},
	{"postgres", func(t *testing.T) (adminStore, func(context.Context, string) (string, error)) {
		s := openPG(t, pgtest.URL(t))
		return s, s.AddCouncil
	}, true},
}

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// On both stores, the hub's admin methods (`kommune council|device …`) and
// its file store (the blob endpoints, bundles) stop when their context has
// ended (Ctrl-C, a client gone): each returns context.Canceled, and a
// write leaves the registry, the councils and the files as they were. A
// file being read stops too where the reader reads from the database.
func TestCancelledHubStoreStops(t *testing.T) {
	for _, k := range adminKinds {
		t.Run(k.name, func(t *testing.T) {
			st, addCouncil := k.open(t)
			council, err := addCouncil(t.Context(), "Jyderup Lokalråd")
			ok(t, err)
			d, _, err := st.AddDevice(t.Context(), "Karens bærbare", council, false)
			ok(t, err)
			whole, part := bytes.Repeat([]byte("kort over stien "), 100), []byte("%PDF-1.4 referat, halvt sendt")
			wholeSum, partSum := hexSum(whole), hexSum(part)
			if _, done, err := st.AppendBlob(t.Context(), wholeSum, int64(len(whole)), 0, bytes.NewReader(whole), 1<<20); err != nil || !done {
				t.Fatalf("whole file: done %v, %v", done, err)
			}
			_, _, err = st.AppendBlob(t.Context(), partSum, int64(len(part)), 0, bytes.NewReader(part[:10]), 1<<20)
			ok(t, err)

			state := func() string {
				var b strings.Builder
				ds, err := st.Devices(t.Context())
				ok(t, err)
				for _, d := range ds {
					fmt.Fprintf(&b, "%s %q %v|", d.ID, d.Label, d.Revoked)
				}
				cs, err := st.Councils(t.Context())
				ok(t, err)
				for _, c := range cs {
					fmt.Fprintf(&b, "%s %q|", c.ID, c.Name)
				}
				for _, sum := range []string{wholeSum, partSum} {
					n, whole, err := st.BlobReceived(t.Context(), sum)
					ok(t, err)
					fmt.Fprintf(&b, "%d/%v|", n, whole)
				}
				return b.String()
			}

			reads := map[string]func(ctx context.Context) error{
				"Devices":             func(ctx context.Context) error { _, err := st.Devices(ctx); return err },
				"Councils":            func(ctx context.Context) error { _, err := st.Councils(ctx); return err },
				"HubSequence":         func(ctx context.Context) error { _, err := st.HubSequence(ctx); return err },
				"AttachmentsNamed":    func(ctx context.Context) error { _, err := st.AttachmentsNamed(ctx, wholeSum, council); return err },
				"HeldAttachmentBytes": func(ctx context.Context) error { _, err := st.HeldAttachmentBytes(ctx, council); return err },
				"BlobReceived":        func(ctx context.Context) error { _, _, err := st.BlobReceived(ctx, partSum); return err },
				"OpenBlob": func(ctx context.Context) error {
					f, err := st.OpenBlob(ctx, wholeSum)
					if err != nil {
						return err
					}
					defer f.Close()
					b, err := io.ReadAll(f)
					if err == nil && !bytes.Equal(b, whole) {
						err = errors.New("read another file")
					}
					return err
				},
			}
			for name, read := range reads {
				if err := read(t.Context()); err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				if err := read(cancelled(t)); !errors.Is(err, context.Canceled) {
					t.Errorf("%s with a cancelled context: %v, want context.Canceled", name, err)
				}
			}
			if k.readerCtx {
				ctx, cancel := context.WithCancel(t.Context())
				f, err := st.OpenBlob(ctx, wholeSum)
				ok(t, err)
				cancel()
				if _, err := io.ReadAll(f); !errors.Is(err, context.Canceled) {
					t.Errorf("reading a file after its context ended: %v, want context.Canceled", err)
				}
				f.Close()
			}

			writes := map[string]func(ctx context.Context) error{
				"AddCouncil":   func(ctx context.Context) error { _, err := addCouncil(ctx, "Nyt råd"); return err },
				"AddDevice":    func(ctx context.Context) error { _, _, err := st.AddDevice(ctx, "Ny", council, false); return err },
				"RevokeDevice": func(ctx context.Context) error { return st.RevokeDevice(ctx, d.ID) },
				"AppendBlob": func(ctx context.Context) error {
					_, _, err := st.AppendBlob(ctx, partSum, int64(len(part)), 10, bytes.NewReader(part[10:]), 1<<20)
					return err
				},
				"SweepPartialBlobs": func(ctx context.Context) error {
					_, _, err := st.SweepPartialBlobs(ctx, now.AddDate(10, 0, 0))
					return err
				},
			}
			before := state()
			for name, write := range writes {
				if err := write(cancelled(t)); !errors.Is(err, context.Canceled) {
					t.Errorf("%s with a cancelled context: %v, want context.Canceled", name, err)
				}
				if after := state(); after != before {
					t.Errorf("%s with a cancelled context changed the hub:\n%s\n%s", name, before, after)
				}
			}
			for _, name := range []string{"AddCouncil", "AddDevice", "RevokeDevice", "AppendBlob"} {
				ok(t, writes[name](t.Context()))
				if after := state(); after == before {
					t.Errorf("%s with a live context changed nothing", name)
				} else {
					before = after
				}
			}
		})
	}
}

func cancelled(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	return ctx
}

// A bundle import stopped by Ctrl-C (its context ended) says »afbrudt«, at
// the hub and on a laptop, not what a read cut off by it looks like: the
// hub's council "not on the server", a device "unknown", a bundle refused
// or damaged. Nothing of the bundle is stored; the same import with a live
// context then takes it.
func TestCancelledBundleImportSaysAfbrudt(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup Lokalråd")
	a := h.laptop(t, "a", council, 0)
	syncOK(t, a)
	w := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Cykelsti", Status: model.WishDraft}
	ok(t, a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	file := bundleOf(t, a, council)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	_, n, err := cli.HubImportBundle(ctx, bytes.NewReader(file), h.db, now, 48*time.Hour)
	if !errors.Is(err, model.ErrCanceled) || err.Error() != "afbrudt" || n != 0 {
		t.Errorf("hub: a cancelled import: %d ops, %v; want »afbrudt«", n, err)
	}
	if ws, err := h.db.BudgetWishes(t.Context(), council, 2027); err != nil || len(ws) != 0 {
		t.Errorf("hub: a cancelled import stored %v (%v)", ws, err)
	}
	if _, n, err := cli.HubImportBundle(t.Context(), bytes.NewReader(file), h.db, now, 48*time.Hour); err != nil || n == 0 {
		t.Errorf("hub: the import again: %d ops, %v", n, err)
	}

	b := open(t, "b", 0)
	_, n, err = cli.ImportBundle(ctx, bytes.NewReader(file), b)
	if !errors.Is(err, model.ErrCanceled) || err.Error() != "afbrudt" || n != 0 {
		t.Errorf("laptop: a cancelled import: %d ops, %v; want »afbrudt«", n, err)
	}
	if cs, err := b.Councils(t.Context()); err != nil || len(cs) != 0 {
		t.Errorf("laptop: a cancelled import stored %v (%v)", cs, err)
	}
	if _, n, err := cli.ImportBundle(t.Context(), bytes.NewReader(file), b); err != nil || n == 0 {
		t.Errorf("laptop: the import again: %d ops, %v", n, err)
	}
}
