package exchange

// A file of the hub's is sealed: its seal (storage.FileSeal: council,
// writer, time, the ops' number and checksum, the key directory) signed
// with the hub's key. Only a sealed file decides which of a laptop's own
// changes are set aside, or brings them back. Who may send a file: anyone
// with the stick; so each test below writes one as someone else would.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"slices"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// sealOf is the hub signature a file carries ("" for none).
func sealOf(t *testing.T, file []byte) string {
	t.Helper()
	var f bundleFile
	_, _, err := cli.decodeBundle(bytes.NewReader(file), &f)
	ok(t, err)
	return f.HubSig
}

// isHubs tells whether a laptop reads file as the hub's.
func isHubs(t *testing.T, file []byte) bool {
	t.Helper()
	_, _, _, hubs, err := cli.readBundle(bytes.NewReader(file))
	ok(t, err)
	return hubs
}

// reencoded is file written again with its header changed by edit and
// only the ops keep keeps, carrying the file's own hub signature as it
// was: what a forger holding a genuine file of the hub's can write.
func reencoded(t *testing.T, file []byte, edit func(*BundleHeader), keep func(storage.Change) bool) []byte {
	t.Helper()
	sig := sealOf(t, file)
	hdr, cs, err := cli.ReadBundle(bytes.NewReader(file))
	ok(t, err)
	if edit != nil {
		edit(&hdr)
	}
	var seal func(storage.FileSeal) (string, error)
	if sig != "" {
		seal = func(storage.FileSeal) (string, error) { return sig, nil }
	}
	var out bytes.Buffer
	_, err = encodeBundle(&out, hdr, slices.DeleteFunc(cs, func(c storage.Change) bool { return !keep(c) }), nil, seal)
	ok(t, err)
	return out.Bytes()
}

func keepAll(storage.Change) bool { return true }

// Both hub stores seal the files they write, and the seal holds only for
// the file as the hub wrote it: a laptop's file, the hub's file with an op
// left out, with another time, or with a seal a laptop signed in the
// hub's name, are not the hub's.
func TestHubFilesAreSealed(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy := h.council("Jyderup Lokalråd")
		a, _ := h.laptop(t, "a", jy, 0)
		ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: jy, Name: "Karen", Role: model.RoleChair}))
		syncOK(t, a)
		genuine := hubBundle(t, h.store, jy)
		if sealOf(t, genuine) == "" || !isHubs(t, genuine) {
			t.Fatal("the hub's own file is not read as the hub's")
		}
		if _, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(genuine), a); err != nil {
			t.Fatalf("the laptop refuses the hub's file: %v", err)
		}
		if isHubs(t, bundleOf(t, a, jy)) {
			t.Error("a laptop's file is read as the hub's")
		}
		if isHubs(t, reencoded(t, genuine, nil, keepAll)) != true {
			t.Error("the hub's file written again unchanged lost its seal")
		}
		if isHubs(t, reencoded(t, genuine, nil, func(c storage.Change) bool { return c.Device != a.DeviceID() })) {
			t.Error("the hub's file without the laptop's ops, its seal kept, is read as the hub's")
		}
		if isHubs(t, reencoded(t, genuine, func(h *BundleHeader) { h.Created = h.Created.Add(time.Hour) }, keepAll)) {
			t.Error("the hub's file with another time, its seal kept, is read as the hub's")
		}
		if isHubs(t, reencoded(t, genuine, func(h *BundleHeader) { h.Council = "andet-raad" }, func(c storage.Change) bool { return c.Council == model.MunicipalityID })) {
			t.Error("the hub's seal moved to a file of another council is read as the hub's")
		}
		// A laptop (or anyone) writing in the hub's name, with the
		// directory it holds, signs the seal with a key of its own.
		hdr, cs, err := cli.ReadBundle(bytes.NewReader(genuine))
		ok(t, err)
		_, own, err := ed25519.GenerateKey(rand.Reader)
		ok(t, err)
		var forged bytes.Buffer
		_, err = encodeBundle(&forged, hdr, cs, nil, func(s storage.FileSeal) (string, error) { return s.Sign(own), nil })
		ok(t, err)
		if isHubs(t, forged.Bytes()) {
			t.Error("a seal signed by another key is read as the hub's")
		}
		// A laptop's store cannot seal a file in the hub's name.
		if _, err := a.SealHubFile(storage.FileSeal{Council: jy, Hub: hdr.Device}); err == nil {
			t.Error("a laptop sealed a file as the hub")
		}
	})
}

