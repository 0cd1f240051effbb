package storage

import (
	"context"
	"database/sql"
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
