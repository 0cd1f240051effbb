// Package web serves the hub's HTML pages for the municipality's staff at
// the town hall, who have no desktop app: /oversigt, the overview of every
// council (storage.CouncilOverviews), behind a staff login.
//
// Server-rendered with html/template, no JavaScript. A staff user logs in
// with the name and one-time password `kommune staff add` printed; the
// session is a random token in a cookie that is Secure, HttpOnly and
// SameSite=Strict, kept in the server's memory (a restart logs everyone
// out). The login form carries a CSRF token (double submit: a cookie and
// a hidden field that must match). A request without a session gets the
// login page with status 401, never data. Danish only.
//
// Imported by cmd/kommune only; imports no Fyne.
package web

import (
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

//go:embed templates/*.html
var templates embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "–"
		}
		return model.ShortDate(t)
	},
	"yesno": func(b bool) string {
		if b {
			return "Ja"
		}
		return "Nej"
	},
	"projects": projectsText,
	"longdate": func(t time.Time) string { return model.WeekdayDate(t, model.Danish) },
	"clock":    model.Clock,
	"kroner":   model.Kroner,
	"phase":    func(p model.PBPhase) string { return p.Label(model.Danish) },
	// pb is the overview's borgerbudget column (storage.OverviewPB).
	"pb": func(r model.CouncilOverview) string { return r.Extra[storage.OverviewPB] },
}).ParseFS(templates, "templates/*.html"))

// Cookie names.
const (
	sessionCookie = "lokalraad_session"
	csrfCookie    = "lokalraad_csrf"
)

// Server serves the pages.
type Server struct {
	db  *storage.DB
	log *slog.Logger
	// Now is the clock (tests fix it).
	Now func() time.Time
	// SessionTTL is how long a session lasts without use.
	SessionTTL time.Duration

	mu       sync.Mutex
	sessions map[string]session
}

type session struct {
	name    string
	expires time.Time
}

// New makes the pages' server over the hub's database.
func New(db *storage.DB, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Server{db: db, log: log, Now: time.Now, SessionTTL: 8 * time.Hour, sessions: map[string]session{}}
}

// Paths are the paths the pages answer; the hub mounts them.
var Paths = []string{"/oversigt", "/login", "/logout", "/offentlig/"}

// Handler serves /oversigt, /login, /logout and the public pages
// /offentlig/{council}/ (public.go).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oversigt", s.overview)
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /offentlig/{council}/{$}", s.publicPage)
	mux.HandleFunc("GET /offentlig/{council}/kalender.ics", s.publicCalendar)
	mux.HandleFunc("GET /offentlig/{council}/referater.atom", s.publicMinutes)
	return securityHeaders(mux)
}

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

func token() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// user is the logged-in staff user's name, or "".
func (s *Server) user(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.sessions[c.Value]
	now := s.Now()
	if !ok || now.After(ss.expires) {
		delete(s.sessions, c.Value)
		return ""
	}
	ss.expires = now.Add(s.SessionTTL)
	s.sessions[c.Value] = ss
	return ss.name
}

func setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

// render writes a page with status.
func (s *Server) render(w http.ResponseWriter, status int, page string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := pages.ExecuteTemplate(w, page, data); err != nil {
		s.log.Error("render", "page", page, "err", err)
	}
}

type loginData struct {
	CSRF  string
	Error string
	Name  string
}

// showLogin answers with the login form (a fresh CSRF token).
func (s *Server) showLogin(w http.ResponseWriter, status int, msg, name string) {
	t := token()
	setCookie(w, csrfCookie, t, 3600)
	s.render(w, status, "login.html", loginData{CSRF: t, Error: msg, Name: name})
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if s.user(r) != "" {
		http.Redirect(w, r, "/oversigt", http.StatusSeeOther)
		return
	}
	s.showLogin(w, http.StatusOK, "", "")
}

