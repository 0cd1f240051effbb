package exchange

// The hub's store: the seam between the hub's logic (authentication,
// authorization, pull pages, the rules on who may write what) and where
// the hub keeps its devices, its op log and its numbering. A *storage.DB
// (SQLite, one municipality, the default) is one; storage/postgres (many
// councils, several hub nodes on one database) is the other.

import (
	"context"
	"io"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

// HubStore is what a hub node needs from its storage. Every method takes
// the request's context first and uses it for every database call it
// makes, so that a client that has gone stops the work done for it (the
// error is then ctx's). Every method is safe
// for concurrent use, also by several hub nodes on one PostgreSQL
// database. Errors of the registry are storage's (ErrUnauthorized,
// ErrRevoked, ErrBadCode, ErrReplicaTaken, ErrNotFound), Danish, for
// errors.Is; any other error is the store's own failure (a lost
// connection), which the server reports as an internal error and the
// client retries.
type HubStore interface {
	// Authenticate finds the device the secret belongs to. It returns
	// storage.ErrUnauthorized for an unknown id or a wrong secret (never
	// telling which), storage.ErrRevoked for a revoked device.
	Authenticate(ctx context.Context, id, secret string) (storage.Device, error)

	// EnrollDevice trades a one-time code for the device's secret and
	// binds the registry entry to the device's replica id and public key
	// (base64 ed25519). The code cannot be used again: of two concurrent
	// enrolments with one code exactly one succeeds. storage.ErrBadCode:
	// unknown or used code; storage.ErrRevoked: the entry is revoked;
	// storage.ErrReplicaTaken: the replica id is the hub's, another
	// device's, or found in the op log. Nothing is written on error.
	EnrollDevice(ctx context.Context, code, replica, pubkey string) (storage.Device, string, error)

	// CodeIssued tells when a waiting enrolment code was made; ok is false
	// for an unknown or used code (not an error).
	CodeIssued(ctx context.Context, code string) (made time.Time, ok bool, err error)

	// SetDeviceKey registers the public key of an enrolled device that has
	// none; the same key again is no change, a different one an error.
	SetDeviceKey(ctx context.Context, id, pubkey string) error

	// DeviceByReplica finds the registry entry of a replica id (the hub's
	// own is a staff device); storage.ErrUnauthorized when unknown.
	DeviceByReplica(ctx context.Context, replica string) (storage.Device, error)

	// HubDirectory is the key directory given to a device of council (""
	// for staff: every council), signed with the hub's key. Every node of
	// one hub signs with the same key.
	HubDirectory(ctx context.Context, council string) (storage.KeyDirectory, error)

	// SealHubFile signs the seal of a file the hub writes (a bundle) with
	// the hub's key; storage.ErrNotHub when the seal names another writer.
	SealHubFile(s storage.FileSeal) (string, error)

	// HubCouncil returns a council the hub holds; storage.ErrNotFound when
	// it holds none by that id.
	HubCouncil(ctx context.Context, id string) (model.Council, error)

	// FieldOps returns the ops held of one field of a row, in replay order
	// (HLC, then device): what the rules on answers and statuses read.
	FieldOps(ctx context.Context, table, row, field string) ([]storage.Change, error)

	// VerifyOps checks the provenance of arriving ops (each signed by its
	// author's registered key; ops held identically pass) and returns the
	// new ones with their authors. It writes nothing. Errors wrap
	// storage.ErrUnsigned, ErrBadSignature, ErrUnknownAuthor or
	// ErrBadChange.
	VerifyOps(ctx context.Context, ops []storage.Change, extra *storage.KeyDirectory) ([]storage.Change, map[string]storage.Author, error)

	// HubApply stores the new ops of a batch, after the model's rules
	// (shape, bounds, locked minutes), and gives each new op the next
	// number of its stream (its council's, or the municipality's; one
	// counter for all on SQLite). It is idempotent: ops held already change nothing and
	// are not numbered again. It returns how many ops were new. On error
	// (errors.Is storage.ErrBadChange for a refused op) the batch, or the
	// part not yet committed, is not stored, and sending it again is safe.
	// Numbers are never given twice in a stream, and a number is visible
	// to pullers only once every smaller number of its stream is: a puller
	// that has seen n of a stream never misses an op of it numbered n or
	// less.
	HubApply(ctx context.Context, ops []storage.Change) (int, error)

	// HubPage returns, in number order, the ops after cur of a council's
	// streams (its own and the municipality's; "" for every council),
	// bounded by p, leaving out those written by exclude; the cursor to
	// ask from next and whether more may follow. A page holds at least one
	// op when any follows cur. Only the streams of council are read,
	// whatever cur lists; a position cur holds past what the store has
	// numbered is read as the store's (a cursor is never trusted to skip).
	// The returned cursor's Floor is its lowest position: what a client
	// of one number (since=N) is told to ask from next.
	HubPage(ctx context.Context, council string, cur storage.Cursor, p storage.Page, exclude string) ([]storage.Change, storage.Cursor, bool, error)

	// HubDeviceTop is the highest sequence number of the ops of device
	// the store holds, 0 for none: a pull tells the device (HeaderOwnTop),
	// which can tell so that another computer writes under its identity.
	HubDeviceTop(ctx context.Context, device string) (int64, error)
}

var _ HubStore = (*storage.DB)(nil)

// BlobStore is where a hub keeps the attachments' files (blobs.go): the
// SQLite hub in its blob folder beside the database, the PostgreSQL store
// in its tables, so that a file sent up through one node downloads from
// another. Every method is safe for concurrent use, also by several nodes
// on one database. A file is named by its SHA-256 (lower-case hex). As
// HubStore's, every method takes the request's context first: a client
// gone stops the work (the error is then ctx's), and a reader OpenBlob
// returns may read under it (PostgreSQL's does).
type BlobStore interface {
	// AttachmentsNamed returns the live attachment rows that name the file
	// sum, of council ("" for every council): what decides whether a
	// device may send or fetch it. Read from the rows or the op log the
	// hub accepted, never from what a client says.
	AttachmentsNamed(ctx context.Context, sum, council string) ([]model.Attachment, error)

	// HeldAttachmentBytes is the bytes of the files the hub keeps of a
	// council's attachments (each file once), a file held only in part
	// (an upload under way or abandoned) with its whole size.
	HeldAttachmentBytes(ctx context.Context, council string) (int64, error)

	// BlobReceived is how many bytes of the file the hub holds (its size
	// when whole) and whether it is whole.
	BlobReceived(ctx context.Context, sum string) (int64, bool, error)

	// AppendBlob adds a chunk of the file (size bytes in all) at offset,
	// which must be where what the hub holds ends (else blobs.ErrOffset,
	// with the length held). When the last byte arrives the whole is
	// checked against sum: a match is kept (done), a mismatch dropped
	// (blobs.ErrMismatch). More than size bytes, or size above max:
	// blobs.ErrTooBig, and the partial file is dropped.
	AppendBlob(ctx context.Context, sum string, size, offset int64, chunk io.Reader, max int64) (received int64, done bool, err error)

	// OpenBlob opens a whole file after checking its bytes against its
	// name: blobs.ErrMissing when the hub has not got it,
	// blobs.ErrMismatch when its bytes do not match.
	OpenBlob(ctx context.Context, sum string) (io.ReadSeekCloser, error)
}

var _ BlobStore = (*storage.DB)(nil)

// fieldReader is what the rules on answers and statuses read.
type fieldReader interface {
	FieldOps(ctx context.Context, table, row, field string) ([]storage.Change, error)
}

// deviceFinder answers who wrote an op.
type deviceFinder interface {
	DeviceByReplica(ctx context.Context, replica string) (storage.Device, error)
}
