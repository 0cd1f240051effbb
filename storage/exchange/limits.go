package exchange

// Bounded cost at the hub: the size of one op, per-device quotas per day,
// a rate limit on failed enrolments and authentications, and the hub's
// clock in every response so that a laptop can mend its own.

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	syncpkg "sync"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

// Errors of bounded cost, for errors.Is on both sides of the wire.
var (
	ErrOpTooLarge  = error(model.NewError(model.Invalid, "en ændring er for stor"))
	ErrQuota       = error(model.NewError(model.Forbidden, "enheden har sendt mere end den må på et døgn"))
	ErrRateLimited = error(model.NewError(model.Forbidden, "for mange mislykkede forsøg"))
	ErrCodeExpired = error(model.NewError(model.Invalid, "tilmeldingskoden er udløbet"))
)

// Headers carrying the hub's clock on every response: its time (Unix
// milliseconds) and how far ahead of it an op may be stamped (seconds).
const (
	HeaderClock    = "Lokalraad-Clock"
	HeaderMaxAhead = "Lokalraad-Max-Ahead"
)

// HeaderOwnTop answers a pull with the highest sequence number of the
// asking device's ops the hub holds (HubStore.HubDeviceTop).
const HeaderOwnTop = "Lokalraad-Own-Top"

// withClock adds the hub's clock to every response.
func (s *Server) withClock(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(HeaderClock, strconv.FormatInt(s.Now().UnixMilli(), 10))
		w.Header().Set(HeaderMaxAhead, strconv.FormatInt(int64(s.MaxAhead/time.Second), 10))
		h.ServeHTTP(w, r)
	})
}

// hubClock reads the hub's clock from a response; ok is false when the
// hub did not send it (an older hub).
func hubClock(h http.Header) (now time.Time, maxAhead time.Duration, ok bool) {
	ms, err := strconv.ParseInt(h.Get(HeaderClock), 10, 64)
	if err != nil || ms <= 0 {
		return time.Time{}, 0, false
	}
	maxAhead = storage.MaxClockSkew
	if sec, err := strconv.ParseInt(h.Get(HeaderMaxAhead), 10, 64); err == nil && sec > 0 {
		maxAhead = time.Duration(sec) * time.Second
	}
	return time.UnixMilli(ms), maxAhead, true
}

// MaxOpBytes is the largest op a hub takes by default, by push or bundle.
const MaxOpBytes = 1 << 20

// checkOpSizes refuses a push holding an op bigger than limit bytes, naming
// its field.
func checkOpSizes(ops []storage.Change, limit int) error {
	if limit <= 0 {
		return nil
	}
	for _, c := range ops {
		if size := c.Size(); size > limit {
			return fail(CodeTooLarge, fmt.Errorf("%w: %s er %s, højst %s pr. ændring; gør teksten kortere eller del den op",
				ErrOpTooLarge, fieldName(c), megabytes(int64(size)), megabytes(int64(limit))))
		}
	}
	return nil
}

// fieldName names an op's field in Danish (from the field registry), with
// its stored name.
func fieldName(c storage.Change) string {
	t := c.Table
	if e, ok := model.EntityOf(c.Table); ok {
		t = e.A
	} else if n, ok := otherTables[c.Table]; ok {
		t = n
	}
	if c.Field == "" {
		return fmt.Sprintf("sletningen af %s (%s)", t, c.Table)
	}
	return fmt.Sprintf("feltet »%s« på %s (%s.%s)", model.FieldName(c.Table, c.Field), t, c.Table, c.Field)
}

// otherTables names the change log's pseudo-tables, which are not data.
var otherTables = map[string]string{"sync_conflicts": "en konflikt", "sync_scrub": "en sletning af persondata"}

// megabytes writes a size the Danish way: "7,5 MB", "512 kB".
func megabytes(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d kB", (n+1023)/1024)
	}
	s := strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64)
	return strings.Replace(strings.TrimSuffix(s, ".0"), ".", ",", 1) + " MB"
}

// quotas counts what each device has sent today (UTC day), in memory: a
// restart of the hub starts the count afresh.
type quotas struct {
	mu   syncpkg.Mutex
	day  string
	used map[string][2]int64 // device → ops, bytes
}

