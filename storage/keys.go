package storage

// Provenance: who wrote an op, and the secrets that prove it.
//
// Every replica (a council's laptop, a staff device, the hub itself) has an
// ed25519 keypair. Every op is signed by its author when it is written
// (writer.logEdit), over an unambiguous encoding of everything the op says
// (signedBytes). The public key travels at enrolment; the hub keeps it in
// its device registry and hands out a key directory (replica → key,
// council, staff) signed with its own key, which laptops keep to check the
// ops in sync bundles (VerifyOps, provenance.go). A laptop that never
// enrolled over HTTP trusts the hub key of the first directory it sees
// (trust on first use) and refuses a later one signed by another key.
//
// The private key and the device's secret for the hub live in a small
// file beside the database (SecretPath, mode 0600), never in the database:
// backups, which copy only the database, carry neither. A database opened
// without the secrets it was signing with (a copy on another computer, a
// backup restored where the file is gone) becomes a new replica with a new
// id and key (renewReplica): its unsent ops move to the new id, and it must
// be enrolled again before it syncs (ErrSecretMissing).

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"lokalraad/model"
)

// Errors of provenance. An op that fails them refuses its whole batch.
var (
	ErrUnsigned      = error(model.NewError(model.Forbidden, "ændringen er ikke underskrevet"))
	ErrBadSignature  = error(model.NewError(model.Forbidden, "ændringens underskrift passer ikke (filen er ændret, eller afsenderen er forfalsket)"))
	ErrUnknownAuthor = error(model.NewError(model.Forbidden, "ændringen er fra en enhed, som kommunens nøgleliste ikke kender"))
	ErrOwnDevice     = error(model.NewError(model.Forbidden, "ændringen udgiver sig for at være skrevet på denne computer, men computeren har ikke skrevet den"))
	ErrHubKeyChanged = error(model.NewError(model.Forbidden, "nøglelisten er underskrevet af en anden server end den, computeren kender; spørg kommunen"))
	// ErrSecretMissing: the database was copied or restored without the
	// secrets file beside it.
	ErrSecretMissing = error(model.NewError(model.Forbidden, "databasen er flyttet eller kopieret uden sin nøglefil; tilmeld computeren igen med en ny tilmeldingskode fra kommunen"))
	// ErrCopiedDevice: this database and its secrets file were copied
	// from another computer, which writes under the same identity
	// (RenewCopied).
	ErrCopiedDevice = error(model.NewError(model.Conflict, "denne computers data er kopieret fra en anden computer, som bruger samme identitet; dine ændringer er gemt her og sendes, når computeren er tilmeldt igen med en ny tilmeldingskode fra kommunen"))
)

// ErrOpReused is an op whose number another op of the same device already
// has: two computers write as one device (a copied database), or an op id
// was forged. It is also an ErrBadChange.
var ErrOpReused = errors.New("nummeret er allerede brugt til en anden ændring")

// Limits on the numbers of an op, so that no counter can overflow: a
// sequence number of at most 2^53, a clock before the year 2200.
const (
	MaxSeq = 1 << 53
	MaxHLC = int64(7258118400000) << 16 // 2200-01-01 in ms, shifted
)

// secrets is the content of the secrets file.
type secrets struct {
	Device string `json:"device"`          // the replica the secrets belong to
	Key    []byte `json:"key"`             // ed25519 seed
	Token  string `json:"token,omitempty"` // MetaToken: "registry id.secret"
}

// SecretPath is the file beside a database that holds its private key and
// its secret for the hub. It is not part of any backup.
func SecretPath(dbPath string) string { return dbPath + ".secret" }

// metaPubKey keeps this database's public key (not secret) so that a
// database opened without the matching private key can tell.
const metaPubKey = "sync_pubkey"

