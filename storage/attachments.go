package storage

// Attachments (bilag): the rows here, the files in storage/blobs.
//
// A row names its file by SHA-256; the file lives beside the database in
// <db>.bilag/. Rows are written through the change log like every row, so
// they sync and are signed; files travel apart (storage/exchange). Deleting
// a row deletes its file only when no other row (of any council on this
// replica) names it.

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"lokalraad/model"
	"lokalraad/storage/blobs"
)

// ErrBlobMissing: the attachment's file is not on this laptop yet; a sync
// fetches it.
var ErrBlobMissing = blobs.ErrMissing

// ErrNotViewable: the attachment is no document or picture (a program, a
// script, a shortcut): opening it could run it, so it is not opened.
var ErrNotViewable = model.NewError(model.Forbidden, "bilaget er ikke et dokument eller et billede (det kan være et program), så Lokalråd åbner det ikke; bed afsenderen om en PDF")

// ErrBlobDamaged: the file's bytes do not match the checksum its row
// names; it is never shown, printed or sent.
var ErrBlobDamaged = blobs.ErrMismatch

// ErrQuota: the council's attachments would exceed model.MaxCouncilAttachment.
var ErrQuota = error(model.NewError(model.Invalid, fmt.Sprintf("rådets bilag fylder for meget (højst %s i alt); fjern gamle bilag først", model.Bytes(model.MaxCouncilAttachment))))

// ErrTooBig: a file is larger than model.MaxAttachmentSize.
var ErrTooBig = error(model.NewError(model.Invalid, fmt.Sprintf("filen er for stor til et bilag (højst %s)", model.Bytes(model.MaxAttachmentSize))))

// Blobs is the store of attachment files beside the database.
func (db *DB) Blobs() *blobs.Store { return blobs.Open(blobDir(db.path)) }

func blobDir(dbPath string) string { return dbPath + ".bilag" }

var (
	attachD = describe("attachments", func(a *model.Attachment) *string { return &a.ID },
		func(a *model.Attachment) *string { return &a.CouncilID }, nil,
		textCol("owner_kind", func(a *model.Attachment) *model.OwnerKind { return &a.OwnerKind }),
		textCol("owner_id", func(a *model.Attachment) *string { return &a.OwnerID }),
		textCol("name", func(a *model.Attachment) *string { return &a.Name }),
		textCol("media_type", func(a *model.Attachment) *string { return &a.MediaType }),
		intCol("size", func(a *model.Attachment) *int64 { return &a.Size }),
		textCol("sha256", func(a *model.Attachment) *string { return &a.SHA256 }),
		stampCol("added", func(a *model.Attachment) *time.Time { return &a.Added }),
	)
)

// ownerCouncil finds the council of an attachment's owner and refuses an
// owner that is locked: an agenda item of approved minutes (ErrLocked), a
// line of accounts approved at the generalforsamling
// (ErrAccountsApproved).
func (w *writer) ownerCouncil(kind model.OwnerKind, ownerID string) (string, error) {
	var council, meeting, date string
	var err error
	switch kind {
	case model.OwnerItem:
		err = w.tx.QueryRowContext(w.ctx, "SELECT council_id, meeting_id FROM agenda_items WHERE id = ?", ownerID).Scan(&council, &meeting)
	case model.OwnerProject:
		err = w.tx.QueryRowContext(w.ctx, "SELECT council_id FROM projects WHERE id = ?", ownerID).Scan(&council)
	case model.OwnerWish:
		err = w.tx.QueryRowContext(w.ctx, "SELECT council_id FROM budget_wishes WHERE id = ?", ownerID).Scan(&council)
	case model.OwnerEntry:
		err = w.tx.QueryRowContext(w.ctx, "SELECT council_id, date FROM account_entries WHERE id = ?", ownerID).Scan(&council, &date)
	default:
		return "", fmt.Errorf("bilag kan høre til et dagsordenspunkt, et projekt, et budgetønske eller en regnskabslinje, ikke »%s«", kind)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("det, bilaget skal høre til: %w", ErrNotFound)
	}
	if err != nil {
		return "", err
	}
	if meeting != "" {
		if err := w.checkUnlocked(meeting); err != nil {
			return "", err
		}
	}
	if kind == model.OwnerEntry {
		if err := w.approvedYear(council, date); err != nil {
			return "", err
		}
	}
	return council, nil
}

