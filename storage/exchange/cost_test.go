package exchange

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// rawPush sends ops as device db over HTTP, the way a tampered or buggy
// client could.
func rawPush(t testing.TB, h *hub, db *storage.DB, ops []storage.Change) error {
	t.Helper()
	token := noerr.Get(db.Meta(t.Context(), storage.MetaToken))(t)
	wire, err := EncodeOps(ops)
	ok(t, err)
	var pr PushResponse
	return cli.call(context.Background(), http.MethodPost, h.url+"/v1/push", token, PushRequest{Ops: wire}, &pr)
}

// Finding 5: one device pushed ops of 7.5 MB each, all accepted. A single
// op over the hub's limit is refused at push, naming its field in Danish.
func TestBigOpRefusedNamingField(t *testing.T) {
	h, council, a := syncedLaptop(t, "Jyderup")
	big := storage.Change{Device: a.DeviceID(), Seq: 1000, HLC: now.UnixMilli() << 16, Table: "projects", Row: "p-big",
		Council: council, Field: "description", Value: strings.Repeat("Referat. ", 7_500_000/9)}
	err := rawPush(t, h, a, []storage.Change{big})
	var re *RemoteError
	if !errors.As(err, &re) || re.Status != http.StatusRequestEntityTooLarge || !errors.Is(err, ErrOpTooLarge) {
		t.Fatalf("7.5 MB op: %v", err)
	}
	for _, want := range []string{"»beskrivelse«", "et projekt", "projects.description", "7,2 MB", "højst 1 MB"} {
		if !strings.Contains(re.Msg, want) {
			t.Errorf("message %q lacks %q", re.Msg, want)
		}
	}
	if ops, err := h.db.FieldOps(context.Background(), "projects", "p-big", "description"); err != nil || len(ops) != 0 {
		t.Errorf("the hub kept %d ops of the refused push (%v)", len(ops), err)
	}

	// The same through the app: a hub with a lower limit refuses a long
	// description when the laptop syncs, and says which field.
	h.srv.MaxOp = 50_000
	p := model.Project{CouncilID: council, Title: "Shelter", Status: model.ProjectIdea, Description: strings.Repeat("Lang tekst.\n", 6000)}
	ok(t, a.SaveProject(t.Context(), model.Project{}, &p))
	// It is set aside, kept with the reason, and the laptop is not stuck.
	r, err := cli.Sync(context.Background(), a, "")
	if err != nil || r.Refused != 1 || !strings.Contains(r.Note, "»beskrivelse«") {
		t.Errorf("long description: %+v, %v", r, err)
	}
	if refused := noerr.Get(a.RefusedChanges(t.Context(), council))(t); len(refused) != 1 || refused[0].Value != p.Description {
		t.Errorf("the long description is not kept: %d refused", len(refused))
	}
	syncOK(t, a)
}

