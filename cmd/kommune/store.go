package main

// The hub's two stores behind one admin: the SQLite file (a path), or
// PostgreSQL (a postgres:// URL in --db).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/exchange"
	"lokalraad/storage/postgres"
	"lokalraad/ui/web"
)

// hubConn is an open hub: exactly one of db and pg is set.
type hubConn struct {
	db *storage.DB
	pg *postgres.Store
}

func openHub(ctx context.Context, path string) (*hubConn, error) {
	if postgres.IsURL(path) {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		pg, err := postgres.Open(ctx, path)
		if err != nil {
			return nil, err
		}
		return &hubConn{pg: pg}, nil
	}
	db, err := openDB(ctx, path)
	if err != nil {
		return nil, err
	}
	return &hubConn{db: db}, nil
}

func (h *hubConn) Close() {
	if h.pg != nil {
		h.pg.Close()
	} else {
		h.db.Close()
	}
}

func (h *hubConn) store() exchange.HubStore {
	if h.pg != nil {
		return h.pg
	}
	return h.db
}

// staff is where the staff users of the web pages, their sessions and
// failed log-ins are kept: the hub's own store, SQLite or PostgreSQL
// (never a node's mirror, which is the node's alone).
func (h *hubConn) staff() web.StaffStore {
	if h.pg != nil {
		return h.pg
	}
	return h.db
}

func (h *hubConn) addCouncil(ctx context.Context, name string) (model.Council, error) {
	if h.pg != nil {
		id, err := h.pg.AddCouncil(ctx, name)
		return model.Council{ID: id, Name: name}, err
	}
	c := model.Council{Name: name}
	if err := h.db.SaveCouncil(ctx, model.Council{}, &c); err != nil {
		return c, err
	}
	return c, nil
}

func (h *hubConn) councils(ctx context.Context) ([]model.Council, error) {
	if h.pg != nil {
		return h.pg.Councils(ctx)
	}
	return h.db.Councils(ctx)
}

func (h *hubConn) addDevice(ctx context.Context, label, council string, staff bool) (storage.Device, string, error) {
	if h.pg != nil {
		return h.pg.AddDevice(ctx, label, council, staff)
	}
	return h.db.AddDevice(ctx, label, council, staff)
}

func (h *hubConn) devices(ctx context.Context) ([]storage.Device, error) {
	if h.pg != nil {
		return h.pg.Devices(ctx)
	}
	return h.db.Devices(ctx)
}

func (h *hubConn) revokeDevice(ctx context.Context, id string) error {
	if h.pg != nil {
		return h.pg.RevokeDevice(ctx, id)
	}
	return h.db.RevokeDevice(ctx, id)
}

var errNoDB = errors.New("angiv databasen med --db PATH eller --db postgres://…")

// cacheFlag is --cache: where a node keeps its mirror of a hub on
// PostgreSQL (exchange.Mirror): a throwaway SQLite file, rebuilt from the
// op log when lost. Give every node process a folder of its own.
func cacheFlag(fs *flag.FlagSet) *string {
	return fs.String("cache", "", "mappe til nodens lokale kopi af rækkerne, når serveren kører på PostgreSQL (standard: systemets cache-mappe)")
}

// mirror opens this node's mirror of the PostgreSQL hub, up to date, in
// cacheDir ("" for the system's cache folder). role tells the mirrors of
// one folder apart: a serve node's is named by its address (two nodes on
// one machine listen on two), the admin commands share "admin".
func (h *hubConn) mirror(ctx context.Context, cacheDir, role string, log *slog.Logger) (*exchange.Mirror, error) {
	if cacheDir == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("find en cache-mappe (angiv --cache): %w", err)
		}
		cacheDir = filepath.Join(dir, "lokalraad-kommune")
	}
	if err := os.MkdirAll(cacheDir, 0o700); err != nil {
		return nil, err
	}
	// One file per hub (by its replica id, the same on every node of it).
	sum := sha256.Sum256([]byte(h.pg.Device()))
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, strings.ToLower(role))
	path := filepath.Join(cacheDir, "spejl-"+hex.EncodeToString(sum[:6])+"-"+safe+".db")
	host, _ := os.Hostname()
	m, err := exchange.OpenMirror(ctx, h.pg, path, "Spejl på "+host+" ("+cacheDir+")", log)
	if err != nil {
		return nil, fmt.Errorf("nodens kopi af rækkerne i %s: %w", path, err)
	}
	return m, nil
}

// rows gives the hub's materialised rows, up to date: the SQLite hub
// itself, or this node's mirror of the PostgreSQL hub; done closes what
// it opened.
func (h *hubConn) rows(ctx context.Context, cacheDir string) (db *storage.DB, m *exchange.Mirror, done func(), err error) {
	if h.pg == nil {
		return h.db, nil, func() {}, nil
	}
	m, err = h.mirror(ctx, cacheDir, "admin", nil)
	if err != nil {
		return nil, nil, nil, err
	}
	return m.DB, m, func() { m.Close() }, nil
}
