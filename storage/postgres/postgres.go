// Package postgres is the hub's store on PostgreSQL: one database shared
// by several stateless `kommune serve` nodes, for many councils.
//
// What it keeps: the hub's identity (replica id and signing key, the same
// for every node), the device registry, and the op log of every council
// with the hub's numbering; the staff users of the web pages with their
// sessions and failed log-ins (staff.go); the attachments' files
// (blobs.go). It keeps no materialised rows: the few rules at the door
// that need state (the municipality's answer on a budget wish, approved
// minutes) read the op log of the field concerned, and an erasure of
// personal data rewrites the ops it names in place (scrub.go). A node's
// pages and admin commands read rows from its own mirror
// (exchange.Mirror), a SQLite replica of this op log.
//
// Numbering: one counter row (hub_counter), locked with SELECT … FOR
// UPDATE at the start of a push's transaction and held until it commits.
// Pushes are therefore numbered in the order they commit, on whichever
// node: no number is given twice (the row lock), and no puller can read n
// before every smaller number is committed (the holder of n-1 committed
// before n was taken). A sequence would number without waiting, but a
// puller could then see n+1 committed while n is still in flight and skip
// n for good; that needs a visibility rule (numbers below the oldest open
// push only), which is more to get wrong. One counter rather than one per
// council, because a staff device pulls every council with one cursor.
// The lock is held for the push's check and insert, a few milliseconds:
// the measured throughput is in README.
package postgres

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"lokalraad/model"
	"lokalraad/storage"
)

//go:embed migrations/*.sql
var migrations embed.FS

// IsURL tells whether a --db value names a PostgreSQL database.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Store is the hub's store on PostgreSQL. Safe for concurrent use, and
// for several processes on one database.
type Store struct {
	pool   *pgxpool.Pool
	device string
	key    ed25519.PrivateKey
	// check holds the schema the ops are checked against (a scratch SQLite
	// file: the laptops' schema is the one ops must fit).
	check    *storage.DB
	checkDir string
	// Now is the hub's clock.
	Now func() time.Time
}

// ErrUnavailable: the database cannot be reached.
var ErrUnavailable = storage.ErrUnavailable

// Open connects to the database at url, brings its schema up to date
// (embedded migrations, one node at a time) and reads the hub's identity,
// making one on a fresh database.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("ugyldig PostgreSQL-adresse: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	s := &Store{pool: pool, Now: time.Now}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	removeStaleSchemas()
	dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-", schemaDirPrefix, os.Getpid()))
	if err != nil {
		pool.Close()
		return nil, err
	}
	if s.check, err = storage.Open(filepath.Join(dir, "schema.db")); err != nil {
		pool.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	s.checkDir = dir
	return s, nil
}

// schemaDirPrefix names the scratch folders of the schema ops are checked
// against: "lokalraad-pg-schema-PID-…".
const schemaDirPrefix = "lokalraad-pg-schema-"

// Close closes the pool.
func (s *Store) Close() {
	s.pool.Close()
	if s.check != nil {
		s.check.Close()
		os.RemoveAll(s.checkDir)
	}
}

// Ping tells whether the database answers (readiness).
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// Device is the hub's replica id.
func (s *Store) Device() string { return s.device }

// PublicKey is the hub's public key, base64.
func (s *Store) PublicKey() string {
	return base64.StdEncoding.EncodeToString(s.key.Public().(ed25519.PublicKey))
}

const migrateLock = 0x6c6f6b72 // "lokr": one node migrates at a time

