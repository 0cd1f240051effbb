package postgres

// Staff users of the hub's web pages, their sessions and failed log-ins
// (ui/web's StaffStore), as the SQLite hub keeps them (storage/staffusers.go)
// and with its password helpers: one table each, shared by every node, so
// a log-in on one node holds on the next, a log-out ends the session on
// all, and the limit on wrong passwords counts every node's.

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"lokalraad/storage"
)

// AddStaffUser creates a staff user and returns the one-time password
// made for them (only its hash is kept); storage.ErrStaffExists when the
// name is taken.
func (s *Store) AddStaffUser(ctx context.Context, name string) (string, error) {
	name, err := storage.StaffName(name)
	if err != nil {
		return "", err
	}
	pw, hash, err := storage.MakeStaffPassword()
	if err != nil {
		return "", err
	}
	return pw, s.InsertStaffUser(ctx, storage.StaffUser{ID: newID(), Name: name, PwHash: hash, Created: stamp(s.Now())})
}

// InsertStaffUser stores a staff user as it is (kommune migrate);
// storage.ErrStaffExists when the name is taken.
func (s *Store) InsertStaffUser(ctx context.Context, u storage.StaffUser) error {
	_, err := s.pool.Exec(ctx, "INSERT INTO staff_users(id, name, pw_hash, created) VALUES ($1, $2, $3, $4)", u.ID, u.Name, u.PwHash, u.Created)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return storage.ErrStaffExists
	}
	return s.failed(err)
}

// CheckStaffUser tells whether name and password belong to a staff user;
// an unknown name takes as long as a wrong password.
func (s *Store) CheckStaffUser(ctx context.Context, name, password string) (bool, error) {
	hash, found, err := s.staffHash(ctx, strings.TrimSpace(name))
	if err != nil {
		return false, err
	}
	if !found {
		storage.CheckUnknownStaff(password)
		return false, nil
	}
	return storage.CheckStaffPassword(hash, password), nil
}

func (s *Store) staffHash(ctx context.Context, name string) (string, bool, error) {
	var hash string
	err := s.pool.QueryRow(ctx, "SELECT pw_hash FROM staff_users WHERE name = $1", name).Scan(&hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, s.failed(err)
	}
	return hash, true, nil
}

// NewStaffPassword gives a staff user a new password (returned once) and
// ends every session of the user, in one transaction;
// storage.ErrNoStaff when there is none by that name.
func (s *Store) NewStaffPassword(ctx context.Context, name string) (string, error) {
	pw, hash, err := storage.MakeStaffPassword()
	if err != nil {
		return "", err
	}
	name = strings.TrimSpace(name)
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "UPDATE staff_users SET pw_hash = $1 WHERE name = $2", hash, name)
		if err != nil {
			return s.failed(err)
		}
		if tag.RowsAffected() == 0 {
			return storage.ErrNoStaff
		}
		_, err = tx.Exec(ctx, "DELETE FROM staff_sessions WHERE name = $1", name)
		return s.failed(err)
	})
	if err != nil {
		return "", err
	}
	return pw, nil
}

// StaffStamp: see storage.DB.StaffStamp ("" when the user is gone).
func (s *Store) StaffStamp(ctx context.Context, name string) (string, error) {
	hash, found, err := s.staffHash(ctx, strings.TrimSpace(name))
	if err != nil || !found {
		return "", err
	}
	return storage.StaffStampOf(hash), nil
}

// StaffUsers are every staff user, by name.
func (s *Store) StaffUsers(ctx context.Context) ([]storage.StaffUser, error) {
	rows, err := s.pool.Query(ctx, "SELECT id, name, pw_hash, created FROM staff_users ORDER BY name")
	if err != nil {
		return nil, s.failed(err)
	}
	out, err := collect(rows, func(r pgx.Row) (storage.StaffUser, error) {
		var u storage.StaffUser
		return u, r.Scan(&u.ID, &u.Name, &u.PwHash, &u.Created)
	})
	return out, s.failed(err)
}

