package storage

// Sync: the meta keys of sync state and their reads and writes.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The meta keys of sync state.
const (
	MetaServer  = "sync_server"  // the hub's URL
	MetaToken   = "sync_token"   // registry id and secret: "id.secret"
	MetaCouncil = "sync_council" // the council this device syncs ("" for staff)
	MetaStaff   = "sync_staff"   // "1" on a staff device
	MetaCursor  = "sync_cursor"  // where this device stands in the hub's numbering (storage.Cursor's text)
	MetaAcked   = "sync_acked"   // this device's seq the hub has acknowledged
	MetaLast    = "sync_last"    // RFC 3339 time of the last good sync
	MetaError   = "sync_error"   // the last sync error, "" after a good one
	// MetaErrorCode is that error's code (model.Code), for the screens to
	// name it without reading its prose.
	MetaErrorCode = "sync_error_code"
	// MetaRefetch is "1" after a restore: the next pull asks the hub for
	// this device's own ops too, which it otherwise leaves out, so that ops
	// written after the backup come back.
	MetaRefetch = "sync_refetch"
)

// Meta reads a sync setting; a missing key is "".
func (db *DB) Meta(ctx context.Context, key string) (string, error) {
	if key == MetaToken {
		return db.getToken(), nil
	}
	var v string
	err := db.sql().QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetMeta writes a sync setting (keys starting with "sync_" only).
func (db *DB) SetMeta(ctx context.Context, key, value string) error {
	if !strings.HasPrefix(key, "sync_") {
		return fmt.Errorf("meta-nøglen %q er ikke en synkroniseringsindstilling", key)
	}
	if key == MetaToken { // a secret: in the secrets file, never in the database
		return db.setToken(value)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error { return setMeta(ctx, tx, key, value) })
}

// execQuerier is a transaction, or an apply's stmtTx, whose statements
// stay prepared from page to page.
type execQuerier interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

func setMeta(ctx context.Context, tx execQuerier, key, value string) error {
	_, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", key, value)
	return err
}

func getMetaInt(ctx context.Context, tx execQuerier, key string) (int64, error) {
	vs, err := list(ctx, tx, func(s scanner) (string, error) {
		var v string
		return v, s.Scan(&v)
	}, "SELECT value FROM meta WHERE key = ?", key)
	if err != nil || len(vs) == 0 {
		return 0, err
	}
	n, _ := strconv.ParseInt(vs[0], 10, 64)
	return n, nil
}

// bumpMeta raises an integer meta value to at least n.
func bumpMeta(ctx context.Context, tx execQuerier, key string, n int64) error {
	cur, err := getMetaInt(ctx, tx, key)
	if err != nil || cur >= n {
		return err
	}
	return setMeta(ctx, tx, key, strconv.FormatInt(n, 10))
}
