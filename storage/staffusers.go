package storage

// Staff users of the hub's web pages (issue 14): a name and the PBKDF2
// hash of a password the server made; their sessions and failed log-ins
// (issue 15). Kept in the hub's database only, never synced or put in a
// bundle. storage/postgres keeps the same on PostgreSQL, with the helpers
// exported here (MakeStaffPassword, CheckStaffPassword, StaffStampOf).

import (
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

const pbkdf2Iter = 100_000

// ErrStaffExists: a staff user of that name exists already.
var ErrStaffExists = errors.New("der findes allerede en medarbejder med det navn")

// AddStaffUser creates a staff user named name and returns the one-time
// password made for them (shown once; only its hash is kept).
func (db *DB) AddStaffUser(ctx context.Context, name string) (string, error) {
	name, err := StaffName(name)
	if err != nil {
		return "", err
	}
	pw, hash, err := MakeStaffPassword()
	if err != nil {
		return "", err
	}
	_, err = db.sql().ExecContext(ctx, "INSERT INTO staff_users(id, name, pw_hash, created) VALUES (?, ?, ?, ?)", newID(), name, hash, stampText(db.Now()))
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return "", ErrStaffExists
	}
	return pw, err
}

// CheckStaffUser tells whether name and password belong to a staff user.
// It takes as long for an unknown name as for a wrong password.
func (db *DB) CheckStaffUser(ctx context.Context, name, password string) (bool, error) {
	var hash string
	err := db.sql().QueryRowContext(ctx, "SELECT pw_hash FROM staff_users WHERE name = ?", strings.TrimSpace(name)).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		_, _ = hashPassword(password) // the same work, so timing tells nothing
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return CheckStaffPassword(hash, password), nil
}

// StaffName is a staff user's name as kept: trimmed, not empty, at most
// 200 bytes.
func StaffName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return "", errors.New("angiv medarbejderens navn")
	}
	return name, nil
}

// CheckUnknownStaff does the work of checking a password against no user,
// so that an unknown name takes as long as a wrong password.
func CheckUnknownStaff(password string) { _, _ = hashPassword(password) }

// ErrNoStaff: no staff user has that name.
var ErrNoStaff = errors.New("der er ingen medarbejder med det navn")

// NewStaffPassword gives the staff user named name a new password, made
// here and returned once (only its hash is kept). Every session of the
// user ends, in the same transaction; a session is also good only while
// the hash it logged in with is the user's (StaffStamp).
func (db *DB) NewStaffPassword(ctx context.Context, name string) (string, error) {
	pw, hash, err := MakeStaffPassword()
	if err != nil {
		return "", err
	}
	name = strings.TrimSpace(name)
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE staff_users SET pw_hash = ? WHERE name = ?", hash, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNoStaff
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM staff_sessions WHERE name = ?", name)
		return err
	})
	if err != nil {
		return "", err
	}
	return pw, nil
}

// StaffStamp is what a session of the staff user name checks on every
// request: a digest of the user's password hash, or "" when the user is
// gone. It changes with the password.
func (db *DB) StaffStamp(ctx context.Context, name string) (string, error) {
	var hash string
	err := db.sql().QueryRowContext(ctx, "SELECT pw_hash FROM staff_users WHERE name = ?", strings.TrimSpace(name)).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return StaffStampOf(hash), nil
}

// StaffStampOf is the stamp of a password hash (StaffStamp).
func StaffStampOf(hash string) string {
	sum := sha256.Sum256([]byte(hash))
	return base64.RawStdEncoding.EncodeToString(sum[:])
}

// MakeStaffPassword makes a password of 24 letters and digits and its hash.
func MakeStaffPassword() (pw, hash string, err error) {
	raw := make([]byte, 15)
	if _, err := rand.Read(raw); err != nil {
		return "", "", err
	}
	pw = strings.ToLower(base32.StdEncoding.EncodeToString(raw))
	hash, err = hashPassword(pw)
	return pw, hash, err
}

func hashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := pbkdf2.Key(sha256.New, pw, salt, pbkdf2Iter, 32)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("pbkdf2-sha256$%d$%s$%s", pbkdf2Iter, base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckStaffPassword tells whether pw is the password stored hashes.
func CheckStaffPassword(stored, pw string) bool {
	parts := strings.Split(stored, "$")
	if len(parts) != 4 || parts[0] != "pbkdf2-sha256" {
		return false
	}
	var iter int
	if _, err := fmt.Sscan(parts[1], &iter); err != nil || iter < 1 || iter > 10_000_000 {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[2])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[3])
	if err1 != nil || err2 != nil {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, pw, salt, iter, len(want))
	return err == nil && subtle.ConstantTimeCompare(got, want) == 1
}

