package main

// kommune load: a load generator on loopback. It makes N councils with M
// laptops each, starts 1 or 2 `kommune serve` nodes on the store as child
// processes, and lets every laptop work offline and then sync, cycle after
// cycle: K signed ops written offline, one push, then pull pages until
// nothing more. A laptop is simulated by its protocol alone (its key, its
// numbers, its cursor), so thousands fit on a small machine. A failed
// request is retried with backoff, on the other node when there are two.
// It prints ops/s accepted, p50/p99 of a push and of a pull page, and
// each node's peak memory.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"lokalraad/internal/cliflag"
	"lokalraad/storage"
	"lokalraad/storage/exchange"
)

type loadConfig struct {
	Councils, Laptops, Cycles, Ops, Workers int
	Duration                                time.Duration
}

type loadReport struct {
	Written, Accepted, Pulled int64
	Pushes, Pulls, Retries    int64
	Elapsed                   time.Duration
	PushP50, PushP99          time.Duration
	PullP50, PullP99          time.Duration
	Laptops                   []*simLaptop
}

// simLaptop is a laptop as the hub sees it.
type simLaptop struct {
	council, replica, token, keys string
	key                           ed25519.PrivateKey
	seq                           int64
	cursor                        string // the hub's pull cursor, as it gave it
	hlc                           int64
	pending                       []storage.Change
	written                       map[string]bool // op ids it wrote
	pulled                        map[string]int  // op ids it pulled, how often
}

// loadClient is what a run shares: the nodes, the HTTP client, the timings.
type loadClient struct {
	nodes   []string
	http    *http.Client
	mu      sync.Mutex
	pushLat []time.Duration
	pullLat []time.Duration
	retries atomic.Int64
}

// errRefused: the hub answered with a refusal (4xx): not retried.
var errRefused = errors.New("refused")

func (c *loadClient) call(ctx context.Context, node int, method, path, token string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.nodes[node%len(c.nodes)]+path, rd)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 500 {
		return fmt.Errorf("status %d: %s", resp.StatusCode, data)
	}
	if resp.StatusCode >= 400 {
		return fmt.Errorf("%w: %d %s", errRefused, resp.StatusCode, data)
	}
	return json.Unmarshal(data, out)
}

// retry calls f until it succeeds, a refusal, or ctx ends: backoff from
// 20 ms doubling to 2 s, with jitter, on the next node each time.
func (c *loadClient) retry(ctx context.Context, node int, lat *[]time.Duration, f func(node int) error) error {
	wait := 20 * time.Millisecond
	for try := 0; ; try++ {
		start := time.Now()
		err := f(node + try)
		if err == nil {
			d := time.Since(start)
			c.mu.Lock()
			*lat = append(*lat, d)
			c.mu.Unlock()
			return nil
		}
		if errors.Is(err, errRefused) || ctx.Err() != nil || try >= 30 {
			return err
		}
		c.retries.Add(1)
		select {
		case <-time.After(wait + time.Duration(mrand.Int64N(int64(wait)))):
		case <-ctx.Done():
			return ctx.Err()
		}
		wait = min(2*wait, 2*time.Second)
	}
}

func newReplica() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "sim-" + hex.EncodeToString(b)
}

// enrolLoad makes the councils and laptops and enrols them.
func enrolLoad(ctx context.Context, hc *hubConn, c *loadClient, cfg loadConfig) ([]*simLaptop, error) {
	var laps []*simLaptop
	for i := range cfg.Councils {
		council, err := hc.addCouncil(ctx, fmt.Sprintf("Lokalråd %d", i+1))
		if err != nil {
			return nil, err
		}
		for j := range cfg.Laptops {
			_, code, err := hc.addDevice(ctx, fmt.Sprintf("bærbar %d-%d", i+1, j+1), council.ID, false)
			if err != nil {
				return nil, err
			}
			pub, priv, _ := ed25519.GenerateKey(rand.Reader)
			l := &simLaptop{council: council.ID, replica: newReplica(), key: priv, written: map[string]bool{}, pulled: map[string]int{}}
			var resp exchange.EnrollResponse
			req := exchange.EnrollRequest{Code: code, Replica: l.replica, Key: base64.StdEncoding.EncodeToString(pub)}
			if err := c.retry(ctx, i+j, new([]time.Duration), func(node int) error {
				return c.call(ctx, node, http.MethodPost, "/v1/enroll", "", req, &resp)
			}); err != nil {
				return nil, fmt.Errorf("tilmeld: %w", err)
			}
			l.token = resp.Device + "." + resp.Secret
			if resp.Keys != nil {
				l.keys = resp.Keys.Hash()
			}
			laps = append(laps, l)
		}
	}
	return laps, nil
}

