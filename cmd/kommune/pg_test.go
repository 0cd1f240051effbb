package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/exchange"
	"lokalraad/storage/postgres/pgtest"
)

func TestMain(m *testing.M) {
	if os.Getenv("LOKALRAAD_KOMMUNE_MAIN") == "1" { // a serve node of a test
		main()
		os.Exit(0)
	}
	// The mirrors of a hub on PostgreSQL (--cache's default) go to a
	// temporary folder, never the user's cache.
	dir, err := os.MkdirTemp("", "kommune-cache-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	code := pgtest.Main(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

// startServe runs `kommune serve` on db until the test ends; it returns
// the hub's URL and its log.
func startServe(t *testing.T, db string, flags ...string) (string, *bytes.Buffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	logs := &bytes.Buffer{}
	go func() {
		done <- serve(ctx, append([]string{"--addr", "127.0.0.1:0", "--db", db}, flags...), io.Discard, logs, ready)
	}()
	select {
	case addr := <-ready:
		t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
		})
		return "http://" + addr, logs
	case err := <-done:
		cancel()
		t.Fatalf("serve: %v", err)
	}
	return "", nil
}

func laptopDB(t *testing.T, name string) *storage.DB {
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), name+".db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func enrolSync(t *testing.T, url, code string, db *storage.DB) {
	t.Helper()
	if _, err := exchange.NewClient().Enroll(context.Background(), db, url, code); err != nil {
		t.Fatal(err)
	}
	if _, err := exchange.NewClient().Sync(context.Background(), db, ""); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b := noerr.Get(io.ReadAll(resp.Body))(t)
	return resp.StatusCode, string(b)
}

// Every admin subcommand the PostgreSQL store has works the same on both
// stores, with serve, health, readiness and metrics.
func TestAdminOnBothStores(t *testing.T) {
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "kommune.db")
			if store == "postgres" {
				db = pgtest.URL(t)
			}
			council := lastLine(runOK(t, "council", "add", "--db", db, "--name", "Jyderup Lokalråd"))
			if list := runOK(t, "council", "list", "--db", db); !strings.Contains(list, council+"\tJyderup Lokalråd") {
				t.Errorf("council list:\n%s", list)
			}
			code1 := lastLine(runOK(t, "device", "enroll", "--db", db, "--council", council, "--name", "Karens bærbare"))
			code2 := lastLine(runOK(t, "device", "enroll", "--db", db, "--council", council, "--name", "Sørens bærbare"))
			url, logs := startServe(t, db)

			a, b := laptopDB(t, "a"), laptopDB(t, "b")
			enrolSync(t, url, code1, a)
			if err := a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Karen Østergaard", Role: model.RoleChair}); err != nil {
				t.Fatal(err)
			}
			if _, err := exchange.NewClient().Sync(context.Background(), a, ""); err != nil {
				t.Fatal(err)
			}
			enrolSync(t, url, code2, b)
			if mb := noerr.Get(b.Members(t.Context(), council))(t); len(mb) != 1 || mb[0].Name != "Karen Østergaard" {
				t.Fatalf("b's members: %+v", mb)
			}
			list := runOK(t, "device", "list", "--db", db)
			var id string
			for _, l := range strings.Split(list, "\n") {
				if strings.Contains(l, "Sørens bærbare") {
					id = strings.Fields(l)[0]
				}
			}
			if id == "" {
				t.Fatalf("device list:\n%s", list)
			}
			runOK(t, "device", "revoke", "--db", db, id)
			if _, err := exchange.NewClient().Sync(context.Background(), b, ""); !errors.Is(err, storage.ErrRevoked) {
				t.Errorf("revoked device synced: %v", err)
			}
			if code, _ := get(t, url+"/healthz"); code != 200 {
				t.Errorf("/healthz: %d", code)
			}
			if code, body := get(t, url+"/readyz"); code != 200 {
				t.Errorf("/readyz: %d %s", code, body)
			}
			_, m := get(t, url+"/metrics")
			for _, want := range []string{"lokalraad_hub_pushes_total 1", "lokalraad_hub_ops_accepted_total", `lokalraad_hub_refusals_total{reason="revoked"} 1`, `lokalraad_hub_request_seconds_bucket{route="/v1/push",le="+Inf"}`} {
				if !strings.Contains(m, want) {
					t.Errorf("/metrics lacks %q:\n%s", want, m)
				}
			}
			if !strings.Contains(logs.String(), `"msg":"request"`) || !strings.Contains(logs.String(), `"path":"/v1/push"`) {
				t.Errorf("no request log:\n%s", logs.String())
			}

			// Pools: written at the hub (on PostgreSQL through the admin's
			// mirror and the door), listed, and pulled by a laptop.
			cache := t.TempDir()
			pool := lastLine(runOK(t, "pool", "add", "--db", db, "--cache", cache, "--name", "Landdistriktspuljen", "--open", "--amount", "100.000"))
			if list := runOK(t, "pool", "list", "--db", db, "--cache", cache); !strings.Contains(list, pool+"\tLanddistriktspuljen\thele året\t100.000 kr.") {
				t.Errorf("pool list:\n%s", list)
			}
			if _, err := exchange.NewClient().Sync(context.Background(), a, ""); err != nil {
				t.Fatal(err)
			}
			if ps, _ := a.Pools(t.Context()); len(ps) != 1 || ps[0].ID != pool {
				t.Errorf("a's pools: %+v", ps)
			}

			// Bundles: the hub's bundle of the council brings a new laptop
			// everything; a laptop's bundle goes in at the hub and reaches
			// another laptop by sync.
			dir := t.TempDir()
			runOK(t, "bundle", "export", "--db", db, "--council", council, "--out", filepath.Join(dir, "hub.bundle"))
			c := laptopDB(t, "c")
			f, err := os.Open(filepath.Join(dir, "hub.bundle"))
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = exchange.NewClient().ImportBundle(context.Background(), f, c)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			if mb, _ := c.Members(t.Context(), council); len(mb) != 1 || mb[0].Name != "Karen Østergaard" {
				t.Errorf("the hub's bundle: members %+v", mb)
			}
			if ps, _ := c.Pools(t.Context()); len(ps) != 1 {
				t.Errorf("the hub's bundle: pools %+v", ps)
			}
			mt := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: time.Now().Add(72 * time.Hour)}
			if err := a.SaveMeeting(t.Context(), model.Meeting{}, &mt); err != nil {
				t.Fatal(err)
			}
			out, err := os.Create(filepath.Join(dir, "a.bundle"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := exchange.NewClient().WriteBundle(context.Background(), out, a, council); err != nil {
				t.Fatal(err)
			}
			out.Close()
			if got := runOK(t, "bundle", "import", "--db", db, filepath.Join(dir, "a.bundle")); !strings.Contains(got, "nye ændringer af") {
				t.Errorf("bundle import: %s", got)
			}
			code3 := lastLine(runOK(t, "device", "enroll", "--db", db, "--council", council, "--name", "Idas bærbare"))
			d := laptopDB(t, "d")
			enrolSync(t, url, code3, d)
			if ms, _ := d.Meetings(t.Context(), council); len(ms) != 1 || ms[0].ID != mt.ID {
				t.Errorf("the meeting from a's bundle: %+v", ms)
			}
		})
	}
}

