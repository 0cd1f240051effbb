package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/storage"
	"lokalraad/storage/postgres/pgtest"
)

// `kommune staff add` prints a one-time password on its last line; the
// real server serves /oversigt beside the sync API: the login page with
// 401 to a stranger, the councils to the staff user who logs in with it.
func TestStaffAddAndOverviewPage(t *testing.T) {
	dir := t.TempDir()
	hubPath := filepath.Join(dir, "kommune.db")
	runOK(t, "council", "add", "--db", hubPath, "--name", "Jyderup Lokalråd")
	pw := lastLine(runOK(t, "staff", "add", "--db", hubPath, "--name", "Ida Ørsted"))
	if len(pw) < 20 || strings.Contains(pw, " ") {
		t.Fatalf("password %q", pw)
	}
	var errb bytes.Buffer
	if err := run(context.Background(), []string{"staff", "add", "--db", hubPath, "--name", "Ida Ørsted"}, io.Discard, &errb); err == nil || !strings.Contains(err.Error(), "findes allerede") {
		t.Errorf("the same name twice: %v", err)
	}

	base, _ := startServe(t, hubPath)

	// A stranger gets the login form, not the overview.
	code, body := webGet(t, base, "/oversigt", nil)
	if code != http.StatusUnauthorized || strings.Contains(body, "Jyderup") {
		t.Fatalf("a stranger: %d\n%s", code, body)
	}
	if !strings.Contains(body, `name="csrf" value="`) {
		t.Fatal("no CSRF token in the login form")
	}
	sess, code, _ := webLogin(t, base, "Ida Ørsted", pw)
	if code != http.StatusSeeOther || sess == nil {
		t.Fatalf("login: %d", code)
	}
	if code, body := webGet(t, base, "/oversigt", sess); code != http.StatusOK || !strings.Contains(body, "Jyderup Lokalråd") {
		t.Errorf("overview: %d\n%s", code, body)
	}
	// The sync API is still there.
	if resp, err := noRedirect.Get(base + "/v1/pull"); err != nil || resp.StatusCode == http.StatusNotFound {
		t.Errorf("sync API: %v %v", resp, err)
	}
}

// `kommune staff password` gives a new password while the server runs: a
// session logged in with the old one ends at its next request, the old
// password is refused and the new one works; an unknown name is a Danish
// error. Ten wrong passwords shut the name out, with a Danish message.
func TestStaffPasswordChange(t *testing.T) {
	dir := t.TempDir()
	hubPath := filepath.Join(dir, "kommune.db")
	runOK(t, "council", "add", "--db", hubPath, "--name", "Jyderup Lokalråd")
	pw := lastLine(runOK(t, "staff", "add", "--db", hubPath, "--name", "Ida Ørsted"))

	base, _ := startServe(t, hubPath)
	login := func(pw string) (*http.Cookie, int, string) { return webLogin(t, base, "Ida Ørsted", pw) }
	overview := func(c *http.Cookie) int {
		code, _ := webGet(t, base, "/oversigt", c)
		return code
	}
	sess, _, _ := login(pw)
	if sess == nil || overview(sess) != http.StatusOK {
		t.Fatal("first login")
	}
	out := runOK(t, "staff", "password", "--db", hubPath, "--name", "Ida Ørsted")
	pw2 := lastLine(out)
	if pw2 == pw || len(pw2) < 20 || !strings.Contains(out, "ny adgangskode") {
		t.Fatalf("staff password printed %q", out)
	}
	if code := overview(sess); code != http.StatusUnauthorized {
		t.Errorf("a session from before the new password: %d", code)
	}
	if c, _, _ := login(pw); c != nil {
		t.Error("the old password still logs in")
	}
	if c, _, _ := login(pw2); c == nil {
		t.Error("the new password does not log in")
	}
	if err := run(context.Background(), []string{"staff", "password", "--db", hubPath, "--name", "Ingen"}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "ingen medarbejder") {
		t.Errorf("unknown name: %v", err)
	}
	for range 10 {
		login("forkert")
	}
	if c, code, body := login(pw2); c != nil || code != http.StatusTooManyRequests || !strings.Contains(body, "For mange forkerte forsøg") {
		t.Errorf("after 10 wrong passwords: %v %d", c != nil, code)
	}
}

