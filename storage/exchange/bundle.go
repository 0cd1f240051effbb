package exchange

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	gzip "github.com/klauspost/compress/gzip"

	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/blobs"
)

// A sync bundle is a gzip-compressed JSON file carrying a council's ops,
// and the municipality's, for a trip on a USB stick:
//
//	{"header": {"format": "lokalraad-bundle", "version": 2, "council": ID,
//	            "council_name": …, "device": …, "created": …, "count": N,
//	            "sha256": hex of the ops array's bytes,
//	            "keys": the hub's key directory, signed by the hub},
//	 "ops": [op…],
//	 "blobs": {sha256: the file's bytes (base64)…}}
//
// blobs carries the files of the council's attachments that the exporting
// laptop holds (storage/blobs); each is checked against its name, and must
// be named by an attachment op of the bundle, before anything is read in.
//
// Importing is idempotent and order-free (the ops are applied like pulled
// ops); a damaged bundle, or one for another council, is refused whole.
//
// The checksum only finds damage: anyone can recompute it. What a bundle
// says is trusted because every op carries its author's signature
// (storage.SignChange), checked on import against the key the hub
// registered for that author (at the hub: its registry; on a laptop: the
// hub-signed key directory, held or carried by the bundle). An unsigned,
// badly signed, unknown or foreign op, or one claiming the importing
// device's own id that it does not hold, refuses the whole bundle before
// anything is written.

// BundleFormat names the file format in its header.
const BundleFormat = "lokalraad-bundle"

// bundleVersion 2 carries signed ops and the key directory; version 1
// files (unsigned) are refused.
const bundleVersion = 2

// Errors of bundles.
var (
	ErrBadBundle     = error(model.NewError(model.Invalid, "filen er ikke en gyldig synkroniseringsfil eller er beskadiget"))
	ErrForeignBundle = error(model.NewError(model.Invalid, "synkroniseringsfilen hører til et andet lokalråd"))
	// ErrRefusedBundle: an op of the bundle is not one its author could
	// have written, or its author is not who it claims; nothing is read in.
	ErrRefusedBundle = error(model.NewError(model.Invalid, "synkroniseringsfilen er afvist, og intet er indlæst"))
)

// BundleHeader describes a bundle.
type BundleHeader struct {
	Format      string    `json:"format"`
	Version     int       `json:"version"`
	Council     string    `json:"council"`
	CouncilName string    `json:"council_name,omitempty"`
	Device      string    `json:"device"`
	Created     time.Time `json:"created"`
	Count       int       `json:"count"`
	SHA256      string    `json:"sha256"`
	// Keys is the hub's key directory the exporting device holds, so that
	// a laptop can check the authors of the ops.
	Keys *storage.KeyDirectory `json:"keys,omitempty"`
}

type bundleFile struct {
	Header BundleHeader      `json:"header"`
	Ops    json.RawMessage   `json:"ops"`
	Blobs  map[string][]byte `json:"blobs,omitempty"`
	// HubSig is the hub's signature of the file's seal (storage.FileSeal),
	// in a file the hub wrote. It travels in the gzip header's comment
	// (hubSealPrefix), not in the JSON: versions before it refuse any
	// field of the JSON they do not know, and read the hub's files still.
	HubSig string `json:"-"`
}

// hubSealPrefix begins the gzip comment of a file the hub sealed.
const hubSealPrefix = "lokalraad-hubseal "

// seal is what the hub signs of a file with header h (storage.FileSeal).
func (h BundleHeader) seal() storage.FileSeal {
	return storage.FileSeal{Council: h.Council, Hub: h.Device, Created: h.Created, Count: h.Count, SHA256: h.SHA256, Keys: h.Keys}
}

// hubs tells whether a file with header h and hub signature sig is the
// hub's: written under the id of the hub of its key directory, and its
// seal signed with that hub's key. The directory itself is checked
// against the hub this device trusts by the reader (CheckKeyDirectory).
func (h BundleHeader) hubs(sig string) bool {
	return h.Keys != nil && h.Device == h.Keys.Hub && sig != "" && h.seal().Verify(h.Keys.HubKey, sig)
}

// ErrBundleBlob: a file in a bundle does not match its checksum, or no
// attachment of the bundle names it.
var ErrBundleBlob = errors.New("et bilag i synkroniseringsfilen er beskadiget eller ukendt")

// ErrBundleTooMany: more ops than Client.MaxBundleOps.
var ErrBundleTooMany = errors.New("for mange ændringer til én synkroniseringsfil")

