package exchange

import (
	"context"
	"sync"
	"time"

	"lokalraad/storage"
)

// Syncer syncs one database with its hub in the background, the way the
// desktop app does: once when Run starts, every Period, when edits have
// rested for Quiet, and when asked (SyncNow). It looks for edits every Poll
// by counting the changes that wait to be sent, so an edit made by another
// process (lokalraad sync beside the open app) is seen too; Changed says
// so at once. Talking to the server (a sync, an enrolment) holds one lock,
// so two never run at once. A failed sync changes nothing but the report:
// a server away for weeks is tried again every Period and after each edit.
//
// The callbacks run on the Syncer's goroutine (or the caller's, for
// SyncOnce and Enroll); a UI hands them on to its own thread.
type Syncer struct {
	Client *Client
	DB     *storage.DB
	// Period is how often to sync; Quiet is the rest after the last edit
	// before its changes go up; Poll is how often the loop looks for edits.
	Period, Quiet, Poll time.Duration
	// Now and Tick are the loop's clock: Tick(d) gives a channel of ticks
	// every d and a function that stops it. Tests give a fake clock.
	Now  func() time.Time
	Tick func(d time.Duration) (<-chan time.Time, func())

	// Started is called as a sync starts, Done when it has ended (not when
	// it was cut off because the context ended), and Pending when the
	// number of changes waiting to be sent changed between syncs. Any may
	// be nil.
	Started func()
	Done    func(Report)
	Pending func(n int)

	net     sync.Mutex // held while talking to the server
	mu      sync.Mutex // guards stop
	stop    context.CancelFunc
	kick    chan struct{}
	changed chan time.Time
}

// Report is the outcome of one sync.
type Report struct {
	Result Result
	Err    error
	// Waiting is how many changes still wait to be sent afterwards (-1
	// when they could not be counted).
	Waiting int
}

// NewSyncer returns a Syncer of db through c with the app's timings: a
// sync every five minutes, and thirty seconds after the last edit.
func NewSyncer(c *Client, db *storage.DB) *Syncer {
	return &Syncer{Client: c, DB: db, Period: 5 * time.Minute, Quiet: 30 * time.Second, Poll: 5 * time.Second,
		Now: time.Now, Tick: func(d time.Duration) (<-chan time.Time, func()) {
			t := time.NewTicker(d)
			return t.C, t.Stop
		},
		kick: make(chan struct{}, 1), changed: make(chan time.Time, 1)}
}

// SyncNow asks the loop for a sync at once (it is not waited for).
func (s *Syncer) SyncNow() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Changed tells the loop that something was edited here now: its changes
// go up once edits have rested for Quiet.
func (s *Syncer) Changed() {
	at := s.Now()
	for {
		select {
		case s.changed <- at:
			return
		default: // an earlier edit not yet taken: this one is newer
			select {
			case <-s.changed:
			default:
			}
		}
	}
}

// Run syncs until ctx ends.
func (s *Syncer) Run(ctx context.Context) {
	lastWaiting := 0
	counted := func(r Report) {
		if r.Waiting >= 0 {
			lastWaiting = r.Waiting
		}
	}
	counted(s.SyncOnce(ctx))
	lastRun := s.Now()
	var changedAt time.Time
	dirty := false
	tick, stop := s.Tick(s.Poll)
	defer stop()
	run := func() {
		counted(s.SyncOnce(ctx))
		lastRun, dirty = s.Now(), false
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
			run()
		case at := <-s.changed:
			if !dirty || at.After(changedAt) {
				dirty, changedAt = true, at
			}
		case now := <-tick:
			if n, err := s.DB.PendingCount(ctx, ""); err == nil && n != lastWaiting {
				if n > lastWaiting {
					dirty, changedAt = true, now
				}
				lastWaiting = n
				if s.Pending != nil {
					s.Pending(n)
				}
			}
			switch {
			case dirty && now.Sub(changedAt) >= s.Quiet:
				run() // edits have rested: send them
			case now.Sub(lastRun) >= s.Period:
				run()
			}
		}
	}
}

// SyncOnce runs one sync now, after any other talk with the server, and
// reports it (Started, Done).
func (s *Syncer) SyncOnce(ctx context.Context) Report {
	s.net.Lock()
	defer s.net.Unlock()
	if ctx.Err() != nil {
		return Report{Err: ctx.Err(), Waiting: -1}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.mu.Lock()
	s.stop = cancel
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.stop = nil
		s.mu.Unlock()
	}()
	if s.Started != nil {
		s.Started()
	}
	res, err := s.Client.Sync(ctx, s.DB, "")
	if ctx.Err() != nil {
		return Report{Result: res, Err: ctx.Err(), Waiting: -1} // stopped, not an outcome
	}
	r := Report{Result: res, Err: err, Waiting: -1}
	if n, err := s.DB.PendingCount(ctx, ""); err == nil {
		r.Waiting = n
	}
	if s.Done != nil {
		s.Done(r)
	}
	return r
}

// Pause stops a sync in flight (as Ctrl-C does: each page applied stays,
// with its cursor) and runs f while no sync or enrolment talks to the
// server; the loop goes on afterwards. A restore replaces the database
// under f: a pull that went on through it moved the restored database's
// cursor to where the replaced one had got, and the restored database
// never got the ops in between. The stopped sync reports nothing (Done).
func (s *Syncer) Pause(f func()) {
	s.mu.Lock()
	if s.stop != nil {
		s.stop()
	}
	s.mu.Unlock()
	s.net.Lock()
	defer s.net.Unlock()
	f()
}

// Enroll enrols the database (Client.Enroll) after any other talk with the
// server.
func (s *Syncer) Enroll(ctx context.Context, serverURL, code string) (EnrollResponse, error) {
	s.net.Lock()
	defer s.net.Unlock()
	return s.Client.Enroll(ctx, s.DB, serverURL, code)
}
