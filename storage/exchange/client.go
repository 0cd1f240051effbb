package exchange

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

// Client errors a person can act on.
var (
	ErrNotEnrolled = error(model.NewError(model.Forbidden, "computeren er ikke tilmeldt kommunens server; angiv serverens adresse og tilmeldingskoden"))
	ErrUnreachable = error(model.NewError(model.Unavailable, "kommunens server kan ikke nås; ændringerne gemmes og sendes ved næste synkronisering"))
)

// RemoteError is a refusal from the hub.
type RemoteError struct {
	Status int
	Code   string
	Msg    string
	// HubTime and MaxAhead are the hub's clock and how far ahead of it an
	// op may be, when the hub said (zero otherwise).
	HubTime  time.Time
	MaxAhead time.Duration
	// peers is what the hub heard of its other devices' clocks.
	peers peers
}

func (e *RemoteError) Error() string { return "serveren afviste: " + e.Msg }

// Is lets callers test refusals with errors.Is against the package's and
// storage's errors (wireCodes).
func (e *RemoteError) Is(target error) bool {
	w := wireCodes[wireCode(e.Code)]
	if w.err == nil || target != w.err {
		return false
	}
	// too_large is also the whole request's size; ErrOpTooLarge is one op's.
	return e.Code != CodeTooLarge || strings.HasPrefix(e.Msg, ErrOpTooLarge.Error())
}

// ErrorCode is the refusal's code in the model's words (wireCodes).
func (e *RemoteError) ErrorCode() model.Code { return wireCodes[wireCode(e.Code)].model }

// Client is how a desktop talks to the hub: sync, enrolment, attachments'
// files, and the bundle files that carry the same ops on a USB stick. Its
// fields are its settings; NewClient gives the defaults, and a test or a
// tool changes the fields of its own Client, never the package's. One
// Client may serve several databases and goroutines at once as long as
// nobody changes its fields meanwhile.
type Client struct {
	// HTTP sends the requests.
	HTTP *http.Client
	// PushBatch is how many ops one push carries, and PushBytes about how
	// many bytes (at least one op).
	PushBatch, PushBytes int
	// PullOps and PullBytes are the page size a pull asks for; the hub may
	// cap both lower.
	PullOps, PullBytes int
	// RetryWaits are the pauses before sending a pull or push again that a
	// hub, or the load balancer before its nodes, answered 502, 503 or 504
	// (a node restarting, its database unreachable for a moment). Both are
	// safe to send again: a pull reads, and a push already taken changes
	// nothing. An enrolment is never sent twice.
	RetryWaits []time.Duration
	// BlobChunk is how many bytes one upload request carries.
	BlobChunk int64
	// MaxBundle bounds a bundle once decompressed.
	MaxBundle int64
	// MaxBundleOps bounds the ops of one bundle. A bundle carries every op
	// of its council; ten years of a busy council's meetings are some tens
	// of thousands (the large demo: about 15,000 a council). The reader
	// refuses a header that says more before reading any op, and stops at
	// the first op past what the header says, so a small file that unpacks
	// to a million tiny ops costs kilobytes, not the gigabytes decoding
	// them would (TestBundleOfAMillionTinyOpsRefusedCheaply); the writer
	// refuses to write more, in Danish, rather than make a file no one can
	// read.
	MaxBundleOps int
	// BundleBlobBytes bounds the files one bundle carries (a bundle is read
	// whole into memory, and MaxBundle bounds it): the newest attachments'
	// files first; the rest travel with a later bundle or sync.
	BundleBlobBytes int64
	// MaxOp is the largest op a hub takes from a bundle (HubImportBundle),
	// as Server.MaxOp bounds a push.
	MaxOp int
	// MaxCouncilBlobBytes bounds a council's files at a hub that imports
	// a bundle (HubImportBundle), as Server.MaxCouncilBlobBytes bounds
	// uploads.
	MaxCouncilBlobBytes int64
}

