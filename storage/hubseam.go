package storage

// What another hub store (storage/postgres) needs of this package: the
// checks of an op's shape, the signing of a key directory and of a file's
// seal (FileSeal), and, to move a hub from its SQLite file (kommune
// migrate), the hub's identity and the registry as stored.

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"time"

	"lokalraad/model"
)

// CheckOps checks ops that need no state: each op's shape against the
// schema, and each field's value against the model's bounds
// (model.CheckField). An error refuses the whole batch; errors.Is
// ErrBadChange holds.
func (db *DB) CheckOps(ctx context.Context, ops []Change) error {
	for i := range ops {
		if err := ctx.Err(); err != nil { // a big batch of a client gone
			return err
		}
		if err := db.checkChange(ctx, &ops[i]); err != nil {
			return err
		}
		if c := ops[i]; c.Field != "" && c.Table != conflictsTable && c.Table != scrubTable {
			if err := model.CheckField(c.Table, c.Field, c.Value); err != nil {
				return fmt.Errorf("%w: %s: %w", ErrRefused, db.labelIn(ctx, ops, c), err)
			}
		}
	}
	return nil
}

// ErrUnavailable: the hub's database cannot be reached just now (a
// PostgreSQL restarting); the request may be sent again.
var ErrUnavailable = error(model.NewError(model.Unavailable, "kommunens database svarer ikke lige nu; prøv igen om lidt"))

// Pseudo-tables of the change log that are not rows: a conflict's
// dismissal and an erasure of personal data.
const (
	ConflictsTable = conflictsTable
	ScrubTable     = scrubTable
)

// Sign signs the directory with the hub's key.
func (d *KeyDirectory) Sign(key ed25519.PrivateKey) {
	d.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(key, d.signedBytes()))
}

// HashSecret is how the registry keeps a secret or an enrolment code.
func HashSecret(s string) string { return hashSecret(s) }

// HubIdentity is this database's replica id and signing key: what every
// node of a hub on another store signs with, so that laptops that trust
// this hub go on trusting it after a move.
func (db *DB) HubIdentity() (string, ed25519.PrivateKey) { return db.self(), db.signKey() }

// StoredDevice is a registry entry as stored: with the hashes of its code
// and secret, and the last op number taken before its revocation.
type StoredDevice struct {
	Device
	CodeHash, SecretHash string
	RevokedSeq           int64
}

// StoredDevices lists the registry as stored, to move it to another store.
func (db *DB) StoredDevices(ctx context.Context) ([]StoredDevice, error) {
	return list(ctx, db.sql(), func(s scanner) (StoredDevice, error) {
		var d StoredDevice
		var staff int64
		var created, enrolled, revoked string
		err := s.Scan(&d.ID, &d.Label, &d.Council, &staff, &d.Replica, &created, &enrolled, &revoked, &d.Key, &d.CodeHash, &d.SecretHash, &d.RevokedSeq)
		d.Staff = staff != 0
		d.Created, d.Enrolled, d.Revoked = parseStampText(created), parseStampText(enrolled), parseStampText(revoked)
		return d, err
	}, "SELECT "+deviceCols+", code_hash, secret_hash, revoked_seq FROM devices ORDER BY created, id")
}

// HubNumbered returns up to limit ops the hub numbered after since, in
// number order, with their numbers: what a move to another store copies.
func (db *DB) HubNumbered(ctx context.Context, since int64, limit int) ([]Change, []int64, error) {
	if err := db.applyTx(ctx, func(tx *sql.Tx) error { return db.sequenceLocal(ctx, tx) }); err != nil {
		return nil, nil, err
	}
	xs, err := list(ctx, db.sql(), scanNumbered, numberedOps+" ORDER BY s.n LIMIT ?", since, limit)
	if err != nil {
		return nil, nil, err
	}
	var ops []Change
	var ns []int64
	for _, x := range xs {
		ops, ns = append(ops, x.c), append(ns, x.n)
	}
	return ops, ns, nil
}

// What another hub store needs to take erasures of personal data (the
// scrub table): the same reading of an erasure, the same rule on what it
// may rewrite, and the same endorsement of a rewritten op, as this hub's.