// WriteBundle writes every op of a council to w.
func (cl *Client) WriteBundle(ctx context.Context, w io.Writer, db *storage.DB, council string) (BundleHeader, error) {
	c, err := db.Council(ctx, council)
	if err != nil {
		return BundleHeader{}, fmt.Errorf("rådet %s: %w", council, err)
	}
	if _, err := db.HealClock(ctx); err != nil {
		return BundleHeader{}, err
	}
	cs, err := db.CouncilOps(ctx, council)
	if err != nil {
		return BundleHeader{}, err
	}
	// The municipality's pools, deadlines, contacts and announcements travel
	// with every council's bundle, as they do with every pull.
	municipal, err := db.CouncilOps(ctx, model.MunicipalityID)
	if err != nil {
		return BundleHeader{}, err
	}
	cs = append(cs, municipal...)
	if len(cs) > cl.MaxBundleOps {
		return BundleHeader{}, fmt.Errorf("%w: rådet har %d ændringer, højst %d kan stå i én fil; synkronisér over nettet i stedet", ErrBundleTooMany, len(cs), cl.MaxBundleOps)
	}
	h := BundleHeader{Council: council, CouncilName: c.Name, Device: db.DeviceID(), Created: db.Now().UTC().Truncate(time.Second)}
	if dir, ok, err := db.KeyDirectory(ctx, council); err != nil {
		return BundleHeader{}, err
	} else if ok {
		h.Keys = &dir
	}
	files, err := cl.bundleBlobs(ctx, db, council)
	if err != nil {
		return BundleHeader{}, err
	}
	var seal func(storage.FileSeal) (string, error)
	if h.Keys != nil && h.Keys.Hub == h.Device {
		seal = db.SealHubFile // the hub's own file (kommune bundle on SQLite)
	}
	return encodeBundle(w, h, cs, files, seal)
}

// encodeBundle writes the bundle of h with ops cs and files, filling in
// the header's format, count and checksum; seal, given on a hub, signs
// the file's seal (bundleFile.HubSig).
func encodeBundle(w io.Writer, h BundleHeader, cs []storage.Change, files map[string][]byte, seal func(storage.FileSeal) (string, error)) (BundleHeader, error) {
	ops, err := EncodeOps(cs)
	if err != nil {
		return BundleHeader{}, err
	}
	raw, err := json.Marshal(ops)
	if err != nil {
		return BundleHeader{}, err
	}
	sum := sha256.Sum256(raw)
	h.Format, h.Version, h.Count, h.SHA256 = BundleFormat, bundleVersion, len(ops), hex.EncodeToString(sum[:])
	zw := newGzip(w)
	if seal != nil {
		sig, err := seal(h.seal())
		if err != nil {
			return BundleHeader{}, err
		}
		zw.Comment = hubSealPrefix + sig
	}
	if err := json.NewEncoder(zw).Encode(bundleFile{Header: h, Ops: raw, Blobs: files}); err != nil {
		return h, err
	}
	return h, zw.Close()
}

// WriteStoreBundle writes every op of a council, and the municipality's,
// from a hub store's op log (a hub on PostgreSQL, which holds no rows),
// with the hub's key directory for the council; the ops are those a
// device of the council pulls from 0. It carries the files of the
// council's live attachment rows that the store holds whole (storeBlobs),
// bounded as WriteBundle's are.
func (cl *Client) WriteStoreBundle(ctx context.Context, w io.Writer, store HubStore, council string, now time.Time) (BundleHeader, error) {
	c, err := store.HubCouncil(ctx, council)
	if err != nil {
		return BundleHeader{}, fmt.Errorf("rådet %s: %w", council, err)
	}
	var cs []storage.Change
	for since := (storage.Cursor{}); ; {
		ops, next, more, err := store.HubPage(ctx, council, since, storage.Page{Ops: cl.PullOps, Bytes: cl.PullBytes}, "")
		if err != nil {
			return BundleHeader{}, err
		}
		cs = append(cs, ops...)
		if len(cs) > cl.MaxBundleOps {
			return BundleHeader{}, fmt.Errorf("%w: rådet har over %d ændringer, højst %d kan stå i én fil; synkronisér over nettet i stedet", ErrBundleTooMany, cl.MaxBundleOps, cl.MaxBundleOps)
		}
		if !more || next.String() == since.String() {
			break
		}
		since = next
	}
	dir, err := store.HubDirectory(ctx, council)
	if err != nil {
		return BundleHeader{}, err
	}
	h := BundleHeader{Council: council, CouncilName: c.Name, Device: dir.Hub, Created: now.UTC().Truncate(time.Second), Keys: &dir}
	var files map[string][]byte
	if bs, ok := store.(BlobStore); ok {
		if files, err = cl.storeBlobs(ctx, bs, council, cs); err != nil {
			return BundleHeader{}, err
		}
	}
	return encodeBundle(w, h, cs, files, store.SealHubFile)
}