// CreateStaffSession stores a new session; expired ones are purged.
func (s *Store) CreateStaffSession(ctx context.Context, ss storage.StaffSession, now time.Time) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM staff_sessions WHERE expires <= $1", now.UnixMilli()); err != nil {
			return s.failed(err)
		}
		_, err := tx.Exec(ctx, "INSERT INTO staff_sessions(token_hash, name, csrf, stamp, expires) VALUES ($1, $2, $3, $4, $5)",
			ss.TokenHash, ss.Name, ss.CSRF, ss.Stamp, ss.Expires.UnixMilli())
		return s.failed(err)
	})
}

// StaffSessionByToken finds a session not expired by now and moves its
// expiry to now+ttl; ok is false for an unknown or expired one.
func (s *Store) StaffSessionByToken(ctx context.Context, tokenHash string, now time.Time, ttl time.Duration) (ss storage.StaffSession, ok bool, err error) {
	var exp int64
	err = s.pool.QueryRow(ctx, "UPDATE staff_sessions SET expires = $1 WHERE token_hash = $2 AND expires > $3 RETURNING name, csrf, stamp, expires",
		now.Add(ttl).UnixMilli(), tokenHash, now.UnixMilli()).Scan(&ss.Name, &ss.CSRF, &ss.Stamp, &exp)
	if errors.Is(err, pgx.ErrNoRows) {
		return storage.StaffSession{}, false, nil
	}
	if err != nil {
		return storage.StaffSession{}, false, s.failed(err)
	}
	ss.TokenHash, ss.Expires = tokenHash, time.UnixMilli(exp).UTC()
	return ss, true, nil
}

// EndStaffSession ends one session (log-out) on every node.
func (s *Store) EndStaffSession(ctx context.Context, tokenHash string) error {
	_, err := s.pool.Exec(ctx, "DELETE FROM staff_sessions WHERE token_hash = $1", tokenHash)
	return s.failed(err)
}

// EndStaffSessions ends every session of a staff user.
func (s *Store) EndStaffSessions(ctx context.Context, name string) error {
	_, err := s.pool.Exec(ctx, "DELETE FROM staff_sessions WHERE name = $1", strings.TrimSpace(name))
	return s.failed(err)
}

// BeginStaffAttempt counts a log-in attempt against each key before its
// password is checked (see storage.DB.BeginStaffAttempt).
func (s *Store) BeginStaffAttempt(ctx context.Context, keys []string, now time.Time, window time.Duration) (string, error) {
	id := newID()
	return id, pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM staff_failures WHERE at <= $1", now.Add(-window).UnixMilli()); err != nil {
			return s.failed(err)
		}
		for _, k := range keys {
			if _, err := tx.Exec(ctx, "INSERT INTO staff_failures(key, at, attempt) VALUES ($1, $2, $3)", k, now.UnixMilli(), id); err != nil {
				return s.failed(err)
			}
		}
		return nil
	})
}

// EndStaffAttempt forgets an attempt that succeeded or was shut out.
func (s *Store) EndStaffAttempt(ctx context.Context, id string) error {
	_, err := s.pool.Exec(ctx, "DELETE FROM staff_failures WHERE attempt = $1", id)
	return s.failed(err)
}

// StaffFailures are the times of the failed log-ins counted against key
// after since, newest first, at most limit.
func (s *Store) StaffFailures(ctx context.Context, key string, since time.Time, limit int) ([]time.Time, error) {
	rows, err := s.pool.Query(ctx, "SELECT at FROM staff_failures WHERE key = $1 AND at > $2 ORDER BY at DESC LIMIT $3", key, since.UnixMilli(), limit)
	if err != nil {
		return nil, s.failed(err)
	}
	out, err := collect(rows, func(r pgx.Row) (time.Time, error) {
		var ms int64
		err := r.Scan(&ms)
		return time.UnixMilli(ms).UTC(), err
	})
	return out, s.failed(err)
}
