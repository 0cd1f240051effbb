package exchange

// A bundle's files (bilag) at the hub, on both stores: kept on import when
// a live attachment row of the bundle's council names them and their bytes
// match, carried on export when the store holds them whole.

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// hubBlob is the file sum as the hub's store holds it (nil: not whole).
func hubBlob(t *testing.T, store HubStore, sum string) []byte {
	t.Helper()
	bs := store.(BlobStore)
	if _, whole, err := bs.BlobReceived(t.Context(), sum); err != nil || !whole {
		ok(t, err)
		return nil
	}
	f, err := bs.OpenBlob(t.Context(), sum)
	ok(t, err)
	defer f.Close()
	return noerr.Get(io.ReadAll(f))(t)
}

// hubBundle is the hub's bundle of a council, written as `kommune bundle
// export` writes it on each store.
func hubBundle(t *testing.T, store HubStore, council string) []byte {
	t.Helper()
	var buf bytes.Buffer
	var err error
	if db, isSQLite := store.(*storage.DB); isSQLite {
		_, err = cli.WriteBundle(context.Background(), &buf, db, council)
	} else {
		_, err = cli.WriteStoreBundle(context.Background(), &buf, store, council, now)
	}
	ok(t, err)
	return buf.Bytes()
}

// rewriteBundle decodes a bundle, lets change alter it, and encodes it
// again (the ops and their checksum untouched).
func rewriteBundle(t *testing.T, raw []byte, change func(f *bundleFile)) []byte {
	t.Helper()
	var f bundleFile
	ok(t, json.NewDecoder(must(gzip.NewReader(bytes.NewReader(raw)))).Decode(&f))
	if f.Blobs == nil {
		f.Blobs = map[string][]byte{}
	}
	change(&f)
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	ok(t, json.NewEncoder(zw).Encode(f))
	ok(t, zw.Close())
	return out.Bytes()
}

// A laptop's bundle with a file, imported at the hub: the hub keeps the
// file; a new laptop syncing gets it with the same bytes, and so does a
// laptop that only imports the hub's bundle.
func TestStoresBundleFilesThroughHub(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy := h.council("Jyderup Lokalråd")
		a, _ := h.laptop(t, "a", jy, 0)
		it := upcomingItem(t, a, jy, 3*24*time.Hour)
		data := blobBytes(300<<10, 41)
		att, err := a.AddAttachment(t.Context(), model.OwnerItem, it.ID, "Lokalplan.pdf", bytes.NewReader(data))
		ok(t, err)
		var buf bytes.Buffer
		_, err = cli.WriteBundle(context.Background(), &buf, a, jy)
		ok(t, err)

		_, n, err := cli.HubImportBundle(context.Background(), bytes.NewReader(buf.Bytes()), h.store, now, 24*time.Hour)
		ok(t, err)
		if n == 0 {
			t.Fatal("the bundle brought nothing new")
		}
		if got := hubBlob(t, h.store, att.SHA256); !bytes.Equal(got, data) {
			t.Fatalf("the hub holds %d bytes of the bundle's file, want %d", len(got), len(data))
		}
		// Again: idempotent, the file once.
		_, _, err = cli.HubImportBundle(context.Background(), bytes.NewReader(buf.Bytes()), h.store, now, 24*time.Hour)
		ok(t, err)

		// A new laptop syncing fetches it ahead of the meeting.
		b, _ := h.laptop(t, "b", jy, time.Second)
		if got, err := b.ReadAttachment(att); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("B after sync: %d bytes, %v", len(got), err)
		}

		// A laptop of another council sends its own file by sync; the
		// hub's bundle of Jyderup carries Jyderup's file only.
		ka := h.council("Kalundborg Lokalråd")
		k, _ := h.laptop(t, "k", ka, 2*time.Second)
		kit := upcomingItem(t, k, ka, 3*24*time.Hour)
		katt, err := k.AddAttachment(t.Context(), model.OwnerItem, kit.ID, "Kalundborg.pdf", bytes.NewReader(blobBytes(2000, 42)))
		ok(t, err)
		syncOK(t, k)
		if hubBlob(t, h.store, katt.SHA256) == nil {
			t.Fatal("the other council's file did not reach the hub")
		}
		back := hubBundle(t, h.store, jy)
		var f bundleFile
		ok(t, json.NewDecoder(must(gzip.NewReader(bytes.NewReader(back)))).Decode(&f))
		if len(f.Blobs) != 1 || !bytes.Equal(f.Blobs[att.SHA256], data) {
			t.Errorf("the hub's bundle carries %d files, Jyderup's: %v", len(f.Blobs), bytes.Equal(f.Blobs[att.SHA256], data))
		}

		// A laptop that only imports the hub's bundle has the file.
		c := open(t, "c", 3*time.Second)
		_, _, err = cli.ImportBundle(context.Background(), bytes.NewReader(back), c)
		ok(t, err)
		if got, err := c.ReadAttachment(att); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("C after the hub's bundle: %d bytes, %v", len(got), err)
		}
	})
}