// Two nodes on one PostgreSQL, each with its own mirror: what a laptop
// pushes to node A and the pool the admin adds are on node B's pages and
// reach a laptop pulling from node B.
func TestPGTwoNodesRowsAndPages(t *testing.T) {
	db := pgtest.URL(t)
	council := lastLine(runOK(t, "council", "add", "--db", db, "--name", "Jyderup Lokalråd"))
	codeA := lastLine(runOK(t, "device", "enroll", "--db", db, "--council", council, "--name", "a"))
	codeB := lastLine(runOK(t, "device", "enroll", "--db", db, "--council", council, "--name", "b"))
	nodeA, _ := startServe(t, db, "--cache", t.TempDir())
	nodeB, _ := startServe(t, db, "--cache", t.TempDir())
	if code, body := get(t, nodeB+"/offentlig/"+council+"/"); code != http.StatusNotFound {
		t.Errorf("an unpublished council's page: %d\n%s", code, body)
	}

	a := laptopDB(t, "a")
	enrolSync(t, nodeA, codeA, a)
	mt := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: time.Now().Add(72 * time.Hour), Place: "Forsamlingshuset"}
	if err := a.SaveMeeting(t.Context(), model.Meeting{}, &mt); err != nil {
		t.Fatal(err)
	}
	it := model.AgendaItem{CouncilID: council, MeetingID: mt.ID, Title: "Shelter ved søen", Kind: model.ItemDecision}
	if err := a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it); err != nil {
		t.Fatal(err)
	}
	pub := model.Publication{CouncilID: council, Enabled: true, Meetings: true}
	if err := a.SavePublication(t.Context(), model.Publication{}, &pub); err != nil {
		t.Fatal(err)
	}
	if _, err := exchange.NewClient().Sync(context.Background(), a, ""); err != nil {
		t.Fatal(err)
	}
	// At once on node B: its mirror pulls before the page is served.
	code, body := get(t, nodeB+"/offentlig/"+council+"/")
	if code != http.StatusOK || !strings.Contains(body, "Jyderup Lokalråd") || !strings.Contains(body, "Shelter ved søen") {
		t.Errorf("node B's public page: %d\n%s", code, body)
	}
	if code, body := get(t, nodeB+"/oversigt"); code != http.StatusUnauthorized || strings.Contains(body, "Jyderup") {
		t.Errorf("node B's /oversigt to a stranger: %d\n%s", code, body)
	}

	pool := lastLine(runOK(t, "pool", "add", "--db", db, "--cache", t.TempDir(), "--name", "Landdistriktspuljen", "--deadline", "01.03.2027"))
	b := laptopDB(t, "b")
	enrolSync(t, nodeB, codeB, b)
	if ps, _ := b.Pools(t.Context()); len(ps) != 1 || ps[0].ID != pool {
		t.Errorf("b at node B: pools %+v", ps)
	}
	if ms, _ := b.Meetings(t.Context(), council); len(ms) != 1 {
		t.Errorf("b at node B: meetings %+v", ms)
	}
}

