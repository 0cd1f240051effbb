package main

// The hub's two stores behind one admin: the SQLite file (a path), or
// PostgreSQL (a postgres:// URL in --db).

import (
	"context"
	"errors"
	"fmt"
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

func openHub(path string) (*hubConn, error) {
	if postgres.IsURL(path) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		pg, err := postgres.Open(ctx, path)
		if err != nil {
			return nil, err
		}
		return &hubConn{pg: pg}, nil
	}
	db, err := openDB(path)
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
// failed log-ins are kept: the hub's own store, SQLite or PostgreSQL.
func (h *hubConn) staff() web.StaffStore {
	if h.pg != nil {
		return h.pg
	}
	return h.db
}

// sqlite returns the SQLite hub, for what the PostgreSQL store does not do.
func (h *hubConn) sqlite(what string) (*storage.DB, error) {
	if h.pg != nil {
		return nil, fmt.Errorf("%s understøttes endnu ikke, når serveren kører på PostgreSQL (se README)", what)
	}
	return h.db, nil
}

func (h *hubConn) addCouncil(name string) (model.Council, error) {
	if h.pg != nil {
		id, err := h.pg.AddCouncil(name)
		return model.Council{ID: id, Name: name}, err
	}
	c := model.Council{Name: name}
	if err := h.db.SaveCouncil(model.Council{}, &c); err != nil {
		return c, err
	}
	return c, nil
}

func (h *hubConn) councils() ([]model.Council, error) {
	if h.pg != nil {
		return h.pg.Councils()
	}
	return h.db.Councils()
}

func (h *hubConn) addDevice(label, council string, staff bool) (storage.Device, string, error) {
	if h.pg != nil {
		return h.pg.AddDevice(label, council, staff)
	}
	return h.db.AddDevice(label, council, staff)
}

func (h *hubConn) devices() ([]storage.Device, error) {
	if h.pg != nil {
		return h.pg.Devices()
	}
	return h.db.Devices()
}

func (h *hubConn) revokeDevice(id string) error {
	if h.pg != nil {
		return h.pg.RevokeDevice(id)
	}
	return h.db.RevokeDevice(id)
}

var errNoDB = errors.New("angiv databasen med --db PATH eller --db postgres://…")
