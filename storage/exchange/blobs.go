package exchange

// Attachment files (bilag) travel apart from the ops: an attachment row is
// an op like any other, its file is a blob named by its SHA-256.
//
//	POST /v1/blobs        {"sums": [...]} → how much of each file the hub holds
//	PUT  /v1/blobs/{sum}?size=S&offset=N   one chunk, at the end of what the hub holds
//	GET  /v1/blobs/{sum}  the file (Range requests resume a cut download)
//
// A device may send or fetch only a file that an attachment row of its own
// council names (a staff device: of any council); the size it sends must be
// the row's. The hub checks the whole file against its name before it keeps
// it, and a laptop checks what it fetched the same way (storage/blobs), so a
// file whose bytes do not match is refused at both ends. Uploads resume:
// the client asks what the hub holds and sends the rest, chunk by chunk.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/blobs"
)

// UpcomingDays: a sync fetches ahead the files of meetings this many days
// ahead.
const UpcomingDays = 14

// maxBlobSums bounds the files one status request asks about.
const maxBlobSums = 1000

// BlobStatusRequest asks the hub what it holds of some files.
type BlobStatusRequest struct {
	Sums []string `json:"sums"`
}

// BlobState is how much of one file the hub holds.
type BlobState struct {
	Sum      string `json:"sum"`
	Received int64  `json:"received"`
	Whole    bool   `json:"whole"`
}

// BlobStatusResponse answers a BlobStatusRequest, in its order.
type BlobStatusResponse struct {
	Blobs []BlobState `json:"blobs"`
}

// ErrBlobForbidden: the device's council names no such file.
var ErrBlobForbidden = fmt.Errorf("%w: bilaget hører ikke til enhedens råd", ErrForbidden)

// errNoBlobs: the hub's store keeps no attachment files.
var errNoBlobs = errors.New("kommunens server gemmer ikke bilag; bilagene bliver på computerne, og rækkerne synkroniseres")

// ErrBlobNotSent: the hub has not got the file yet (the laptop that
// attached it has not synced since).
var ErrBlobNotSent = errors.New("bilaget er ikke sendt til kommunen endnu")

// blobRow finds the attachment row that lets device d send or fetch the
// file sum.
func (s *Server) blobRow(ctx context.Context, d storage.Device, sum string) (model.Attachment, error) {
	if s.Blobs == nil {
		return model.Attachment{}, fail(CodeUnavailable, fmt.Errorf("%w: %w", storage.ErrUnavailable, errNoBlobs))
	}
	if !blobs.Valid(sum) {
		return model.Attachment{}, fail(CodeBadRequest, blobs.ErrBadHash)
	}
	council := d.Council
	if d.Staff {
		council = ""
	}
	rows, err := s.Blobs.AttachmentsNamed(ctx, sum, council)
	if err != nil {
		return model.Attachment{}, err
	}
	if len(rows) == 0 || council == "" && !d.Staff {
		return model.Attachment{}, fail(CodeForbidden, ErrBlobForbidden)
	}
	return rows[0], nil
}

