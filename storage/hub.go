package storage

// The hub side of sync: the municipality's server keeps a replica of every
// council, numbers the ops it accepts, and keeps a registry of devices.

import (
	"context"
	"crypto/ed25519"
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
	"unicode/utf8"

	"lokalraad/model"
)

// Errors of the device registry.
var (
	ErrUnauthorized = error(model.NewError(model.Forbidden, "ukendt enhed eller forkert nøgle"))
	ErrRevoked      = error(model.NewError(model.Forbidden, "enheden er spærret af kommunen"))
	ErrBadCode      = error(model.NewError(model.Invalid, "tilmeldingskoden er ukendt eller allerede brugt"))
)

// Device is a device in the hub's registry.
type Device struct {
	ID       string // the registry's id
	Label    string
	Council  string // "" for a staff device
	Staff    bool
	Replica  string // the device's own id, once enrolled
	Created  time.Time
	Enrolled time.Time
	Revoked  time.Time
	Key      string // public key (ed25519, base64), once enrolled
}

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func randomText(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

const deviceCols = "id, label, council_id, staff, replica, created, enrolled, revoked, pubkey"

func scanDevice(s scanner) (Device, error) {
	var d Device
	var staff int64
	var created, enrolled, revoked string
	err := s.Scan(&d.ID, &d.Label, &d.Council, &staff, &d.Replica, &created, &enrolled, &revoked, &d.Key)
	d.Staff = staff != 0
	d.Created, d.Enrolled, d.Revoked = parseStampText(created), parseStampText(enrolled), parseStampText(revoked)
	return d, err
}

// AddDevice registers a device for a council (or a staff device, which may
// read every council and write the municipality's fields) and returns its
// one-time enrolment code. Only the code's hash is kept.
func (db *DB) AddDevice(ctx context.Context, label, council string, staff bool) (Device, string, error) {
	if staff == (council != "") {
		return Device{}, "", errors.New("en enhed hører enten til ét råd eller er kommunens")
	}
	if council != "" {
		if _, err := db.Council(ctx, council); err != nil {
			return Device{}, "", fmt.Errorf("rådet %s: %w", council, err)
		}
	}
	code := randomText(10)
	code = code[:4] + "-" + code[4:8] + "-" + code[8:12] + "-" + code[12:16]
	d := Device{ID: newID(), Label: label, Council: council, Staff: staff, Created: db.Now().UTC().Truncate(time.Second)}
	_, err := db.sql().ExecContext(ctx, "INSERT INTO devices(id, label, council_id, staff, code_hash, created) VALUES (?, ?, ?, ?, ?, ?)",
		d.ID, d.Label, d.Council, boolInt(staff), hashSecret(code), stampText(d.Created))
	if err != nil {
		return Device{}, "", friendly(err)
	}
	return d, code, nil
}

// Devices lists the registry.
func (db *DB) Devices(ctx context.Context) ([]Device, error) {
	return list(ctx, db.sql(), scanDevice, "SELECT "+deviceCols+" FROM devices ORDER BY created, id")
}

// RevokeDevice stops a device at once.
func (db *DB) RevokeDevice(ctx context.Context, id string) error {
	res, err := db.sql().ExecContext(ctx, "UPDATE devices SET revoked = ?, revoked_seq = COALESCE((SELECT MAX(seq) FROM changes WHERE changes.device = devices.replica), 0) WHERE id = ? AND revoked = ''", stampText(db.Now()), id)
	if err != nil {
		return friendly(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var x string
		if err := db.sql().QueryRowContext(ctx, "SELECT id FROM devices WHERE id = ?", id).Scan(&x); err != nil {
			return ErrNotFound
		}
	}
	return nil
}

// ErrReplicaTaken: a device tried to enrol with a replica id that is the
// hub's own or already in use.
var ErrReplicaTaken = error(model.NewError(model.Conflict, "computerens id er allerede i brug hos kommunen (serverens eget, en anden enheds, eller brugt i ændringsloggen); tilmeldingen er afvist"))

// EnrollDevice trades a one-time code for the device's own secret, binding
// the registry entry to the device's replica id and its public key
// (ed25519, base64), with which every op it writes is signed. The code
// cannot be used again. A replica id is one device's forever: the hub's
// own id, an id registered before (even to a revoked device) or found in
// the change log is refused.
func (db *DB) EnrollDevice(ctx context.Context, code, replica, pubkey string) (Device, string, error) {
	code = strings.ToLower(strings.TrimSpace(code))
	if code == "" || replica == "" {
		return Device{}, "", ErrBadCode
	}
	if k, err := base64.StdEncoding.DecodeString(pubkey); err != nil || len(k) != ed25519.PublicKeySize {
		return Device{}, "", errors.New("tilmeldingen mangler computerens offentlige nøgle (opdatér Lokalråd)")
	}
	if len(replica) > 100 || !utf8.ValidString(replica) || replica == db.self() {
		return Device{}, "", ErrReplicaTaken
	}
	secret := randomText(32)
	var d Device
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		d, err = scanDevice(tx.QueryRowContext(ctx, "SELECT "+deviceCols+" FROM devices WHERE code_hash = ?", hashSecret(code)))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrBadCode
		}
		if err != nil {
			return err
		}
		if !d.Revoked.IsZero() {
			return ErrRevoked
		}
		var used int
		if err := tx.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM devices WHERE replica = ?1) + (SELECT COUNT(*) FROM changes WHERE device = ?1)", replica).Scan(&used); err != nil {
			return err
		}
		if used > 0 {
			return ErrReplicaTaken
		}
		d.Replica, d.Enrolled, d.Key = replica, db.Now().UTC().Truncate(time.Second), pubkey
		_, err = tx.ExecContext(ctx, "UPDATE devices SET code_hash = '', secret_hash = ?, replica = ?, enrolled = ?, pubkey = ? WHERE id = ?",
			hashSecret(secret), replica, stampText(d.Enrolled), pubkey, d.ID)
		return err
	})
	if err != nil {
		return Device{}, "", err
	}
	return d, secret, nil
}

