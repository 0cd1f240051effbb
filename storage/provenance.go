package storage

// Provenance: which keys a replica trusts, and the checks every op from
// outside passes before it is applied (VerifyOps), or when it is sent
// again under an id already held (sameResent). The keys themselves and
// signing are in keys.go.

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"lokalraad/model"
)

// KeyEntry is a replica's public key in the hub's key directory.
type KeyEntry struct {
	Replica string `json:"replica"`
	Key     string `json:"key"` // ed25519 public key, base64
	Council string `json:"council,omitempty"`
	Staff   bool   `json:"staff,omitempty"`
	// Revoked is when the municipality revoked the device (UTC,
	// 2006-01-02T15:04:05Z); its ops stamped later are refused.
	Revoked string `json:"revoked,omitempty"`
	// RevokedSeq is the last of its ops the hub took before the
	// revocation: any later number is refused, however it is stamped.
	RevokedSeq int64 `json:"revoked_seq,omitempty"`
}

// KeyDirectory is the hub's list of replicas and their keys, signed with
// the hub's key. The hub's own replica is Hub, its key HubKey.
type KeyDirectory struct {
	Hub    string     `json:"hub"`
	HubKey string     `json:"hub_key"`
	Keys   []KeyEntry `json:"keys"`
	Sig    string     `json:"sig"`
}

func (d KeyDirectory) signedBytes() []byte {
	// Version 2 adds each device's revoked_seq; a list without any is
	// signed as version 1 was, so lists signed before still verify, and a
	// revocation's number cannot be stripped from a signed list.
	v2 := false
	for _, e := range d.Keys {
		v2 = v2 || e.RevokedSeq != 0
	}
	b := []byte("lokalraad-keys/1\x00")
	if v2 {
		b = []byte("lokalraad-keys/2\x00")
	}
	str := func(s string) {
		s = wireText(s)
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	str(d.Hub)
	str(d.HubKey)
	b = binary.BigEndian.AppendUint32(b, uint32(len(d.Keys)))
	for _, e := range d.Keys {
		str(e.Replica)
		str(e.Key)
		str(e.Council)
		b = append(b, byte(boolInt(e.Staff)))
		str(e.Revoked)
		if v2 {
			b = binary.BigEndian.AppendUint64(b, uint64(e.RevokedSeq))
		}
	}
	return b
}

// Hash names a directory's content, so that a pull carries it only when it
// changed.
func (d KeyDirectory) Hash() string {
	h := sha256.Sum256(d.signedBytes())
	return hex.EncodeToString(h[:8])
}

// Verify checks the directory's signature with its own hub key (who that
// hub is, is the caller's question: see AcceptKeyDirectory).
func (d KeyDirectory) Verify() error {
	key, err := base64.StdEncoding.DecodeString(d.HubKey)
	sig, err2 := base64.StdEncoding.DecodeString(d.Sig)
	if err != nil || err2 != nil || len(key) != ed25519.PublicKeySize || d.Hub == "" || !ed25519.Verify(key, d.signedBytes(), sig) {
		return errors.New("kommunens nøgleliste er ikke underskrevet af serveren")
	}
	for i, e := range d.Keys {
		if k, err := base64.StdEncoding.DecodeString(e.Key); e.Key != "" && (err != nil || len(k) != ed25519.PublicKeySize) || e.Replica == "" {
			return errors.New("kommunens nøgleliste har en ugyldig nøgle")
		}
		if i > 0 && d.Keys[i-1].Replica >= e.Replica {
			return errors.New("kommunens nøgleliste er ikke sorteret")
		}
	}
	return nil
}

// HubDirectory is the key directory this hub gives a device of council (""
// for a staff device: every council): the council's devices, the staff
// devices, and the hub itself, signed with the hub's key.
func (db *DB) HubDirectory(ctx context.Context, council string) (KeyDirectory, error) {
	q := "SELECT replica, pubkey, council_id, staff, revoked, revoked_seq FROM devices WHERE replica <> ''"
	var args []any
	if council != "" {
		q += " AND (council_id = ? OR staff = 1)"
		args = append(args, council)
	}
	entries, err := list(ctx, db.sql(), func(s scanner) (KeyEntry, error) {
		var e KeyEntry
		var staff int64
		err := s.Scan(&e.Replica, &e.Key, &e.Council, &staff, &e.Revoked, &e.RevokedSeq)
		e.Staff = staff != 0
		return e, err
	}, q+" ORDER BY replica, enrolled DESC", args...)
	if err != nil {
		return KeyDirectory{}, err
	}
	d := KeyDirectory{Hub: db.self(), HubKey: db.PublicKey()}
	for _, e := range entries {
		if len(d.Keys) > 0 && d.Keys[len(d.Keys)-1].Replica == e.Replica {
			continue
		}
		d.Keys = append(d.Keys, e)
	}
	d.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(db.signKey(), d.signedBytes()))
	return d, nil
}

