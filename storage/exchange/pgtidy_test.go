package exchange

// What the PostgreSQL hub left lying around (issue 15, pgtidy): mirrors
// thrown away, partial uploads abandoned, bundles' files past the
// council's bound.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/postgres"
)

// pullWith pulls through the door with a device's token "id.secret".
func pullWith(t *testing.T, url, token string) error {
	t.Helper()
	var pr json.RawMessage
	return cli.call(context.Background(), http.MethodGet, url+"/v1/pull?since=0", token, nil, &pr)
}

// A mirror whose cache is deleted is made again as a new device, and the
// device of the one it replaces is revoked: one live mirror per place,
// and the thrown-away one's secret is refused at the door. A mirror
// somewhere else (another file) is left alone.
func TestPGMirrorMadeAgainRevokesTheOld(t *testing.T) {
	s, _, url, _ := twoPGNodes(t)
	dir, other := t.TempDir(), t.TempDir()
	path := filepath.Join(dir, "spejl.db")
	first, err := OpenMirror(context.Background(), s, path, "Spejl på test ("+dir+")", nil)
	ok(t, err)
	oldToken := must(first.DB.Meta(t.Context(), storage.MetaToken))
	ok(t, pullWith(t, url, oldToken)) // live while it is in use
	ok(t, first.Close())
	elsewhere, err := OpenMirror(context.Background(), s, filepath.Join(other, "spejl.db"), "Spejl på test ("+other+")", nil)
	ok(t, err)
	defer elsewhere.Close()

	// The cache is deleted; the node opens its mirror again.
	ents, err := os.ReadDir(dir)
	ok(t, err)
	for _, e := range ents {
		ok(t, os.RemoveAll(filepath.Join(dir, e.Name())))
	}
	again, err := OpenMirror(context.Background(), s, path, "Spejl på test ("+dir+")", nil)
	ok(t, err)
	defer again.Close()
	if again.Device().ID == first.Device().ID {
		t.Fatal("the mirror made again is the old device")
	}
	ms, err := s.Mirrors(context.Background())
	ok(t, err)
	live := map[string]bool{}
	for _, m := range ms {
		if m.Revoked.IsZero() {
			live[m.ID] = true
		}
	}
	if len(live) != 2 || !live[again.Device().ID] || !live[elsewhere.Device().ID] {
		t.Errorf("live mirrors %v, want the new one %s and the one elsewhere %s (old %s)", live, again.Device().ID, elsewhere.Device().ID, first.Device().ID)
	}
	if err := pullWith(t, url, oldToken); !isRemote(err, CodeRevoked) {
		t.Errorf("the thrown-away mirror's secret at the door: %v, want revoked", err)
	}
	ok(t, pullWith(t, url, must(again.DB.Meta(t.Context(), storage.MetaToken))))
}

// Every pull records when the mirror last pulled; PruneMirrors revokes a
// mirror not seen since the limit, whose secret is then refused at the
// door, and leaves a recent one live.
func TestPGPruneMirrors(t *testing.T) {
	s, _, url, _ := twoPGNodes(t)
	clock := now
	s.Now = func() time.Time { return clock }
	stale, err := OpenMirror(context.Background(), s, filepath.Join(t.TempDir(), "spejl.db"), "Spejl på gammel", nil)
	ok(t, err)
	defer stale.Close()
	staleToken := must(stale.DB.Meta(t.Context(), storage.MetaToken))
	clock = now.Add(40 * 24 * time.Hour)
	fresh, err := OpenMirror(context.Background(), s, filepath.Join(t.TempDir(), "spejl.db"), "Spejl på ny", nil)
	ok(t, err)
	defer fresh.Close()
	ms, err := s.Mirrors(context.Background())
	ok(t, err)
	seen := map[string]time.Time{}
	for _, m := range ms {
		seen[m.ID] = m.LastSeen
	}
	if !seen[stale.Device().ID].Equal(now.Truncate(time.Second)) || !seen[fresh.Device().ID].Equal(clock.Truncate(time.Second)) {
		t.Errorf("last seen %v, want the stale one at %v and the fresh one at %v", seen, now, clock)
	}

	pruned, err := s.PruneMirrors(context.Background(), clock.Add(-720*time.Hour))
	ok(t, err)
	if len(pruned) != 1 || pruned[0].ID != stale.Device().ID {
		t.Fatalf("pruned %+v, want only the stale mirror %s", pruned, stale.Device().ID)
	}
	if err := pullWith(t, url, staleToken); !isRemote(err, CodeRevoked) {
		t.Errorf("the pruned mirror's secret at the door: %v, want revoked", err)
	}
	ok(t, pullWith(t, url, must(fresh.DB.Meta(t.Context(), storage.MetaToken))))
	if again, err := s.PruneMirrors(context.Background(), clock.Add(-720*time.Hour)); err != nil || len(again) != 0 {
		t.Errorf("a second prune: %+v, %v", again, err)
	}
}