// NewClient returns a Client with the default settings.
func NewClient() *Client {
	return &Client{
		HTTP:      &http.Client{Timeout: 2 * time.Minute},
		PushBatch: 500, PushBytes: 4 << 20,
		PullOps: 1000, PullBytes: 4 << 20,
		RetryWaits:      []time.Duration{250 * time.Millisecond, time.Second, 3 * time.Second},
		BlobChunk:       1 << 20,
		MaxBundle:       1 << 30,
		MaxBundleOps:    500_000,
		BundleBlobBytes: 256 << 20,
		MaxOp:           MaxOpBytes,

		MaxCouncilBlobBytes: model.MaxCouncilAttachment,
	}
}

// Result says what a sync did.
type Result struct {
	Pushed, Pulled int // ops sent, and new ops received
	// Restamped is how many unsent ops got a new clock because this
	// device's clock ran ahead of the hub's; Note says so in Danish.
	Restamped int
	// Refused is how many of this device's ops the server refused for
	// good; they are set aside (storage.RefusedChanges), and Note says so.
	Refused int
	Note    string
	// status is what this sync noted for the status bar (setNote), as
	// Note says it in Danish.
	status storage.StatusNote
	// BlobsSent and BlobsFetched count attachment files sent up and
	// fetched ahead of a meeting; BlobBytesSent the bytes of files sent.
	BlobsSent, BlobsFetched int
	BlobBytesSent           int64
	// Tables are the tables the new ops touched (sorted, each once): the
	// screens showing none of them need not be read again. Rows are the
	// rows they touched, by table: an editor whose item is not among them
	// need not be read again.
	Tables []string
	Rows   storage.Changed
	// Revived are rows deleted on this device that came back, for their
	// parts were worked on elsewhere meanwhile (storage.Applied).
	Revived storage.Changed
}

func (cl *Client) call(ctx context.Context, method, u, token string, body any, out any) error {
	_, err := cl.callH(ctx, method, u, token, body, out)
	return err
}

// callH is call that also returns the response's headers.
func (cl *Client) callH(ctx context.Context, method, u, token string, body any, out any) (http.Header, error) {
	var b []byte
	if body != nil {
		var err error
		if b, err = gzipJSON(body); err != nil {
			return nil, err
		}
	}
	retry := method == http.MethodGet || strings.HasSuffix(u, "/v1/push")
	for try := 0; ; try++ {
		h, err := cl.callOnce(ctx, method, u, token, b, out)
		var re *RemoteError
		if !retry || try >= len(cl.RetryWaits) || !errors.As(err, &re) ||
			re.Status != http.StatusBadGateway && re.Status != http.StatusServiceUnavailable && re.Status != http.StatusGatewayTimeout {
			return h, err
		}
		wait := cl.RetryWaits[try]
		wait += time.Duration(rand.Int64N(int64(wait)/2 + 1))
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return h, err
		}
	}
}

func (cl *Client) callOnce(ctx context.Context, method, u, token string, b []byte, out any) (http.Header, error) {
	var rd io.Reader
	if b != nil {
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("serverens adresse %q: %w", u, err)
	}
	if b != nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", "gzip")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if now, ok := ctx.Value(deviceClockKey{}).(func() time.Time); ok {
		req.Header.Set(HeaderDeviceClock, strconv.FormatInt(now().UnixMilli(), 10))
	}
	resp, err := cl.HTTP.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w (%v)", ErrUnreachable, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e ErrorResponse
		hubNow, maxAhead, _ := hubClock(resp.Header)
		if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&e); err != nil || e.Error == "" {
			switch resp.StatusCode {
			case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
				// A load balancer with no node to send to.
				return resp.Header, &RemoteError{Status: resp.StatusCode, Code: CodeUnavailable, HubTime: hubNow, MaxAhead: maxAhead,
					Msg: fmt.Sprintf("kommunens server svarer ikke lige nu (%d); ændringerne gemmes og sendes ved næste synkronisering", resp.StatusCode)}
			}
			return resp.Header, &RemoteError{Status: resp.StatusCode, Code: CodeInternal, Msg: resp.Status, HubTime: hubNow, MaxAhead: maxAhead}
		}
		return resp.Header, &RemoteError{Status: resp.StatusCode, Code: e.Code, Msg: e.Error, HubTime: hubNow, MaxAhead: maxAhead, peers: clockPeers(resp.Header)}
	}
	return resp.Header, decodeJSON(resp.Body, false, 256<<20, out)
}

