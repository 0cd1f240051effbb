package exchange

// A node's mirror: the materialised rows of a hub whose store keeps only
// the op log (storage/postgres).
//
// The pages (/oversigt, the public pages), `kommune pool list` and a
// bundle's rows read tables, which only a replica that applies ops has.
// A mirror is such a replica: a SQLite storage.DB on the node's own disk
// (a cache: it can be thrown away and is rebuilt from the op log), that
// pulls the store's op log through the same apply path a staff laptop's
// pull uses (ApplyPulled), before it is read.
//
// What the municipality writes from a node (a pool, an erasure) is written
// in the mirror the way a staff device writes it, and pushed into the
// store through the same door a push comes through (AdmitPush, then
// HubApply): so every rule at the door applies. The mirror is a staff
// device of the hub's registry with its own replica id and key, never the
// hub's own replica id: two nodes never number ops of one device.
//
// Who may send what: the mirror reads only from its own hub's store (the
// trust boundary is the database URL the operator gave); what it writes is
// checked at the door like any staff device's push. A mirror whose device
// is unknown to, or revoked in, the store, or that holds another hub's
// key, is thrown away and made again; a mirror revoked while it runs sets
// its unsent writes aside (storage.SetAside), so its rows show only what
// the store holds, as every other node's do. A mirror made again (its
// cache deleted) revokes, once enrolled, the device of the one it replaces
// in the same place (host and file), and every pull records when it was
// last seen, so mirrors nobody runs any more can be revoked: no thrown-away
// mirror keeps a live staff secret.
//
// A page request (anyone on the network, for the public pages) makes the
// node pull before it reads; it waits for the mirror at most as long as
// its context allows (Refresh), also while a write or another pull holds
// it, so requests never queue past their deadline.
//
// The mirror's file holds every council's rows, and its folder is the
// node user's alone: a folder other users may write in is refused (they
// could plant a file of rows of their own, which a mirror without ops
// would take), and the file is made readable by its owner only.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

// MirrorStore is a hub store a mirror can register itself in.
type MirrorStore interface {
	HubStore
	AddDevice(ctx context.Context, label, council string, staff bool) (storage.Device, string, error)
}

// mirrorRegistry is a store that knows its mirrors (storage/postgres, the
// store mirrors are made for): where each lives, so that one made again
// in its place revokes the one it replaces once enrolled, and when each
// last pulled, so that those nobody runs any more can be revoked
// (`kommune device prune-mirrors`). A store without it registers a mirror
// as a plain staff device.
type mirrorRegistry interface {
	AddMirror(ctx context.Context, label, place string) (storage.Device, string, error)
	ReplaceMirrors(ctx context.Context, place, keep string) (int, error)
	MirrorSeen(ctx context.Context, id string) error
}

// mirrorPlace names where the mirror at path lives: this host and the
// file's absolute path (two serve nodes sharing a cache folder have two
// files, so two places, and never replace each other).
func mirrorPlace(path string) string {
	host, _ := os.Hostname()
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return host + ":" + path
}

// Mirror is a node's materialised rows of a hub store.
type Mirror struct {
	// DB holds the rows. Read it after Refresh; write it through Write.
	DB    *storage.DB
	Store MirrorStore
	// Fresh is how much older than a read the last pull may be (0: none).
	Fresh time.Duration
	Now   func() time.Time
	Log   *slog.Logger
	// Client bounds the pages it pulls and the batches it pushes
	// (NewClient's by default).
	Client *Client

	path string
	dev  storage.Device
	// busy holds one token while a pull or a write has the mirror; a
	// waiter gives up when its context ends (lock).
	busy chan struct{}
	last time.Time
}