// SetDeviceKey registers the public key of an enrolled device that has
// none yet (enrolled before ops were signed); the caller has authenticated
// the device. A device's key never changes: a different one is refused.
func (db *DB) SetDeviceKey(ctx context.Context, id, pubkey string) error {
	if k, err := base64.StdEncoding.DecodeString(pubkey); err != nil || len(k) != ed25519.PublicKeySize {
		return errors.New("ugyldig offentlig nøgle")
	}
	res, err := db.sql().ExecContext(ctx, "UPDATE devices SET pubkey = ? WHERE id = ? AND pubkey = ''", pubkey, id)
	if err != nil {
		return friendly(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var have string
		if err := db.sql().QueryRowContext(ctx, "SELECT pubkey FROM devices WHERE id = ?", id).Scan(&have); err != nil {
			return ErrNotFound
		}
		if have != pubkey {
			return errors.New("enheden sender med en anden nøgle end den, den blev tilmeldt med; tilmeld den igen med en ny kode")
		}
	}
	return nil
}

// Authenticate finds the device a secret belongs to.
func (db *DB) Authenticate(ctx context.Context, id, secret string) (Device, error) {
	var hash string
	d, err := scanDevice(db.sql().QueryRowContext(ctx, "SELECT "+deviceCols+" FROM devices WHERE id = ?", id))
	if err == nil {
		err = db.sql().QueryRowContext(ctx, "SELECT secret_hash FROM devices WHERE id = ?", id).Scan(&hash)
	}
	if err != nil && ctx.Err() != nil {
		return Device{}, ctx.Err()
	}
	if err != nil || hash == "" || subtle.ConstantTimeCompare([]byte(hash), []byte(hashSecret(secret))) != 1 {
		return Device{}, ErrUnauthorized
	}
	if !d.Revoked.IsZero() {
		return Device{}, ErrRevoked
	}
	return d, nil
}

// DeviceByReplica finds the registry entry of a replica id; the hub's own
// replica is reported as a staff device.
func (db *DB) DeviceByReplica(ctx context.Context, replica string) (Device, error) {
	if replica == db.self() {
		return Device{ID: replica, Label: "kommunen", Staff: true, Replica: replica, Key: db.PublicKey()}, nil
	}
	d, err := scanDevice(db.sql().QueryRowContext(ctx, "SELECT "+deviceCols+" FROM devices WHERE replica = ? ORDER BY revoked = '' DESC, enrolled DESC LIMIT 1", replica))
	if errors.Is(err, sql.ErrNoRows) {
		return Device{}, ErrUnauthorized
	}
	return d, err
}

// HubApply applies ops on the hub and numbers the new ones (and the hub's
// own new ops) in the hub's sequence. It returns how many were new.
//
// The ops are applied in short transactions (chunks of HubChunkOps ops or
// HubChunkBytes bytes), each taking its turn at the write lock through a
// fair in-process lock, so another council's push waits for one chunk, not
// for the whole batch. Applying is idempotent, so a batch cut off between
// chunks is simply sent again.
func (db *DB) HubApply(ctx context.Context, ops []Change) (int, error) {
	// A malformed op, or a value no edit could make (model.CheckField, which
	// needs no state), still refuses the whole batch, before any chunk. The
	// rules that need state (locked minutes, erasures) run per chunk.
	if err := db.CheckOps(ctx, ops); err != nil {
		return 0, err
	}
	total := 0
	for _, part := range chunks(ops) {
		n, err := db.hubApplyChunk(ctx, part)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// labelIn names op c's row for a message, as rowLabel does, from the
// batch it came in or else from what the hub holds.
func (db *DB) labelIn(ctx context.Context, ops []Change, c Change) string {
	var best *Change
	for i := range ops {
		o := &ops[i]
		if o.Table != c.Table || o.Row != c.Row {
			continue
		}
		switch o.Field {
		case "title", "name", "what", "text":
			if s, ok := o.Value.(string); ok && s != "" && (best == nil || o.HLC > best.HLC) {
				best = o
			}
		}
	}
	if best != nil {
		s := []rune(best.Value.(string))
		if len(s) > 60 {
			s = append(s[:60], '…')
		}
		return fmt.Sprintf("%s »%s«", model.TableNoun(c.Table), string(s))
	}
	label := model.TableNoun(c.Table) + " " + c.Row
	db.readTx(ctx, func(tx *sql.Tx) error {
		label = rowLabel(ctx, tx, c.Table, c.Row)
		return nil
	})
	return label
}

func (db *DB) hubApplyChunk(ctx context.Context, ops []Change) (int, error) {
	db.hubWrite.Lock()
	defer db.hubWrite.Unlock()
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var n int
	err := db.applyTx(ctx, func(tx *sql.Tx) error {
		ctx := atHub(admitting(ctx))
		var fresh []Change
		var err error
		if n, fresh, err = db.applyOps(ctx, tx, ops, false, nil); err != nil {
			return err
		}
		for _, c := range fresh {
			if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO sync_seq(council_id, device, seq) VALUES (?, ?, ?)", c.Council, c.Device, c.Seq); err != nil {
				return err
			}
		}
		return db.sequenceLocal(ctx, tx)
	})
	return n, err
}

// sequenceLocal numbers the hub's own ops written since the last call.
func (db *DB) sequenceLocal(ctx context.Context, tx *sql.Tx) error {
	if err := db.captureDeletes(ctx, tx); err != nil {
		return err
	}
	from, err := getMetaInt(ctx, tx, "sync_hub_local")
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO sync_seq(council_id, device, seq) SELECT council_id, device, seq FROM changes WHERE device = ? AND seq > ? ORDER BY seq", db.self(), from); err != nil {
		return err
	}
	return bumpMeta(ctx, tx, "sync_hub_local", mustMetaInt(ctx, tx, "seq"))
}

func mustMetaInt(ctx context.Context, tx *sql.Tx, key string) int64 {
	n, _ := getMetaInt(ctx, tx, key)
	return n
}

// HubOpsSince returns up to limit ops of a council ("" for every council)
// the hub numbered after since; see HubPage, which also bounds the bytes.
func (db *DB) HubOpsSince(ctx context.Context, council string, since int64, limit int, exclude string) ([]Change, int64, bool, error) {
	return db.hubPage(ctx, council, since, Page{Ops: limit}, exclude)
}

// FieldOps returns the ops this replica holds of one field of a row, in
// replay order: what the hub checks a council's op against.
func (db *DB) FieldOps(ctx context.Context, table, row, field string) ([]Change, error) {
	return list(ctx, db.sql(), scanChange, "SELECT "+changeCols+" FROM changes WHERE tbl = ? AND row_id = ? AND field = ? ORDER BY hlc, device", table, row, field)
}

// HubSequence is the newest number the hub has given.
func (db *DB) HubSequence(ctx context.Context) (int64, error) {
	var n int64
	err := db.sql().QueryRowContext(ctx, "SELECT COALESCE(MAX(n), 0) FROM sync_seq").Scan(&n)
	return n, err
}

// LinkCouncil gives the council made on this device before it was enrolled
// the id of its council at the hub, in every table and in the change log.
// Only a device that has sent nothing may do it.
func (db *DB) LinkCouncil(ctx context.Context, from, to string) error {
	if from == to {
		return nil
	}
	return db.applyTx(ctx, func(tx *sql.Tx) error {
		acked, err := getMetaInt(ctx, tx, MetaAcked)
		if err != nil {
			return err
		}
		var others int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM changes WHERE device <> ? AND council_id = ?", db.self(), from).Scan(&others); err != nil {
			return err
		}
		if acked > 0 || others > 0 {
			return errors.New("rådet er allerede synkroniseret og kan ikke kobles om")
		}
		var x string
		if err := tx.QueryRowContext(ctx, "SELECT id FROM councils WHERE id = ?", to).Scan(&x); err == nil {
			return errors.New("rådet findes allerede på denne computer")
		}
		steps := []string{
			"UPDATE councils SET id = ?2, council_id = ?2 WHERE id = ?1",
			"UPDATE changes SET row_id = ?2 WHERE tbl = 'councils' AND row_id = ?1",
			"UPDATE changes SET council_id = ?2 WHERE council_id = ?1",
			"UPDATE field_versions SET row_id = ?2 WHERE tbl = 'councils' AND row_id = ?1",
			"UPDATE tombstones SET council_id = ?2 WHERE council_id = ?1",
			"UPDATE tombstones SET row_id = ?2 WHERE tbl = 'councils' AND row_id = ?1",
			"UPDATE sync_conflicts SET council_id = ?2 WHERE council_id = ?1",
		}
		for _, t := range Tables[1:] {
			steps = append(steps, "UPDATE "+t+" SET council_id = ?2 WHERE council_id = ?1")
		}
		for _, q := range steps {
			if _, err := tx.ExecContext(ctx, q, from, to); err != nil {
				return fmt.Errorf("kobl rådet: %w", err)
			}
		}
		// The ops changed, so their signatures are made again.
		return db.resignWhere(ctx, tx, "device = ? AND council_id = ?", db.self(), to)
	})
}

