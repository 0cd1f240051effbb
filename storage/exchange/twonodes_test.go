package exchange

// Two hub nodes on one PostgreSQL database: laptops push to either at
// random, while a staff laptop pulls from either at random the whole time.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	syncpkg "sync"
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/postgres/pgtest"
)

// Every replica converges, no op is numbered twice or left without a
// number between others, and the staff laptop, pulling during the pushes,
// misses nothing: had its cursor passed an op committed later, the last
// sync could not bring it.
func TestTwoNodesConverge(t *testing.T) {
	for seed := range uint64(2) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { twoNodes(t, seed) })
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
	for _, name := range []string{"Jyderup Lokalråd", "Kalundborg Lokalråd"} {
		id, err := s1.AddCouncil(name)
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
			_, code, err = s1.AddDevice(name, council, council == "")
		} else {
			_, code, err = s2.AddDevice(name, council, council == "")
		}
		ok(t, err)
		_, err = cli.Enroll(context.Background(), db, nodes[rng.IntN(2)], code)
		ok(t, err)
		syncOK(t, db)
		return db
	}
	for i := range 6 {
		c := councils[i%2]
		laptops = append(laptops, &laptop{db: enrol(fmt.Sprint("l", i), c), council: c, rng: rand.New(rand.NewPCG(seed, uint64(i)))})
	}
	staff := enrol("staff", "")

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
	done := make(chan struct{})
	pulls := 0
	var staffErr error
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
	wg.Wait()
	<-done
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	ok(t, staffErr)
	// One last round: each laptop pulls what the others sent.
	for _, l := range laptops {
		ok(t, syncAt(l.db, nodes[rng.IntN(2)]))
	}
	ok(t, syncAt(staff, nodes[rng.IntN(2)]))

	// Numbers: 1..N, each once, N the number of ops held.
	all, ns, err := s1.Numbered(context.Background(), 0, 1<<30)
	ok(t, err)
	seen := map[string]bool{}
	for i, n := range ns {
		if n != int64(i+1) {
			t.Fatalf("op %d has number %d: a gap or a double", i, n)
		}
		if seen[all[i].ID()] {
			t.Fatalf("op %s held twice", all[i].ID())
		}
		seen[all[i].ID()] = true
	}
	for _, c := range councils {
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
	t.Logf("%d ops, %d staff syncs during the pushes", len(all), pulls)
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
