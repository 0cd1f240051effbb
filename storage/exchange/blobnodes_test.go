package exchange

// Attachment files on a hub of two nodes sharing one store (issue 15):
// the same tests on the SQLite hub (two servers on one file) and on
// PostgreSQL (two stores on one database, as two `kommune serve`).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/postgres"
	"lokalraad/storage/postgres/pgtest"
)

var _ BlobStore = (*postgres.Store)(nil)

// blobNodes is a hub of two nodes on one store.
type blobNodes struct {
	urls    [2]string
	council func(name string) string
	code    func(council string) string
}

func newBlobNodes(t *testing.T, kind string) *blobNodes {
	var stores [2]HubStore
	var addCouncil func(context.Context, string) (string, error)
	var addDevice func(context.Context, string, string, bool) (storage.Device, string, error)
	switch kind {
	case "sqlite":
		db := open(t, "hub", 0)
		ok(t, db.SetHub(t.Context()))
		stores = [2]HubStore{db, db}
		addCouncil = func(ctx context.Context, name string) (string, error) {
			c := model.Council{Name: name}
			err := db.SaveCouncil(ctx, model.Council{}, &c)
			return c.ID, err
		}
		addDevice = db.AddDevice
	case "postgres":
		url := pgtest.URL(t)
		a, b := openPG(t, url), openPG(t, url)
		stores = [2]HubStore{a, b}
		addCouncil, addDevice = a.AddCouncil, b.AddDevice
	}
	n := &blobNodes{}
	for i, st := range stores {
		srv := NewStoreServer(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
		srv.Now = func() time.Time { return now }
		if srv.Blobs == nil {
			t.Fatalf("%s: the store keeps no files", kind)
		}
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(ts.Close)
		n.urls[i] = ts.URL
	}
	n.council = func(name string) string {
		id, err := addCouncil(t.Context(), name)
		ok(t, err)
		return id
	}
	n.code = func(council string) string {
		_, code, err := addDevice(t.Context(), "laptop", council, council == "")
		ok(t, err)
		return code
	}
	return n
}

// laptop enrols a laptop at node i (not synced yet).
func (n *blobNodes) laptop(t *testing.T, name, council string, node int) *storage.DB {
	db := open(t, name, time.Duration(node)*time.Second)
	_, err := cli.Enroll(context.Background(), db, n.urls[node], n.code(council))
	ok(t, err)
	return db
}

func forEachBlobStore(t *testing.T, f func(t *testing.T, n *blobNodes)) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) { f(t, newBlobNodes(t, kind)) })
	}
}

// A file one laptop sends up through node A downloads from node B with
// the same bytes (also a Range request resuming a cut download); a
// device of another council can neither fetch nor send it, through
// either node, and learns nothing of its bytes.
func TestStoresBlobAcrossNodes(t *testing.T) {
	forEachBlobStore(t, func(t *testing.T, n *blobNodes) {
		c := withClient(func(c *Client) { c.BlobChunk = 64 << 10 })
		jy := n.council("Jyderup Lokalråd")
		to := n.council("Tølløse Lokalråd")
		a := n.laptop(t, "a", jy, 0)
		syncOK(t, a)
		it := upcomingItem(t, a, jy, 3*24*time.Hour)
		pdf := blobBytes(200<<10+17, 7) // four chunks, the last a short one
		att, err := a.AddAttachment(t.Context(), model.OwnerItem, it.ID, "Tilbud.pdf", bytes.NewReader(pdf))
		ok(t, err)
		if res := syncWith(t, c, a); res.BlobsSent != 1 || res.BlobBytesSent != int64(len(pdf)) || res.Note != "" {
			t.Fatalf("laptop A's sync through node A: %+v", res)
		}

		b := n.laptop(t, "b", jy, 1)
		if res := syncWith(t, c, b); res.BlobsFetched != 1 {
			t.Fatalf("laptop B's sync through node B fetched %d files (%q)", res.BlobsFetched, res.Note)
		}
		got, err := b.ReadAttachment(att)
		if err != nil || !bytes.Equal(got, pdf) {
			t.Fatalf("laptop B's copy from node B: %v (same bytes: %v)", err, bytes.Equal(got, pdf))
		}
		// A cut download resumes from node B with a Range request.
		r := must(http.NewRequest(http.MethodGet, n.urls[1]+"/v1/blobs/"+att.SHA256, nil))
		r.Header.Set("Authorization", "Bearer "+tokenOf(t, b))
		r.Header.Set("Range", "bytes=100000-")
		resp, err := c.HTTP.Do(r)
		ok(t, err)
		tail := noerr.Get(io.ReadAll(resp.Body))(t)
		resp.Body.Close()
		if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(tail, pdf[100000:]) {
			t.Errorf("range from node B: %d, %d bytes, same: %v", resp.StatusCode, len(tail), bytes.Equal(tail, pdf[100000:]))
		}

		x := n.laptop(t, "x", to, 1)
		syncOK(t, x)
		for node, url := range n.urls {
			for _, r := range []*http.Request{
				must(http.NewRequest(http.MethodGet, url+"/v1/blobs/"+att.SHA256, nil)),
				must(http.NewRequest(http.MethodPut, fmt.Sprintf("%s/v1/blobs/%s?size=%d&offset=0", url, att.SHA256, att.Size), bytes.NewReader(pdf))),
				must(http.NewRequest(http.MethodPost, url+"/v1/blobs", strings.NewReader(`{"sums":["`+att.SHA256+`"]}`))),
			} {
				r.Header.Set("Authorization", "Bearer "+tokenOf(t, x))
				resp, err := c.HTTP.Do(r)
				ok(t, err)
				body := noerr.Get(io.ReadAll(resp.Body))(t)
				resp.Body.Close()
				if resp.StatusCode != http.StatusForbidden || bytes.Contains(body, pdf[:64]) {
					t.Errorf("node %d: %s by another council's device: %d %.200s", node, r.Method, resp.StatusCode, body)
				}
			}
		}
		if err := c.FetchBlob(context.Background(), x, att); err == nil {
			t.Error("another council's laptop fetched the file")
		}
	})
}

