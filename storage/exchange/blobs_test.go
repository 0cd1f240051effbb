package exchange

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// blobBytes makes n bytes that do not compress, the same for the same seed.
func blobBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func upcomingItem(t *testing.T, db *storage.DB, council string, in time.Duration) model.AgendaItem {
	t.Helper()
	m := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: now.Add(in)}
	ok(t, db.SaveMeeting(t.Context(), model.Meeting{}, &m))
	it := model.AgendaItem{CouncilID: council, MeetingID: m.ID, Title: "Stien ved søen", Kind: model.ItemDecision}
	ok(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	return it
}

// hubWithLaptop is a hub holding Jyderup Lokalråd, and laptop a enrolled
// in it and synced once.
func hubWithLaptop(t testing.TB) (*hub, string, *storage.DB) {
	t.Helper()
	h := newHub(t)
	council := h.council(t, "Jyderup Lokalråd")
	return h, council, h.syncedLaptop(t, "a", council, 0)
}

// syncedLaptop enrols laptop name in council, its clock offset ahead, and
// syncs it once.
func (h *hub) syncedLaptop(t testing.TB, name, council string, offset time.Duration) *storage.DB {
	t.Helper()
	db := h.laptop(t, name, council, offset)
	syncOK(t, db)
	return db
}

// attach attaches the file read from r to owner on db.
func attach(t testing.TB, db *storage.DB, kind model.OwnerKind, owner, name string, r io.Reader) model.Attachment {
	t.Helper()
	att, err := db.AddAttachment(t.Context(), kind, owner, name, r)
	ok(t, err)
	return att
}

func tokenOf(t *testing.T, db *storage.DB) string {
	t.Helper()
	tok, err := db.Meta(t.Context(), storage.MetaToken)
	ok(t, err)
	return tok
}

// Attach on laptop A, sync; laptop B has the file of the coming meeting
// after its sync, and fetches another file when it is opened.
func TestBlobsTravelBetweenLaptops(t *testing.T) {
	h, council, a := hubWithLaptop(t)
	b := h.syncedLaptop(t, "b", council, time.Second)
	cli := withClient(func(c *Client) { c.BlobChunk = 64 << 10 })

	it := upcomingItem(t, a, council, 3*24*time.Hour)
	pdf := blobBytes(300<<10, 1)
	att := attach(t, a, model.OwnerItem, it.ID, "Tilbud.pdf", bytes.NewReader(pdf))
	p := model.Project{CouncilID: council, Title: "Shelter", Status: model.ProjectIdea}
	ok(t, a.SaveProject(t.Context(), model.Project{}, &p))
	drawing, err := a.AddAttachment(t.Context(), model.OwnerProject, p.ID, "Tegning.png", bytes.NewReader(blobBytes(10<<10, 2)))
	ok(t, err)
	res := syncWith(t, cli, a)
	if res.BlobsSent != 2 || res.BlobBytesSent != int64(len(pdf))+10<<10 {
		t.Errorf("sent %d files, %d bytes", res.BlobsSent, res.BlobBytesSent)
	}
	if !h.db.Blobs().Has(att.SHA256) {
		t.Fatal("the hub has not kept the file")
	}
	again := syncWith(t, cli, a)
	if again.BlobsSent != 0 || again.BlobBytesSent != 0 {
		t.Errorf("a second sync sent %d files again", again.BlobsSent)
	}

	res = syncWith(t, cli, b)
	if res.BlobsFetched != 1 {
		t.Errorf("fetched ahead %d files, want the coming meeting's one", res.BlobsFetched)
	}
	got, err := b.ReadAttachment(att)
	if err != nil || !bytes.Equal(got, pdf) {
		t.Fatalf("B opens the meeting's file: %v", err)
	}
	if _, err := b.ReadAttachment(drawing); !errors.Is(err, storage.ErrBlobMissing) {
		t.Fatalf("the project's file should wait until opened: %v", err)
	}
	ok(t, cli.FetchBlob(context.Background(), b, drawing))
	if _, err := b.ReadAttachment(drawing); err != nil {
		t.Fatalf("after fetching on demand: %v", err)
	}
}

