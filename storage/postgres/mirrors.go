package postgres

// The nodes' mirrors in the registry (exchange.Mirror): each is a staff
// device of its own, with a live secret. A mirror thrown away (its cache
// deleted, a new --cache, a node moved) must not leave that secret live
// for ever: a mirror made again in the same place (host and file) revokes
// the one it replaces once it is enrolled, every pull records when the
// mirror was last seen, and PruneMirrors revokes those not seen since a
// moment (`kommune device prune-mirrors`).
//
// Who may call these: the node's own code (OpenMirror, the admin
// commands), which has the database URL; nothing here is reachable from
// the network. The place a mirror names is the node's own host name and
// file path, never a value a client sends.

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"lokalraad/storage"
)

// seenEvery bounds how often a mirror's last_seen is written: a page
// pulls before it is served, and most pulls then write nothing.
const seenEvery = time.Minute

// MirrorDevice is a mirror's entry in the registry.
type MirrorDevice struct {
	storage.Device
	// Place is where the mirror lives ("HOST:PATH"), or its label for a
	// mirror registered before places were kept.
	Place string
	// LastSeen is when it last pulled (zero: never since it was
	// registered).
	LastSeen time.Time
}

// AddMirror registers a node's mirror living at place as a staff device
// labelled label and returns its one-time enrolment code.
func (s *Store) AddMirror(ctx context.Context, label, place string) (storage.Device, string, error) {
	if place == "" {
		return storage.Device{}, "", errors.New("spejlets sted mangler")
	}
	code := randomText(10)
	code = code[:4] + "-" + code[4:8] + "-" + code[8:12] + "-" + code[12:16]
	d := storage.Device{ID: newID(), Label: label, Staff: true, Created: s.Now().UTC().Truncate(time.Second)}
	_, err := s.pool.Exec(ctx, "INSERT INTO devices(id, label, council_id, staff, code_hash, created, mirror) VALUES ($1, $2, '', true, $3, $4, $5)",
		d.ID, d.Label, storage.HashSecret(code), stamp(d.Created), place)
	if err != nil {
		return storage.Device{}, "", s.failed(err)
	}
	return d, code, nil
}

// ReplaceMirrors revokes every live mirror at place but keep (the one just
// enrolled there) and returns how many it revoked: a mirror made again in
// its place has no use for the old one's secret.
func (s *Store) ReplaceMirrors(ctx context.Context, place, keep string) (int, error) {
	rows, err := s.pool.Query(ctx, "SELECT id FROM devices WHERE mirror = $1 AND id <> $2 AND revoked = ''", place, keep)
	if err != nil {
		return 0, s.failed(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0, s.failed(err)
	}
	for _, id := range ids {
		if err := s.RevokeDevice(ctx, id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// MirrorSeen records that the mirror id pulled now (at most once a
// minute is written).
func (s *Store) MirrorSeen(ctx context.Context, id string) error {
	now := s.Now()
	_, err := s.pool.Exec(ctx, "UPDATE devices SET last_seen = $1 WHERE id = $2 AND mirror <> '' AND last_seen < $3",
		stamp(now), id, stamp(now.Add(-seenEvery)))
	return s.failed(err)
}

// Mirrors lists the registry's mirrors, revoked ones too, oldest first.
func (s *Store) Mirrors(ctx context.Context) ([]MirrorDevice, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+deviceCols+", mirror, last_seen FROM devices WHERE mirror <> '' ORDER BY created, id")
	if err != nil {
		return nil, s.failed(err)
	}
	out, err := collect(rows, func(r pgx.Row) (MirrorDevice, error) {
		var m MirrorDevice
		var created, enrolled, revoked, seen string
		err := r.Scan(&m.ID, &m.Label, &m.Council, &m.Staff, &m.Replica, &created, &enrolled, &revoked, &m.Key, &m.Place, &seen)
		m.Created, m.Enrolled, m.Revoked, m.LastSeen = parseStamp(created), parseStamp(enrolled), parseStamp(revoked), parseStamp(seen)
		return m, err
	})
	return out, s.failed(err)
}

// PruneMirrors revokes every live mirror not seen since before (one never
// seen counts from when it was enrolled, or made) and returns those it
// revoked. Their secrets are refused at once, on every node; a node whose
// mirror it was makes a new one the next time it opens it.
func (s *Store) PruneMirrors(ctx context.Context, before time.Time) ([]MirrorDevice, error) {
	ms, err := s.Mirrors(ctx)
	if err != nil {
		return nil, err
	}
	var out []MirrorDevice
	for _, m := range ms {
		if !m.Revoked.IsZero() {
			continue
		}
		last := m.LastSeen
		if last.IsZero() {
			last = m.Enrolled
		}
		if last.IsZero() {
			last = m.Created
		}
		if !last.Before(before) {
			continue
		}
		if err := s.RevokeDevice(ctx, m.ID); err != nil {
			return out, err
		}
		out = append(out, m)
	}
	return out, nil
}
