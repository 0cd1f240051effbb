package exchange

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/internal/replicatest"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/demo"
)

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func open(t testing.TB, name string, offset time.Duration) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), name+".db"))
	if err != nil {
		t.Fatal(err)
	}
	clock := now.Add(offset)
	db.Now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }
	t.Cleanup(func() { db.Close() })
	return db
}

func ok(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

type hub struct {
	db  *storage.DB
	srv *Server
	url string
}

// wire counts the bytes that cross the network.
var sent, received atomic.Int64

type countConn struct{ net.Conn }

func (c countConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	received.Add(int64(n))
	return n, err
}
func (c countConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	sent.Add(int64(n))
	return n, err
}

// cli is the tests' client: default settings, and a transport that counts
// the bytes on the wire. A test that changes a setting copies it first
// (withClient).
var cli = countingClient()

func countingClient() *Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return countConn{c}, nil
	}
	c := NewClient()
	c.HTTP = &http.Client{Transport: tr, Timeout: time.Minute}
	return c
}

// withClient is a copy of cli, with its own http.Client, that change may
// set up.
func withClient(change func(c *Client)) *Client {
	c := *cli
	h := *cli.HTTP
	c.HTTP = &h
	change(&c)
	return &c
}

func newHub(t testing.TB) *hub {
	t.Helper()
	db := open(t, "hub", 0)
	s := NewServer(t.Context(), db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s.Now = func() time.Time { return now }
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return &hub{db: db, srv: s, url: ts.URL}
}

// syncedLaptop is a hub with the council name and its laptop "a",
// enrolled and synced once.
func syncedLaptop(t testing.TB, name string) (h *hub, council string, a *storage.DB) {
	t.Helper()
	h = newHub(t)
	council = h.council(t, name)
	a = h.laptop(t, "a", council, 0)
	syncOK(t, a)
	return h, council, a
}

// twoLaptops is a hub with a council named name and two laptops enrolled
// in it, a and b (b's clock offset ahead of a's), after a's first sync.
func twoLaptops(t testing.TB, name string, offset time.Duration) (h *hub, council string, a, b *storage.DB) {
	t.Helper()
	h = newHub(t)
	council = h.council(t, name)
	a = h.laptop(t, "a", council, 0)
	b = h.laptop(t, "b", council, offset)
	syncOK(t, a)
	return h, council, a, b
}

func (h *hub) council(t testing.TB, name string) string {
	c := model.Council{Name: name}
	ok(t, h.db.SaveCouncil(t.Context(), model.Council{}, &c))
	return c.ID
}

func (h *hub) code(t testing.TB, council string) string {
	_, code, err := h.db.AddDevice(t.Context(), "laptop", council, council == "")
	ok(t, err)
	return code
}

func (h *hub) laptop(t testing.TB, name, council string, offset time.Duration) *storage.DB {
	db := open(t, name, offset)
	_, err := cli.Enroll(context.Background(), db, h.url, h.code(t, council))
	ok(t, err)
	return db
}

func state(t testing.TB, db *storage.DB, council string) string {
	t.Helper()
	d, err := db.CouncilData(t.Context(), council)
	ok(t, err)
	cs, err := db.Conflicts(t.Context(), council)
	ok(t, err)
	var b strings.Builder
	fmt.Fprintf(&b, "%+v\n", *d)
	for _, c := range cs {
		fmt.Fprintf(&b, "%s %v %v %v\n", c.ID, c.Current, c.Kept, c.Other)
	}
	return b.String()
}

// converged fails t unless every replica shows the same state of council
// (its rows and open conflicts) as the first.
func converged(t testing.TB, council string, dbs ...*storage.DB) {
	t.Helper()
	replicatest.Converged(t, func(db *storage.DB) string { return state(t, db, council) }, dbs...)
}

func syncOK(t testing.TB, db *storage.DB) Result {
	t.Helper()
	return syncWith(t, cli, db)
}

// syncWith is syncOK with a client of the test's own.
func syncWith(t testing.TB, c *Client, db *storage.DB) Result {
	t.Helper()
	r, err := c.Sync(context.Background(), db, "")
	ok(t, err)
	return r
}

// A council made before enrolment goes up once linked; a second laptop
// gets everything; three laptops edit concurrently and sync in every order.
func TestEndToEnd(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup Lokalråd")

	a := open(t, "a", 0)
	ownCouncil(t, a)
	enrolLinking(t, a, h, council)
	if r := syncOK(t, a); r.Pushed == 0 {
		t.Fatal("nothing pushed")
	}
	b := h.laptop(t, "b", council, time.Second)
	syncOK(t, b)
	converged(t, council, a, b)
	wishes := noerr.Get(b.BudgetWishes(t.Context(), council, 0))(t)
	for _, w := range wishes {
		if w.Status == model.WishAnswered || w.AnswerText != "" {
			t.Errorf("a demo answer went up as if from the municipality: %+v", w)
		}
	}
	c := h.laptop(t, "c", council, 2*time.Second)
	syncOK(t, c)

	orders := [][]*storage.DB{{a, b, c}, {c, b, a}, {b, a, c}, {b, c, a}, {a, c, b}, {c, a, b}}
	for round, order := range orders {
		// Each laptop edits the same meeting and item offline.
		for i, db := range []*storage.DB{a, b, c} {
			ms := noerr.Get(db.Meetings(t.Context(), council))(t)
			m := ms[len(ms)-1]
			m.Place = fmt.Sprintf("Sted %d/%d", round, i)
			ok(t, db.SaveMeeting(t.Context(), storage.Overwriting(t.Context(), db, m), &m))
			items := noerr.Get(db.AgendaItems(t.Context(), ms[len(ms)-2].ID))(t)
			if len(items) > 0 && ms[len(ms)-2].Status != model.MeetingApproved {
				it := items[0]
				it.Notes += fmt.Sprintf("Runde %d, laptop %d\n", round, i)
				ok(t, db.SaveAgendaItem(t.Context(), storage.Overwriting(t.Context(), db, it), &it))
			}
			acts := noerr.Get(db.OpenActionItems(t.Context(), council))(t)
			if len(acts) > i && round%2 == 1 {
				ok(t, db.DeleteActionItem(t.Context(), acts[i].ID))
			}
		}
		for _, db := range order {
			syncOK(t, db)
		}
		for _, db := range order {
			syncOK(t, db)
		}
		converged(t, council, a, b, c, h.db)
		// Every place written this round is the place or kept in a conflict.
		ms := noerr.Get(a.Meetings(t.Context(), council))(t)
		cs := noerr.Get(a.Conflicts(t.Context(), council))(t)
		for i := 0; i < 3; i++ {
			p := fmt.Sprintf("Sted %d/%d", round, i)
			found := ms[len(ms)-1].Place == p
			for _, x := range cs {
				found = found || x.Other == p
			}
			if !found {
				t.Errorf("round %d: edit %q lost", round, p)
			}
		}
	}
}

func TestSecurity(t *testing.T) {
	h := newHub(t)
	jyderup, tornved := h.council(t, "Jyderup"), h.council(t, "Tornved")
	a := h.laptop(t, "a", jyderup, 0)
	other := h.laptop(t, "other", tornved, 0)
	syncOK(t, a)
	syncOK(t, other)
	w := model.BudgetWish{CouncilID: jyderup, Year: 2027, Title: "Cykelsti", Status: model.WishSubmitted}
	ok(t, a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	syncOK(t, a)
	if _, err := other.Council(t.Context(), jyderup); err == nil {
		t.Error("a device of Tornved received Jyderup")
	}

	hubOps := func() int {
		n, err := h.db.HubSequence(context.Background())
		ok(t, err)
		return int(n)
	}
	before := hubOps()
	tokenA := noerr.Get(a.Meta(t.Context(), storage.MetaToken))(t)
	tokenOther := noerr.Get(other.Meta(t.Context(), storage.MetaToken))(t)
	push := func(token string, cs []storage.Change) error {
		for i := range cs { // signed by their author: these checks come after
			for _, db := range []*storage.DB{a, other} {
				if cs[i].Device == db.DeviceID() {
					ok(t, db.SignOwn(&cs[i]))
				}
			}
		}
		wire, err := EncodeOps(cs)
		ok(t, err)
		return cli.call(context.Background(), http.MethodPost, h.url+"/v1/push", token, PushRequest{Ops: wire}, &PushResponse{})
	}
	// Another council's device writes Jyderup's wish.
	evil := storage.Change{Device: other.DeviceID(), Seq: 1000, HLC: now.UnixMilli() << 16, Table: "budget_wishes", Row: w.ID, Council: jyderup, Field: "title", Value: "Hacket"}
	if err := push(tokenOther, []storage.Change{evil}); !errors.Is(err, ErrForbidden) {
		t.Errorf("other council: %v", err)
	}
	// … claiming its own council for Jyderup's row.
	evil.Council = tornved
	if err := push(tokenOther, []storage.Change{evil}); !errors.Is(err, ErrBadInput) {
		t.Errorf("row of another council: %v", err)
	}
	// … or as Jyderup's device.
	evil.Device, evil.Council = a.DeviceID(), jyderup
	if err := push(tokenOther, []storage.Change{evil}); !errors.Is(err, ErrForbidden) {
		t.Errorf("ops of another device: %v", err)
	}
	// A council answers its own wish.
	w.Answer, w.AnswerText, w.Granted, w.Status = model.AnswerGranted, "Ja", 100, model.WishAnswered
	ok(t, a.SaveBudgetWish(t.Context(), storage.Overwriting(t.Context(), a, w), &w))
	// Refused by the server, set aside on the laptop with the reason; the
	// laptop is not stuck, and the status bar says so.
	if r, err := cli.Sync(context.Background(), a, ""); err != nil || r.Refused == 0 || !strings.Contains(r.Note, "kun kommunen") {
		t.Errorf("municipal field: %+v, %v", r, err)
	}
	if note := noteOf(t, a); !strings.Contains(note, "kommunen") {
		t.Errorf("note not remembered: %q", note)
	}
	if hw := noerr.Get(h.db.BudgetWishes(t.Context(), jyderup, 0))(t); len(hw) != 1 || hw[0].Granted != 0 || hw[0].Status == model.WishAnswered {
		t.Errorf("the hub took the council's answer: %+v", hw)
	}
	// Unknown and revoked devices.
	if err := push("nobody.secret", nil); !errors.Is(err, storage.ErrUnauthorized) {
		t.Errorf("unknown device: %v", err)
	}
	if err := push(strings.Split(tokenA, ".")[0]+".wrong", nil); !errors.Is(err, storage.ErrUnauthorized) {
		t.Errorf("wrong secret: %v", err)
	}
	devs := noerr.Get(h.db.Devices(t.Context()))(t)
	for _, d := range devs {
		if d.Replica == other.DeviceID() {
			ok(t, h.db.RevokeDevice(t.Context(), d.ID))
		}
	}
	if _, err := cli.Sync(context.Background(), other, ""); !errors.Is(err, storage.ErrRevoked) {
		t.Errorf("revoked device: %v", err)
	}
	if hubOps() != before {
		t.Errorf("refusals wrote %d ops", hubOps()-before)
	}
	if got := noerr.Get(h.db.BudgetWishes(t.Context(), jyderup, 0))(t); len(got) != 1 || got[0].Title != "Cykelsti" || got[0].Answer != "" {
		t.Errorf("hub's wish = %+v", got)
	}
	// A staff device answers; the council sees the answer.
	staff := h.laptop(t, "staff", "", 0)
	syncOK(t, staff)
	sw := noerr.Get(staff.BudgetWishes(t.Context(), jyderup, 0))(t)
	sw[0].Answer, sw[0].AnswerText, sw[0].Granted, sw[0].Status = model.AnswerPartly, "Delvist bevilget", 50_000_00, model.WishAnswered
	ok(t, staff.SaveBudgetWish(t.Context(), storage.Overwriting(t.Context(), staff, sw[0]), &sw[0]))
	syncOK(t, staff)
	fresh := h.laptop(t, "fresh", jyderup, 0)
	syncOK(t, fresh)
	if got := noerr.Get(fresh.BudgetWishes(t.Context(), jyderup, 0))(t); len(got) != 1 || got[0].AnswerText != "Delvist bevilget" {
		t.Errorf("council's wish after answer = %+v", got)
	}
	// A code works once.
	code := h.code(t, jyderup)
	_, err := cli.Enroll(context.Background(), open(t, "x", 0), h.url, code)
	ok(t, err)
	if _, err := cli.Enroll(context.Background(), open(t, "y", 0), h.url, code); !errors.Is(err, storage.ErrUnauthorized) {
		t.Errorf("code used twice: %v", err)
	}
}

// A laptop whose clock is two days ahead has its ops refused by the hub;
// the laptop then re-stamps them at the hub's time and says so, asking for
// the date to be corrected.
func TestClockAheadRestamped(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup")
	a := h.laptop(t, "a", council, 48*time.Hour)
	syncOK(t, a)
	m := model.Member{CouncilID: council, Name: "Åse", Role: model.RoleMember}
	ok(t, a.SaveMember(t.Context(), model.Member{}, &m))
	res, err := cli.Sync(context.Background(), a, "")
	if err != nil || res.Restamped == 0 || !strings.Contains(res.Note, "2 dage for hurtigt") || !strings.Contains(res.Note, "ret datoen") {
		t.Errorf("clock ahead: %+v, %v", res, err)
	}
	if noteOf(t, a) != res.Note {
		t.Errorf("status note %q, want %q", noteOf(t, a), res.Note)
	}
}

func TestBodyLimit(t *testing.T) {
	h, council, a := syncedLaptop(t, "Jyderup")
	h.srv.MaxBody = 2000
	for i := 0; i < 50; i++ {
		ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: strings.Repeat("Ø", 100) + fmt.Sprint(i), Role: model.RoleMember}))
	}
	// The batch is refused whole as too large; the laptop then sends its
	// ops one at a time, each small enough, and nothing is refused.
	r, err := cli.Sync(context.Background(), a, "")
	if err != nil || r.Refused != 0 || r.Pushed == 0 {
		t.Errorf("big push: %+v, %v", r, err)
	}
	if ms := noerr.Get(h.db.Members(t.Context(), council))(t); len(ms) != 50 {
		t.Errorf("the hub holds %d members", len(ms))
	}
}