// What a bundle must not bring in at the hub, on either store: a file
// whose bytes do not match its name, or one no attachment op of the
// bundle names (another council's), refuses the bundle whole; a file
// named only by a row deleted since is left out and the rest is taken.
func TestStoresBundleFilesRefused(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy := h.council("Jyderup Lokalråd")
		ka := h.council("Kalundborg Lokalråd")
		a, _ := h.laptop(t, "a", jy, 0)
		k, _ := h.laptop(t, "k", ka, time.Second)
		it := upcomingItem(t, a, jy, 3*24*time.Hour)
		data := blobBytes(5000, 51)
		att, err := a.AddAttachment(t.Context(), model.OwnerItem, it.ID, "Budget.pdf", bytes.NewReader(data))
		ok(t, err)
		kit := upcomingItem(t, k, ka, 3*24*time.Hour)
		kdata := blobBytes(4000, 52)
		katt, err := k.AddAttachment(t.Context(), model.OwnerItem, kit.ID, "Kalundborg.pdf", bytes.NewReader(kdata))
		ok(t, err)
		var buf bytes.Buffer
		_, err = cli.WriteBundle(context.Background(), &buf, a, jy)
		ok(t, err)
		before := len(allPulled(t, h.store, ""))
		noFile := func(what, sum string) {
			t.Helper()
			if n, _, err := h.store.(BlobStore).BlobReceived(context.Background(), sum); err != nil || n != 0 {
				t.Errorf("%s: the hub holds %d bytes of the file (%v)", what, n, err)
			}
		}

		wrong := rewriteBundle(t, buf.Bytes(), func(f *bundleFile) { f.Blobs[att.SHA256][100] ^= 1 })
		_, n, err := cli.HubImportBundle(context.Background(), bytes.NewReader(wrong), h.store, now, 24*time.Hour)
		if !errors.Is(err, ErrRefusedBundle) || !errors.Is(err, ErrBundleBlob) || n != 0 || !strings.Contains(err.Error(), "beskadiget") {
			t.Errorf("a bundle with wrong bytes: %d, %v", n, err)
		}
		noFile("wrong bytes", att.SHA256)

		foreign := rewriteBundle(t, buf.Bytes(), func(f *bundleFile) { f.Blobs[katt.SHA256] = kdata })
		_, n, err = cli.HubImportBundle(context.Background(), bytes.NewReader(foreign), h.store, now, 24*time.Hour)
		if !errors.Is(err, ErrRefusedBundle) || !errors.Is(err, ErrBundleBlob) || n != 0 {
			t.Errorf("a bundle with another council's file: %d, %v", n, err)
		}
		noFile("another council's file", katt.SHA256)
		if after := len(allPulled(t, h.store, "")); after != before {
			t.Errorf("refused bundles left %d ops", after-before)
		}

		// The row is deleted before the bundle is written: its sha256 op
		// still travels, but no live row names the file, so a file put
		// in beside it is not kept; the ops are taken.
		ok(t, a.DeleteAttachment(t.Context(), att.ID))
		buf.Reset()
		_, err = cli.WriteBundle(context.Background(), &buf, a, jy)
		ok(t, err)
		stale := rewriteBundle(t, buf.Bytes(), func(f *bundleFile) {
			if len(f.Blobs) != 0 {
				t.Errorf("the laptop's bundle carries %d files of deleted rows", len(f.Blobs))
			}
			f.Blobs[att.SHA256] = data
		})
		_, n, err = cli.HubImportBundle(context.Background(), bytes.NewReader(stale), h.store, now, 24*time.Hour)
		ok(t, err)
		if n == 0 {
			t.Error("the bundle's ops were not taken")
		}
		noFile("a deleted row's file", att.SHA256)
	})
}

