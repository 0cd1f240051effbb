package exchange

// review5: a node's mirror read as an attacker. Who may send what:
//   - a page request is anyone on the network (the public pages): it may
//     make the node pull, but never wait on the mirror longer than its
//     deadline (cmd/kommune gives two seconds), whatever else holds it;
//   - the registry (the municipality) may revoke the mirror's device: what
//     the mirror wrote and the store never took must not stay in its rows,
//     or this node's pages show what no other node and no laptop has;
//   - the mirror's folder is the node's own: a file in it holds every
//     council's rows, so no other user of the machine may read or plant it.

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

func openMirrorAt(t *testing.T, h *storeHub, dir string) *Mirror {
	t.Helper()
	m, err := OpenMirror(context.Background(), h.store.(MirrorStore), filepath.Join(dir, "spejl.db"), "spejl", nil)
	ok(t, err)
	t.Cleanup(func() { m.Close() })
	return m
}

// A page's refresh gives up at its deadline even while a write (or a slow
// pull) holds the mirror: requests never queue behind one another past it.
func TestStoresMirrorRefreshKeepsItsDeadline(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		m := openMirrorAt(t, h, t.TempDir())
		entered, release := make(chan struct{}), make(chan struct{})
		wrote := make(chan error, 1)
		go func() {
			wrote <- m.Write(context.Background(), func(db *storage.DB) error {
				close(entered)
				<-release
				p := model.Pool{Name: "Landdistriktspuljen", OpenAllYear: true}
				return db.SavePool(context.Background(), model.Pool{}, &p)
			})
		}()
		<-entered
		done := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			done <- m.Refresh(ctx)
		}()
		select {
		case err := <-done:
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("refresh while a write holds the mirror: %v, want its deadline", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("a page's refresh waited past its deadline for the mirror")
		}
		close(release)
		ok(t, <-wrote)
		ok(t, m.Refresh(context.Background()))
		if ps, _ := m.DB.Pools(t.Context()); len(ps) != 1 {
			t.Errorf("pools after the write: %+v", ps)
		}
	})
}

// A revoked mirror's write never reached the store: the mirror's rows
// must not show it (the pages of this node would, and no one else's), and
// it is kept among the refused changes with the reason.
func TestStoresRevokedMirrorShowsOnlyTheLog(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		m := openMirrorAt(t, h, t.TempDir())
		ok(t, h.revoke(m.Device().ID))
		p := model.Pool{Name: "Efter spærring", OpenAllYear: true}
		err := m.Write(context.Background(), func(db *storage.DB) error { return db.SavePool(context.Background(), model.Pool{}, &p) })
		if !errors.Is(err, storage.ErrRevoked) {
			t.Errorf("a revoked mirror's write: %v", err)
		}
		if ops := noerr.Get(h.store.FieldOps(context.Background(), "pools", p.ID, "name"))(t); len(ops) != 0 {
			t.Errorf("a revoked mirror's pool reached the log: %+v", ops)
		}
		ok(t, m.Refresh(context.Background()))
		if ps := noerr.Get(m.DB.Pools(t.Context()))(t); len(ps) != 0 {
			t.Errorf("the revoked mirror still shows a pool the store never took: %+v", ps)
		}
		if rs, err := m.DB.RefusedChanges(t.Context(), ""); err != nil || len(rs) == 0 {
			t.Errorf("the refused write is not kept with its reason: %+v, %v", rs, err)
		}
	})
}