// loadSecrets reads (or makes) the secrets file, moves a device secret the
// database still holds into it, and signs this device's unsigned ops.
func (db *DB) loadSecrets(ctx context.Context) error {
	path := SecretPath(db.path)
	var s secrets
	raw, err := os.ReadFile(path)
	if err == nil {
		if json.Unmarshal(raw, &s) != nil || len(s.Key) != ed25519.SeedSize {
			s = secrets{}
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("læs nøglefilen %s: %w", path, err)
	}
	var pub, legacyToken string
	err = db.sql().QueryRowContext(ctx, "SELECT COALESCE((SELECT value FROM meta WHERE key = ?), ''), COALESCE((SELECT value FROM meta WHERE key = ?), '')", metaPubKey, MetaToken).Scan(&pub, &legacyToken)
	if err != nil {
		return err
	}
	have := s.Device == db.self() && len(s.Key) == ed25519.SeedSize
	if have && pub != "" && base64.StdEncoding.EncodeToString(ed25519.NewKeyFromSeed(s.Key).Public().(ed25519.PublicKey)) != pub {
		have = false
	}
	if !have {
		if raw != nil {
			// The file belongs to another replica (a backup of another
			// computer restored here) or another key: kept aside, never
			// lost.
			os.Rename(path, path+"-"+time.Now().UTC().Format("20060102T150405"))
			raw = nil
		}
		seed := make([]byte, ed25519.SeedSize)
		if _, err := rand.Read(seed); err != nil {
			return err
		}
		s = secrets{Device: db.self(), Key: seed}
		if pub != "" {
			// This database signed with a key that is not here: it is a
			// copy, and a copy is a new replica.
			if err := db.renewReplica(ctx); err != nil {
				return err
			}
			s.Device = db.self()
		} else {
			s.Token = legacyToken // a database from before the secrets file
		}
	}
	if s.Token == "" && legacyToken != "" && have {
		s.Token = legacyToken
	}
	db.setKey(ed25519.NewKeyFromSeed(s.Key))
	db.token = s.Token
	if b, _ := json.Marshal(s); string(b) != string(raw) {
		if err := writeSecrets(path, s); err != nil {
			return err
		}
	}
	if have && pub != "" && legacyToken == "" {
		return nil // the usual open: nothing to move, nothing unsigned
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM meta WHERE key = ?", MetaToken); err != nil {
			return err
		}
		if err := setMeta(ctx, tx, metaPubKey, db.PublicKey()); err != nil {
			return err
		}
		// This device's ops written before signatures (or before a new id)
		// are signed now; the write path signs all later ones.
		return db.resignWhere(ctx, tx, "device = ? AND sig = ''", db.self())
	})
}

// dropSecret removes a device secret from a database file that is not
// open (a copy made before the secret moved out).
func dropSecret(ctx context.Context, path string) error {
	sqldb, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer sqldb.Close()
	if _, err := sqldb.ExecContext(ctx, "DELETE FROM meta WHERE key = ?", MetaToken); err != nil {
		return err
	}
	return sqldb.Close()
}

func writeSecrets(path string, s secrets) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("skriv nøglefilen %s: %w", path, err)
	}
	os.Chmod(tmp, 0o600)
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("skriv nøglefilen %s: %w", path, err)
	}
	return nil
}

// token is the device secret (MetaToken), from the secrets file.
func (db *DB) getToken() string {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.token == "" {
		// Another process (lokalraad sync --code beside the open app) may
		// have enrolled since: the file is the truth.
		var s secrets
		if raw, err := os.ReadFile(SecretPath(db.path)); err == nil && json.Unmarshal(raw, &s) == nil &&
			s.Device == db.self() && string(s.Key) == string(db.signKey().Seed()) {
			db.token = s.Token
		}
	}
	return db.token
}

func (db *DB) setToken(v string) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	s := secrets{Device: db.self(), Key: db.signKey().Seed(), Token: v}
	if err := writeSecrets(SecretPath(db.path), s); err != nil {
		return err
	}
	db.token = v
	return nil
}

// SecretMissing tells whether this database was enrolled with a hub but
// has lost its secret (copied or restored without its secrets file).
func (db *DB) SecretMissing(ctx context.Context) (bool, error) {
	st, err := db.SyncState(ctx)
	return st.Server != "" && st.Token == "", err
}