// storeBlobs reads, from a hub's store, the files the council's live
// attachment rows name (asked of the store, never of the ops alone) that
// it holds whole, newest first up to BundleBlobBytes, as bundleBlobs does
// on a laptop. cs are the ops of the bundle: their attachment ops say
// which files may be named and how new each is. A file whose bytes do not
// match its name is never sent on: the export fails, naming it.
func (cl *Client) storeBlobs(ctx context.Context, bs BlobStore, council string, cs []storage.Change) (map[string][]byte, error) {
	newest := map[string]int64{}
	for _, c := range cs {
		if c.Table != "attachments" || c.Field != "sha256" || c.Council != council {
			continue
		}
		if s, ok := c.Value.(string); ok && blobs.Valid(s) && c.HLC >= newest[s] {
			newest[s] = c.HLC
		}
	}
	sums := make([]string, 0, len(newest))
	for s := range newest {
		sums = append(sums, s)
	}
	slices.SortFunc(sums, func(a, b string) int { // newest first
		if c := cmp.Compare(newest[b], newest[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	files := map[string][]byte{}
	var total int64
	for _, sum := range sums {
		rows, err := bs.AttachmentsNamed(ctx, sum, council)
		if err != nil {
			return nil, err
		}
		if len(rows) == 0 {
			continue // no live row of the council names it (any more)
		}
		size, whole, err := bs.BlobReceived(ctx, sum)
		if err != nil {
			return nil, err
		}
		if !whole || total+size > cl.BundleBlobBytes {
			continue
		}
		b, err := readStoreBlob(ctx, bs, sum)
		if err != nil {
			return nil, fmt.Errorf("bilaget »%s«: %w", rows[0].Name, err)
		}
		total += int64(len(b))
		files[sum] = b
	}
	return files, nil
}

// readStoreBlob reads a whole file of a hub's store, checked against its
// name.
func readStoreBlob(ctx context.Context, bs BlobStore, sum string) ([]byte, error) {
	f, err := bs.OpenBlob(ctx, sum) // checks the bytes
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, model.MaxAttachmentSize+1))
	if err != nil {
		return nil, err
	}
	if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != sum {
		return nil, blobs.ErrMismatch
	}
	return b, nil
}

// bundleBlobs reads the files of the council's attachments this laptop
// holds, newest first up to BundleBlobBytes, each checked against its name
// (a damaged one is never sent on).
func (cl *Client) bundleBlobs(ctx context.Context, db *storage.DB, council string) (map[string][]byte, error) {
	as, err := db.CouncilAttachments(ctx, council)
	if err != nil {
		return nil, err
	}
	slices.Reverse(as) // newest first
	files := map[string][]byte{}
	var total int64
	for _, a := range as {
		if _, done := files[a.SHA256]; done || !db.Blobs().Has(a.SHA256) || total+a.Size > cl.BundleBlobBytes {
			continue
		}
		total += a.Size
		b, err := db.ReadAttachment(a)
		if err != nil {
			return nil, err
		}
		files[a.SHA256] = b
	}
	return files, nil
}

// checkBundleBlobs checks every file of a bundle against its name, and that
// an attachment op of the bundle names it.
func checkBundleBlobs(files map[string][]byte, cs []storage.Change) error {
	named := map[string]bool{}
	for _, c := range cs {
		if c.Table == "attachments" && c.Field == "sha256" {
			if s, ok := c.Value.(string); ok {
				named[s] = true
			}
		}
	}
	for sum, b := range files {
		got := sha256.Sum256(b)
		if hex.EncodeToString(got[:]) != sum {
			return fmt.Errorf("%w: indholdet passer ikke med kontrolsummen %.12s…", ErrBundleBlob, sum)
		}
		if !named[sum] {
			return fmt.Errorf("%w: intet bilag i filen hedder %.12s…", ErrBundleBlob, sum)
		}
		if int64(len(b)) > model.MaxAttachmentSize {
			return fmt.Errorf("%w: %.12s… er større end %s", ErrBundleBlob, sum, model.Bytes(model.MaxAttachmentSize))
		}
	}
	return nil
}

// keepBundleBlobs stores the files of a bundle already checked.
func keepBundleBlobs(db *storage.DB, files map[string][]byte) error {
	for sum, b := range files {
		if _, err := db.Blobs().PutVerified(bytes.NewReader(b), sum, model.MaxAttachmentSize); err != nil {
			return fmt.Errorf("gem bilag fra synkroniseringsfilen: %w", err)
		}
	}
	return nil
}

// ReadBundle reads and checks a bundle: format, checksum, count, and that
// every op belongs to the header's council or to the municipality.
func (cl *Client) ReadBundle(r io.Reader) (BundleHeader, []storage.Change, error) {
	h, cs, _, _, err := cl.readBundle(r)
	return h, cs, err
}

// readBundle is ReadBundle that also returns the files the bundle carries,
// each checked against its name, and whether the file is the hub's
// (BundleHeader.hubs; its directory is still to be checked against the
// hub this device trusts).
func (cl *Client) readBundle(r io.Reader) (h BundleHeader, cs []storage.Change, files map[string][]byte, hubs bool, err error) {
	var f bundleFile
	h, cs, err = cl.decodeBundle(r, &f)
	if err != nil {
		return h, cs, nil, false, err
	}
	if err := checkBundleBlobs(f.Blobs, cs); err != nil {
		return h, nil, nil, false, fmt.Errorf("%w: %w", ErrRefusedBundle, err)
	}
	return h, cs, f.Blobs, h.hubs(f.HubSig), nil
}

// decodeBundle reads a bundle into f and checks its ops. It reads as a
// stream: the header first (as WriteBundle writes it), then the ops one at
// a time, each turned into a change at once and counted against the
// header's count and cl.MaxBundleOps, so memory grows with the ops actually
// there, and a lie about their number stops the reading at the first op
// too many. The checksum is over the ops array as written (compact JSON).
func (cl *Client) decodeBundle(r io.Reader, f *bundleFile) (BundleHeader, []storage.Change, error) {
	bad := func(why string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrBadBundle, fmt.Sprintf(why, args...))
	}
	// A file that does not start as gzip is no bundle at all, however
	// short: gzip's own reader calls a file shorter than its header cut
	// short, which sent a tester looking for the rest of a text file.
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); !bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		return BundleHeader{}, nil, bad("%s", notABundle)
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return BundleHeader{}, nil, bad("%s", plain(err))
	}
	if sig, ok := strings.CutPrefix(zr.Comment, hubSealPrefix); ok {
		f.HubSig = sig
	}
	lr := &io.LimitedReader{R: zr, N: cl.MaxBundle + 1}
	// Each value is read with a bound of its own (cr.allow), so a value
	// that unpacks to a gigabyte, a zip bomb, stops the reading at its
	// bound instead of being held in memory whole.
	cr := &capReader{r: lr, left: maxBundleItem}
	dec := json.NewDecoder(cr)
	dec.DisallowUnknownFields()
	delim := func(want json.Delim) error {
		t, err := dec.Token()
		if err != nil {
			return bad("%s", plain(err))
		}
		if d, ok := t.(json.Delim); !ok || d != want {
			return bad("indholdet er ødelagt")
		}
		return nil
	}
	if err := delim('{'); err != nil {
		return BundleHeader{}, nil, err
	}
	var (
		h         BundleHeader
		cs        []storage.Change
		sum       = sha256.New()
		hasHeader bool
		hasOps    bool
	)
	for cr.allow(maxBundleItem); dec.More(); cr.allow(maxBundleItem) {
		t, err := dec.Token()
		if err != nil {
			return h, nil, bad("%s", plain(err))
		}
		switch t {
		case "header":
			if hasHeader || hasOps {
				return h, nil, bad("indholdet er ødelagt")
			}
			if err := dec.Decode(&f.Header); err != nil {
				return h, nil, bad("%s", plain(err))
			}
			h, hasHeader = f.Header, true
			if h.Format != BundleFormat || h.Version != bundleVersion {
				return h, nil, bad("ukendt format %q version %d (filer fra før underskrevne ændringer kan ikke indlæses)", h.Format, h.Version)
			}
			if h.Count < 0 || h.Count > cl.MaxBundleOps {
				return h, nil, bad("%v: hovedet siger %d ændringer, højst %d kan stå i én fil", ErrBundleTooMany, h.Count, cl.MaxBundleOps)
			}
		case "ops":
			if !hasHeader || hasOps {
				return h, nil, bad("indholdet er ødelagt")
			}
			hasOps = true
			if err := delim('['); err != nil {
				return h, nil, err
			}
			sum.Write([]byte("["))
			cs = make([]storage.Change, 0, min(h.Count, 4096))
			for dec.More() {
				if len(cs) == h.Count {
					return h, nil, bad("flere ændringer, end hovedet siger (%d)", h.Count)
				}
				cr.allow(maxBundleItem)
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return h, nil, bad("%s", plain(err))
				}
				if len(cs) > 0 {
					sum.Write([]byte(","))
				}
				sum.Write(raw)
				var o Op
				if err := json.Unmarshal(raw, &o); err != nil {
					return h, nil, bad("%s", plain(err))
				}
				c, err := fromWire(o)
				if err != nil {
					return h, nil, bad("%v", err)
				}
				if c.Council != h.Council && c.Council != model.MunicipalityID {
					return h, nil, bad("en ændring hører til et andet råd")
				}
				cs = append(cs, c)
			}
			if err := delim(']'); err != nil {
				return h, nil, err
			}
			sum.Write([]byte("]"))
		case "blobs":
			if f.Blobs != nil {
				return h, nil, bad("indholdet er ødelagt")
			}
			if err := delim('{'); err != nil {
				return h, nil, err
			}
			f.Blobs = map[string][]byte{}
			for cr.allow(maxBundleItem); dec.More(); cr.allow(maxBundleItem) {
				t, err := dec.Token()
				if err != nil {
					return h, nil, bad("%s", plain(err))
				}
				sum, ok := t.(string)
				if _, dup := f.Blobs[sum]; !ok || dup {
					return h, nil, bad("indholdet er ødelagt")
				}
				var b []byte
				cr.allow(maxBundleBlob)
				if err := dec.Decode(&b); err != nil {
					return h, nil, bad("%s", plain(err))
				}
				f.Blobs[sum] = b
			}
			if err := delim('}'); err != nil {
				return h, nil, err
			}
		default:
			return h, nil, bad("indholdet er ødelagt")
		}
	}
	if err := delim('}'); err != nil {
		return h, nil, err
	}
	if _, err := io.Copy(io.Discard, io.MultiReader(dec.Buffered(), lr)); err != nil { // the gzip trailer checks the data
		return h, nil, bad("%s", plain(err))
	}
	if lr.N <= 0 {
		return h, nil, bad("for stor")
	}
	if !hasHeader || !hasOps {
		return h, nil, bad("indholdet er ødelagt")
	}
	if h.Keys != nil {
		if err := h.Keys.Verify(); err != nil {
			return h, nil, bad("%v", err)
		}
	}
	if hex.EncodeToString(sum.Sum(nil)) != h.SHA256 {
		return h, nil, bad("kontrolsummen passer ikke")
	}
	if len(cs) != h.Count {
		return h, nil, bad("%d ændringer, hovedet siger %d", len(cs), h.Count)
	}
	return h, cs, nil
}

