-- Attachments (bilag): files attached to an agenda item, a project or a
-- budget wish. The row names the file by the SHA-256 of its bytes; the
-- bytes live beside the database (<db>.bilag/ab/cdef…, storage/blobs), so
-- the same file attached twice is kept once. Rows sync like every row;
-- files travel apart (storage/exchange). owner_kind is 'item', 'project'
-- or 'wish'; added is an RFC 3339 UTC instant.
CREATE TABLE attachments (
    id         TEXT PRIMARY KEY,
    council_id TEXT NOT NULL REFERENCES councils(id) DEFERRABLE INITIALLY DEFERRED,
    owner_kind TEXT NOT NULL DEFAULT '',
    owner_id   TEXT NOT NULL DEFAULT '',
    name       TEXT NOT NULL DEFAULT '',
    media_type TEXT NOT NULL DEFAULT '',
    size       INTEGER NOT NULL DEFAULT 0,
    sha256     TEXT NOT NULL DEFAULT '',
    added      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX attachments_owner ON attachments(owner_id, added);
CREATE INDEX attachments_council ON attachments(council_id, added);
-- Which rows name a file: the hub's check of who may send or fetch it,
-- and whether a file may go when a row is deleted.
CREATE INDEX attachments_sha256 ON attachments(sha256);