// Finding 5: a new laptop could not pull a council holding many large ops
// ("beskeden er for stor"). Pages are bounded in bytes too, and a page
// always makes progress, even past an op bigger than the page.
func TestPullPagesBoundedInBytes(t *testing.T) {
	h, council, a := syncedLaptop(t, "Jyderup")
	for i := 0; i < 12; i++ {
		p := model.Project{CouncilID: council, Title: fmt.Sprint("Projekt ", i), Status: model.ProjectIdea,
			Description: strings.Repeat(fmt.Sprintf("Linje %d af et langt projekt.\n", i), 3000)} // about 90 kB
		ok(t, a.SaveProject(t.Context(), model.Project{}, &p))
	}
	syncOK(t, a)

	const limit = 200_000
	var since storage.Cursor
	pages, sizes := 0, 0
	for more := true; more; pages++ {
		ops, next, m, err := h.db.HubPage(context.Background(), council, since, storage.Page{Ops: 1000, Bytes: limit}, "")
		ok(t, err)
		if next.String() == since.String() || len(ops) == 0 {
			t.Fatalf("page %d made no progress", pages)
		}
		bytes := 0
		for _, c := range ops {
			bytes += c.Size()
		}
		if bytes > limit && len(ops) > 1 {
			t.Errorf("page %d holds %d bytes in %d ops, limit %d", pages, bytes, len(ops), limit)
		}
		wire, err := EncodeOps(ops)
		ok(t, err)
		raw := noerr.Get(jsonBytes(wire))(t)
		if len(raw) > limit && len(ops) > 1 {
			t.Errorf("page %d is %d bytes on the wire, limit %d", pages, len(raw), limit)
		}
		sizes += len(ops)
		since, more = next, m
	}
	if pages < 6 {
		t.Errorf("1 MB of ops came in %d pages of at most 200 kB", pages)
	}
	// A page smaller than one op still moves on, one op at a time.
	ops, next, _, err := h.db.HubPage(context.Background(), council, storage.Cursor{}, storage.Page{Ops: 1000, Bytes: 10}, "")
	ok(t, err)
	if len(ops) != 1 || next.String() != "1" {
		t.Errorf("a 10-byte page: %d ops, next %s", len(ops), next)
	}

	// A new laptop asking for small pages gets everything.
	cli := withClient(func(c *Client) { c.PullBytes = limit })
	b := h.laptop(t, "b", council, 0)
	syncWith(t, cli, b)
	if state(t, a, council) != state(t, b, council) {
		t.Error("the new laptop differs")
	}
	ps, err := b.Projects(t.Context(), council)
	ok(t, err)
	if len(ps) != 12 {
		t.Errorf("the new laptop has %d projects", len(ps))
	}
	// The hub caps a page at its own bound, whatever the client asks.
	h.srv.PageBytes = 100_000
	token := noerr.Get(b.Meta(t.Context(), storage.MetaToken))(t)
	var pr PullResponse
	ok(t, cli.call(context.Background(), http.MethodGet, h.url+"/v1/pull?since=0&bytes=100000000&own=1", token, nil, &pr))
	got, err := DecodeOps(pr.Ops)
	ok(t, err)
	size := 0
	for _, c := range got {
		size += c.Size()
	}
	if !pr.More || size > 100_000 && len(got) > 1 {
		t.Errorf("a page asked for 100 MB at a hub allowing 100 kB: %d ops of %d bytes, more %v", len(got), size, pr.More)
	}
}

func jsonBytes(v any) ([]byte, error) {
	var buf bytes.Buffer
	err := json.NewEncoder(&buf).Encode(v)
	return buf.Bytes(), err
}

// Per-device quotas per day, with a clear Danish refusal; the next day the
// device may send again.
func TestQuotaExceeded(t *testing.T) {
	h, council, a := syncedLaptop(t, "Jyderup")
	b := h.laptop(t, "b", council, 0)
	syncOK(t, b)
	h.srv.QuotaOps = 10
	for i := 0; i < 3; i++ {
		ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: fmt.Sprint("Medlem ", i), Role: model.RoleMember}))
	}
	ok(t, b.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Fra b", Role: model.RoleMember}))
	syncOK(t, b)
	res, err := cli.Sync(context.Background(), a, "")
	if res.Pulled == 0 {
		t.Error("a device over its quota received nothing")
	}
	var re *RemoteError
	if !errors.Is(err, ErrQuota) || !errors.As(err, &re) || re.Status != http.StatusTooManyRequests ||
		!strings.Contains(re.Msg, "højst 10 ændringer") || !strings.Contains(re.Msg, "pr. døgn") {
		t.Fatalf("over quota: %v", err)
	}
	if n, _ := a.PendingCount(context.Background(), ""); n == 0 {
		t.Error("refused ops were marked as sent")
	}
	h.srv.QuotaOps, h.srv.QuotaBytes = 0, 2000
	if _, err := cli.Sync(context.Background(), a, ""); !errors.Is(err, ErrQuota) || !strings.Contains(err.Error(), "kB") {
		t.Errorf("over the byte quota: %v", err)
	}
	h.srv.QuotaOps, h.srv.QuotaBytes = 100, 0
	h.srv.Now = func() time.Time { return now.Add(24 * time.Hour) }
	syncOK(t, a)
}

