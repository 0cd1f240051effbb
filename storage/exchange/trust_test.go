package exchange

import (
	"bytes"

	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// forge rewrites a bundle's ops with edit and recomputes its checksum and
// count, as anyone can: the checksum is no signature.
func forge(t testing.TB, file []byte, edit func([]storage.Change) []storage.Change) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(file))
	ok(t, err)
	var f bundleFile
	ok(t, json.NewDecoder(zr).Decode(&f))
	var ops []Op
	ok(t, json.Unmarshal(f.Ops, &ops))
	cs, err := DecodeOps(ops)
	ok(t, err)
	wire, err := EncodeOps(edit(cs))
	ok(t, err)
	raw, err := json.Marshal(wire)
	ok(t, err)
	sum := sha256.Sum256(raw)
	f.Ops, f.Header.SHA256, f.Header.Count = raw, hex.EncodeToString(sum[:]), len(wire)
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	ok(t, json.NewEncoder(zw).Encode(f))
	ok(t, zw.Close())
	return out.Bytes()
}

func bundleOf(t testing.TB, db *storage.DB, council string) []byte {
	t.Helper()
	var buf bytes.Buffer
	_, err := cli.WriteBundle(context.Background(), &buf, db, council)
	ok(t, err)
	return buf.Bytes()
}

func newKey(t testing.TB) ed25519.PrivateKey {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	ok(t, err)
	return k
}

// Finding 2: a council laptop's bundle whose ops claim that the staff
// device or the hub set a granted amount, a pool's amount and an
// announcement is refused whole at the hub — unsigned, signed with the
// laptop's own key, or with a key nobody registered; a recomputed
// checksum does not help — and nothing reaches the other laptops.
func TestForgedAuthorsInBundleRefusedAtHub(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup")
	pool := model.Pool{CouncilID: model.MunicipalityID, Name: "Puljen", Available: 100_000_00, OpenAllYear: true}
	ok(t, h.db.SavePool(t.Context(), model.Pool{}, &pool))
	a := h.laptop(t, "a", council, 0)
	b := h.laptop(t, "b", council, 0)
	staff := h.laptop(t, "staff", "", 0)
	syncOK(t, a)
	w := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Cykelsti", Status: model.WishSubmitted}
	ok(t, a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	syncOK(t, a)
	syncOK(t, staff)
	syncOK(t, b)

	stamp := now.UnixMilli() << 16
	forged := func(key ed25519.PrivateKey) func([]storage.Change) []storage.Change {
		return func(cs []storage.Change) []storage.Change {
			extra := []storage.Change{
				{Device: staff.DeviceID(), Seq: 900, HLC: stamp, Table: "budget_wishes", Row: w.ID, Council: council, Field: "granted", Value: int64(99_999_900)},
				{Device: h.db.DeviceID(), Seq: 900, HLC: stamp, Table: "pools", Row: pool.ID, Council: model.MunicipalityID, Field: "available", Value: int64(999_999_900)},
				{Device: h.db.DeviceID(), Seq: 901, HLC: stamp, Table: "announcements", Row: "forfalsket", Council: model.MunicipalityID, Field: "title", Value: "Alle puljer er lukket"},
			}
			for i := range extra {
				if key != nil {
					storage.SignChange(&extra[i], key)
				}
			}
			return append(cs, extra...)
		}
	}
	file := bundleOf(t, a, council)
	aKey := keyOf(t, a)
	for name, c := range map[string]struct {
		file []byte
		want error
	}{
		"unsigned":                {forge(t, file, forged(nil)), storage.ErrUnsigned},
		"signed by the laptop":    {forge(t, file, forged(aKey)), storage.ErrBadSignature},
		"signed by a strange key": {forge(t, file, forged(newKey(t))), storage.ErrBadSignature},
		"unknown author": {forge(t, file, func(cs []storage.Change) []storage.Change {
			x := storage.Change{Device: "ukendt", Seq: 1, HLC: stamp, Table: "budget_wishes", Row: w.ID, Council: council, Field: "title", Value: "X"}
			storage.SignChange(&x, newKey(t))
			return append(cs, x)
		}), storage.ErrUnknownAuthor},
		"tampered value": {forge(t, file, func(cs []storage.Change) []storage.Change {
			for i := range cs {
				if cs[i].Table == "budget_wishes" && cs[i].Field == "title" {
					cs[i].Value = "Ændret undervejs"
				}
			}
			return cs
		}), storage.ErrBadSignature},
		"tampered signature": {forge(t, file, func(cs []storage.Change) []storage.Change {
			for i := range cs {
				if cs[i].Device == a.DeviceID() {
					sig := noerr.Get(base64.StdEncoding.DecodeString(cs[i].Sig))(t)
					sig[3] ^= 1
					cs[i].Sig = base64.StdEncoding.EncodeToString(sig)
					cs[i].Seq += 1000 // new to the hub, so it is checked
				}
			}
			return cs
		}), storage.ErrBadSignature},
	} {
		before := noerr.Get(h.db.HubSequence(t.Context()))(t)
		_, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(c.file), h.db, now, 24*time.Hour)
		if !errors.Is(err, ErrRefusedBundle) || !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
		if after := noerr.Get(h.db.HubSequence(t.Context()))(t); after != before {
			t.Errorf("%s: the refused bundle wrote %d ops", name, after-before)
		}
	}
	syncOK(t, b)
	wishes := noerr.Get(b.BudgetWishes(t.Context(), council, 0))(t)
	p := noerr.Get(b.Pool(t.Context(), pool.ID))(t)
	ann := noerr.Get(b.Announcements(t.Context()))(t)
	if len(wishes) != 1 || wishes[0].Granted != 0 || p.Available != 100_000_00 || len(ann) != 0 {
		t.Errorf("forged data reached another laptop: %+v %+v %+v", wishes, p, ann)
	}
	// The genuine bundle still goes in.
	if _, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(file), h.db, now, 24*time.Hour); err != nil {
		t.Errorf("genuine bundle: %v", err)
	}
}