func TestResumeAfterCutOff(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup")
	a := open(t, "a", 0)
	ownCouncil(t, a)
	enrolLinking(t, a, h, council)
	h.srv.PageSize = 13
	// Cut the connection off after a few requests, then go on.
	var calls atomic.Int64
	old := cli.HTTP.Transport
	cli := withClient(func(c *Client) { c.PushBatch = 7 })
	cli.HTTP.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if calls.Add(1)%5 == 0 {
			return nil, errors.New("forbindelsen blev afbrudt")
		}
		return old.RoundTrip(r)
	})
	b := open(t, "b", 0)
	for {
		if _, err := cli.Enroll(context.Background(), b, h.url, h.code(t, council)); err == nil {
			break
		}
	}
	for i := 0; ; i++ {
		_, errA := cli.Sync(context.Background(), a, "")
		_, errB := cli.Sync(context.Background(), b, "")
		if errA == nil && errB == nil {
			break
		}
		if i > 2000 { // the demo council is some 4.600 ops (3.800 of them its borgerbudget round): 650 batches of 7
			t.Fatal(errA, errB)
		}
	}
	cli.HTTP.Transport = old
	syncWith(t, cli, a)
	syncWith(t, cli, b)
	if sa, sb := state(t, a, council), state(t, b, council); sa != sb || !strings.Contains(sa, "Karen Østergaard") {
		t.Fatalf("after cut-offs:\n%s\n---\n%s", sa, sb)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestBundles(t *testing.T) {
	h, council, a := syncedLaptop(t, "Jyderup")
	ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Åse", Role: model.RoleChair}))
	var buf bytes.Buffer
	hd, err := cli.WriteBundle(context.Background(), &buf, a, council)
	ok(t, err)
	if hd.Count == 0 || hd.Council != council {
		t.Fatalf("header %+v", hd)
	}
	file := buf.Bytes()

	// Damaged anywhere: refused whole.
	for _, i := range []int{0, 10, len(file) / 2, len(file) - 5} {
		bad := append([]byte{}, file...)
		bad[i] ^= 0x40
		before := noerr.Get(h.db.HubSequence(t.Context()))(t)
		if _, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(bad), h.db, now, 24*time.Hour); err == nil {
			t.Errorf("damaged at %d: accepted", i)
		}
		if after := noerr.Get(h.db.HubSequence(t.Context()))(t); after != before {
			t.Errorf("damaged bundle wrote something")
		}
	}
	_, n, err := cli.HubImportBundle(context.Background(), bytes.NewReader(file), h.db, now, 24*time.Hour)
	ok(t, err)
	if n == 0 {
		t.Error("nothing imported")
	}
	if _, n, err = cli.HubImportBundle(context.Background(), bytes.NewReader(file), h.db, now, 24*time.Hour); err != nil || n != 0 {
		t.Errorf("second import: %d, %v", n, err)
	}
	if ms := noerr.Get(h.db.Members(t.Context(), council))(t); len(ms) != 1 {
		t.Errorf("hub members = %+v", ms)
	}
	// Back to another laptop by bundle; a foreign bundle is refused.
	var back bytes.Buffer
	_, err = cli.WriteBundle(context.Background(), &back, h.db, council)
	ok(t, err)
	b := open(t, "b", 0)
	_, n, err = cli.ImportBundle(context.Background(), bytes.NewReader(back.Bytes()), b)
	ok(t, err)
	if sa, sb := state(t, a, council), state(t, b, council); sa != sb || n == 0 {
		t.Errorf("by bundle:\n%s\n---\n%s", sa, sb)
	}
	c := open(t, "c", 0)
	ok(t, c.SaveCouncil(t.Context(), model.Council{}, &model.Council{Name: "Tornved"}))
	if _, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(back.Bytes()), c); !errors.Is(err, ErrForeignBundle) {
		t.Errorf("foreign bundle: %v", err)
	}
}

