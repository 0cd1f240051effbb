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
// Numbering: per stream — a council's ops, or the municipality's own,
// which every council's devices receive — one counter row (hub_streams),
// locked with SELECT … FOR UPDATE by a push of ops of that stream and held
// until it commits. A push locks the rows of its ops' councils only, in
// council_id order (no two pushes wait for each other in a circle), so
// pushes of different councils run at the same time on any node, and
// pushes of one council are numbered in the order they commit: no number
// is given twice in a stream, and a puller that has seen n of a stream
// can never later find an op of it numbered below n (the push holding n-1
// committed before n was given). A sequence would number without waiting,
// but a puller could then see n+1 committed while n is still in flight and
// skip n for good.
//
// A puller's cursor is therefore a position per stream (storage.Cursor),
// read in one snapshot with the counters (HubPage). A staff device pulls
// every council; so that its cursor stays short, a floor (hub_floor) below
// which no stream will ever number again is raised once a second to the
// highest number given, after raising the quiet streams to it
// (AdvanceFloor): the cursor lists only the streams that moved since.
// Migration 0003 started every stream at the old single counter, so an old
// cursor N (one number) means N in every stream exactly. The measured
// throughput is in README.
package postgres

import (
	"cmp"
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
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
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
	// end cancels the store's lifetime context, which the loop that
	// raises the floor (AdvanceFloor) runs under; looped is closed when
	// that loop has returned.
	end    context.CancelFunc
	looped chan struct{}
	// made is the councils whose streams this node knows are made
	// (streams are never removed): council_id → struct{}.
	made sync.Map
}

// FloorEvery is how often each node raises the floor (AdvanceFloor).
var FloorEvery = time.Second

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
	if s.check, err = storage.Open(ctx, filepath.Join(dir, "schema.db")); err != nil {
		pool.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	s.checkDir = dir
	// The floor loop lives as long as the store, not as long as the call
	// that opened it (which may be bounded by a timeout): Close ends it.
	life, end := context.WithCancel(context.WithoutCancel(ctx))
	s.end, s.looped = end, make(chan struct{})
	go func() { s.advanceLoop(life, FloorEvery); close(s.looped) }()
	return s, nil
}

// schemaDirPrefix names the scratch folders of the schema ops are checked
// against: "lokalraad-pg-schema-PID-…".
const schemaDirPrefix = "lokalraad-pg-schema-"