// councilBytes is how much the council's distinct files take.
func (w *writer) councilBytes(council string) (int64, error) {
	var n int64
	err := w.tx.QueryRowContext(w.ctx, "SELECT COALESCE(SUM(size), 0) FROM (SELECT sha256, MAX(size) AS size FROM attachments WHERE council_id = ? GROUP BY sha256)", council).Scan(&n)
	return n, err
}

// AddAttachment attaches the file r (named name; only its last element is
// kept) to the owner: an agenda item, a project, a budget wish or an
// accounts line (its receipt). The file
// is stored by its SHA-256 (once, however often it is attached) and the row
// written through the change log.
func (db *DB) AddAttachment(ctx context.Context, kind model.OwnerKind, ownerID, name string, r io.Reader) (model.Attachment, error) {
	store := db.Blobs()
	// No drop of the same file (a row naming it deleted meanwhile) may
	// remove it between storing it and committing the row that names it.
	db.files.RLock()
	sum, size, err := store.Put(r, model.MaxAttachmentSize)
	if errors.Is(err, blobs.ErrTooBig) {
		db.files.RUnlock()
		return model.Attachment{}, ErrTooBig
	}
	if err != nil {
		db.files.RUnlock()
		return model.Attachment{}, friendly(fmt.Errorf("gem bilaget: %w", err))
	}
	a := model.Attachment{ID: newID(), OwnerKind: kind, OwnerID: ownerID, Name: model.CleanFileName(name),
		MediaType: model.MediaTypeOf(name), Size: size, SHA256: sum, Added: db.Now().UTC().Truncate(time.Second)}
	err = db.write(ctx, func(w *writer) error {
		council, err := w.ownerCouncil(kind, ownerID)
		if err != nil {
			return err
		}
		a.CouncilID = council
		if err := a.Validate(); err != nil {
			return err
		}
		var known int
		if err := w.tx.QueryRowContext(w.ctx, "SELECT COUNT(*) FROM attachments WHERE council_id = ? AND sha256 = ?", council, sum).Scan(&known); err != nil {
			return err
		}
		if known == 0 {
			used, err := w.councilBytes(council)
			if err != nil {
				return err
			}
			if used+size > model.MaxCouncilAttachment {
				return ErrQuota
			}
		}
		_, err = w.put(attachD.record(&a))
		return err
	})
	db.files.RUnlock()
	if err != nil {
		db.dropUnused(sum)
		return model.Attachment{}, err
	}
	return a, nil
}

// dropUnused removes a file no row names, and none is about to: the
// count and the removal hold db.files, which a row naming a file on its
// way holds from storing the file until it commits.
func (db *DB) dropUnused(sum string) {
	db.files.Lock()
	defer db.files.Unlock()
	var n int
	if err := db.sql().QueryRow("SELECT COUNT(*) FROM attachments WHERE sha256 = ?", sum).Scan(&n); err == nil && n == 0 {
		db.Blobs().Remove(sum)
	}
}

// Attachment reads one attachment row.
func (db *DB) Attachment(ctx context.Context, id string) (model.Attachment, error) {
	return byID(ctx, db, attachT, attachD.scan, id)
}

// Attachments lists the attachments of an owner (an agenda item, a project
// or a budget wish) in the order they were added.
//
// Only attachments of the owner's own council are listed: a row another
// council's device wrote naming this owner (a staff device and the hub
// hold every council) never shows on it, in a packet or on screen.
func (db *DB) Attachments(ctx context.Context, kind model.OwnerKind, ownerID string) ([]model.Attachment, error) {
	table, ok := ownerTables[kind]
	if !ok {
		return nil, model.NewError(model.Invalid, fmt.Sprintf("»%s« er ikke noget, et bilag kan høre til", kind))
	}
	return list(ctx, db.sql(), attachD.scan, attachT.selectSQL()+
		" WHERE owner_kind = ? AND owner_id = ? AND council_id = (SELECT council_id FROM "+table+" WHERE id = ?) ORDER BY added, id",
		string(kind), ownerID, ownerID)
}

// ownerTables names the table of each kind of attachment owner.
var ownerTables = map[model.OwnerKind]string{
	model.OwnerItem: itemsT.name, model.OwnerProject: projectsT.name, model.OwnerWish: wishesT.name, model.OwnerEntry: entriesT.name,
}

