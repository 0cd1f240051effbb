package postgres_test

// Per-council numbering (migration 0003): old cursors stay exact, and
// pushes of different councils no longer wait for each other.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/postgres/pgtest"
)

// A hub numbered with one counter (migrations 0001 and 0002) opened by
// this version: every stream starts at the old counter and every op keeps
// its number, so a laptop's old cursor N brings exactly what it brought
// before — the ops of its council and the municipality's numbered after
// N, in number order — and the next op of any council is numbered above
// every old one.
func TestMigrationKeepsOldCursors(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for i, f := range []string{"migrations/0001_hub.sql", "migrations/0002_staff_blobs.sql"} {
		q, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, string(q)); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if _, err := conn.Exec(ctx, "CREATE TABLE schema_version (version int NOT NULL)"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := conn.Exec(ctx, "INSERT INTO schema_version(version) VALUES ($1)", i+1); err != nil {
			t.Fatal(err)
		}
	}
	councils := []string{"jy", "ka", "ho", model.MunicipalityID}
	type op struct {
		council, id string
		n           int64
	}
	var log []op
	hlc := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC).UnixMilli() << 16
	for n := int64(1); n <= 60; n++ {
		c := councils[(n*7)%4]
		dev := "dev-" + c
		id := fmt.Sprint(dev, ":", n)
		if _, err := conn.Exec(ctx, "INSERT INTO ops(device, seq, hlc, tbl, row_id, council_id, field, vkind, vtext, n) VALUES ($1, $2, $3, 'members', $4, $5, 'name', 's', 'x', $2)",
			dev, n, hlc+n, id, c); err != nil {
			t.Fatal(err)
		}
		log = append(log, op{c, id, n})
	}
	if _, err := conn.Exec(ctx, "UPDATE hub_counter SET n = 60"); err != nil {
		t.Fatal(err)
	}
	s := open(t, url)
	for _, council := range []string{"jy", ""} {
		for since := int64(0); since <= 61; since++ {
			var want []string
			for _, o := range log {
				if o.n > since && (council == "" || o.council == council || o.council == model.MunicipalityID) {
					want = append(want, o.id)
				}
			}
			got, next, more, err := s.HubPage(ctx, council, storage.UniformCursor(since), storage.Page{}, "")
			if err != nil {
				t.Fatal(err)
			}
			var gotIDs []string
			for _, c := range got {
				gotIDs = append(gotIDs, fmt.Sprint(c.Device, ":", c.Seq))
			}
			if more || !slices.Equal(gotIDs, want) {
				t.Fatalf("council %q since=%d: %v, want %v", council, since, gotIDs, want)
			}
			if next.Min() != 60 {
				t.Errorf("council %q since=%d: next %s, want 60 in every stream", council, since, next)
			}
		}
	}
	// The next op of a council is numbered after the old counter; the
	// other councils' streams did not move.
	dev := "dev-jy"
	if _, err := s.HubApply(ctx, []storage.Change{{Device: dev, Seq: 100, HLC: hlc + 100, Table: "members", Row: "ny", Council: "jy", Field: "name", Value: "Ny"}}); err != nil {
		t.Fatal(err)
	}
	got, _, _, err := s.HubPage(ctx, "jy", storage.UniformCursor(60), storage.Page{}, "")
	if err != nil || len(got) != 1 || got[0].Row != "ny" {
		t.Fatalf("after the old log: %+v, %v", got, err)
	}
	if got, _, _, err := s.HubPage(ctx, "ka", storage.UniformCursor(60), storage.Page{}, ""); err != nil || len(got) != 0 {
		t.Fatalf("another council after the old log: %+v, %v", got, err)
	}
}

// One push of council A held open (its transaction holds A's counter row,
// as a push does while it checks and writes) does not stop a push of
// council B, on another node, within a deadline; a second push of A waits
// until the first one ends, and is numbered after it.
func TestPushesOfTwoCouncilsRunAtOnce(t *testing.T) {
	url := pgtest.URL(t)
	a, b := open(t, url), open(t, url)
	ka, err := a.AddCouncil(t.Context(), "Kalundborg Lokalråd")
	if err != nil {
		t.Fatal(err)
	}
	jy, err := a.AddCouncil(t.Context(), "Jyderup Lokalråd")
	if err != nil {
		t.Fatal(err)
	}
	hlc := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC).UnixMilli() << 16
	member := func(council string, seq int64) []storage.Change {
		return []storage.Change{{Device: "dev-" + council, Seq: seq, HLC: hlc + seq, Table: "members", Row: fmt.Sprint(council, seq),
			Council: council, Field: "name", Value: fmt.Sprint("Medlem ", seq)}}
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	held, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Rollback(ctx)
	var n int64
	if err := held.QueryRow(ctx, "SELECT n FROM hub_streams WHERE council_id = $1 FOR UPDATE", jy).Scan(&n); err != nil {
		t.Fatal(err)
	}

	other, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	start := time.Now()
	if got, err := b.HubApply(other, member(ka, 1)); err != nil || got != 1 {
		t.Fatalf("a push of another council while one of %s is held: %d, %v", jy, got, err)
	}
	t.Logf("a push of another council took %v while one was held", time.Since(start))

	same, cancel2 := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel2()
	if _, err := b.HubApply(same, member(jy, 1)); err == nil {
		t.Fatal("a push of the same council went past a held one")
	} else if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, storage.ErrUnavailable) && !strings.Contains(err.Error(), "context") {
		t.Fatalf("a push of the same council cut off by its deadline: %v", err)
	}
	if ops, _, _, err := a.HubPage(ctx, jy, storage.Cursor{}, storage.Page{}, ""); err != nil || slices.ContainsFunc(ops, func(c storage.Change) bool { return c.Device == "dev-"+jy }) {
		t.Fatalf("the push cut off by its deadline left %d ops, %v", len(ops), err)
	}

	// Released: the waiting push of the same council goes through, after.
	done := make(chan error, 1)
	go func() { _, err := b.HubApply(ctx, member(jy, 2)); done <- err }()
	select {
	case err := <-done:
		t.Fatalf("a push of %s ended while another held its counter: %v", jy, err)
	case <-time.After(300 * time.Millisecond):
	}
	if _, err := held.Exec(ctx, "UPDATE hub_streams SET n = n + 1 WHERE council_id = $1", jy); err != nil {
		t.Fatal(err)
	}
	if err := held.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ops, _, _, err := a.HubPage(ctx, jy, storage.UniformCursor(n+1), storage.Page{}, "")
	if err != nil || len(ops) != 1 || ops[0].Seq != 2 {
		t.Fatalf("the push that waited is not numbered after the held one's number %d: %+v, %v", n+1, ops, err)
	}
}