func isRemote(err error, code string) bool {
	var re *RemoteError
	return errors.As(err, &re) && re.Code == code
}

// unsentFiles attaches n files of size bytes on laptop a whose rows reach
// the hub while their files do not (moved away before the sync); it
// returns the rows and the files' bytes.
func unsentFiles(t *testing.T, a *storage.DB, council string, n, size int, seed uint64) ([]model.Attachment, [][]byte) {
	t.Helper()
	it := upcomingItem(t, a, council, 40*24*time.Hour) // not fetched ahead
	var atts []model.Attachment
	var data [][]byte
	for i := range n {
		d := blobBytes(size, seed+uint64(i))
		att, err := a.AddAttachment(t.Context(), model.OwnerItem, it.ID, fmt.Sprintf("Bilag %d.pdf", i+1), bytes.NewReader(d))
		ok(t, err)
		p := must(a.AttachmentFile(att))
		ok(t, os.Rename(p, p+".væk"))
		atts, data = append(atts, att), append(data, d)
	}
	syncOK(t, a)
	return atts, data
}

// putPart sends one chunk of a's file at offset through the door, as the
// device token; at is when the hub's store writes it (the partial file's
// time), on either store.
func putPart(t *testing.T, h *storeHub, token string, att model.Attachment, offset int64, chunk []byte, at time.Time) (BlobState, error) {
	t.Helper()
	if pg, isPG := h.store.(*postgres.Store); isPG {
		pg.Now = func() time.Time { return at }
		defer func() { pg.Now = func() time.Time { return now } }()
	}
	u := fmt.Sprintf("%s/v1/blobs/%s?size=%d&offset=%d", h.url, att.SHA256, att.Size, offset)
	var st BlobState
	_, err := cli.rawCall(context.Background(), http.MethodPut, u, token, bytes.NewReader(chunk), int64(len(chunk)), &st)
	if db, isSQLite := h.store.(*storage.DB); isSQLite && err == nil && !st.Whole {
		ok(t, os.Chtimes(filepath.Join(db.Blobs().Dir(), "partial", att.SHA256), at, at))
	}
	return st, err
}

// A partial upload not added to for PartialTTL is gone after a sweep; a
// recent one is kept and resumes where it stopped.
func TestStoresPartialUploadsSwept(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy := h.council("Jyderup Lokalråd")
		a, _ := h.laptop(t, "a", jy, 0)
		atts, data := unsentFiles(t, a, jy, 2, 3000, 81)
		token := tokenOf(t, a)
		bs := h.store.(BlobStore)
		_, err := putPart(t, h, token, atts[0], 0, data[0][:1000], now)
		ok(t, err)
		_, err = putPart(t, h, token, atts[1], 0, data[1][:1000], now.Add(20*time.Hour))
		ok(t, err)

		h.srv.Now = func() time.Time { return now.Add(25 * time.Hour) }
		n, b, err := h.srv.SweepPartialUploads(t.Context())
		ok(t, err)
		if n != 1 || b != 1000 {
			t.Errorf("swept %d files, %d bytes; want the one abandoned 25 h ago, 1000 bytes", n, b)
		}
		if got, whole, err := bs.BlobReceived(t.Context(), atts[0].SHA256); err != nil || got != 0 || whole {
			t.Errorf("the abandoned upload after the sweep: %d bytes, whole %v, %v", got, whole, err)
		}
		if got, _, err := bs.BlobReceived(t.Context(), atts[1].SHA256); err != nil || got != 1000 {
			t.Errorf("the recent upload after the sweep: %d bytes, %v; want its 1000", got, err)
		}
		// The recent one resumes; the swept one is told to start again.
		st, err := putPart(t, h, token, atts[1], 1000, data[1][1000:], now.Add(25*time.Hour))
		ok(t, err)
		if !st.Whole || !bytes.Equal(hubBlob(t, h.store, atts[1].SHA256), data[1]) {
			t.Errorf("the recent upload resumed: %+v", st)
		}
		if _, err := putPart(t, h, token, atts[0], 1000, data[0][1000:], now.Add(25*time.Hour)); err == nil {
			t.Error("a chunk after a swept part was taken")
		}
	})
}