// StaffUser is a staff user as kept (kommune migrate copies them).
type StaffUser struct {
	ID, Name, PwHash, Created string
}

// StaffUsers are every staff user, by name.
func (db *DB) StaffUsers(ctx context.Context) ([]StaffUser, error) {
	return list(ctx, db.sql(), func(s scanner) (StaffUser, error) {
		var u StaffUser
		return u, s.Scan(&u.ID, &u.Name, &u.PwHash, &u.Created)
	}, "SELECT id, name, pw_hash, created FROM staff_users ORDER BY name")
}

// StaffSession is a staff user's log-in to the hub's web pages. The
// cookie holds a random token; the store keeps only its SHA-256
// (StaffTokenHash), so a copy of the database logs nobody in.
type StaffSession struct {
	TokenHash string
	Name      string
	CSRF      string // the token of the session's forms
	Stamp     string // StaffStamp of the user at log-in
	Expires   time.Time
}

// StaffTokenHash is what the store keeps of a session's token.
func StaffTokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func millis(t time.Time) int64 { return t.UnixMilli() }

// CreateStaffSession stores a new session; sessions expired by now are
// purged on the way.
func (db *DB) CreateStaffSession(ctx context.Context, s StaffSession, now time.Time) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM staff_sessions WHERE expires <= ?", millis(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO staff_sessions(token_hash, name, csrf, stamp, expires) VALUES (?, ?, ?, ?, ?)",
			s.TokenHash, s.Name, s.CSRF, s.Stamp, millis(s.Expires))
		return err
	})
}

// StaffSessionByToken finds the session of a token's hash that has not
// expired by now, and moves its expiry to now+ttl (a session lasts ttl
// without use). ok is false for an unknown or expired session.
func (db *DB) StaffSessionByToken(ctx context.Context, tokenHash string, now time.Time, ttl time.Duration) (s StaffSession, ok bool, err error) {
	var exp int64
	err = db.sql().QueryRowContext(ctx, "UPDATE staff_sessions SET expires = ? WHERE token_hash = ? AND expires > ? RETURNING name, csrf, stamp, expires",
		millis(now.Add(ttl)), tokenHash, millis(now)).Scan(&s.Name, &s.CSRF, &s.Stamp, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return StaffSession{}, false, nil
	}
	if err != nil {
		return StaffSession{}, false, err
	}
	s.TokenHash, s.Expires = tokenHash, time.UnixMilli(exp).UTC()
	return s, true, nil
}

// EndStaffSession ends one session (log-out); an unknown one is no error.
func (db *DB) EndStaffSession(ctx context.Context, tokenHash string) error {
	_, err := db.sql().ExecContext(ctx, "DELETE FROM staff_sessions WHERE token_hash = ?", tokenHash)
	return err
}

// EndStaffSessions ends every session of the staff user name.
func (db *DB) EndStaffSessions(ctx context.Context, name string) error {
	_, err := db.sql().ExecContext(ctx, "DELETE FROM staff_sessions WHERE name = ?", strings.TrimSpace(name))
	return err
}

// BeginStaffAttempt counts a log-in attempt at now against each key (a
// name, an address) before its password is checked, and returns the
// attempt's id; attempts older than window are purged on the way. A
// failed attempt stays counted; EndStaffAttempt forgets one that
// succeeded or was shut out.
func (db *DB) BeginStaffAttempt(ctx context.Context, keys []string, now time.Time, window time.Duration) (string, error) {
	id := newID()
	return id, db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM staff_failures WHERE at <= ?", millis(now.Add(-window))); err != nil {
			return err
		}
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, "INSERT INTO staff_failures(key, at, attempt) VALUES (?, ?, ?)", k, millis(now), id); err != nil {
				return err
			}
		}
		return nil
	})
}

// EndStaffAttempt forgets an attempt (BeginStaffAttempt).
func (db *DB) EndStaffAttempt(ctx context.Context, id string) error {
	_, err := db.sql().ExecContext(ctx, "DELETE FROM staff_failures WHERE attempt = ?", id)
	return err
}

// StaffFailures are the times of the attempts counted against key after
// since (failures, and attempts under way), newest first, at most limit.
func (db *DB) StaffFailures(ctx context.Context, key string, since time.Time, limit int) ([]time.Time, error) {
	return list(ctx, db.sql(), func(s scanner) (time.Time, error) {
		var ms int64
		err := s.Scan(&ms)
		return time.UnixMilli(ms).UTC(), err
	}, "SELECT at FROM staff_failures WHERE key = ? AND at > ? ORDER BY at DESC LIMIT ?", key, millis(since), limit)
}