func (s *Store) migrate(ctx context.Context) error {
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(files)
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrateLock); err != nil {
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		if _, err := tx.Exec(ctx, "CREATE TABLE IF NOT EXISTS schema_version (version int NOT NULL)"); err != nil {
			return err
		}
		var have int
		if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_version").Scan(&have); err != nil {
			return err
		}
		if have > len(files) {
			return fmt.Errorf("databasen er fra en nyere udgave af kommune (version %d, denne kender %d); opdatér programmet", have, len(files))
		}
		for i := have; i < len(files); i++ {
			q, err := migrations.ReadFile(files[i])
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, string(q)); err != nil {
				return fmt.Errorf("opdatér databasen (%s): %w", files[i], err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_version(version) VALUES ($1)", i+1); err != nil {
				return err
			}
		}
		var devp, keyp *string
		if err := tx.QueryRow(ctx, "SELECT (SELECT value FROM hub_meta WHERE key = 'device'), (SELECT value FROM hub_meta WHERE key = 'key')").Scan(&devp, &keyp); err != nil {
			return err
		}
		var dev, key string
		if devp != nil && keyp != nil {
			dev, key = *devp, *keyp
		}
		if dev == "" {
			_, priv, err := ed25519.GenerateKey(rand.Reader)
			if err != nil {
				return err
			}
			dev, key = "hub-"+randomText(10), base64.StdEncoding.EncodeToString(priv.Seed())
			if _, err := tx.Exec(ctx, "INSERT INTO hub_meta(key, value) VALUES ('device', $1), ('key', $2)", dev, key); err != nil {
				return err
			}
		}
		return s.setIdentity(dev, key)
	})
}

func (s *Store) setIdentity(dev, key string) error {
	seed, err := base64.StdEncoding.DecodeString(key)
	if err != nil || len(seed) != ed25519.SeedSize {
		return errors.New("hubbens nøgle i databasen er ugyldig")
	}
	s.device, s.key = dev, ed25519.NewKeyFromSeed(seed)
	return nil
}

// SetIdentity gives the hub the replica id and key of the hub it is moved
// from (kommune migrate), so that laptops go on trusting it. Only a store
// that holds no op and no device may take another identity.
func (s *Store) SetIdentity(ctx context.Context, device string, key ed25519.PrivateKey) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var ops, devs int64
		if err := tx.QueryRow(ctx, "SELECT (SELECT COUNT(*) FROM ops), (SELECT COUNT(*) FROM devices)").Scan(&ops, &devs); err != nil {
			return err
		}
		if ops+devs > 0 {
			return errors.New("PostgreSQL-databasen indeholder allerede en hub; flyt kun til en tom database")
		}
		k := base64.StdEncoding.EncodeToString(key.Seed())
		if _, err := tx.Exec(ctx, "UPDATE hub_meta SET value = $1 WHERE key = 'device'", device); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE hub_meta SET value = $1 WHERE key = 'key'", k); err != nil {
			return err
		}
		return s.setIdentity(device, k)
	})
}

func randomText(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

func newID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

const stampLayout = "2006-01-02T15:04:05Z"

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Truncate(time.Second).Format(stampLayout)
}

func parseStamp(s string) time.Time {
	t, _ := time.Parse(stampLayout, s)
	return t
}

// --- the device registry ---

const deviceCols = "id, label, council_id, staff, replica, created, enrolled, revoked, pubkey"

func scanDevice(row pgx.Row) (storage.Device, error) {
	var d storage.Device
	var created, enrolled, revoked string
	err := row.Scan(&d.ID, &d.Label, &d.Council, &d.Staff, &d.Replica, &created, &enrolled, &revoked, &d.Key)
	d.Created, d.Enrolled, d.Revoked = parseStamp(created), parseStamp(enrolled), parseStamp(revoked)
	return d, err
}

// AddDevice registers a device for a council, or a staff device, and
// returns its one-time enrolment code; only the code's hash is kept.
func (s *Store) AddDevice(label, council string, staff bool) (storage.Device, string, error) {
	ctx := context.Background()
	if staff == (council != "") {
		return storage.Device{}, "", errors.New("en enhed hører enten til ét råd eller er kommunens")
	}
	if council != "" {
		if _, err := s.HubCouncil(ctx, council); err != nil {
			return storage.Device{}, "", fmt.Errorf("rådet %s: %w", council, err)
		}
	}
	code := randomText(10)
	code = code[:4] + "-" + code[4:8] + "-" + code[8:12] + "-" + code[12:16]
	d := storage.Device{ID: newID(), Label: label, Council: council, Staff: staff, Created: s.Now().UTC().Truncate(time.Second)}
	_, err := s.pool.Exec(ctx, "INSERT INTO devices(id, label, council_id, staff, code_hash, created) VALUES ($1, $2, $3, $4, $5, $6)",
		d.ID, d.Label, d.Council, staff, storage.HashSecret(code), stamp(d.Created))
	if err != nil {
		return storage.Device{}, "", s.failed(err)
	}
	return d, code, nil
}