// take charges a push of ops and bytes to device d, or refuses it when it
// would pass the day's quota (0 means no bound).
func (q *quotas) take(d string, now time.Time, ops, bytes, maxOps, maxBytes int64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if day := now.UTC().Format(time.DateOnly); day != q.day || q.used == nil {
		q.day, q.used = day, map[string][2]int64{}
	}
	u := q.used[d]
	if maxOps > 0 && u[0]+ops > maxOps || maxBytes > 0 && u[1]+bytes > maxBytes {
		return fail(CodeQuota, fmt.Errorf("%w (højst %d ændringer og %s pr. døgn; sendt i dag: %d ændringer og %s); resten sendes efter midnat (UTC), eller kommunen kan hæve grænsen",
			ErrQuota, maxOps, megabytes(maxBytes), u[0], megabytes(u[1])))
	}
	q.used[d] = [2]int64{u[0] + ops, u[1] + bytes}
	return nil
}

// limiter counts failed enrolments and authentications per remote address
// and per device id in a fixed window; past the limit, every attempt from
// that address or for that device is refused until the window ends, the
// right secret too (or guessing would go on).
type limiter struct {
	mu    syncpkg.Mutex
	fails map[string]*window
}

type window struct {
	start time.Time
	n     int
}

// blocked says until when key is refused (zero when it is not).
func (l *limiter) blocked(key string, now time.Time, limit int, span time.Duration) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.fails[key]
	if limit <= 0 || w == nil || now.Sub(w.start) >= span || w.n < limit {
		return time.Time{}
	}
	return w.start.Add(span)
}

// fail counts one failure of key.
func (l *limiter) fail(key string, now time.Time, span time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fails == nil {
		l.fails = map[string]*window{}
	}
	const most = 100_000 // bound the memory an attack with many addresses or ids can use
	if len(l.fails) >= most {
		for k, w := range l.fails {
			if now.Sub(w.start) >= span {
				delete(l.fails, k)
			}
		}
	}
	w := l.fails[key]
	if w == nil && len(l.fails) >= most {
		return // still full: new keys go uncounted rather than the memory grow
	}
	if w == nil || now.Sub(w.start) >= span {
		w = &window{start: now}
		l.fails[key] = w
	}
	w.n++
}

// remote is the address a request came from, without its port. A proxy's
// X-Forwarded-For is not trusted: the hub is meant to face the network
// itself (with --tls-cert).
func remote(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limited refuses a request whose address or device id (if any) has failed
// too often lately.
func (s *Server) limited(r *http.Request, device string) error {
	now := s.Now()
	keys := []string{"addr " + remote(r)}
	if device != "" {
		keys = append(keys, "device "+device)
	}
	for _, k := range keys {
		if until := s.failures.blocked(k, now, s.MaxFailures, s.FailureWindow); !until.IsZero() {
			wait := until.Sub(now).Round(time.Minute)
			if wait < time.Minute {
				wait = time.Minute
			}
			return fail(CodeRateLimited, fmt.Errorf("%w; prøv igen om %d minutter", ErrRateLimited, int(wait/time.Minute)))
		}
	}
	return nil
}

// failed counts a failed attempt against the request's address and device.
func (s *Server) failed(r *http.Request, device string) {
	now := s.Now()
	s.failures.fail("addr "+remote(r), now, s.FailureWindow)
	if device != "" {
		s.failures.fail("device "+device, now, s.FailureWindow)
	}
}

// checkBundleClock refuses a bundle holding ops stamped more than skew
// ahead of this computer's clock: adopting such a clock would drag this
// device's own into that year, and no hub accepts such ops either. When
// this computer already holds ops stamped well after its own date
// (newest), its own date is the wrong one, and the message says so
// rather than blame the computer that made the file.
func checkBundleClock(cs []storage.Change, now, newest time.Time, skew time.Duration) error {
	limit := now.Add(skew).UnixMilli()
	n, latest := 0, int64(0)
	for _, c := range cs {
		if c.HLC>>16 > limit {
			n++
			latest = max(latest, c.HLC>>16)
		}
	}
	if n == 0 {
		return nil
	}
	const when = "02.01.2006 15:04"
	if newest.After(now.Add(skew)) {
		return fmt.Errorf("%w: datoen på denne computer er forkert: den siger %s, men computeren har allerede ændringer fra %s; filen er ikke indlæst. Ret datoen på denne computer, og indlæs filen igen",
			ErrClock, now.In(model.Copenhagen).Format(when), newest.In(model.Copenhagen).Format(when))
	}
	return fmt.Errorf("%w: %d ændringer i synkroniseringsfilen er stemplet helt frem til %s, mere end %d timer efter denne computers ur (%s); filen er ikke indlæst. Viser denne computer en forkert dato, så ret den; ellers ret datoen på computeren, der lavede filen, og lav den igen",
		ErrClock, n, time.UnixMilli(latest).In(model.Copenhagen).Format(when), int(skew/time.Hour), now.In(model.Copenhagen).Format(when))
}