// keyOf reads a database's private key from its secrets file, as an
// attacker holding the laptop could.
func keyOf(t testing.TB, db *storage.DB) ed25519.PrivateKey {
	raw, err := os.ReadFile(storage.SecretPath(db.Path()))
	ok(t, err)
	var s struct{ Key []byte }
	ok(t, json.Unmarshal(raw, &s))
	return ed25519.NewKeyFromSeed(s.Key)
}

// On the laptop: an op claiming the laptop's own id that it does not hold,
// an answer signed by a council device, and an op of a council device of
// another council are refused whole; later syncs still work.
func TestForgedBundleRefusedOnLaptop(t *testing.T) {
	h := newHub(t)
	council, other := h.council(t, "Jyderup"), h.council(t, "Tornved")
	a := h.laptop(t, "a", council, 0)
	b := h.laptop(t, "b", council, 0)
	o := h.laptop(t, "o", other, 0)
	syncOK(t, a)
	w := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Cykelsti", Status: model.WishSubmitted}
	ok(t, a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	syncOK(t, a)
	syncOK(t, b)
	syncOK(t, o)
	file := bundleOf(t, h.db, council)
	stamp := now.UnixMilli() << 16

	ownID := forge(t, file, func(cs []storage.Change) []storage.Change {
		x := storage.Change{Device: b.DeviceID(), Seq: 5000, HLC: stamp, Table: "budget_wishes", Row: w.ID, Council: council, Field: "title", Value: "Overtaget"}
		storage.SignChange(&x, newKey(t))
		return append(cs, x)
	})
	answer := forge(t, file, func(cs []storage.Change) []storage.Change {
		x := storage.Change{Device: a.DeviceID(), Seq: 5000, HLC: stamp, Table: "budget_wishes", Row: w.ID, Council: council, Field: "granted", Value: int64(99_999_900), Base: "x:1"}
		ok(t, a.SignOwn(&x))
		return append(cs, x)
	})
	foreign := forge(t, file, func(cs []storage.Change) []storage.Change {
		x := storage.Change{Device: o.DeviceID(), Seq: 5000, HLC: stamp, Table: "budget_wishes", Row: w.ID, Council: council, Field: "title", Value: "Fra Tornved"}
		ok(t, o.SignOwn(&x))
		return append(cs, x)
	})
	for name, c := range map[string]struct {
		file []byte
		want error
	}{
		"own id":          {ownID, storage.ErrOwnDevice},
		"council answers": {answer, ErrForbidden},
		// o's key is not in Jyderup's directory at all.
		"other council": {foreign, storage.ErrUnknownAuthor},
	} {
		_, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(c.file), b)
		if !errors.Is(err, ErrRefusedBundle) || !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
		if msg := err.Error(); !strings.Contains(msg, "afvist") {
			t.Errorf("%s: message %q", name, msg)
		}
	}
	if got := noerr.Get(b.BudgetWishes(t.Context(), council, 0))(t); len(got) != 1 || got[0].Title != "Cykelsti" || got[0].Granted != 0 {
		t.Errorf("wish on b = %+v", got)
	}
	if n := noerr.Get(b.PendingCount(context.Background(), council))(t); n != 0 {
		t.Errorf("a forged op became one of b's own: %d pending", n)
	}
	// A staff device's copy of every council's keys: o's op for Jyderup is
	// refused as from another council.
	staff := h.laptop(t, "staff", "", 0)
	syncOK(t, staff)
	if _, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(foreign), staff); !errors.Is(err, ErrForbidden) {
		t.Errorf("staff device, op of another council: %v", err)
	}
	// Later syncs still work, and the genuine bundle goes in.
	w.Title = "Cykelsti langs åen"
	ok(t, b.SaveBudgetWish(t.Context(), storage.Overwriting(t.Context(), b, w), &w))
	syncOK(t, b)
	syncOK(t, a)
	if got := noerr.Get(a.BudgetWishes(t.Context(), council, 0))(t); len(got) != 1 || got[0].Title != "Cykelsti langs åen" {
		t.Errorf("after refusals: %+v", got)
	}
	if _, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(file), b); err != nil {
		t.Errorf("genuine bundle: %v", err)
	}
}