// ImportBundle applies a bundle on a desktop. It must be for the council
// this computer syncs (or its only council; an empty database takes any).
// It returns how many of the bundle's ops were new.
func (cl *Client) ImportBundle(ctx context.Context, r io.Reader, db *storage.DB) (BundleHeader, int, error) {
	h, a, err := cl.ImportBundleReport(ctx, r, db)
	return h, a.New, err
}

// ImportBundleReport is ImportBundle, also saying which tables and rows the
// new ops touched, as a pull does (storage.Applied), so that the screens
// show a bundle's news as they show a sync's.
func (cl *Client) ImportBundleReport(ctx context.Context, r io.Reader, db *storage.DB) (BundleHeader, storage.Applied, error) {
	h, a, err := cl.importBundle(ctx, r, db)
	return h, a, stopped(ctx, err)
}

// stopped is err, or model.ErrCanceled when ctx has ended: an import
// stopped by Ctrl-C says so, not what a read cut off by it looks like
// (a council or device that is not there, a bundle that is refused or
// damaged). What it had stored by then are whole transactions (ApplyOps,
// HubApply), which a rerun completes.
func stopped(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return model.Interrupted(ctx, context.Cause(ctx))
	}
	return err
}

func (cl *Client) importBundle(ctx context.Context, r io.Reader, db *storage.DB) (BundleHeader, storage.Applied, error) {
	var none storage.Applied
	h, cs, files, hubs, err := cl.readBundle(r)
	if err != nil {
		return h, none, err
	}
	st, err := db.SyncState(ctx)
	if err != nil {
		return h, none, err
	}
	want := st.Council
	if want == "" && !st.Staff {
		councils, err := db.Councils(ctx)
		if err != nil {
			return h, none, err
		}
		if len(councils) == 1 {
			want = councils[0].ID
		} else if len(councils) > 1 {
			want = "?"
			for _, c := range councils {
				if c.ID == h.Council {
					want = c.ID
				}
			}
		}
	}
	if want != "" && want != h.Council {
		return h, none, fmt.Errorf("%w (%s)", ErrForeignBundle, h.CouncilName)
	}
	newest, err := db.NewestHeld(ctx)
	if err != nil {
		return h, none, err
	}
	if err := checkBundleClock(cs, db.Now(), newest, storage.MaxClockSkew); err != nil {
		return h, none, err
	}
	if h.Keys != nil {
		if err := db.CheckKeyDirectory(ctx, *h.Keys); err != nil {
			return h, none, fmt.Errorf("%w: %w", ErrRefusedBundle, err)
		}
	}
	fresh, authors, err := db.VerifyOps(ctx, cs, h.Keys)
	if err != nil {
		return h, none, fmt.Errorf("%w: %w", ErrRefusedBundle, err)
	}
	// A revoked device's ops written after its revocation are left out,
	// not the file: a colleague who took its unsent changes by stick
	// carries them in every file (TestAtkRevokedDevicesUnsentOpsStickCarrier).
	past := func(c storage.Change) bool {
		a, ok := authors[c.Device]
		return ok && a.WrotePastRevocation(c)
	}
	revoked := len(fresh)
	fresh = slices.DeleteFunc(fresh, past)
	revoked -= len(fresh)
	cs = slices.DeleteFunc(cs, past)
	if err := authorizeOnLaptop(fresh, authors); err != nil {
		return h, none, fmt.Errorf("%w: %w", ErrRefusedBundle, err)
	}
	byAuthor := map[string][]storage.Change{}
	for _, c := range fresh {
		byAuthor[c.Device] = append(byAuthor[c.Device], c)
	}
	for author, ops := range byAuthor {
		a := authors[author]
		d := storage.Device{Replica: a.Replica, Council: a.Council, Staff: a.Staff}
		if err := AuthorizeAnswers(ctx, db, d, ops); err != nil {
			return h, none, fmt.Errorf("%w: %w", ErrRefusedBundle, err)
		}
	}
	// rules.go: the same status rule as the hub's, with the verified
	// authors' roles.
	isStaff := func(d string) bool { a, ok := authors[d]; return ok && a.Staff }
	if err := AuthorizeStatus(ctx, db, cs, isStaff); err != nil {
		return h, none, err
	}
	// And the hub's rule on what a council device's status edit may say
	// it had seen of the municipality's ops: those this device holds or
	// the file brings (an honest colleague's file carries the council's
	// log it held). A device this one does not know may be a staff device
	// enrolled since: its ops are checked too.
	var lookErr error
	checkedDev := map[string]bool{}
	checked := func(d string) bool {
		if a, ok := authors[d]; ok {
			return a.Staff
		}
		c, ok := checkedDev[d]
		if !ok {
			staff, known, err := db.StaffDevice(ctx, d, h.Keys)
			lookErr = cmp.Or(lookErr, err)
			c = staff || !known
			checkedDev[d] = c
		}
		return c
	}
	held := func(table, row, field string) ([]storage.Change, error) {
		ops, err := db.FieldOps(ctx, table, row, field)
		return ops, cmp.Or(lookErr, err)
	}
	if err := refuseClaimsPastStaff(fresh, checked, held); err != nil {
		return h, none, fmt.Errorf("%w: %w", ErrRefusedBundle, err)
	}
	if lookErr != nil {
		return h, none, lookErr
	}
	// A colleague's file: an op of a council device in the format of
	// before contexts, on a field of the municipality's, counts as having
	// seen every op before it and is refused, as the hub refuses it. (A
	// file of the hub's may carry such ops of old, which the hub took.)
	if !hubs {
		var council []storage.Change
		for _, c := range fresh {
			if !checked(c.Device) {
				council = append(council, c)
			}
		}
		if err := refuseLegacyBase(council); err != nil {
			return h, none, fmt.Errorf("%w: %w", ErrRefusedBundle, err)
		}
	}
	// An own change this device set aside stays aside when another
	// laptop's file (or an old one of its own) carries it back: that file
	// says nothing of what the hub took, and taking it back showed what no
	// other computer shows, and made this device's next file be refused.
	// Only a file of the hub's, its seal signed by the hub's key, brings
	// it back (sync_apply.go judgedOps), however old: the hub holds every
	// op it ever sealed into a file (a hub restored from an older backup
	// is the exception: it holds less than it once sealed).
	if !hubs {
		refused, err := db.RefusedChanges(ctx, h.Council)
		if err != nil {
			return h, none, err
		}
		aside := map[string]bool{}
		for _, r := range refused {
			aside[r.ID()] = true
		}
		cs = slices.DeleteFunc(cs, func(c storage.Change) bool { return aside[c.ID()] })
	}
	apply := db.ApplyOpsReport
	if hubs {
		apply = db.ApplyHubFileReport
	}
	// A sealed file older than one of the hub's read before is the hub's
	// state of then (left on the stick, or put back): what it lacks the
	// hub may have taken since, so this device's changes are not judged
	// by it.
	current, err := newestHubFile(ctx, db, h, hubs)
	if err != nil {
		return h, none, err
	}
	a, err := apply(ctx, cs)
	if errors.Is(err, storage.ErrRefused) {
		return h, none, fmt.Errorf("synkroniseringsfilen afvises: %w", err)
	}
	if err != nil {
		return h, none, fmt.Errorf("%w: %v", ErrBadBundle, err)
	}
	a.Revoked = revoked
	if err := keepBundleBlobs(db, files); err != nil {
		return h, a, err
	}
	// Trust on first use: a laptop that never enrolled trusts the hub of
	// the first directory it reads, and no other after it.
	if h.Keys != nil {
		if err := db.AcceptKeyDirectory(ctx, *h.Keys); err != nil {
			return h, a, err
		}
	}
	// No laptop stuck by stick: a bundle of the hub's, the newest read,
	// brings what decides which of this device's changes the hub will
	// refuse (minutes approved meanwhile). Those are set aside now, as a
	// refused push sets them aside, or every bundle this device writes
	// would be refused whole.
	if current {
		if err := db.SetMeta(ctx, metaHubFile+h.Council, hubFileMark(h)); err != nil {
			return h, a, err
		}
		if a.SetAside, a.Relayed, err = db.SetAsideRefusedOwn(ctx, h.Council, cs); err != nil {
			return h, a, err
		}
		gone, err := db.SetAsideRevoked(ctx, h.Council, h.Keys)
		if err != nil {
			return h, a, err
		}
		a.Relayed = append(a.Relayed, gone...)
		if len(a.SetAside) > 0 {
			note := storage.StatusNote{Refused: storage.RefusedNote{Count: len(a.SetAside), Reason: a.SetAside[0].Reason, Bundle: true}}
			if err := setNote(ctx, db, note); err != nil {
				return h, a, err
			}
		}
	}
	return h, a, nil
}