// Finding 5: every pull took the write lock, and a big push held it for
// seconds. A pull now reads without the lock: it succeeds while another
// connection holds the write lock; and another council's small pushes and
// pulls succeed while a council pushes thousands of ops.
func TestPullDuringBigPush(t *testing.T) {
	h := newHub(t)
	big := h.council(t, "Stor")
	small := h.council(t, "Lille")
	a := h.laptop(t, "a", big, 0)
	b := h.laptop(t, "b", small, 0)
	syncOK(t, a)
	syncOK(t, b)

	// Another writer holds the hub's write lock; a pull does not wait for it.
	other, err := sql.Open("sqlite", h.db.Path()+"?_pragma=busy_timeout(100)&_txlock=immediate")
	ok(t, err)
	defer other.Close()
	tx, err := other.Begin()
	ok(t, err)
	_, err = tx.Exec("INSERT OR REPLACE INTO meta(key, value) VALUES ('test_lock', '1')")
	ok(t, err)
	start := time.Now()
	if _, err := cli.Sync(context.Background(), b, ""); err != nil {
		t.Errorf("a pull while the write lock is held: %v", err)
	}
	t.Logf("pull under a held write lock: %v", time.Since(start))
	ok(t, tx.Rollback())

	// A big push (6,000 ops in batches) while the other council syncs.
	for i := 0; i < 1000; i++ {
		ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: big, Name: fmt.Sprint("Medlem ", i), Role: model.RoleMember, Phone: "+45 1234 5678"}))
	}
	var wg gosync.WaitGroup
	done := make(chan struct{})
	var bigErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(done)
		_, bigErr = cli.Sync(context.Background(), a, "")
	}()
	var worst time.Duration
	rounds := 0
	for running := true; running; rounds++ {
		select {
		case <-done:
			running = false
		default:
		}
		ok(t, b.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: small, Name: fmt.Sprint("Lille ", rounds), Role: model.RoleMember}))
		start := time.Now()
		if _, err := cli.Sync(context.Background(), b, ""); err != nil {
			t.Fatalf("the small council's sync %d during the big push: %v", rounds, err)
		}
		worst = max(worst, time.Since(start))
	}
	wg.Wait()
	ok(t, bigErr)
	t.Logf("%d small syncs during the big push, the slowest %v", rounds, worst)
	if n := noerr.Get(b.PendingCount(context.Background(), ""))(t); n != 0 {
		t.Errorf("%d ops of the small council unsent", n)
	}
}

// Enrolment codes expire (14 days by default).
func TestEnrolCodeExpires(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup")
	code := h.code(t, council)
	h.srv.Now = func() time.Time { return now.Add(15 * 24 * time.Hour) }
	_, err := cli.Enroll(context.Background(), open(t, "late", 0), h.url, code)
	var re *RemoteError
	if !errors.Is(err, ErrCodeExpired) || !errors.As(err, &re) || re.Status != http.StatusUnauthorized || !strings.Contains(err.Error(), "bed kommunen om en ny kode") {
		t.Fatalf("a code 15 days old: %v", err)
	}
	fresh := h.code(t, council)
	h.srv.Now = func() time.Time { return now.Add(13 * 24 * time.Hour) }
	if _, err := cli.Enroll(context.Background(), open(t, "in-time", 0), h.url, fresh); err != nil {
		t.Errorf("a code 13 days old: %v", err)
	}
}

