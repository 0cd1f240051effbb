package exchange

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// copyLaptop closes db, copies its files (the database and its secrets
// file, as a folder copied to another computer), and opens both.
func copyLaptop(t *testing.T, db *storage.DB) (orig, copied *storage.DB) {
	t.Helper()
	from := db.Path()
	ok(t, db.Close())
	to := filepath.Join(t.TempDir(), "kopi.db")
	for _, suffix := range []string{"", ".secret"} {
		raw, err := os.ReadFile(from + suffix)
		ok(t, err)
		ok(t, os.WriteFile(to+suffix, raw, 0o600))
	}
	reopen := func(p string) *storage.DB {
		d, err := storage.Open(context.Background(), p)
		ok(t, err)
		var mu sync.Mutex // the sync and a typist read it at once
		clock := now
		d.Now = func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			clock = clock.Add(time.Millisecond)
			return clock
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	return reopen(from), reopen(to)
}

func memberNames(t *testing.T, db *storage.DB, council string) []string {
	t.Helper()
	ms, err := db.Members(t.Context(), council)
	ok(t, err)
	var out []string
	for _, m := range ms {
		out = append(out, m.Name)
	}
	slices.Sort(out)
	return out
}

// A laptop's app folder copied to a second computer: both were the same
// device, with the same key, writing the same op numbers. The copy's
// offline work was set aside as refused (»nummeret er allerede brugt«) and
// vanished from its screens, and the other's work never reached it (the
// hub leaves a device's own ops out of its pulls). Now the computer whose
// op the hub refuses, or that learns from a pull that the hub holds ops of
// its identity it never wrote (one that wrote nothing since the copy),
// takes an identity of its own, keeps its work, says why sync stopped,
// and once enrolled again both computers hold both computers' members —
// whichever of the two syncs first.
func TestCopiedLaptopBothKeepTheirWork(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		for _, tc := range []struct {
			copyFirst, aWrites bool
		}{{false, true}, {true, true}, {true, false}} {
			copyFirst := tc.copyFirst
			council := h.council(fmt.Sprint("Jyderup ", copyFirst, tc.aWrites))
			a, _ := h.laptop(t, "a", council, 0)
			a, c := copyLaptop(t, a)
			want := []string{"Carl fra kopien"}
			if tc.aWrites {
				ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Åse fra a", Role: model.RoleChair}))
				want = append(want, "Åse fra a")
			}
			ok(t, c.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Carl fra kopien", Role: model.RoleMember}))
			first, second := a, c
			if copyFirst {
				first, second = c, a
			}
			syncOK(t, first)
			// Someone types on the second computer while it syncs and
			// takes its new identity: that member is kept too.
			typed := make(chan error, 1)
			go func() {
				typed <- second.SaveMember(context.Background(), model.Member{}, &model.Member{CouncilID: council, Name: "Dorte imens", Role: model.RoleMember})
			}()
			_, err := cli.Sync(context.Background(), second, "")
			ok(t, <-typed)
			if err == nil {
				// The typing landed after the push and brought this
				// computer's count level with the other's ops at the hub:
				// the next sync sends it and finds the clash.
				_, err = cli.Sync(context.Background(), second, "")
			}
			want = append(want, "Dorte imens")
			slices.Sort(want)
			if !errors.Is(err, storage.ErrCopiedDevice) || model.ErrorCode(err) != model.Conflict {
				t.Fatalf("copy first %v: the second computer's sync says %v", copyFirst, err)
			}
			if rs := noerr.Get(second.RefusedChanges(t.Context(), ""))(t); len(rs) != 0 {
				t.Errorf("copy first %v: the second computer's work was set aside: %d ops", copyFirst, len(rs))
			}
			if got := memberNames(t, second, council); tc.aWrites && len(got) != 2 {
				t.Errorf("copy first %v: the second computer shows %v, want its own member still there", copyFirst, got)
			}
			st, err := second.SyncState(t.Context())
			ok(t, err)
			if st.Error != storage.ErrCopiedDevice.Error() {
				t.Errorf("copy first %v: the status bar says %q", copyFirst, st.Error)
			}
			// Until enrolled again it says so, and sends nothing.
			if _, err := cli.Sync(context.Background(), second, ""); err == nil {
				t.Errorf("copy first %v: a renewed computer synced without enrolling again", copyFirst)
			}
			_, code := h.addDev(council, false)
			_, err = cli.Enroll(context.Background(), second, h.url, code)
			ok(t, err)
			syncOK(t, second)
			syncOK(t, first)
			for name, db := range map[string]*storage.DB{"first": first, "second": second} {
				if got := memberNames(t, db, council); !slices.Equal(got, want) {
					t.Errorf("copy first %v, %s: members %v, want %v", copyFirst, name, got, want)
				}
			}
			converged(t, council, a, c)
		}
	})
}
