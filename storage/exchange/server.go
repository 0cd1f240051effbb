package exchange

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

// Errors of authorization, for errors.Is on both sides of the wire.
var (
	ErrForbidden = error(model.NewError(model.Forbidden, "ingen adgang"))
	ErrClock     = error(model.NewError(model.Invalid, "enhedens ur går for langt foran"))
)

// Server is the hub: a storage.DB replica of every council with a device
// registry, behind HTTP.
type Server struct {
	// DB is the SQLite hub, when it is one (tests and tools read it);
	// the handlers use Store.
	DB *storage.DB
	// Store is where the hub keeps its registry and op log: DB, or a
	// PostgreSQL store shared by several hub nodes.
	Store HubStore
	// Blobs is where the hub keeps attachments' files: DB, or the
	// PostgreSQL store; nil when the store keeps none.
	Blobs BlobStore
	Log   *slog.Logger
	// Now is the hub's clock.
	Now func() time.Time
	// MaxBody bounds a request body, compressed and decompressed.
	MaxBody int64
	// PageSize bounds the ops of one pull response.
	PageSize int
	// PageBytes bounds the bytes of ops of one pull response (a client may
	// ask for less); a page holds at least one op.
	PageBytes int
	// MaxOp bounds the bytes of one op; a push holding a bigger one is
	// refused, naming its field.
	MaxOp int
	// MaxAhead is how far ahead of the hub's clock an op's HLC may be.
	MaxAhead time.Duration
	// QuotaOps and QuotaBytes bound what one device may push in a day
	// (UTC); 0 means no bound.
	QuotaOps, QuotaBytes int64
	// CodeTTL is how long an enrolment code may be used; 0 means forever.
	CodeTTL time.Duration
	// MaxFailures failed enrolments or authentications from one address,
	// or for one device, within FailureWindow shut it out for the rest of
	// the window; 0 means no limit.
	MaxFailures   int
	FailureWindow time.Duration
	// MaxBlobChunk bounds one chunk of an attachment's file sent up;
	// QuotaBlobBytes bounds the bytes of files one device may send up in
	// a day (UTC); 0 means no bound (blobs.go).
	MaxBlobChunk   int64
	QuotaBlobBytes int64
	// MaxCouncilBlobBytes bounds the files the hub keeps of one council
	// (model.MaxCouncilAttachment, as a laptop keeps).
	MaxCouncilBlobBytes int64
	// PartialTTL is how long a partial upload not added to is kept: an
	// upload that starts sweeps those older (at most once a minute on
	// each node), and `kommune serve` sweeps every hour; 0 keeps them.
	// While kept, a partial file counts with its whole size against
	// MaxCouncilBlobBytes.
	PartialTTL time.Duration

	sweep     sweeper
	quota     quotas
	blobQuota quotas
	clocks    peerClocks // what it heard of its devices' clocks (clockpeers.go)
	failures  limiter
	metrics   metrics
}

// NewServer makes a hub with the default limits on db, which it marks as
// the hub's (storage.DB.SetHub, under ctx: on an old hub that signs the
// ops it accepted before ops were signed).
func NewServer(ctx context.Context, db *storage.DB, log *slog.Logger) *Server {
	if log == nil {
		log = slog.Default()
	}
	if db != nil { // nil: only the defaults are wanted (kommune's flags)
		if err := db.SetHub(ctx); err != nil {
			log.Error("mark database as the hub's", "err", err)
		}
	}
	s := NewStoreServer(nil, log)
	s.DB = db
	if db != nil {
		s.Store, s.Blobs = db, db
	}
	return s
}