// RewriteUnsynced changes the values of this device's ops of a council that
// has never been synced, and the rows where those ops are the current
// version: f returns the new value of an op, or false to leave it. Used at
// enrolment to clear what only the municipality may write (the demo's
// answered budget wish), since those ops have never left the device.
func (db *DB) RewriteUnsynced(ctx context.Context, council string, f func(Change) (any, bool)) (int, error) {
	n := 0
	err := db.applyTx(ctx, func(tx *sql.Tx) error {
		acked, err := getMetaInt(ctx, tx, MetaAcked)
		if err != nil {
			return err
		}
		if acked > 0 {
			return errors.New("rådet er allerede synkroniseret")
		}
		ops, err := list(ctx, tx, scanChange, "SELECT "+changeCols+" FROM changes WHERE device = ? AND council_id = ? AND field <> ''", db.self(), council)
		if err != nil {
			return err
		}
		sch, err := db.schema(ctx)
		if err != nil {
			return err
		}
		for _, c := range ops {
			v, ok := f(c)
			if !ok {
				continue
			}
			if _, known := sch[c.Table][c.Field]; !known {
				continue
			}
			n++
			if _, err := tx.ExecContext(ctx, "UPDATE changes SET value = ? WHERE device = ? AND seq = ?", v, c.Device, c.Seq); err != nil {
				return err
			}
			if err := db.resignWhere(ctx, tx, "device = ? AND seq = ?", c.Device, c.Seq); err != nil {
				return err
			}
			// The row shows the value only where this op wrote it.
			at, ok, err := fieldVersion(ctx, tx, c.Table, c.Row, c.Field)
			if err != nil {
				return err
			}
			if !ok || at.v.device != c.Device || at.seq != c.Seq {
				continue
			}
			if _, err := tx.ExecContext(ctx, "UPDATE "+c.Table+" SET "+c.Field+" = ? WHERE id = ?", v, c.Row); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// HubCouncil returns a council the hub holds, ErrNotFound when it holds
// none by that id (exchange.HubStore).
func (db *DB) HubCouncil(ctx context.Context, id string) (model.Council, error) {
	return one(ctx, db.sql(), councilD.scan, councilsT.selectSQL()+" WHERE id = ?", id)
}
