package exchange

// Operating the hub: /healthz (the process answers), /readyz (it can
// reach its store and is not shutting down), /metrics (Prometheus text
// format, written by hand: counters and latency histograms), and one
// structured log line per request.

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	syncpkg "sync"
	"sync/atomic"
	"time"
)

// latencyBuckets are the upper bounds, in seconds, of the histograms.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type histogram struct {
	counts []atomic.Int64 // one per bucket, then +Inf
	sumUS  atomic.Int64
	n      atomic.Int64
}

func newHistogram() *histogram {
	return &histogram{counts: make([]atomic.Int64, len(latencyBuckets)+1)}
}

func (h *histogram) observe(d time.Duration) {
	s := d.Seconds()
	i := sort.SearchFloat64s(latencyBuckets, s)
	h.counts[i].Add(1)
	h.sumUS.Add(d.Microseconds())
	h.n.Add(1)
}

// metrics are the hub's counters; the zero value is ready.
type metrics struct {
	pushes, pulls, enrolls atomic.Int64
	opsIn, opsOut          atomic.Int64
	bytesIn, bytesOut      atomic.Int64
	mu                     syncpkg.Mutex
	refusals               map[string]*atomic.Int64 // by code
	latency                map[string]*histogram    // by route
	draining               atomic.Bool
	inflightPush           atomic.Int64
}

func (m *metrics) refused(code string) {
	m.mu.Lock()
	if m.refusals == nil {
		m.refusals = map[string]*atomic.Int64{}
	}
	c := m.refusals[code]
	if c == nil {
		c = &atomic.Int64{}
		m.refusals[code] = c
	}
	m.mu.Unlock()
	c.Add(1)
}

func (m *metrics) hist(route string) *histogram {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.latency == nil {
		m.latency = map[string]*histogram{}
	}
	h := m.latency[route]
	if h == nil {
		h = newHistogram()
		m.latency[route] = h
	}
	return h
}

func (m *metrics) write(w io.Writer) {
	counter := func(name, help string, v int64) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", name, help, name, name, v)
	}
	counter("lokalraad_hub_pushes_total", "Pushes answered.", m.pushes.Load())
	counter("lokalraad_hub_pulls_total", "Pulls answered.", m.pulls.Load())
	counter("lokalraad_hub_enrolments_total", "Devices enrolled.", m.enrolls.Load())
	counter("lokalraad_hub_ops_accepted_total", "New ops taken by push.", m.opsIn.Load())
	counter("lokalraad_hub_ops_sent_total", "Ops sent by pull.", m.opsOut.Load())
	counter("lokalraad_hub_request_bytes_total", "Bytes of request bodies read.", m.bytesIn.Load())
	counter("lokalraad_hub_response_bytes_total", "Bytes of responses written.", m.bytesOut.Load())
	fmt.Fprintf(w, "# HELP lokalraad_hub_inflight_pushes Pushes being handled.\n# TYPE lokalraad_hub_inflight_pushes gauge\nlokalraad_hub_inflight_pushes %d\n", m.inflightPush.Load())
	m.mu.Lock()
	codes := slices.Sorted(maps.Keys(m.refusals))
	routes := slices.Sorted(maps.Keys(m.latency))
	m.mu.Unlock()
	fmt.Fprintf(w, "# HELP lokalraad_hub_refusals_total Requests refused, by reason.\n# TYPE lokalraad_hub_refusals_total counter\n")
	for _, c := range codes {
		m.mu.Lock()
		v := m.refusals[c].Load()
		m.mu.Unlock()
		fmt.Fprintf(w, "lokalraad_hub_refusals_total{reason=%q} %d\n", c, v)
	}
	fmt.Fprintf(w, "# HELP lokalraad_hub_request_seconds Time to answer a request, by route.\n# TYPE lokalraad_hub_request_seconds histogram\n")
	for _, r := range routes {
		h := m.hist(r)
		cum := int64(0)
		for i, b := range latencyBuckets {
			cum += h.counts[i].Load()
			fmt.Fprintf(w, "lokalraad_hub_request_seconds_bucket{route=%q,le=\"%g\"} %d\n", r, b, cum)
		}
		cum += h.counts[len(latencyBuckets)].Load()
		fmt.Fprintf(w, "lokalraad_hub_request_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", r, cum)
		fmt.Fprintf(w, "lokalraad_hub_request_seconds_sum{route=%q} %g\n", r, float64(h.sumUS.Load())/1e6)
		fmt.Fprintf(w, "lokalraad_hub_request_seconds_count{route=%q} %d\n", r, h.n.Load())
	}
}

// Drain marks the hub as shutting down: /readyz answers 503 so that a load
// balancer sends no new requests, while those in flight finish.
func (s *Server) Drain() { s.metrics.draining.Store(true) }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") }

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.metrics.draining.Load() {
		http.Error(w, "lukker ned", http.StatusServiceUnavailable)
		return
	}
	if p, ok := s.Store.(interface{ Ping(context.Context) error }); ok {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := p.Ping(ctx); err != nil {
			http.Error(w, "databasen svarer ikke", http.StatusServiceUnavailable)
			return
		}
	}
	fmt.Fprintln(w, "klar")
}

func (s *Server) metricsPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.metrics.write(w)
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// observed counts, times and logs every request.
func (s *Server) observed(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		route := r.URL.Path
		if !strings.HasPrefix(route, "/v1/") {
			route = "other"
		}
		var in atomic.Int64
		if r.Body != nil {
			r.Body = countingBody{r.Body, &in}
		}
		if route == "/v1/push" {
			s.metrics.inflightPush.Add(1)
			defer s.metrics.inflightPush.Add(-1)
		}
		rec := &recorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		d := time.Since(start)
		s.metrics.bytesIn.Add(in.Load())
		s.metrics.bytesOut.Add(rec.bytes)
		if route != "other" {
			s.metrics.hist(route).observe(d)
		}
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		if route != "other" || rec.status >= 400 {
			s.Log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
				"ms", float64(d.Microseconds())/1000, "in", in.Load(), "out", rec.bytes, "remote", r.RemoteAddr)
		}
	})
}
