-- Sync: what replicas need to merge ops from other devices, and what the
-- hub (cmd/kommune) needs to number accepted ops and know its devices.

-- The ops of one field, in replay order (storage/sync.go).
CREATE INDEX changes_field ON changes(tbl, row_id, field, hlc);

-- Kept conflicts: a value that lost to a concurrent edit of the same field
-- (or the other side of overlapping edits of a long text). The id names the
-- field and the two ops, so every replica derives the same id.
CREATE TABLE sync_conflicts (
    id         TEXT PRIMARY KEY,
    council_id TEXT NOT NULL,
    tbl        TEXT NOT NULL,
    row_id     TEXT NOT NULL,
    field      TEXT NOT NULL,
    winner     TEXT NOT NULL,
    loser      TEXT NOT NULL,
    kept       ANY,
    other      ANY,
    merged     INTEGER NOT NULL DEFAULT 0,
    hlc        INTEGER NOT NULL
);
CREATE INDEX sync_conflicts_field ON sync_conflicts(tbl, row_id, field);
CREATE INDEX sync_conflicts_council ON sync_conflicts(council_id, hlc);

-- Conflicts a person has dismissed; synced as ops on the pseudo-table
-- 'sync_conflicts', so a conflict dismissed on one laptop goes everywhere.
CREATE TABLE sync_resolved (
    id TEXT PRIMARY KEY
) WITHOUT ROWID;

-- The hub's numbering of accepted ops: pull is "everything of my council
-- after n".
CREATE TABLE sync_seq (
    n          INTEGER PRIMARY KEY,
    council_id TEXT NOT NULL,
    device     TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    UNIQUE (device, seq)
);
CREATE INDEX sync_seq_council ON sync_seq(council_id, n);

-- The hub's device registry. Only hashes of codes and secrets are kept.
-- replica is the device's own id (meta 'device' of its database).
CREATE TABLE devices (
    id          TEXT PRIMARY KEY,
    label       TEXT NOT NULL DEFAULT '',
    council_id  TEXT NOT NULL DEFAULT '',
    staff       INTEGER NOT NULL DEFAULT 0,
    code_hash   TEXT NOT NULL DEFAULT '',
    secret_hash TEXT NOT NULL DEFAULT '',
    replica     TEXT NOT NULL DEFAULT '',
    created     TEXT NOT NULL DEFAULT '',
    enrolled    TEXT NOT NULL DEFAULT '',
    revoked     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX devices_replica ON devices(replica);
CREATE INDEX devices_code ON devices(code_hash);
