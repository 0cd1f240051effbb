-- This device's changes the server refused for good (storage/refused.go):
-- set aside, out of the change log, so that the rest still syncs, and
-- kept here with the server's reason so that nothing is lost silently.
CREATE TABLE sync_refused (
    device     TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    council_id TEXT NOT NULL,
    tbl        TEXT NOT NULL,
    row_id     TEXT NOT NULL,
    field      TEXT NOT NULL,
    value,
    reason     TEXT NOT NULL,
    refused_at TEXT NOT NULL,
    PRIMARY KEY (device, seq)
);