// EntryAttachments lists the attachments (receipts) of a council's
// accounts lines dated in year, by line and, under a line, in the order
// they were added; lines are in ledger order (model.SortEntries).
func (db *DB) EntryAttachments(ctx context.Context, councilID string, year int) ([]model.Attachment, error) {
	es, err := db.AccountEntries(ctx, councilID, year)
	if err != nil {
		return nil, err
	}
	as, err := list(ctx, db.sql(), attachD.scan,
		"SELECT a.id, a.council_id, a.owner_kind, a.owner_id, a.name, a.media_type, a.size, a.sha256, a.added FROM attachments a JOIN account_entries e ON a.owner_kind = 'entry' AND a.owner_id = e.id AND e.council_id = a.council_id WHERE a.council_id = ? AND e.date BETWEEN ? AND ? ORDER BY a.added, a.id",
		councilID, strconv.Itoa(year)+"-01-01", strconv.Itoa(year)+"-12-31")
	if err != nil {
		return nil, err
	}
	pos := map[string]int{}
	for i, e := range es {
		pos[e.ID] = i
	}
	slices.SortStableFunc(as, func(a, b model.Attachment) int { return cmp.Compare(pos[a.OwnerID], pos[b.OwnerID]) })
	return as, nil
}

// MeetingAttachments lists the attachments of a meeting's agenda items, in
// agenda order and, under an item, in the order they were added.
func (db *DB) MeetingAttachments(ctx context.Context, meetingID string) ([]model.Attachment, error) {
	return list(ctx, db.sql(), attachD.scan,
		"SELECT a.id, a.council_id, a.owner_kind, a.owner_id, a.name, a.media_type, a.size, a.sha256, a.added FROM attachments a JOIN agenda_items i ON a.owner_kind = 'item' AND a.owner_id = i.id AND i.council_id = a.council_id WHERE i.meeting_id = ? ORDER BY i.position, i.id, a.added, a.id", meetingID)
}

// CouncilAttachments lists every attachment of a council.
func (db *DB) CouncilAttachments(ctx context.Context, councilID string) ([]model.Attachment, error) {
	return list(ctx, db.sql(), attachD.scan, attachT.selectSQL()+" WHERE council_id = ? ORDER BY added, id", councilID)
}

// UpcomingAttachments lists the attachments of agenda items of meetings
// that start between from and to: the files a laptop fetches ahead of a
// meeting.
func (db *DB) UpcomingAttachments(ctx context.Context, from, to time.Time) ([]model.Attachment, error) {
	return list(ctx, db.sql(), attachD.scan,
		"SELECT a.id, a.council_id, a.owner_kind, a.owner_id, a.name, a.media_type, a.size, a.sha256, a.added FROM attachments a JOIN agenda_items i ON a.owner_kind = 'item' AND a.owner_id = i.id AND i.council_id = a.council_id JOIN meetings m ON m.id = i.meeting_id WHERE m.start >= ? AND m.start <= ? ORDER BY m.start, i.position, a.added",
		stampText(from), stampText(to))
}

// AttachmentsNamed lists the attachments that name the file sum, of the
// given council ("" for any).
func (db *DB) AttachmentsNamed(ctx context.Context, sum, councilID string) ([]model.Attachment, error) {
	q, args := attachT.selectSQL()+" WHERE sha256 = ?", []any{sum}
	if councilID != "" {
		q += " AND council_id = ?"
		args = append(args, councilID)
	}
	return list(ctx, db.sql(), attachD.scan, q, args...)
}

// AttachmentFile is the path of the attachment's file, after checking that
// its bytes match the row's checksum: ErrBlobMissing when it is not on
// this laptop yet, ErrBlobDamaged when it does not match. Both errors name
// the file.
func (db *DB) AttachmentFile(a model.Attachment) (string, error) {
	store := db.Blobs()
	if err := store.Verify(a.SHA256); err != nil {
		return "", fmt.Errorf("bilaget »%s«: %w", a.Name, err)
	}
	return store.Path(a.SHA256), nil
}

// ReadAttachment returns the bytes of the attachment's file, checked as
// AttachmentFile does.
func (db *DB) ReadAttachment(a model.Attachment) ([]byte, error) {
	p, err := db.AttachmentFile(a)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(p)
}