// failed says, in Danish, that the database failed; the cause is kept for
// the log (errors.Unwrap).
func (s *Store) failed(err error) error {
	if err == nil {
		return nil
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return fmt.Errorf("databasen afviste ændringen: %w", err)
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// Devices lists the registry.
func (s *Store) Devices() ([]storage.Device, error) {
	rows, err := s.pool.Query(context.Background(), "SELECT "+deviceCols+" FROM devices ORDER BY created, id")
	if err != nil {
		return nil, s.failed(err)
	}
	defer rows.Close()
	var out []storage.Device
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// RevokeDevice stops a device at once, on every node.
func (s *Store) RevokeDevice(id string) error {
	ctx := context.Background()
	tag, err := s.pool.Exec(ctx, "UPDATE devices SET revoked = $1, revoked_seq = COALESCE((SELECT MAX(seq) FROM ops WHERE ops.device = devices.replica), 0) WHERE id = $2 AND revoked = ''", stamp(s.Now()), id)
	if err != nil {
		return s.failed(err)
	}
	if tag.RowsAffected() == 0 {
		var x string
		if err := s.pool.QueryRow(ctx, "SELECT id FROM devices WHERE id = $1", id).Scan(&x); err != nil {
			return storage.ErrNotFound
		}
	}
	return nil
}

// EnrollDevice: see exchange.HubStore. The code's row is locked, so that of
// two nodes enrolling with one code only one succeeds.
func (s *Store) EnrollDevice(ctx context.Context, code, replica, pubkey string) (storage.Device, string, error) {
	code = strings.ToLower(strings.TrimSpace(code))
	if code == "" || replica == "" {
		return storage.Device{}, "", storage.ErrBadCode
	}
	if k, err := base64.StdEncoding.DecodeString(pubkey); err != nil || len(k) != ed25519.PublicKeySize {
		return storage.Device{}, "", errors.New("tilmeldingen mangler computerens offentlige nøgle (opdatér Lokalråd)")
	}
	if len(replica) > 100 || replica == s.device || strings.ContainsAny(replica, ",=") {
		return storage.Device{}, "", storage.ErrReplicaTaken
	}
	secret := randomText(32)
	var d storage.Device
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		d, err = scanDevice(tx.QueryRow(ctx, "SELECT "+deviceCols+" FROM devices WHERE code_hash = $1 FOR UPDATE", storage.HashSecret(code)))
		if errors.Is(err, pgx.ErrNoRows) {
			return storage.ErrBadCode
		}
		if err != nil {
			return err
		}
		if !d.Revoked.IsZero() {
			return storage.ErrRevoked
		}
		var used bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM devices WHERE replica = $1) OR EXISTS (SELECT 1 FROM ops WHERE device = $1)", replica).Scan(&used); err != nil {
			return err
		}
		if used {
			return storage.ErrReplicaTaken
		}
		d.Replica, d.Enrolled, d.Key = replica, s.Now().UTC().Truncate(time.Second), pubkey
		_, err = tx.Exec(ctx, "UPDATE devices SET code_hash = '', secret_hash = $1, replica = $2, enrolled = $3, pubkey = $4 WHERE id = $5",
			storage.HashSecret(secret), replica, stamp(d.Enrolled), pubkey, d.ID)
		return err
	})
	if err != nil {
		if errors.Is(err, storage.ErrBadCode) || errors.Is(err, storage.ErrRevoked) || errors.Is(err, storage.ErrReplicaTaken) {
			return storage.Device{}, "", err
		}
		return storage.Device{}, "", s.failed(err)
	}
	return d, secret, nil
}

// CodeIssued: see exchange.HubStore.
func (s *Store) CodeIssued(ctx context.Context, code string) (time.Time, bool, error) {
	code = strings.ToLower(strings.TrimSpace(code))
	if code == "" {
		return time.Time{}, false, nil
	}
	var created string
	err := s.pool.QueryRow(ctx, "SELECT created FROM devices WHERE code_hash = $1", storage.HashSecret(code)).Scan(&created)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, s.failed(err)
	}
	return parseStamp(created), true, nil
}

