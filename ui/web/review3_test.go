package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"lokalraad/model"
)

// from is do from a given remote address ("" keeps httptest's).
func from(s *Server, addr, method, target string, form url.Values, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
	if addr != "" {
		r.RemoteAddr = addr + ":40000"
	}
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	return w
}

// tryLogin posts the login form from addr with a fresh CSRF token.
func tryLogin(t *testing.T, s *Server, addr, name, pw string) *httptest.ResponseRecorder {
	t.Helper()
	csrf := cookie(t, from(s, addr, "GET", "/login", nil), csrfCookie)
	return from(s, addr, "POST", "/login", url.Values{"csrf": {csrf.Value}, "name": {name}, "password": {pw}}, csrf)
}

func loggedIn(w *httptest.ResponseRecorder) bool {
	for _, c := range w.Result().Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			return true
		}
	}
	return false
}

// Guessing a staff password is limited: after 10 wrong passwords for one
// user within 15 minutes, that user is shut out (the right password too)
// from every address until the window ends; after 10 failures from one
// address, that address is shut out for every user. The answer is 429 with
// a Danish message saying how long to wait; another user from another
// address still logs in, and after the window the right password works.
func TestLoginFailuresLimited(t *testing.T) {
	s, pw := hub(t)
	_, err := s.db.AddStaffUser(t.Context(), "Bo Kragh")
	ok(t, err)
	for i := range 10 {
		// From many addresses, so the address limit is not what stops it.
		if w := tryLogin(t, s, "10.0.0."+string(rune('a'+i)), "Ida Ørsted", "forkert"); w.Code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, w.Code)
		}
	}
	w := tryLogin(t, s, "10.0.1.1", "  Ida Ørsted ", pw)
	if w.Code != http.StatusTooManyRequests || loggedIn(w) || !strings.Contains(w.Body.String(), "For mange forkerte forsøg") || !strings.Contains(w.Body.String(), "15 minutter") {
		t.Fatalf("the right password after 10 failures for the user: %d %v\n%s", w.Code, loggedIn(w), w.Body)
	}

	// One address trying many names.
	for i := range 10 {
		tryLogin(t, s, "192.0.2.7", "Navn "+string(rune('A'+i)), "forkert")
	}
	bo, err := s.db.AddStaffUser(t.Context(), "Ane Holm")
	ok(t, err)
	if w := tryLogin(t, s, "192.0.2.7", "Ane Holm", bo); w.Code != http.StatusTooManyRequests || loggedIn(w) {
		t.Errorf("the address after 10 failures: %d", w.Code)
	}
	if w := tryLogin(t, s, "192.0.2.8", "Ane Holm", bo); w.Code != http.StatusSeeOther || !loggedIn(w) {
		t.Errorf("another address: %d\n%s", w.Code, w.Body)
	}

	// After the window, Ida logs in again.
	later := s.Now().Add(16 * time.Minute)
	s.Now = func() time.Time { return later }
	if w := tryLogin(t, s, "10.0.1.1", "Ida Ørsted", pw); w.Code != http.StatusSeeOther || !loggedIn(w) {
		t.Errorf("after the window: %d\n%s", w.Code, w.Body)
	}
}

// Logging out from a page opened before another page (two tabs: the
// second page gave the browser a newer token) still ends the session on
// the server, so a copied cookie is worthless after log-out; a forged
// log-out without the page's token is refused and logs no one out.
func TestLogoutFromOlderTabEndsSession(t *testing.T) {
	s, pw := hub(t)
	w := tryLogin(t, s, "192.0.2.1", "Ida Ørsted", pw)
	sess := cookie(t, w, sessionCookie)
	tab1 := do(s, "GET", "/oversigt", nil, sess)
	token1 := formToken(t, tab1.Body.String())
	tab2 := do(s, "GET", "/oversigt", nil, sess)
	var jar []*http.Cookie
	jar = append(jar, sess)
	for _, c := range tab2.Result().Cookies() {
		if c.Name == csrfCookie {
			jar = append(jar, c) // the browser keeps the newest
		}
	}
	if w := do(s, "POST", "/logout", url.Values{"csrf": {"forfalsket"}}, jar...); w.Code != http.StatusForbidden {
		t.Errorf("a forged log-out: %d", w.Code)
	}
	if w := do(s, "GET", "/oversigt", nil, sess); w.Code != http.StatusOK {
		t.Fatalf("a forged log-out ended the session: %d", w.Code)
	}
	do(s, "POST", "/logout", url.Values{"csrf": {token1}}, jar...)
	if w := do(s, "GET", "/oversigt", nil, sess); w.Code != http.StatusUnauthorized || strings.Contains(w.Body.String(), "Jyderup") {
		t.Errorf("after logging out from the first tab, the cookie still works: %d", w.Code)
	}
}

