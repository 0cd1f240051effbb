package exchange

// Two hub nodes on one PostgreSQL database: laptops push to either at
// random, while a staff laptop pulls from either at random the whole time.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	syncpkg "sync"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/postgres"
	"lokalraad/storage/postgres/pgtest"
)

// Every replica converges, no op is numbered twice in its stream, and
// neither the staff laptop nor a client of before streams (since=N alone),
// pulling during the pushes, misses anything: had a cursor passed an op
// committed later, the last sync could not bring it. The floor rises
// every 5 ms meanwhile (postgres.AdvanceFloor), and a council is made
// half-way, so that streams are made and raised under the pulls.
func TestTwoNodesConverge(t *testing.T) {
	defer func(d time.Duration) { postgres.FloorEvery = d }(postgres.FloorEvery)
	postgres.FloorEvery = 5 * time.Millisecond
	for seed := range uint64(2) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { twoNodes(t, seed) })
	}
}

// oldPull is a pull response as a client of before streams reads it: a
// field it does not know ("cursor") would fail its strict decoding.
type oldPull struct {
	Ops  []Op                  `json:"ops"`
	Next int64                 `json:"next"`
	More bool                  `json:"more"`
	Keys *storage.KeyDirectory `json:"keys,omitempty"`
}

// oldClient pulls as a client of before streams does: since=N, then
// next; it returns the ops by id and the new N.
func oldClient(t *testing.T, url, token string, since int64, held map[string]storage.Change) (int64, error) {
	for {
		var pr oldPull
		if err := cli.call(context.Background(), http.MethodGet, fmt.Sprintf("%s/v1/pull?since=%d&limit=7", url, since), token, nil, &pr); err != nil {
			return since, err
		}
		ops, err := DecodeOps(pr.Ops)
		if err != nil {
			return since, err
		}
		for _, o := range ops {
			held[o.ID()] = o
		}
		more := pr.More && pr.Next > since
		since = pr.Next
		if !more {
			return since, nil
		}
	}
}

