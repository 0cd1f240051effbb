// Package web serves the hub's HTML pages for the municipality's staff at
// the town hall, who have no desktop app: /oversigt, the overview of every
// council (storage.CouncilOverviews), behind a staff login.
//
// Server-rendered with html/template, no JavaScript. A staff user logs in
// with the name and one-time password `kommune staff add` printed; the
// session is a random token in a cookie that is Secure, HttpOnly and
// SameSite=Strict; the staff store (StaffStore: the SQLite hub, or
// PostgreSQL shared by every node) keeps only the token's SHA-256, so a
// session outlives a restart, holds on every node behind a load balancer,
// and a log-out on one node ends it on all. The login form carries a CSRF token (double submit: a cookie and
// a hidden field that must match); a logged-in page's forms carry the
// session's own token, so log-out works from any open page and ends the
// session on the server. A request without a session gets the login page
// with status 401, never data. Danish only.
//
// Guessing is limited: MaxFailures failed log-ins within FailureWindow
// for one user name, or from one address, shut that name or address out
// (429, the right password too) until the window ends; the failures are
// kept in the staff store, so every node counts them together. A session
// is good
// only while the user's password is the one it logged in with, so a new
// password (`kommune staff password`) ends every session of the user at
// once, also in the running server.
//
// Imported by cmd/kommune only; imports no Fyne.
package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
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

// StaffStore is where the pages keep their staff users, sessions and
// failed log-ins: *storage.DB (the SQLite hub) and *postgres.Store (every
// node of a hub on PostgreSQL). Every method is safe for concurrent use,
// also by several nodes on one database. Errors other than
// storage.ErrStaffExists and storage.ErrNoStaff are the store's failures;
// the pages log them and show a Danish message.
type StaffStore interface {
	// AddStaffUser creates a staff user and returns the one-time password
	// made for them (only its hash is kept).
	AddStaffUser(ctx context.Context, name string) (string, error)
	// CheckStaffUser tells whether name and password belong to a staff
	// user; an unknown name takes as long as a wrong password.
	CheckStaffUser(ctx context.Context, name, password string) (bool, error)
	// NewStaffPassword gives a user a new password (returned once) and
	// ends all of the user's sessions.
	NewStaffPassword(ctx context.Context, name string) (string, error)
	// StaffStamp changes with the user's password; "" when the user is
	// gone. A session is good only while it is the one it logged in with.
	StaffStamp(ctx context.Context, name string) (string, error)

	// CreateStaffSession stores a new session (purging expired ones).
	CreateStaffSession(ctx context.Context, s storage.StaffSession, now time.Time) error
	// StaffSessionByToken finds the session of a token's hash
	// (storage.StaffTokenHash) not expired by now and moves its expiry to
	// now+ttl; ok is false when there is none.
	StaffSessionByToken(ctx context.Context, tokenHash string, now time.Time, ttl time.Duration) (s storage.StaffSession, ok bool, err error)
	// EndStaffSession ends one session; EndStaffSessions every session
	// of a user.
	EndStaffSession(ctx context.Context, tokenHash string) error
	EndStaffSessions(ctx context.Context, name string) error

	// BeginStaffAttempt counts a log-in attempt at now against each key
	// (a name, an address) before the password is checked, purging
	// attempts older than window, and returns its id; EndStaffAttempt
	// forgets it again (it succeeded, or was shut out), so what stays
	// counted are the failures. StaffFailures returns the times counted
	// against key after since, newest first, at most limit. Counting
	// first is what makes the limit hold for attempts at the same moment
	// on several nodes.
	BeginStaffAttempt(ctx context.Context, keys []string, now time.Time, window time.Duration) (string, error)
	EndStaffAttempt(ctx context.Context, id string) error
	StaffFailures(ctx context.Context, key string, since time.Time, limit int) ([]time.Time, error)
}

var _ StaffStore = (*storage.DB)(nil)