// SetDeviceKey: see exchange.HubStore.
func (s *Store) SetDeviceKey(ctx context.Context, id, pubkey string) error {
	if k, err := base64.StdEncoding.DecodeString(pubkey); err != nil || len(k) != ed25519.PublicKeySize {
		return errors.New("ugyldig offentlig nøgle")
	}
	tag, err := s.pool.Exec(ctx, "UPDATE devices SET pubkey = $1 WHERE id = $2 AND pubkey = ''", pubkey, id)
	if err != nil {
		return s.failed(err)
	}
	if tag.RowsAffected() == 0 {
		var have string
		if err := s.pool.QueryRow(ctx, "SELECT pubkey FROM devices WHERE id = $1", id).Scan(&have); err != nil {
			return storage.ErrNotFound
		}
		if have != pubkey {
			return errors.New("enheden sender med en anden nøgle end den, den blev tilmeldt med; tilmeld den igen med en ny kode")
		}
	}
	return nil
}

// Authenticate: see exchange.HubStore.
func (s *Store) Authenticate(ctx context.Context, id, secret string) (storage.Device, error) {
	var hash, created, enrolled, revoked string
	var d storage.Device
	err := s.pool.QueryRow(ctx, "SELECT "+deviceCols+", secret_hash FROM devices WHERE id = $1", id).
		Scan(&d.ID, &d.Label, &d.Council, &d.Staff, &d.Replica, &created, &enrolled, &revoked, &d.Key, &hash)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return storage.Device{}, s.failed(err)
	}
	if err != nil || hash == "" || subtle.ConstantTimeCompare([]byte(hash), []byte(storage.HashSecret(secret))) != 1 {
		return storage.Device{}, storage.ErrUnauthorized
	}
	d.Created, d.Enrolled, d.Revoked = parseStamp(created), parseStamp(enrolled), parseStamp(revoked)
	if !d.Revoked.IsZero() {
		return storage.Device{}, storage.ErrRevoked
	}
	return d, nil
}

// DeviceByReplica: see exchange.HubStore.
func (s *Store) DeviceByReplica(ctx context.Context, replica string) (storage.Device, error) {
	if replica == s.device {
		return storage.Device{ID: replica, Label: "kommunen", Staff: true, Replica: replica, Key: s.PublicKey()}, nil
	}
	d, err := scanDevice(s.pool.QueryRow(ctx, "SELECT "+deviceCols+" FROM devices WHERE replica = $1 ORDER BY revoked = '' DESC, enrolled DESC LIMIT 1", replica))
	if errors.Is(err, pgx.ErrNoRows) {
		return storage.Device{}, storage.ErrUnauthorized
	}
	if err != nil {
		return d, s.failed(err)
	}
	return d, nil
}

// HubDirectory: see exchange.HubStore.
func (s *Store) HubDirectory(ctx context.Context, council string) (storage.KeyDirectory, error) {
	q := "SELECT replica, pubkey, council_id, staff, revoked, revoked_seq FROM devices WHERE replica <> ''"
	var args []any
	if council != "" {
		q += " AND (council_id = $1 OR staff)"
		args = append(args, council)
	}
	rows, err := s.pool.Query(ctx, q+" ORDER BY replica, enrolled DESC", args...)
	if err != nil {
		return storage.KeyDirectory{}, s.failed(err)
	}
	defer rows.Close()
	d := storage.KeyDirectory{Hub: s.device, HubKey: s.PublicKey()}
	for rows.Next() {
		var e storage.KeyEntry
		if err := rows.Scan(&e.Replica, &e.Key, &e.Council, &e.Staff, &e.Revoked, &e.RevokedSeq); err != nil {
			return storage.KeyDirectory{}, err
		}
		if len(d.Keys) > 0 && d.Keys[len(d.Keys)-1].Replica == e.Replica {
			continue
		}
		d.Keys = append(d.Keys, e)
	}
	if err := rows.Err(); err != nil {
		return storage.KeyDirectory{}, s.failed(err)
	}
	d.Sign(s.key)
	return d, nil
}