// A transfer cut in the middle resumes: only the rest is sent, and a cut
// download resumes with a Range request.
func TestBlobUploadResumes(t *testing.T) {
	h, council, a := hubWithLaptop(t)
	cli := withClient(func(c *Client) { c.BlobChunk = 64 << 10 })
	it := upcomingItem(t, a, council, 40*24*time.Hour)
	data := blobBytes(5*64<<10+100, 3)
	att := attach(t, a, model.OwnerItem, it.ID, "Lokalplan.pdf", bytes.NewReader(data))

	var puts atomic.Int64
	var putBytes atomic.Int64
	old := cli.HTTP.Transport
	cli.HTTP.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodPut {
			if puts.Add(1) == 3 {
				return nil, errors.New("forbindelsen blev afbrudt")
			}
			putBytes.Add(r.ContentLength)
		}
		return old.RoundTrip(r)
	})
	if _, err := cli.Sync(context.Background(), a, ""); err == nil {
		t.Fatal("a sync cut in the middle reported success")
	}
	have, whole, err := h.db.Blobs().Received(att.SHA256)
	ok(t, err)
	if whole || have != 2*64<<10 {
		t.Fatalf("hub holds %d bytes (whole %v), want the two chunks sent", have, whole)
	}
	putBytes.Store(0)
	res := syncWith(t, cli, a)
	if res.BlobBytesSent != int64(len(data))-have || putBytes.Load() != int64(len(data))-have {
		t.Errorf("resumed upload sent %d bytes (counted %d), want only the rest %d", res.BlobBytesSent, putBytes.Load(), int64(len(data))-have)
	}
	if err := h.db.Blobs().Verify(att.SHA256); err != nil {
		t.Fatalf("hub's copy after resuming: %v", err)
	}

	// A download cut off: the laptop keeps what came and asks for the rest.
	b := h.laptop(t, "b", council, time.Second)
	syncWith(t, cli, b)
	cli.HTTP.Transport = old
	syncWith(t, cli, b)
	ok(t, b.Blobs().Remove(att.SHA256))
	_, _, err = b.Blobs().Append(att.SHA256, att.Size, 0, bytes.NewReader(data[:1000]), model.MaxAttachmentSize)
	ok(t, err)
	var ranges []string
	cli.HTTP.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/v1/blobs/") {
			ranges = append(ranges, r.Header.Get("Range"))
		}
		return old.RoundTrip(r)
	})
	ok(t, cli.FetchBlob(context.Background(), b, att))
	if len(ranges) != 1 || ranges[0] != "bytes=1000-" {
		t.Errorf("download asked for %q, want the rest from byte 1000", ranges)
	}
	if got, err := b.ReadAttachment(att); err != nil || !bytes.Equal(got, data) {
		t.Errorf("resumed download: %v", err)
	}
}