// checkCSRF tells whether the form's token matches the cookie's.
func checkCSRF(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	form := r.PostFormValue("csrf")
	return err == nil && c.Value != "" && form != "" && subtle.ConstantTimeCompare([]byte(c.Value), []byte(form)) == 1
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if !checkCSRF(r) {
		s.showLogin(w, http.StatusForbidden, "Formularen var for gammel eller kom ikke fra denne side. Prøv igen.", "")
		return
	}
	name := r.PostFormValue("name")
	ok, err := s.db.CheckStaffUser(name, r.PostFormValue("password"))
	if err != nil {
		s.log.Error("login", "err", err)
		s.showLogin(w, http.StatusInternalServerError, "Der skete en fejl. Prøv igen.", name)
		return
	}
	if !ok {
		s.showLogin(w, http.StatusUnauthorized, "Forkert navn eller adgangskode.", name)
		return
	}
	t := token()
	s.mu.Lock()
	s.sessions[t] = session{name: strings.TrimSpace(name), expires: s.Now().Add(s.SessionTTL)}
	s.mu.Unlock()
	setCookie(w, sessionCookie, t, 0)
	setCookie(w, csrfCookie, "", -1)
	s.log.Info("staff login", "name", name)
	http.Redirect(w, r, "/oversigt", http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil && checkCSRF(r) {
		s.mu.Lock()
		delete(s.sessions, c.Value)
		s.mu.Unlock()
	}
	setCookie(w, sessionCookie, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

type overviewData struct {
	User   string
	CSRF   string
	Year   int
	Rows   []model.CouncilOverview
	Sorts  []sortOption
	Filter string
	Only   bool
	// Rounds are the borgerbudget rounds of the councils shown.
	Rounds []storage.PBRoundSummary
}

type sortOption struct {
	Key, Label string
	Selected   bool
}

var sortLabels = map[model.OverviewSort]string{
	model.SortName: "Navn", model.SortProblems: "Mest at følge op på", model.SortOverdue: "Overskredne opgaver",
	model.SortOpen: "Åbne opgaver", model.SortMeeting: "Næste møde", model.SortDeadline: "Næste frist",
	model.SortWishes: "Ønsker uden svar", model.SortSync: "Sidst synkroniseret",
}

// overview is /oversigt: every council's row, sorted and filtered by the
// query (?sort=overdue&q=jyderup&only=1), read-only.
func (s *Server) overview(w http.ResponseWriter, r *http.Request) {
	user := s.user(r)
	if user == "" {
		s.showLogin(w, http.StatusUnauthorized, "", "")
		return
	}
	now := s.Now()
	year := now.In(model.Copenhagen).Year()
	rows, err := s.db.CouncilOverviews(now)
	if err != nil {
		s.log.Error("overview", "err", err)
		http.Error(w, "Oversigten kunne ikke læses.", http.StatusInternalServerError)
		return
	}
	q := r.URL.Query()
	by := model.OverviewSort(q.Get("sort"))
	if _, ok := sortLabels[by]; !ok {
		by = model.SortName
	}
	only := q.Get("only") == "1"
	rows = model.FilterOverview(rows, q.Get("q"), only, year)
	model.SortOverview(rows, by, year)
	d := overviewData{User: user, Year: year, Rows: rows, Filter: q.Get("q"), Only: only}
	rounds, err := s.db.PBRoundsAll()
	if err != nil {
		s.log.Error("overview", "err", err)
		http.Error(w, "Oversigten kunne ikke læses.", http.StatusInternalServerError)
		return
	}
	shown := map[string]bool{}
	for _, r := range rows {
		shown[r.CouncilID] = true
	}
	for _, r := range rounds {
		if shown[r.Council.ID] {
			d.Rounds = append(d.Rounds, r)
		}
	}
	for _, k := range model.OverviewSorts {
		d.Sorts = append(d.Sorts, sortOption{Key: string(k), Label: sortLabels[k], Selected: k == by})
	}
	t := token()
	setCookie(w, csrfCookie, t, 8*3600)
	d.CSRF = t
	s.render(w, http.StatusOK, "oversigt.html", d)
}

func projectsText(r model.CouncilOverview) string {
	var parts []string
	for _, st := range model.ProjectStatuses {
		if n := r.Projects[st]; n > 0 {
			parts = append(parts, strconv.Itoa(n)+" "+strings.ToLower(model.Label(st, model.Danish)))
		}
	}
	if r.Projects[model.ProjectRunning] > 0 {
		parts = append(parts, "i gang "+strconv.Itoa(r.Progress)+" %")
	}
	if len(parts) == 0 {
		return "–"
	}
	return strings.Join(parts, ", ")
}