// The meta keys of the key directory a laptop keeps.
const (
	metaHub    = "sync_hub"    // the trusted hub: "replica key"
	metaKeyDir = "sync_keydir" // the newest directory from it, as JSON
)

// KeyDirectory is the directory this device holds: the hub's own (freshly
// signed) on the hub, the newest received elsewhere; ok is false when it
// holds none.
func (db *DB) KeyDirectory(ctx context.Context, council string) (KeyDirectory, bool, error) {
	if db.isHub() {
		d, err := db.HubDirectory(ctx, council)
		return d, err == nil, err
	}
	raw, err := db.Meta(ctx, metaKeyDir)
	if err != nil {
		return KeyDirectory{}, false, err
	}
	if raw == "" {
		return KeyDirectory{}, false, nil
	}
	var d KeyDirectory
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		return KeyDirectory{}, false, nil
	}
	return d, true, nil
}

// metaRole is "hub" in the municipality's database (SetHub).
const metaRole = "sync_role"

// SetHub marks this database as the municipality's hub: its own ops are
// the hub's, and the key directory it gives out is its own.
func (db *DB) SetHub(ctx context.Context) error {
	if !db.isHub() {
		if err := db.SetMeta(ctx, metaRole, "hub"); err != nil {
			return err
		}
	}
	if err := db.ensureCouncilIndex(ctx); err != nil {
		return err
	}
	return db.endorseLegacy(ctx)
}

// endorsedPrefix marks a signature the hub made for an op it accepted
// before ops were signed (endorseLegacy), not its author's.
const endorsedPrefix = "h:"

// endorseLegacy has the hub vouch, once, for the ops of other devices it
// accepted before ops were signed (they carry no signature): it signs
// them with its own key, marked endorsedPrefix. A laptop takes such an op
// from a bundle on the hub's word, as it takes every op it pulls; every
// op accepted since carries its author's signature, and the hub endorses
// nothing else.
// endorse signs an op of another device with the hub's key, marked
// endorsedPrefix: the hub vouches for its value (an erasure rewrote it).
func (db *DB) endorse(ctx context.Context, tx *sql.Tx, c Change) error {
	c.Sig = ""
	sig := endorsedPrefix + base64.StdEncoding.EncodeToString(ed25519.Sign(db.signKey(), signedBytes(c)))
	_, err := tx.ExecContext(ctx, "UPDATE changes SET sig = ? WHERE device = ? AND seq = ?", sig, c.Device, c.Seq)
	return err
}

func (db *DB) endorseLegacy(ctx context.Context) error {
	if done, _ := db.Meta(ctx, metaEndorsed); done != "" {
		return nil
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		ops, err := list(ctx, tx, scanChange, "SELECT "+changeCols+" FROM changes WHERE sig = '' AND device <> ?", db.self())
		if err != nil {
			return err
		}
		for _, c := range ops {
			sig := endorsedPrefix + base64.StdEncoding.EncodeToString(ed25519.Sign(db.signKey(), signedBytes(c)))
			if _, err := tx.ExecContext(ctx, "UPDATE changes SET sig = ? WHERE device = ? AND seq = ?", sig, c.Device, c.Seq); err != nil {
				return err
			}
		}
		return setMeta(ctx, tx, metaEndorsed, "1")
	})
}