// The hub keeps no file whose bytes do not match its name, and a laptop
// takes none from the hub either.
func TestBlobWrongHashRefused(t *testing.T) {
	h, council, a := hubWithLaptop(t)
	it := upcomingItem(t, a, council, 40*24*time.Hour)
	data := []byte("det rigtige indhold")
	att := attach(t, a, model.OwnerItem, it.ID, "Budget.pdf", bytes.NewReader(data))
	// Rows go up, the file does not (the laptop's copy is made to lie).
	path, err := a.AttachmentFile(att)
	ok(t, err)
	ok(t, os.WriteFile(path, []byte("det falske indhold!"), 0o644))
	res, err := cli.Sync(context.Background(), a, "")
	ok(t, err)
	if res.BlobsSent != 0 || !strings.Contains(res.Note, "Budget.pdf") || !strings.Contains(res.Note, "beskadiget") {
		t.Errorf("a damaged file on the laptop: sent %d, note %q", res.BlobsSent, res.Note)
	}
	// Sent by hand, bytes that do not match the name are refused.
	u := fmt.Sprintf("%s/v1/blobs/%s?size=%d&offset=0", h.url, att.SHA256, len(data))
	req := noerr.Get(http.NewRequest(http.MethodPut, u, bytes.NewReader([]byte("det falske indhold!")[:len(data)])))(t)
	req.Header.Set("Authorization", "Bearer "+tokenOf(t, a))
	resp, err := cli.HTTP.Do(req)
	ok(t, err)
	body := noerr.Get(io.ReadAll(resp.Body))(t)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "beskadiget") {
		t.Errorf("wrong bytes: %d %s", resp.StatusCode, body)
	}
	if h.db.Blobs().Has(att.SHA256) {
		t.Fatal("the hub kept a file whose bytes do not match its name")
	}
	// The hub's copy damaged on disk: the laptop refuses it.
	ok(t, os.WriteFile(path, data, 0o644))
	syncOK(t, a)
	ok(t, os.WriteFile(h.db.Blobs().Path(att.SHA256), []byte("det falske indhold!"), 0o644))
	b := h.syncedLaptop(t, "b", council, time.Second)
	syncOK(t, b)
	if err := cli.FetchBlob(context.Background(), b, att); err == nil || !strings.Contains(err.Error(), "beskadiget") {
		t.Errorf("fetching a damaged file: %v", err)
	}
	if b.Blobs().Has(att.SHA256) {
		t.Error("the laptop kept a damaged file")
	}
}

// A device of another council can neither fetch nor send a council's file.
func TestBlobOtherCouncilForbidden(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup Lokalråd")
	other := h.council(t, "Tølløse Lokalråd")
	a := h.syncedLaptop(t, "a", council, 0)
	it := upcomingItem(t, a, council, 3*24*time.Hour)
	att := attach(t, a, model.OwnerItem, it.ID, "Fortroligt.pdf", strings.NewReader("kun for Jyderup"))
	syncOK(t, a)
	x := h.laptop(t, "x", other, 0)
	syncOK(t, x)
	syncOK(t, x)
	for _, r := range []*http.Request{
		must(http.NewRequest(http.MethodGet, h.url+"/v1/blobs/"+att.SHA256, nil)),
		must(http.NewRequest(http.MethodPut, fmt.Sprintf("%s/v1/blobs/%s?size=%d&offset=0", h.url, att.SHA256, att.Size), strings.NewReader("kun for Jyderup"))),
	} {
		r.Header.Set("Authorization", "Bearer "+tokenOf(t, x))
		resp, err := cli.HTTP.Do(r)
		ok(t, err)
		body := noerr.Get(io.ReadAll(resp.Body))(t)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || strings.Contains(string(body), "kun for Jyderup") {
			t.Errorf("%s by another council: %d %s", r.Method, resp.StatusCode, body)
		}
	}
	if err := cli.FetchBlob(context.Background(), x, att); err == nil {
		t.Error("another council's laptop fetched the file")
	}
	// A staff device may.
	s := h.laptop(t, "s", "", 0)
	syncOK(t, s)
	syncOK(t, s)
	ok(t, cli.FetchBlob(context.Background(), s, att))
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// A bundle carries the files its attachment ops name; a bundle whose file
// does not match its checksum is refused whole, in Danish.
func TestBundleCarriesBlobs(t *testing.T) {
	h, council, a := hubWithLaptop(t)
	it := upcomingItem(t, a, council, 3*24*time.Hour)
	data := blobBytes(20<<10, 7)
	att := attach(t, a, model.OwnerItem, it.ID, "Skitse.pdf", bytes.NewReader(data))
	var buf bytes.Buffer
	_, err := cli.WriteBundle(context.Background(), &buf, a, council)
	ok(t, err)

	// At the municipality: rows and file come in together.
	_, _, err = cli.HubImportBundle(context.Background(), bytes.NewReader(buf.Bytes()), h.db, now, 24*time.Hour)
	ok(t, err)
	if err := h.db.Blobs().Verify(att.SHA256); err != nil {
		t.Fatalf("the hub has not the bundle's file: %v", err)
	}
	// On another laptop of the council, which has not synced.
	b := h.laptop(t, "b", council, time.Second)
	_, _, err = cli.ImportBundle(context.Background(), bytes.NewReader(buf.Bytes()), b)
	ok(t, err)
	if got, err := b.ReadAttachment(att); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("B after the bundle: %v", err)
	}

	// The file changed on the way: nothing is read in.
	var f bundleFile
	zr := must(gzip.NewReader(bytes.NewReader(buf.Bytes())))
	ok(t, json.NewDecoder(zr).Decode(&f))
	f.Blobs[att.SHA256][100] ^= 1
	var bad bytes.Buffer
	zw := gzip.NewWriter(&bad)
	ok(t, json.NewEncoder(zw).Encode(f))
	ok(t, zw.Close())
	c := h.laptop(t, "c", council, 2*time.Second)
	_, n, err := cli.ImportBundle(context.Background(), bytes.NewReader(bad.Bytes()), c)
	if !errors.Is(err, ErrRefusedBundle) || !errors.Is(err, ErrBundleBlob) || n != 0 || !strings.Contains(err.Error(), "beskadiget") {
		t.Errorf("a bundle with a damaged file: %d, %v", n, err)
	}
	if got := noerr.Get(c.CouncilAttachments(t.Context(), council))(t); len(got) != 0 || c.Blobs().Has(att.SHA256) {
		t.Error("a refused bundle left rows or a file behind")
	}
	before := noerr.Get(h.db.HubSequence(t.Context()))(t)
	ok(t, h.db.Blobs().Remove(att.SHA256))
	if _, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(bad.Bytes()), h.db, now, 24*time.Hour); !errors.Is(err, ErrBundleBlob) {
		t.Errorf("hub took a bundle with a damaged file: %v", err)
	}
	if after := noerr.Get(h.db.HubSequence(t.Context()))(t); after != before || h.db.Blobs().Has(att.SHA256) {
		t.Error("the hub wrote something from a refused bundle")
	}
}

