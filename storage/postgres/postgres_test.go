package postgres_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"lokalraad/storage"
	"lokalraad/storage/postgres"
	"lokalraad/storage/postgres/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func open(t testing.TB, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Two nodes starting at once on an empty database: the schema is made
// once, and both sign as the same hub.
func TestNodesShareSchemaAndIdentity(t *testing.T) {
	url := pgtest.URL(t)
	stores := make([]*postgres.Store, 4)
	errs := make([]error, 4)
	var wg sync.WaitGroup
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = postgres.Open(context.Background(), url)
		}()
	}
	wg.Wait()
	for i, s := range stores {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		defer s.Close()
		if s.Device() != stores[0].Device() || s.PublicKey() != stores[0].PublicKey() {
			t.Errorf("node %d is hub %s, node 0 hub %s", i, s.Device(), stores[0].Device())
		}
	}
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "INSERT INTO schema_version(version) VALUES (99)"); err != nil {
		t.Fatal(err)
	}
	if _, err := postgres.Open(context.Background(), url); err == nil || !strings.Contains(err.Error(), "nyere udgave") {
		t.Errorf("a database from a newer version: %v", err)
	}
}

// Of two nodes enrolling with one code at once, exactly one succeeds.
func TestOneCodeTwoNodes(t *testing.T) {
	url := pgtest.URL(t)
	a, b := open(t, url), open(t, url)
	council, err := a.AddCouncil(t.Context(), "Jyderup Lokalråd")
	if err != nil {
		t.Fatal(err)
	}
	_, code, err := a.AddDevice(t.Context(), "laptop", council, false)
	if err != nil {
		t.Fatal(err)
	}
	pub, _, _ := ed25519.GenerateKey(nil)
	key := base64.StdEncoding.EncodeToString(pub)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, s := range []*postgres.Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = s.EnrollDevice(context.Background(), code, fmt.Sprint("replica-", i), key)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, storage.ErrBadCode):
			t.Errorf("the losing enrolment: %v, want ErrBadCode", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d enrolments with one code succeeded, want 1 (%v)", ok, errs)
	}
}

// Pushes on two nodes at once, some sending the same ops again: every op
// is stored once and numbered 1..N, the "new" counts add up to N, and
// values keep their type.
func TestConcurrentApplyNumbersOnce(t *testing.T) {
	url := pgtest.URL(t)
	a, b := open(t, url), open(t, url)
	council, err := a.AddCouncil(t.Context(), "Jyderup Lokalråd")
	if err != nil {
		t.Fatal(err)
	}
	base, err := a.HubSequence(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	hlc := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC).UnixMilli() << 16
	batch := func(dev string, from, n int) []storage.Change {
		var ops []storage.Change
		for i := from; i < from+n; i++ {
			ops = append(ops, storage.Change{Device: dev, Seq: int64(i), HLC: hlc + int64(i), Table: "members", Row: fmt.Sprintf("%s-%d", dev, i),
				Council: council, Field: "name", Value: fmt.Sprintf("Medlem %d", i)})
		}
		return ops
	}
	var mu sync.Mutex
	fresh := 0
	var wg sync.WaitGroup
	for d := range 8 {
		dev := fmt.Sprint("dev", d)
		for rep := range 2 { // the same batches twice, on the other node
			s := []*postgres.Store{a, b}[(d+rep)%2]
			wg.Add(1)
			go func() {
				defer wg.Done()
				for from := 1; from <= 100; from += 25 {
					n, err := s.HubApply(context.Background(), batch(dev, from, 25))
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					fresh += n
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	grant := storage.Change{Device: "dev0", Seq: 101, HLC: hlc + 101, Table: "councils", Row: council, Council: council, Field: "annual_grant", Value: int64(25000_00)}
	if _, err := b.HubApply(context.Background(), []storage.Change{grant}); err != nil {
		t.Fatal(err)
	}
	ops, ns, err := a.Numbered(context.Background(), base, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if fresh != 800 || len(ops) != 801 {
		t.Fatalf("%d reported new, %d stored; want 800 and 801", fresh, len(ops))
	}
	for i, n := range ns {
		if n != base+int64(i)+1 {
			t.Fatalf("op %d numbered %d", i, n)
		}
	}
	if v := ops[len(ops)-1].Value; v != int64(25000_00) {
		t.Errorf("an integer came back as %T %v", v, v)
	}
	if _, err := a.HubApply(context.Background(), []storage.Change{{Device: "dev0", Seq: 200, HLC: hlc, Table: "members", Row: "x", Council: council, Field: "nonsense", Value: "x"}}); !errors.Is(err, storage.ErrBadChange) {
		t.Errorf("an unknown field: %v", err)
	}
}