const metaEndorsed = "sync_endorsed"

// hubKey is the key of the hub this replica trusts: its own on the hub.
func (db *DB) hubKey(dirs []*KeyDirectory) ed25519.PublicKey {
	if db.isHub() {
		return db.signKey().Public().(ed25519.PublicKey)
	}
	for _, d := range dirs {
		if d == nil || d.Hub == "" {
			continue
		}
		if k, err := base64.StdEncoding.DecodeString(d.HubKey); err == nil && len(k) == ed25519.PublicKeySize {
			return k
		}
	}
	return nil
}

// isHub: the database is the hub's (SetHub), or has handed out enrolment
// codes.
func (db *DB) isHub() bool {
	var n int
	db.sql().QueryRow("SELECT (SELECT COUNT(*) FROM meta WHERE key = ? AND value = 'hub') + (SELECT COUNT(*) FROM devices)", metaRole).Scan(&n)
	return n > 0
}

// CheckKeyDirectory checks a directory's signature and that it comes from
// the hub this device trusts (any hub, when it trusts none yet).
func (db *DB) CheckKeyDirectory(ctx context.Context, d KeyDirectory) error {
	if err := d.Verify(); err != nil {
		return err
	}
	pinned, err := db.Meta(ctx, metaHub)
	if err != nil {
		return err
	}
	if pinned != "" && pinned != d.Hub+" "+d.HubKey {
		return ErrHubKeyChanged
	}
	if d.Hub == db.self() && d.HubKey != db.PublicKey() {
		return ErrHubKeyChanged
	}
	return nil
}

// AcceptKeyDirectory checks a directory (CheckKeyDirectory) and keeps it:
// the first one pins its hub's key (trust on first use; an enrolment over
// HTTP pins it the same way), and a later one replaces the held one when
// it lists every replica that one did (keys are never withdrawn).
func (db *DB) AcceptKeyDirectory(ctx context.Context, d KeyDirectory) error {
	if err := db.CheckKeyDirectory(ctx, d); err != nil {
		return err
	}
	if d.Hub == db.self() {
		return nil
	}
	held, ok, err := db.KeyDirectory(ctx, "")
	if err != nil {
		return err
	}
	if ok && held.Hub == d.Hub {
		have := map[string]KeyEntry{}
		for _, e := range d.Keys {
			have[e.Replica+" "+e.Key] = e
		}
		for _, e := range held.Keys {
			n, in := have[e.Replica+" "+e.Key]
			if !in || e.Revoked != "" && n.Revoked == "" {
				// An older list (a stale one a revoked laptop carries in
				// its bundles, say): the held one stays, revocations and
				// all.
				return nil
			}
		}
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := setMeta(ctx, tx, metaHub, d.Hub+" "+d.HubKey); err != nil {
			return err
		}
		return setMeta(ctx, tx, metaKeyDir, string(raw))
	})
}

// Author is what a replica knows of an op's author.
type Author struct {
	Replica string
	Key     ed25519.PublicKey
	Council string // "" for staff and the hub
	Staff   bool   // a staff device, or the hub
	Hub     bool
	Own     bool      // this device
	Revoked time.Time // when the municipality revoked it; zero if never
	// RevokedSeq is the last of its ops the hub took before revoking it
	// (0: unknown, from a list of before; then Revoked's time decides).
	RevokedSeq int64
}

