package exchange

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"testing"

	"lokalraad/model"
	"lokalraad/storage"
)

// Every decoder of network and bundle input: no panic, and what decodes
// encodes back to the same ops.

func FuzzDecodePush(f *testing.F) {
	f.Add([]byte(`{"ops":[{"d":"a","s":1,"h":5,"t":"members","r":"r","c":"c","f":"name","v":"Åse","b":""}]}`), false)
	f.Add([]byte(`{"ops":[{"d":"a","s":1,"h":5,"t":"members","r":"r","c":"c","f":"","v":null}]}`), false)
	f.Add([]byte(`{"ops":[{"v":1e400}]}`), false)
	f.Add([]byte(`{"ops":[{"d":"a","s":1,"h":5,"t":"members","r":"r","c":"c","f":"name","v":"x","g":"AAAA"}],"key":"AAAA"}`), false)
	f.Add([]byte(`{"ops":[{"d":"a","s":9007199254740993,"h":-1,"g":"!!"}]}`), false)
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write([]byte(`{"ops":[]}`))
	zw.Close()
	f.Add(z.Bytes(), true)
	f.Fuzz(func(t *testing.T, data []byte, gz bool) {
		cs, err := DecodePush(bytes.NewReader(data), gz, 1<<20)
		if err != nil {
			return
		}
		w, err := EncodeOps(cs)
		if err != nil {
			t.Fatalf("decoded ops do not encode: %v", err)
		}
		back, err := DecodeOps(w)
		if err != nil || len(back) != len(cs) {
			t.Fatalf("round trip: %v", err)
		}
		for i := range back {
			if back[i] != cs[i] {
				t.Fatalf("round trip changed %+v to %+v", cs[i], back[i])
			}
		}
	})
}

