package storage

// Bounded cost at the hub: pages bounded in ops and bytes, reads that never
// take the write lock, and pushes applied in short transactions so that one
// council's big push never holds the write lock for long.

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"lokalraad/model"
)

// Size is about how many bytes the op takes on the wire (JSON, before
// compression): its ids and names, and its value as a JSON string with the
// escapes encoding/json writes. Pages and quotas are counted in it.
func (c Change) Size() int {
	n := 64 + len(c.Device) + len(c.Table) + len(c.Row) + len(c.Council) + len(c.Field) + len(c.Base) + len(c.Sig)
	switch v := c.Value.(type) {
	case string:
		n += jsonStringLen(v)
	case []byte:
		n += jsonStringLen(string(v))
	default:
		n += 20
	}
	return n
}

// jsonStringLen is the length of s encoded by encoding/json (HTML-safe).
func jsonStringLen(s string) int {
	n := 2
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			switch {
			case b == '"' || b == '\\' || b == '\n' || b == '\r' || b == '\t':
				n += 2
			case b < 0x20 || b == '<' || b == '>' || b == '&':
				n += 6
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1, r == '\u2028', r == '\u2029':
			n += 6
		default:
			n += size
		}
		i += size
	}
	return n
}

// readTx runs f in a deferred (read-only) transaction: one consistent
// snapshot that never takes the write lock, whatever _txlock the DSN sets
// for writes (the driver begins a read-only transaction with a plain BEGIN).
// In WAL mode it neither waits for nor blocks a writer.
func (db *DB) readTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := db.sql().BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return friendly(err)
	}
	defer tx.Rollback()
	return f(tx)
}

// Page bounds one pull response.
type Page struct {
	Ops   int // at most this many ops (0: no bound)
	Bytes int // and at most about this many bytes of ops (Change.Size; 0: no bound)
}

// HubPage returns the ops of a council ("" for every council) the hub
// numbered after the cursor, within the page's bounds, leaving out those
// written by exclude (the asking device's own; "" leaves out none), the
// cursor to ask from next time, and whether more may follow. This hub
// numbers every council's ops with one counter, so a cursor is one number
// for every stream: one the hub gave is uniform, and of any other the
// lowest position is read (nothing is skipped; some ops may come again). A page always
// makes progress: it holds at least the first op after since, however
// big. A council's ops include the municipality's (pools, deadlines,
// contacts, announcements): every council's devices receive them.
//
// It reads in one deferred transaction and takes the write lock only when
// the hub's own edits (kommune pool add) wait to be numbered.
func (db *DB) HubPage(ctx context.Context, council string, cur Cursor, p Page, exclude string) ([]Change, Cursor, bool, error) {
	// A cursor past the numbers given (a hub restored from an older
	// backup, a hand-made one) is read as the last number given: it never
	// skips what comes next.
	since := cur.Min()
	var top int64
	if err := db.sql().QueryRowContext(ctx, "SELECT COALESCE(MAX(n), 0) FROM sync_seq").Scan(&top); err != nil {
		return nil, Cursor{}, false, err
	}
	ops, next, more, err := db.hubPage(ctx, council, min(since, top), p, exclude)
	return ops, UniformCursor(next), more, err
}

// HubDeviceTop is the highest sequence number of device's ops this hub
// holds, 0 for none (exchange.HubStore).
func (db *DB) HubDeviceTop(ctx context.Context, device string) (int64, error) {
	var top int64
	err := db.sql().QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) FROM changes WHERE device = ?", device).Scan(&top)
	return top, friendly(err)
}

// A numberedOp is an op the hub numbered, with its number.
type numberedOp struct {
	n int64
	c Change
}

// numberedOps selects, as scanNumbered reads them, the ops the hub
// numbered after a number (the one argument); a caller adds its
// conditions and order.
const numberedOps = "SELECT s.n, c.device, c.seq, c.hlc, c.tbl, c.row_id, c.council_id, c.field, c.value, c.base, c.sig FROM sync_seq s JOIN changes c ON c.device = s.device AND c.seq = s.seq WHERE s.n > ?"

// scanNumbered reads one row of numberedOps.
func scanNumbered(s scanner) (numberedOp, error) {
	var x numberedOp
	err := s.Scan(&x.n, &x.c.Device, &x.c.Seq, &x.c.HLC, &x.c.Table, &x.c.Row, &x.c.Council, &x.c.Field, &x.c.Value, &x.c.Base, &x.c.Sig)
	x.c.Value = textValue(x.c.Value)
	return x, err
}