// DeleteAttachment deletes an attachment row; its file goes too when no
// other row names it.
func (db *DB) DeleteAttachment(ctx context.Context, id string) error {
	return db.write(ctx, func(w *writer) error {
		a, err := attachD.scan(w.tx.QueryRowContext(w.ctx, attachT.selectSQL()+" WHERE id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if a.OwnerKind == model.OwnerItem || a.OwnerKind == model.OwnerEntry {
			// Part of approved minutes or approved accounts: locked.
			if _, err := w.ownerCouncil(a.OwnerKind, a.OwnerID); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		return w.remove(attachT.name, id)
	})
}

// MissingBlobs lists the files that rows name and this replica lacks, of
// the given attachments.
func (db *DB) MissingBlobs(as []model.Attachment) []model.Attachment {
	store := db.Blobs()
	seen := map[string]bool{}
	var out []model.Attachment
	for _, a := range as {
		if seen[a.SHA256] || store.Has(a.SHA256) {
			continue
		}
		seen[a.SHA256] = true
		out = append(out, a)
	}
	return out
}

// ViewableFile is a copy of the attachment's file under its own name
// (<db>.bilag/vis/…/Tilbud.pdf), checked as AttachmentFile, for the
// system's viewer, which knows a file's type by its name. It is a copy,
// never a link: a viewer that saves in place must not change the kept file.
func (db *DB) ViewableFile(a model.Attachment) (string, error) {
	if !model.Viewable(model.CleanFileName(a.Name)) {
		return "", ErrNotViewable
	}
	src, err := db.AttachmentFile(a)
	if err != nil {
		return "", err
	}
	name := model.CleanFileName(a.Name)
	if name == "" || name == "." || name == ".." {
		name = "bilag"
	}
	dir := filepath.Join(blobDir(db.path), "vis", a.SHA256[:16])
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", friendly(err)
	}
	dest := filepath.Join(dir, name)
	os.Remove(dest) // a copy from before may be stale or changed by the viewer
	data, err := os.ReadFile(src)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(dest, data, 0o644); err != nil {
		return "", friendly(err)
	}
	return dest, nil
}

// dropViewCopies removes the copies made for the viewer (ViewableFile):
// a cache, made again when a file is opened.
func (db *DB) dropViewCopies() {
	os.RemoveAll(filepath.Join(blobDir(db.path), "vis"))
}

// HeldAttachmentBytes is how much the files of a council's attachments
// that this replica holds take, each file once: what the hub counts
// against model.MaxCouncilAttachment before it takes another file. A file
// the hub holds only part of (an upload under way or abandoned, until
// SweepPartialBlobs removes it) counts with its whole size: what it will
// take, so that uploads never finished cannot fill the disk past the
// bound.
func (db *DB) HeldAttachmentBytes(ctx context.Context, councilID string) (int64, error) {
	type file struct {
		sum  string
		size int64
	}
	files, err := list(ctx, db.sql(), func(s scanner) (file, error) {
		var f file
		return f, s.Scan(&f.sum, &f.size)
	}, "SELECT sha256, MAX(size) FROM attachments WHERE council_id = ? GROUP BY sha256", councilID)
	if err != nil {
		return 0, err
	}
	store := db.Blobs()
	var n int64
	for _, f := range files {
		// A whole file counts with its own size, whatever its rows
		// claim (a device may rewrite a row's size after the upload); a
		// partial one with the larger of its rows' size and what it holds.
		got, whole, err := store.Received(f.sum)
		if err != nil {
			return 0, err
		}
		switch {
		case whole:
			n += got
		case got > 0:
			n += max(f.size, got)
		}
	}
	return n, nil
}

// SweepPartialBlobs removes the partial uploads not added to since before
// (a file whose upload stopped half-way) and returns how many it removed
// and the bytes they held.
func (db *DB) SweepPartialBlobs(ctx context.Context, before time.Time) (int, int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, 0, err
	}
	return db.Blobs().SweepPartial(before)
}

// The hub's side of the files (storage/exchange's BlobStore): the SQLite
// hub keeps them in its blob folder, as a laptop does. The work is on
// files, not the database: a context already ended (the client gone)
// stops it before it starts, and its error is returned.

// BlobReceived is how many bytes of the file sum the hub holds, and
// whether it is whole.
func (db *DB) BlobReceived(ctx context.Context, sum string) (int64, bool, error) {
	if err := ctx.Err(); err != nil {
		return 0, false, err
	}
	return db.Blobs().Received(sum)
}

// AppendBlob adds a chunk of the file sum (size bytes in all) at offset,
// which must be where what the hub holds ends (blobs.Store.Append).
func (db *DB) AppendBlob(ctx context.Context, sum string, size, offset int64, chunk io.Reader, max int64) (int64, bool, error) {
	if err := ctx.Err(); err != nil {
		return 0, false, err
	}
	return db.Blobs().Append(sum, size, offset, chunk, max)
}

// OpenBlob opens the file sum after checking its bytes against its name.
func (db *DB) OpenBlob(ctx context.Context, sum string) (io.ReadSeekCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := db.Blobs().Open(sum)
	if err != nil {
		return nil, err
	}
	return f, nil
}