// A hub moved from SQLite to PostgreSQL keeps every op with its number,
// its identity and its devices: a laptop syncs on as before, a new one
// gets everything, and the counts and hashes agree per council.
func TestMigrateToPostgres(t *testing.T) {
	dir := t.TempDir()
	hubPath := filepath.Join(dir, "kommune.db")
	jy := lastLine(runOK(t, "council", "add", "--db", hubPath, "--name", "Jyderup Lokalråd"))
	ka := lastLine(runOK(t, "council", "add", "--db", hubPath, "--name", "Kalundborg Lokalråd"))
	codeA := lastLine(runOK(t, "device", "enroll", "--db", hubPath, "--council", jy, "--name", "a"))
	codeK := lastLine(runOK(t, "device", "enroll", "--db", hubPath, "--council", ka, "--name", "k"))
	runOK(t, "pool", "add", "--db", hubPath, "--name", "Landdistriktspuljen", "--open")
	spare := lastLine(runOK(t, "device", "enroll", "--db", hubPath, "--council", jy, "--name", "c"))

	url, _ := startServeFor(t, hubPath)
	a, k := laptopDB(t, "a"), laptopDB(t, "k")
	enrolSync(t, url.url, codeA, a)
	enrolSync(t, url.url, codeK, k)
	for i, name := range []string{"Karen", "Søren", "Mette"} {
		db, council := a, jy
		if i == 2 {
			db, council = k, ka
		}
		if err := db.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: name, Role: model.RoleMember}); err != nil {
			t.Fatal(err)
		}
		if _, err := exchange.NewClient().Sync(context.Background(), db, ""); err != nil {
			t.Fatal(err)
		}
	}
	// A file on the SQLite hub, and a staff user of the web pages.
	m := model.Meeting{CouncilID: jy, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: time.Now().Add(72 * time.Hour)}
	if err := a.SaveMeeting(t.Context(), model.Meeting{}, &m); err != nil {
		t.Fatal(err)
	}
	it := model.AgendaItem{CouncilID: jy, MeetingID: m.ID, Title: "Stien ved søen", Kind: model.ItemDecision}
	if err := a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it); err != nil {
		t.Fatal(err)
	}
	file := bytes.Repeat([]byte("tilbud på stien "), 200_000) // 3.2 MB: several chunks
	att, err := a.AddAttachment(t.Context(), model.OwnerItem, it.ID, "Tilbud.pdf", bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if r, err := exchange.NewClient().Sync(context.Background(), a, ""); err != nil || r.BlobsSent != 1 {
		t.Fatalf("sending the file to the SQLite hub: %+v %v", r, err)
	}
	staffPW := lastLine(runOK(t, "staff", "add", "--db", hubPath, "--name", "Ida Ørsted"))
	url.stop()

	pg := pgtest.URL(t)
	out := runOK(t, "migrate", "--from", hubPath, "--to", pg)
	if !strings.Contains(out, "alle 3 råd stemmer") || !strings.Contains(out, "1 medarbejdere og 1 bilagsfiler") || strings.Contains(out, "NEJ") {
		t.Errorf("migrate:\n%s", out)
	}
	hc, err := openHub(context.Background(), pg)
	if err != nil {
		t.Fatal(err)
	}
	if good, err := hc.staff().CheckStaffUser(t.Context(), "Ida Ørsted", staffPW); err != nil || !good {
		t.Errorf("the staff user's password after the move: %v %v", good, err)
	}
	hc.Close()
	var o, e bytes.Buffer
	if err := run(context.Background(), []string{"migrate", "--from", hubPath, "--to", pg}, &o, &e); err == nil {
		t.Error("a second move into the same database was taken")
	}

	pgURL, _ := startServe(t, pg)
	// Laptop a goes on against the moved hub, as if nothing happened.
	a.SetMeta(t.Context(), storage.MetaServer, pgURL)
	k.SetMeta(t.Context(), storage.MetaServer, pgURL)
	if r, err := exchange.NewClient().Sync(context.Background(), a, ""); err != nil || r.Pulled != 0 {
		t.Fatalf("first sync after the move: %+v, %v (want nothing to pull)", r, err)
	}
	if err := a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: jy, Name: "Jens", Role: model.RoleMember}); err != nil {
		t.Fatal(err)
	}
	if _, err := exchange.NewClient().Sync(context.Background(), a, ""); err != nil {
		t.Fatal(err)
	}
	c := laptopDB(t, "c")
	enrolSync(t, pgURL, spare, c)
	if got, err := c.ReadAttachment(att); err != nil || !bytes.Equal(got, file) {
		t.Errorf("the file moved to PostgreSQL, fetched by a new laptop: %v", err)
	}
	ma := noerr.Get(a.Members(t.Context(), jy))(t)
	mc := noerr.Get(c.Members(t.Context(), jy))(t)
	if len(ma) != 3 || len(mc) != 3 {
		t.Errorf("members of Jyderup: %d on a, %d on the new laptop; want 3", len(ma), len(mc))
	}
	if ps := noerr.Get(c.Pools(t.Context()))(t); len(ps) != 1 {
		t.Errorf("the new laptop has %d pools, want the municipality's 1", len(ps))
	}
	if mk := noerr.Get(k.Members(t.Context(), jy))(t); len(mk) != 0 {
		t.Errorf("Kalundborg's laptop got Jyderup's members")
	}
}

