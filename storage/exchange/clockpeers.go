package exchange

// Whose clock is wrong.
//
// A laptop whose ops the hub refuses as stamped too far ahead cannot tell
// from the hub's clock alone whether its own date is ahead or the hub's is
// behind: both look the same from one laptop. The hub hears every device,
// so it is the second sample: each request carries the device's wall
// clock (HeaderDeviceClock), the hub keeps the newest offset of each
// device it authenticated, and answers push and pull with how many other
// devices it heard in the last day and the median of their offsets
// (HeaderClockPeers). When at least two other devices were heard, their
// median runs ahead of the hub by more than the allowed skew, and this
// laptop's clock is within the skew of that median, the hub's clock is the
// wrong one: the laptop re-stamps its ops (the hub takes no others) without
// telling its user to correct a date that is right.
//
// Trust: only a device the hub authenticated adds a sample, one per device
// (its newest), so strangers cannot make a hub look slow, and one enrolled
// device cannot outvote the others. What a lying device gains is at most a
// note not shown or shown on other laptops: the hub still refuses ops by
// its own clock, so no op's order or admission depends on these samples.

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// HeaderDeviceClock carries the device's wall clock (Unix milliseconds) on
// every request; HeaderClockPeers answers with how many other devices the
// hub heard in the last day and the median of their clocks' offsets from
// the hub's, in milliseconds: "3 259200000".
const (
	HeaderDeviceClock = "Lokalraad-Device-Clock"
	HeaderClockPeers  = "Lokalraad-Clock-Peers"
)

// peerClockWindow is how long the hub counts a device's clock it heard;
// maxPeerClocks bounds the devices it remembers (the newest samples win).
const (
	peerClockWindow = 24 * time.Hour
	maxPeerClocks   = 4096
)

// peerClocks is what the hub heard of its devices' clocks, in memory (a
// restarted hub hears them again within a sync each).
type peerClocks struct {
	mu   sync.Mutex
	seen map[string]peerClock // by device id
}

type peerClock struct {
	offset time.Duration // the device's clock minus the hub's
	at     time.Time     // the hub's clock when it heard it
}

// observe records the clock an authenticated device sent with r, and
// returns what the hub heard of the other devices' clocks.
func (p *peerClocks) observe(device string, r *http.Request, now time.Time) peers {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.seen == nil {
		p.seen = map[string]peerClock{}
	}
	for id, c := range p.seen {
		if now.Sub(c.at) > peerClockWindow || c.at.After(now) {
			delete(p.seen, id)
		}
	}
	ms, err := strconv.ParseInt(r.Header.Get(HeaderDeviceClock), 10, 64)
	if _, known := p.seen[device]; err == nil && ms > 0 && (known || len(p.seen) < maxPeerClocks) {
		p.seen[device] = peerClock{offset: time.UnixMilli(ms).Sub(now), at: now}
	}
	var offsets []time.Duration
	for id, c := range p.seen {
		if id != device {
			offsets = append(offsets, c.offset)
		}
	}
	if len(offsets) == 0 {
		return peers{}
	}
	slices.Sort(offsets)
	// The lower median: of two, the one nearer the hub's clock, so that
	// one device of two cannot make the hub look slow.
	return peers{n: len(offsets), median: offsets[(len(offsets)-1)/2]}
}

// peers is what the hub heard of its other devices' clocks: how many, and
// the median of their offsets from the hub's clock.
type peers struct {
	n      int
	median time.Duration
}

func (p peers) String() string {
	return strconv.Itoa(p.n) + " " + strconv.FormatInt(p.median.Milliseconds(), 10)
}

// hubBehind tells whether the hub's clock, not the device's, is the wrong
// one, the device's clock being own ahead of the hub's: at least two other
// devices were heard, their median runs more than maxAhead ahead of the
// hub, and the device agrees with that median within maxAhead.
func (p peers) hubBehind(own, maxAhead time.Duration) bool {
	return p.n >= 2 && p.median > maxAhead && (own-p.median).Abs() <= maxAhead
}

// tellClockPeers records the authenticated device's clock and says on the
// response what the hub heard of the others'.
func (s *Server) tellClockPeers(w http.ResponseWriter, r *http.Request, device string) {
	w.Header().Set(HeaderClockPeers, s.clocks.observe(device, r, s.Now()).String())
}

// clockPeers reads HeaderClockPeers from a response; nothing heard (an
// older hub, a bad value) reads as no peers.
func clockPeers(h http.Header) peers {
	n, ms, ok := strings.Cut(h.Get(HeaderClockPeers), " ")
	count, err1 := strconv.Atoi(n)
	median, err2 := strconv.ParseInt(ms, 10, 64)
	if !ok || err1 != nil || err2 != nil || count < 0 {
		return peers{}
	}
	return peers{n: count, median: time.Duration(median) * time.Millisecond}
}