func (s *Server) blobStatus(w http.ResponseWriter, r *http.Request) {
	d, err := s.device(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req BlobStatusRequest
	if err := s.readBody(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if len(req.Sums) > maxBlobSums {
		s.writeError(w, r, fail(CodeTooLarge, fmt.Errorf("%w: højst %d bilag pr. forespørgsel", errTooLarge, maxBlobSums)))
		return
	}
	if s.Blobs == nil {
		s.writeError(w, r, fail(CodeUnavailable, fmt.Errorf("%w: %w", storage.ErrUnavailable, errNoBlobs)))
		return
	}
	resp := BlobStatusResponse{Blobs: make([]BlobState, 0, len(req.Sums))}
	for _, sum := range req.Sums {
		if _, err := s.blobRow(r.Context(), d, sum); err != nil {
			s.writeError(w, r, err)
			return
		}
		n, whole, err := s.Blobs.BlobReceived(r.Context(), sum)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		resp.Blobs = append(resp.Blobs, BlobState{Sum: sum, Received: n, Whole: whole})
	}
	s.writeJSON(w, r, http.StatusOK, resp)
}

// requestedBlob is the authenticated device and the attachment the path's
// {sum} names, which it may send or fetch; otherwise the error is written
// and ok is false.
func (s *Server) requestedBlob(w http.ResponseWriter, r *http.Request) (d storage.Device, sum string, row model.Attachment, ok bool) {
	d, err := s.device(r)
	if err == nil {
		sum = r.PathValue("sum")
		row, err = s.blobRow(r.Context(), d, sum)
	}
	if err != nil {
		s.writeError(w, r, err)
		return d, sum, row, false
	}
	return d, sum, row, true
}

func (s *Server) blobUpload(w http.ResponseWriter, r *http.Request) {
	d, sum, row, ok := s.requestedBlob(w, r)
	if !ok {
		return
	}
	size, err1 := strconv.ParseInt(r.URL.Query().Get("size"), 10, 64)
	offset, err2 := strconv.ParseInt(r.URL.Query().Get("offset"), 10, 64)
	if err1 != nil || err2 != nil || offset < 0 || size != row.Size {
		s.writeError(w, r, fail(CodeBadRequest, fmt.Errorf("%w: størrelse og position skal være tal, og størrelsen bilagets", ErrBadInput)))
		return
	}
	if r.ContentLength > s.MaxBlobChunk || r.ContentLength < 0 && s.MaxBlobChunk > 0 {
		s.writeError(w, r, fail(CodeTooLarge, fmt.Errorf("%w: en del af et bilag er højst %s", errTooLarge, model.Bytes(s.MaxBlobChunk))))
		return
	}
	if offset == 0 {
		// A new file: abandoned partial uploads go first.
		if _, _, err := s.sweepPartial(r.Context(), false); err != nil {
			s.Log.Warn("partial uploads not swept", "err", err)
		}
	}
	// The council's files (whole, and partial with their whole size) stay
	// within their bound here as on the laptop (a device could write rows
	// past it, or start uploads it never finishes). A new file is checked
	// with its size added; a resumed one, counted already, is refused
	// while the council is past the bound: two uploads started at once
	// (on one node or two) both pass the check at their start, and only
	// this keeps them from both finishing.
	have, whole, err := s.Blobs.BlobReceived(r.Context(), sum)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !whole {
		held, err := s.Blobs.HeldAttachmentBytes(r.Context(), row.CouncilID)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if have == 0 && held+size > s.MaxCouncilBlobBytes || have > 0 && held > s.MaxCouncilBlobBytes {
			s.writeError(w, r, fail(CodeQuota, fmt.Errorf("%w: bilaget »%s« (%s) kommer ikke med; rådets bilag fylder allerede %s på kommunens server",
				storage.ErrQuota, row.Name, model.Bytes(size), model.Bytes(held))))
			return
		}
	}
	if err := s.blobQuota.take(d.ID, s.Now(), 0, r.ContentLength, 0, s.QuotaBlobBytes); err != nil {
		s.writeError(w, r, err)
		return
	}
	body := http.MaxBytesReader(w, r.Body, s.MaxBlobChunk)
	n, whole, err := s.Blobs.AppendBlob(r.Context(), sum, size, offset, body, model.MaxAttachmentSize)
	switch {
	case errors.Is(err, blobs.ErrOffset):
		// Not where the hub's copy ends: the client asks again and resends
		// from there.
		s.writeJSON(w, r, http.StatusConflict, BlobState{Sum: sum, Received: n})
		return
	case errors.Is(err, blobs.ErrMismatch), errors.Is(err, blobs.ErrTooBig):
		s.writeError(w, r, fail(CodeBadRequest, fmt.Errorf("bilaget »%s«: %w", row.Name, err)))
		return
	case err != nil:
		s.writeError(w, r, err)
		return
	}
	if whole {
		s.Log.Info("blob", "device", d.ID, "sum", sum, "size", size)
	}
	s.writeJSON(w, r, http.StatusOK, BlobState{Sum: sum, Received: n, Whole: whole})
}

// PartialSweeper is a BlobStore that can drop partial uploads not added
// to since a moment (both stores can).
type PartialSweeper interface {
	SweepPartialBlobs(ctx context.Context, before time.Time) (n int, bytes int64, err error)
}

var _ PartialSweeper = (*storage.DB)(nil)

// sweeper bounds how often a node sweeps at the start of uploads.
type sweeper struct {
	mu   sync.Mutex
	last time.Time
}

// sweepEvery: an upload's start sweeps at most this often on one node.
const sweepEvery = time.Minute

// SweepPartialUploads removes the partial uploads not added to for
// PartialTTL (nothing when it is 0, or the store keeps no files) and
// returns how many it removed and the bytes they held: what `kommune
// serve` does every hour.
func (s *Server) SweepPartialUploads(ctx context.Context) (int, int64, error) {
	return s.sweepPartial(ctx, true)
}

func (s *Server) sweepPartial(ctx context.Context, always bool) (int, int64, error) {
	sw, ok := s.Blobs.(PartialSweeper)
	if !ok || s.PartialTTL <= 0 {
		return 0, 0, nil
	}
	now := s.Now()
	s.sweep.mu.Lock()
	if !always && !s.sweep.last.IsZero() && now.Sub(s.sweep.last) < sweepEvery && now.After(s.sweep.last) {
		s.sweep.mu.Unlock()
		return 0, 0, nil
	}
	s.sweep.last = now
	s.sweep.mu.Unlock()
	n, b, err := sw.SweepPartialBlobs(ctx, now.Add(-s.PartialTTL))
	if n > 0 {
		s.Log.Info("partial uploads swept", "files", n, "bytes", b, "older_than", s.PartialTTL.String())
	}
	return n, b, err
}

func (s *Server) blobDownload(w http.ResponseWriter, r *http.Request) {
	_, sum, row, ok := s.requestedBlob(w, r)
	if !ok {
		return
	}
	f, err := s.Blobs.OpenBlob(r.Context(), sum) // checked against its name
	if errors.Is(err, blobs.ErrMissing) {
		s.writeError(w, r, fail(CodeNotFound, fmt.Errorf("bilaget »%s«: %w", row.Name, ErrBlobNotSent)))
		return
	}
	if errors.Is(err, blobs.ErrMismatch) {
		s.Log.Error("blob damaged on the hub", "sum", sum)
		s.writeError(w, r, fail(CodeInternal, fmt.Errorf("bilaget »%s« er beskadiget på kommunens server", row.Name)))
		return
	}
	if err != nil {
		s.writeError(w, r, fmt.Errorf("bilaget »%s«: %w", row.Name, err))
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	http.ServeContent(w, r, "", time.Time{}, f)
}

// blobSync sends up the files of this council's attachments that the hub
// lacks, and fetches the files of meetings in the next UpcomingDays days
// that this laptop lacks. A file that fails is named in res.Note; the
// others still go.
func (cl *Client) blobSync(ctx context.Context, db *storage.DB, serverURL, token, council string, res *Result) error {
	var mine []model.Attachment
	var err error
	if council != "" {
		mine, err = db.CouncilAttachments(ctx, council)
		if err != nil {
			return err
		}
	}
	store := db.Blobs()
	var have []model.Attachment
	seen := map[string]bool{}
	for _, a := range mine {
		if !seen[a.SHA256] && store.Has(a.SHA256) {
			seen[a.SHA256] = true
			have = append(have, a)
		}
	}
	for start := 0; start < len(have); start += maxBlobSums {
		part := have[start:min(len(have), start+maxBlobSums)]
		req := BlobStatusRequest{}
		for _, a := range part {
			req.Sums = append(req.Sums, a.SHA256)
		}
		var st BlobStatusResponse
		if err := cl.call(ctx, http.MethodPost, serverURL+"/v1/blobs", token, req, &st); err != nil {
			var re *RemoteError
			if errors.As(err, &re) {
				// The hub refuses files (or keeps none): the rows are
				// synced; the files wait, and the user is told.
				res.Note = joinNote(res.Note, err.Error())
				return nil
			}
			return err
		}
		for i, b := range st.Blobs {
			if i >= len(part) || b.Whole {
				continue
			}
			n, err := cl.uploadBlob(ctx, db, serverURL, token, part[i], b.Received)
			res.BlobBytesSent += n
			if err != nil {
				if ctx.Err() != nil || errors.Is(err, ErrUnreachable) {
					return err
				}
				res.Note = joinNote(res.Note, err.Error())
				continue
			}
			res.BlobsSent++
		}
	}
	today := db.Now().UTC().Truncate(24 * time.Hour)
	up, err := db.UpcomingAttachments(ctx, today, today.Add(UpcomingDays*24*time.Hour))
	if err != nil {
		return err
	}
	for _, a := range db.MissingBlobs(up) {
		if err := cl.fetchBlob(ctx, db, serverURL, token, a); err != nil {
			if ctx.Err() != nil || errors.Is(err, ErrUnreachable) {
				return err
			}
			if errors.Is(err, ErrBlobNotSent) {
				continue // the laptop that attached it has not synced since: next time
			}
			res.Note = joinNote(res.Note, err.Error())
			continue
		}
		res.BlobsFetched++
	}
	return nil
}

func joinNote(note, more string) string {
	if note == "" {
		return more
	}
	return note + "; " + more
}

// uploadBlob sends the file of a from offset on, chunk by chunk; it
// returns the bytes sent.
func (cl *Client) uploadBlob(ctx context.Context, db *storage.DB, serverURL, token string, a model.Attachment, offset int64) (int64, error) {
	p, err := db.AttachmentFile(a) // never send a damaged file
	if err != nil {
		return 0, err
	}
	f, err := os.Open(p)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var sent int64
	for tries := 0; offset < a.Size || a.Size == 0; tries++ {
		n := min(cl.BlobChunk, a.Size-offset)
		u := fmt.Sprintf("%s/v1/blobs/%s?size=%d&offset=%d", serverURL, a.SHA256, a.Size, offset)
		var st BlobState
		status, err := cl.rawCall(ctx, http.MethodPut, u, token, io.NewSectionReader(f, offset, n), n, &st)
		if status == http.StatusConflict && tries < 3 {
			offset = st.Received // the hub holds another length: go on from there
			continue
		}
		if err != nil {
			return sent, fmt.Errorf("send bilaget »%s«: %w", a.Name, err)
		}
		sent += n
		offset = st.Received
		if st.Whole {
			return sent, nil
		}
	}
	return sent, nil
}

// FetchBlob fetches the file of attachment a from the remembered server,
// resuming a download cut off before: what opening an attachment does
// when the file is not on this laptop yet.
func (cl *Client) FetchBlob(ctx context.Context, db *storage.DB, a model.Attachment) error {
	st, err := db.SyncState(ctx)
	if err != nil {
		return err
	}
	server, token := st.Server, st.Token
	if !st.Enrolled() {
		return fmt.Errorf("bilaget »%s« er ikke på denne computer, og den er ikke tilmeldt kommunens server", a.Name)
	}
	return cl.fetchBlob(ctx, db, server, token, a)
}

func (cl *Client) fetchBlob(ctx context.Context, db *storage.DB, serverURL, token string, a model.Attachment) error {
	store := db.Blobs()
	have, whole, err := store.Received(a.SHA256)
	if err != nil || whole {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, serverURL+"/v1/blobs/"+a.SHA256, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if have > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", have))
	}
	resp, err := cl.HTTP.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w (%v)", ErrUnreachable, err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		have = 0 // the whole file: start over
		store.DropPartial(a.SHA256)
	case http.StatusPartialContent:
	default:
		return fmt.Errorf("hent bilaget »%s«: %w", a.Name, remoteError(resp))
	}
	_, _, err = store.Append(a.SHA256, a.Size, have, resp.Body, model.MaxAttachmentSize)
	if errors.Is(err, blobs.ErrMismatch) {
		return fmt.Errorf("hent bilaget »%s«: %w", a.Name, err)
	}
	if err != nil {
		return fmt.Errorf("hent bilaget »%s«: %w", a.Name, err)
	}
	return nil
}

// rawCall sends body as it is (not JSON) and decodes a JSON answer; it
// returns the status too.
func (cl *Client) rawCall(ctx context.Context, method, u, token string, body io.Reader, n int64, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return 0, err
	}
	req.ContentLength = n
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := cl.HTTP.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return 0, fmt.Errorf("%w (%v)", ErrUnreachable, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusConflict {
		err := decodeJSON(resp.Body, false, 1<<16, out)
		if resp.StatusCode == http.StatusConflict && err == nil {
			err = errors.New("serveren har en anden del af bilaget")
		}
		return resp.StatusCode, err
	}
	return resp.StatusCode, remoteError(resp)
}

func remoteError(resp *http.Response) error {
	var e ErrorResponse
	if err := decodeJSON(io.LimitReader(resp.Body, 1<<16), false, 1<<16, &e); err != nil || e.Error == "" {
		return &RemoteError{Status: resp.StatusCode, Code: CodeInternal, Msg: resp.Status}
	}
	return &RemoteError{Status: resp.StatusCode, Code: e.Code, Msg: e.Error}
}