// WrotePastRevocation tells whether c, an op of this author, was written
// after the municipality revoked it: numbered after the last op the hub
// took from it before (RevokedSeq), or, from a list of before, stamped
// after the revocation. No computer takes such an op.
func (a Author) WrotePastRevocation(c Change) bool {
	return a.RevokedSeq > 0 && c.Seq > a.RevokedSeq || a.RevokedSeq == 0 && !a.Revoked.IsZero() && c.HLC>>16 > a.Revoked.UnixMilli()
}

// StaffDevice tells whether replica is the municipality's (a staff
// device or the hub), as this device knows it (known): the hub's
// registry, the held key list, or dir (a list arriving with a bundle).
func (db *DB) StaffDevice(ctx context.Context, replica string, dir *KeyDirectory) (staff, known bool, err error) {
	var held KeyDirectory
	if !db.isHub() {
		if held, _, err = db.KeyDirectory(ctx, ""); err != nil {
			return false, false, err
		}
	}
	a, ok := db.author(ctx, replica, &held, dir)
	return ok && a.Staff, ok, nil
}

// author finds the key of a replica: this device's own, the hub's registry,
// the held directory, or extra (a directory arriving with a bundle).
func (db *DB) author(ctx context.Context, replica string, dirs ...*KeyDirectory) (Author, bool) {
	dec := func(s string) ed25519.PublicKey {
		k, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(k) != ed25519.PublicKeySize {
			return nil
		}
		return k
	}
	if replica == db.self() {
		a := Author{Replica: replica, Key: db.signKey().Public().(ed25519.PublicKey), Own: true, Staff: db.isHub(), Hub: db.isHub()}
		st, err := db.SyncState(ctx)
		if err != nil {
			return Author{}, false // unread, so unknown: its ops are refused, not trusted
		}
		a.Staff = a.Staff || st.Staff
		a.Council = st.Council
		return a, true
	}
	var key, council string
	var staff int64
	err := db.sql().QueryRowContext(ctx, "SELECT pubkey, council_id, staff FROM devices WHERE replica = ? ORDER BY pubkey <> '' DESC, enrolled DESC LIMIT 1", replica).Scan(&key, &council, &staff)
	if err == nil {
		return Author{Replica: replica, Key: dec(key), Council: council, Staff: staff != 0}, true
	}
	var found *Author
	for _, d := range dirs {
		if d == nil {
			continue
		}
		if d.Hub == replica && found == nil {
			if k := dec(d.HubKey); k != nil {
				return Author{Replica: replica, Key: k, Staff: true, Hub: true}, true
			}
		}
		i := sort.Search(len(d.Keys), func(i int) bool { return d.Keys[i].Replica >= replica })
		if i < len(d.Keys) && d.Keys[i].Replica == replica {
			// A device enrolled before keys has none (Key nil): only ops
			// the hub endorsed pass for it.
			e := d.Keys[i]
			revoked := parseStampText(e.Revoked)
			if found == nil {
				found = &Author{Replica: replica, Key: dec(e.Key), Council: e.Council, Staff: e.Staff, Revoked: revoked, RevokedSeq: e.RevokedSeq}
				continue
			}
			if e.RevokedSeq != 0 && (found.RevokedSeq == 0 || e.RevokedSeq < found.RevokedSeq) {
				found.RevokedSeq = e.RevokedSeq
			}
			// A revocation in any list the hub signed holds: a stale
			// list in a bundle cannot undo one.
			if !revoked.IsZero() && (found.Revoked.IsZero() || revoked.Before(found.Revoked)) {
				found.Revoked = revoked
			}
		}
	}
	if found != nil {
		return *found, true
	}
	return Author{}, false
}

