package storage

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// A database from before the secrets file: its device secret moves out of
// the database into the file on open, its own ops are signed, and it keeps
// its id.
func TestLegacySecretMovesOutOfTheDatabase(t *testing.T) {
	db := replica(t, "a")
	c := model.Council{Name: "Råd"}
	ok(t, db.SaveCouncil(t.Context(), model.Council{}, &c))
	path, device := db.Path(), db.DeviceID()
	for _, q := range []string{
		"UPDATE changes SET sig = ''",
		"DELETE FROM meta WHERE key = 'sync_pubkey'",
		"INSERT OR REPLACE INTO meta(key, value) VALUES ('sync_token', 'id.gammel-hemmelighed'), ('sync_server', 'http://x')",
	} {
		if _, err := db.sql().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	ok(t, db.Close())
	ok(t, os.Remove(SecretPath(path)))

	db, err := Open(context.Background(), path)
	ok(t, err)
	defer db.Close()
	if db.DeviceID() != device {
		t.Errorf("a database from before the secrets file changed its id")
	}
	if tok, _ := db.Meta(t.Context(), MetaToken); tok != "id.gammel-hemmelighed" || mustMissing(t, db) {
		t.Errorf("token = %q", tok)
	}
	var n int
	ok(t, db.sql().QueryRow("SELECT COUNT(*) FROM meta WHERE key = 'sync_token'").Scan(&n))
	if n != 0 {
		t.Error("the secret is still in the database")
	}
	raw, err := os.ReadFile(SecretPath(path))
	ok(t, err)
	if !bytes.Contains(raw, []byte("gammel-hemmelighed")) {
		t.Error("the secret is not in the secrets file")
	}
	ops, err := db.CouncilOps(context.Background(), c.ID)
	ok(t, err)
	pub := db.signKey().Public().(ed25519.PublicKey)
	for _, o := range ops {
		if !VerifyChange(o, pub) {
			t.Errorf("own op %s not signed", o.ID())
		}
	}
	// Fresh writes are signed too, and a re-signed op verifies.
	ok(t, db.SaveCouncil(t.Context(), c, &model.Council{ID: c.ID, Name: "Nyt navn"}))
	ops = noerr.Get(db.CouncilOps(context.Background(), c.ID))(t)
	last := ops[len(ops)-1]
	if !VerifyChange(last, pub) {
		t.Error("a new op is not signed")
	}
	last.Value = "Andet navn"
	if VerifyChange(last, pub) {
		t.Error("a changed op still verifies")
	}
	db.signChange(&last)
	if !VerifyChange(last, pub) {
		t.Error("signChange does not re-sign")
	}
}

// The signed encoding tells every op apart: a value's type counts, and
// text cannot slide from one field into the next.
func TestSignedBytesUnambiguous(t *testing.T) {
	base := Change{Device: "d", Seq: 1, HLC: 2, Table: "members", Row: "r", Council: "c", Field: "name", Value: "5"}
	variants := []Change{base}
	add := func(f func(*Change)) {
		c := base
		f(&c)
		variants = append(variants, c)
	}
	add(func(c *Change) { c.Value = int64(5) })
	add(func(c *Change) { c.Value = nil })
	add(func(c *Change) { c.Value = "" })
	add(func(c *Change) { c.Row, c.Council = "rc", "" })
	add(func(c *Change) { c.Device, c.Seq = "d:1", 0 })
	add(func(c *Change) { c.Base = "d:1" })
	add(func(c *Change) { c.Base = "d:1*" })
	add(func(c *Change) { c.HLC = 3 })
	add(func(c *Change) { c.Field, c.Value = "", "name5" })
	seen := map[string]int{}
	for i, c := range variants {
		k := string(signedBytes(c))
		if j, dup := seen[k]; dup {
			t.Errorf("variants %d and %d encode alike", j, i)
		}
		seen[k] = i
	}
	if string(signedBytes(Change{Value: 5})) != string(signedBytes(Change{Value: int64(5)})) {
		t.Error("an int and an int64 of the same value encode differently")
	}
}

// An op id names one edit: resent with another value or base it is
// refused, not skipped; resent as it was, or a delete op that carried
// nothing when it was first sent (before deletes recorded what they had
// seen), it is the same op.
func TestResentOpMustBeTheSame(t *testing.T) {
	a, b := replica(t, "a"), replica(t, "b")
	c := model.Council{Name: "Råd"}
	ok(t, a.SaveCouncil(t.Context(), model.Council{}, &c))
	m := model.Member{CouncilID: c.ID, Name: "Åse", Role: model.RoleMember}
	ok(t, a.SaveMember(t.Context(), model.Member{}, &m))
	ok(t, a.DeleteMember(t.Context(), m.ID))
	ops := mustOps(t, a)
	early := append([]Change{}, ops...)
	for i := range early {
		if early[i].Table == "members" && early[i].Field == "" {
			early[i].Value = nil
		}
	}
	_, err := b.ApplyOps(context.Background(), early)
	ok(t, err)
	_, err = b.ApplyOps(context.Background(), ops)
	ok(t, err)
	for name, edit := range map[string]func(*Change){
		"value": func(c *Change) { c.Value = "Bent" },
		"base":  func(c *Change) { c.Base = "x:1" },
	} {
		var x Change
		for _, o := range ops {
			if o.Table == "members" && o.Field == "name" {
				x = o
			}
		}
		edit(&x)
		if _, err := b.ApplyOps(context.Background(), []Change{x}); !errors.Is(err, ErrBadChange) || !strings.Contains(err.Error(), "allerede brugt") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Upgrading a database from before the secrets file: the device secret
// moves into the secrets file, and the copy made before the migration
// does not keep it either.
func TestUpgradeMovesSecretOutOfEveryCopy(t *testing.T) {
	data, err := os.ReadFile("testdata/schema-v3.db")
	ok(t, err)
	path := filepath.Join(t.TempDir(), "old.db")
	ok(t, os.WriteFile(path, data, 0o644))
	raw, err := sql.Open("sqlite", path)
	ok(t, err)
	_, err = raw.Exec("INSERT INTO meta(key, value) VALUES ('sync_token', 'dev.gammel-hemmelighed'), ('sync_server', 'http://x')")
	ok(t, err)
	ok(t, raw.Close())

	db, err := Open(context.Background(), path)
	ok(t, err)
	defer db.Close()
	if tok := noerr.Get(db.Meta(t.Context(), MetaToken))(t); tok != "dev.gammel-hemmelighed" {
		t.Errorf("token after the upgrade = %q", tok)
	}
	copies := noerr.Get(filepath.Glob(filepath.Join(db.BackupDir(), "foer-opgradering-*.db")))(t)
	if len(copies) != 1 {
		t.Fatalf("copies = %v", copies)
	}
	for _, f := range append(copies, path) {
		c, err := sql.Open("sqlite", f)
		ok(t, err)
		var n int
		ok(t, c.QueryRow("SELECT COUNT(*) FROM meta WHERE key = 'sync_token'").Scan(&n))
		c.Close()
		if n != 0 {
			t.Errorf("%s still holds the device secret", filepath.Base(f))
		}
	}
}

// Ops the hub accepted before ops were signed carry no signature; the hub
// endorses them once with its own key, so that a laptop that never held
// them can take them from a bundle, and nothing else passes that way.
func TestHubEndorsesLegacyOps(t *testing.T) {
	a, hub, fresh := replica(t, "a"), replica(t, "hub"), replica(t, "fresh")
	c := model.Council{Name: "Råd"}
	ok(t, a.SaveCouncil(t.Context(), model.Council{}, &c))
	ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: c.ID, Name: "Åse", Role: model.RoleChair}))
	legacy := mustOps(t, a)
	for i := range legacy {
		legacy[i].Sig = ""
	}
	_, err := hub.ApplyOps(context.Background(), legacy)
	ok(t, err)
	// a enrolled before keys: registered, with no key.
	_, err = hub.sql().Exec("INSERT INTO devices(id, label, council_id, replica, enrolled) VALUES ('d1', 'a', ?, ?, '2026-01-01T00:00:00Z')", c.ID, a.DeviceID())
	ok(t, err)
	dir := func() *KeyDirectory {
		d, err := hub.HubDirectory(context.Background(), "")
		ok(t, err)
		return &d
	}
	held := mustOps(t, hub)
	if _, _, err := fresh.VerifyOps(context.Background(), held, dir()); !errors.Is(err, ErrUnsigned) {
		t.Fatalf("before endorsing: %v", err)
	}
	ok(t, hub.SetHub(t.Context()))
	held = mustOps(t, hub)
	if _, _, err := fresh.VerifyOps(context.Background(), held, dir()); err != nil {
		t.Fatalf("endorsed: %v", err)
	}
	// An endorsement is for that op only.
	held[0].Value = "Ændret"
	if _, _, err := fresh.VerifyOps(context.Background(), held, dir()); !errors.Is(err, ErrBadSignature) {
		t.Errorf("changed endorsed op: %v", err)
	}
	// A new unsigned op is not endorsed after the first time.
	late := Change{Device: "b", Seq: 1, HLC: 5 << 16, Table: "councils", Row: c.ID, Council: c.ID, Field: "area", Value: "x"}
	_, err = hub.ApplyOps(context.Background(), []Change{late})
	ok(t, err)
	ok(t, hub.SetHub(t.Context()))
	if _, _, err := fresh.VerifyOps(context.Background(), mustOps(t, hub), dir()); !errors.Is(err, ErrUnsigned) && !errors.Is(err, ErrUnknownAuthor) {
		t.Errorf("a later unsigned op: %v", err)
	}
}

