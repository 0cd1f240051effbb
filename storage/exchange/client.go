package exchange

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	ErrNotEnrolled = errors.New("computeren er ikke tilmeldt kommunens server; angiv serverens adresse og tilmeldingskoden")
	ErrUnreachable = errors.New("kommunens server kan ikke nås; ændringerne gemmes og sendes ved næste synkronisering")
)

// RemoteError is a refusal from the hub.
type RemoteError struct {
	Status int
	Code   string
	Msg    string
}

func (e *RemoteError) Error() string { return "serveren afviste: " + e.Msg }

// Is lets callers test refusals with errors.Is against the package's and
// storage's errors.
func (e *RemoteError) Is(target error) bool {
	switch e.Code {
	case CodeUnauthorized:
		return target == storage.ErrUnauthorized
	case CodeRevoked:
		return target == storage.ErrRevoked
	case CodeForbidden:
		return target == ErrForbidden
	case CodeClock:
		return target == ErrClock
	case CodeBadRequest:
		return target == ErrBadInput
	}
	return false
}

// HTTPClient is the client Sync and Enroll use; tests may replace it.
var HTTPClient = &http.Client{Timeout: 2 * time.Minute}

// PushBatch is how many ops one push carries.
var PushBatch = 500

// Result says what a sync did.
type Result struct {
	Pushed, Pulled int // ops sent, and new ops received
}

func call(ctx context.Context, method, u, token string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := gzipJSON(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return fmt.Errorf("serverens adresse %q: %w", u, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", "gzip")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := HTTPClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w (%v)", ErrUnreachable, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e ErrorResponse
		if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&e); err != nil || e.Error == "" {
			return &RemoteError{Status: resp.StatusCode, Code: CodeInternal, Msg: resp.Status}
		}
		return &RemoteError{Status: resp.StatusCode, Code: e.Code, Msg: e.Error}
	}
	return decodeJSON(resp.Body, false, 256<<20, out)
}

// Enroll trades a one-time code for this device's secret and remembers the
// server. A council created on this computer before enrolment (the demo,
// say) is linked to the server's council, so its data goes up on the first
// sync.
func Enroll(ctx context.Context, db *storage.DB, serverURL, code string) (EnrollResponse, error) {
	serverURL = strings.TrimRight(serverURL, "/")
	if _, err := url.ParseRequestURI(serverURL); err != nil || serverURL == "" {
		return EnrollResponse{}, fmt.Errorf("serverens adresse %q er ugyldig", serverURL)
	}
	var resp EnrollResponse
	if err := call(ctx, http.MethodPost, serverURL+"/v1/enroll", "", EnrollRequest{Code: code, Replica: db.DeviceID(), Key: db.PublicKey()}, &resp); err != nil {
		return resp, err
	}
	// The hub's key directory: its key is trusted from now on (or must be
	// the one trusted already, from a bundle).
	if resp.Keys == nil {
		return resp, errors.New("serveren sendte ingen nøgleliste (er den en ældre version?)")
	}
	if err := db.AcceptKeyDirectory(*resp.Keys); err != nil {
		return resp, err
	}
	if resp.Council != "" {
		councils, err := db.Councils()
		if err != nil {
			return resp, err
		}
		have := false
		for _, c := range councils {
			have = have || c.ID == resp.Council
		}
		if !have && len(councils) == 1 {
			if err := db.LinkCouncil(councils[0].ID, resp.Council); err != nil {
				return resp, err
			}
			if err := db.SetMeta(MetaLinked, "1"); err != nil {
				return resp, err
			}
			// Only the municipality answers budget wishes: answers in data
			// made before enrolment (the demo's) never go up.
			if _, err := db.RewriteUnsynced(resp.Council, func(c storage.Change) (any, bool) {
				if c.Table != "budget_wishes" || !MunicipalField(c) {
					return nil, false
				}
				switch c.Field {
				case "granted":
					return int64(0), true
				case "status":
					return string(model.WishSubmitted), true
				}
				return "", true
			}); err != nil {
				return resp, err
			}
		}
	}
	staff := ""
	if resp.Staff {
		staff = "1"
	}
	for k, v := range map[string]string{storage.MetaServer: serverURL, storage.MetaToken: resp.Device + "." + resp.Secret,
		storage.MetaCouncil: resp.Council, storage.MetaStaff: staff} {
		if err := db.SetMeta(k, v); err != nil {
			return resp, err
		}
	}
	return resp, nil
}

// Sync pushes this device's unsent ops in bounded batches and pulls
// everything new since its cursor, page by page; each step is saved as it
// completes, so a sync cut off anywhere resumes without loss or
// duplication. serverURL "" means the remembered server. The outcome is
// remembered for the status bar (storage.MetaLast, storage.MetaError).
func Sync(ctx context.Context, db *storage.DB, serverURL string) (Result, error) {
	res, err := sync(ctx, db, serverURL)
	if err != nil {
		db.SetMeta(storage.MetaError, err.Error())
		return res, err
	}
	db.SetMeta(storage.MetaError, "")
	db.SetMeta(storage.MetaLast, time.Now().UTC().Format(time.RFC3339))
	return res, nil
}