// Close closes the pool.
func (s *Store) Close() {
	if s.end != nil {
		s.end() // a floor raise under way stops, before the pool closes
		<-s.looped
		s.end = nil
	}
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
func (s *Store) AddDevice(ctx context.Context, label, council string, staff bool) (storage.Device, string, error) {
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
func (s *Store) Devices(ctx context.Context) ([]storage.Device, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+deviceCols+" FROM devices ORDER BY created, id")
	if err != nil {
		return nil, s.failed(err)
	}
	return collect(rows, scanDevice)
}

// RevokeDevice stops a device at once, on every node.
func (s *Store) RevokeDevice(ctx context.Context, id string) error {
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

// SealHubFile: see exchange.HubStore.
func (s *Store) SealHubFile(f storage.FileSeal) (string, error) {
	if f.Hub != s.device {
		return "", storage.ErrNotHub
	}
	return f.Sign(s.key), nil
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
func (s *Store) Councils(ctx context.Context) ([]model.Council, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT ON (row_id) row_id, COALESCE(vtext, '') FROM ops
		WHERE tbl = 'councils' AND field = 'name' ORDER BY row_id, hlc DESC, device DESC`)
	if err != nil {
		return nil, s.failed(err)
	}
	out, err := collect(rows, func(r pgx.Row) (model.Council, error) {
		var c model.Council
		return c, r.Scan(&c.ID, &c.Name)
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

// AddCouncil writes a new council as the hub's own signed op, numbered like
// any other, and returns its id.
func (s *Store) AddCouncil(ctx context.Context, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", errors.New("rådet skal have et navn")
	}
	id := newID()
	c := storage.Change{Table: "councils", Row: id, Council: id, Field: "name", Value: name}
	return id, s.writeOwn(ctx, []storage.Change{c})
}

// writeOwn numbers, signs and stores ops of the hub itself.
func (s *Store) writeOwn(ctx context.Context, ops []storage.Change) error {
	return s.inPush(ctx, councilsOf(ops), func(tx pgx.Tx, n *numbering) error {
		// The hub's own op numbers (its seq) are taken one writer at a
		// time, on every node: pushes no longer share one lock.
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", ownLock); err != nil {
			return err
		}
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
		if err := s.check.CheckOps(ctx, ops); err != nil {
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
	return collectOps(rows)
}

// collectOps reads every op of rows (a query of opCols, no n) in their
// order and closes rows; the error is a scan's or the rows'.
func collectOps(rows pgx.Rows) ([]storage.Change, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (storage.Change, error) { return scanOp(r, nil) })
}

// collect reads every row of rows with scan, in order, and closes rows; no
// row is a nil slice. The error is a scan's or the rows'.
func collect[T any](rows pgx.Rows, scan func(pgx.Row) (T, error)) ([]T, error) {
	return pgx.AppendRows([]T(nil), rows, func(r pgx.CollectableRow) (T, error) { return scan(r) })
}

// A numbered is an op with its number in the log.
type numbered struct {
	n int64
	c storage.Change
}

// scanNumbered reads a row of n and opCols.
func scanNumbered(r pgx.Row) (numbered, error) {
	var x numbered
	var err error
	x.c, err = scanOp(r, &x.n)
	return x, err
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
	found, err := collectOps(rows)
	if err != nil {
		return nil, err
	}
	out := make(map[string]storage.Change, len(found))
	for _, c := range found {
		out[c.ID()] = c
	}
	return out, nil
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
			return nil, nil, fmt.Errorf("%w %s: %w (en anden ændring med samme nummer er allerede modtaget)", storage.ErrBadChange, c.ID(), storage.ErrOpReused)
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
// holding the counter rows of its councils' streams from its start:
// checking what the log holds of them and numbering the new ops happen
// with no other push of those councils in between (the rules at the door
// read only the ops of the op's own council, and the municipality's).
func (s *Store) HubApply(ctx context.Context, ops []storage.Change) (int, error) {
	if len(ops) == 0 {
		return 0, nil
	}
	ops = append([]storage.Change(nil), ops...)
	if err := s.check.CheckOps(ctx, ops); err != nil {
		return 0, err
	}
	fresh := 0
	err := s.inPush(ctx, councilsOf(ops), func(tx pgx.Tx, n *numbering) error {
		// The rows the batch writes, locked too (after the streams, in
		// one order): a row belongs to one council, so this waits for
		// nothing but a push of another council naming the same row id,
		// which the rules at the door must see whole (a row moved to
		// another council, a round of another council named).
		tbls, rs := make([]string, len(ops)), make([]string, len(ops))
		for i, c := range ops {
			tbls[i], rs[i] = c.Table, c.Row
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($3, k) FROM
			(SELECT DISTINCT hashtext(t || '/' || r) AS k FROM unnest($1::text[], $2::text[]) AS x(t, r) ORDER BY k) AS rows`, tbls, rs, rowLock); err != nil {
			return err
		}
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

// ownLock: the hub's own ops (writeOwn) are numbered one at a time.
// rowLock is the first key of a row's lock (pg_advisory_xact_lock(int,
// int), a key space apart from the one-key locks).
const (
	ownLock = 0x6c6f6b6f // "loko"
	rowLock = 0x6c6f6b77 // "lokw"
)

// councilsOf is the councils of ops, sorted, each once: the streams a
// push locks.
func councilsOf(ops []storage.Change) []string {
	var cs []string
	for _, c := range ops {
		cs = append(cs, c.Council)
	}
	slices.Sort(cs)
	return slices.Compact(cs)
}

// numbering is the counters of the streams a push holds: the last number
// each has given.
type numbering struct {
	at, from map[string]int64
}

// next is the next number of council's stream, which the push holds.
func (nb *numbering) next(council string) (int64, error) {
	n, ok := nb.at[council]
	if !ok {
		return 0, fmt.Errorf("the stream of %q is not locked", council)
	}
	nb.at[council] = n + 1
	return n + 1, nil
}

// inPush runs f in a transaction holding the counter rows of the streams
// of councils (sorted, each once); f numbers what it inserts from n, and
// the counters are moved on before commit.
//
// A push takes its streams' rows in council_id order (SELECT … ORDER BY …
// FOR UPDATE locks rows in the order it returns them), then its rows'
// locks in one order (HubApply), so that no two pushes wait for each
// other in a circle. A stream not made yet is made first, at the floor,
// which no cursor stands above (makeStreams, AdvanceFloor).
func (s *Store) inPush(ctx context.Context, councils []string, f func(tx pgx.Tx, n *numbering) error) error {
	if err := s.makeStreams(ctx, councils); err != nil {
		return s.failed(err)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, "SELECT council_id, n FROM hub_streams WHERE council_id = ANY($1) ORDER BY council_id FOR UPDATE", councils)
		if err != nil {
			return err
		}
		nb := &numbering{at: map[string]int64{}, from: map[string]int64{}}
		for rows.Next() {
			var c string
			var n int64
			if err := rows.Scan(&c, &n); err != nil {
				rows.Close()
				return err
			}
			nb.at[c], nb.from[c] = n, n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(nb.at) != len(councils) {
			for _, c := range councils {
				s.made.Delete(c)
			}
			return fmt.Errorf("the streams of %v are not all made", councils)
		}
		if err := f(tx, nb); err != nil {
			return err
		}
		var cs []string
		var ns []int64
		for c, n := range nb.at {
			if n != nb.from[c] {
				cs, ns = append(cs, c), append(ns, n)
			}
		}
		if len(cs) == 0 {
			return nil
		}
		_, err = tx.Exec(ctx, "UPDATE hub_streams SET n = u.n FROM unnest($1::text[], $2::bigint[]) AS u(c, n) WHERE council_id = u.c", cs, ns)
		return err
	})
	if err != nil && !errors.Is(err, storage.ErrBadChange) && !errors.Is(err, storage.ErrLocked) {
		return s.failed(err)
	}
	return err
}

// makeStreams makes the streams of councils this node has not seen made,
// each at the floor, in a transaction of its own holding the floor shared
// (so that the floor cannot rise past a stream not made yet: AdvanceFloor
// waits for it, and raises the new stream with the others).
func (s *Store) makeStreams(ctx context.Context, councils []string) error {
	var todo []string
	for _, c := range councils {
		if _, ok := s.made.Load(c); !ok {
			todo = append(todo, c)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var floor int64
		if err := tx.QueryRow(ctx, "SELECT n FROM hub_floor WHERE id = 1 FOR SHARE").Scan(&floor); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO hub_streams(council_id, n) SELECT c, $2 FROM unnest($1::text[]) AS c ORDER BY c ON CONFLICT (council_id) DO NOTHING", todo, floor)
		return err
	})
	if err != nil {
		return err
	}
	for _, c := range todo {
		s.made.Store(c, struct{}{})
	}
	return nil
}

// insert stores ops, each numbered next in its council's stream.
func (s *Store) insert(ctx context.Context, tx pgx.Tx, nb *numbering, ops []storage.Change) error {
	if len(ops) == 0 {
		return nil
	}
	rows := make([][]any, 0, len(ops))
	for _, c := range ops {
		kind, text, num, err := encodeValue(c.Value)
		if err != nil {
			return err
		}
		n, err := nb.next(c.Council)
		if err != nil {
			return err
		}
		rows = append(rows, []any{c.Device, c.Seq, c.HLC, c.Table, c.Row, c.Council, c.Field, kind, text, num, c.Base, c.Sig, n})
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"ops"},
		[]string{"device", "seq", "hlc", "tbl", "row_id", "council_id", "field", "vkind", "vtext", "vint", "base", "sig", "n"},
		pgx.CopyFromRows(rows))
	return err
}

// InsertNumbered stores ops with the numbers given (kommune migrate: the
// numbers of the SQLite hub moved from, one counter for all, so that
// laptops' cursors stay right), each number above the floor and above the
// one before; then every stream and the floor stand at the largest, as
// migration 0003 left a hub of one counter. Ops held already are an error.
func (s *Store) InsertNumbered(ctx context.Context, ops []storage.Change, numbers []int64) error {
	if len(ops) != len(numbers) {
		return errors.New("ops and numbers differ in length")
	}
	if len(ops) == 0 {
		return nil
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var last int64
		if err := tx.QueryRow(ctx, "SELECT n FROM hub_floor WHERE id = 1 FOR UPDATE").Scan(&last); err != nil {
			return err
		}
		rows := make([][]any, 0, len(ops))
		for i, c := range ops {
			kind, text, num, err := encodeValue(c.Value)
			if err != nil {
				return err
			}
			if numbers[i] <= last {
				return fmt.Errorf("nummer %d er allerede givet", numbers[i])
			}
			last = numbers[i]
			rows = append(rows, []any{c.Device, c.Seq, c.HLC, c.Table, c.Row, c.Council, c.Field, kind, text, num, c.Base, c.Sig, numbers[i]})
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"ops"},
			[]string{"device", "seq", "hlc", "tbl", "row_id", "council_id", "field", "vkind", "vtext", "vint", "base", "sig", "n"},
			pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO hub_streams(council_id, n) SELECT c, $2 FROM unnest($1::text[]) AS c ORDER BY c ON CONFLICT (council_id) DO NOTHING",
			append(councilsOf(ops), model.MunicipalityID), last); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE hub_streams SET n = $1 WHERE n < $1", last); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "UPDATE hub_floor SET n = $1 WHERE id = 1", last)
		return err
	})
	return s.failed(err)
}