// Enroll trades a one-time code for this device's secret and remembers the
// server. A council created on this computer before enrolment may become
// the server's council, so that its data goes up on the first sync: see
// afterEnroll (the demo never does; one with data waits for AnswerLink).
func (cl *Client) Enroll(ctx context.Context, db *storage.DB, serverURL, code string) (EnrollResponse, error) {
	serverURL = strings.TrimRight(serverURL, "/")
	if _, err := url.ParseRequestURI(serverURL); err != nil || serverURL == "" {
		return EnrollResponse{}, fmt.Errorf("serverens adresse %q er ugyldig", serverURL)
	}
	var resp EnrollResponse
	if err := cl.call(ctx, http.MethodPost, serverURL+"/v1/enroll", "", EnrollRequest{Code: code, Replica: db.DeviceID(), Key: db.PublicKey()}, &resp); err != nil {
		return resp, err
	}
	// The hub's key directory: its key is trusted from now on (or must be
	// the one trusted already, from a bundle).
	if resp.Keys == nil {
		return resp, errors.New("serveren sendte ingen nøgleliste (er den en ældre version?)")
	}
	if err := db.AcceptKeyDirectory(ctx, *resp.Keys); err != nil {
		return resp, err
	}
	if err := afterEnroll(ctx, db, resp); err != nil {
		return resp, err
	}
	err := db.UpdateSyncState(ctx, func(st *storage.SyncState) error {
		st.Server, st.Token, st.Council, st.Staff = serverURL, resp.Device+"."+resp.Secret, resp.Council, resp.Staff
		return nil
	})
	return resp, err
}

// Sync pushes this device's unsent ops in bounded batches and pulls
// everything new since its cursor, page by page; each step is saved as it
// completes, so a sync cut off anywhere resumes without loss or
// duplication. serverURL "" means the remembered server. The outcome is
// remembered for the status bar (storage.SyncState's Last and Error), also
// when ctx is cancelled.
func (cl *Client) Sync(ctx context.Context, db *storage.DB, serverURL string) (Result, error) {
	err := linkAnswered(ctx, db)
	var res Result
	if err == nil {
		res, err = cl.sync(ctx, db, serverURL)
	}
	werr := db.UpdateSyncState(context.WithoutCancel(ctx), func(st *storage.SyncState) error {
		if err != nil {
			st.Error, st.ErrorCode = err.Error(), model.ErrorCode(err)
			return nil
		}
		st.Error, st.ErrorCode, st.Last = "", "", time.Now().UTC().Truncate(time.Second)
		return nil
	})
	if err != nil {
		return res, errors.Join(err, werr)
	}
	return res, werr
}