// VerifyOps checks the provenance of ops arriving from outside (a bundle,
// a push): every op this replica does not already hold identically must be
// signed by its author's key, which this replica knows from its registry
// (hub), its key directory, or extra (a directory that came with the
// ops, already checked with CheckKeyDirectory); and none may claim to be
// this device's own. It writes nothing. It returns the ops that are new,
// with their authors, for the caller's rules on who may write what.
//
// An erasure (sync_scrub) rewrites the values of older ops in place on
// every replica, so a scrubbed op no longer matches its author's
// signature. Such an op is accepted when a verified erasure op of its
// council — held here already, or in the same batch (checked first, and
// never scrubbed itself) — names that op with exactly the value it now
// carries, and the op is of a kind an erasure may rewrite (scrubbable): an
// erasure can only give an op the anonymised text its author could have
// written themselves.
//
// An op the hub accepted before ops were signed carries the hub's
// endorsement instead (endorsedPrefix, endorseLegacy), checked with the
// hub's key from the key directory.
func (db *DB) VerifyOps(ctx context.Context, ops []Change, extra *KeyDirectory) ([]Change, map[string]Author, error) {
	var held KeyDirectory
	if !db.isHub() {
		var err error
		if held, _, err = db.KeyDirectory(ctx, ""); err != nil {
			return nil, nil, err
		}
	}
	dirs := []*KeyDirectory{&held, extra} // the held list first: a bundle's may be stale
	// The ops held already, looked up once for the batch: a file read
	// again (every bundle carries the council's whole log) holds little
	// else.
	heldOnes, err := heldOps(ctx, db.sql(), ops)
	if err != nil {
		return nil, nil, err
	}
	authors := map[string]Author{}
	var fresh []Change
	erased := map[string]map[string]bool{} // op id → values erasures name
	check := func(c Change, scrubbedOK bool) error {
		if c.Seq <= 0 || c.Seq > MaxSeq || c.HLC <= 0 || c.HLC > MaxHLC {
			return fmt.Errorf("%w %s: nummer eller ur uden for det tilladte", ErrBadChange, c.ID())
		}
		h, found := heldOnes[opKey{c.Device, c.Seq}]
		if found && sameEdit(h, c, func(v string) bool { return erased[c.Council+" "+c.ID()][v] }) {
			return nil
		}
		a, ok := authors[c.Device]
		if !ok {
			if a, ok = db.author(ctx, c.Device, dirs...); !ok {
				return fmt.Errorf("%w (%s, %s.%s)", ErrUnknownAuthor, c.Device, c.Table, c.Field)
			}
			authors[c.Device] = a
		}
		if a.Own {
			// This device's own op it does not hold: written after the
			// backup it was restored from, and come back in a bundle. Only
			// this device's key can have signed it, or, for a text an
			// erasure rewrote at the hub, the hub this device trusts
			// (its held directory's, never a bundle's) endorsed it
			// (rescrub); anything else claiming its id is forged.
			if c.Sig == "" || !VerifyChange(c, db.signKey().Public().(ed25519.PublicKey)) && !db.endorsedByHeldHub(c, &held) {
				return fmt.Errorf("%w (%s, %s.%s)", ErrOwnDevice, c.ID(), c.Table, c.Field)
			}
			fresh = append(fresh, c)
			return nil
		}
		fresh = append(fresh, c)
		if c.Sig == "" {
			return fmt.Errorf("%w (%s, %s.%s)", ErrUnsigned, c.ID(), c.Table, c.Field)
		}
		if VerifyChange(c, a.Key) {
			return nil
		}
		e, endorsed := strings.CutPrefix(c.Sig, endorsedPrefix)
		if hk := db.hubKey(dirs); endorsed && hk != nil {
			d := c
			d.Sig = e
			if VerifyChange(d, hk) {
				return nil
			}
		}
		// An erasure vouches only for an op held here already, checked
		// against its author's key when it came: never for a new op id,
		// which anyone could write in another device's name. A scrubbed op
		// new here carries the hub's endorsement instead (rescrub).
		if s, isText := c.Value.(string); scrubbedOK && found && isText && scrubbableChange(c) && erased[c.Council+" "+c.ID()][s] {
			return nil
		}
		if a.Key == nil && !endorsed {
			return fmt.Errorf("%w (%s har ingen registreret nøgle; synkronisér den over nettet én gang)", ErrUnknownAuthor, c.Device)
		}
		return fmt.Errorf("%w (%s, %s.%s)", ErrBadSignature, c.ID(), c.Table, c.Field)
	}
	note := func(c Change) error {
		values, err := parseScrub(c)
		if err != nil {
			return err
		}
		for id, v := range values {
			k := c.Council + " " + id
			if erased[k] == nil {
				erased[k] = map[string]bool{}
			}
			erased[k][v] = true
		}
		return nil
	}
	for _, c := range ops { // erasures first: they justify scrubbed ops
		if c.Table == scrubTable {
			if err := check(c, false); err != nil {
				return nil, nil, err
			}
			if err := note(c); err != nil {
				return nil, nil, err
			}
			if err := db.checkErasureCouncil(ctx, c, dirs); err != nil {
				return nil, nil, err
			}
		}
	}
	councils := map[string]bool{}
	for _, c := range ops {
		councils[c.Council] = true
	}
	for council := range councils {
		scrubs, err := list(ctx, db.sql(), scanChange, "SELECT "+changeCols+" FROM changes WHERE tbl = ? AND council_id = ?", scrubTable, council)
		if err != nil {
			return nil, nil, err
		}
		for _, sc := range scrubs {
			if err := note(sc); err != nil {
				return nil, nil, err
			}
		}
	}
	for _, c := range ops {
		if c.Table != scrubTable {
			if err := check(c, true); err != nil {
				return nil, nil, err
			}
		}
	}
	return fresh, authors, nil
}