// InsertDevice stores a registry entry as it was stored elsewhere
// (kommune migrate).
func (s *Store) InsertDevice(ctx context.Context, d storage.StoredDevice) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO devices(id, label, council_id, staff, code_hash, secret_hash, replica, created, enrolled, revoked, revoked_seq, pubkey)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		d.ID, d.Label, d.Council, d.Staff, d.CodeHash, d.SecretHash, d.Replica, stamp(d.Created), stamp(d.Enrolled), stamp(d.Revoked), d.RevokedSeq, d.Key)
	return s.failed(err)
}

// AdvanceFloor raises the floor to the highest number any stream has
// given, after raising every stream below it to it (but one a push holds
// at that moment: the floor then stops at that stream's counter): the streams of
// councils that have been quiet jump ahead (their next number is above the
// floor), so that a cursor may stand at the floor in all of them and list
// only the streams that have moved since (the cursor of a staff device of
// 1,800 councils stays short). It waits at most a few seconds for the
// floor's lock (held shared while a stream is made), then gives up,
// changing nothing; it never waits for a push. Every node runs it once a
// second (Open); a push waits for it only when its own stream is among
// those being raised, for the one UPDATE. Numbers skipped this way are never
// given: a stream's numbers have gaps, never repeats.
func (s *Store) AdvanceFloor(ctx context.Context) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL lock_timeout = '3s'"); err != nil {
			return err
		}
		var floor int64
		if err := tx.QueryRow(ctx, "SELECT n FROM hub_floor WHERE id = 1 FOR UPDATE").Scan(&floor); err != nil {
			return err
		}
		var top int64
		if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(n), 0) FROM hub_streams").Scan(&top); err != nil {
			return err
		}
		if top <= floor {
			return nil
		}
		// The quiet streams, in council_id order as a push locks them;
		// one a push holds now is passed over (never waited for: a push
		// of another council must not wait behind this for it), and the
		// floor goes no higher than where it stands (its push numbers
		// above that).
		if _, err := tx.Exec(ctx, `UPDATE hub_streams SET n = $1 WHERE council_id IN
			(SELECT council_id FROM hub_streams WHERE n < $1 ORDER BY council_id FOR UPDATE SKIP LOCKED)`, top); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "UPDATE hub_floor SET n = GREATEST(n, LEAST($1::bigint, (SELECT MIN(n) FROM hub_streams))) WHERE id = 1", top)
		return err
	})
	return s.failed(err)
}