func (cl *Client) sync(ctx context.Context, db *storage.DB, serverURL string) (Result, error) {
	// Every request tells the hub this device's clock (clockpeers.go).
	ctx = context.WithValue(ctx, deviceClockKey{}, db.Now)
	var res Result
	st, err := db.SyncState(ctx)
	if err != nil {
		return res, err
	}
	token, saved, council := st.Token, st.Server, st.Council
	if serverURL == "" {
		serverURL = saved
	}
	serverURL = strings.TrimRight(serverURL, "/")
	if token == "" && saved != "" {
		return res, storage.ErrSecretMissing
	}
	if token == "" || serverURL == "" {
		return res, ErrNotEnrolled
	}
	pushErr := cl.push(ctx, db, serverURL, token, council, &res)
	// Over the day's quota, or holding an op too big for the hub, this
	// device still receives the others' changes; the refusal is reported
	// after the pull.
	if pushErr != nil && !errors.Is(pushErr, ErrQuota) && !errors.Is(pushErr, ErrOpTooLarge) {
		return res, pushErr
	}
	if err := cl.pull(ctx, db, serverURL, token, &res); err != nil {
		return res, err
	}
	// A revoked colleague's changes this device took by stick, written
	// after the revocation, never reach the hub: set aside, as reading
	// the hub's file does (importBundle), so that this device shows what
	// the hub and the other laptops show.
	if council != "" {
		if _, err := db.SetAsideRevoked(ctx, council, nil); err != nil {
			return res, err
		}
	}
	if pushErr != nil {
		return res, pushErr
	}
	// Files after rows: the hub lets a device send a file its council's
	// rows name, and the pull has brought the rows of files to fetch.
	if err := cl.blobSync(ctx, db, serverURL, token, council, &res); err != nil {
		return res, err
	}
	if st, err = db.SyncState(ctx); err != nil {
		return res, err
	}
	if st.Linked {
		// The first sync of a council made here before enrolment: where the
		// server's council record had only empty defaults, what was typed
		// here stands, and goes up now.
		if err := keepLocalOverDefaults(ctx, db, council); err != nil {
			return res, err
		}
		if err := cl.push(ctx, db, serverURL, token, council, &res); err != nil {
			return res, err
		}
		if err := db.UpdateSyncState(ctx, func(st *storage.SyncState) error { st.Linked = false; return nil }); err != nil {
			return res, err
		}
	}
	return res, nil
}

// restamp re-stamps this device's unsent ops stamped more than maxAhead
// ahead of the hub's clock and lowers its clock; what happened goes into
// the result and, for the status bar, into MetaNote, once per problem:
//
//   - When the hub's other devices (heard, clockpeers.go) run ahead of it
//     as this one does, the hub's clock is behind: the ops are re-stamped,
//     since the hub takes no others, and nothing is said to this
//     computer's user, whose date is right.
//   - When this device's clock still runs ahead after it was told so (the
//     note saying so is shown, made within the week SyncNote keeps it), the
//     new ops are re-stamped without saying it again.
func restamp(ctx context.Context, db *storage.DB, hubNow time.Time, maxAhead time.Duration, heard peers, res *Result) error {
	r, err := db.RestampPending(ctx, hubNow, maxAhead)
	if err != nil {
		return err
	}
	clock := r.ClockNote()
	if clock.IsZero() {
		return nil
	}
	res.Restamped += r.Ops
	own := db.Now().Sub(hubNow)
	if heard.hubBehind(own, maxAhead) {
		return nil
	}
	if own > maxAhead {
		st, err := db.SyncState(ctx)
		if err != nil {
			return err
		}
		if told, _ := SyncNoteData(st, db.Now()); told.Clock.StillWrong {
			return nil
		}
		clock.StillWrong = true
	}
	res.status = storage.StatusNote{Clock: clock}
	res.Note = clock.Danish()
	return setNote(ctx, db, res.status)
}

// deviceClockKey holds, in a sync's context, the device's clock that its
// requests tell the hub.
type deviceClockKey struct{}

// refusedForGood tells whether the server refused ops for what they are
// (a rule, a size), so that sending them again can never succeed.
func refusedForGood(code string) bool {
	switch code {
	case CodeForbidden, CodeBadRequest, CodeTooLarge:
		return true
	}
	return false
}

// ownOpsElsewhere tells whether the hub holds ops of this device
// numbered past any this device wrote (HeaderOwnTop): another computer,
// a copy of this database, writes under its identity, and the hub leaves
// those ops out of this device's pulls as its own. Not after a restore
// (Refetch), whose own ops written after the backup are still to come
// back.
func ownOpsElsewhere(ctx context.Context, db *storage.DB, h http.Header) (bool, error) {
	top, err := strconv.ParseInt(h.Get(HeaderOwnTop), 10, 64)
	if err != nil {
		return false, nil // a hub of before the header
	}
	seq, err := db.Meta(ctx, "seq")
	if err != nil {
		return false, err
	}
	own, _ := strconv.ParseInt(seq, 10, 64)
	return top > own, nil
}