// A laptop that never enrolled trusts the hub key of the first bundle it
// reads (trust on first use) and refuses a bundle signed by another hub.
func TestBundleHubKeyTrustedOnFirstUse(t *testing.T) {
	h, council, a := syncedLaptop(t, "Jyderup")
	ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Åse", Role: model.RoleChair}))
	syncOK(t, a)
	offline := open(t, "offline", 0)
	if _, n, err := cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, h.db, council)), offline); err != nil || n == 0 {
		t.Fatalf("first bundle: %d, %v", n, err)
	}
	// A laptop's bundle carries the hub's directory it holds.
	if _, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, a, council)), offline); err != nil {
		t.Errorf("the enrolled laptop's bundle: %v", err)
	}
	// Another server with its own key, making a bundle for the same
	// council id: refused.
	evil := newHub(t)
	c := model.Council{ID: council, Name: "Jyderup"}
	ok(t, evil.db.SaveCouncil(t.Context(), model.Council{}, &c))
	_, _, err := evil.db.AddDevice(t.Context(), "x", council, false)
	ok(t, err)
	if _, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, evil.db, council)), offline); !errors.Is(err, storage.ErrHubKeyChanged) {
		t.Errorf("bundle of another hub: %v", err)
	}
	// A laptop's bundle without any directory, carrying ops of authors the
	// offline laptop cannot know.
	lone := open(t, "lone", 0)
	ok(t, lone.SaveCouncil(t.Context(), model.Council{}, &model.Council{Name: "Løs"}))
	cs := noerr.Get(lone.Councils(t.Context()))(t)
	fresh := open(t, "fresh", 0)
	if _, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, lone, cs[0].ID)), fresh); !errors.Is(err, storage.ErrUnknownAuthor) {
		t.Errorf("bundle without keys: %v", err)
	}
}