// A hub holding part of the file from an upload cut short finishes it from
// the bundle; a part that turns out wrong is replaced by the bundle's
// file. Either way the hub ends with the file's true bytes.
func TestStoresBundleFileAfterPartialUpload(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy := h.council("Jyderup Lokalråd")
		a, _ := h.laptop(t, "a", jy, 0)
		it := upcomingItem(t, a, jy, 3*24*time.Hour)
		bs := h.store.(BlobStore)
		for i, part := range []func([]byte) []byte{
			func(d []byte) []byte { return d[:1000] },
			func(d []byte) []byte { p := bytes.Clone(d[:1000]); p[10] ^= 1; return p },
		} {
			data := blobBytes(3000, uint64(61+i))
			att, err := a.AddAttachment(t.Context(), model.OwnerItem, it.ID, "Del.pdf", bytes.NewReader(data))
			ok(t, err)
			p := part(data)
			if n, _, err := bs.AppendBlob(t.Context(), att.SHA256, att.Size, 0, bytes.NewReader(p), model.MaxAttachmentSize); err != nil || n != int64(len(p)) {
				t.Fatalf("partial upload: %d, %v", n, err)
			}
			var buf bytes.Buffer
			_, err = cli.WriteBundle(context.Background(), &buf, a, jy)
			ok(t, err)
			_, _, err = cli.HubImportBundle(context.Background(), &buf, h.store, now, 24*time.Hour)
			ok(t, err)
			if got := hubBlob(t, h.store, att.SHA256); !bytes.Equal(got, data) {
				t.Errorf("case %d: the hub holds %d bytes after the bundle, want the file's %d", i, len(got), len(data))
			}
		}
	})
}

// The hub's bundle is bounded as a laptop's: the newest files first, up to
// BundleBlobBytes; a file the hub holds only part of is left out.
func TestStoresBundleFileBudget(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy := h.council("Jyderup Lokalråd")
		a, _ := h.laptop(t, "a", jy, 0)
		it := upcomingItem(t, a, jy, 40*24*time.Hour) // not fetched ahead
		old, err := a.AddAttachment(t.Context(), model.OwnerItem, it.ID, "Gammel.pdf", bytes.NewReader(blobBytes(3000, 71)))
		ok(t, err)
		syncOK(t, a)
		newer, err := a.AddAttachment(t.Context(), model.OwnerItem, it.ID, "Ny.pdf", bytes.NewReader(blobBytes(3000, 72)))
		ok(t, err)
		syncOK(t, a)
		// The newest row's file reaches the hub only in part.
		halfData := blobBytes(3000, 73)
		half, err := a.AddAttachment(t.Context(), model.OwnerItem, it.ID, "Halv.pdf", bytes.NewReader(halfData))
		ok(t, err)
		path := must(a.AttachmentFile(half))
		ok(t, os.Rename(path, path+".væk"))
		syncOK(t, a)
		_, _, err = h.store.(BlobStore).AppendBlob(t.Context(), half.SHA256, half.Size, 0, bytes.NewReader(halfData[:1000]), model.MaxAttachmentSize)
		ok(t, err)
		for _, c := range []struct {
			budget int64
			want   []string
		}{{4000, []string{newer.SHA256}}, {7000, []string{old.SHA256, newer.SHA256}}} {
			cl := withClient(func(cl *Client) { cl.BundleBlobBytes = c.budget })
			var buf bytes.Buffer
			if db, isSQLite := h.store.(*storage.DB); isSQLite {
				_, err = cl.WriteBundle(context.Background(), &buf, db, jy)
			} else {
				_, err = cl.WriteStoreBundle(context.Background(), &buf, h.store, jy, now)
			}
			ok(t, err)
			var f bundleFile
			ok(t, json.NewDecoder(must(gzip.NewReader(&buf))).Decode(&f))
			got := slices.Sorted(maps.Keys(f.Blobs))
			if want := slices.Sorted(slices.Values(c.want)); !slices.Equal(got, want) {
				t.Errorf("budget %d: the bundle carries %d files %.8q, want %.8q (old %.8s, new %.8s, half %.8s)", c.budget, len(got), got, want, old.SHA256, newer.SHA256, half.SHA256)
			}
		}
	})
}