// A staff device pulls every council: more streams than smallPull, so the
// hub walks the log in number order in batches. Paged three ops at a
// time, with pushes of several councils and the floor rising between
// pages, the device gets every op exactly once, each council's in the
// order pushed, and a pull after the last page brings nothing.
func TestStaffPullOfManyStreamsPaged(t *testing.T) {
	url := pgtest.URL(t)
	s := open(t, url)
	ctx := t.Context()
	var councils []string
	for i := range 11 {
		id, err := s.AddCouncil(ctx, fmt.Sprintf("Lokalråd %02d", i))
		if err != nil {
			t.Fatal(err)
		}
		councils = append(councils, id)
	}
	councils = append(councils, model.MunicipalityID)
	hlc := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC).UnixMilli() << 16
	seq := map[string]int64{}
	push := func(cs ...string) { // one op of each council, in one push each
		t.Helper()
		for _, c := range cs {
			seq[c]++
			table := "members"
			if c == model.MunicipalityID {
				table = storage.MunicipalTables[0]
			}
			op := storage.Change{Device: "dev-" + c, Seq: seq[c], HLC: hlc + seq[c], Table: table, Row: fmt.Sprint(c, "-", seq[c]),
				Council: c, Field: "name", Value: fmt.Sprint("Navn ", seq[c])}
			if _, err := s.HubApply(ctx, []storage.Change{op}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for range 3 { // interleaved numbers across the streams
		push(councils...)
	}
	push(councils[4], councils[4], councils[9])

	got := map[string][]int64{} // device → the seqs received, in order
	cur := storage.Cursor{}
	pages := 0
	pull := func() {
		t.Helper()
		for {
			ops, next, more, err := s.HubPage(ctx, "", cur, storage.Page{Ops: 3}, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(ops) > 3 {
				t.Fatalf("a page of %d ops, asked for 3", len(ops))
			}
			for _, op := range ops {
				got[op.Device] = append(got[op.Device], op.Seq)
			}
			cur = next
			pages++
			if pages > 200 { // 50 ops, 3 a page
				t.Fatalf("the pull does not end: %d pages", pages)
			}
			switch pages {
			case 2: // ops pushed between two pages, behind and ahead of the page
				push(councils[0], councils[10], model.MunicipalityID)
			case 4:
				if err := s.AdvanceFloor(ctx); err != nil {
					t.Fatal(err)
				}
			case 6:
				push(councils[5])
				if err := s.AdvanceFloor(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if !more {
				return
			}
		}
	}
	pull()
	push(councils[2], councils[7])
	pull()
	for _, c := range councils {
		want := make([]int64, seq[c])
		for i := range want {
			want[i] = int64(i + 1)
		}
		if !slices.Equal(got["dev-"+c], want) {
			t.Errorf("council %s: got seqs %v, want %v (each once, in order)", c, got["dev-"+c], want)
		}
	}
	// The hub's own ops (one a council it made, each in that council's
	// stream) come once each too.
	for dev, seqs := range got {
		if strings.HasPrefix(dev, "dev-") {
			continue
		}
		sorted := slices.Sorted(slices.Values(seqs))
		if len(slices.Compact(sorted)) != len(seqs) || len(seqs) != 11 {
			t.Errorf("the hub's device %s: seqs %v, want its 11 councils' ops once each", dev, seqs)
		}
	}
	if pages < 10 {
		t.Errorf("only %d pages: the pull was not paged as asked", pages)
	}
	ops, _, more, err := s.HubPage(ctx, "", cur, storage.Page{Ops: 3}, "")
	if err != nil || len(ops) != 0 || more {
		t.Errorf("a pull after the last page brought %d ops (more %v, %v)", len(ops), more, err)
	}
}