// A device enrolled before keys is in the hub's key list without a key
// until it registers one (on its next push); then never another.
func TestDeviceKeyRegisteredLater(t *testing.T) {
	hub := replica(t, "hub")
	_, err := hub.sql().Exec("INSERT INTO devices(id, label, council_id, replica, enrolled, secret_hash) VALUES ('d1', 'a', 'c', 'rep-a', '2026-01-01T00:00:00Z', 'x')")
	ok(t, err)
	d, err := hub.HubDirectory(context.Background(), "c")
	ok(t, err)
	if len(d.Keys) != 1 || d.Keys[0].Key != "" || d.Verify() != nil {
		t.Fatalf("directory before = %+v (%v)", d.Keys, d.Verify())
	}
	key := replica(t, "a").PublicKey()
	ok(t, hub.SetDeviceKey(context.Background(), "d1", key))
	ok(t, hub.SetDeviceKey(context.Background(), "d1", key))
	if err := hub.SetDeviceKey(context.Background(), "d1", hub.PublicKey()); err == nil {
		t.Error("a second key was taken")
	}
	d = noerr.Get(hub.HubDirectory(context.Background(), "c"))(t)
	if d.Keys[0].Key != key {
		t.Errorf("directory after = %+v", d.Keys)
	}
}

// A hub that lost its secrets file takes a new id and key, but its ops
// stay where they were numbered and handed out.
func TestHubRenewalKeepsItsHistory(t *testing.T) {
	hub := replica(t, "hub")
	ok(t, hub.SetHub(t.Context()))
	p := model.Pool{CouncilID: model.MunicipalityID, Name: "Puljen", OpenAllYear: true}
	ok(t, hub.SavePool(t.Context(), model.Pool{}, &p))
	before, _, _, err := hub.HubOpsSince(t.Context(), "", 0, 100, "")
	ok(t, err)
	path, old := hub.Path(), hub.DeviceID()
	ok(t, hub.Close())
	ok(t, os.Remove(SecretPath(path)))
	hub, err = Open(context.Background(), path)
	ok(t, err)
	defer hub.Close()
	if hub.DeviceID() == old {
		t.Fatal("kept its id without its key")
	}
	after, _, _, err := hub.HubOpsSince(t.Context(), "", 0, 100, "")
	ok(t, err)
	if len(after) != len(before) || len(after) == 0 || after[0].Device != old {
		t.Errorf("hub ops after renewal: %d (was %d)", len(after), len(before))
	}
	loaded := p
	p.Name = "Puljen 2"
	ok(t, hub.SavePool(t.Context(), loaded, &p))
	if ops, _, _, _ := hub.HubOpsSince(t.Context(), "", 0, 100, ""); len(ops) != len(before)+1 || ops[len(ops)-1].Device != hub.DeviceID() {
		t.Errorf("a new op after renewal is not numbered: %d", len(ops))
	}
}

func mustMissing(t *testing.T, db *DB) bool {
	t.Helper()
	missing, err := db.SecretMissing(context.Background())
	ok(t, err)
	return missing
}