// errPageFull stops the reading of a page at one of its bounds.
var errPageFull = errors.New("storage: page full")

func (db *DB) hubPage(ctx context.Context, council string, since int64, p Page, exclude string) ([]Change, int64, bool, error) {
	var seq, numbered int64
	if err := db.sql().QueryRowContext(ctx, "SELECT COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'seq'), 0), COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'sync_hub_local'), 0)").Scan(&seq, &numbered); err != nil {
		return nil, 0, false, err
	}
	if seq > numbered {
		if err := db.applyTx(ctx, func(tx *sql.Tx) error { return db.sequenceLocal(ctx, tx) }); err != nil {
			return nil, 0, false, err
		}
	}
	if p.Ops <= 0 {
		p.Ops = int(^uint(0) >> 1)
	}
	// page reads the first ops of one council after since within the
	// bounds; full says it stopped at a bound, not at the end.
	page := func(tx *sql.Tx, council string) (rows []numberedOp, full bool, err error) {
		q := numberedOps
		args := []any{since}
		if council != "" {
			q += " AND s.council_id = ?"
			args = append(args, council)
		}
		q += " ORDER BY s.n"
		bytes := 0
		err = eachRow(ctx, tx, func(s scanner) error {
			if len(rows) >= p.Ops {
				return errPageFull
			}
			x, err := scanNumbered(s)
			if err != nil {
				return err
			}
			size := x.c.Size()
			if p.Bytes > 0 && len(rows) > 0 && bytes+size > p.Bytes {
				return errPageFull
			}
			bytes += size
			rows = append(rows, x)
			return nil
		}, q, args...)
		if errors.Is(err, errPageFull) {
			return rows, true, nil
		}
		if err != nil {
			return nil, false, err
		}
		return rows, false, nil
	}
	var rows []numberedOp
	more := false
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var full bool
		var err error
		rows, full, err = page(tx, council)
		if err != nil {
			return err
		}
		if council == "" || council == model.MunicipalityID {
			more = full
			return nil
		}
		// Two index range scans, merged by number. Where a scan stopped at
		// a bound, the merge is complete only up to its last number.
		upTo := int64(-1)
		if full && len(rows) > 0 {
			upTo = rows[len(rows)-1].n
		}
		muni, mfull, err := page(tx, model.MunicipalityID)
		if err != nil {
			return err
		}
		if mfull && len(muni) > 0 && (upTo < 0 || muni[len(muni)-1].n < upTo) {
			upTo = muni[len(muni)-1].n
		}
		rows = append(rows, muni...)
		sort.Slice(rows, func(i, j int) bool { return rows[i].n < rows[j].n })
		more = upTo >= 0
		bytes := 0
		for i, r := range rows {
			size := r.c.Size()
			if i > 0 && (upTo >= 0 && r.n > upTo || i >= p.Ops || p.Bytes > 0 && bytes+size > p.Bytes) {
				rows, more = rows[:i], true
				break
			}
			bytes += size
		}
		return nil
	})
	if err != nil {
		return nil, 0, false, err
	}
	next := since
	out := make([]Change, 0, len(rows))
	for _, r := range rows {
		next = r.n
		if exclude == "" || r.c.Device != exclude {
			out = append(out, r.c)
		}
	}
	return out, next, more, nil
}

// Chunks of a push the hub applies in one transaction each: short enough
// that another council's push waits a few hundred milliseconds at most.
var (
	HubChunkOps   = 200
	HubChunkBytes = 1 << 20
)

// chunks splits ops, in their order, into runs of at most HubChunkOps ops
// and about HubChunkBytes bytes (at least one op each).
func chunks(ops []Change) [][]Change {
	var out [][]Change
	start, bytes := 0, 0
	for i, c := range ops {
		size := c.Size()
		if i > start && (i-start >= HubChunkOps || bytes+size > HubChunkBytes) {
			out = append(out, ops[start:i])
			start, bytes = i, 0
		}
		bytes += size
	}
	if start < len(ops) {
		out = append(out, ops[start:])
	}
	return out
}

// CodeIssued tells when the enrolment code was made, and whether it is a
// code waiting to be used; the hub refuses codes older than its limit.
func (db *DB) CodeIssued(ctx context.Context, code string) (time.Time, bool, error) {
	code = strings.ToLower(strings.TrimSpace(code))
	if code == "" {
		return time.Time{}, false, nil
	}
	var created string
	err := db.sql().QueryRowContext(ctx, "SELECT created FROM devices WHERE code_hash = ?", hashSecret(code)).Scan(&created)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, err
	}
	return parseStampText(created), true, nil
}
