// Package exchangetest is for tests of the commands that carry sync
// bundles: it forges a bundle file as anyone with a text editor and
// sha256sum can, so that a test shows the receiver refuses it (the
// checksum is no signature; every op is checked on its own).
package exchangetest

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"lokalraad/storage"
	"lokalraad/storage/exchange"
)

// AppendOps appends extra to the ops of the bundle file at path and
// recomputes the file's checksum and count; any failure fails t.
func AppendOps(t testing.TB, path string, extra []storage.Change) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(path)
	must(err)
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	must(err)
	var f struct {
		Header map[string]any  `json:"header"`
		Ops    json.RawMessage `json:"ops"`
	}
	must(json.NewDecoder(zr).Decode(&f))
	var ops []exchange.Op
	must(json.Unmarshal(f.Ops, &ops))
	more, err := exchange.EncodeOps(extra)
	must(err)
	ops = append(ops, more...)
	f.Ops, err = json.Marshal(ops)
	must(err)
	sum := sha256.Sum256(f.Ops)
	f.Header["sha256"], f.Header["count"] = hex.EncodeToString(sum[:]), len(ops)
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	must(json.NewEncoder(zw).Encode(f))
	must(zw.Close())
	must(os.WriteFile(path, out.Bytes(), 0o644))
}
