package web

// Staff log-ins on a hub of several nodes (issue 15): two (or three)
// servers of the pages on one staff store, as `kommune serve` processes
// behind a load balancer share one database. The same tests on the SQLite
// hub (each node its own connection to the file) and on PostgreSQL.

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/postgres"
	"lokalraad/storage/postgres/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var _ StaffStore = (*postgres.Store)(nil)

var nodeClock = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// staffNodes makes a store kind's nodes: node() is a new server of the
// pages on a new connection to the one staff store, over rows with two
// councils; pw is the staff user Ida Ørsted's password.
func staffNodes(t *testing.T, kind string) (node func() *Server, store func() StaffStore, pw string) {
	dir := t.TempDir()
	rows, err := storage.Open(context.Background(), filepath.Join(dir, "rows.db"))
	ok(t, err)
	t.Cleanup(func() { rows.Close() })
	for _, name := range []string{"Jyderup Lokalråd", "Tølløse Lokalråd"} {
		c := model.Council{Name: name}
		ok(t, rows.SaveCouncil(t.Context(), model.Council{}, &c))
	}
	switch kind {
	case "sqlite":
		store = func() StaffStore {
			db, err := storage.Open(context.Background(), filepath.Join(dir, "rows.db"))
			ok(t, err)
			t.Cleanup(func() { db.Close() })
			return db
		}
	case "postgres":
		u := pgtest.URL(t)
		store = func() StaffStore {
			s, err := postgres.Open(context.Background(), u)
			ok(t, err)
			s.Now = func() time.Time { return nodeClock }
			t.Cleanup(s.Close)
			return s
		}
	}
	pw, err = store().AddStaffUser(t.Context(), "Ida Ørsted")
	ok(t, err)
	node = func() *Server {
		s := New(rows, store(), nil)
		s.Now = func() time.Time { return nodeClock }
		return s
	}
	return node, store, pw
}

func forEachStaffStore(t *testing.T, f func(t *testing.T, node func() *Server, store func() StaffStore, pw string)) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			node, store, pw := staffNodes(t, kind)
			f(t, node, store, pw)
		})
	}
}

// login logs in at s and returns the session cookie, or the failed answer.
func login(t *testing.T, s *Server, name, pw string) (*http.Cookie, int, string) {
	t.Helper()
	page := do(s, "GET", "/login", nil)
	csrf := cookie(t, page, csrfCookie)
	w := do(s, "POST", "/login", url.Values{"csrf": {csrf.Value}, "name": {name}, "password": {pw}}, csrf)
	for _, c := range w.Result().Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			return c, w.Code, w.Body.String()
		}
	}
	return nil, w.Code, w.Body.String()
}

// A staff member who logs in on node A stays logged in when her next
// request lands on node B, and on a node started after she logged in (a
// restart); Log ud on node B ends the session on A too; a new password
// ends every session on every node.
func TestStoresSessionAcrossNodes(t *testing.T) {
	forEachStaffStore(t, func(t *testing.T, node func() *Server, store func() StaffStore, pw string) {
		a, b := node(), node()
		sess, code, body := login(t, a, "Ida Ørsted", pw)
		if sess == nil {
			t.Fatalf("login at node A: %d\n%s", code, body)
		}
		w := do(b, "GET", "/oversigt", nil, sess)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Jyderup Lokalråd") || !strings.Contains(w.Body.String(), "Ida Ørsted") {
			t.Fatalf("node B with node A's session: %d\n%s", w.Code, w.Body)
		}
		if w := do(node(), "GET", "/oversigt", nil, sess); w.Code != http.StatusOK {
			t.Errorf("a node started after the log-in: %d", w.Code)
		}
		// The store keeps the token's SHA-256, not the token: someone
		// with a copy of the database cannot use what is in it.
		st := store()
		if _, found, err := st.StaffSessionByToken(t.Context(), sess.Value, nodeClock, time.Hour); err != nil || found {
			t.Errorf("the store holds the cookie's token itself: %v %v", found, err)
		}
		if _, found, err := st.StaffSessionByToken(t.Context(), storage.StaffTokenHash(sess.Value), nodeClock, time.Hour); err != nil || !found {
			t.Errorf("the store lacks the token's hash: %v %v", found, err)
		}

		// Log ud at node B, with the form of node B's page.
		out := do(b, "POST", "/logout", url.Values{"csrf": {formToken(t, w.Body.String())}}, sess)
		if out.Code != http.StatusSeeOther {
			t.Fatalf("log-out at node B: %d %s", out.Code, out.Body)
		}
		for name, s := range map[string]*Server{"A": a, "B": b} {
			if w := do(s, "GET", "/oversigt", nil, sess); w.Code != http.StatusUnauthorized || strings.Contains(w.Body.String(), "Jyderup") {
				t.Errorf("node %s after log-out at B: %d", name, w.Code)
			}
		}

		// A new password (kommune staff password, on its own connection)
		// ends the sessions on both nodes; the new password works.
		s1, _, _ := login(t, a, "Ida Ørsted", pw)
		s2, _, _ := login(t, b, "Ida Ørsted", pw)
		if s1 == nil || s2 == nil {
			t.Fatal("logging in again")
		}
		npw, err := store().NewStaffPassword(t.Context(), "Ida Ørsted")
		ok(t, err)
		for _, c := range []*http.Cookie{s1, s2} {
			for name, s := range map[string]*Server{"A": a, "B": b} {
				if w := do(s, "GET", "/oversigt", nil, c); w.Code != http.StatusUnauthorized {
					t.Errorf("node %s after a new password: %d", name, w.Code)
				}
			}
		}
		if c, code, _ := login(t, b, "Ida Ørsted", pw); c != nil || code != http.StatusUnauthorized {
			t.Errorf("the old password at node B: %d", code)
		}
		if c, code, body := login(t, b, "Ida Ørsted", npw); c == nil {
			t.Errorf("the new password at node B: %d\n%s", code, body)
		}
	})
}