// Finding 3: enrolling with the hub's own replica id, or with one already
// registered, is refused; an op numbered past the bounds is refused; the
// hub's own writes keep being numbered afterwards.
func TestEnrolAsHubRefused(t *testing.T) {
	h, council, a := syncedLaptop(t, "Jyderup")
	key := base64.StdEncoding.EncodeToString(newKey(t).Public().(ed25519.PublicKey))
	for name, replica := range map[string]string{"the hub's id": h.db.DeviceID(), "a registered id": a.DeviceID()} {
		var resp EnrollResponse
		err := cli.call(context.Background(), http.MethodPost, h.url+"/v1/enroll", "", EnrollRequest{Code: h.code(t, council), Replica: replica, Key: key}, &resp)
		var re *RemoteError
		if !errors.As(err, &re) || re.Status != http.StatusForbidden || !strings.Contains(re.Msg, "allerede i brug") {
			t.Errorf("%s: %v", name, err)
		}
	}
	token := noerr.Get(a.Meta(t.Context(), storage.MetaToken))(t)
	for name, c := range map[string]storage.Change{
		"seq 2^63-1": {Device: a.DeviceID(), Seq: math.MaxInt64, HLC: now.UnixMilli() << 16, Table: "councils", Row: council, Council: council, Field: "area", Value: "x"},
		"seq 2^53+1": {Device: a.DeviceID(), Seq: 1<<53 + 1, HLC: now.UnixMilli() << 16, Table: "councils", Row: council, Council: council, Field: "area", Value: "x"},
	} {
		ok(t, a.SignOwn(&c))
		wire, err := EncodeOps([]storage.Change{c})
		ok(t, err)
		err = cli.call(context.Background(), http.MethodPost, h.url+"/v1/push", token, PushRequest{Ops: wire}, &PushResponse{})
		var re *RemoteError
		if !errors.As(err, &re) || re.Status != http.StatusBadRequest {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := h.db.ApplyOps(context.Background(), []storage.Change{{Device: "x", Seq: 1, HLC: math.MaxInt64, Table: "councils", Row: council, Council: council, Field: "area", Value: "x"}}); !errors.Is(err, storage.ErrBadChange) {
		t.Errorf("clock past the bound: %v", err)
	}
	before := noerr.Get(h.db.HubSequence(t.Context()))(t)
	p := model.Pool{CouncilID: model.MunicipalityID, Name: "Ny pulje", OpenAllYear: true}
	ok(t, h.db.SavePool(t.Context(), model.Pool{}, &p))
	syncOK(t, a)
	if after := noerr.Get(h.db.HubSequence(t.Context()))(t); after <= before {
		t.Errorf("the hub's pool was not numbered: %d → %d", before, after)
	}
	if got := noerr.Get(a.Pool(t.Context(), p.ID))(t); got.Name != "Ny pulje" {
		t.Errorf("the pool did not reach the laptop: %+v", got)
	}
}

// An op id sent again with another value is refused with a Danish error
// and a 4xx, never taken silently; the same op again is fine.
func TestResentOpWithOtherValueRefused(t *testing.T) {
	h, council, a := syncedLaptop(t, "Jyderup")
	m := model.Member{CouncilID: council, Name: "Åse", Role: model.RoleChair}
	ok(t, a.SaveMember(t.Context(), model.Member{}, &m))
	syncOK(t, a)
	ops, err := a.CouncilOps(context.Background(), council)
	ok(t, err)
	var op storage.Change
	for _, o := range ops {
		if o.Table == "members" && o.Field == "name" {
			op = o
		}
	}
	token := noerr.Get(a.Meta(t.Context(), storage.MetaToken))(t)
	push := func(c storage.Change) error {
		wire, err := EncodeOps([]storage.Change{c})
		ok(t, err)
		return cli.call(context.Background(), http.MethodPost, h.url+"/v1/push", token, PushRequest{Ops: wire}, &PushResponse{})
	}
	ok(t, push(op)) // the same op again: idempotent
	for name, edit := range map[string]func(*storage.Change){
		"value":   func(c *storage.Change) { c.Value = "Bent" },
		"base":    func(c *storage.Change) { c.Base = a.DeviceID() + ":1" },
		"council": func(c *storage.Change) { c.Council = "andet" },
	} {
		c := op
		edit(&c)
		ok(t, a.SignOwn(&c))
		err := push(c)
		var re *RemoteError
		if !errors.As(err, &re) || re.Status/100 != 4 || !strings.Contains(re.Msg, "allerede brugt") && !strings.Contains(re.Msg, "andet råd") && !strings.Contains(re.Msg, "ingen adgang") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if got := noerr.Get(h.db.Members(t.Context(), council))(t); len(got) != 1 || got[0].Name != "Åse" {
		t.Errorf("hub members = %+v", got)
	}
}

// An erasure rewrites older ops (of other devices too) in place, so their
// signatures no longer match; a bundle carrying them with the erasure that
// names them is accepted, at the hub and on a fresh laptop. An op merely
// claimed to be scrubbed, with no erasure naming that value, is refused.
func TestScrubbedOpsTravelWithTheirErasure(t *testing.T) {
	h, council, a, b := twoLaptops(t, "Jyderup", time.Second)
	m := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: now.Add(-24 * time.Hour)}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &m))
	syncOK(t, a)
	syncOK(t, b)
	it := model.AgendaItem{CouncilID: council, MeetingID: m.ID, Title: "Shelter", Kind: model.ItemDecision, Notes: "Karen Østergaard fremlagde."}
	ok(t, b.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	syncOK(t, b)
	syncOK(t, a)
	_, err := a.ErasePerson(t.Context(), council, "Karen Østergaard")
	ok(t, err)
	file := bundleOf(t, a, council)
	if _, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(file), h.db, now, 24*time.Hour); err != nil {
		t.Fatalf("hub: %v", err)
	}
	if got := noerr.Get(h.db.AgendaItem(t.Context(), it.ID))(t); strings.Contains(got.Notes, "Karen") {
		t.Errorf("hub notes = %q", got.Notes)
	}
	fresh := open(t, "fresh", 0)
	if _, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, h.db, council)), fresh); err != nil {
		t.Fatalf("fresh laptop: %v", err)
	}
	if got := noerr.Get(fresh.AgendaItem(t.Context(), it.ID))(t); strings.Contains(got.Notes, "Karen") || got.Title != "Shelter" {
		t.Errorf("fresh laptop = %+v", got)
	}
	// b's title op, given another value no erasure names: refused.
	bad := forge(t, bundleOf(t, h.db, council), func(cs []storage.Change) []storage.Change {
		for i := range cs {
			if cs[i].Device == b.DeviceID() && cs[i].Table == "agenda_items" && cs[i].Field == "title" {
				cs[i].Value = "tidligere medlem"
			}
		}
		return cs
	})
	other := open(t, "other", 0)
	if _, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(bad), other); !errors.Is(err, storage.ErrBadSignature) {
		t.Errorf("scrubbed without an erasure: %v", err)
	}
}