// renewCopied answers the hub's refusal of an op whose number another
// computer's op of the same device has, or a pull that shows the hub
// holding such ops (ownOpsElsewhere): this database was copied with its
// secrets file, and setting the op aside would lose what was written here
// and never bring the other computer's work. It gets an identity of its
// own instead (storage.RenewCopied), keeps its unsent work, and stops
// syncing until enrolled again.
func renewCopied(ctx context.Context, db *storage.DB) error {
	if err := db.RenewCopied(ctx); err != nil {
		return err
	}
	return storage.ErrCopiedDevice // Sync keeps it as the last error
}

// pushEach sends a refused batch one op at a time: those the server takes
// are acknowledged, those it refuses for good are set aside on this device
// with the server's reason (storage.SetAside), kept where the person who
// made them can see them, and the rest of the device's changes still sync.
func (cl *Client) pushEach(ctx context.Context, db *storage.DB, serverURL, token string, ops []storage.Change, res *Result) error {
	var reasons []string
	for _, c := range ops {
		wire, err := EncodeOps([]storage.Change{c})
		if err != nil {
			return err
		}
		err = cl.call(ctx, http.MethodPost, serverURL+"/v1/push", token, PushRequest{Ops: wire, Key: db.PublicKey()}, &PushResponse{})
		var re *RemoteError
		switch {
		case err == nil:
			if err := db.AckOps(ctx, c.Seq); err != nil {
				return err
			}
			res.Pushed++
		case errors.As(err, &re) && re.Code == CodeOpReused:
			return renewCopied(ctx, db)
		case errors.As(err, &re) && refusedForGood(re.Code):
			if err := db.SetAside(ctx, c, re.Msg, re.ErrorCode()); err != nil {
				return err
			}
			res.Refused++
			reasons = append(reasons, re.Msg)
		default:
			return err
		}
	}
	if len(reasons) == 0 {
		return nil
	}
	// A second refused batch of the same sync counts with the first, whose
	// reason is the one said.
	refused := res.status.Refused
	note := storage.RefusedNote{Count: refused.Count + len(reasons), Reason: refused.Reason}
	if refused.Count == 0 {
		note.Reason = reasons[0]
	}
	said := (storage.RefusedNote{Count: len(reasons), Reason: reasons[0]}).Danish()
	if res.Note != "" {
		said = res.Note + " " + said
	}
	res.Note = said
	res.status.Refused = note
	return setNote(ctx, db, res.status)
}

// setNote keeps note, with the time, for the status bar (SyncNote).
func setNote(ctx context.Context, db *storage.DB, note storage.StatusNote) error {
	return db.UpdateSyncState(ctx, func(st *storage.SyncState) error {
		st.Note, st.NoteData, st.NoteAt = note.Danish(), note, db.Now().UTC().Truncate(time.Second)
		return nil
	})
}

// SyncNote is the last note about this device's clock or refused changes,
// in Danish ("Enhedens ur gik 3 dage for hurtigt; 12 ændringer er
// omstemplet."), for a week after it was made (now), and "" otherwise.
func SyncNote(st storage.SyncState, now time.Time) string {
	if st.Note == "" || now.Sub(st.NoteAt) > 7*24*time.Hour {
		return ""
	}
	return st.Note
}

// SyncNoteData is SyncNote as what happened, for a screen to say in its
// language; ok is false when there is no note to show. A note an older
// version stored as text has ok true and a zero StatusNote: its text
// (SyncNote) is shown as it is.
func SyncNoteData(st storage.SyncState, now time.Time) (note storage.StatusNote, ok bool) {
	if SyncNote(st, now) == "" {
		return storage.StatusNote{}, false
	}
	return st.NoteData, true
}