// Server serves the pages.
type Server struct {
	// db is what the pages read: the hub's rows (the SQLite hub, or a
	// PostgreSQL node's mirror of them).
	db    *storage.DB
	staff StaffStore
	log   *slog.Logger
	// Now is the clock (tests fix it).
	Now func() time.Time
	// SessionTTL is how long a session lasts without use.
	SessionTTL time.Duration
	// MaxFailures failed log-ins in FailureWindow, for one name or from
	// one address, shut it out until the window ends (0: no limit).
	MaxFailures   int
	FailureWindow time.Duration
}

type session struct {
	name string
	csrf string // the token of the session's forms
}

// New makes the pages' server: rows is what the pages read (the hub's
// database, or a PostgreSQL node's mirror of its rows), staff where the
// staff users, sessions and failed log-ins are kept (the SQLite hub
// itself, or the PostgreSQL store every node shares).
func New(rows *storage.DB, staff StaffStore, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Server{db: rows, staff: staff, log: log, Now: time.Now, SessionTTL: 8 * time.Hour, MaxFailures: 10, FailureWindow: 15 * time.Minute}
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
	ss, _ := s.session(r)
	return ss.name
}

// session is the request's live session and its cookie's value: one not
// expired, of a user whose password is still the one it logged in with.
func (s *Server) session(r *http.Request) (session, string) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return session{}, ""
	}
	id := storage.StaffTokenHash(c.Value)
	ss, ok, err := s.staff.StaffSessionByToken(r.Context(), id, s.Now(), s.SessionTTL)
	if err != nil {
		s.log.Error("session", "err", err)
		return session{}, ""
	}
	if !ok {
		return session{}, ""
	}
	stamp, err := s.staff.StaffStamp(r.Context(), ss.Name)
	if err != nil {
		s.log.Error("session", "err", err)
		return session{}, ""
	}
	if stamp == "" || stamp != ss.Stamp {
		if err := s.staff.EndStaffSession(r.Context(), id); err != nil {
			s.log.Error("session", "err", err)
		}
		return session{}, ""
	}
	return session{name: ss.Name, csrf: ss.CSRF}, id
}