// One changed field costs the same bytes however big the database is.
func TestIncrementalCostIndependentOfSize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds large databases")
	}
	small := oneFieldBytes(t, 1)
	large := oneFieldBytes(t, 3)
	t.Logf("bytes for one changed field: %d (1 year), %d (3 years)", small, large)
	if large > small+small/2 {
		t.Errorf("bytes grow with the database: %d → %d", small, large)
	}
}

// largeCouncilLinked is a hub and laptop a, which wrote one council of
// the large data set over years before it enrolled, linked to the hub's
// council (not yet synced).
func largeCouncilLinked(t testing.TB, years int) (h *hub, a *storage.DB, council string) {
	t.Helper()
	h = newHub(t)
	a = open(t, "a", 0)
	ok(t, demo.Large(t.Context(), a, now, demo.LargeSize{Councils: 1, Years: years}, nil))
	council = h.council(t, "x")
	enrolLinking(t, a, h, council)
	return h, a, council
}

func oneFieldBytes(t testing.TB, years int) int64 {
	h, a, council := largeCouncilLinked(t, years)
	syncOK(t, a)
	b := h.laptop(t, "b", council, time.Second)
	syncOK(t, b)
	ms := noerr.Get(a.Meetings(t.Context(), council))(t)
	m := ms[len(ms)/2]
	m.Place = "Skolen"
	ok(t, a.SaveMeeting(t.Context(), storage.Overwriting(t.Context(), a, m), &m))
	start := sent.Load() + received.Load()
	syncOK(t, a)
	syncOK(t, b)
	if got := noerr.Get(b.Meeting(t.Context(), m.ID))(t); got.Place != "Skolen" {
		t.Fatalf("change not synced: %+v", got)
	}
	return sent.Load() + received.Load() - start
}