// --- councils: rows of the op log ---

// HubCouncil returns a council by the newest name the op log holds for it.
func (s *Store) HubCouncil(ctx context.Context, id string) (model.Council, error) {
	ops, err := s.FieldOps(ctx, "councils", id, "name")
	if err != nil {
		return model.Council{}, err
	}
	if len(ops) == 0 {
		return model.Council{}, storage.ErrNotFound
	}
	name, _ := ops[len(ops)-1].Value.(string)
	return model.Council{ID: id, Name: name}, nil
}

// Councils lists the councils the hub holds, by name.
func (s *Store) Councils() ([]model.Council, error) {
	rows, err := s.pool.Query(context.Background(), `SELECT DISTINCT ON (row_id) row_id, COALESCE(vtext, '') FROM ops
		WHERE tbl = 'councils' AND field = 'name' ORDER BY row_id, hlc DESC, device DESC`)
	if err != nil {
		return nil, s.failed(err)
	}
	defer rows.Close()
	var out []model.Council
	for rows.Next() {
		var c model.Council
		if err := rows.Scan(&c.ID, &c.Name); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, rows.Err()
}

// AddCouncil writes a new council as the hub's own signed op, numbered like
// any other, and returns its id.
func (s *Store) AddCouncil(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", errors.New("rådet skal have et navn")
	}
	id := newID()
	c := storage.Change{Table: "councils", Row: id, Council: id, Field: "name", Value: name}
	return id, s.writeOwn([]storage.Change{c})
}

// writeOwn numbers, signs and stores ops of the hub itself.
func (s *Store) writeOwn(ops []storage.Change) error {
	ctx := context.Background()
	return s.inPush(ctx, func(tx pgx.Tx, n *int64) error {
		var seq, hlc int64
		if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(seq), 0), COALESCE(MAX(hlc), 0) FROM ops WHERE device = $1", s.device).Scan(&seq, &hlc); err != nil {
			return err
		}
		hlc = max(hlc+1, s.Now().UnixMilli()<<16)
		for i := range ops {
			seq++
			ops[i].Device, ops[i].Seq, ops[i].HLC = s.device, seq, hlc
			hlc++
			storage.SignChange(&ops[i], s.key)
		}
		if err := s.check.CheckOps(ops); err != nil {
			return err
		}
		return s.insert(ctx, tx, n, ops)
	})
}

// --- the op log ---

const opCols = "device, seq, hlc, tbl, row_id, council_id, field, vkind, vtext, vint, base, sig"

func scanOp(row pgx.Row, n *int64) (storage.Change, error) {
	var c storage.Change
	var kind string
	var vtext *string
	var vint *int64
	dest := []any{&c.Device, &c.Seq, &c.HLC, &c.Table, &c.Row, &c.Council, &c.Field, &kind, &vtext, &vint, &c.Base, &c.Sig}
	if n != nil {
		dest = append([]any{n}, dest...)
	}
	if err := row.Scan(dest...); err != nil {
		return c, err
	}
	switch {
	case kind == "i" && vint != nil:
		c.Value = *vint
	case kind == "s" && vtext != nil:
		c.Value = *vtext
	}
	return c, nil
}

func encodeValue(v any) (kind string, text *string, num *int64, err error) {
	switch x := v.(type) {
	case nil:
		return "n", nil, nil, nil
	case string:
		return "s", &x, nil, nil
	case int64:
		return "i", nil, &x, nil
	case int:
		y := int64(x)
		return "i", nil, &y, nil
	}
	return "", nil, nil, fmt.Errorf("%w: ukendt værditype %T", storage.ErrBadChange, v)
}