// remote is the address a request came from, without its port. A
// proxy's X-Forwarded-For is not trusted (the hub faces the network
// itself, as for the sync API's limits).
func remote(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// loginKeys are the counters a log-in attempt is charged to. A name is
// cut at 200 bytes (no staff user's is longer), so what the store keeps
// of a failure stays small whatever a form carries.
func loginKeys(r *http.Request, name string) []string {
	name = strings.ToLower(strings.TrimSpace(name))
	if len(name) > 200 {
		name = name[:200]
	}
	return []string{"addr " + remote(r), "name " + name}
}

// attempt counts a log-in attempt against its name and address before
// the password is checked, and says how long they are shut out (0 when
// they are not): while more than MaxFailures attempts of the last
// FailureWindow (on any node, this one included) are counted against
// one, until the oldest that matters leaves the window. An attempt shut
// out is forgotten again; id is "" then, or when there is no limit.
// Because every attempt is counted before any password is checked, at
// most MaxFailures passwords are tried in a window however many attempts
// arrive at once on however many nodes. The rows are bounded by the
// window (older ones are purged) and by that limit per address.
func (s *Server) attempt(ctx context.Context, keys []string) (id string, wait time.Duration, err error) {
	if s.MaxFailures <= 0 {
		return "", 0, nil
	}
	now := s.Now()
	id, err = s.staff.BeginStaffAttempt(ctx, keys, now, s.FailureWindow)
	if err != nil {
		return "", 0, err
	}
	for _, k := range keys {
		times, err := s.staff.StaffFailures(ctx, k, now.Add(-s.FailureWindow), s.MaxFailures+1)
		if err != nil {
			return id, 0, err
		}
		if len(times) > s.MaxFailures {
			wait = max(wait, times[s.MaxFailures].Add(s.FailureWindow).Sub(now), time.Second)
		}
	}
	if wait > 0 {
		if err := s.staff.EndStaffAttempt(ctx, id); err != nil {
			return "", 0, err
		}
		return "", wait, nil
	}
	return id, 0, nil
}

// forget drops the count of an attempt that did not fail.
func (s *Server) forget(ctx context.Context, id string) {
	if id == "" {
		return
	}
	if err := s.staff.EndStaffAttempt(ctx, id); err != nil {
		s.log.Error("staff login attempt not forgotten", "err", err)
	}
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
	keys := loginKeys(r, name)
	attempt, wait, err := s.attempt(r.Context(), keys)
	if err != nil {
		s.forget(r.Context(), attempt)
		s.log.Error("login", "err", err)
		s.showLogin(w, http.StatusInternalServerError, "Der skete en fejl. Prøv igen.", name)
		return
	}
	if wait > 0 {
		minutes := int((wait + time.Minute - 1) / time.Minute)
		s.log.Warn("staff login shut out", "name", name, "addr", remote(r))
		s.showLogin(w, http.StatusTooManyRequests, "For mange forkerte forsøg på at logge ind. Prøv igen om "+strconv.Itoa(minutes)+" minutter.", name)
		return
	}
	ok, err := s.staff.CheckStaffUser(r.Context(), name, r.PostFormValue("password"))
	if err != nil || ok {
		s.forget(r.Context(), attempt) // counted only when the password was wrong
	}
	if err != nil {
		s.log.Error("login", "err", err)
		s.showLogin(w, http.StatusInternalServerError, "Der skete en fejl. Prøv igen.", name)
		return
	}
	if !ok {
		s.log.Warn("staff login failed", "name", name, "addr", remote(r))
		s.showLogin(w, http.StatusUnauthorized, "Forkert navn eller adgangskode.", name)
		return
	}
	stamp, err := s.staff.StaffStamp(r.Context(), name)
	if err == nil {
		now := s.Now()
		t := token()
		err = s.staff.CreateStaffSession(r.Context(), storage.StaffSession{TokenHash: storage.StaffTokenHash(t), Name: strings.TrimSpace(name),
			CSRF: token(), Stamp: stamp, Expires: now.Add(s.SessionTTL)}, now)
		if err == nil {
			setCookie(w, sessionCookie, t, 0)
		}
	}
	if err != nil {
		s.log.Error("login", "err", err)
		s.showLogin(w, http.StatusInternalServerError, "Der skete en fejl. Prøv igen.", name)
		return
	}
	setCookie(w, csrfCookie, "", -1)
	s.log.Info("staff login", "name", name)
	http.Redirect(w, r, "/oversigt", http.StatusSeeOther)
}

// logout ends the session on the server: the form must carry the
// session's token (any page of the session has it), or the request is
// refused and the session kept.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if ss, id := s.session(r); id != "" {
		form := r.PostFormValue("csrf")
		if form == "" || subtle.ConstantTimeCompare([]byte(form), []byte(ss.csrf)) != 1 {
			http.Error(w, "Du blev ikke logget ud: formularen kom ikke fra en side i denne session. Åbn oversigten igen, og log ud derfra.", http.StatusForbidden)
			return
		}
		if err := s.staff.EndStaffSession(r.Context(), id); err != nil {
			s.log.Error("logout", "err", err)
			http.Error(w, "Du blev ikke logget ud: serveren kunne ikke nå sin database. Prøv igen.", http.StatusServiceUnavailable)
			return
		}
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
	ss, _ := s.session(r)
	user := ss.name
	if user == "" {
		s.showLogin(w, http.StatusUnauthorized, "", "")
		return
	}
	now := s.Now()
	year := now.In(model.Copenhagen).Year()
	rows, err := s.db.CouncilOverviews(r.Context(), now)
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
	rounds, err := s.db.PBRoundsAll(r.Context())
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
	d.CSRF = ss.csrf
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