// ParseScrub reads the new values an erasure op names, by op id
// ("device:seq"); errors.Is ErrBadChange for a malformed one.
func ParseScrub(c Change) (map[string]string, error) { return parseScrub(c) }

// ParseOpID splits an op id into its device and sequence number.
func ParseOpID(id string) (device string, seq int64, ok bool) { return parseOpID(id) }

// ScrubValue is a held op's value after an erasure's value for it (names
// either side erased stay erased, so erasures commute); false when the
// erasure's value is no erasure of the held one (more than names changed).
func ScrubValue(table, field, held, erased string) (string, bool) {
	return scrubValue(table, field, held, erased)
}

// Scrubbable tells whether an erasure may rewrite op c: a text of a field,
// not a delete, not another erasure, never the municipality's columns.
func Scrubbable(c Change) bool { return scrubbableChange(c) }

// SameEdit tells whether the held op h and the op c sent again are one
// edit (equal but for the signature, or a text differing only by names
// erased; erasedTo knows the values erasures held gave it).
func SameEdit(h, c Change, erasedTo func(v string) bool) bool { return sameEdit(h, c, erasedTo) }

// Endorsement is the hub's signature for another device's op whose value
// an erasure rewrote: the hub vouches for the value, so that a laptop new
// to the op takes it from a bundle (VerifyOps checks it with the hub's key).
func Endorsement(c Change, key ed25519.PrivateKey) string {
	c.Sig = ""
	return endorsedPrefix + base64.StdEncoding.EncodeToString(ed25519.Sign(key, signedBytes(c)))
}

// A FileSeal is what a hub vouches for in a file it writes of a council
// (exchange's bundle): that the file is this hub's, of this council, made
// then, with these ops (their number and the checksum of their encoding)
// and this key directory. A laptop judges its own changes by what a file
// of the hub's holds (SetAsideRefusedOwn), and takes back those it set
// aside, only when the hub's key signed the file's seal: a file written in
// the hub's name by anyone else, leaving out changes the hub took, is read
// as any other computer's file.
type FileSeal struct {
	Council string
	Hub     string // the hub's replica id: the file's writer
	Created time.Time
	Count   int
	SHA256  string        // of the file's ops as written
	Keys    *KeyDirectory // the directory the file carries
}

// signedBytes is the seal's unambiguous encoding, tagged so that no op or
// key directory (each with a tag of its own) encodes alike.
func (s FileSeal) signedBytes() []byte {
	b := []byte("lokalraad-hubfile/1\x00")
	str := func(v string) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(v)))
		b = append(b, v...)
	}
	str(s.Council)
	str(s.Hub)
	b = binary.BigEndian.AppendUint64(b, uint64(s.Created.Unix()))
	b = binary.BigEndian.AppendUint64(b, uint64(s.Count))
	str(s.SHA256)
	if s.Keys == nil {
		str("")
	} else {
		sum := sha256.Sum256(s.Keys.signedBytes())
		str(s.Keys.Sig)
		b = append(b, sum[:]...)
	}
	return b
}

// Sign signs the seal with a hub's key (base64).
func (s FileSeal) Sign(key ed25519.PrivateKey) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(key, s.signedBytes()))
}

// Verify tells whether sig is the signature of the seal by the hub whose
// public key (base64) is hubKey.
func (s FileSeal) Verify(hubKey, sig string) bool {
	key, err := base64.StdEncoding.DecodeString(hubKey)
	raw, err2 := base64.StdEncoding.DecodeString(sig)
	return err == nil && err2 == nil && len(key) == ed25519.PublicKeySize && len(raw) == ed25519.SignatureSize &&
		ed25519.Verify(key, s.signedBytes(), raw)
}

// ErrNotHub: only the municipality's hub seals its files.
var ErrNotHub = error(model.NewError(model.Forbidden, "kun kommunens server kan underskrive sine synkroniseringsfiler"))

// SealHubFile signs a file's seal with this hub's key (exchange.HubStore);
// ErrNotHub on a laptop.
func (db *DB) SealHubFile(s FileSeal) (string, error) {
	if !db.isHub() || s.Hub != db.self() {
		return "", ErrNotHub
	}
	return s.Sign(db.signKey()), nil
}