// metaHubFile, followed by a council's id, keeps when the newest file of
// the hub's that this device read of the council was made and how many
// ops it held (hubFileMark). Files are ordered by the time first: a hub
// restored from its backup holds fewer ops than a file it sealed before,
// and seals its next files later all the same. Of two files made in the
// same second, the one with fewer ops is the older: the hub's log of a
// council only grows between restores.
const metaHubFile = "sync_hub_file:"

// hubFileMark is the mark metaHubFile keeps of a file with header h.
func hubFileMark(h BundleHeader) string {
	return strconv.FormatInt(h.Created.Unix(), 10) + " " + strconv.Itoa(h.Count)
}

// newestHubFile tells whether a file of the hub's (hubs) with header h is
// at least as new as every file of the hub's this device read of its
// council before: only such a file says what the hub holds now. A hub
// whose clock was set back seals files taken as older until it passes
// the mark: they judge nothing, which sets nothing aside wrongly.
func newestHubFile(ctx context.Context, db *storage.DB, h BundleHeader, hubs bool) (bool, error) {
	if !hubs {
		return false, nil
	}
	seen, err := db.Meta(ctx, metaHubFile+h.Council)
	if err != nil {
		return false, err
	}
	at, count, found := strings.Cut(seen, " ")
	sec, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.Atoi(count)
	if !found || err1 != nil || err2 != nil {
		return true, nil // none read before (or a mark of no use)
	}
	created := h.Created.Unix()
	return created > sec || created == sec && h.Count >= n, nil
}