// Failed authentications and enrolments are limited per address and per
// device: past the limit a wrong secret and any enrolment code (a code is
// short enough to guess) wait, with a Danish 429; the right secret passes.
func TestRateLimitFailedAuth(t *testing.T) {
	h, council, a := syncedLaptop(t, "Jyderup")
	h.srv.MaxFailures = 3
	token := noerr.Get(a.Meta(t.Context(), storage.MetaToken))(t)
	id, _, _ := strings.Cut(token, ".")
	ok(t, a.SetMeta(t.Context(), storage.MetaToken, id+".forkert"))
	for i := 0; i < 3; i++ {
		if _, err := cli.Sync(context.Background(), a, ""); !errors.Is(err, storage.ErrUnauthorized) {
			t.Fatalf("wrong secret %d: %v", i, err)
		}
	}
	// A fourth wrong secret is told to wait.
	_, err := cli.Sync(context.Background(), a, "")
	var re *RemoteError
	if !errors.Is(err, ErrRateLimited) || !errors.As(err, &re) || re.Status != http.StatusTooManyRequests || !strings.Contains(re.Msg, "prøv igen om 15 minutter") {
		t.Fatalf("after 3 failures: %v", err)
	}
	// The right secret is not: no guess finds 32 random bytes, and a
	// shared address is every laptop behind it.
	ok(t, a.SetMeta(t.Context(), storage.MetaToken, token))
	syncOK(t, a)
	// Enrolling from the same address waits too.
	if _, err := cli.Enroll(context.Background(), open(t, "b", 0), h.url, h.code(t, council)); !errors.Is(err, ErrRateLimited) {
		t.Errorf("enrolment from a blocked address: %v", err)
	}
	h.srv.Now = func() time.Time { return now.Add(16 * time.Minute) }

	// Failed enrolments count as well.
	for i := 0; i < 3; i++ {
		if _, err := cli.Enroll(context.Background(), open(t, fmt.Sprint("g", i), 0), h.url, "gæt-gæt-gæt-gæt"); !errors.Is(err, storage.ErrUnauthorized) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	if _, err := cli.Enroll(context.Background(), open(t, "c", 0), h.url, h.code(t, council)); !errors.Is(err, ErrRateLimited) {
		t.Errorf("enrolment after 3 bad codes: %v", err)
	}
}

// Finding 4: a laptop whose date was 3 days ahead, then corrected, failed
// every sync forever. Now its unsent ops are re-stamped at the hub's time,
// in their order and with their bases, and its clock comes back.
func TestClockCorrectedRestamps(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup")
	a := h.laptop(t, "a", council, 72*time.Hour)
	b := h.laptop(t, "b", council, 0)
	syncOK(t, a)
	syncOK(t, b)
	m := model.Member{CouncilID: council, Name: "Åse", Role: model.RoleMember}
	ok(t, a.SaveMember(t.Context(), model.Member{}, &m))
	m.Name, m.Phone = "Åse Nielsen", "+45 1234 5678"
	ok(t, a.SaveMember(t.Context(), storage.Overwriting(t.Context(), a, m), &m))
	p := model.Project{CouncilID: council, Title: "Shelter", Status: model.ProjectIdea, Description: "Første linje\n"}
	ok(t, a.SaveProject(t.Context(), model.Project{}, &p))
	ok(t, a.DeleteMember(t.Context(), m.ID))
	before, err := a.PendingOps(context.Background(), "", 1000)
	ok(t, err)

	// The date is corrected.
	clock := now
	a.Now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }
	res, err := cli.Sync(context.Background(), a, "")
	if err != nil {
		t.Fatalf("sync after the clock was corrected: %v", err)
	}
	want := fmt.Sprintf("Enhedens ur gik 3 dage for hurtigt; %d ændringer er omstemplet.", len(before))
	if res.Restamped != len(before) || res.Note != want {
		t.Errorf("result %+v, want note %q", res, want)
	}
	if noteOf(t, a) != want {
		t.Errorf("status note %q", noteOf(t, a))
	}
	held, err := h.db.CouncilOps(context.Background(), council)
	ok(t, err)
	var after []storage.Change
	for _, c := range held {
		if c.Device == a.DeviceID() {
			after = append(after, c)
		}
	}
	if len(after) != len(before) {
		t.Fatalf("the hub holds %d of %d ops", len(after), len(before))
	}
	for i, c := range after { // CouncilOps is in clock order
		if c.Seq != before[i].Seq || c.Base != before[i].Base || c.Field != before[i].Field {
			t.Errorf("op %d: %s base %q, was %s base %q", i, c.ID(), c.Base, before[i].ID(), before[i].Base)
		}
		if c.HLC>>16 > now.Add(time.Minute).UnixMilli() {
			t.Errorf("op %s still stamped %s", c.ID(), time.UnixMilli(c.HLC>>16).UTC())
		}
	}
	// Its clock came back: the next edit is stamped now, and syncs.
	ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Bo", Role: model.RoleMember}))
	next, err := a.PendingOps(context.Background(), "", 1)
	ok(t, err)
	if len(next) != 1 || next[0].HLC>>16 > now.Add(time.Minute).UnixMilli() {
		t.Errorf("the next edit: %+v", next)
	}
	syncOK(t, a)
	syncOK(t, b)
	converged(t, council, a, b)
	if ms := noerr.Get(b.Members(t.Context(), council))(t); len(ms) != 1 || ms[0].Name != "Bo" {
		t.Errorf("members on the other laptop: %+v", ms)
	}
}