// Erasing a person named in a file name travels: the other laptop and the
// hub accept the rewrite, and keep the file.
func TestEraseNameInAttachmentSyncs(t *testing.T) {
	h, council, a := hubWithLaptop(t)
	b := h.syncedLaptop(t, "b", council, time.Second)
	it := upcomingItem(t, a, council, 3*24*time.Hour)
	att := attach(t, a, model.OwnerItem, it.ID, "Klage fra Anne_Brøndum.pdf", strings.NewReader("klage"))
	syncOK(t, a)
	syncOK(t, b)
	view, err := b.ViewableFile(att) // B opened it once
	ok(t, err)
	_, err = a.ErasePerson(t.Context(), council, "Anne Brøndum")
	ok(t, err)
	syncOK(t, a)
	syncOK(t, b)
	for _, db := range []*storage.DB{b, h.db} {
		got, err := db.Attachment(t.Context(), att.ID)
		ok(t, err)
		if got.Name != "Klage fra tidligere medlem.pdf" {
			t.Errorf("after the erasure synced: %q", got.Name)
		}
	}
	if _, err := b.ReadAttachment(att); err != nil {
		t.Errorf("B lost the file: %v", err)
	}
	if _, err := os.Stat(view); !os.IsNotExist(err) {
		t.Errorf("B keeps the viewer's copy under the erased name: %v", err)
	}
}