// cycle is one offline-then-sync round of a laptop.
func (c *loadClient) cycle(ctx context.Context, l *simLaptop, ops int, rng *mrand.Rand, rep *loadReport) error {
	n := 1 + rng.IntN(2*ops)
	for range n {
		l.seq++
		l.hlc = max(l.hlc+1, time.Now().UnixMilli()<<16)
		op := storage.Change{Device: l.replica, Seq: l.seq, HLC: l.hlc, Table: "members", Row: l.replica + "-" + strconv.FormatInt(l.seq, 10),
			Council: l.council, Field: "name", Value: fmt.Sprintf("Medlem %d af %s", l.seq, l.replica)}
		storage.SignChange(&op, l.key)
		l.pending = append(l.pending, op)
		l.written[op.ID()] = true
	}
	atomic.AddInt64(&rep.Written, int64(n))
	wire, err := exchange.EncodeOps(l.pending)
	if err != nil {
		return err
	}
	node := rng.IntN(len(c.nodes))
	var pr exchange.PushResponse
	if err := c.retry(ctx, node, &c.pushLat, func(node int) error {
		return c.call(ctx, node, http.MethodPost, "/v1/push", l.token, exchange.PushRequest{Ops: wire}, &pr)
	}); err != nil {
		return fmt.Errorf("push: %w", err)
	}
	atomic.AddInt64(&rep.Accepted, int64(pr.Accepted))
	atomic.AddInt64(&rep.Pushes, 1)
	l.pending = nil
	return c.pullAll(ctx, l, node, rep)
}

// pullAll pulls pages from l's cursor until nothing more.
func (c *loadClient) pullAll(ctx context.Context, l *simLaptop, node int, rep *loadReport) error {
	for {
		var resp exchange.PullResponse
		q := url.Values{"cursor": {l.cursor}, "keys": {l.keys}}
		if err := c.retry(ctx, node, &c.pullLat, func(node int) error {
			return c.call(ctx, node, http.MethodGet, "/v1/pull?"+q.Encode(), l.token, nil, &resp)
		}); err != nil {
			return fmt.Errorf("pull: %w", err)
		}
		atomic.AddInt64(&rep.Pulls, 1)
		for _, o := range resp.Ops {
			l.pulled[o.Device+":"+strconv.FormatInt(o.Seq, 10)]++
		}
		atomic.AddInt64(&rep.Pulled, int64(len(resp.Ops)))
		if resp.Keys != nil {
			l.keys = resp.Keys.Hash()
		}
		progress := resp.Cursor != l.cursor
		l.cursor = resp.Cursor
		if !resp.More || !progress {
			return nil
		}
	}
}

// runLoad runs cfg's cycles on the enrolled laptops, cfg.Workers at a
// time, until they are done or cfg.Duration has passed.
func runLoad(ctx context.Context, c *loadClient, laps []*simLaptop, cfg loadConfig) (loadReport, error) {
	rep := loadReport{Laptops: laps}
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr error
	var errOnce sync.Once
	for w := range max(cfg.Workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := mrand.New(mrand.NewPCG(uint64(w), 7))
			for {
				i := int(next.Add(1) - 1)
				if i >= len(laps)*cfg.Cycles || ctx.Err() != nil {
					return
				}
				// Cycle i/len(laps) of laptop i%len(laps): each laptop's
				// cycles run in order, never two at once.
				l := laps[i%len(laps)]
				if err := c.cycleLocked(ctx, l, cfg.Ops, rng, &rep); err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	rep.Elapsed = time.Since(start)
	rep.Retries = c.retries.Load()
	rep.PushP50, rep.PushP99 = percentiles(c.pushLat)
	rep.PullP50, rep.PullP99 = percentiles(c.pullLat)
	if firstErr != nil && ctx.Err() == nil {
		return rep, firstErr
	}
	return rep, nil
}

var laptopLocks sync.Map // *simLaptop → *sync.Mutex

func (c *loadClient) cycleLocked(ctx context.Context, l *simLaptop, ops int, rng *mrand.Rand, rep *loadReport) error {
	m, _ := laptopLocks.LoadOrStore(l, &sync.Mutex{})
	m.(*sync.Mutex).Lock()
	defer m.(*sync.Mutex).Unlock()
	return c.cycle(ctx, l, ops, rng, rep)
}

func percentiles(ds []time.Duration) (p50, p99 time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)*50/100], s[min(len(s)-1, len(s)*99/100)]
}