// The mirror's file holds every council's rows: it is the node user's
// alone, and a folder others may write in is refused before anything is
// registered in the store.
func TestMirrorFolderAndFileModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes are POSIX")
	}
	h := newStoreHub(t, storeKinds[0])
	before, err := h.store.(*storage.DB).Devices(t.Context())
	ok(t, err)

	shared := filepath.Join(t.TempDir(), "delt")
	ok(t, os.Mkdir(shared, 0o700))
	ok(t, os.Chmod(shared, 0o777))
	if m, err := OpenMirror(context.Background(), h.store.(MirrorStore), filepath.Join(shared, "spejl.db"), "spejl", nil); err == nil {
		m.Close()
		t.Error("a mirror was opened in a folder every user may write in")
	}
	if _, err := os.Stat(filepath.Join(shared, "spejl.db")); err == nil {
		t.Error("a mirror file was made in a folder every user may write in")
	}
	if after, _ := h.store.(*storage.DB).Devices(t.Context()); len(after) != len(before) {
		t.Errorf("a refused mirror registered a device: %d devices, had %d", len(after), len(before))
	}

	own := filepath.Join(t.TempDir(), "egen")
	ok(t, os.Mkdir(own, 0o755))
	m := openMirrorAt(t, h, own)
	ok(t, m.Refresh(context.Background()))
	for _, suffix := range []string{"", "-wal", "-shm"} {
		fi, err := os.Stat(filepath.Join(own, "spejl.db"+suffix))
		if err != nil {
			continue
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("spejl.db%s has mode %v: other users may read every council's rows", suffix, fi.Mode().Perm())
		}
	}
}

// The hub re-signs (endorses) an op an erasure rewrote. When that op is
// the laptop's own, written after the backup the laptop was restored
// from, and it comes back in the hub's bundle, the laptop takes it on the
// hub's word as it takes anyone else's: the bundle is not refused as a
// forgery of the laptop's own op, and the name stays erased.
func TestStoresRestoredLaptopTakesItsErasedOpFromHubBundle(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy := h.council("Jyderup Lokalråd")
		a, _ := h.laptop(t, "a", jy, 0)
		b, _ := h.laptop(t, "b", jy, time.Second)
		backup := filepath.Join(t.TempDir(), "a-usb.db")
		ok(t, a.Backup(context.Background(), backup))
		karen := model.Member{CouncilID: jy, Name: "Karen Østergaard", Role: model.RoleChair, Phone: "20 11 22 33"}
		ok(t, a.SaveMember(t.Context(), model.Member{}, &karen))
		syncOK(t, a)
		syncOK(t, b)
		_, err := b.ErasePerson(t.Context(), jy, "Karen Østergaard")
		ok(t, err)
		syncOK(t, b)

		path := a.Path()
		ok(t, a.Close())
		_, err = storage.Restore(t.Context(), path, backup)
		ok(t, err)
		a = reopen(t, path, 0)

		var back bytes.Buffer
		if db, isSQLite := h.store.(*storage.DB); isSQLite {
			_, err = cli.WriteBundle(context.Background(), &back, db, jy)
		} else {
			_, err = cli.WriteStoreBundle(context.Background(), &back, h.store, jy, now)
		}
		ok(t, err)
		// The same bundle with the own op's text changed after the hub
		// endorsed it: forged, refused whole.
		hd, cs, err := cli.ReadBundle(bytes.NewReader(back.Bytes()))
		ok(t, err)
		changed := false
		for i := range cs {
			if cs[i].Device == a.DeviceID() && cs[i].Table == "members" && cs[i].Field == "name" {
				cs[i].Value = "Karen Østergaard"
				changed = true
			}
		}
		if !changed {
			t.Fatal("the hub's bundle lacks the laptop's own op")
		}
		var forged bytes.Buffer
		_, err = encodeBundle(&forged, hd, cs, nil, nil)
		ok(t, err)
		if _, _, err := cli.ImportBundle(context.Background(), &forged, a); !errors.Is(err, storage.ErrOwnDevice) {
			t.Errorf("a forged own op under the hub's endorsement: %v", err)
		}
		if _, _, err := cli.ImportBundle(context.Background(), &back, a); err != nil {
			t.Fatalf("the restored laptop refuses the hub's bundle with its own erased op: %v", err)
		}
		got, found := member(t, a, jy, karen.ID)
		if !found || got.Name == "Karen Østergaard" || got.Phone != "" {
			t.Errorf("the restored laptop's member after the bundle: %+v (found %v)", got, found)
		}
		ops, err := a.CouncilOps(context.Background(), jy)
		ok(t, err)
		noName(t, "the restored laptop", ops, "Karen", "20 11 22 33")
	})
}