// authorizeOnLaptop is the laptop's half of Authorize for ops arriving in
// a bundle, whose signatures are checked: nothing stamped after its
// device was revoked, the municipality's fields only from a staff device
// or the hub, and a council device's ops only for its own council.
func authorizeOnLaptop(fresh []storage.Change, authors map[string]storage.Author) error {
	for _, c := range fresh {
		a := authors[c.Device]
		if a.WrotePastRevocation(c) {
			return fmt.Errorf("%w: ændringen %s er fra en enhed, kommunen har spærret, og er skrevet efter spærringen", ErrForbidden, c.ID())
		}
		if a.Staff {
			continue
		}
		if MunicipalField(c) {
			return fmt.Errorf("%w: kun kommunen kan skrive %s.%s, men ændringen %s er fra en rådsenhed", ErrForbidden, c.Table, c.Field, c.ID())
		}
		if c.Council != a.Council {
			return fmt.Errorf("%w: ændringen %s er fra en enhed i et andet lokalråd", ErrForbidden, c.ID())
		}
		if councilDelete(c) {
			return fmt.Errorf("%w (ændringen %s)", errCouncilDelete, c.ID())
		}
	}
	return nil
}

// HubImportBundle applies a bundle at the hub, on either store: the council
// must exist there, and every op must be one its author may write (as if
// pushed by it); the clock rule applies as for a push, and the ops go in
// through the store's HubApply, as a push's do. The files it carries are
// kept by a store that keeps files (both do: BlobStore), each only when a
// live attachment row of the bundle's council names it (keepHubBlobs); a
// store that keeps none leaves them on the laptops.
func (cl *Client) HubImportBundle(ctx context.Context, r io.Reader, db HubStore, now time.Time, maxAhead time.Duration) (BundleHeader, int, error) {
	im, err := cl.HubImportBundleReport(ctx, r, db, now, maxAhead)
	return im.Header, im.New, err
}