// node is a `kommune serve` child process.
type node struct {
	cmd  *exec.Cmd
	addr string
}

func startNode(db string, extra ...string) (*node, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--quota-ops", "0", "--quota-mb", "0", "--max-failures", "0"}, extra...)
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "LOKALRAAD_KOMMUNE_MAIN=1") // a test binary runs as kommune
	cmd.Stderr = io.Discard
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("serverknuden startede ikke: %w", err)
	}
	return &node{cmd: cmd, addr: "http://" + strings.TrimSpace(line)}, nil
}

// peakMB is the node's peak resident memory (Linux), in MB.
func (n *node) peakMB() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", n.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func (n *node) stop() {
	n.cmd.Process.Signal(syscall.SIGTERM)
	n.cmd.Wait()
}

func loadCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dbPath := flags("load", stderr)
	nodes := fs.Int("nodes", 1, "antal serverknuder (2 kræver PostgreSQL)")
	cfg := loadConfig{}
	fs.IntVar(&cfg.Councils, "councils", 50, "antal lokalråd")
	fs.IntVar(&cfg.Laptops, "laptops", 4, "bærbare pr. råd")
	fs.IntVar(&cfg.Cycles, "cycles", 3, "runder offline-så-synkronisér pr. bærbar")
	fs.IntVar(&cfg.Ops, "ops", 10, "ændringer pr. runde i gennemsnit")
	fs.IntVar(&cfg.Workers, "workers", 32, "bærbare, der synkroniserer samtidig")
	fs.DurationVar(&cfg.Duration, "duration", 2*time.Minute, "højst så længe")
	if err := cliflag.Danish(fs.Parse(args)); err != nil {
		return err
	}
	if *nodes < 1 || *nodes > 1 && !strings.HasPrefix(*dbPath, "postgres") {
		return errors.New("--nodes 2 kræver en PostgreSQL-database (--db postgres://…)")
	}
	hc, err := openHub(ctx, *dbPath)
	if err != nil {
		return err
	}
	var ns []*node
	defer func() {
		for _, n := range ns {
			n.stop()
		}
	}()
	for range *nodes {
		n, err := startNode(*dbPath)
		if err != nil {
			hc.Close()
			return err
		}
		ns = append(ns, n)
	}
	c := &loadClient{http: &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}}
	for _, n := range ns {
		c.nodes = append(c.nodes, n.addr)
	}
	laps, err := enrolLoad(ctx, hc, c, cfg)
	hc.Close()
	if err != nil {
		return err
	}
	c.pushLat, c.pullLat = nil, nil
	rep, err := runLoad(ctx, c, laps, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d råd × %d bærbare, %d knude(r), %s\n", cfg.Councils, cfg.Laptops, *nodes, storeKind(*dbPath))
	fmt.Fprintf(stdout, "skrevet %d, modtaget %d ændringer på %.1f s: %.0f ændringer/s\n", rep.Written, rep.Accepted, rep.Elapsed.Seconds(), float64(rep.Accepted)/rep.Elapsed.Seconds())
	fmt.Fprintf(stdout, "push: %d, p50 %.1f ms, p99 %.1f ms\n", rep.Pushes, ms(rep.PushP50), ms(rep.PushP99))
	fmt.Fprintf(stdout, "pull-side: %d, p50 %.1f ms, p99 %.1f ms; %d ændringer hentet\n", rep.Pulls, ms(rep.PullP50), ms(rep.PullP99), rep.Pulled)
	fmt.Fprintf(stdout, "genforsøg: %d\n", rep.Retries)
	for i, n := range ns {
		fmt.Fprintf(stdout, "knude %d: højeste hukommelse %.0f MB\n", i+1, n.peakMB())
	}
	if rep.Accepted != rep.Written {
		return fmt.Errorf("%d ændringer skrevet, men %d modtaget", rep.Written, rep.Accepted)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func storeKind(db string) string {
	if strings.HasPrefix(db, "postgres") {
		return "PostgreSQL"
	}
	return "SQLite"
}