// RenewCopied gives this database an identity of its own after the hub
// refused one of its ops as reusing a number another computer's op of the
// same device has (ErrOpReused): the database was copied with its secrets
// file, and both copies write as one device. Its unsent ops move to a new
// replica id (renewReplica), so nothing written here is lost, and sync
// stops until the computer is enrolled again (ErrCopiedDevice says so);
// the next pull starts from the beginning, for the other computer's ops
// that the hub left out as this device's own.
func (db *DB) RenewCopied(ctx context.Context) error {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return err
	}
	path := SecretPath(db.path)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.renewReplicaTx(ctx, tx); err != nil {
			return err
		}
		// The shared identity's file is kept aside, never lost; the new
		// one has no secret for the hub until enrolled again.
		os.Rename(path, path+"-"+time.Now().UTC().Format("20060102T150405"))
		db.mu.Lock()
		db.setKey(ed25519.NewKeyFromSeed(seed))
		db.token = ""
		db.mu.Unlock()
		if err := writeSecrets(path, secrets{Device: db.self(), Key: seed}); err != nil {
			return err
		}
		if err := setMeta(ctx, tx, metaPubKey, db.PublicKey()); err != nil {
			return err
		}
		if err := setMeta(ctx, tx, MetaCursor, ""); err != nil {
			return err
		}
		return db.resignWhere(ctx, tx, "device = ? AND sig = ''", db.self())
	})
}

// renewReplica gives this database a new replica id, because the key its
// ops were signed with is gone. Ops already sent (on the hub: all) stay
// the old replica's;
// this device's unsent ops (after MetaAcked) move to the new id with the
// same sequence numbers and are signed again, so no edit is lost and no op
// id is ever used twice by two computers.
func (db *DB) renewReplica(ctx context.Context) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.renewReplicaTx(ctx, tx) })
}

// renewReplicaTx is renewReplica in tx.
func (db *DB) renewReplicaTx(ctx context.Context, tx *sql.Tx) error {
	old, fresh := db.self(), newID()
	acked, err := getMetaInt(ctx, tx, MetaAcked)
	if err != nil {
		return err
	}
	if db.isHub() {
		// Every op of the hub has been handed out already: they all
		// stay the old replica's.
		acked = MaxSeq
	}
	steps := []struct {
		q    string
		args []any
	}{
		{"UPDATE tombstones SET device = ?2 WHERE device = ?1 AND hlc IN (SELECT hlc FROM changes WHERE device = ?1 AND seq > ?3 AND field = '')", []any{old, fresh, acked}},
		{"UPDATE changes SET device = ?2 WHERE device = ?1 AND seq > ?3", []any{old, fresh, acked}},
		{"UPDATE field_versions SET device = ?2 WHERE device = ?1 AND seq > ?3", []any{old, fresh, acked}},
		{"UPDATE meta SET value = ? WHERE key = 'device'", []any{fresh}},
		{"DELETE FROM meta WHERE key IN (?, ?)", []any{MetaToken, metaPubKey}},
		// The status bar says why sync stopped, before anyone tries.
		{"INSERT OR REPLACE INTO meta(key, value) SELECT ?, ? WHERE EXISTS (SELECT 1 FROM meta WHERE key = ? AND value <> '')", []any{MetaError, ErrSecretMissing.Error(), MetaServer}},
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("ny enheds-id: %w", err)
		}
	}
	// Contexts naming a moved op name it by its new id (merge.go): a
	// moved op's base, and a moved delete's value.
	type ref struct {
		seq         int64
		field, base string
		value       any
	}
	refs, err := list(ctx, tx, func(s scanner) (ref, error) {
		var r ref
		err := s.Scan(&r.seq, &r.field, &r.base, &r.value)
		r.value = textOf(r.value)
		return r, err
	}, "SELECT seq, field, base, value FROM changes WHERE device = ?", fresh)
	if err != nil {
		return err
	}
	for _, r := range refs {
		base := moveContext(r.base, old, fresh, acked)
		value := r.value
		if v, ok := r.value.(string); ok && r.field == "" {
			value = moveContext(v, old, fresh, acked)
		}
		if base == r.base && sameValue(r.value, value) {
			continue
		}
		if _, err := tx.ExecContext(ctx, "UPDATE changes SET base = ?, value = ? WHERE device = ? AND seq = ?", base, value, fresh, r.seq); err != nil {
			return err
		}
	}
	db.setDevice(fresh)
	// Signed again in loadSecrets, with the new key.
	_, err = tx.ExecContext(ctx, "UPDATE changes SET sig = '' WHERE device = ?", fresh)
	return err
}

