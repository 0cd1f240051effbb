package exchange

import (
	"bytes"
	"compress/gzip"
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
	db, err := storage.Open(f.TempDir() + "/seed.db")
	if err != nil {
		f.Fatal(err)
	}
	c := model.Council{Name: "Jyderup"}
	if err := db.SaveCouncil(model.Council{}, &c); err != nil {
		f.Fatal(err)
	}
	db.SaveMember(model.Member{}, &model.Member{CouncilID: c.ID, Name: "Łukasz", Role: model.RoleMember})
	var buf bytes.Buffer
	if _, err := WriteBundle(&buf, db, c.ID); err != nil {
		f.Fatal(err)
	}
	db.Close()
	f.Add(buf.Bytes())
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, data []byte) {
		h, cs, err := ReadBundle(bytes.NewReader(data))
		if err != nil {
			return
		}
		if len(cs) != h.Count {
			t.Fatalf("accepted %d ops, header says %d", len(cs), h.Count)
		}
		for _, c := range cs {
			if c.Council != h.Council {
				t.Fatal("accepted an op of another council")
			}
		}
	})
}