// An attachment added offline to an item whose minutes another laptop has
// approved meanwhile is refused at the hub, as a local edit would be.
func TestAttachToApprovedMinutesRefusedAtHub(t *testing.T) {
	h, council, a := hubWithLaptop(t)
	b := h.syncedLaptop(t, "b", council, time.Second)
	it := upcomingItem(t, a, council, -24*time.Hour)
	syncOK(t, a)
	syncOK(t, b)
	m, err := b.Meeting(t.Context(), it.MeetingID)
	ok(t, err)
	m.Status = model.MeetingApproved
	ok(t, b.SaveMeeting(t.Context(), storage.Overwriting(t.Context(), b, m), &m))
	syncOK(t, b)
	// A has not heard of the approval yet.
	att := attach(t, a, model.OwnerItem, it.ID, "For sent.pdf", strings.NewReader("for sent"))
	res := noerr.Get(cli.Sync(context.Background(), a, ""))(t)
	if res.Refused == 0 {
		t.Errorf("the hub took an attachment to approved minutes: %+v", res)
	}
	// The op that attaches it to the item is refused (the row's other
	// fields, alone, attach it to nothing).
	if got := noerr.Get(h.db.MeetingAttachments(t.Context(), it.MeetingID))(t); len(got) != 0 {
		t.Errorf("the approved minutes at the hub have an attachment: %v", got)
	}
	syncOK(t, b)
	if got := noerr.Get(b.Attachments(t.Context(), model.OwnerItem, it.ID))(t); len(got) != 0 {
		t.Errorf("the approved minutes on B have an attachment: %v", got)
	}
	_ = att
	// A project's attachment is never locked.
	p := model.Project{CouncilID: council, Title: "Shelter", Status: model.ProjectIdea}
	ok(t, a.SaveProject(t.Context(), model.Project{}, &p))
	pa, err := a.AddAttachment(t.Context(), model.OwnerProject, p.ID, "Tegning.pdf", strings.NewReader("tegning"))
	ok(t, err)
	syncOK(t, a)
	if _, err := h.db.Attachment(t.Context(), pa.ID); err != nil {
		t.Errorf("the project's attachment: %v", err)
	}
}

// A file the hub has not got yet (its laptop has not synced since) is
// fetched at a later sync, without a warning meanwhile; opening it says so.
func TestBlobNotSentYet(t *testing.T) {
	h, council, a := hubWithLaptop(t)
	b := h.syncedLaptop(t, "b", council, time.Second)
	it := upcomingItem(t, a, council, 3*24*time.Hour)
	att := attach(t, a, model.OwnerItem, it.ID, "Sent.pdf", strings.NewReader("kommer senere"))
	// The row goes up, the file does not (as if the connection fell).
	ok(t, os.Rename(must(a.AttachmentFile(att)), a.Blobs().Path(att.SHA256)+".væk"))
	syncOK(t, a)
	res := syncOK(t, b)
	if res.Note != "" || res.BlobsFetched != 0 {
		t.Errorf("B's sync before the file came: %+v", res)
	}
	err := cli.FetchBlob(context.Background(), b, att)
	if !errors.Is(err, ErrBlobNotSent) || !strings.Contains(err.Error(), "ikke sendt til kommunen") {
		t.Errorf("opening before the file came: %v", err)
	}
	ok(t, os.Rename(a.Blobs().Path(att.SHA256)+".væk", a.Blobs().Path(att.SHA256)))
	syncOK(t, a)
	if res := syncOK(t, b); res.BlobsFetched != 1 {
		t.Errorf("B fetched %d files once it came", res.BlobsFetched)
	}
}

// A bundle carries files up to Client.BundleBlobBytes, the newest first.
func TestBundleBlobBudget(t *testing.T) {
	_, council, a := hubWithLaptop(t)
	it := upcomingItem(t, a, council, 3*24*time.Hour)
	old := attach(t, a, model.OwnerItem, it.ID, "Gammel.pdf", bytes.NewReader(blobBytes(3000, 11)))
	newer := attach(t, a, model.OwnerItem, it.ID, "Ny.pdf", bytes.NewReader(blobBytes(3000, 12)))
	cli := withClient(func(c *Client) { c.BundleBlobBytes = 4000 })
	files, err := cli.bundleBlobs(t.Context(), a, council)
	ok(t, err)
	if _, ok := files[newer.SHA256]; !ok || len(files) != 1 {
		t.Errorf("bundle files: %d, newest included: %v (old %s)", len(files), ok, old.Name)
	}
}

