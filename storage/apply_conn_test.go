package storage

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"strings"
	"testing"
	"time"

	"lokalraad/model"
)

// pagedSource is a council of meetings with agenda items and action items
// (children whose parents may come in a later page) and its ops.
func pagedSource(t *testing.T) (*DB, []Change) {
	t.Helper()
	a := replica(t, "a")
	c := model.Council{Name: "Råd"}
	ok(t, a.SaveCouncil(t.Context(), model.Council{}, &c))
	for i := 0; i < 6; i++ {
		m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Title: fmt.Sprint("Møde ", i), Start: syncNow.AddDate(0, 0, -7*i), Status: model.MeetingHeld}
		ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &m))
		for j := 0; j < 4; j++ {
			it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Position: j + 1, Title: fmt.Sprint("Punkt ", j+1), Kind: model.ItemDiscussion, Notes: "Referat."}
			ok(t, a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
		}
	}
	return a, mustOps(t, a)
}

// Applying runs with foreign keys off, on a connection of its own: ops of
// a child may come a page before its parent's. Every other connection of
// the database keeps them on, after pages applied, after a page refused
// and after the apply connection went back to the pool, so a local write
// can never leave a row without its parent.
func TestApplyLeavesForeignKeysOnElsewhere(t *testing.T) {
	a, ops := pagedSource(t)
	b := replica(t, "b")
	// Children first: the agenda items' ops before their meetings'.
	var kids, rest []Change
	for _, c := range ops {
		if c.Table == itemsT.name {
			kids = append(kids, c)
		} else {
			rest = append(rest, c)
		}
	}
	ordered := append(kids, rest...)
	for p := 0; p < len(ordered); p += 25 {
		end := min(p+25, len(ordered))
		if _, err := b.ApplyPulled(t.Context(), ordered[p:end], int64(end)); err != nil {
			t.Fatalf("page at %d: %v", p, err)
		}
	}
	bad := ops[len(ops)-1]
	bad.Seq += 1000
	bad.Table = "no_such_table"
	if _, err := b.ApplyOps(t.Context(), []Change{bad}); err == nil {
		t.Fatal("an op of an unknown table was applied")
	}
	// The apply connection back in the pool (as Close and a broken
	// connection give it back), and several connections at once, so that
	// the pool cannot hand out the same one each time.
	b.apply.turn <- struct{}{}
	b.apply.drop(false)
	<-b.apply.turn
	var conns []interface{ Close() error }
	for i := 0; i < 4; i++ {
		conn, err := b.sql().Conn(t.Context())
		ok(t, err)
		conns = append(conns, conn)
		var on, temp int
		ok(t, conn.QueryRowContext(t.Context(), "PRAGMA foreign_keys").Scan(&on))
		if on != 1 {
			t.Errorf("connection %d of the pool has foreign keys off", i)
		}
		ok(t, conn.QueryRowContext(t.Context(), "PRAGMA temp_store").Scan(&temp))
		if temp != 0 {
			t.Errorf("connection %d of the pool kept the apply connection's temp_store %d", i, temp)
		}
		_, err = conn.ExecContext(t.Context(), "INSERT INTO agenda_items(id, council_id, meeting_id) VALUES (?, ?, ?)", fmt.Sprint("orphan", i), bad.Council, "no-such-meeting")
		if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
			t.Errorf("connection %d stored an agenda item of no meeting: %v", i, err)
		}
	}
	for _, c := range conns {
		c.Close()
	}
	if got, want := dump(t, b), dump(t, a); got != want {
		t.Errorf("after a paged pull, children first:\n%s\nwant\n%s", got, want)
	}
}

// The statements a first pull's pages run are prepared once and kept for
// the next pages; their texts are a bounded set (multi-row inserts in a
// few fixed sizes), and a schema changed between pages (here the staff
// overview's index) does not break the kept ones.
func TestApplyKeepsStatementsBetweenPages(t *testing.T) {
	a, ops := pagedSource(t)
	b := replica(t, "b")
	var after []int
	for p := 0; p < len(ops); p += 37 { // 37: each page ends with a part-filled insert
		end := min(p+37, len(ops))
		if _, err := b.ApplyPulled(t.Context(), ops[p:end], int64(end)); err != nil {
			t.Fatalf("page at %d: %v", p, err)
		}
		after = append(after, len(b.apply.stmts))
		if p == 37 {
			ok(t, b.Exec("CREATE INDEX IF NOT EXISTS changes_council ON changes(council_id, hlc)"))
		}
	}
	if after[0] == 0 {
		t.Fatal("no statement was kept after the first page")
	}
	// A page's statement journals stay in memory, not in temporary files
	// written a system call a page (issue 10).
	var temp int
	ok(t, b.apply.conn.QueryRowContext(t.Context(), "PRAGMA temp_store").Scan(&temp))
	if temp != 2 {
		t.Errorf("the apply connection's temp_store is %d, want 2 (memory)", temp)
	}
	if last := after[len(after)-1]; last > maxKept {
		t.Errorf("%d statements kept, at most %d", last, maxKept)
	}
	for q := range b.apply.stmts {
		if rest, ok := strings.CutPrefix(q, "INSERT OR FAIL INTO changes("+changeCols+") VALUES "); ok {
			if n := strings.Count(rest, "("); n != 100 && bits.OnesCount(uint(n)) != 1 {
				t.Errorf("an insert into the change log of %d rows was kept: its texts are not a bounded set", n)
			}
		}
	}
	if got, want := dump(t, b), dump(t, a); got != want {
		t.Errorf("after a paged pull:\n%s\nwant\n%s", got, want)
	}
	b.Close()
	if len(b.apply.stmts) != 0 || b.apply.conn != nil {
		t.Error("Close left the apply connection or its statements open")
	}
}

// An apply waits for the one under way, and gives up when its context
// ends while it waits, applying nothing.
func TestApplyWaitsItsTurn(t *testing.T) {
	_, ops := pagedSource(t)
	b := replica(t, "b")
	b.apply.turn <- struct{}{} // an apply under way
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := b.ApplyPulled(ctx, ops, int64(len(ops))); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting past the context: err = %v, want the context's", err)
	}
	<-b.apply.turn
	var n int
	ok(t, b.sql().QueryRow("SELECT COUNT(*) FROM changes").Scan(&n))
	if n != 0 {
		t.Fatalf("an apply that gave up wrote %d ops", n)
	}
	if got, err := b.ApplyPulled(t.Context(), ops, int64(len(ops))); err != nil || got != len(ops) {
		t.Fatalf("after its turn: %d new, %v; want %d", got, err, len(ops))
	}
}

func TestChunk(t *testing.T) {
	for _, c := range []struct{ n, most, want int }{
		{1000, 100, 100}, {100, 100, 100}, {99, 100, 64}, {37, 100, 32}, {5, 100, 4}, {1, 100, 1}, {300, 250, 250}, {249, 250, 128},
	} {
		if got := chunk(c.n, c.most); got != c.want {
			t.Errorf("chunk(%d, %d) = %d, want %d", c.n, c.most, got, c.want)
		}
	}
}