// lineKept checks what reading file (a file of the hub's, or one that says
// it is) left on b: nothing set aside (got), b's line of the minutes
// shown, nothing listed as refused.
func lineKept(t *testing.T, file string, got storage.Applied, b *storage.DB, council string, it model.AgendaItem) {
	t.Helper()
	if len(got.SetAside) != 0 {
		t.Errorf("the %s set aside %+v", file, got.SetAside)
	}
	if n := notesOn(t, b, it.ID); n != "L1\nB skrev\n" {
		t.Errorf("after the %s b shows %q", file, n)
	}
	if rs := noerr.Get(b.RefusedChanges(t.Context(), council))(t); len(rs) != 0 {
		t.Errorf("after the %s b lists as refused what the hub took: %+v", file, rs)
	}
}

// lineKeptAfterNetworkSync: b saves a member and syncs once over the
// network (the hub acknowledges past b's line), then reads the hub's
// newest file: it is taken, b shows its line and lists nothing as
// refused, and the hub, a and b converge.
func lineKeptAfterNetworkSync(t *testing.T, h *hub, council string, a, b *storage.DB, it model.AgendaItem) {
	t.Helper()
	ok(t, b.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Åse", Role: model.RoleChair}))
	syncOK(t, b)
	_, got, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(bundleOf(t, h.db, council)), b)
	if err != nil {
		t.Errorf("b refuses the hub's newest file: %v", err)
	}
	lineKept(t, "hub's newest file", got, b, council, it)
	syncOK(t, a)
	converged(t, council, h.db, a, b)
}

// A forged file of the hub's, the laptop's own edit left out and the
// genuine seal copied, sets nothing aside: the laptop shows its line, lists
// nothing as refused, and its next file is taken at the hub.
func TestForgedHubFileSetsNothingAside(t *testing.T) {
	h, council, a, b, it, genuine := editTakenThenApproved(t)
	forged := reencoded(t, genuine, nil, func(c storage.Change) bool { return c.Device != b.DeviceID() })
	_, got, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(forged), b)
	ok(t, err)
	lineKept(t, "forged file", got, b, council, it)
	ok(t, b.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Åse", Role: model.RoleChair}))
	if _, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(bundleOf(t, b, council)), h.db, now, storage.MaxClockSkew); err != nil {
		t.Errorf("b's next file is refused at the hub: %v", err)
	}
	_, _, err = cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, h.db, council)), b)
	ok(t, err)
	syncOK(t, a)
	converged(t, council, h.db, a, b)
}

// BenchmarkHubFileRead reads the hub's file of a council with ten years
// into a laptop that holds all of it already, sealed (the laptop judges
// its own changes the file lacks: SetAsideRefusedOwn) and, beside it, the
// same file without its seal (read as any laptop's file); and the
// laptop's file of it at the SQLite hub, which holds it all too. Every
// file carries the council's whole log, so a file read again is the usual
// case.
func BenchmarkHubFileRead(b *testing.B) {
	h, a, council := largeCouncilLinked(b, 10)
	syncOK(b, a)
	sealed := bundleOf(b, h.db, council)
	hdr, cs, err := cli.ReadBundle(bytes.NewReader(sealed))
	ok(b, err)
	var plain bytes.Buffer
	_, err = encodeBundle(&plain, hdr, cs, nil, nil)
	ok(b, err)
	for _, f := range []struct {
		name string
		file []byte
	}{{"sealed", sealed}, {"unsealed", plain.Bytes()}} {
		b.Run(f.name, func(b *testing.B) {
			b.ReportMetric(float64(len(cs)), "ops")
			for b.Loop() {
				if _, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(f.file), a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	laptops := bundleOf(b, a, council)
	b.Run("at-hub", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(laptops), h.db, now, storage.MaxClockSkew); err != nil {
				b.Fatal(err)
			}
		}
	})
}