// A device's key is registered at enrolment and never changes after (a
// device enrolled before signatures registers its key on its first push).
func TestDeviceKeyNeverChanges(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup")
	a := h.laptop(t, "a", council, 0)
	devs := noerr.Get(h.db.Devices(t.Context()))(t)
	if len(devs) != 1 || devs[0].Key != a.PublicKey() {
		t.Fatalf("registry = %+v", devs)
	}
	token := noerr.Get(a.Meta(t.Context(), storage.MetaToken))(t)
	other := base64.StdEncoding.EncodeToString(newKey(t).Public().(ed25519.PublicKey))
	err := cli.call(context.Background(), http.MethodPost, h.url+"/v1/push", token, PushRequest{Key: other}, &PushResponse{})
	if !errors.Is(err, ErrForbidden) {
		t.Errorf("another key: %v", err)
	}
}

// Over HTTP the author is the authenticated device, for staff devices too:
// a staff device cannot pass on another device's op, however well signed.
func TestStaffSendsOnlyItsOwnOps(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup")
	a := h.laptop(t, "a", council, 0)
	staff := h.laptop(t, "staff", "", 0)
	syncOK(t, a)
	c := storage.Change{Device: a.DeviceID(), Seq: 700, HLC: now.UnixMilli() << 16, Table: "councils", Row: council, Council: council, Field: "area", Value: "Vestsjælland"}
	ok(t, a.SignOwn(&c))
	wire, err := EncodeOps([]storage.Change{c})
	ok(t, err)
	token := noerr.Get(staff.Meta(t.Context(), storage.MetaToken))(t)
	if err := cli.call(context.Background(), http.MethodPost, h.url+"/v1/push", token, PushRequest{Ops: wire}, &PushResponse{}); !errors.Is(err, ErrForbidden) {
		t.Errorf("staff device sent a laptop's op: %v", err)
	}
}

