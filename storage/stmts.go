package storage

import (
	"context"
	"database/sql"
	"strings"
)

// stmtTx is a transaction that prepares each SQL text once: applying a
// page of ops runs the same few statements thousands of times, and the
// driver would otherwise prepare every one of them again.
type stmtTx struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

func newStmtTx(tx *sql.Tx) *stmtTx { return &stmtTx{tx: tx, stmts: map[string]*sql.Stmt{}} }

func (s *stmtTx) prepare(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := s.stmts[q]; ok {
		return st, nil
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

// close releases the statements (the transaction's end closes them too).
func (s *stmtTx) close() {
	for _, st := range s.stmts {
		st.Close()
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

// flush writes the queued rows.
func (m *multiInsert) flush(ctx context.Context, q *stmtTx) error {
	n := len(m.args) / m.ncol
	if n == 0 {
		return nil
	}
	_, err := q.ExecContext(ctx, m.head+valuesList(n, m.ncol), m.args...)
	m.args = m.args[:0]
	return err
}

// valuesList is "(?, ?), (?, ?)" for rows of ncol placeholders.
func valuesList(rows, ncol int) string {
	one := "(?" + strings.Repeat(", ?", ncol-1) + ")"
	return one + strings.Repeat(", "+one, rows-1)
}
