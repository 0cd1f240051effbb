package exchange

import (
	"context"
	"sync"
	"testing"
	"time"

	"lokalraad/model"
)

// fakeClock is a Syncer's clock that moves only when the test ticks it.
type fakeClock struct {
	mu    sync.Mutex // the loop reads the time while the test moves it
	now   time.Time
	ticks chan time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Tick(time.Duration) (<-chan time.Time, func()) { return c.ticks, func() {} }

// tick moves the clock on by d and hands the loop the tick; the loop has
// finished with the tick before (and any sync it started) when this returns.
func (c *fakeClock) tick(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	now := c.now
	c.mu.Unlock()
	c.ticks <- now
}

// The background loop: a sync at start; an edit goes up once edits have
// rested for the quiet time (not before); with nothing edited, a sync every
// period; "sync now" at once; and the loop ends with its context. Driven
// by a fake clock and a real hub, so nothing depends on how fast the
// machine is.
func TestSyncerLoop(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup Lokalråd")
	a := h.laptop(t, "a", council, 0)
	clock := &fakeClock{now: now, ticks: make(chan time.Time)}
	s := NewSyncer(cli, a)
	s.Period, s.Quiet, s.Poll = time.Hour, 30*time.Second, time.Second
	s.Now, s.Tick = clock.Now, clock.Tick
	done := make(chan Report, 10)
	var waiting []int
	s.Done = func(r Report) { done <- r }
	s.Pending = func(n int) { waiting = append(waiting, n) }
	synced := func(what string) Report {
		t.Helper()
		select {
		case r := <-done:
			if r.Err != nil {
				t.Fatalf("%s: %v", what, r.Err)
			}
			return r
		case <-time.After(time.Minute):
			t.Fatalf("%s: no sync", what)
		}
		return Report{}
	}
	idle := func(what string) {
		t.Helper()
		select {
		case r := <-done:
			t.Fatalf("%s: a sync ran (%+v)", what, r.Result)
		default:
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan struct{})
	go func() { s.Run(ctx); close(ended) }()
	synced("the first sync")

	m := model.Member{CouncilID: council, Name: "Karen Østergaard", Role: model.RoleMember}
	ok(t, a.SaveMember(t.Context(), model.Member{}, &m))
	clock.tick(time.Second) // the loop sees the edit
	clock.tick(20 * time.Second)
	idle("20 seconds after the edit")
	if len(waiting) != 1 || waiting[0] == 0 {
		t.Errorf("changes waiting reported: %v", waiting)
	}
	if ms, err := h.db.Members(t.Context(), council); err != nil || len(ms) != 0 {
		t.Fatalf("the hub has the member before the quiet time: %v, %v", ms, err)
	}
	clock.tick(10 * time.Second)
	if r := synced("after the quiet time"); r.Result.Pushed == 0 || r.Waiting != 0 {
		t.Errorf("the edit's sync: %+v, %d waiting", r.Result, r.Waiting)
	}
	if ms, err := h.db.Members(t.Context(), council); err != nil || len(ms) != 1 || ms[0].Name != "Karen Østergaard" {
		t.Fatalf("the hub after the quiet time: %v, %v", ms, err)
	}

	// Said at once: the quiet time counts from when it was said.
	s.Changed()
	clock.tick(29 * time.Second)
	idle("29 seconds after Changed")
	clock.tick(time.Second)
	synced("30 seconds after Changed")

	clock.tick(59 * time.Minute)
	idle("59 minutes on")
	clock.tick(time.Minute)
	synced("an hour on")

	s.SyncNow()
	synced("sync now")

	cancel()
	select {
	case <-ended:
	case <-time.After(time.Minute):
		t.Fatal("the loop did not end with its context")
	}
}

// A sync cut off by its context (the window closed) is not reported as an
// outcome, and Enroll waits for a sync in flight.
func TestSyncerStoppedIsNoOutcome(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup Lokalråd")
	a := open(t, "a", 0)
	s := NewSyncer(cli, a)
	reported := 0
	s.Done = func(Report) { reported++ }
	if _, err := s.Enroll(context.Background(), h.url, h.code(t, council)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if r := s.SyncOnce(ctx); r.Err == nil || reported != 0 {
		t.Errorf("a stopped sync: %v, reported %d times", r.Err, reported)
	}
	if r := s.SyncOnce(context.Background()); r.Err != nil || reported != 1 {
		t.Errorf("a sync: %v, reported %d times", r.Err, reported)
	}
}