// HubImported is what a bundle brought the hub: its header, how many ops
// were new, and how many of those a revoked device wrote, left out.
type HubImported struct {
	Header  BundleHeader
	New     int
	Revoked int
}

// HubImportBundleReport is HubImportBundle, also saying how many ops of a
// revoked device the file carried: those are left out, and the rest is
// taken (a colleague who took the device's unsent changes by stick before
// it was revoked carries them in every file).
func (cl *Client) HubImportBundleReport(ctx context.Context, r io.Reader, db HubStore, now time.Time, maxAhead time.Duration) (HubImported, error) {
	var im HubImported
	var err error
	im.Header, im.New, im.Revoked, err = cl.hubImportBundle(ctx, r, db, now, maxAhead)
	return im, stopped(ctx, err)
}

func (cl *Client) hubImportBundle(ctx context.Context, r io.Reader, db HubStore, now time.Time, maxAhead time.Duration) (BundleHeader, int, int, error) {
	h, cs, files, _, err := cl.readBundle(r)
	if err != nil {
		return h, 0, 0, err
	}
	council, err := db.HubCouncil(ctx, h.Council)
	if err != nil {
		return h, 0, 0, fmt.Errorf("%w: rådet %s findes ikke på serveren", ErrForeignBundle, h.Council)
	}
	fresh, _, err := db.VerifyOps(ctx, cs, nil)
	if err != nil {
		return h, 0, 0, fmt.Errorf("%w: %w", ErrRefusedBundle, err)
	}
	// The same bound on one op as a push has: a bundle is no way round it.
	if err := checkOpSizes(fresh, cl.MaxOp); err != nil {
		return h, 0, 0, fmt.Errorf("%w: %w", ErrRefusedBundle, err)
	}
	// Who may write what is asked of the ops new here: a device revoked
	// since keeps the ops the hub took from it before, in every bundle;
	// its new ones are left out, and the rest of the file is taken.
	byAuthor := map[string][]storage.Change{}
	isNew := make(map[string]bool, len(fresh))
	for _, c := range fresh {
		byAuthor[c.Device] = append(byAuthor[c.Device], c)
		isNew[c.ID()] = true
	}
	revoked := 0
	for _, author := range slices.Sorted(maps.Keys(byAuthor)) {
		ops := byAuthor[author]
		d, err := db.DeviceByReplica(ctx, author)
		if err != nil {
			return h, 0, 0, fmt.Errorf("%w: ændringer fra en ukendt enhed (%s)", ErrForbidden, author)
		}
		if !d.Revoked.IsZero() {
			revoked += len(ops)
			cs = slices.DeleteFunc(cs, func(c storage.Change) bool { return c.Device == author && isNew[c.ID()] })
			fresh = slices.DeleteFunc(fresh, func(c storage.Change) bool { return c.Device == author })
			continue
		}
		if err := Authorize(d, ops, true, now, maxAhead); err != nil {
			return h, 0, 0, err
		}
		if !d.Staff {
			if err := refuseLegacyBase(ops); err != nil {
				return h, 0, 0, err
			}
		}
		if err := AuthorizeAnswers(ctx, db, d, ops); err != nil {
			return h, 0, 0, err
		}
	}
	staff := registryStaff(ctx, db)
	if err := refuseClaimsPastStaff(fresh, staff, func(table, row, field string) ([]storage.Change, error) { return db.FieldOps(ctx, table, row, field) }); err != nil { // rules.go
		return h, 0, 0, err
	}
	if err := AuthorizeStatus(ctx, db, cs, staff); err != nil {
		return h, 0, 0, err
	}
	// The council's files stay within the bound uploads keep, before
	// anything is stored: a bundle refused for its files leaves no op in.
	if bs, ok := db.(BlobStore); ok && len(files) > 0 {
		if err := cl.checkBundleQuota(ctx, bs, council, files); err != nil {
			return h, 0, 0, err
		}
	}
	n, err := db.HubApply(ctx, cs)
	if err != nil {
		return h, n, revoked, err
	}
	if bs, ok := db.(BlobStore); ok {
		return h, n, revoked, keepHubBlobs(ctx, bs, h.Council, files)
	}
	return h, n, revoked, nil
}