// Partial uploads count with their whole size against the council's
// bound: a device that starts many uploads and finishes none is refused
// once they would pass it, in Danish; once they are old enough to be
// swept, an upload's start sweeps them and the next file goes.
func TestStoresPartialUploadsCountAgainstQuota(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy := h.council("Jyderup Lokalråd")
		a, _ := h.laptop(t, "a", jy, 0)
		atts, data := unsentFiles(t, a, jy, 4, 3000, 91)
		h.srv.MaxCouncilBlobBytes = 3*3000 + 1500
		token := tokenOf(t, a)
		for i := range 3 {
			_, err := putPart(t, h, token, atts[i], 0, data[i][:1000], now)
			ok(t, err)
		}
		_, err := putPart(t, h, token, atts[3], 0, data[3][:1000], now)
		if !isRemote(err, CodeQuota) || !strings.Contains(err.Error(), "Bilag 4.pdf") || !strings.Contains(err.Error(), "fylder") {
			t.Errorf("a fourth unfinished upload: %v, want refused by the council's bound, in Danish, naming the file", err)
		}
		if got, _ := noerr.Get2(h.store.(BlobStore).BlobReceived(t.Context(), atts[3].SHA256))(t); got != 0 {
			t.Errorf("the refused upload left %d bytes", got)
		}
		// A day later the three are abandoned: the next start sweeps them.
		h.srv.Now = func() time.Time { return now.Add(25 * time.Hour) }
		_, err = putPart(t, h, token, atts[3], 0, data[3][:1000], now.Add(25*time.Hour))
		ok(t, err)
		for i := range 3 {
			if got, _ := noerr.Get2(h.store.(BlobStore).BlobReceived(t.Context(), atts[i].SHA256))(t); got != 0 {
				t.Errorf("abandoned upload %d kept %d bytes", i+1, got)
			}
		}
	})
}

// A bundle's files count against the council's bound as uploads do: a
// bundle whose new files would take the council past it is refused whole,
// in Danish, naming the council and the sizes, and leaves nothing in (no
// op, no file); within the bound it is taken with its files.
func TestStoresBundleFilesQuota(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy := h.council("Jyderup Lokalråd")
		a, _ := h.laptop(t, "a", jy, 0)
		it := upcomingItem(t, a, jy, 40*24*time.Hour)
		_, err := a.AddAttachment(t.Context(), model.OwnerItem, it.ID, "Først.pdf", bytes.NewReader(blobBytes(3000, 101)))
		ok(t, err)
		syncOK(t, a) // the hub holds 3000 bytes of the council's files
		var fresh []model.Attachment
		for i := range 2 {
			att, err := a.AddAttachment(t.Context(), model.OwnerItem, it.ID, fmt.Sprintf("Ny %d.pdf", i+1), bytes.NewReader(blobBytes(3000, uint64(102+i))))
			ok(t, err)
			fresh = append(fresh, att)
		}
		var buf bytes.Buffer
		_, err = cli.WriteBundle(context.Background(), &buf, a, jy)
		ok(t, err)
		raw := buf.Bytes()

		tight := withClient(func(cl *Client) { cl.MaxCouncilBlobBytes = 3000 + 4000 })
		_, n, err := tight.HubImportBundle(context.Background(), bytes.NewReader(raw), h.store, now, 24*time.Hour)
		if !errors.Is(err, ErrRefusedBundle) || n != 0 {
			t.Fatalf("a bundle past the council's bound: %d ops, %v; want refused", n, err)
		}
		for _, want := range []string{"Jyderup Lokalråd", model.Bytes(3000), model.Bytes(6000), model.Bytes(7000), "afvist"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("the refusal %q does not say %q", err, want)
			}
		}
		for _, att := range fresh {
			if ops, err := h.store.FieldOps(context.Background(), "attachments", att.ID, "sha256"); err != nil || len(ops) != 0 {
				t.Errorf("the refused bundle left the row of %s: %d ops, %v", att.Name, len(ops), err)
			}
			if got, _ := noerr.Get2(h.store.(BlobStore).BlobReceived(t.Context(), att.SHA256))(t); got != 0 {
				t.Errorf("the refused bundle left %d bytes of %s", got, att.Name)
			}
		}

		roomy := withClient(func(cl *Client) { cl.MaxCouncilBlobBytes = 3000 + 6000 })
		_, n, err = roomy.HubImportBundle(context.Background(), bytes.NewReader(raw), h.store, now, 24*time.Hour)
		ok(t, err)
		if n == 0 {
			t.Error("the bundle within the bound brought no op")
		}
		for i, att := range fresh {
			if got := hubBlob(t, h.store, att.SHA256); !bytes.Equal(got, blobBytes(3000, uint64(102+i))) {
				t.Errorf("%s at the hub: %d bytes", att.Name, len(got))
			}
		}
	})
}