// Ten wrong passwords for one name within 15 minutes, five at each node,
// shut the name out on both nodes, the right password too; once the
// window has passed, the right password works.
func TestStoresFailureLimitAcrossNodes(t *testing.T) {
	forEachStaffStore(t, func(t *testing.T, node func() *Server, store func() StaffStore, pw string) {
		a, b := node(), node()
		for i := range 10 {
			s := a
			if i%2 == 1 {
				s = b
			}
			if _, code, _ := login(t, s, "Ida Ørsted", "forkert"); code != http.StatusUnauthorized {
				t.Fatalf("wrong password %d: %d", i+1, code)
			}
		}
		for name, s := range map[string]*Server{"A": a, "B": b, "a new node": node()} {
			c, code, body := login(t, s, "Ida Ørsted", pw)
			if c != nil || code != http.StatusTooManyRequests || !strings.Contains(body, "For mange forkerte forsøg") {
				t.Errorf("node %s after ten wrong passwords across two nodes: %d (session %v)", name, code, c != nil)
			}
		}
		later := nodeClock.Add(15*time.Minute + time.Second)
		a.Now = func() time.Time { return later }
		if c, code, body := login(t, a, "Ida Ørsted", pw); c == nil {
			t.Errorf("after the window: %d\n%s", code, body)
		}
	})
}

// Thirty wrong passwords sent at the same moment, half to each node, get
// at most ten tried: every attempt is counted before any password is
// checked, so guessing in parallel across nodes gains nothing. The rest
// are shut out (429); once ten have been tried, the right password is
// too.
func TestStoresFailureLimitConcurrentNodes(t *testing.T) {
	forEachStaffStore(t, func(t *testing.T, node func() *Server, store func() StaffStore, pw string) {
		a, b := node(), node()
		answers := make(chan int, 30)
		var wg sync.WaitGroup
		for i := range 30 {
			s := a
			if i%2 == 1 {
				s = b
			}
			page := do(s, "GET", "/login", nil)
			csrf := cookie(t, page, csrfCookie)
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := do(s, "POST", "/login", url.Values{"csrf": {csrf.Value}, "name": {"Ida Ørsted"}, "password": {"forkert"}}, csrf)
				answers <- w.Code
			}()
		}
		wg.Wait()
		close(answers)
		counts := map[int]int{}
		for c := range answers {
			counts[c]++
		}
		// (All may be shut out: each sees the others' attempts counted.)
		if counts[http.StatusUnauthorized] > 10 || counts[http.StatusUnauthorized]+counts[http.StatusTooManyRequests] != 30 {
			t.Errorf("30 wrong passwords at once on two nodes: %v; want at most 10 tried (401), the rest 429", counts)
		}
		// Attempts shut out while others were under way were not counted:
		// the rest of the ten may still be tried, one at a time, and no more.
		for i := counts[http.StatusUnauthorized]; i < 10; i++ {
			if _, code, _ := login(t, a, "Ida Ørsted", "forkert"); code != http.StatusUnauthorized {
				t.Errorf("wrong password %d of 10 after the burst: %d", i+1, code)
			}
		}
		if c, code, _ := login(t, b, "Ida Ørsted", pw); c != nil || code != http.StatusTooManyRequests {
			t.Errorf("the right password after ten tried: %d", code)
		}
	})
}

// Expired sessions and failures out of the window are purged, not only
// ignored: a row past its time is gone when the next is written.
func TestStoresPurgeExpired(t *testing.T) {
	forEachStaffStore(t, func(t *testing.T, node func() *Server, store func() StaffStore, pw string) {
		st := store()
		t0 := nodeClock
		ok(t, st.CreateStaffSession(t.Context(), storage.StaffSession{TokenHash: storage.StaffTokenHash("gammel"), Name: "Ida Ørsted", CSRF: "x", Stamp: "s", Expires: t0.Add(time.Hour)}, t0))
		if _, found, err := st.StaffSessionByToken(t.Context(), storage.StaffTokenHash("gammel"), t0, time.Hour); err != nil || !found {
			t.Fatalf("a fresh session: %v %v", found, err)
		}
		ok(t, st.CreateStaffSession(t.Context(), storage.StaffSession{TokenHash: storage.StaffTokenHash("ny"), Name: "Ida Ørsted", CSRF: "y", Stamp: "s", Expires: t0.Add(5 * time.Hour)}, t0.Add(3*time.Hour)))
		if _, found, err := st.StaffSessionByToken(t.Context(), storage.StaffTokenHash("gammel"), t0, time.Hour); err != nil || found {
			t.Errorf("an expired session was kept: %v %v", found, err)
		}
		if _, found, _ := st.StaffSessionByToken(t.Context(), storage.StaffTokenHash("ny"), t0.Add(3*time.Hour), time.Hour); !found {
			t.Error("the new session is missing")
		}

		_, err := st.BeginStaffAttempt(t.Context(), []string{"name ida"}, t0, 15*time.Minute)
		ok(t, err)
		_, err = st.BeginStaffAttempt(t.Context(), []string{"name ida"}, t0.Add(20*time.Minute), 15*time.Minute)
		ok(t, err)
		got, err := st.StaffFailures(t.Context(), "name ida", t0.Add(-time.Hour), 10)
		ok(t, err)
		if len(got) != 1 || !got[0].Equal(t0.Add(20*time.Minute)) {
			t.Errorf("failures kept: %v, want only the one in the window", got)
		}
	})
}