// FieldOps: see exchange.HubStore.
func (s *Store) FieldOps(ctx context.Context, table, row, field string) ([]storage.Change, error) {
	return s.fieldOps(ctx, s.pool, table, row, field)
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func (s *Store) fieldOps(ctx context.Context, q querier, table, row, field string) ([]storage.Change, error) {
	rows, err := q.Query(ctx, "SELECT "+opCols+" FROM ops WHERE tbl = $1 AND row_id = $2 AND field = $3 ORDER BY hlc, device", table, row, field)
	if err != nil {
		return nil, s.failed(err)
	}
	defer rows.Close()
	var out []storage.Change
	for rows.Next() {
		c, err := scanOp(rows, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// held returns the ops of the log with the ids of ops, by id.
func (s *Store) held(ctx context.Context, q querier, ops []storage.Change) (map[string]storage.Change, error) {
	devs := make([]string, len(ops))
	seqs := make([]int64, len(ops))
	for i, c := range ops {
		devs[i], seqs[i] = c.Device, c.Seq
	}
	rows, err := q.Query(ctx, "SELECT "+opCols+" FROM ops WHERE (device, seq) IN (SELECT * FROM unnest($1::text[], $2::bigint[]))", devs, seqs)
	if err != nil {
		return nil, s.failed(err)
	}
	defer rows.Close()
	out := map[string]storage.Change{}
	for rows.Next() {
		c, err := scanOp(rows, nil)
		if err != nil {
			return nil, err
		}
		out[c.ID()] = c
	}
	return out, rows.Err()
}

func sameOp(h, c storage.Change) bool {
	h.Sig, c.Sig = "", ""
	if i, ok := c.Value.(int); ok {
		c.Value = int64(i)
	}
	return h == c
}

// VerifyOps: see exchange.HubStore. extra is not read: at the hub every
// author is in the registry, for a push and a bundle alike. Every new op
// must be signed by its author's registered key; an op held already may
// come again with its text erased on one side.
func (s *Store) VerifyOps(ctx context.Context, ops []storage.Change, extra *storage.KeyDirectory) ([]storage.Change, map[string]storage.Author, error) {
	held, err := s.held(ctx, s.pool, ops)
	if err != nil {
		return nil, nil, err
	}
	authors := map[string]storage.Author{}
	erasures := map[string]map[string][]string{}
	var fresh []storage.Change
	for _, c := range ops {
		if c.Seq <= 0 || c.Seq > storage.MaxSeq || c.HLC <= 0 || c.HLC > storage.MaxHLC {
			return nil, nil, fmt.Errorf("%w %s: nummer eller ur uden for det tilladte", storage.ErrBadChange, c.ID())
		}
		if h, ok := held[c.ID()]; ok {
			if sameOp(h, c) {
				continue
			}
			// An erasure rewrote the held op, or the sender's copy: the
			// same edit all the same (storage.SameEdit).
			erased, err := s.erasedTo(ctx, s.pool, ops, c, erasures)
			if err != nil {
				return nil, nil, err
			}
			if storage.SameEdit(h, c, erased) {
				continue
			}
			return nil, nil, fmt.Errorf("%w %s: en anden ændring med samme nummer er allerede modtaget", storage.ErrBadChange, c.ID())
		}
		if c.Device == s.device {
			return nil, nil, fmt.Errorf("%w (%s, %s.%s)", storage.ErrOwnDevice, c.ID(), c.Table, c.Field)
		}
		a, ok := authors[c.Device]
		if !ok {
			d, err := s.DeviceByReplica(ctx, c.Device)
			if errors.Is(err, storage.ErrUnauthorized) {
				return nil, nil, fmt.Errorf("%w (%s, %s.%s)", storage.ErrUnknownAuthor, c.Device, c.Table, c.Field)
			}
			if err != nil {
				return nil, nil, err
			}
			key, _ := base64.StdEncoding.DecodeString(d.Key)
			a = storage.Author{Replica: d.Replica, Key: ed25519.PublicKey(key), Council: d.Council, Staff: d.Staff}
			authors[c.Device] = a
		}
		fresh = append(fresh, c)
		if c.Sig == "" {
			return nil, nil, fmt.Errorf("%w (%s, %s.%s)", storage.ErrUnsigned, c.ID(), c.Table, c.Field)
		}
		if len(a.Key) != ed25519.PublicKeySize {
			return nil, nil, fmt.Errorf("%w (%s har ingen registreret nøgle; synkronisér den over nettet én gang)", storage.ErrUnknownAuthor, c.Device)
		}
		if !storage.VerifyChange(c, a.Key) {
			return nil, nil, fmt.Errorf("%w (%s, %s.%s)", storage.ErrBadSignature, c.ID(), c.Table, c.Field)
		}
	}
	return fresh, authors, nil
}

// HubApply: see exchange.HubStore. The whole batch is one transaction,
// holding the counter row from its start: checking what the log holds
// and numbering the new ops happen with no other push in between.
func (s *Store) HubApply(ctx context.Context, ops []storage.Change) (int, error) {
	if len(ops) == 0 {
		return 0, nil
	}
	ops = append([]storage.Change(nil), ops...)
	if err := s.check.CheckOps(ops); err != nil {
		return 0, err
	}
	fresh := 0
	err := s.inPush(ctx, func(tx pgx.Tx, n *int64) error {
		held, err := s.held(ctx, tx, ops)
		if err != nil {
			return err
		}
		var todo []storage.Change
		seen := map[string]bool{}
		for _, c := range ops {
			if _, ok := held[c.ID()]; ok || seen[c.ID()] {
				continue
			}
			seen[c.ID()] = true
			todo = append(todo, c)
		}
		if err := s.admit(ctx, tx, todo); err != nil {
			return err
		}
		// The year's locks, the same rule as the SQLite hub's
		// (storage/yearlock.go), by this hub's clock.
		if err := storage.CheckYearLocks(ctx, heldLog{tx}, todo, s.Now(), true); err != nil {
			return err
		}
		// Erasures of personal data (scrub.go): checked, then the texts
		// they name rewritten in the same transaction.
		if err := s.admitErasures(ctx, tx, todo); err != nil {
			return err
		}
		fresh = len(todo)
		if err := s.insert(ctx, tx, n, todo); err != nil {
			return err
		}
		return s.rescrub(ctx, tx, todo)
	})
	if err != nil {
		return 0, err
	}
	return fresh, nil
}

// inPush runs f in a transaction holding the counter row; f numbers what
// it inserts from *n, and the counter is moved on before commit.
func (s *Store) inPush(ctx context.Context, f func(tx pgx.Tx, n *int64) error) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var n int64
		if err := tx.QueryRow(ctx, "SELECT n FROM hub_counter WHERE id = 1 FOR UPDATE").Scan(&n); err != nil {
			return err
		}
		from := n
		if err := f(tx, &n); err != nil {
			return err
		}
		if n == from {
			return nil
		}
		_, err := tx.Exec(ctx, "UPDATE hub_counter SET n = $1 WHERE id = 1", n)
		return err
	})
	if err != nil && !errors.Is(err, storage.ErrBadChange) && !errors.Is(err, storage.ErrLocked) {
		return s.failed(err)
	}
	return err
}

// insert stores ops numbered *n+1, *n+2, … and moves *n on.
func (s *Store) insert(ctx context.Context, tx pgx.Tx, n *int64, ops []storage.Change) error {
	if len(ops) == 0 {
		return nil
	}
	rows := make([][]any, 0, len(ops))
	for _, c := range ops {
		kind, text, num, err := encodeValue(c.Value)
		if err != nil {
			return err
		}
		*n++
		rows = append(rows, []any{c.Device, c.Seq, c.HLC, c.Table, c.Row, c.Council, c.Field, kind, text, num, c.Base, c.Sig, *n})
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"ops"},
		[]string{"device", "seq", "hlc", "tbl", "row_id", "council_id", "field", "vkind", "vtext", "vint", "base", "sig", "n"},
		pgx.CopyFromRows(rows))
	return err
}