func FuzzDecodePull(f *testing.F) {
	f.Add([]byte(`{"ops":[{"d":"a","s":1,"h":5,"t":"members","r":"r","c":"c","f":"contact","v":1}],"next":7,"more":true}`))
	f.Add([]byte(`{"ops":null,"next":-1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		DecodePull(bytes.NewReader(data), 1<<20)
	})
}

func FuzzReadBundle(f *testing.F) {
	db, err := storage.Open(context.Background(), f.TempDir()+"/seed.db")
	if err != nil {
		f.Fatal(err)
	}
	c := model.Council{Name: "Jyderup"}
	if err := db.SaveCouncil(f.Context(), model.Council{}, &c); err != nil {
		f.Fatal(err)
	}
	db.SaveMember(f.Context(), model.Member{}, &model.Member{CouncilID: c.ID, Name: "Łukasz", Role: model.RoleMember})
	// A hub's bundle: signed ops and the signed key directory.
	if _, _, err := db.AddDevice(f.Context(), "laptop", c.ID, false); err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if h, err := cli.WriteBundle(context.Background(), &buf, db, c.ID); err != nil || h.Keys == nil {
		f.Fatal(err, h.Keys)
	}
	db.Close()
	f.Add(buf.Bytes())
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, data []byte) {
		h, cs, err := cli.ReadBundle(bytes.NewReader(data))
		if err != nil {
			return
		}
		if len(cs) != h.Count {
			t.Fatalf("accepted %d ops, header says %d", len(cs), h.Count)
		}
		for _, c := range cs {
			if c.Council != h.Council && c.Council != model.MunicipalityID {
				t.Fatal("accepted an op of another council")
			}
		}
		if h.Keys != nil && h.Keys.Verify() != nil {
			t.Fatal("accepted a key directory that does not verify")
		}
	})
}

// The signature check: never a panic on any input, an op signed verifies,
// and any change of what it says makes it fail.
func FuzzVerifyChange(f *testing.F) {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	f.Add("a", int64(1), int64(5), "members", "r", "c", "name", "Åse", false, "", "", "x")
	f.Add("a", int64(1), int64(5), "members", "r", "c", "contact", "", true, "a:1*", "AAAA", "y")
	f.Add("", int64(-1), int64(0), "", "", "", "", "5", true, "", "!!!", "")
	f.Fuzz(func(t *testing.T, device string, seq, hlc int64, table, row, council, field, value string, isInt bool, base, sig, other string) {
		c := storage.Change{Device: device, Seq: seq, HLC: hlc, Table: table, Row: row, Council: council, Field: field, Value: value, Base: base, Sig: sig}
		if isInt {
			c.Value = int64(len(value))
		}
		storage.VerifyChange(c, key.Public().(ed25519.PublicKey))
		storage.VerifyChange(c, ed25519.PublicKey(sig))
		storage.SignChange(&c, key)
		if !storage.VerifyChange(c, key.Public().(ed25519.PublicKey)) {
			t.Fatal("a signed op does not verify")
		}
		w, err := EncodeOps([]storage.Change{c})
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeOps(w)
		if err != nil || !storage.VerifyChange(back[0], key.Public().(ed25519.PublicKey)) {
			t.Fatalf("a signed op does not verify after the wire: %v", err)
		}
		for _, edit := range []func(*storage.Change){
			func(c *storage.Change) { c.Row += other + "x" },
			func(c *storage.Change) { c.Base = other + c.Base + "y" },
			func(c *storage.Change) { c.Seq++ },
			func(c *storage.Change) {
				if s, ok := c.Value.(string); ok {
					c.Value = int64(len(s))
				} else {
					c.Value = other
				}
			},
		} {
			d := c
			edit(&d)
			if storage.VerifyChange(d, key.Public().(ed25519.PublicKey)) {
				t.Fatalf("a changed op still verifies: %+v", d)
			}
		}
	})
}

// The key directory as it arrives in an enrolment, a pull or a bundle:
// never a panic, and what verifies still verifies after a round trip.
func FuzzKeyDirectory(f *testing.F) {
	db, err := storage.Open(context.Background(), f.TempDir()+"/hub.db")
	if err != nil {
		f.Fatal(err)
	}
	c := model.Council{Name: "Jyderup"}
	if err := db.SaveCouncil(f.Context(), model.Council{}, &c); err != nil {
		f.Fatal(err)
	}
	dir, err := db.HubDirectory(context.Background(), c.ID)
	db.Close()
	if err != nil {
		f.Fatal(err)
	}
	raw, _ := json.Marshal(dir)
	f.Add(raw)
	dir.Keys = []storage.KeyEntry{{Replica: "a", Key: dir.HubKey, Council: c.ID}}
	raw, _ = json.Marshal(dir)
	f.Add(raw)
	f.Add([]byte(`{"hub":"h","hub_key":"AAAA","keys":[{"replica":"a","key":"AAAA"}],"sig":"AAAA"}`))
	f.Add([]byte(`{"keys":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var d storage.KeyDirectory
		if json.Unmarshal(data, &d) != nil {
			return
		}
		d.Hash()
		if d.Verify() != nil {
			return
		}
		raw, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var back storage.KeyDirectory
		if err := json.Unmarshal(raw, &back); err != nil || back.Verify() != nil {
			t.Fatalf("a verified directory fails after a round trip: %v", err)
		}
	})
}

// Importing on a laptop, signatures and all: never a panic, and a refused
// bundle writes nothing.
func FuzzImportBundle(f *testing.F) {
	dir := f.TempDir()
	hub, err := storage.Open(context.Background(), dir+"/hub.db")
	if err != nil {
		f.Fatal(err)
	}
	defer hub.Close()
	c := model.Council{Name: "Jyderup"}
	if err := hub.SaveCouncil(f.Context(), model.Council{}, &c); err != nil {
		f.Fatal(err)
	}
	hub.SaveMember(f.Context(), model.Member{}, &model.Member{CouncilID: c.ID, Name: "Karen", Role: model.RoleChair})
	hub.SavePool(f.Context(), model.Pool{}, &model.Pool{CouncilID: model.MunicipalityID, Name: "Puljen", OpenAllYear: true})
	if _, _, err := hub.AddDevice(f.Context(), "laptop", c.ID, false); err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := cli.WriteBundle(context.Background(), &buf, hub, c.ID); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	laptop, err := storage.Open(context.Background(), dir+"/laptop.db")
	if err != nil {
		f.Fatal(err)
	}
	defer laptop.Close()
	f.Fuzz(func(t *testing.T, data []byte) {
		before, err := laptop.CouncilOps(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(data), laptop); err == nil {
			return
		}
		after, err := laptop.CouncilOps(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before) {
			t.Fatalf("a refused bundle wrote %d ops", len(after)-len(before))
		}
	})
}