func BenchmarkOneFieldSync(b *testing.B) {
	h, a, council := largeCouncilLinked(b, 10)
	start := time.Now()
	syncOK(b, a)
	first := time.Since(start)
	ops := noerr.Get(a.CouncilOps(context.Background(), council))(b)
	c := h.laptop(b, "c", council, time.Second)
	start, bytes0 := time.Now(), sent.Load()+received.Load()
	syncOK(b, c)
	firstPull, firstBytes := time.Since(start), sent.Load()+received.Load()-bytes0
	ms := noerr.Get(a.Meetings(b.Context(), council))(b)
	b.ResetTimer()
	var total int64
	for i := 0; i < b.N; i++ {
		m := storage.Overwriting(b.Context(), a, ms[i%len(ms)])
		loaded := m
		m.Place = fmt.Sprint("Sted ", i)
		ok(b, a.SaveMeeting(b.Context(), loaded, &m))
		before := sent.Load() + received.Load()
		syncOK(b, a)
		syncOK(b, c)
		total += sent.Load() + received.Load() - before
	}
	b.ReportMetric(float64(total)/float64(b.N), "bytes/change")
	b.ReportMetric(float64(len(ops)), "ops_in_db")
	b.ReportMetric(first.Seconds(), "s_first_push")
	b.ReportMetric(firstPull.Seconds(), "s_first_pull")
	b.ReportMetric(float64(firstBytes), "bytes_first_pull")
}