// InsertNumbered stores ops with the numbers given (kommune migrate: the
// numbers of the hub moved from, so that laptops' cursors stay right) and
// moves the counter to the largest. Ops held already are an error.
func (s *Store) InsertNumbered(ctx context.Context, ops []storage.Change, numbers []int64) error {
	if len(ops) != len(numbers) {
		return errors.New("ops and numbers differ in length")
	}
	return s.inPush(ctx, func(tx pgx.Tx, n *int64) error {
		rows := make([][]any, 0, len(ops))
		for i, c := range ops {
			kind, text, num, err := encodeValue(c.Value)
			if err != nil {
				return err
			}
			if numbers[i] <= *n {
				return fmt.Errorf("nummer %d er allerede givet", numbers[i])
			}
			*n = numbers[i]
			rows = append(rows, []any{c.Device, c.Seq, c.HLC, c.Table, c.Row, c.Council, c.Field, kind, text, num, c.Base, c.Sig, numbers[i]})
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"ops"},
			[]string{"device", "seq", "hlc", "tbl", "row_id", "council_id", "field", "vkind", "vtext", "vint", "base", "sig", "n"},
			pgx.CopyFromRows(rows))
		return err
	})
}

// InsertDevice stores a registry entry as it was stored elsewhere
// (kommune migrate).
func (s *Store) InsertDevice(ctx context.Context, d storage.StoredDevice) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO devices(id, label, council_id, staff, code_hash, secret_hash, replica, created, enrolled, revoked, revoked_seq, pubkey)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		d.ID, d.Label, d.Council, d.Staff, d.CodeHash, d.SecretHash, d.Replica, stamp(d.Created), stamp(d.Enrolled), stamp(d.Revoked), d.RevokedSeq, d.Key)
	return s.failed(err)
}

