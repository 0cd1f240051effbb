package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"lokalraad/storage/postgres"
	"lokalraad/storage/postgres/pgtest"
)

// Two real `kommune serve` processes on one PostgreSQL, under load: one is
// killed with SIGKILL while pushes are in flight, then PostgreSQL itself
// is restarted. The laptops retry with backoff on the other node and
// recover by themselves; no op is lost or stored twice, the numbers stay
// 1..N, and every laptop pulls each op of its council's other laptops
// exactly once.
func TestFailoverKillNodeRestartPostgres(t *testing.T) {
	cl, err := pgtest.New()
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	t.Cleanup(cl.Remove)
	db, err := cl.NewDatabase()
	if err != nil {
		t.Fatal(err)
	}
	hc, err := openHub(db)
	if err != nil {
		t.Fatal(err)
	}
	defer hc.Close()
	n1, err := startNode(db)
	if err != nil {
		t.Fatal(err)
	}
	defer n1.stop()
	n2, err := startNode(db)
	if err != nil {
		t.Fatal(err)
	}
	defer n2.stop()
	c := &loadClient{nodes: []string{n1.addr, n2.addr}, http: &http.Client{Timeout: 20 * time.Second}}
	ctx := context.Background()
	cfg := loadConfig{Councils: 4, Laptops: 3, Cycles: 12, Ops: 40, Workers: 6, Duration: 3 * time.Minute}
	laps, err := enrolLoad(ctx, hc, c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	pushes := func() int {
		c.mu.Lock()
		defer c.mu.Unlock()
		return len(c.pushLat)
	}
	type result struct {
		rep loadReport
		err error
	}
	done := make(chan result, 1)
	base := pushes()
	go func() {
		rep, err := runLoad(ctx, c, laps, cfg)
		done <- result{rep, err}
	}()
	waitFor := func(n int) {
		for deadline := time.Now().Add(time.Minute); pushes() < base+n; {
			if time.Now().After(deadline) {
				t.Fatalf("only %d pushes", pushes()-base)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor(10)
	// Kill node 1 while it is handling a push.
	for deadline := time.Now().Add(30 * time.Second); ; {
		_, m := get(t, n1.addr+"/metrics")
		if !strings.Contains(m, "lokalraad_hub_inflight_pushes 0\n") && strings.Contains(m, "lokalraad_hub_inflight_pushes ") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("node 1 never had a push in flight")
		}
	}
	n1.cmd.Process.Kill() // SIGKILL: no shutdown, pushes cut off
	n1.cmd.Wait()
	waitFor(20)
	if err := cl.Stop(); err != nil {
		t.Fatal(err)
	}
	if code, _ := get(t, n2.addr+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with PostgreSQL down: %d, want 503", code)
	}
	if code, _ := get(t, n2.addr+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz with PostgreSQL down: %d, want 200 (the process is alive)", code)
	}
	time.Sleep(300 * time.Millisecond)
	if err := cl.Start(); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.rep.Retries == 0 {
		t.Error("no request was retried: the failures did not hit")
	}
	rep := r.rep
	for _, l := range laps { // the last word of the others
		if err := c.pullAll(ctx, l, 1, &rep); err != nil {
			t.Fatal(err)
		}
	}
	pg, err := postgres.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	ops, ns, err := pg.Numbered(ctx, 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	byCouncil := map[string][]string{}
	sim := 0
	given := map[string]bool{} // each number once in its council's stream
	for i, o := range ops {
		key := fmt.Sprint(o.Council, " ", ns[i])
		if given[key] || ns[i] <= 0 {
			t.Fatalf("op %s has number %d of %s: given twice, or none", o.ID(), ns[i], o.Council)
		}
		given[key] = true
		if strings.HasPrefix(o.Device, "sim-") {
			sim++
			byCouncil[o.Council] = append(byCouncil[o.Council], o.ID())
		}
	}
	if int64(sim) != rep.Written {
		t.Fatalf("the laptops wrote %d ops, the hub holds %d", rep.Written, sim)
	}
	for _, l := range laps {
		for _, id := range byCouncil[l.council] {
			if l.written[id] {
				continue
			}
			if l.pulled[id] != 1 {
				t.Fatalf("laptop %s pulled %s %d times, want once", l.replica, id, l.pulled[id])
			}
		}
	}
	t.Logf("%d ops by %d pushes, %d retries", sim, rep.Pushes, rep.Retries)
}