// moveContext rewrites an op's context after this device's ops after acked
// moved from replica old to fresh: what it had seen of old past acked it
// saw of fresh. Contexts of older versions (one op id) move by prefix.
func moveContext(base, old, fresh string, acked int64) string {
	ctx, ok := parseContext(base)
	switch {
	case !ok:
		return base
	case ctx.vv == nil:
		if _, n, ok := parseOpID(ctx.legacy); ok && n > acked && strings.HasPrefix(base, old+":") {
			return fresh + strings.TrimPrefix(base, old)
		}
		return base
	}
	n, ok := ctx.vv[old]
	if !ok || n <= acked {
		return base
	}
	ctx.vv[fresh] = max(ctx.vv[fresh], n)
	if acked > 0 {
		ctx.vv[old] = acked
	} else {
		delete(ctx.vv, old)
	}
	if len(ctx.vv) == 0 {
		return vvPrefix
	}
	return encodeContext(ctx.vv)
}

// PublicKey is this device's public key, base64.
func (db *DB) PublicKey() string {
	return base64.StdEncoding.EncodeToString(db.signKey().Public().(ed25519.PublicKey))
}

// signChange signs an op of this device with this device's key, setting
// c.Sig. Whatever changes one of this device's own ops after it was
// written (re-stamping unsent ops, linking a council, an erasure) calls it
// again; resignWhere does it for rows of the change log.
func (db *DB) signChange(c *Change) {
	SignChange(c, db.signKey())
}

// SignOwn signs c with this device's key, when c is this device's op; for
// tools and tests that write ops outside the write path.
func (db *DB) SignOwn(c *Change) error {
	if c.Device != db.self() {
		return fmt.Errorf("%s er ikke denne enheds ændring", c.ID())
	}
	db.signChange(c)
	return nil
}

// resignWhere signs again this device's ops that match cond (an SQL
// condition on changes).
func (db *DB) resignWhere(ctx context.Context, tx *sql.Tx, cond string, args ...any) error {
	ops, err := list(ctx, tx, scanChange, "SELECT "+changeCols+" FROM changes WHERE "+cond, args...)
	if err != nil {
		return err
	}
	for i := range ops {
		if ops[i].Device != db.self() {
			continue
		}
		db.signChange(&ops[i])
		if _, err := tx.ExecContext(ctx, "UPDATE changes SET sig = ? WHERE device = ? AND seq = ?", ops[i].Sig, ops[i].Device, ops[i].Seq); err != nil {
			return err
		}
	}
	return nil
}

// SignChange signs c with key, setting c.Sig (base64).
func SignChange(c *Change, key ed25519.PrivateKey) {
	c.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(key, signedBytes(*c)))
}

// VerifyChange tells whether c.Sig is key's signature of c.
func VerifyChange(c Change, key ed25519.PublicKey) bool {
	sig, err := base64.StdEncoding.DecodeString(c.Sig)
	if err != nil || len(sig) != ed25519.SignatureSize || len(key) != ed25519.PublicKeySize {
		return false
	}
	return ed25519.Verify(key, signedBytes(c), sig)
}

// signedBytes is the unambiguous encoding of an op that is signed: a
// format tag, then every field, strings with their length, numbers in 8
// bytes, and the value with its type (null, integer, text), so that no two
// different ops encode alike.
func signedBytes(c Change) []byte {
	b := make([]byte, 0, 128)
	b = append(b, "lokalraad-op/1\x00"...)
	str := func(s string) {
		s = wireText(s)
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	str(c.Device)
	b = binary.BigEndian.AppendUint64(b, uint64(c.Seq))
	b = binary.BigEndian.AppendUint64(b, uint64(c.HLC))
	str(c.Table)
	str(c.Row)
	str(c.Council)
	str(c.Field)
	switch v := normalValue(c.Value).(type) {
	case nil:
		b = append(b, 0)
	case int64:
		b = append(b, 1)
		b = binary.BigEndian.AppendUint64(b, uint64(v))
	case string:
		b = append(b, 2)
		str(v)
	default:
		b = append(b, 0xff)
		str(fmt.Sprintf("%T %v", v, v))
	}
	str(c.Base)
	return b
}

// wireText is s as it arrives after a trip through JSON, which replaces
// each byte that is not UTF-8 by U+FFFD: the signature covers what
// travels.
func wireText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// normalValue is a value as the change log stores it.
func normalValue(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case bool:
		return boolInt(x)
	case []byte:
		return string(x)
	}
	return v
}