// An upload cut off at node A resumes at node B from what the store
// holds, sending only the rest; two nodes given the same chunk keep it
// once (the second answers 409 with the length held); a whole file whose
// bytes do not match its name is not kept, and fetching it says it is not
// sent yet.
func TestStoresBlobResumeAcrossNodes(t *testing.T) {
	forEachBlobStore(t, func(t *testing.T, n *blobNodes) {
		c := withClient(func(c *Client) { c.BlobChunk = 64 << 10 })
		jy := n.council("Jyderup Lokalråd")
		a := n.laptop(t, "a", jy, 0)
		syncOK(t, a)
		it := upcomingItem(t, a, jy, 40*24*time.Hour)
		data := blobBytes(5*64<<10+100, 3)
		att, err := a.AddAttachment(t.Context(), model.OwnerItem, it.ID, "Lokalplan.pdf", bytes.NewReader(data))
		ok(t, err)
		fake := blobBytes(5000, 4)
		other, err := a.AddAttachment(t.Context(), model.OwnerItem, it.ID, "Bilag 2.pdf", bytes.NewReader(fake))
		ok(t, err)

		var puts, putBytes atomic.Int64
		old := c.HTTP.Transport
		c.HTTP.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodPut {
				if strings.Contains(r.URL.Path, other.SHA256) {
					return nil, errors.New("forbindelsen blev afbrudt")
				}
				if puts.Add(1) == 3 {
					return nil, errors.New("forbindelsen blev afbrudt")
				}
				putBytes.Add(r.ContentLength)
			}
			return old.RoundTrip(r)
		})
		if _, err := c.Sync(context.Background(), a, ""); err == nil {
			t.Fatal("a sync cut in the middle reported success")
		}
		ok(t, a.SetMeta(t.Context(), storage.MetaServer, n.urls[1]))
		putBytes.Store(0)
		c.HTTP.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodPut {
				if strings.Contains(r.URL.Path, other.SHA256) {
					return nil, errors.New("forbindelsen blev afbrudt")
				}
				putBytes.Add(r.ContentLength)
			}
			return old.RoundTrip(r)
		})
		c.Sync(context.Background(), a, "")
		if want := int64(len(data)) - 2*64<<10; putBytes.Load() != want {
			t.Errorf("resumed at node B: sent %d bytes, want only the rest %d", putBytes.Load(), want)
		}
		c.HTTP.Transport = old

		b := n.laptop(t, "b", jy, 0)
		syncOK(t, b)
		ok(t, c.FetchBlob(context.Background(), b, att))
		if got, err := b.ReadAttachment(att); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("the file resumed at node B, fetched from node A: %v", err)
		}

		put := func(node int, offset int64, chunk []byte) (int, BlobState) {
			u := fmt.Sprintf("%s/v1/blobs/%s?size=%d&offset=%d", n.urls[node], other.SHA256, other.Size, offset)
			var st BlobState
			status, _ := c.rawCall(context.Background(), http.MethodPut, u, tokenOf(t, a), bytes.NewReader(chunk), int64(len(chunk)), &st)
			return status, st
		}
		wrong := blobBytes(len(fake), 5)
		if status, st := put(0, 0, wrong[:1000]); status != http.StatusOK || st.Received != 1000 {
			t.Fatalf("first chunk at node A: %d %+v", status, st)
		}
		if status, st := put(1, 0, wrong[:1000]); status != http.StatusConflict || st.Received != 1000 {
			t.Errorf("the same chunk again at node B: %d %+v, want 409 and the 1000 bytes held", status, st)
		}
		if status, st := put(1, 1000, wrong[1000:]); status != http.StatusBadRequest || st.Whole {
			t.Errorf("bytes that do not match the name: %d %+v", status, st)
		}
		if err := c.FetchBlob(context.Background(), b, other); err == nil || !strings.Contains(err.Error(), "ikke sendt") {
			t.Errorf("fetching a file whose bytes were refused: %v", err)
		}
		// The right bytes still go up afterwards, from the start.
		if status, st := put(0, 0, fake); status != http.StatusOK || !st.Whole {
			t.Errorf("the right bytes after a refused file: %d %+v", status, st)
		}
		ok(t, c.FetchBlob(context.Background(), b, other))
	})
}