// advanceLoop runs AdvanceFloor every interval until life (the store's
// lifetime) ends.
func (s *Store) advanceLoop(life context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-life.Done():
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(life, every+5*time.Second)
			s.AdvanceFloor(ctx) // a failure is tried again next time
			cancel()
		}
	}
}

// stream is a stream's counter as a pull reads it.
type stream struct {
	id      int64
	council string
	n       int64 // the highest number given and committed (the snapshot's)
}

// smallPull is the most streams a pull reads with one index range scan
// each (a council device: its council and the municipality); a pull of
// more (a staff device: every council) walks the log in number order.
const smallPull = 8

// HubDeviceTop is the highest sequence number of device's ops the store
// holds, 0 for none (exchange.HubStore).
func (s *Store) HubDeviceTop(ctx context.Context, device string) (int64, error) {
	var top int64
	err := s.pool.QueryRow(ctx, "SELECT COALESCE(MAX(seq), 0) FROM ops WHERE device = $1", device).Scan(&top)
	return top, s.failed(err)
}

// HubPage: see exchange.HubStore. It reads in one snapshot (repeatable
// read, read only): the streams' counters and the ops. In a stream, every
// op numbered at or below its counter in the snapshot is committed (a
// push numbers under the stream's row lock and moves the counter in its
// own transaction), and every op not in the snapshot will be numbered
// above it; so the cursor may move in a stream up to its counter, never
// further. The page is the ops after the cursor in (number, council)
// order, cut at p's bounds with at least one op.
func (s *Store) HubPage(ctx context.Context, council string, cur storage.Cursor, p storage.Page, exclude string) ([]storage.Change, storage.Cursor, bool, error) {
	limit := p.Ops
	if limit <= 0 {
		limit = 1 << 30
	}
	// The streams a device of council may read: its own and the
	// municipality's; whatever else its cursor lists is not read.
	var wanted []string
	if council != "" {
		wanted = councilsOf([]storage.Change{{Council: council}, {Council: model.MunicipalityID}})
	}
	var out []storage.Change
	var next storage.Cursor
	more := false
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		// The floor comes with the streams (a row of its own, id 0).
		q := "SELECT 0, '', n FROM hub_floor WHERE id = 1 UNION ALL (SELECT id, council_id, n FROM hub_streams %s ORDER BY council_id)"
		var args []any
		if council != "" {
			q, args = fmt.Sprintf(q, "WHERE council_id = ANY($1)"), []any{wanted}
		} else {
			q = fmt.Sprintf(q, "")
		}
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		var streams []stream
		var floor int64
		for rows.Next() {
			var st stream
			if err := rows.Scan(&st.id, &st.council, &st.n); err != nil {
				rows.Close()
				return err
			}
			if st.id == 0 { // identities start at 1
				floor = st.n
				continue
			}
			streams = append(streams, st)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// Where the puller stands in each stream: what its cursor says,
		// but never past what the stream has numbered (a cursor from a hub
		// restored from an older backup, or a hand-made one, skips
		// nothing). A stream not made yet will number above the floor.
		pos := make(map[string]int64, len(streams))
		low := int64(math.MaxInt64)
		for _, st := range streams {
			pos[st.council] = min(cur.Pos(st.id), st.n)
			low = min(low, pos[st.council])
		}
		var page []numbered
		if len(streams) <= smallPull {
			// One range scan of (council_id, n) a stream, merged: a
			// council's pull never walks over the other councils' ops.
			var parts []string
			args := []any{limit + 1}
			for _, st := range streams {
				k := len(args)
				parts = append(parts, fmt.Sprintf("(SELECT n, %s FROM ops WHERE council_id = $%d AND n > $%d AND n <= $%d ORDER BY n LIMIT $1)", opCols, k+1, k+2, k+3))
				args = append(args, st.council, pos[st.council], st.n)
			}
			if len(parts) > 0 {
				rows, err := tx.Query(ctx, strings.Join(parts, " UNION ALL "), args...)
				if err != nil {
					return err
				}
				if page, err = collect(rows, scanNumbered); err != nil {
					return err
				}
			}
			slices.SortFunc(page, func(a, b numbered) int {
				if a.n != b.n {
					return cmp.Compare(a.n, b.n)
				}
				return strings.Compare(a.c.Council, b.c.Council)
			})
		} else {
			// Every council: the log in (n, council_id) order from the
			// lowest position, leaving out what the cursor holds already
			// (at most what moved since the floor last rose), in batches.
			at := map[string]stream{}
			for _, st := range streams {
				at[st.council] = st
			}
			afterN, afterC := low, ""
			for len(page) <= limit {
				rows, err := tx.Query(ctx, "SELECT n, "+opCols+" FROM ops WHERE (n, council_id) > ($1, $2) ORDER BY n, council_id LIMIT $3", afterN, afterC, limit+1)
				if err != nil {
					return err
				}
				got := 0
				for rows.Next() {
					var x numbered
					if x.c, err = scanOp(rows, &x.n); err != nil {
						rows.Close()
						return err
					}
					got++
					afterN, afterC = x.n, x.c.Council
					if st, ok := at[x.c.Council]; ok && x.n > pos[x.c.Council] && x.n <= st.n {
						page = append(page, x)
					}
				}
				rows.Close()
				if err := rows.Err(); err != nil {
					return err
				}
				if got <= limit {
					break
				}
			}
		}
		// Cut at the bounds, with at least one op.
		bytes, take := 0, 0
		for take < len(page) {
			size := page[take].c.Size()
			if take >= limit || take > 0 && p.Bytes > 0 && bytes+size > p.Bytes {
				break
			}
			bytes += size
			take++
		}
		more = take < len(page)
		// The new positions: in a stream, up to its counter where the page
		// reached the end; else up to the last op given, (n, council). A
		// stream not made yet (a staff device's; a council's without ops)
		// has nothing at or below the floor, and stands there.
		var lastN int64
		var lastC string
		if more {
			lastN, lastC = page[take-1].n, page[take-1].c.Council
		}
		next = storage.Cursor{Floor: math.MaxInt64, At: map[int64]int64{}}
		if council == "" || len(streams) < len(wanted) {
			next.Floor = floor
		}
		for _, st := range streams {
			reach := st.n
			if more {
				reach = min(reach, lastN)
				if st.council > lastC {
					reach = min(reach, lastN-1)
				}
			}
			np := max(pos[st.council], reach)
			next.At[st.id] = np
			next.Floor = min(next.Floor, np)
		}
		for _, x := range page[:take] {
			if exclude == "" || x.c.Device != exclude {
				out = append(out, x.c)
			}
		}
		return nil
	})
	if err != nil {
		return nil, storage.Cursor{}, false, s.failed(err)
	}
	// A staff device's cursor lists only the streams past its floor; past
	// MaxCursorStreams of them, the lowest go back to the floor (their ops
	// after it come again, which changes nothing).
	if len(next.At) > 0 {
		type kv struct{ id, p int64 }
		var past []kv
		for id, p := range next.At {
			if p > next.Floor {
				past = append(past, kv{id, p})
			}
		}
		if len(past) > storage.MaxCursorStreams {
			slices.SortFunc(past, func(a, b kv) int { return cmp.Compare(b.p, a.p) })
			for _, x := range past[storage.MaxCursorStreams:] {
				delete(next.At, x.id)
			}
		}
	}
	return out, next, more, nil
}

// HubSequence is the highest number any stream has given.
func (s *Store) HubSequence(ctx context.Context) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, "SELECT COALESCE(MAX(n), 0) FROM hub_streams").Scan(&n)
	return n, s.failed(err)
}

// Numbered returns up to limit ops numbered after since, in (number,
// council) order, with their numbers (kommune migrate's check, right after
// a move, when every number is the moved hub's and given once; tests).
func (s *Store) Numbered(ctx context.Context, since int64, limit int) ([]storage.Change, []int64, error) {
	rows, err := s.pool.Query(ctx, "SELECT n, "+opCols+" FROM ops WHERE n > $1 ORDER BY n, council_id LIMIT $2", since, limit)
	if err != nil {
		return nil, nil, s.failed(err)
	}
	xs, err := collect(rows, scanNumbered)
	if err != nil {
		return nil, nil, err
	}
	var ops []storage.Change
	var ns []int64
	for _, x := range xs {
		ops, ns = append(ops, x.c), append(ns, x.n)
	}
	return ops, ns, nil
}
