package storage

import (
	"context"
	"strconv"
	"time"
)

// Op is one entry of the change log, as tests read it.
type Op struct {
	Device, Table, Row, Council, Field, Base string
	Seq, HLC                                 int64
	Value                                    any
}

// ChangeLog returns the whole change log in the order it was written.
func (db *DB) ChangeLog() ([]Op, error) {
	return list(context.Background(), db.sql(), func(s scanner) (Op, error) {
		var o Op
		err := s.Scan(&o.Device, &o.Seq, &o.HLC, &o.Table, &o.Row, &o.Council, &o.Field, &o.Value, &o.Base)
		return o, err
	}, "SELECT device, seq, hlc, tbl, row_id, council_id, field, value, base FROM changes ORDER BY device, seq")
}

// Tombstoned tells whether a row was deleted.
func (db *DB) Tombstoned(table, id string) bool {
	var n int
	db.sql().QueryRow("SELECT COUNT(*) FROM tombstones WHERE tbl = ? AND row_id = ?", table, id).Scan(&n)
	return n == 1
}

// Exec runs raw SQL, for tests that damage or age a database.
func (db *DB) Exec(q string, args ...any) error {
	_, err := db.sql().Exec(q, args...)
	return err
}

// LimitPages makes the database behave as if the disk were full beyond n
// pages: one connection, with max_page_count set on it. For local writes
// only: an apply would take that one connection for good (applyConn).
func (db *DB) LimitPages(n int) error {
	db.apply.turn <- struct{}{}
	db.apply.drop(false) // applying too takes the one connection
	<-db.apply.turn
	db.sql().SetMaxOpenConns(1)
	_, err := db.sql().Exec("PRAGMA max_page_count = " + itoaInt(n))
	return err
}

func itoaInt(n int) string { return strconv.Itoa(n) }

// CPUTime is the process's CPU time so far (0 where it cannot be read).
func CPUTime() time.Duration { return cpuTime() }

// CouncilCode is what the search indexes put in front of the council's
// words (migration 020).
func CouncilCode(councilID string) string { return councilCode(councilID) }