func twoNodes(t *testing.T, seed uint64) {
	url := pgtest.URL(t)
	s1, s2 := openPG(t, url), openPG(t, url)
	var nodes []string
	for _, s := range []HubStore{s1, s2} {
		srv := NewStoreServer(s, slog.New(slog.NewTextHandler(io.Discard, nil)))
		srv.Now = func() time.Time { return now }
		srv.MaxFailures = 0
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(ts.Close)
		nodes = append(nodes, ts.URL)
	}
	rng := rand.New(rand.NewPCG(seed, 42))
	councils := []string{}
	for _, name := range []string{"Jyderup Lokalråd", "Kalundborg Lokalråd", "Høng Lokalråd"} {
		id, err := s1.AddCouncil(t.Context(), name)
		ok(t, err)
		councils = append(councils, id)
	}
	type laptop struct {
		db      *storage.DB
		council string
		rng     *rand.Rand
	}
	var laptops []*laptop
	enrol := func(name, council string) *storage.DB {
		db := open(t, name, time.Duration(len(laptops))*time.Millisecond)
		var code string
		var err error
		if rng.IntN(2) == 0 {
			_, code, err = s1.AddDevice(context.Background(), name, council, council == "")
		} else {
			_, code, err = s2.AddDevice(context.Background(), name, council, council == "")
		}
		ok(t, err)
		_, err = cli.Enroll(context.Background(), db, nodes[rng.IntN(2)], code)
		ok(t, err)
		syncOK(t, db)
		return db
	}
	for i := range 6 {
		c := councils[i%3]
		laptops = append(laptops, &laptop{db: enrol(fmt.Sprint("l", i), c), council: c, rng: rand.New(rand.NewPCG(seed, uint64(i)))})
	}
	staff := enrol("staff", "")
	// A laptop of the first council that pulls as before streams.
	_, oldCode, err := s2.AddDevice(t.Context(), "gammel", councils[0], false)
	ok(t, err)
	old := open(t, "gammel", 50*time.Millisecond)
	_, err = cli.Enroll(context.Background(), old, nodes[0], oldCode)
	ok(t, err)
	oldToken := noerr.Get(old.Meta(t.Context(), storage.MetaToken))(t)
	oldHeld := map[string]storage.Change{}
	var oldSince int64

	syncAt := func(db *storage.DB, node string) error {
		if err := db.SetMeta(context.Background(), storage.MetaServer, node); err != nil {
			return err
		}
		_, err := cli.Sync(context.Background(), db, "")
		return err
	}
	var wg syncpkg.WaitGroup
	errs := make(chan error, 100)
	for i, l := range laptops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 6 {
				for k := range 1 + l.rng.IntN(4) {
					m := model.Member{CouncilID: l.council, Name: fmt.Sprintf("Medlem %d-%d-%d", i, round, k), Role: model.RoleMember}
					if err := l.db.SaveMember(context.Background(), model.Member{}, &m); err != nil {
						errs <- err
						return
					}
				}
				if err := syncAt(l.db, nodes[l.rng.IntN(2)]); err != nil {
					errs <- fmt.Errorf("laptop %d round %d: %w", i, round, err)
					return
				}
			}
		}()
	}
	// A council made half-way, on the other node: its stream is made
	// while the others push and the staff pulls.
	late := make(chan string, 1)
	go func() {
		time.Sleep(20 * time.Millisecond)
		id, err := s2.AddCouncil(context.Background(), "Gørlev Lokalråd")
		if err != nil {
			errs <- err
		}
		late <- id
	}()
	done, oldDone := make(chan struct{}), make(chan struct{})
	pulls, oldPulls := 0, 0
	var staffErr, oldErr error
	go func() {
		defer close(done)
		srng := rand.New(rand.NewPCG(seed, 99))
		for {
			if err := syncAt(staff, nodes[srng.IntN(2)]); err != nil {
				staffErr = err
				return
			}
			pulls++
			if finished(&wg) {
				return
			}
		}
	}()
	go func() {
		defer close(oldDone)
		orng := rand.New(rand.NewPCG(seed, 98))
		for {
			if oldSince, oldErr = oldClient(t, nodes[orng.IntN(2)], oldToken, oldSince, oldHeld); oldErr != nil {
				return
			}
			oldPulls++
			if finished(&wg) {
				return
			}
		}
	}()
	wg.Wait()
	<-done
	<-oldDone
	councils = append(councils, <-late)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	ok(t, staffErr)
	ok(t, oldErr)
	// One last round: each laptop pulls what the others sent; the client
	// of before streams once the floor has passed the last push (it reads
	// one number, the lowest of its streams').
	for _, l := range laptops {
		ok(t, syncAt(l.db, nodes[rng.IntN(2)]))
	}
	ok(t, syncAt(staff, nodes[rng.IntN(2)]))
	ok(t, s1.AdvanceFloor(context.Background()))
	_, err = oldClient(t, nodes[rng.IntN(2)], oldToken, oldSince, oldHeld)
	ok(t, err)

	// Numbers: in each stream, each number once; each op once.
	all, ns, err := s1.Numbered(context.Background(), 0, 1<<30)
	ok(t, err)
	seen := map[string]bool{}
	given := map[string]bool{}
	for i, n := range ns {
		key := fmt.Sprint(all[i].Council, " ", n)
		if given[key] || n <= 0 {
			t.Fatalf("op %s has number %d of %s: given twice, or none", all[i].ID(), n, all[i].Council)
		}
		given[key] = true
		if seen[all[i].ID()] {
			t.Fatalf("op %s held twice", all[i].ID())
		}
		seen[all[i].ID()] = true
	}
	// Every laptop holds every op of its council and the municipality's
	// (its own included); so does the client of before streams.
	holds := func(who string, have map[string]bool, council string) {
		t.Helper()
		for _, o := range all {
			if (o.Council == council || o.Council == model.MunicipalityID) && !have[o.ID()] {
				t.Errorf("%s of %s never got %s (%s)", who, council, o.ID(), o.Council)
			}
		}
	}
	for i, l := range laptops {
		have := map[string]bool{}
		for _, o := range noerr.Get(l.db.CouncilOps(context.Background(), ""))(t) {
			have[o.ID()] = true
		}
		holds(fmt.Sprint("laptop ", i), have, l.council)
	}
	oldHave := map[string]bool{}
	for id, o := range oldHeld {
		oldHave[id] = true
		if o.Council != councils[0] && o.Council != model.MunicipalityID {
			t.Errorf("the laptop of %s was sent %s of %s", councils[0], id, o.Council)
		}
	}
	holds("the client of before streams", oldHave, councils[0])
	for _, c := range councils[:3] { // the late one has no laptop; the staff's ops are checked below
		var want string
		for _, l := range laptops {
			if l.council != c {
				continue
			}
			got := state(t, l.db, c)
			if want == "" {
				want = got
			} else if got != want {
				t.Fatalf("laptops of %s differ:\n%s\n---\n%s", c, want, got)
			}
		}
		if got := state(t, staff, c); got != want {
			t.Fatalf("the staff laptop (%d syncs during the pushes) differs for %s:\n%s\n---\n%s", pulls, c, want, got)
		}
	}
	held, err := staff.CouncilOps(context.Background(), "")
	ok(t, err)
	have := map[string]bool{}
	for _, o := range held {
		have[o.ID()] = true
	}
	for id := range seen {
		if !have[id] {
			t.Errorf("the staff laptop never got %s", id)
		}
	}
	t.Logf("%d ops, %d staff syncs and %d pulls of one number during the pushes", len(all), pulls, oldPulls)
}

// finished tells whether wg has reached zero, without waiting.
func finished(wg *syncpkg.WaitGroup) bool {
	c := make(chan struct{})
	go func() { wg.Wait(); close(c) }()
	select {
	case <-c:
		return true
	case <-time.After(time.Millisecond):
		return false
	}
}