// endorsedByHeldHub tells whether c, a text an erasure may rewrite, carries
// the endorsement of the hub of the directory this device holds.
func (db *DB) endorsedByHeldHub(c Change, held *KeyDirectory) bool {
	e, endorsed := strings.CutPrefix(c.Sig, endorsedPrefix)
	if !endorsed || !scrubbableChange(c) {
		return false
	}
	hk := db.hubKey([]*KeyDirectory{held})
	if hk == nil {
		return false
	}
	c.Sig = e
	return VerifyChange(c, hk)
}

// checkErasureCouncil refuses a new erasure that names an op of another
// council: one held here under another council, or one whose author is a
// council device of another council (the hub's registry, the laptop's key
// directory or the batch's). On a laptop, an author no directory knows is
// refused too: every device that writes in a council is in its directory.
// (rescrub rewrites only ops of the erasure's own council, so such a name
// changes nothing; but a receiver has no reason to keep a lie.) An erasure
// held already is not asked again, so one taken in before this rule never
// blocks a bundle that carries it.
func (db *DB) checkErasureCouncil(ctx context.Context, c Change, dirs []*KeyDirectory) error {
	if _, held, err := db.heldOp(ctx, c); err != nil || held {
		return err
	}
	values, err := parseScrub(c)
	if err != nil {
		return err
	}
	for id := range values {
		dev, seq, _ := parseOpID(id)
		h, held, err := db.heldOp(ctx, Change{Device: dev, Seq: seq})
		if err != nil {
			return err
		}
		foreign := held && h.Council != c.Council
		if a, ok := db.author(ctx, dev, dirs...); ok {
			foreign = foreign || !a.Staff && !a.Hub && !a.Own && a.Council != "" && a.Council != c.Council
		} else if !db.isHub() {
			return fmt.Errorf("%w: sletningen af persondata %s nævner ændringen %s fra en enhed, som kommunens nøgleliste ikke kender", ErrRefused, c.ID(), id)
		}
		if foreign {
			return fmt.Errorf("%w: sletningen af persondata %s nævner ændringen %s fra et andet lokalråd", ErrRefused, c.ID(), id)
		}
	}
	return nil
}

// heldOp is the op this replica holds with c's id.
func (db *DB) heldOp(ctx context.Context, c Change) (Change, bool, error) {
	h, err := scanChange(db.sql().QueryRowContext(ctx, "SELECT "+changeCols+" FROM changes WHERE device = ? AND seq = ?", c.Device, c.Seq))
	if errors.Is(err, sql.ErrNoRows) {
		return h, false, nil
	}
	return h, err == nil, err
}

