// Package blobs keeps the files of attachments (bilag) on disk,
// content-addressed: a file is named by the SHA-256 of its bytes, in a
// folder beside the database (<db>.bilag/ab/cdef…), so the same file
// attached twice is kept once, and a file whose bytes do not match its
// name is found out when it is read.
//
// Files are written whole or not at all: into a temporary file in the
// store, synced to disk, then renamed to their name. A partial upload (the
// hub receiving a file in chunks) lives under partial/ until its last
// chunk, and becomes a blob only when its bytes match its hash.
//
// The package imports the standard library and model (its errors' codes).
package blobs

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"lokalraad/model"
)

// The errors callers can tell apart with errors.Is. Their texts are Danish:
// they reach the user.
var (
	// ErrMissing: the store does not have the file (a laptop fetches it
	// from the hub).
	ErrMissing = error(model.NewError(model.NotFound, "bilagets fil er ikke hentet endnu"))
	// ErrMismatch: the bytes do not match the checksum they came with.
	ErrMismatch = error(model.NewError(model.Invalid, "bilagets fil er beskadiget: indholdet passer ikke med kontrolsummen"))
	// ErrTooBig: the file is larger than allowed.
	ErrTooBig = error(model.NewError(model.Invalid, "filen er for stor"))
	// ErrBadHash: the name is not a SHA-256 in lower-case hex.
	ErrBadHash = error(model.NewError(model.Invalid, "ugyldig kontrolsum"))
)

// Store is a folder of blobs.
type Store struct {
	dir string
}

// Open returns the store in dir, which is made when the first blob is
// written.
func Open(dir string) *Store { return &Store{dir: dir} }

// Dir is the store's folder.
func (s *Store) Dir() string { return s.dir }

// Valid tells whether sum is a SHA-256 in lower-case hex.
func Valid(sum string) bool {
	if len(sum) != 64 {
		return false
	}
	_, err := hex.DecodeString(sum)
	return err == nil && strings.ToLower(sum) == sum
}

// Path is where the blob named sum lives (or would live).
func (s *Store) Path(sum string) string {
	return filepath.Join(s.dir, sum[:2], sum[2:])
}

// Has tells whether the store holds the blob (without reading it).
func (s *Store) Has(sum string) bool {
	if !Valid(sum) {
		return false
	}
	fi, err := os.Stat(s.Path(sum))
	return err == nil && fi.Mode().IsRegular()
}

// Size is the blob's size in bytes.
func (s *Store) Size(sum string) (int64, error) {
	if !Valid(sum) {
		return 0, ErrBadHash
	}
	fi, err := os.Stat(s.Path(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, ErrMissing
	}
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// Put reads r to its end (at most max bytes) into the store and returns
// the bytes' SHA-256 and size. A file the store already holds is not
// written twice.
func (s *Store) Put(r io.Reader, max int64) (sum string, size int64, err error) {
	name, sum, size, err := s.receive(r, max)
	if err != nil {
		return "", 0, err
	}
	defer os.Remove(name)
	return sum, size, s.adopt(name, sum)
}

// PutVerified is Put of bytes that must have the SHA-256 want: anything
// else is refused (ErrMismatch) and nothing is kept.
func (s *Store) PutVerified(r io.Reader, want string, max int64) (int64, error) {
	if !Valid(want) {
		return 0, ErrBadHash
	}
	if s.Has(want) {
		n, err := io.Copy(io.Discard, io.LimitReader(r, max+1))
		if err == nil && n > max {
			err = ErrTooBig
		}
		return n, err
	}
	name, sum, size, err := s.receive(r, max)
	if err != nil {
		return 0, err
	}
	defer os.Remove(name)
	if sum != want {
		return 0, ErrMismatch
	}
	return size, s.adopt(name, want)
}

// receive copies at most max bytes of r into a synced temp file and
// returns its name with the bytes' SHA-256 and size; the caller removes
// the file once adopt has moved it (or not). On an error (ErrTooBig
// beyond max) nothing is left.
func (s *Store) receive(r io.Reader, max int64) (name, sum string, size int64, err error) {
	tmp, err := s.temp()
	if err != nil {
		return "", "", 0, err
	}
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, max+1))
	if err == nil && size > max {
		err = ErrTooBig
	}
	err = closeSynced(tmp, err)
	if err != nil {
		os.Remove(tmp.Name())
		return "", "", 0, err
	}
	return tmp.Name(), hex.EncodeToString(h.Sum(nil)), size, nil
}

// closeSynced closes f, a file just written, having synced its bytes to
// disk unless writing it failed (err); the first error is returned.
func closeSynced(f *os.File, err error) error {
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (s *Store) temp() (*os.File, error) {
	if err := os.MkdirAll(filepath.Join(s.dir, "tmp"), 0o755); err != nil {
		return nil, fmt.Errorf("bilag: %w", err)
	}
	return os.CreateTemp(filepath.Join(s.dir, "tmp"), "blob-*")
}

// adopt renames a synced temporary file to the blob's name.
func (s *Store) adopt(tmp, sum string) error {
	if s.Has(sum) {
		return nil // the same bytes are here already
	}
	dest := s.Path(sum)
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return err
	}
	if err := os.Rename(tmp, dest); err != nil {
		return err
	}
	syncDir(filepath.Dir(dest))
	return nil
}

// syncDir makes a rename durable where the system allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Open opens the blob after checking that its bytes match its name; a
// blob that does not match is ErrMismatch.
func (s *Store) Open(sum string) (*os.File, error) {
	if err := s.Verify(sum); err != nil {
		return nil, err
	}
	return os.Open(s.Path(sum))
}

