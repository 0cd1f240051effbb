package blobs

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
)

func sumOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestPutIsAtomicAndDeduplicated(t *testing.T) {
	s := Open(filepath.Join(t.TempDir(), "x.db.bilag"))
	data := []byte("bilag")
	sum, n, err := s.Put(bytes.NewReader(data), 100)
	if err != nil || sum != sumOf(data) || n != 5 {
		t.Fatalf("Put: %s %d %v", sum, n, err)
	}
	if _, _, err := s.Put(bytes.NewReader(data), 100); err != nil {
		t.Fatal(err)
	}
	if got := noerr.Get(s.List())(t); len(got) != 1 || got[0] != sum {
		t.Errorf("blobs %v", got)
	}
	if _, _, err := s.Put(strings.NewReader(strings.Repeat("x", 101)), 100); !errors.Is(err, ErrTooBig) {
		t.Errorf("too big: %v", err)
	}
	if left := noerr.Get(os.ReadDir(filepath.Join(s.Dir(), "tmp")))(t); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
	if _, err := s.PutVerified(strings.NewReader("andet"), sumOf([]byte("noget")), 100); !errors.Is(err, ErrMismatch) {
		t.Errorf("wrong bytes for a name: %v", err)
	}
	if s.Has(sumOf([]byte("noget"))) {
		t.Error("kept bytes under a name they do not match")
	}
}

func TestAppendResumesAndChecks(t *testing.T) {
	s := Open(t.TempDir())
	data := []byte("0123456789abcdef")
	sum := sumOf(data)
	if n, done, err := s.Append(sum, 16, 0, bytes.NewReader(data[:6]), 100); err != nil || done || n != 6 {
		t.Fatalf("first chunk: %d %v %v", n, done, err)
	}
	// A chunk that does not start where the upload ends is refused.
	if n, _, err := s.Append(sum, 16, 4, bytes.NewReader(data[4:8]), 100); !errors.Is(err, ErrOffset) || n != 6 {
		t.Errorf("wrong offset: %d %v", n, err)
	}
	if n, whole, _ := s.Received(sum); n != 6 || whole {
		t.Errorf("received %d whole %v", n, whole)
	}
	if n, done, err := s.Append(sum, 16, 6, bytes.NewReader(data[6:]), 100); err != nil || !done || n != 16 {
		t.Fatalf("last chunk: %d %v %v", n, done, err)
	}
	if err := s.Verify(sum); err != nil {
		t.Fatal(err)
	}
	// Bytes that do not match the name are dropped.
	other := sumOf([]byte("something else!!"))
	if _, _, err := s.Append(other, 16, 0, bytes.NewReader(data), 100); !errors.Is(err, ErrMismatch) {
		t.Errorf("mismatch: %v", err)
	}
	if n, _ := noerr.Get2(s.Received(other))(t); n != 0 || s.Has(other) {
		t.Error("a mismatching upload was kept")
	}
	// More bytes than announced are refused.
	third := sumOf([]byte("abc"))
	if _, _, err := s.Append(third, 3, 0, strings.NewReader("abcdef"), 100); !errors.Is(err, ErrTooBig) {
		t.Errorf("longer than announced: %v", err)
	}
	if _, err := s.Size("../../etc/passwd"); !errors.Is(err, ErrBadHash) {
		t.Errorf("a path as a name: %v", err)
	}
}

// SweepPartial removes the partial uploads last written before its limit
// and keeps the others, which then resume; whole blobs are never touched.
func TestSweepPartial(t *testing.T) {
	s := Open(filepath.Join(t.TempDir(), "x.db.bilag"))
	old, recent, whole := []byte("gammel del af et bilag"), []byte("ny del af et bilag"), []byte("helt")
	for _, b := range [][]byte{old, recent} {
		if _, _, err := s.Append(sumOf(b), int64(len(b)), 0, bytes.NewReader(b[:5]), 100); err != nil {
			t.Fatal(err)
		}
	}
	if _, done, err := s.Append(sumOf(whole), 4, 0, bytes.NewReader(whole), 100); err != nil || !done {
		t.Fatalf("whole: %v %v", done, err)
	}
	limit := time.Now().Add(-time.Hour)
	ago := limit.Add(-time.Minute)
	if err := os.Chtimes(s.partialPath(sumOf(old)), ago, ago); err != nil {
		t.Fatal(err)
	}
	if !s.HasPartial(sumOf(old)) || s.HasPartial(sumOf(whole)) {
		t.Error("HasPartial")
	}
	n, size, err := s.SweepPartial(limit)
	if err != nil || n != 1 || size != 5 {
		t.Fatalf("SweepPartial: %d files, %d bytes, %v; want 1, 5", n, size, err)
	}
	if got, _ := noerr.Get2(s.Received(sumOf(old)))(t); got != 0 || s.HasPartial(sumOf(old)) {
		t.Errorf("the old part holds %d bytes after the sweep", got)
	}
	if _, done, err := s.Append(sumOf(recent), int64(len(recent)), 5, bytes.NewReader(recent[5:]), 100); err != nil || !done {
		t.Errorf("the recent part resumed: %v %v", done, err)
	}
	if !s.Has(sumOf(whole)) {
		t.Error("a whole blob was swept")
	}
}