func formToken(t *testing.T, body string) string {
	t.Helper()
	_, rest, found := strings.Cut(body, `name="csrf" value="`)
	tok, _, _ := strings.Cut(rest, `"`)
	if !found || tok == "" {
		t.Fatalf("no token in\n%s", body)
	}
	return tok
}

// A new password (kommune staff password) ends every session of that user
// at once, also in the running server; the old password no longer works,
// the new one does.
func TestPasswordChangeEndsSessions(t *testing.T) {
	s, pw := hub(t)
	sess := cookie(t, tryLogin(t, s, "192.0.2.1", "Ida Ørsted", pw), sessionCookie)
	if w := do(s, "GET", "/oversigt", nil, sess); w.Code != http.StatusOK {
		t.Fatal(w.Code)
	}
	pw2, err := s.db.NewStaffPassword(t.Context(), "Ida Ørsted")
	ok(t, err)
	if pw2 == pw || len(pw2) < 20 {
		t.Fatalf("new password %q", pw2)
	}
	if w := do(s, "GET", "/oversigt", nil, sess); w.Code != http.StatusUnauthorized {
		t.Errorf("a session from before the change: %d", w.Code)
	}
	if w := tryLogin(t, s, "192.0.2.1", "Ida Ørsted", pw); loggedIn(w) {
		t.Error("the old password works")
	}
	if w := tryLogin(t, s, "192.0.2.1", "Ida Ørsted", pw2); !loggedIn(w) {
		t.Errorf("the new password: %d", w.Code)
	}
	if _, err := s.db.NewStaffPassword(t.Context(), "Ingen Sådan"); err == nil || !strings.Contains(err.Error(), "ingen medarbejder") {
		t.Errorf("unknown name: %v", err)
	}
}

// Text a council wrote (its name, area, intro, meeting titles and places,
// agenda titles, decisions) is shown as text, never as markup, on the
// public page and in its feeds; a council id with path tricks or markup
// is a plain 404; staff pages and the public page are never cached.
func TestPublicPageInjection(t *testing.T) {
	s, db, j, _ := publicHub(t)
	c, err := db.Council(t.Context(), j)
	ok(t, err)
	evil := `<script>alert(1)</script>"><img src=x onerror=alert(2)>`
	c2 := c
	c2.Name, c2.Area = "Jyderup "+evil, evil
	ok(t, db.SaveCouncil(t.Context(), c, &c2))
	p, err := db.Publication(t.Context(), j)
	ok(t, err)
	p2 := p
	p2.Enabled, p2.Meetings, p2.Minutes, p2.Plan, p2.Intro = true, true, true, true, evil
	ok(t, db.SavePublication(t.Context(), p, &p2))
	m := model.Meeting{CouncilID: j, Kind: model.MeetingBoard, Title: "Møde " + evil, Place: evil + "\r\nX-Injected: 1", Start: s.Now().Add(72 * time.Hour), Status: model.MeetingPlanned}
	ok(t, db.SaveMeeting(t.Context(), model.Meeting{}, &m))
	ok(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &model.AgendaItem{CouncilID: j, MeetingID: m.ID, Position: 1, Title: "Punkt " + evil, Kind: model.ItemInformation}))
	for _, path := range []string{"/offentlig/" + j + "/", "/offentlig/" + j + "/referater.atom", "/offentlig/" + j + "/kalender.ics"} {
		w := do(s, "GET", path, nil)
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d", path, w.Code)
		}
		if ct := w.Header().Get("Content-Type"); strings.HasSuffix(path, ".ics") {
			// Plain text in a calendar, never sniffed as a page.
			if !strings.HasPrefix(ct, "text/calendar") || w.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s: %q", path, ct)
			}
		} else if strings.Contains(body, "<script>") || strings.Contains(body, "<img") {
			t.Errorf("%s carries the council's markup:\n%s", path, body)
		}
		if w.Header().Get("X-Injected") != "" || strings.HasSuffix(path, ".ics") && strings.Contains(body, "\nX-Injected") {
			t.Errorf("%s: injected a header or property", path)
		}
		if cc := w.Header().Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("%s: Cache-Control %q", path, cc)
		}
	}
	for _, path := range []string{"/offentlig/%2e%2e%2foversigt/", "/offentlig/" + url.PathEscape(j+"/../x") + "/", "/offentlig/%3Cscript%3E/", "/offentlig/" + j + "/..%2f..%2foversigt"} {
		w := do(s, "GET", path, nil)
		if w.Code == http.StatusOK || strings.Contains(w.Body.String(), "<script>") || strings.Contains(w.Body.String(), "Oversigt over") {
			t.Errorf("%s: %d\n%s", path, w.Code, w.Body)
		}
	}
	// Staff pages: the login page and the overview are never cached.
	for _, path := range []string{"/login", "/oversigt"} {
		if cc := do(s, "GET", path, nil).Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control %q", path, cc)
		}
	}
}