// checkBundleQuota refuses a bundle whose files the hub lacks would take
// the council's files past MaxCouncilBlobBytes, counted as an upload's
// start counts them (HeldAttachmentBytes: whole files, and partial ones
// with their whole size). A file the hub holds whole, or has begun, is
// counted already.
func (cl *Client) checkBundleQuota(ctx context.Context, bs BlobStore, council model.Council, files map[string][]byte) error {
	held, err := bs.HeldAttachmentBytes(ctx, council.ID)
	if err != nil {
		return err
	}
	var add int64
	for _, sum := range slices.Sorted(maps.Keys(files)) {
		have, whole, err := bs.BlobReceived(ctx, sum)
		if err != nil {
			return err
		}
		if !whole && have == 0 {
			add += int64(len(files[sum]))
		}
	}
	if add > 0 && held+add > cl.MaxCouncilBlobBytes {
		return fmt.Errorf("%w: %s har %s bilag på kommunens server, og filens nye bilag fylder %s; et lokalråds bilag må højst fylde %s i alt",
			ErrRefusedBundle, council.Name, model.Bytes(held), model.Bytes(add), model.Bytes(cl.MaxCouncilBlobBytes))
	}
	return nil
}

// keepHubBlobs stores at a hub, on either store, the files of a bundle
// already checked (readBundle: each matches its name and an attachment op
// of the bundle names it) whose name a live attachment row of the bundle's
// council holds now that its ops are in: a file named only by an op that
// lost to a later one, or by a row deleted since, is left out, as the hub
// would refuse its upload. The store checks the bytes once more.
func keepHubBlobs(ctx context.Context, bs BlobStore, council string, files map[string][]byte) error {
	sums := slices.Sorted(maps.Keys(files))
	for _, sum := range sums {
		rows, err := bs.AttachmentsNamed(ctx, sum, council)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			continue
		}
		if err := putHubBlob(ctx, bs, sum, files[sum]); err != nil {
			return fmt.Errorf("gem bilaget »%s« fra synkroniseringsfilen: %w", rows[0].Name, err)
		}
	}
	return nil
}

// putHubBlob stores a whole file in a hub's store, after any part of it an
// interrupted upload left there. A part that does not match (the file
// turns out wrong when whole, and the store drops it) is replaced by the
// file from its start; another node adding to the same file at the same
// time is waited out by asking again.
func putHubBlob(ctx context.Context, bs BlobStore, sum string, b []byte) error {
	size := int64(len(b))
	var err error
	for range 3 {
		have, whole, rerr := bs.BlobReceived(ctx, sum)
		if rerr != nil {
			return rerr
		}
		if whole {
			return nil
		}
		if have > size {
			have = 0 // cannot be ours; AppendBlob answers ErrOffset or drops it
		}
		_, _, err = bs.AppendBlob(ctx, sum, size, have, bytes.NewReader(b[have:]), model.MaxAttachmentSize)
		if err == nil || !errors.Is(err, blobs.ErrOffset) && !(errors.Is(err, blobs.ErrMismatch) && have > 0) {
			return err
		}
	}
	return err
}

// maxBundleItem bounds one value of a bundle but its files: the header
// (with the key directory) and each op. An op is at most MaxOpBytes at the
// hub, and a text at most model.MaxLong characters.
const maxBundleItem = 16 << 20

// maxBundleBlob bounds one file of a bundle, as base64.
const maxBundleBlob = model.MaxAttachmentSize*4/3 + 1<<20

// errBundleItem: a value of a bundle unpacks past its bound.
var errBundleItem = errors.New("en værdi i filen er for stor, når den pakkes ud (filen er ødelagt eller lavet til at fylde hukommelsen)")

// capReader reads from r at most the bytes allowed since the last call of
// allow, then fails with errBundleItem.
type capReader struct {
	r    io.Reader
	left int64
}

func (c *capReader) allow(n int64) { c.left = n }

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, errBundleItem
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// notABundle says that a file is not a sync file at all.
const notABundle = "filen er ikke en synkroniseringsfil fra Lokalråd"

// plain says in Danish why a bundle could not be read; the libraries'
// English (json, time, flate) never reaches the user.
func plain(err error) string {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		when   *time.ParseError
	)
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "filen er afkortet (kopieret ufærdig?)"
	case errors.Is(err, gzip.ErrHeader), errors.Is(err, gzip.ErrChecksum):
		return "filen er ikke en synkroniseringsfil, eller den er ændret undervejs"
	case errors.Is(err, errBundleItem):
		return err.Error()
	case errors.As(err, &typ):
		return fmt.Sprintf("feltet »%s« har en værdi af forkert slags", typ.Field)
	case errors.As(err, &when):
		return "et tidspunkt i filen kan ikke læses"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "filen har et felt, programmet ikke kender: " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	case errors.As(err, &syntax):
		return "indholdet er ødelagt"
	}
	return "indholdet er ødelagt"
}