// sameEdit tells whether the held op h and the op c sent again are one
// edit: equal in every field but the signature, or differing only in a
// text value erased on one side — to a value erasedTo knows an erasure
// gave it, or to the same text up to names erased (by an erasure the
// other side does not hold yet, or by different erasures on two laptops).
// Passing over such an op changes nothing: the held one stays.
func sameEdit(h, c Change, erasedTo func(v string) bool) bool {
	h.Sig, c.Sig = "", ""
	c.Value = normalValue(c.Value)
	if h == c {
		return true
	}
	hv, cv := h.Value, c.Value
	scrubbable := scrubbableChange(c)
	h.Value, c.Value = nil, nil
	if h != c {
		return false
	}
	if legacyDelete(h, hv, cv) {
		return true
	}
	hs, ok1 := hv.(string)
	cs, ok2 := cv.(string)
	if !ok1 || !ok2 || !scrubbable {
		return false
	}
	if erasedTo(hs) || erasedTo(cs) {
		return true
	}
	_, same := model.ScrubMeet(hs, cs)
	return same
}

// legacyDelete: a delete op written before deletes recorded what they had
// seen carries nothing (nil) where it was sent early, and what it saw where
// its author filled it in later (captureDeletes): the same op.
func legacyDelete(c Change, a, b any) bool {
	return c.Field == "" && c.Table != scrubTable && c.Table != conflictsTable && (a == nil || b == nil)
}

// scrubbableChange is scrubbable (the SQL condition) for one op.
func scrubbableChange(c Change) bool {
	if c.Field == "" || c.Table == scrubTable || c.Table == conflictsTable {
		return false
	}
	if _, ok := c.Value.(string); !ok {
		return false
	}
	return !model.MunicipalColumn(c.Table, c.Field)
}

// scrubbedValue reports whether an erasure held here or in batch names the
// op id (of council) with value v.
func scrubbedValue(ctx context.Context, tx *sql.Tx, council, id, s string, batch []Change) (bool, error) {
	held, err := list(ctx, tx, scanChange, "SELECT "+changeCols+" FROM changes WHERE tbl = ? AND council_id = ?", scrubTable, council)
	if err != nil {
		return false, err
	}
	for _, sc := range append(held, batch...) {
		if sc.Table != scrubTable || sc.Council != council {
			continue
		}
		values, err := parseScrub(sc)
		if err != nil {
			return false, err
		}
		if w, ok := values[id]; ok && w == s {
			return true, nil
		}
	}
	return false, nil
}

// sameResent checks an op this replica holds already against the op as
// sent again: an op id names one edit forever, so an op that reuses a held
// id with another council, value or base is refused, never passed over in
// silence (sameEdit says what is the same edit; an erasure held here or in
// batch counts).
func sameResent(ctx context.Context, tx *sql.Tx, c Change, batch []Change) error {
	h, err := scanChange(tx.QueryRowContext(ctx, "SELECT "+changeCols+" FROM changes WHERE device = ? AND seq = ?", c.Device, c.Seq))
	if err != nil {
		return err
	}
	return sameHeld(ctx, tx, h, c, batch)
}

// sameHeld is sameResent with the held op h read already.
func sameHeld(ctx context.Context, tx *sql.Tx, h, c Change, batch []Change) error {
	var lookErr error
	same := sameEdit(h, c, func(v string) bool {
		ok, err := scrubbedValue(ctx, tx, c.Council, c.ID(), v, batch)
		lookErr = errors.Join(lookErr, err)
		return ok
	})
	if lookErr != nil {
		return lookErr
	}
	if same {
		return nil
	}
	return fmt.Errorf("%w %s (%s.%s): %w, og den nye er afvist", ErrBadChange, c.ID(), c.Table, c.Field, ErrOpReused)
}