// The key list says which devices the municipality revoked: a laptop
// leaves out their ops stamped after the revocation, even well signed,
// reads the rest of the file, and keeps taking those from before.
func TestRevokedDeviceOpsRefusedOnLaptop(t *testing.T) {
	h, council, a, b := twoLaptops(t, "Jyderup", 0)
	ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Åse", Role: model.RoleChair}))
	syncOK(t, a)
	syncOK(t, b)
	h.db.Now = func() time.Time { return now.Add(time.Minute) }
	devs := noerr.Get(h.db.Devices(t.Context()))(t)
	for _, d := range devs {
		if d.Replica == a.DeviceID() {
			ok(t, h.db.RevokeDevice(t.Context(), d.ID))
		}
	}
	syncOK(t, b) // b learns of the revocation with its next pull
	if dir, _, _ := b.KeyDirectory(context.Background(), ""); !strings.Contains(fmt.Sprint(dir.Keys), "T12:01:00Z") {
		t.Errorf("b's key list: %+v", dir.Keys)
	}
	fresh := open(t, "fresh", 0)
	if _, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, b, council)), fresh); err != nil {
		t.Fatalf("ops from before the revocation: %v", err)
	}
	later := forge(t, bundleOf(t, b, council), func(cs []storage.Change) []storage.Change {
		x := storage.Change{Device: a.DeviceID(), Seq: 9000, HLC: now.Add(time.Hour).UnixMilli() << 16, Table: "councils", Row: council, Council: council, Field: "area", Value: "Efter spærringen"}
		ok(t, a.SignOwn(&x))
		return append(cs, x)
	})
	_, a2, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(later), fresh)
	if err != nil || a2.Revoked != 1 {
		t.Errorf("op of a revoked device: %d left out, %v", a2.Revoked, err)
	}
	if c := noerr.Get(fresh.Council(t.Context(), council))(t); c.Area == "Efter spærringen" {
		t.Errorf("the revoked device's op was read in: %+v", c)
	}
}

// On the laptop as at the hub (AuthorizeAnswers): a council device's op
// that takes back the municipality's answer on a wish is refused, however
// well signed.
func TestCouncilCannotUnanswerByBundle(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup")
	a := h.laptop(t, "a", council, 0)
	b := h.laptop(t, "b", council, 0)
	staff := h.laptop(t, "staff", "", 0)
	syncOK(t, a)
	w := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Cykelsti", Status: model.WishSubmitted}
	ok(t, a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	syncOK(t, a)
	syncOK(t, staff)
	sw := noerr.Get(staff.BudgetWishes(t.Context(), council, 0))(t)
	loaded := sw[0]
	sw[0].Answer, sw[0].AnswerText, sw[0].Status = model.AnswerGranted, "Ja", model.WishAnswered
	ok(t, staff.SaveBudgetWish(t.Context(), loaded, &sw[0]))
	syncOK(t, staff)
	syncOK(t, b)
	var base string
	ops := noerr.Get(b.FieldOps(context.Background(), "budget_wishes", w.ID, "status"))(t)
	for _, o := range ops {
		if o.Value == string(model.WishAnswered) {
			base = o.ID()
		}
	}
	if base == "" {
		t.Fatal("no answer on b")
	}
	bad := forge(t, bundleOf(t, h.db, council), func(cs []storage.Change) []storage.Change {
		x := storage.Change{Device: a.DeviceID(), Seq: 8000, HLC: now.Add(time.Minute).UnixMilli() << 16, Table: "budget_wishes", Row: w.ID, Council: council, Field: "status", Value: string(model.WishSubmitted), Base: base}
		ok(t, a.SignOwn(&x))
		return append(cs, x)
	})
	if _, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(bad), b); !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "kun kommunen") {
		t.Errorf("council takes back the answer: %v", err)
	}
	if got := noerr.Get(b.BudgetWishes(t.Context(), council, 0))(t); got[0].Status != model.WishAnswered {
		t.Errorf("wish on b = %+v", got[0])
	}
}
