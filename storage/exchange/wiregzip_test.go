package exchange

import (
	"bytes"
	stdgzip "compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// The hub compresses its pages with klauspost/compress (newGzip). A laptop
// of an earlier version reads them with the standard library's gzip: a
// page must decode there to the same ops, and be no larger than the
// standard library's own default compression of the same JSON (bytes on
// the wire are one of issue 10's figures to keep).
func TestPullPagesReadByStandardGzipAndNoLarger(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup Lokalråd")
	a := open(t, "a", 0)
	ownCouncil(t, a)
	enrolLinking(t, a, h, council)
	syncOK(t, a)
	b := h.laptop(t, "b", council, 0)
	st, err := b.SyncState(t.Context())
	ok(t, err)

	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, h.url+"/v1/pull?cursor=0", nil)
	ok(t, err)
	req.Header.Set("Authorization", "Bearer "+st.Token)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	ok(t, err)
	defer resp.Body.Close()
	wire, err := io.ReadAll(resp.Body)
	ok(t, err)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("pull: %s, Content-Encoding %q", resp.Status, resp.Header.Get("Content-Encoding"))
	}
	zr, err := stdgzip.NewReader(bytes.NewReader(wire))
	ok(t, err)
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("the standard library's gzip cannot read the hub's page: %v", err)
	}
	var pr PullResponse
	ok(t, json.Unmarshal(plain, &pr))
	if len(pr.Ops) < 50 {
		t.Fatalf("the page holds %d ops, want the demo council's", len(pr.Ops))
	}
	if _, err := DecodeOps(pr.Ops); err != nil {
		t.Fatal(err)
	}

	var std bytes.Buffer
	zw := stdgzip.NewWriter(&std)
	_, err = zw.Write(plain)
	ok(t, err)
	ok(t, zw.Close())
	if len(wire) > std.Len() {
		t.Errorf("the page is %d bytes on the wire, the standard library's default gzip makes %d", len(wire), std.Len())
	}
	t.Logf("%d ops: %d bytes of JSON, %d on the wire (standard gzip: %d)", len(pr.Ops), len(plain), len(wire), std.Len())
}