// kommune staff add and password work the same with --db postgres://…
// as with the SQLite file: the user is in the store every node reads, a
// name is taken once, and a new password ends the user's sessions in the
// store (so on every node).
func TestStaffOnBothStores(t *testing.T) {
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "kommune.db")
			if store == "postgres" {
				db = pgtest.URL(t)
			}
			pw := lastLine(runOK(t, "staff", "add", "--db", db, "--name", " Ida Ørsted "))
			var errb bytes.Buffer
			if err := run(context.Background(), []string{"staff", "add", "--db", db, "--name", "Ida Ørsted"}, io.Discard, &errb); err == nil || !strings.Contains(err.Error(), "findes allerede") {
				t.Errorf("the same name twice: %v", err)
			}
			hc, err := openHub(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer hc.Close()
			st := hc.staff()
			if good, err := st.CheckStaffUser(t.Context(), "Ida Ørsted", pw); err != nil || !good {
				t.Fatalf("the password staff add printed: %v %v", good, err)
			}
			stamp, err := st.StaffStamp(t.Context(), "Ida Ørsted")
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			tok := storage.StaffTokenHash("a session")
			if err := st.CreateStaffSession(t.Context(), storage.StaffSession{TokenHash: tok, Name: "Ida Ørsted", CSRF: "c", Stamp: stamp, Expires: now.Add(time.Hour)}, now); err != nil {
				t.Fatal(err)
			}
			pw2 := lastLine(runOK(t, "staff", "password", "--db", db, "--name", "Ida Ørsted"))
			if _, found, err := st.StaffSessionByToken(t.Context(), tok, now, time.Hour); err != nil || found {
				t.Errorf("a session from before the new password is still stored: %v %v", found, err)
			}
			if good := noerr.Get(st.CheckStaffUser(t.Context(), "Ida Ørsted", pw))(t); good {
				t.Error("the old password still works")
			}
			if good, _ := st.CheckStaffUser(t.Context(), "Ida Ørsted", pw2); !good {
				t.Error("the new password does not work")
			}
			if err := run(context.Background(), []string{"staff", "password", "--db", db, "--name", "Ingen"}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "ingen medarbejder") {
				t.Errorf("unknown name: %v", err)
			}
		})
	}
}

// A staff member logged in stays logged in when the server restarts: the
// session is in the database, not in the process.
func TestStaffSessionSurvivesRestart(t *testing.T) {
	hubPath := filepath.Join(t.TempDir(), "kommune.db")
	runOK(t, "council", "add", "--db", hubPath, "--name", "Jyderup Lokalråd")
	pw := lastLine(runOK(t, "staff", "add", "--db", hubPath, "--name", "Ida Ørsted"))
	first, _ := startServeFor(t, hubPath)
	sess, code, _ := webLogin(t, first.url, "Ida Ørsted", pw)
	if sess == nil {
		t.Fatalf("login: %d", code)
	}
	first.stop()
	second, _ := startServeFor(t, hubPath)
	if code, body := webGet(t, second.url, "/oversigt", sess); code != http.StatusOK || !strings.Contains(body, "Jyderup Lokalråd") {
		t.Errorf("after a restart: %d", code)
	}
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// webLogin logs in at the server base through its login form and returns
// the session cookie (nil when there is none), the status and the page.
func webLogin(t *testing.T, base, name, pw string) (*http.Cookie, int, string) {
	t.Helper()
	resp, err := noRedirect.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body := noerr.Get(io.ReadAll(resp.Body))(t)
	resp.Body.Close()
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(string(body))
	if csrf == nil {
		t.Fatalf("no CSRF token in the login form:\n%s", body)
	}
	form := url.Values{"csrf": {csrf[1]}, "name": {name}, "password": {pw}}
	req := noerr.Get(http.NewRequest("POST", base+"/login", strings.NewReader(form.Encode())))(t)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "lokalraad_csrf", Value: csrf[1]})
	resp, err = noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body = noerr.Get(io.ReadAll(resp.Body))(t)
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "lokalraad_session" && c.Value != "" {
			return c, resp.StatusCode, string(body)
		}
	}
	return nil, resp.StatusCode, string(body)
}

// webGet fetches path at base with the session cookie c (none when nil).
func webGet(t *testing.T, base, path string, c *http.Cookie) (int, string) {
	t.Helper()
	req := noerr.Get(http.NewRequest("GET", base+path, nil))(t)
	if c != nil {
		req.AddCookie(c)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body := noerr.Get(io.ReadAll(resp.Body))(t)
	return resp.StatusCode, string(body)
}

// Two real `kommune serve` nodes on one PostgreSQL database, as behind a
// load balancer: a staff user made with `kommune staff add --db
// postgres://…` logs in at node A and is logged in at node B; Log ud at
// node B ends the session at node A too.
func TestPGStaffLoginAcrossServeNodes(t *testing.T) {
	db := pgtest.URL(t)
	runOK(t, "council", "add", "--db", db, "--name", "Jyderup Lokalråd")
	pw := lastLine(runOK(t, "staff", "add", "--db", db, "--name", "Ida Ørsted"))
	nodeA, _ := startServe(t, db, "--cache", t.TempDir())
	nodeB, _ := startServe(t, db, "--cache", t.TempDir())

	sess, code, _ := webLogin(t, nodeA, "Ida Ørsted", pw)
	if sess == nil {
		t.Fatalf("login at node A: %d", code)
	}
	code, body := webGet(t, nodeB, "/oversigt", sess)
	if code != http.StatusOK || !strings.Contains(body, "Jyderup Lokalråd") {
		t.Fatalf("node B with node A's session: %d\n%s", code, body)
	}
	tok := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(body)
	if tok == nil {
		t.Fatalf("no log-out form on node B's page:\n%s", body)
	}
	req := noerr.Get(http.NewRequest("POST", nodeB+"/logout", strings.NewReader(url.Values{"csrf": {tok[1]}}.Encode())))(t)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(sess)
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("log-out at node B: %d", resp.StatusCode)
	}
	for name, base := range map[string]string{"A": nodeA, "B": nodeB} {
		if code, body := webGet(t, base, "/oversigt", sess); code != http.StatusUnauthorized || strings.Contains(body, "Jyderup") {
			t.Errorf("node %s after log-out at node B: %d", name, code)
		}
	}
}