// NewStoreServer makes a hub on store with the default limits.
func NewStoreServer(store HubStore, log *slog.Logger) *Server {
	if log == nil {
		log = slog.Default()
	}
	bs, _ := store.(BlobStore)
	return &Server{Store: store, Blobs: bs, Log: log, Now: time.Now, MaxBody: 8 << 20, PageSize: 1000, PageBytes: 4 << 20, MaxOp: MaxOpBytes,
		MaxAhead: storage.MaxClockSkew, QuotaOps: 200_000, QuotaBytes: 500 << 20, CodeTTL: 14 * 24 * time.Hour,
		MaxFailures: 10, FailureWindow: 15 * time.Minute, MaxBlobChunk: 4 << 20, QuotaBlobBytes: 2 << 30,
		MaxCouncilBlobBytes: model.MaxCouncilAttachment, PartialTTL: 24 * time.Hour}
}

// Handler routes the protocol.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/enroll", s.enroll)
	mux.HandleFunc("POST /v1/push", s.push)
	mux.HandleFunc("GET /v1/pull", s.pull)
	mux.HandleFunc("POST /v1/blobs", s.blobStatus)
	mux.HandleFunc("PUT /v1/blobs/{sum}", s.blobUpload)
	mux.HandleFunc("GET /v1/blobs/{sum}", s.blobDownload)
	mux.HandleFunc("GET /v1/health", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /metrics", s.metricsPage)
	return s.observed(s.withClock(mux))
}

// httpError is an error with its status and code.
type httpError struct {
	status int
	code   string
	err    error
}

func (e *httpError) Error() string { return e.err.Error() }
func (e *httpError) Unwrap() error { return e.err }

// fail is an error the server answers with code (and its status, from
// wireCodes).
func fail(code string, err error) error {
	return &httpError{wireCodes[wireCode(code)].status, code, err}
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	if !errors.As(err, &he) {
		if code, ok := codeOf(err); ok && code == CodeUnavailable {
			// The store's own words (a driver's, in English) stay in the log.
			s.Log.Error("store unavailable", "path", r.URL.Path, "err", err)
			he = fail(code, storage.ErrUnavailable).(*httpError)
		} else if ok {
			he = fail(code, err).(*httpError)
		} else {
			he = fail(CodeInternal, errors.New("intern fejl på serveren")).(*httpError)
			s.Log.Error("request failed", "path", r.URL.Path, "err", err)
		}
	}
	s.metrics.refused(he.code)
	s.Log.Info("refused", "path", r.URL.Path, "status", he.status, "code", he.code, "err", he.err.Error())
	s.writeJSON(w, r, he.status, ErrorResponse{Error: he.err.Error(), Code: he.code})
}

func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(status)
		zw := newGzip(w)
		json.NewEncoder(zw).Encode(v)
		zw.Close()
		return
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) readBody(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxBody)
	return decodeJSON(r.Body, r.Header.Get("Content-Encoding") == "gzip", s.MaxBody, v)
}

// device authenticates a request.
func (s *Server) device(r *http.Request) (storage.Device, error) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	id, secret, ok2 := strings.Cut(token, ".")
	if !ok || !ok2 {
		return storage.Device{}, s.refused(r, "")
	}
	// The right secret passes whatever failed from its address or under
	// its id: a secret is 32 random bytes, which no number of guesses
	// finds, and behind a proxy, a load balancer or a town hall's shared
	// connection one address is every laptop's, so a stranger's ten
	// made-up tokens would otherwise shut every council out
	// (TestAtkStrangerShutsOutEveryCouncil). A wrong one is refused as
	// "too many" once its address or id has failed too often.
	d, err := s.Store.Authenticate(r.Context(), id, secret)
	switch {
	case errors.Is(err, storage.ErrRevoked):
		return d, fail(CodeRevoked, err)
	case err != nil && !errors.Is(err, storage.ErrUnauthorized):
		// The store failed (its database is restarting): unavailable,
		// which the client retries, not a wrong key.
		return d, err
	case err != nil:
		return d, s.refused(r, id)
	}
	return d, nil
}

// refused counts a failed log-in with a device's token and says why it
// failed: too many failures lately, or the wrong token.
func (s *Server) refused(r *http.Request, id string) error {
	if err := s.limited(r, id); err != nil {
		return err
	}
	s.failed(r, id)
	return fail(CodeUnauthorized, storage.ErrUnauthorized)
}