// keepLocalOverDefaults settles the conflicts that linking a council makes
// on the council's own record: the server's council was created with empty
// area and grant, and an empty default is no edit, so the value typed here
// is kept (as a new edit that syncs). A real difference — a name typed
// differently on each side — stays a conflict for a person.
func keepLocalOverDefaults(ctx context.Context, db *storage.DB, council string) error {
	cs, err := db.Conflicts(ctx, council)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.Table != "councils" || c.Row != council || c.Merged {
			continue
		}
		if isEmptyValue(c.Kept) && !isEmptyValue(c.Other) {
			if err := db.ResolveConflict(ctx, c.ID, c.Other); err != nil {
				return err
			}
		} else if isEmptyValue(c.Other) {
			if err := db.ResolveConflict(ctx, c.ID, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

func isEmptyValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case int64:
		return x == 0
	}
	return false
}

// push sends this device's unsent ops in bounded batches; each batch is
// acknowledged as it is accepted.
func (cl *Client) push(ctx context.Context, db *storage.DB, serverURL, token, council string, res *Result) error {
	if !keyListed(ctx, db) {
		// Enrolled before ops were signed: the hub learns this device's
		// key now, even when there is nothing to send.
		if err := cl.call(ctx, http.MethodPost, serverURL+"/v1/push", token, PushRequest{Ops: []Op{}, Key: db.PublicKey()}, &PushResponse{}); err != nil {
			return err
		}
	}
	restamped := false
	for {
		ops, err := db.PendingOps(ctx, council, cl.PushBatch)
		if err != nil {
			return err
		}
		if len(ops) == 0 {
			return nil
		}
		size := 0
		for i, c := range ops {
			if size += c.Size(); i > 0 && size > cl.PushBytes {
				ops = ops[:i]
				break
			}
		}
		wire, err := EncodeOps(ops)
		if err != nil {
			return err
		}
		var pr PushResponse
		if err := cl.call(ctx, http.MethodPost, serverURL+"/v1/push", token, PushRequest{Ops: wire, Key: db.PublicKey()}, &pr); err != nil {
			// Refused as stamped too far ahead of the hub: this device's
			// clock ran ahead (and may have been corrected since). Its
			// unsent ops get the hub's time, once, and go again.
			var re *RemoteError
			if errors.As(err, &re) && re.Code == CodeClock && !re.HubTime.IsZero() && !restamped {
				restamped = true
				if err := restamp(ctx, db, re.HubTime, re.MaxAhead, re.peers, res); err != nil {
					return err
				}
				if res.Restamped > 0 {
					continue
				}
			}
			if errors.As(err, &re) && re.Code == CodeOpReused {
				return renewCopied(ctx, db)
			}
			if errors.As(err, &re) && refusedForGood(re.Code) {
				// One op the server will never take must not hold back the
				// rest: find it by sending one at a time, and set it aside.
				if err := cl.pushEach(ctx, db, serverURL, token, ops, res); err != nil {
					return err
				}
				continue
			}
			return err
		}
		if err := db.AckOps(ctx, ops[len(ops)-1].Seq); err != nil {
			return err
		}
		res.Pushed += len(ops)
	}
}

// keyListed tells whether the hub's key list this device holds names it
// with its key.
func keyListed(ctx context.Context, db *storage.DB) bool {
	dir, ok, err := db.KeyDirectory(ctx, "")
	if err != nil || !ok {
		return false
	}
	for _, e := range dir.Keys {
		if e.Replica == db.DeviceID() {
			return e.Key == db.PublicKey()
		}
	}
	return false
}

// pull applies everything new since the cursor, page by page; the cursor
// moves in the same transaction that applies a page.
func (cl *Client) pull(ctx context.Context, db *storage.DB, serverURL, token string, res *Result) error {
	// After a restore the hub also sends this device's own ops, so that
	// what it wrote after the backup comes back; the flag stays until a
	// pull has gone all the way through.
	st, err := db.SyncState(ctx)
	if err != nil {
		return err
	}
	refetch := st.Refetch
	own := ""
	if refetch {
		own = "&own=1"
	}
	page := "&limit=" + strconv.Itoa(cl.PullOps) + "&bytes=" + strconv.Itoa(cl.PullBytes)
	var hubNow time.Time
	var maxAhead time.Duration
	var heard peers
	// The next page is asked for while this one is applied: the hub reads
	// and sends it meanwhile, so a first pull waits for the slower of the
	// two instead of both. The hub keeps no state of a pull, so a page
	// fetched but not applied (an error, a cut-off sync) costs nothing: the
	// cursor moves only with a page applied, and the next sync asks again.
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type fetched struct {
		pr  PullResponse
		h   http.Header
		err error
	}
	fetch := func(since string) <-chan fetched {
		keys := ""
		if dir, ok, err := db.KeyDirectory(ctx, ""); err == nil && ok {
			keys = "&keys=" + dir.Hash()
		}
		ch := make(chan fetched, 1)
		go func() {
			var f fetched
			// since= the cursor's floor is for a hub of before streams.
			cur, _ := storage.ParseCursor(since)
			q := "/v1/pull?cursor=" + url.QueryEscape(since) + "&since=" + strconv.FormatInt(cur.Min(), 10)
			f.h, f.err = cl.callH(pctx, http.MethodGet, serverURL+q+page+own+keys, token, nil, &f.pr)
			ch <- f
		}()
		return ch
	}
	since := st.Cursor
	if since == "" {
		since = "0" // SyncState refuses a damaged one
	}
	next := fetch(since)
	// Pages with more to come leave their rows to be indexed for the
	// search by the last page; a pull that stops short indexes them here.
	parts := false
	defer func() {
		if parts {
			db.FinishPull(context.WithoutCancel(ctx))
		}
	}()
	for {
		f := <-next
		if f.err != nil {
			return f.err
		}
		pr := f.pr
		if !refetch {
			copied, err := ownOpsElsewhere(ctx, db, f.h)
			if err != nil {
				return err
			}
			if copied {
				return renewCopied(ctx, db)
			}
		}
		if t, ahead, ok := hubClock(f.h); ok {
			hubNow, maxAhead, heard = t, ahead, clockPeers(f.h)
		}
		if pr.Keys != nil {
			if err := db.AcceptKeyDirectory(ctx, *pr.Keys); err != nil {
				return err
			}
		}
		ops, err := DecodeOps(pr.Ops)
		if err != nil {
			return err
		}
		// The hub's cursor is kept as it came, but only one it could have
		// written (bounded, well formed): a broken one would cost every
		// later sync a pull from the start.
		cursor := pr.nextCursor()
		if _, err := storage.ParseCursor(cursor); err != nil {
			return fmt.Errorf("%w: %w", ErrBadInput, err)
		}
		more := pr.More && cursor != since
		if more {
			next = fetch(cursor)
		}
		apply := db.ApplyPulledPage
		if more {
			apply = db.ApplyPulledPart
		}
		a, err := apply(ctx, ops, cursor)
		if err != nil {
			return err
		}
		parts = more
		res.Pulled += a.New
		if a.New > 0 {
			res.Rows = res.Rows.Merge(a.Rows)
			res.Tables = res.Rows.Tables()
		}
		if len(a.Revived) > 0 {
			res.Revived = res.Revived.Merge(a.Revived)
		}
		if !more {
			break
		}
		since = cursor
	}
	if !hubNow.IsZero() {
		// A clock still running ahead of the hub's from before it was
		// corrected comes back now, not only when an unsent op is refused.
		if err := restamp(ctx, db, hubNow, maxAhead, heard, res); err != nil {
			return err
		}
	}
	if refetch {
		return db.UpdateSyncState(ctx, func(st *storage.SyncState) error { st.Refetch = false; return nil })
	}
	return nil
}