// Verify reads the blob and checks its bytes against its name.
func (s *Store) Verify(sum string) error {
	if !Valid(sum) {
		return ErrBadHash
	}
	f, err := os.Open(s.Path(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return ErrMissing
	}
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	if hex.EncodeToString(h.Sum(nil)) != sum {
		return ErrMismatch
	}
	return nil
}

// Remove deletes the blob; a blob not there is no error. The caller
// checks that no attachment names it.
func (s *Store) Remove(sum string) error {
	if !Valid(sum) {
		return ErrBadHash
	}
	err := os.Remove(s.Path(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// List names every blob in the store.
func (s *Store) List() ([]string, error) {
	var out []string
	dirs, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for _, d := range dirs {
		if !d.IsDir() || len(d.Name()) != 2 {
			continue
		}
		files, err := os.ReadDir(filepath.Join(s.dir, d.Name()))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if sum := d.Name() + f.Name(); Valid(sum) {
				out = append(out, sum)
			}
		}
	}
	return out, nil
}

// CopyTo copies the blob into the store other (a backup, or the store of
// a restored database), by a hard link where the system allows it: blobs
// never change, so both may share the bytes.
func (s *Store) CopyTo(other *Store, sum string) error {
	if !Valid(sum) {
		return ErrBadHash
	}
	if other.Has(sum) {
		return nil
	}
	dest := other.Path(sum)
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return err
	}
	if err := os.Link(s.Path(sum), dest); err == nil {
		return nil
	}
	f, err := os.Open(s.Path(sum))
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = other.PutVerified(f, sum, 1<<62)
	return err
}

// Partial uploads (the hub's side of a chunked, resumable upload).

func (s *Store) partialPath(sum string) string {
	return filepath.Join(s.dir, "partial", sum)
}

// Received is how many bytes of the blob the store holds: its size when
// whole, else the length of its partial upload (0 when none).
func (s *Store) Received(sum string) (int64, bool, error) {
	if !Valid(sum) {
		return 0, false, ErrBadHash
	}
	if n, err := s.Size(sum); err == nil {
		return n, true, nil
	}
	fi, err := os.Stat(s.partialPath(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return fi.Size(), false, nil
}

// ErrOffset: a chunk does not start where the partial upload ends.
var ErrOffset = error(model.NewError(model.Conflict, "delen passer ikke med det modtagne"))

// Append adds a chunk to the partial upload of the blob sum (size bytes
// in all) at offset, which must be where the partial upload ends. When the
// upload is whole, its bytes are checked against sum: a match becomes the
// blob (done), a mismatch is removed and refused (ErrMismatch).
func (s *Store) Append(sum string, size, offset int64, chunk io.Reader, max int64) (received int64, done bool, err error) {
	if !Valid(sum) {
		return 0, false, ErrBadHash
	}
	if size < 0 || size > max {
		return 0, false, ErrTooBig
	}
	if s.Has(sum) {
		return size, true, nil
	}
	if err := os.MkdirAll(filepath.Join(s.dir, "partial"), 0o755); err != nil {
		return 0, false, err
	}
	p := s.partialPath(sum)
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return 0, false, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return 0, false, err
	}
	have := fi.Size()
	if offset != have {
		f.Close()
		return have, false, ErrOffset
	}
	if _, err := f.Seek(have, io.SeekStart); err != nil {
		f.Close()
		return have, false, err
	}
	n, err := io.Copy(f, io.LimitReader(chunk, size-have+1))
	have += n
	if err == nil && have > size {
		err = ErrTooBig
	}
	err = closeSynced(f, err)
	if err != nil {
		if errors.Is(err, ErrTooBig) {
			os.Remove(p)
			return 0, false, err
		}
		return have, false, err
	}
	if have < size {
		return have, false, nil
	}
	// Whole: check the bytes before they become the blob.
	g, err := os.Open(p)
	if err != nil {
		return have, false, err
	}
	h := sha256.New()
	_, err = io.Copy(h, g)
	g.Close()
	if err != nil {
		return have, false, err
	}
	if hex.EncodeToString(h.Sum(nil)) != sum {
		os.Remove(p)
		return 0, false, ErrMismatch
	}
	return have, true, s.adopt(p, sum)
}

// DropPartial forgets a partial upload or download of the blob.
func (s *Store) DropPartial(sum string) {
	if Valid(sum) {
		os.Remove(s.partialPath(sum))
	}
}

// HasPartial tells whether a partial upload (or download) of the blob
// holds at least one byte.
func (s *Store) HasPartial(sum string) bool {
	if !Valid(sum) {
		return false
	}
	fi, err := os.Stat(s.partialPath(sum))
	return err == nil && fi.Mode().IsRegular() && fi.Size() > 0
}

// SweepPartial removes the partial uploads not added to since before (by
// the time their file was last written) and returns how many it removed
// and the bytes they held. A chunk that arrives later for one of them is
// answered ErrOffset, and its sender starts it again.
func (s *Store) SweepPartial(before time.Time) (n int, bytes int64, err error) {
	dir := filepath.Join(s.dir, "partial")
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	for _, e := range ents {
		if !Valid(e.Name()) {
			continue
		}
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() || !fi.ModTime().Before(before) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return n, bytes, err
		}
		n++
		bytes += fi.Size()
	}
	return n, bytes, nil
}