func (s *Server) enroll(w http.ResponseWriter, r *http.Request) {
	if err := s.limited(r, ""); err != nil {
		s.writeError(w, r, err)
		return
	}
	var req EnrollRequest
	if err := s.readBody(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.checkCode(r.Context(), req.Code); err != nil {
		if !errors.Is(err, storage.ErrUnavailable) {
			s.failed(r, "")
		}
		s.writeError(w, r, err)
		return
	}
	d, secret, err := s.Store.EnrollDevice(r.Context(), req.Code, req.Replica, req.Key)
	if err != nil {
		if !errors.Is(err, storage.ErrUnavailable) {
			s.failed(r, "")
		}
		switch {
		case errors.Is(err, storage.ErrUnavailable):
		case errors.Is(err, storage.ErrRevoked):
			err = fail(CodeRevoked, err)
		case errors.Is(err, storage.ErrReplicaTaken):
			err = fail(CodeForbidden, err)
		default:
			err = fail(CodeUnauthorized, err)
		}
		s.writeError(w, r, err)
		return
	}
	dir, err := s.Store.HubDirectory(r.Context(), d.Council)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	resp := EnrollResponse{Device: d.ID, Secret: secret, Council: d.Council, Staff: d.Staff, Keys: &dir}
	if d.Council != "" {
		if c, err := s.Store.HubCouncil(r.Context(), d.Council); err == nil {
			resp.CouncilName = c.Name
		}
	}
	s.metrics.enrolls.Add(1)
	s.Log.Info("enrolled", "device", d.ID, "label", d.Label, "council", d.Council, "staff", d.Staff)
	s.writeJSON(w, r, http.StatusOK, resp)
}

func (s *Server) push(w http.ResponseWriter, r *http.Request) {
	d, err := s.device(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.tellClockPeers(w, r, d.ID)
	var req PushRequest
	if err := s.readBody(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Key != "" {
		if err := s.Store.SetDeviceKey(r.Context(), d.ID, req.Key); err != nil {
			s.writeError(w, r, fail(CodeForbidden, err))
			return
		}
	}
	ops, err := DecodeOps(req.Ops)
	var fresh []storage.Change
	if err == nil {
		fresh, err = AdmitPush(r.Context(), s.Store, d, ops, s.Now(), s.MaxAhead, s.MaxOp)
	}
	if err == nil {
		// Only what is new counts: a resent batch changes nothing.
		bytes := int64(0)
		for _, c := range fresh {
			bytes += int64(c.Size())
		}
		err = s.quota.take(d.ID, s.Now(), int64(len(fresh)), bytes, s.QuotaOps, s.QuotaBytes)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	n, err := s.Store.HubApply(r.Context(), ops)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.metrics.pushes.Add(1)
	s.metrics.opsIn.Add(int64(n))
	s.Log.Info("push", "device", d.ID, "ops", len(ops), "new", n)
	s.writeJSON(w, r, http.StatusOK, PushResponse{Accepted: n})
}

// AdmitPush runs the door's rules on ops device d pushes (the authenticated
// author) before store.HubApply stores them: sizes, authorship, the clock,
// the municipality's fields, signatures, and the rules on answers and
// statuses. It returns the ops the store does not hold yet. The push
// endpoint and a node's mirror (mirror.go) both go through it.
func AdmitPush(ctx context.Context, store HubStore, d storage.Device, ops []storage.Change, now time.Time, maxAhead time.Duration, maxOp int) ([]storage.Change, error) {
	if err := checkOpSizes(ops, maxOp); err != nil {
		return nil, err
	}
	if err := Authorize(d, ops, true, now, maxAhead); err != nil {
		return nil, err
	}
	if err := AuthorizeAnswers(ctx, store, d, ops); err != nil {
		return nil, err
	}
	// The author is the authenticated device (Authorize); its ops must
	// also carry its signature, so that they can travel on in bundles.
	fresh, _, err := store.VerifyOps(ctx, ops, nil)
	if err != nil {
		return nil, err
	}
	if !d.Staff {
		if err := refuseLegacyBase(fresh); err != nil {
			return nil, err
		}
		staff := registryStaff(ctx, store)
		if err := refuseClaimsPastStaff(fresh, staff, func(table, row, field string) ([]storage.Change, error) {
			return store.FieldOps(ctx, table, row, field)
		}); err != nil { // rules.go
			return nil, err
		}
		if err := AuthorizeStatus(ctx, store, ops, staff); err != nil {
			return nil, err
		}
	}
	return fresh, nil
}

func (s *Server) pull(w http.ResponseWriter, r *http.Request) {
	d, err := s.device(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.tellClockPeers(w, r, d.ID)
	// A cursor (cursor=) is the hub's own, sent back; a client of before
	// streams sends one number (since=N), N in every stream. Either is
	// read only for the streams this device may pull (HubPage).
	var cur storage.Cursor
	_, vector := r.URL.Query()["cursor"]
	if vector {
		if cur, err = storage.ParseCursor(r.URL.Query().Get("cursor")); err != nil {
			s.writeError(w, r, fail(CodeBadRequest, err))
			return
		}
	} else {
		since, err := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
		if err != nil && r.URL.Query().Get("since") != "" || since < 0 {
			s.writeError(w, r, fail(CodeBadRequest, errors.New("since skal være et tal")))
			return
		}
		cur = storage.UniformCursor(since)
	}
	limit := s.PageSize
	if l, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && l > 0 && l < limit {
		limit = l
	}
	bytes := s.PageBytes
	if b, err := strconv.Atoi(r.URL.Query().Get("bytes")); err == nil && b > 0 && (b < bytes || bytes <= 0) {
		bytes = b
	}
	council := d.Council
	if d.Staff {
		council = ""
	}
	// A device leaves out its own ops, except after a restore from a
	// backup (own=1), when those written after the backup must come back.
	exclude := d.Replica
	if r.URL.Query().Get("own") == "1" {
		exclude = ""
	}
	ops, next, more, err := s.Store.HubPage(r.Context(), council, cur, storage.Page{Ops: limit, Bytes: bytes}, exclude)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// What the hub holds of the asking device's own ops: more than it
	// wrote means another computer writes under its identity.
	top, err := s.Store.HubDeviceTop(r.Context(), d.Replica)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set(HeaderOwnTop, strconv.FormatInt(top, 10))
	wire, err := EncodeOps(ops)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.metrics.pulls.Add(1)
	s.metrics.opsOut.Add(int64(len(ops)))
	resp := PullResponse{Ops: wire, Next: next.Floor, More: more}
	if vector {
		resp.Cursor = next.String()
	}
	dir, err := s.Store.HubDirectory(r.Context(), council)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if dir.Hash() != r.URL.Query().Get("keys") {
		resp.Keys = &dir
	}
	s.writeJSON(w, r, http.StatusOK, resp)
}

// checkCode refuses an enrolment code older than CodeTTL.
func (s *Server) checkCode(ctx context.Context, code string) error {
	if s.CodeTTL <= 0 {
		return nil
	}
	made, ok, err := s.Store.CodeIssued(ctx, code)
	if err != nil || !ok {
		return err // an unknown code is refused by EnrollDevice
	}
	if s.Now().Sub(made) > s.CodeTTL {
		return fail(CodeExpired, fmt.Errorf("%w: den blev lavet %s og gælder i %d dage; bed kommunen om en ny kode",
			ErrCodeExpired, made.In(model.Copenhagen).Format("02.01.2006"), int(s.CodeTTL/(24*time.Hour))))
	}
	return nil
}

// MunicipalField tells whether an op writes what only the municipality may
// write (model.WritesMunicipal, from the field registry): its own data
// (pools, deadlines, contacts, announcements: any op of
// model.MunicipalityID), and its fields on a council's row (a budget wish's
// answer, answer text, granted amount, and the status "besvaret"). A
// council device may still create a wish with the answer fields empty.
func MunicipalField(c storage.Change) bool {
	return model.WritesMunicipal(c.Council, c.Table, c.Field, c.Value, c.Base == "")
}

// Authorize checks that device d may write ops: any device only ops it
// wrote itself (when own is set); a council device only its own council,
// and none of the municipality's fields or data; no device an HLC more
// than maxAhead ahead of now.
func Authorize(d storage.Device, ops []storage.Change, own bool, now time.Time, maxAhead time.Duration) error {
	limit := now.Add(maxAhead).UnixMilli()
	for _, c := range ops {
		if c.HLC>>16 > limit {
			return fail(CodeClock, fmt.Errorf("%w: en ændring er stemplet %s, serverens ur er %s; ret datoen på computeren",
				ErrClock, time.UnixMilli(c.HLC>>16).UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339)))
		}
		// Every device, staff too, sends only what it wrote itself: the
		// author is the authenticated device, never a field of the body.
		if own && c.Device != d.Replica {
			return fail(CodeForbidden, fmt.Errorf("%w: en enhed kan kun sende sine egne ændringer", ErrForbidden))
		}
		if d.Staff {
			continue
		}
		if MunicipalField(c) {
			if model.MunicipalColumn(c.Table, c.Field) && c.Council != model.MunicipalityID {
				return fail(CodeForbidden, fmt.Errorf("%w: kun kommunen kan skrive feltet »%s« på %s", ErrForbidden, model.FieldName(c.Table, c.Field), model.TableNoun(c.Table)))
			}
			return fail(CodeForbidden, fmt.Errorf("%w: kun kommunen kan skrive puljer, frister, kontakter og meddelelser (%s)", ErrForbidden, c.Table))
		}
		if c.Council != d.Council {
			return fail(CodeForbidden, fmt.Errorf("%w: enheden hører til et andet lokalråd", ErrForbidden))
		}
		if councilDelete(c) {
			return fail(CodeForbidden, errCouncilDelete)
		}
	}
	return nil
}

// councilDelete tells whether c deletes a council's own row: only the
// municipality makes and removes councils (kommune council add), and a
// council device's delete of its row took the council from the hub and
// every laptop.
func councilDelete(c storage.Change) bool { return c.Table == "councils" && c.Field == "" }

var errCouncilDelete = fmt.Errorf("%w: kun kommunen kan slette et lokalråd", ErrForbidden)

// AuthorizeAnswers checks a council device's ops on a budget wish's answer
// and status against what the hub holds, which Authorize alone cannot: an
// empty answer field based on nothing is only the wish's creation, not a
// way to clear an answer the municipality has written since; and a status
// the municipality set to answered is not the council's to change.
// Ops the hub holds already (a resent batch) pass.
func AuthorizeAnswers(ctx context.Context, db fieldReader, d storage.Device, ops []storage.Change) error {
	if d.Staff {
		return nil
	}
	for _, c := range ops {
		if !model.MunicipalColumn(c.Table, c.Field) {
			continue
		}
		f, _ := model.FieldOf(c.Table, c.Field)
		held, err := db.FieldOps(ctx, c.Table, c.Row, c.Field)
		if err != nil {
			return err
		}
		refuse := false
		for _, h := range held {
			if h.ID() == c.ID() {
				refuse = false
				break
			}
			if f.MunicipalValue != "" {
				refuse = refuse || storage.Saw(c.Base, h.Device, h.Seq) && h.Value == f.MunicipalValue
			} else {
				refuse = refuse || h.Base != ""
			}
		}
		if refuse {
			return fail(CodeForbidden, fmt.Errorf("%w: kun kommunen kan skrive feltet »%s« på %s", ErrForbidden, model.FieldName(c.Table, c.Field), model.TableNoun(c.Table)))
		}
	}
	return nil
}