// HubPage: see exchange.HubStore. One index scan in number order; the
// page is cut at p's bounds, with at least one op.
func (s *Store) HubPage(ctx context.Context, council string, since int64, p storage.Page, exclude string) ([]storage.Change, int64, bool, error) {
	limit := int64(p.Ops)
	if limit <= 0 {
		limit = 1 << 40
	}
	q := "SELECT n, " + opCols + " FROM ops WHERE n > $1 ORDER BY n LIMIT $2"
	args := []any{since, limit + 1}
	if council == model.MunicipalityID {
		q = "SELECT n, " + opCols + " FROM ops WHERE council_id = $3 AND n > $1 ORDER BY n LIMIT $2"
		args = append(args, council)
	} else if council != "" {
		// Two range scans of (council_id, n), merged: a council's cursor
		// never walks over the other councils' ops.
		one := "SELECT n, " + opCols + " FROM ops WHERE council_id = %s AND n > $1 ORDER BY n LIMIT $2"
		q = "(" + fmt.Sprintf(one, "$3") + ") UNION ALL (" + fmt.Sprintf(one, "$4") + ") ORDER BY n LIMIT $2"
		args = append(args, council, model.MunicipalityID)
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, 0, false, s.failed(err)
	}
	defer rows.Close()
	next, more, count, bytes := since, false, int64(0), 0
	var out []storage.Change
	for rows.Next() {
		var n int64
		c, err := scanOp(rows, &n)
		if err != nil {
			return nil, 0, false, err
		}
		size := c.Size()
		if count >= limit || count > 0 && p.Bytes > 0 && bytes+size > p.Bytes {
			more = true
			break
		}
		count++
		bytes += size
		next = n
		if exclude == "" || c.Device != exclude {
			out = append(out, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, false, s.failed(err)
	}
	return out, next, more, nil
}

// HubSequence is the newest number given.
func (s *Store) HubSequence() (int64, error) {
	var n int64
	err := s.pool.QueryRow(context.Background(), "SELECT n FROM hub_counter WHERE id = 1").Scan(&n)
	return n, s.failed(err)
}

// Numbered returns up to limit ops numbered after since, in number order,
// with their numbers (kommune migrate's check).
func (s *Store) Numbered(ctx context.Context, since int64, limit int) ([]storage.Change, []int64, error) {
	rows, err := s.pool.Query(ctx, "SELECT n, "+opCols+" FROM ops WHERE n > $1 ORDER BY n LIMIT $2", since, limit)
	if err != nil {
		return nil, nil, s.failed(err)
	}
	defer rows.Close()
	var ops []storage.Change
	var ns []int64
	for rows.Next() {
		var n int64
		c, err := scanOp(rows, &n)
		if err != nil {
			return nil, nil, err
		}
		ops, ns = append(ops, c), append(ns, n)
	}
	return ops, ns, rows.Err()
}
