package storage

import (
	"context"
	"database/sql"
	"math/bits"
	"strings"
)

// stmtTx is a transaction that prepares each SQL text once: applying a
// page of ops runs the same few statements thousands of times, and the
// driver would otherwise prepare every one of them again. An apply
// transaction's (DB.stmtTx) takes them from those kept prepared on the
// apply connection (applyConn), for the transactions after it too.
type stmtTx struct {
	tx    *sql.Tx
	apply *applyConn
	stmts map[string]*sql.Stmt
	kept  map[string]bool // the apply connection's: not closed by close
}

func newStmtTx(tx *sql.Tx) *stmtTx { return &stmtTx{tx: tx, stmts: map[string]*sql.Stmt{}} }

// stmtTx is newStmtTx for a transaction of applyTx.
func (db *DB) stmtTx(tx *sql.Tx) *stmtTx {
	s := newStmtTx(tx)
	s.apply, s.kept = &db.apply, map[string]bool{}
	return s
}

func (s *stmtTx) prepare(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := s.stmts[q]; ok {
		return st, nil
	}
	if s.apply != nil {
		// On the connection of s.tx, so inside the transaction.
		if st := s.apply.stmt(ctx, q); st != nil {
			s.stmts[q], s.kept[q] = st, true
			return st, nil
		}
	}
	st, err := s.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	s.stmts[q] = st
	return st, nil
}

func (s *stmtTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := s.prepare(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (s *stmtTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := s.prepare(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// queryRow is QueryRowContext; a failed prepare shows as the row's error.
func (s *stmtTx) QueryRowContext(ctx context.Context, q string, args ...any) rowScanner {
	st, err := s.prepare(ctx, q)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(ctx, args...)
}

// close releases the statements (the transaction's end closes them too),
// but for those kept on the apply connection.
func (s *stmtTx) close() {
	for q, st := range s.stmts {
		if !s.kept[q] {
			st.Close()
		}
	}
}

type rowScanner interface{ Scan(dest ...any) error }

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// multiInsert collects rows for multi-row INSERT statements: a first pull
// writes thousands of rows into the change log and field_versions, and one
// statement of many rows costs far less than as many statements of one.
// Full statements have the same text, so they are prepared once.
type multiInsert struct {
	head string // "INSERT INTO t(a, b) VALUES "
	ncol int
	per  int // rows per statement
	args []any
}

func newMultiInsert(head string, ncol, per int) *multiInsert {
	return &multiInsert{head: head, ncol: ncol, per: per}
}

// add queues one row (ncol values) and writes a full statement's worth.
func (m *multiInsert) add(ctx context.Context, q *stmtTx, vals ...any) error {
	m.args = append(m.args, vals...)
	if len(m.args) >= m.per*m.ncol {
		return m.flush(ctx, q)
	}
	return nil
}

// flush writes the queued rows: in statements of per rows, and what is
// left in statements of powers of two, so that every statement's text is
// one of a few, each prepared once (applyConn).
func (m *multiInsert) flush(ctx context.Context, q *stmtTx) error {
	n := len(m.args) / m.ncol
	defer func() { m.args = m.args[:0] }()
	for done := 0; done < n; {
		k := chunk(n-done, m.per)
		if _, err := q.ExecContext(ctx, m.head+valuesList(k, m.ncol), m.args[done*m.ncol:(done+k)*m.ncol]...); err != nil {
			return err
		}
		done += k
	}
	return nil
}

// chunk is how many of n items the next statement takes: most, or else the
// largest power of two not above n.
func chunk(n, most int) int {
	if n >= most {
		return most
	}
	return 1 << (bits.Len(uint(n)) - 1)
}

// valuesList is "(?, ?), (?, ?)" for rows of ncol placeholders.
func valuesList(rows, ncol int) string {
	one := "(?" + strings.Repeat(", ?", ncol-1) + ")"
	return one + strings.Repeat(", "+one, rows-1)
}
