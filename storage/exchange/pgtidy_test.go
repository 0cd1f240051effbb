package exchange

// What the PostgreSQL hub left lying around (issue 15, pgtidy): mirrors
// thrown away, partial uploads abandoned, bundles' files past the
// council's bound.

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/storage"
	"lokalraad/storage/postgres/pgtest"
)

// pullWith pulls through the door with a device's token "id.secret".
func pullWith(t *testing.T, url, token string) error {
	t.Helper()
	var pr json.RawMessage
	return cli.call(context.Background(), http.MethodGet, url+"/v1/pull?since=0", token, nil, &pr)
}

// A mirror whose cache is deleted is made again as a new device, and the
// device of the one it replaces is revoked: one live mirror per place,
// and the thrown-away one's secret is refused at the door. A mirror
// somewhere else (another file) is left alone.
func TestPGMirrorMadeAgainRevokesTheOld(t *testing.T) {
	s, _, url, _ := twoPGNodes(t)
	dir, other := t.TempDir(), t.TempDir()
	path := filepath.Join(dir, "spejl.db")
	first, err := OpenMirror(context.Background(), s, path, "Spejl på test ("+dir+")", nil)
	ok(t, err)
	oldToken := must(first.DB.Meta(storage.MetaToken))
	ok(t, pullWith(t, url, oldToken)) // live while it is in use
	ok(t, first.Close())
	elsewhere, err := OpenMirror(context.Background(), s, filepath.Join(other, "spejl.db"), "Spejl på test ("+other+")", nil)
	ok(t, err)
	defer elsewhere.Close()

	// The cache is deleted; the node opens its mirror again.
	ents, err := os.ReadDir(dir)
	ok(t, err)
	for _, e := range ents {
		ok(t, os.RemoveAll(filepath.Join(dir, e.Name())))
	}
	again, err := OpenMirror(context.Background(), s, path, "Spejl på test ("+dir+")", nil)
	ok(t, err)
	defer again.Close()
	if again.Device().ID == first.Device().ID {
		t.Fatal("the mirror made again is the old device")
	}
	ms, err := s.Mirrors(context.Background())
	ok(t, err)
	live := map[string]bool{}
	for _, m := range ms {
		if m.Revoked.IsZero() {
			live[m.ID] = true
		}
	}
	if len(live) != 2 || !live[again.Device().ID] || !live[elsewhere.Device().ID] {
		t.Errorf("live mirrors %v, want the new one %s and the one elsewhere %s (old %s)", live, again.Device().ID, elsewhere.Device().ID, first.Device().ID)
	}
	if err := pullWith(t, url, oldToken); !isRemote(err, CodeRevoked) {
		t.Errorf("the thrown-away mirror's secret at the door: %v, want revoked", err)
	}
	ok(t, pullWith(t, url, must(again.DB.Meta(storage.MetaToken))))
}

// Every pull records when the mirror last pulled; PruneMirrors revokes a
// mirror not seen since the limit, whose secret is then refused at the
// door, and leaves a recent one live.
func TestPGPruneMirrors(t *testing.T) {
	s, _, url, _ := twoPGNodes(t)
	clock := now
	s.Now = func() time.Time { return clock }
	stale, err := OpenMirror(context.Background(), s, filepath.Join(t.TempDir(), "spejl.db"), "Spejl på gammel", nil)
	ok(t, err)
	defer stale.Close()
	staleToken := must(stale.DB.Meta(storage.MetaToken))
	clock = now.Add(40 * 24 * time.Hour)
	fresh, err := OpenMirror(context.Background(), s, filepath.Join(t.TempDir(), "spejl.db"), "Spejl på ny", nil)
	ok(t, err)
	defer fresh.Close()
	ms, err := s.Mirrors(context.Background())
	ok(t, err)
	seen := map[string]time.Time{}
	for _, m := range ms {
		seen[m.ID] = m.LastSeen
	}
	if !seen[stale.Device().ID].Equal(now.Truncate(time.Second)) || !seen[fresh.Device().ID].Equal(clock.Truncate(time.Second)) {
		t.Errorf("last seen %v, want the stale one at %v and the fresh one at %v", seen, now, clock)
	}

	pruned, err := s.PruneMirrors(context.Background(), clock.Add(-720*time.Hour))
	ok(t, err)
	if len(pruned) != 1 || pruned[0].ID != stale.Device().ID {
		t.Fatalf("pruned %+v, want only the stale mirror %s", pruned, stale.Device().ID)
	}
	if err := pullWith(t, url, staleToken); !isRemote(err, CodeRevoked) {
		t.Errorf("the pruned mirror's secret at the door: %v, want revoked", err)
	}
	ok(t, pullWith(t, url, must(fresh.DB.Meta(storage.MetaToken))))
	if again, err := s.PruneMirrors(context.Background(), clock.Add(-720*time.Hour)); err != nil || len(again) != 0 {
		t.Errorf("a second prune: %+v, %v", again, err)
	}
}

func isRemote(err error, code string) bool {
	var re *RemoteError
	return errors.As(err, &re) && re.Code == code
}

var _ = strings.Contains
var _ = pgtest.URL