// lock takes the mirror for a pull or a write, or fails when ctx ends
// first; unlock gives it back.
func (m *Mirror) lock(ctx context.Context) error {
	select {
	case m.busy <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (m *Mirror) unlock() { <-m.busy }

// errSharedFolder: the mirror's folder may be written by other users.
var errSharedFolder = errors.New("mappen til nodens kopi af rækkerne kan skrives af andre brugere på maskinen; giv en mappe, som kun serverens bruger kan skrive i (chmod 700), med --cache")

// ownFolder refuses a folder other users of the machine may write in, and
// makes the mirror's file (when new) readable by its owner only.
func ownFolder(path string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	fi, err := os.Stat(filepath.Dir(path))
	if err != nil {
		return err
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("%w (%s)", errSharedFolder, filepath.Dir(path))
	}
	// SQLite gives the -wal and -shm files the mode of the database file.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		return f.Close()
	}
	if !errors.Is(err, os.ErrExist) {
		return err
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Chmod(path+suffix, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// errStaleMirror: the mirror on disk belongs to no device of this store.
var errStaleMirror = errors.New("the mirror's device is unknown to the store")

// OpenMirror opens (or makes) the mirror at path for store, registering
// it as a staff device labelled label on first use, and brings it up to
// date.
func OpenMirror(ctx context.Context, store MirrorStore, path, label string, log *slog.Logger) (*Mirror, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for attempt := 0; ; attempt++ {
		if err := ownFolder(path); err != nil {
			return nil, err
		}
		db, err := storage.Open(ctx, path)
		if err != nil {
			return nil, err
		}
		m := &Mirror{DB: db, Store: store, Now: time.Now, Log: log, Client: NewClient(), path: path, busy: make(chan struct{}, 1)}
		err = m.register(ctx, label)
		if errors.Is(err, errStaleMirror) && attempt == 0 {
			log.Warn("mirror belongs to no device of the store; made again", "path", path)
			db.Close()
			removeMirror(path)
			continue
		}
		if err == nil {
			err = m.Sync(ctx)
		}
		if err != nil {
			db.Close()
			return nil, err
		}
		return m, nil
	}
}

// removeMirror deletes a mirror's files (only those storage.Open makes).
func removeMirror(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal", ".secret"} {
		os.Remove(path + suffix)
	}
	os.RemoveAll(path + ".bilag")
}

// Close closes the mirror's database.
func (m *Mirror) Close() error { return m.DB.Close() }

// Device is the mirror's entry in the store's registry.
func (m *Mirror) Device() storage.Device { return m.dev }

// register makes the mirror a staff device of the store, or checks that
// it still is one.
func (m *Mirror) register(ctx context.Context, label string) error {
	db := m.DB
	token, err := db.Meta(ctx, storage.MetaToken)
	if err != nil {
		return err
	}
	dir, err := m.Store.HubDirectory(ctx, "")
	if err != nil {
		return err
	}
	if token != "" {
		id, secret, _ := strings.Cut(token, ".")
		d, err := m.Store.Authenticate(ctx, id, secret)
		if errors.Is(err, storage.ErrUnauthorized) || errors.Is(err, storage.ErrRevoked) || err == nil && d.Replica != db.DeviceID() {
			return errStaleMirror
		}
		if err != nil {
			return err
		}
		if err := db.AcceptKeyDirectory(ctx, dir); err != nil {
			return errStaleMirror // another hub's mirror
		}
		m.dev = d
		return nil
	}
	if n, err := db.CouncilOps(ctx, ""); err != nil {
		return err
	} else if len(n) > 0 {
		return errStaleMirror // rows of no registered device
	}
	if err := db.AcceptKeyDirectory(ctx, dir); err != nil {
		return errStaleMirror
	}
	reg, isReg := m.Store.(mirrorRegistry)
	place := mirrorPlace(m.path)
	var dev storage.Device
	var code string
	if isReg {
		dev, code, err = reg.AddMirror(ctx, label, place)
	} else {
		dev, code, err = m.Store.AddDevice(ctx, label, "", true)
	}
	if err != nil {
		return err
	}
	d, secret, err := m.Store.EnrollDevice(ctx, code, db.DeviceID(), db.PublicKey())
	if err != nil {
		return fmt.Errorf("tilmeld spejlet %s: %w", dev.ID, err)
	}
	for k, v := range map[string]string{storage.MetaToken: d.ID + "." + secret, storage.MetaStaff: "1"} {
		if err := db.SetMeta(ctx, k, v); err != nil {
			return err
		}
	}
	m.dev = d
	if isReg {
		// Only now: a mirror that failed to enrol replaces nothing. One
		// that cannot revoke the old device (the database gone a moment)
		// still serves; prune-mirrors revokes the old one later.
		n, err := reg.ReplaceMirrors(ctx, place, d.ID)
		if err != nil {
			m.Log.Warn("mirror made again; the mirror it replaces is not revoked", "place", place, "err", err)
		}
		if n > 0 {
			m.Log.Info("mirror made again; the devices of the mirror it replaces are revoked", "place", place, "revoked", n)
		}
	}
	return nil
}

// Refresh pulls what the store holds that the mirror lacks, unless a pull
// begun at most Fresh before the call has finished: with Fresh 0, a read
// after Refresh sees every op committed before the call, and concurrent
// reads share one pull. Reads call it first. It waits for a pull or a
// write under way only until ctx ends, and then returns ctx's error.
func (m *Mirror) Refresh(ctx context.Context) error {
	enough := m.Now().Add(-m.Fresh)
	if err := m.lock(ctx); err != nil {
		return err
	}
	defer m.unlock()
	if !m.last.IsZero() && !m.last.Before(enough) {
		return nil
	}
	return m.sync(ctx)
}

// Sync sends what the mirror wrote and the store lacks, and pulls
// everything new, now.
func (m *Mirror) Sync(ctx context.Context) error {
	if err := m.lock(ctx); err != nil {
		return err
	}
	defer m.unlock()
	return m.sync(ctx)
}

func (m *Mirror) sync(ctx context.Context) error {
	if err := m.push(ctx); err != nil {
		// A change the door refuses stays here and is reported by the
		// write that made it; it must not hide the others' changes.
		m.Log.Warn("mirror push refused", "err", err)
	}
	return m.pull(ctx)
}

// pull applies the op log after the mirror's cursor, page by page; the
// cursor moves with each page applied.
func (m *Mirror) pull(ctx context.Context) error {
	start := m.Now()
	dir, err := m.Store.HubDirectory(ctx, "")
	if err != nil {
		return err
	}
	if held, ok, err := m.DB.KeyDirectory(ctx, ""); err != nil {
		return err
	} else if !ok || held.Hash() != dir.Hash() {
		if err := m.DB.AcceptKeyDirectory(ctx, dir); err != nil {
			return err
		}
	}
	cur, err := m.DB.Meta(ctx, storage.MetaCursor)
	if err != nil {
		return err
	}
	since, err := storage.ParseCursor(cur)
	if err != nil {
		since = storage.Cursor{} // damaged: from the start (what comes again changes nothing)
	}
	// Pages with more to come leave their rows to be indexed for the
	// search by the last page; a pull that stops short indexes them here.
	parts := false
	defer func() {
		if parts {
			m.DB.FinishPull(context.WithoutCancel(ctx))
		}
	}()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		ops, next, more, err := m.Store.HubPage(ctx, "", since, storage.Page{Ops: m.Client.PullOps, Bytes: m.Client.PullBytes}, m.dev.Replica)
		if err != nil {
			return err
		}
		same := next.String() == since.String()
		if same && len(ops) == 0 {
			break
		}
		apply := m.DB.ApplyPulledPage
		if more && !same {
			apply = m.DB.ApplyPulledPart
		}
		if _, err := apply(ctx, ops, next.String()); err != nil {
			return err
		}
		parts = more && !same
		if !more || same {
			break
		}
		since = next
	}
	m.last = start
	if reg, ok := m.Store.(mirrorRegistry); ok {
		// When it last pulled, for prune-mirrors; a pull that cannot say
		// so still pulled.
		if err := reg.MirrorSeen(ctx, m.dev.ID); err != nil {
			m.Log.Warn("mirror's last pull not recorded", "err", err)
		}
	}
	return nil
}

// push sends the mirror's own unsent ops through the door, as the push
// endpoint takes a staff device's.
func (m *Mirror) push(ctx context.Context) error {
	for {
		ops, err := m.DB.PendingOps(ctx, "", m.Client.PushBatch)
		if err != nil || len(ops) == 0 {
			return err
		}
		size := 0
		for i, c := range ops {
			if size += c.Size(); i > 0 && size > m.Client.PushBytes {
				ops = ops[:i]
				break
			}
		}
		err = m.send(ctx, ops)
		if err != nil && refusedAtDoor(err) {
			// As a laptop does (pushEach): one at a time, and what the
			// door refuses for good is set aside with its reason, so it
			// never holds back the rest.
			var first error
			for _, c := range ops {
				err := m.send(ctx, []storage.Change{c})
				if err != nil && !refusedAtDoor(err) {
					return err
				}
				if err != nil {
					if err := m.DB.SetAside(ctx, c, err.Error(), model.ErrorCode(err)); err != nil {
						return err
					}
					first = cmp.Or(first, err)
					continue
				}
				if err := m.DB.AckOps(ctx, c.Seq); err != nil {
					return err
				}
			}
			if first != nil {
				return first
			}
			continue
		}
		if err != nil {
			return err
		}
		if err := m.DB.AckOps(ctx, ops[len(ops)-1].Seq); err != nil {
			return err
		}
	}
}

// send takes ops of the mirror through the door into the store. The
// mirror's device is authenticated first, as a push is: a mirror revoked
// in the registry sends nothing.
func (m *Mirror) send(ctx context.Context, ops []storage.Change) error {
	token, err := m.DB.Meta(ctx, storage.MetaToken)
	if err != nil {
		return err
	}
	id, secret, _ := strings.Cut(token, ".")
	if m.dev, err = m.Store.Authenticate(ctx, id, secret); err != nil {
		return err
	}
	if _, err := AdmitPush(ctx, m.Store, m.dev, ops, m.Now(), storage.MaxClockSkew, MaxOpBytes); err != nil {
		return err
	}
	_, err = m.Store.HubApply(ctx, ops)
	return err
}

// refusedAtDoor tells whether the door refused ops for what they are
// (sending them again changes nothing), not for a store that failed. A
// mirror revoked, or no longer in the registry, sends nothing ever again:
// its unsent ops are refused for good too.
func refusedAtDoor(err error) bool {
	var he *httpError
	if errors.As(err, &he) {
		return refusedForGood(he.code)
	}
	if errors.Is(err, storage.ErrUnavailable) {
		return false
	}
	return errors.Is(err, storage.ErrBadChange) || errors.Is(err, storage.ErrRefused) || errors.Is(err, storage.ErrLocked) ||
		errors.Is(err, ErrForbidden) || errors.Is(err, ErrOpTooLarge) ||
		errors.Is(err, storage.ErrRevoked) || errors.Is(err, storage.ErrUnauthorized)
}

// Write makes a change in the mirror, up to date first, the way a staff
// device makes it (write, with the rows), and sends it into the store; it
// fails when the store does not take it (the change then stays in the
// mirror and goes with the next sync, as a laptop's would).
func (m *Mirror) Write(ctx context.Context, write func(db *storage.DB) error) error {
	if err := m.lock(ctx); err != nil {
		return err
	}
	defer m.unlock()
	if err := m.sync(ctx); err != nil {
		return err
	}
	if err := write(m.DB); err != nil {
		return err
	}
	if err := m.push(ctx); err != nil {
		if refusedAtDoor(err) {
			return err // set aside: it will not go
		}
		return fmt.Errorf("ændringen er gemt i nodens kopi (%s) og sendes, næste gang kopien bruges: %w", m.path, err)
	}
	return m.pull(ctx)
}