func TestWireRoundTrip(t *testing.T) {
	cs := []storage.Change{
		{Device: "d", Seq: 1, HLC: 5, Table: "members", Row: "r", Council: "c", Field: "name", Value: "Łukasz \"Ø\" <x>"},
		{Device: "d", Seq: 2, HLC: 6, Table: "members", Row: "r", Council: "c", Field: "contact", Value: int64(-1 << 62), Base: "d:1"},
		{Device: "d", Seq: 3, HLC: 7, Table: "members", Row: "r", Council: "c", Field: "", Value: nil},
	}
	w, err := EncodeOps(cs)
	ok(t, err)
	back, err := DecodeOps(w)
	ok(t, err)
	if !reflect.DeepEqual(back, cs) {
		t.Errorf("round trip: %+v", back)
	}
	if _, err := DecodeOps([]Op{{Value: []byte("1.5")}}); err == nil {
		t.Error("float accepted")
	}
}

// A council made on a laptop before the municipality added it on the
// server keeps what the laptop typed when it is linked at enrolment: the
// server's empty defaults (no area, no grant) are no edits, so they give
// way without conflicts. Its name becomes the server's: the person said
// yes to joining that council, and the municipality names its councils.
func TestLinkingKeepsLocalValuesWithoutFalseConflicts(t *testing.T) {
	h := newHub(t)
	a := open(t, "early", -time.Hour) // made before the server's council
	ownCouncil(t, a)
	council := h.council(t, "Jyderup Lokalråd")
	enrolLinking(t, a, h, council)
	syncOK(t, a)
	syncOK(t, a)
	cs, err := a.Conflicts(t.Context(), council)
	ok(t, err)
	if len(cs) != 0 {
		t.Errorf("linking made %d conflicts: %+v", len(cs), cs)
	}
	for _, db := range []*storage.DB{a, h.db} {
		c, err := db.Council(t.Context(), council)
		ok(t, err)
		if c.Area != "Jyderup" || c.AnnualGrant != 30_000_00 || c.Name != "Jyderup Lokalråd" {
			t.Errorf("council after linking: %+v", c)
		}
	}

	// Different names on the two sides: the server's stands, everywhere.
	h2 := newHub(t)
	b := open(t, "early2", -time.Hour)
	ownCouncil(t, b)
	council2 := h2.council(t, "Jyderup Lokalforum")
	enrolLinking(t, b, h2, council2)
	syncOK(t, b)
	cs = noerr.Get(b.Conflicts(t.Context(), council2))(t)
	if len(cs) != 0 {
		t.Errorf("conflicts = %+v", cs)
	}
	for _, db := range []*storage.DB{b, h2.db} {
		if c := noerr.Get(db.Council(t.Context(), council2))(t); c.Name != "Jyderup Lokalforum" || c.Area != "Jyderup" {
			t.Errorf("council after linking: %+v", c)
		}
	}
}

// noteOf is the status bar's note of db now.
func noteOf(t testing.TB, db *storage.DB) string {
	t.Helper()
	st, err := db.SyncState(context.Background())
	ok(t, err)
	return SyncNote(st, db.Now())
}