// Finding 4: a laptop importing a bundle stamped 10 years ahead jumped its
// own clock to that year. The bundle is refused with a Danish message, and
// ops from the future applied any other way never move the clock past a
// day ahead.
func TestBundleFromFutureKeepsClock(t *testing.T) {
	future := open(t, "future", 10*365*24*time.Hour)
	c := model.Council{Name: "Jyderup"}
	ok(t, future.SaveCouncil(t.Context(), model.Council{}, &c))
	ok(t, future.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: c.ID, Name: "Fremtid", Role: model.RoleMember}))
	var file bytes.Buffer
	_, err := cli.WriteBundle(context.Background(), &file, future, c.ID)
	ok(t, err)

	here := open(t, "here", 0)
	_, _, err = cli.ImportBundle(context.Background(), bytes.NewReader(file.Bytes()), here)
	if !errors.Is(err, ErrClock) || !strings.Contains(err.Error(), "ikke indlæst") || !strings.Contains(err.Error(), "2036") {
		t.Fatalf("a bundle 10 years ahead: %v", err)
	}
	_, ops, err := cli.ReadBundle(bytes.NewReader(file.Bytes()))
	ok(t, err)
	_, err = here.ApplyOps(context.Background(), ops)
	ok(t, err)
	ok(t, here.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: c.ID, Name: "Nu", Role: model.RoleMember}))
	mine, err := here.PendingOps(context.Background(), "", 1)
	ok(t, err)
	if len(mine) != 1 || time.UnixMilli(mine[0].HLC>>16).After(now.Add(storage.MaxClockSkew+time.Minute)) {
		t.Errorf("an edit after ops from 2036 is stamped %v", time.UnixMilli(mine[0].HLC>>16).UTC())
	}
}

// chunkedNames is 20 new members' names of a's, in the order a wrote them,
// while the hub applies pushes in chunks of 5 (until the test ends).
func chunkedNames(t *testing.T, a *storage.DB, council string) []storage.Change {
	n := storage.HubChunkOps
	t.Cleanup(func() { storage.HubChunkOps = n })
	storage.HubChunkOps = 5
	var ops []storage.Change
	hlc := now.UnixMilli() << 16
	for i := 1; i <= 20; i++ {
		hlc++
		ops = append(ops, storage.Change{Device: a.DeviceID(), Seq: int64(i), HLC: hlc, Table: "members", Row: fmt.Sprint("m", i), Council: council, Field: "name", Value: "Navn"})
	}
	return ops
}

// Pushes are applied in chunks, but a batch with a malformed op is still
// refused whole.
func TestChunkedPushRefusedWhole(t *testing.T) {
	h, council, a := syncedLaptop(t, "Jyderup")
	ops := chunkedNames(t, a, council)
	ops[17].Field = "skostørrelse"
	if err := rawPush(t, h, a, signedBy(t, a, ops)); !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), "ukendt felt") {
		t.Fatalf("a batch with an unknown field: %v", err)
	}
	if ops := noerr.Get(h.db.FieldOps(context.Background(), "members", "m1", "name"))(t); len(ops) != 0 {
		t.Error("the first chunk of a refused batch was kept")
	}
	ops[17].Field = "name"
	ok(t, rawPush(t, h, a, signedBy(t, a, ops)))
	if ops := noerr.Get(h.db.FieldOps(context.Background(), "members", "m20", "name"))(t); len(ops) != 1 {
		t.Error("the last chunk was not applied")
	}
}