func sync(ctx context.Context, db *storage.DB, serverURL string) (Result, error) {
	var res Result
	token, err := db.Meta(storage.MetaToken)
	if err != nil {
		return res, err
	}
	saved, _ := db.Meta(storage.MetaServer)
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
	council, _ := db.Meta(storage.MetaCouncil)
	if err := push(ctx, db, serverURL, token, council, &res); err != nil {
		return res, err
	}
	if err := pull(ctx, db, serverURL, token, &res); err != nil {
		return res, err
	}
	linked, _ := db.Meta(MetaLinked)
	if linked != "" {
		// The first sync of a council made here before enrolment: where the
		// server's council record had only empty defaults, what was typed
		// here stands, and goes up now.
		if err := keepLocalOverDefaults(db, council); err != nil {
			return res, err
		}
		if err := push(ctx, db, serverURL, token, council, &res); err != nil {
			return res, err
		}
		if err := db.SetMeta(MetaLinked, ""); err != nil {
			return res, err
		}
	}
	return res, nil
}

// MetaLinked is set while a council made on this computer before enrolment
// has not finished its first sync.
const MetaLinked = "sync_linked"

// keepLocalOverDefaults settles the conflicts that linking a council makes
// on the council's own record: the server's council was created with empty
// area and grant, and an empty default is no edit, so the value typed here
// is kept (as a new edit that syncs). A real difference — a name typed
// differently on each side — stays a conflict for a person.
func keepLocalOverDefaults(db *storage.DB, council string) error {
	cs, err := db.Conflicts(council)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.Table != "councils" || c.Row != council || c.Merged {
			continue
		}
		if isEmptyValue(c.Kept) && !isEmptyValue(c.Other) {
			if err := db.ResolveConflict(c.ID, c.Other); err != nil {
				return err
			}
		} else if isEmptyValue(c.Other) {
			if err := db.ResolveConflict(c.ID, nil); err != nil {
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
func push(ctx context.Context, db *storage.DB, serverURL, token, council string, res *Result) error {
	if !keyListed(db) {
		// Enrolled before ops were signed: the hub learns this device's
		// key now, even when there is nothing to send.
		if err := call(ctx, http.MethodPost, serverURL+"/v1/push", token, PushRequest{Ops: []Op{}, Key: db.PublicKey()}, &PushResponse{}); err != nil {
			return err
		}
	}
	for {
		ops, err := db.PendingOps(council, PushBatch)
		if err != nil {
			return err
		}
		if len(ops) == 0 {
			return nil
		}
		wire, err := EncodeOps(ops)
		if err != nil {
			return err
		}
		var pr PushResponse
		if err := call(ctx, http.MethodPost, serverURL+"/v1/push", token, PushRequest{Ops: wire, Key: db.PublicKey()}, &pr); err != nil {
			return err
		}
		if err := db.AckOps(ops[len(ops)-1].Seq); err != nil {
			return err
		}
		res.Pushed += len(ops)
	}
}

// keyListed tells whether the hub's key list this device holds names it
// with its key.
func keyListed(db *storage.DB) bool {
	dir, ok, err := db.KeyDirectory("")
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
func pull(ctx context.Context, db *storage.DB, serverURL, token string, res *Result) error {
	// After a restore the hub also sends this device's own ops, so that
	// what it wrote after the backup comes back; the flag stays until a
	// pull has gone all the way through.
	refetch, _ := db.Meta(storage.MetaRefetch)
	own := ""
	if refetch != "" {
		own = "&own=1"
	}
	for {
		cur, _ := db.Meta(storage.MetaCursor)
		since, _ := strconv.ParseInt(cur, 10, 64)
		keys := ""
		if dir, ok, err := db.KeyDirectory(""); err == nil && ok {
			keys = "&keys=" + dir.Hash()
		}
		var pr PullResponse
		if err := call(ctx, http.MethodGet, serverURL+"/v1/pull?since="+strconv.FormatInt(since, 10)+own+keys, token, nil, &pr); err != nil {
			return err
		}
		if pr.Keys != nil {
			if err := db.AcceptKeyDirectory(*pr.Keys); err != nil {
				return err
			}
		}
		ops, err := DecodeOps(pr.Ops)
		if err != nil {
			return err
		}
		n, err := db.ApplyPulled(ops, pr.Next)
		if err != nil {
			return err
		}
		res.Pulled += n
		if !pr.More || pr.Next <= since {
			break
		}
	}
	if refetch != "" {
		return db.SetMeta(storage.MetaRefetch, "")
	}
	return nil
}
