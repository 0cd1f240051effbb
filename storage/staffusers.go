package storage

// Staff users of the hub's web pages (issue 14): a name and the PBKDF2
// hash of a password the server made. Kept in the hub's database only,
// never synced or put in a bundle.

import (
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

const pbkdf2Iter = 100_000

// ErrStaffExists: a staff user of that name exists already.
var ErrStaffExists = errors.New("der findes allerede en medarbejder med det navn")

// AddStaffUser creates a staff user named name and returns the one-time
// password made for them (shown once; only its hash is kept).
func (db *DB) AddStaffUser(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return "", errors.New("angiv medarbejderens navn")
	}
	pw, hash, err := newPassword()
	if err != nil {
		return "", err
	}
	_, err = db.sql.Exec("INSERT INTO staff_users(id, name, pw_hash, created) VALUES (?, ?, ?, ?)", newID(), name, hash, stampText(db.Now()))
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return "", ErrStaffExists
	}
	return pw, err
}

// CheckStaffUser tells whether name and password belong to a staff user.
// It takes as long for an unknown name as for a wrong password.
func (db *DB) CheckStaffUser(name, password string) (bool, error) {
	var hash string
	err := db.sql.QueryRowContext(context.Background(), "SELECT pw_hash FROM staff_users WHERE name = ?", strings.TrimSpace(name)).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		_, _ = hashPassword(password) // the same work, so timing tells nothing
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return checkPassword(hash, password), nil
}

// ErrNoStaff: no staff user has that name.
var ErrNoStaff = errors.New("der er ingen medarbejder med det navn")

// NewStaffPassword gives the staff user named name a new password, made
// here and returned once (only its hash is kept). Every session of the
// user ends, also in a running server: a session is good only while the
// hash it logged in with is the user's (StaffStamp).
func (db *DB) NewStaffPassword(name string) (string, error) {
	pw, hash, err := newPassword()
	if err != nil {
		return "", err
	}
	res, err := db.sql.Exec("UPDATE staff_users SET pw_hash = ? WHERE name = ?", hash, strings.TrimSpace(name))
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", ErrNoStaff
	}
	return pw, nil
}

// StaffStamp is what a session of the staff user name checks on every
// request: a digest of the user's password hash, or "" when the user is
// gone. It changes with the password.
func (db *DB) StaffStamp(name string) (string, error) {
	var hash string
	err := db.sql.QueryRow("SELECT pw_hash FROM staff_users WHERE name = ?", strings.TrimSpace(name)).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(hash))
	return base64.RawStdEncoding.EncodeToString(sum[:]), nil
}

// newPassword makes a password of 24 letters and digits and its hash.
func newPassword() (pw, hash string, err error) {
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

func checkPassword(stored, pw string) bool {
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