// BenchmarkBlobTransfer: a 5 MB attachment sent up by one laptop (1 MB
// chunks) and fetched by another, over httptest.
func BenchmarkBlobTransfer(b *testing.B) {
	h := newHub(b)
	council := h.council(b, "Jyderup Lokalråd")
	a := h.laptop(b, "a", council, 0)
	syncOK(b, a)
	c := h.laptop(b, "c", council, time.Second)
	syncOK(b, c)
	m := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: now.Add(40 * 24 * time.Hour)}
	ok(b, a.SaveMeeting(b.Context(), model.Meeting{}, &m))
	it := model.AgendaItem{CouncilID: council, MeetingID: m.ID, Title: "Lokalplan", Kind: model.ItemDecision}
	ok(b, a.SaveAgendaItem(b.Context(), model.AgendaItem{}, &it))
	b.SetBytes(5 << 20)
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		att, err := a.AddAttachment(b.Context(), model.OwnerItem, it.ID, "Lokalplan.pdf", bytes.NewReader(blobBytes(5<<20, uint64(100+i))))
		ok(b, err)
		b.StartTimer()
		if r := syncOK(b, a); r.BlobsSent != 1 {
			b.Fatalf("sent %d", r.BlobsSent)
		}
		syncOK(b, c)
		ok(b, cli.FetchBlob(context.Background(), c, att))
	}
}

// The hub keeps a council's files within their bound, however many rows a
// device writes; the laptop is told, and its other files still go.
func TestHubCouncilBlobQuota(t *testing.T) {
	h := newHub(t)
	h.srv.MaxCouncilBlobBytes = 5000
	council := h.council(t, "Jyderup Lokalråd")
	a := h.syncedLaptop(t, "a", council, 0)
	it := upcomingItem(t, a, council, 40*24*time.Hour)
	first := attach(t, a, model.OwnerItem, it.ID, "Først.pdf", bytes.NewReader(blobBytes(3000, 21)))
	syncOK(t, a)
	second := attach(t, a, model.OwnerItem, it.ID, "For meget.pdf", bytes.NewReader(blobBytes(3000, 22)))
	small := attach(t, a, model.OwnerItem, it.ID, "Lille.pdf", bytes.NewReader(blobBytes(1000, 23)))
	res := syncOK(t, a)
	if !h.db.Blobs().Has(first.SHA256) || h.db.Blobs().Has(second.SHA256) || !h.db.Blobs().Has(small.SHA256) {
		t.Errorf("hub holds first %v, second %v, small %v", h.db.Blobs().Has(first.SHA256), h.db.Blobs().Has(second.SHA256), h.db.Blobs().Has(small.SHA256))
	}
	if !strings.Contains(res.Note, "fylder for meget") {
		t.Errorf("the laptop was not told: %q", res.Note)
	}
}

// A hub whose store keeps no files still syncs the rows; the laptop is
// told the files wait.
func TestHubWithoutBlobStore(t *testing.T) {
	h := newHub(t)
	s := NewStoreServer(h.db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s.Now = func() time.Time { return now }
	s.Blobs = nil
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	h.url = ts.URL
	council := h.council(t, "Jyderup Lokalråd")
	a := h.syncedLaptop(t, "a", council, 0)
	it := upcomingItem(t, a, council, 3*24*time.Hour)
	att := attach(t, a, model.OwnerItem, it.ID, "Tilbud.pdf", strings.NewReader("tilbud"))
	res := syncOK(t, a)
	if res.BlobsSent != 0 || !strings.Contains(res.Note, "gemmer ikke bilag") {
		t.Errorf("sync to a hub without files: %+v", res)
	}
	if _, err := h.db.Attachment(t.Context(), att.ID); err != nil {
		t.Errorf("the row did not sync: %v", err)
	}
}
