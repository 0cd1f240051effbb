package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

func ok(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// hub is a hub's database with two councils and a staff user.
func hub(t testing.TB) (*Server, string) {
	t.Helper()
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "hub.db"))
	ok(t, err)
	t.Cleanup(func() { db.Close() })
	for _, name := range []string{"Jyderup Lokalråd", "Tølløse Lokalråd"} {
		c := model.Council{Name: name, Area: strings.Fields(name)[0]}
		ok(t, db.SaveCouncil(t.Context(), model.Council{}, &c))
		if name == "Tølløse Lokalråd" {
			ok(t, db.SaveActionItem(t.Context(), model.ActionItem{}, &model.ActionItem{CouncilID: c.ID, What: "Hemmelig opgave", Due: time.Date(2026, 1, 1, 0, 0, 0, 0, model.Copenhagen)}))
		}
	}
	pw, err := db.AddStaffUser(t.Context(), "Ida Ørsted")
	ok(t, err)
	s := New(db, db, nil)
	s.Now = func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) }
	return s, pw
}

// do sends a request to s from httptest's address, a form in the body.
func do(s *Server, method, target string, form url.Values, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	return from(s, "", method, target, form, cookies...)
}

func cookie(t *testing.T, w *httptest.ResponseRecorder, name string) *http.Cookie {
	t.Helper()
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no cookie %s in %v", name, w.Result().Header["Set-Cookie"])
	return nil
}

// Without a session /oversigt answers with the login form and 401, never
// data; the login needs the form's CSRF token and the right password; the
// session cookie is Secure, HttpOnly and SameSite=Strict; logged in, the
// page shows every council's row; logging out (or a session left unused)
// ends it.
func TestStaffLoginAndOverview(t *testing.T) {
	s, pw := hub(t)
	w := do(s, "GET", "/oversigt", nil)
	if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "Log ind") ||
		strings.Contains(w.Body.String(), "Jyderup") || strings.Contains(w.Body.String(), "Tølløse") {
		t.Fatalf("unauthenticated: %d\n%s", w.Code, w.Body)
	}
	w = do(s, "GET", "/oversigt", nil, &http.Cookie{Name: sessionCookie, Value: "gættet"})
	if w.Code != http.StatusUnauthorized || strings.Contains(w.Body.String(), "Jyderup") {
		t.Fatalf("a made-up session: %d", w.Code)
	}

	page := do(s, "GET", "/login", nil)
	csrf := cookie(t, page, csrfCookie)
	if !csrf.Secure || !csrf.HttpOnly || csrf.SameSite != http.SameSiteStrictMode || !strings.Contains(page.Body.String(), `name="csrf" value="`+csrf.Value+`"`) {
		t.Fatalf("login form: cookie %+v\n%s", csrf, page.Body)
	}
	good := url.Values{"csrf": {csrf.Value}, "name": {"Ida Ørsted"}, "password": {pw}}

	// No token, or another token than the cookie's: refused, no session.
	for name, c := range map[string]*http.Cookie{"no cookie": nil, "other cookie": {Name: csrfCookie, Value: "andet"}} {
		var cs []*http.Cookie
		if c != nil {
			cs = append(cs, c)
		}
		w := do(s, "POST", "/login", good, cs...)
		if w.Code != http.StatusForbidden || strings.Contains(strings.Join(w.Result().Header["Set-Cookie"], ";"), sessionCookie+"=") {
			t.Errorf("%s: %d %v", name, w.Code, w.Result().Header["Set-Cookie"])
		}
	}
	bad := url.Values{"csrf": {csrf.Value}, "name": {"Ida Ørsted"}, "password": {"forkert"}}
	if w := do(s, "POST", "/login", bad, csrf); w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "Forkert navn eller adgangskode") {
		t.Errorf("wrong password: %d\n%s", w.Code, w.Body)
	}
	w = do(s, "POST", "/login", good, csrf)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/oversigt" {
		t.Fatalf("login: %d %s\n%s", w.Code, w.Header().Get("Location"), w.Body)
	}
	sess := cookie(t, w, sessionCookie)
	if !sess.Secure || !sess.HttpOnly || sess.SameSite != http.SameSiteStrictMode || len(sess.Value) < 40 {
		t.Errorf("session cookie %+v", sess)
	}

	w = do(s, "GET", "/oversigt", nil, sess)
	body := w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("overview %d\n%s", w.Code, body)
	}
	for _, want := range []string{"Oversigt over lokalrådene", "Jyderup Lokalråd", "Tølløse Lokalråd", "Ida Ørsted", "Sidst synkroniseret", "2 lokalråd"} {
		if !strings.Contains(body, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	if strings.Contains(body, "Hemmelig opgave") {
		t.Error("the overview shows an action item's text")
	}
	if got := w.Header().Get("Content-Security-Policy"); !strings.Contains(got, "default-src 'none'") {
		t.Errorf("CSP %q", got)
	}
	w = do(s, "GET", "/oversigt?q=tøll&sort=overdue&only=1", nil, sess)
	if b := w.Body.String(); strings.Contains(b, "Jyderup Lokalråd") || !strings.Contains(b, "Tølløse Lokalråd") || !strings.Contains(b, "1 lokalråd") {
		t.Errorf("filtered:\n%s", b)
	}

	// Logging out needs the page's token; then the session is gone.
	do(s, "POST", "/logout", url.Values{"csrf": {formToken(t, w.Body.String())}}, sess)
	if w := do(s, "GET", "/oversigt", nil, sess); w.Code != http.StatusUnauthorized {
		t.Errorf("after logout: %d", w.Code)
	}

	// A session unused for longer than its time ends.
	w = do(s, "POST", "/login", good, csrf)
	sess = cookie(t, w, sessionCookie)
	later := s.Now().Add(s.SessionTTL + time.Minute)
	s.Now = func() time.Time { return later }
	if w := do(s, "GET", "/oversigt", nil, sess); w.Code != http.StatusUnauthorized {
		t.Errorf("an expired session: %d", w.Code)
	}
}

// BenchmarkOverviewPage renders /oversigt for a logged-in staff user over
// the councils of LOKALRAAD_LARGE_DB (lokalraad demo --large), or of a
// small hub when it is not set.
func BenchmarkOverviewPage(b *testing.B) {
	s, pw := hub(b)
	if path := lookupLarge(); path != "" {
		db, err := storage.Open(context.Background(), path)
		ok(b, err)
		b.Cleanup(func() { db.Close() })
		s.db = db
		pw = ""
	}
	_ = pw
	stamp, err := s.staff.StaffStamp(b.Context(), "Ida Ørsted")
	ok(b, err)
	ok(b, s.staff.CreateStaffSession(b.Context(), storage.StaffSession{TokenHash: storage.StaffTokenHash("bench"), Name: "Ida Ørsted", Stamp: stamp, Expires: s.Now().Add(time.Hour)}, s.Now()))
	sess := &http.Cookie{Name: sessionCookie, Value: "bench"}
	b.ResetTimer()
	for b.Loop() {
		if w := do(s, "GET", "/oversigt", nil, sess); w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}
