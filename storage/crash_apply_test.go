package storage_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

// crashApplier pulls every op of the source into the database at path in
// pages of random size, as a sync does (each page one transaction with the
// cursor), printing the cursor after each page and "done" at the end.
func crashApplier(path, source string) {
	fail := func(code int, err error) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(code)
	}
	src, err := storage.Open(context.Background(), source)
	if err != nil {
		fail(2, err)
	}
	ops, err := src.CouncilOps(context.Background(), "")
	if err != nil {
		fail(2, err)
	}
	src.Close()
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		fail(2, err)
	}
	s, err := db.Meta(context.Background(), storage.MetaCursor)
	if err != nil {
		fail(2, err)
	}
	at, _ := strconv.Atoi(s)
	out := bufio.NewWriter(os.Stdout)
	for at < len(ops) {
		next := min(len(ops), at+1+rand.IntN(300))
		if _, err := db.ApplyPulled(context.Background(), ops[at:next], int64(next)); err != nil {
			fail(3, err)
		}
		at = next
		fmt.Fprintln(out, at) // only after the commit returned
		out.Flush()
	}
	fmt.Fprintln(out, "done")
	out.Flush()
}

// TestKillApplier kills a process applying pulled pages with SIGKILL at
// random moments and checks after each kill that the database is sound,
// that the cursor is at least where the applier last saw it committed,
// and that the search indexes are exactly what indexes rebuilt from the
// tables would be (no hold left, no row indexed with values it no longer
// has, no deleted row found). The source's ops insert, edit the indexed
// texts of and delete agenda items, so pages bring all three. At the end
// the replica finds what the source finds.
func TestKillApplier(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills processes")
	}
	dir := t.TempDir()
	srcPath := filepath.Join(dir, "src.db")
	src, err := storage.Open(context.Background(), srcPath)
	must(t, err)
	clock := fixedNow
	src.Now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }
	c := newCouncil(t, src)
	words := []string{"shelter", "skolevej", "sankthans", "juletræ", "fastelavn", "kirkegård"}
	var items []model.AgendaItem
	for i := 0; i < 40; i++ {
		m := newMeeting(t, src, c.ID, fixedNow.AddDate(0, 0, -7*i))
		for j := 0; j < 5; j++ {
			it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Position: j + 1, Title: fmt.Sprintf("%s %d", words[(i+j)%len(words)], i),
				Kind: model.ItemDecision, Notes: "Referat om " + words[j] + "\n", Decision: "Besluttet"}
			must(t, src.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
			items = append(items, it)
		}
	}
	for i, it := range items {
		switch i % 4 {
		case 0: // an indexed text edited, twice
			e := it
			e.Title = "Grusgrav " + it.Title
			must(t, src.SaveAgendaItem(t.Context(), it, &e))
			e2 := e
			e2.Notes = "Referat om bålplads\n"
			must(t, src.SaveAgendaItem(t.Context(), e, &e2))
		case 1:
			must(t, src.DeleteAgendaItem(t.Context(), it.ID))
		}
	}
	queries := append(slices.Clone(words), "grusgrav", "bålplads", "referat", "besluttet")
	want := map[string]int{}
	for _, q := range queries {
		hits, err := src.Search(t.Context(), c.ID, q, 1000)
		must(t, err)
		want[q] = len(hits)
	}
	src.Close()

	rng := rand.New(rand.NewPCG(10, 10))
	dst := filepath.Join(dir, "dst0.db")
	run := func(kill time.Duration) (cursor int, done bool) {
		cmd, lines := startChild(t, "LOKALRAAD_CRASH_APPLIER="+dst, "LOKALRAAD_CRASH_SOURCE="+srcPath)
		see := func(l string) {
			if l == "done" {
				done = true
			} else if n, err := strconv.Atoi(l); err == nil {
				cursor = n
			}
		}
		var deadline <-chan time.Time
		if kill > 0 {
			deadline = time.After(kill)
		}
	read:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break read
				}
				see(l)
			case <-deadline:
				cmd.Process.Signal(syscall.SIGKILL)
				for l := range lines {
					see(l)
				}
				break read
			}
		}
		cmd.Wait()
		return cursor, done
	}
	check := func(what string, acked int) {
		db, err := storage.Open(context.Background(), dst)
		must(t, err)
		defer db.Close()
		if err := db.Check(context.Background()); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if err := storage.SearchIndexProblem(db); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		s, err := db.Meta(context.Background(), storage.MetaCursor)
		must(t, err)
		if at, _ := strconv.Atoi(s); at < acked {
			t.Fatalf("%s: cursor %d, but page up to %d was acknowledged", what, at, acked)
		}
	}
	// How long a whole pull takes here, start-up included: the kills fall
	// anywhere in it.
	start := time.Now()
	if _, done := run(0); !done {
		t.Fatal("the applier did not finish")
	}
	whole := time.Since(start)
	check("a whole pull", 0)
	dst = filepath.Join(dir, "dst-whole.db")
	kills, replicas := 0, 0
	for k := 0; k < 15; k++ {
		acked, done := run(time.Duration(rng.Int64N(int64(whole))))
		check(fmt.Sprintf("after kill %d", k+1), acked)
		if !done {
			kills++
		}
		if done || k == 14 {
			// A new laptop for the next kills, this one pulled to the end.
			_, done := run(0)
			if !done {
				t.Fatal("the applier did not finish")
			}
			check("at the end", 0)
			db, err := storage.Open(context.Background(), dst)
			must(t, err)
			for _, q := range queries {
				hits, err := db.Search(t.Context(), c.ID, q, 1000)
				must(t, err)
				if len(hits) != want[q] {
					t.Errorf("Search(%q): %d hits, the source finds %d", q, len(hits), want[q])
				}
			}
			db.Close()
			replicas++
			dst = filepath.Join(dir, fmt.Sprint("dst", replicas, ".db"))
		}
	}
	if kills < 5 {
		t.Errorf("only %d of 15 runs were killed mid-apply", kills)
	}
	t.Logf("%d kills mid-apply over %d replicas; every index sound", kills, replicas)
}