type served struct {
	url  string
	stop func()
}

func startServeFor(t *testing.T, db string) (served, *bytes.Buffer) {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	logs := &bytes.Buffer{}
	go func() { done <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--db", db}, io.Discard, logs, ready) }()
	addr := <-ready
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
		}
	}
	t.Cleanup(stop)
	return served{"http://" + addr, stop}, logs
}

// SIGTERM during a big push: the server stops listening, the push in
// flight finishes and is stored whole, then the server stops.
func TestShutdownFinishesInflightPush(t *testing.T) {
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "kommune.db")
			if store == "postgres" {
				db = pgtest.URL(t)
			}
			hc, err := openHub(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			ready := make(chan string, 1)
			done := make(chan error, 1)
			go func() {
				done <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--db", db}, io.Discard, io.Discard, ready)
			}()
			c := &loadClient{nodes: []string{"http://" + <-ready}, http: &http.Client{Timeout: time.Minute}}
			laps, err := enrolLoad(context.Background(), hc, c, loadConfig{Councils: 1, Laptops: 1})
			hc.Close()
			if err != nil {
				t.Fatal(err)
			}
			l := laps[0]
			var ops []storage.Change
			for i := range 8000 {
				op := storage.Change{Device: l.replica, Seq: int64(i + 1), HLC: (time.Now().UnixMilli() << 16) + int64(i), Table: "members",
					Row: fmt.Sprint("m", i), Council: l.council, Field: "name", Value: fmt.Sprintf("Medlem nummer %d med et langt navn", i)}
				storage.SignChange(&op, l.key)
				ops = append(ops, op)
			}
			wire, err := exchange.EncodeOps(ops)
			if err != nil {
				t.Fatal(err)
			}
			pushed := make(chan error, 1)
			var pr exchange.PushResponse
			go func() {
				pushed <- c.call(context.Background(), 0, http.MethodPost, "/v1/push", l.token, exchange.PushRequest{Ops: wire}, &pr)
			}()
			for deadline := time.Now().Add(30 * time.Second); ; {
				if _, m := get(t, c.nodes[0]+"/metrics"); strings.Contains(m, "lokalraad_hub_inflight_pushes 1") {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the push never started")
				}
				time.Sleep(time.Millisecond)
			}
			cancel() // what SIGTERM does
			if err := <-pushed; err != nil {
				t.Fatalf("push in flight at shutdown: %v", err)
			}
			if pr.Accepted != len(ops) {
				t.Errorf("accepted %d of %d", pr.Accepted, len(ops))
			}
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
			hc, err = openHub(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer hc.Close()
			held, _, _, err := hc.store().HubPage(context.Background(), l.council, storage.Cursor{}, storage.Page{}, "")
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, o := range held {
				if o.Device == l.replica {
					n++
				}
			}
			if n != len(ops) {
				t.Errorf("the hub holds %d of the push's %d ops", n, len(ops))
			}
		})
	}
}
