package postgres

// Attachments' files (bilag) on PostgreSQL (storage/exchange's BlobStore):
// a row per file in blobs, its bytes in blob_chunks as they were sent, so
// a file sent up through one node downloads from any other. A file
// becomes whole only when its bytes match its SHA-256; it is checked
// again each time it is opened, as the SQLite hub's files are.
//
// Who may send or fetch a file is read from the op log the hub accepted:
// the live attachment rows whose sha256 is the file's (index
// ops_attachment_sum), each row's ops all of one council. The council an
// op names is one its author could write (checked at push), so a device
// cannot name a file into another council's rows.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/blobs"
)

// maxNamingRows bounds the attachment rows read for one file.
const maxNamingRows = 1000

// AttachmentsNamed returns the live attachment rows naming the file sum,
// of council ("" for every council), from the op log.
func (s *Store) AttachmentsNamed(ctx context.Context, sum, council string) ([]model.Attachment, error) {
	if !blobs.Valid(sum) {
		return nil, blobs.ErrBadHash
	}
	rows, err := s.pool.Query(ctx, "SELECT DISTINCT row_id FROM ops WHERE tbl = 'attachments' AND field = 'sha256' AND vtext = $1 LIMIT $2", sum, maxNamingRows)
	if err != nil {
		return nil, s.failed(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, s.failed(err)
	}
	sort.Strings(ids)
	var out []model.Attachment
	for _, id := range ids {
		a, ok, err := s.attachment(ctx, id)
		if err != nil {
			return nil, err
		}
		if ok && a.SHA256 == sum && (council == "" || a.CouncilID == council) {
			out = append(out, a)
		}
	}
	return out, nil
}

// attachment replays an attachment row's ops: ok is false when the row is
// deleted or its ops name more than one council.
func (s *Store) attachment(ctx context.Context, id string) (model.Attachment, bool, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+opCols+" FROM ops WHERE tbl = 'attachments' AND row_id = $1 ORDER BY hlc, device", id)
	if err != nil {
		return model.Attachment{}, false, s.failed(err)
	}
	ops, err := collectOps(rows)
	if err != nil {
		return model.Attachment{}, false, s.failed(err)
	}
	if len(ops) == 0 || !storage.RowAlive(ops) {
		return model.Attachment{}, false, nil
	}
	a := model.Attachment{ID: id, CouncilID: ops[0].Council}
	for _, c := range ops { // replay order: the last value of a field wins
		if c.Council != a.CouncilID {
			return model.Attachment{}, false, nil
		}
		text, _ := c.Value.(string)
		switch c.Field {
		case "owner_kind":
			a.OwnerKind = model.OwnerKind(text)
		case "owner_id":
			a.OwnerID = text
		case "name":
			a.Name = text
		case "media_type":
			a.MediaType = text
		case "sha256":
			a.SHA256 = text
		case "size":
			a.Size, _ = c.Value.(int64)
		}
	}
	return a, true, nil
}

