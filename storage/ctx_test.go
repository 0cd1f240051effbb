package storage

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"lokalraad/model"
)

// stopAfter is a context that ends by itself once it has been asked
// whether it is done n times: it cuts work off at the same point on any
// machine, however fast.
type stopAfter struct {
	context.Context
	mu     sync.Mutex
	n, ask int
	done   chan struct{}
}

func newStopAfter(n int) *stopAfter {
	return &stopAfter{Context: context.Background(), n: n, done: make(chan struct{})}
}

func (c *stopAfter) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ask++; c.ask == c.n {
		close(c.done)
	}
	return c.done
}

func (c *stopAfter) Err() error {
	select {
	case <-c.done:
		return context.Canceled
	default:
		return nil
	}
}

func (c *stopAfter) asked() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ask
}

// A pull page cut off by its context (the window closed, the sync was
// stopped) stops its database work and leaves nothing of the page: no
// rows, no log, the cursor where it was; the same page applied again then
// brings everything. So does a whole pull's worth of ops imported at once.
func TestCancelledApplyLeavesNothing(t *testing.T) {
	a := replica(t, "a")
	c := model.Council{Name: "Råd"}
	ok(t, a.SaveCouncil(t.Context(), model.Council{}, &c))
	for i := 0; i < 300; i++ {
		ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: c.ID, Name: fmt.Sprint("Medlem ", i), Role: model.RoleMember}))
	}
	ops := mustOps(t, a)

	// How often a whole apply asks its context, to cut it off halfway.
	probe := replica(t, "probe")
	whole := newStopAfter(-1)
	if _, err := probe.ApplyPulled(whole, ops, 1); err != nil {
		t.Fatal(err)
	}
	if whole.asked() < 4 {
		t.Fatalf("a whole apply asked its context %d times", whole.asked())
	}

	b := replica(t, "b")
	ok(t, b.SetMeta(t.Context(), MetaCursor, "7"))
	for _, at := range []int{1, whole.asked() / 4, whole.asked() / 2} {
		ctx := newStopAfter(at)
		n, err := b.ApplyPulled(ctx, ops, int64(len(ops)))
		if err == nil {
			t.Fatalf("cut off after %d of %d: applied %d ops without an error", at, whole.asked(), n)
		}
		var logged, members int
		ok(t, b.sql().QueryRow("SELECT COUNT(*) FROM changes").Scan(&logged))
		ok(t, b.sql().QueryRow("SELECT COUNT(*) FROM members").Scan(&members))
		st, err := b.SyncState(context.Background())
		ok(t, err)
		if logged != 0 || members != 0 || st.Cursor != "7" {
			t.Fatalf("cut off after %d: %d ops logged, %d members, cursor %s", at, logged, members, st.Cursor)
		}
		if _, err := b.ApplyOps(newStopAfter(at), ops); err == nil {
			t.Fatalf("an import cut off after %d went through", at)
		}
	}

	n, err := b.ApplyPulled(context.Background(), ops, int64(len(ops)))
	ok(t, err)
	st, err := b.SyncState(context.Background())
	ok(t, err)
	want, err := a.Members(t.Context(), c.ID)
	ok(t, err)
	got, err := b.Members(t.Context(), c.ID)
	ok(t, err)
	if n != len(ops) || st.Cursor != fmt.Sprint(len(ops)) || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("applied again: %d of %d ops, cursor %s, %d members of %d", n, len(ops), st.Cursor, len(got), len(want))
	}
}

// A cancelled context stops reading the outgoing queue and acknowledging.
func TestCancelledQueue(t *testing.T) {
	a := replica(t, "a")
	c := model.Council{Name: "Råd"}
	ok(t, a.SaveCouncil(t.Context(), model.Council{}, &c))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := a.PendingOps(ctx, "", 10); err == nil {
		t.Error("the queue was read with a cancelled context")
	}
	if err := a.AckOps(ctx, 1_000); err == nil {
		t.Error("an acknowledgement was written with a cancelled context")
	}
	if n, err := a.PendingCount(context.Background(), ""); err != nil || n == 0 {
		t.Errorf("after a cancelled acknowledgement %d changes wait (%v)", n, err)
	}
}