// HeldAttachmentBytes is the bytes of the files that some attachment op
// of the council names (each file once; a deleted row's file counts until
// it is gone from the store, which PostgreSQL never does yet: stricter
// than the SQLite hub, never looser). A file held only in part (an upload
// under way, or abandoned until SweepPartialBlobs removes it) counts with
// its whole size, as on the SQLite hub: uploads never finished cannot
// fill the database past the bound.
func (s *Store) HeldAttachmentBytes(ctx context.Context, council string) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT COALESCE(SUM(b.size), 0) FROM blobs b WHERE (b.whole OR b.received > 0) AND b.sum IN
		(SELECT vtext FROM ops WHERE tbl = 'attachments' AND field = 'sha256' AND council_id = $1)`, council).Scan(&n)
	return n, s.failed(err)
}

// BlobReceived is how many bytes of the file the store holds and whether
// it is whole.
func (s *Store) BlobReceived(ctx context.Context, sum string) (int64, bool, error) {
	if !blobs.Valid(sum) {
		return 0, false, blobs.ErrBadHash
	}
	var n int64
	var whole bool
	err := s.pool.QueryRow(ctx, "SELECT received, whole FROM blobs WHERE sum = $1", sum).Scan(&n, &whole)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	return n, whole, s.failed(err)
}

// AppendBlob adds a chunk at offset (see exchange.BlobStore). The chunk is
// read before the transaction, which then locks the file's row, so two
// nodes given the same chunk store it once: the second finds another
// length and gets blobs.ErrOffset.
func (s *Store) AppendBlob(ctx context.Context, sum string, size, offset int64, chunk io.Reader, max int64) (int64, bool, error) {
	if !blobs.Valid(sum) {
		return 0, false, blobs.ErrBadHash
	}
	if size < 0 || size > max {
		return 0, false, blobs.ErrTooBig
	}
	have, whole, err := s.BlobReceived(ctx, sum)
	if err != nil {
		return 0, false, err
	}
	if whole {
		return have, true, nil
	}
	if offset != have {
		return have, false, blobs.ErrOffset
	}
	data, err := io.ReadAll(io.LimitReader(chunk, size-offset+1))
	if err != nil {
		return have, false, err
	}
	if offset+int64(len(data)) > size {
		_, err := s.pool.Exec(ctx, "DELETE FROM blobs WHERE sum = $1 AND NOT whole", sum)
		if err != nil {
			return 0, false, s.failed(err)
		}
		return 0, false, blobs.ErrTooBig
	}
	var refused error
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		refused = nil
		if _, err := tx.Exec(ctx, "INSERT INTO blobs(sum, size, touched) VALUES ($1, $2, $3) ON CONFLICT (sum) DO NOTHING", sum, size, s.Now().UnixMilli()); err != nil {
			return s.failed(err)
		}
		if err := tx.QueryRow(ctx, "SELECT received, whole FROM blobs WHERE sum = $1 FOR UPDATE", sum).Scan(&have, &whole); err != nil {
			return s.failed(err)
		}
		if whole {
			return nil
		}
		if have != offset {
			refused = blobs.ErrOffset
			return nil
		}
		if len(data) > 0 {
			if _, err := tx.Exec(ctx, "INSERT INTO blob_chunks(sum, off, data) VALUES ($1, $2, $3)", sum, offset, data); err != nil {
				return s.failed(err)
			}
		}
		have = offset + int64(len(data))
		if _, err := tx.Exec(ctx, "UPDATE blobs SET received = $1, size = $2, touched = $3 WHERE sum = $4", have, size, s.Now().UnixMilli(), sum); err != nil {
			return s.failed(err)
		}
		if have < size {
			return nil
		}
		// Whole: check the bytes before they count as the file.
		got, err := chunkSum(ctx, tx, sum)
		if err != nil {
			return s.failed(err)
		}
		if got != sum {
			refused, have = blobs.ErrMismatch, 0
			_, err := tx.Exec(ctx, "DELETE FROM blobs WHERE sum = $1", sum)
			return s.failed(err)
		}
		whole = true
		_, err = tx.Exec(ctx, "UPDATE blobs SET whole = true WHERE sum = $1", sum)
		return s.failed(err)
	})
	if err != nil {
		return offset, false, err
	}
	if refused != nil {
		return have, false, refused
	}
	return have, whole, nil
}

// chunkSum is the SHA-256 of a file's chunks in order, one chunk in
// memory at a time.
func chunkSum(ctx context.Context, q querier, sum string) (string, error) {
	rows, err := q.Query(ctx, "SELECT off FROM blob_chunks WHERE sum = $1 ORDER BY off", sum)
	if err != nil {
		return "", err
	}
	offs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return "", err
	}
	h := sha256.New()
	var at int64
	for _, off := range offs {
		var data []byte
		if err := q.QueryRow(ctx, "SELECT data FROM blob_chunks WHERE sum = $1 AND off = $2", sum, off).Scan(&data); err != nil {
			return "", err
		}
		if off != at {
			return "", errors.New("bilagets dele hænger ikke sammen")
		}
		h.Write(data)
		at += int64(len(data))
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// OpenBlob opens a whole file after checking its bytes against its name.
func (s *Store) OpenBlob(ctx context.Context, sum string) (io.ReadSeekCloser, error) {
	n, whole, err := s.BlobReceived(ctx, sum)
	if err != nil {
		return nil, err
	}
	if !whole {
		return nil, blobs.ErrMissing
	}
	got, err := chunkSum(ctx, s.pool, sum)
	if err != nil {
		return nil, s.failed(err)
	}
	if got != sum {
		return nil, blobs.ErrMismatch
	}
	rows, err := s.pool.Query(ctx, "SELECT off FROM blob_chunks WHERE sum = $1 ORDER BY off", sum)
	if err != nil {
		return nil, s.failed(err)
	}
	offs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, s.failed(err)
	}
	return &chunkReader{ctx: ctx, s: s, sum: sum, size: n, offs: offs}, nil
}

// chunkReader reads a file chunk by chunk (http.ServeContent seeks for a
// Range request).
type chunkReader struct {
	ctx    context.Context // OpenBlob's: the request the file is read for
	s      *Store
	sum    string
	size   int64
	offs   []int64 // where each chunk starts
	pos    int64
	cur    []byte
	curOff int64
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if r.pos >= r.size {
		return 0, io.EOF
	}
	if r.cur == nil || r.pos < r.curOff || r.pos >= r.curOff+int64(len(r.cur)) {
		i := sort.Search(len(r.offs), func(i int) bool { return r.offs[i] > r.pos }) - 1
		if i < 0 {
			return 0, io.ErrUnexpectedEOF
		}
		var data []byte
		if err := r.s.pool.QueryRow(r.ctx, "SELECT data FROM blob_chunks WHERE sum = $1 AND off = $2", r.sum, r.offs[i]).Scan(&data); err != nil {
			return 0, r.s.failed(err)
		}
		r.cur, r.curOff = data, r.offs[i]
		if r.pos >= r.curOff+int64(len(r.cur)) {
			return 0, io.ErrUnexpectedEOF
		}
	}
	n := copy(p, r.cur[r.pos-r.curOff:])
	r.pos += int64(n)
	return n, nil
}

func (r *chunkReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += r.pos
	case io.SeekEnd:
		offset += r.size
	default:
		return r.pos, errors.New("ugyldig position")
	}
	if offset < 0 {
		return r.pos, errors.New("ugyldig position")
	}
	r.pos = offset
	return offset, nil
}

func (r *chunkReader) Close() error { r.cur = nil; return nil }

// Blobs names every whole file the store holds (kommune migrate checks
// what it copied).
func (s *Store) Blobs(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, "SELECT sum FROM blobs WHERE whole ORDER BY sum")
	if err != nil {
		return nil, s.failed(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return out, s.failed(err)
}

// SweepPartialBlobs removes the partial uploads not added to since before
// (a file whose upload stopped half-way: its row and its chunks) and
// returns how many it removed and the bytes they held. A chunk being
// added holds the file's row, so the sweep waits for it and then finds
// the file touched: an upload under way is never swept.
func (s *Store) SweepPartialBlobs(ctx context.Context, before time.Time) (int, int64, error) {
	rows, err := s.pool.Query(ctx, "DELETE FROM blobs WHERE NOT whole AND touched < $1 RETURNING received", before.UnixMilli())
	if err != nil {
		return 0, 0, s.failed(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, 0, s.failed(err)
	}
	var bytes int64
	for _, n := range got {
		bytes += n
	}
	return len(got), bytes, nil
}
