-- The change log's value column (and a conflict's kept and other values)
-- had the type ANY, which in a table that is not STRICT means numeric
-- affinity: a text that looks like a number, a phone number "12345678",
-- was stored as the integer 12345678, and the op no longer synced as text
-- (the receiver refused it: "forkert type"). A column with no type keeps
-- every value as it was given. Values already turned into numbers in a
-- text column are turned back into text (digits as SQLite writes them:
-- a leading zero or an exponent written by hand is not recovered; the row
-- itself, a TEXT column, always kept what was typed).
CREATE TABLE changes_new (
    device     TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    hlc        INTEGER NOT NULL,
    tbl        TEXT NOT NULL,
    row_id     TEXT NOT NULL,
    council_id TEXT NOT NULL,
    field      TEXT NOT NULL,
    value,
    base       TEXT NOT NULL DEFAULT '',
    sig        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (device, seq)
);
INSERT INTO changes_new(device, seq, hlc, tbl, row_id, council_id, field, value, base, sig)
    SELECT device, seq, hlc, tbl, row_id, council_id, field,
        CASE WHEN typeof(value) IN ('integer', 'real') AND field <> ''
              AND EXISTS (SELECT 1 FROM pragma_table_info(changes.tbl) p WHERE p.name = changes.field AND upper(p.type) <> 'INTEGER')
            THEN CAST(value AS TEXT) ELSE value END,
        base, sig
    FROM changes;
DROP TABLE changes;
ALTER TABLE changes_new RENAME TO changes;
CREATE INDEX changes_council ON changes(council_id, hlc);
CREATE INDEX changes_field ON changes(tbl, row_id, field, hlc);

CREATE TABLE sync_conflicts_new (
    id         TEXT PRIMARY KEY,
    council_id TEXT NOT NULL,
    tbl        TEXT NOT NULL,
    row_id     TEXT NOT NULL,
    field      TEXT NOT NULL,
    winner     TEXT NOT NULL,
    loser      TEXT NOT NULL,
    kept,
    other,
    merged     INTEGER NOT NULL DEFAULT 0,
    hlc        INTEGER NOT NULL
);
INSERT INTO sync_conflicts_new
    SELECT id, council_id, tbl, row_id, field, winner, loser,
        CASE WHEN typeof(kept) IN ('integer', 'real')
              AND EXISTS (SELECT 1 FROM pragma_table_info(sync_conflicts.tbl) p WHERE p.name = sync_conflicts.field AND upper(p.type) <> 'INTEGER')
            THEN CAST(kept AS TEXT) ELSE kept END,
        CASE WHEN typeof(other) IN ('integer', 'real')
              AND EXISTS (SELECT 1 FROM pragma_table_info(sync_conflicts.tbl) p WHERE p.name = sync_conflicts.field AND upper(p.type) <> 'INTEGER')
            THEN CAST(other AS TEXT) ELSE other END,
        merged, hlc
    FROM sync_conflicts;
DROP TABLE sync_conflicts;
ALTER TABLE sync_conflicts_new RENAME TO sync_conflicts;
CREATE INDEX sync_conflicts_field ON sync_conflicts(tbl, row_id, field);
CREATE INDEX sync_conflicts_council ON sync_conflicts(council_id, hlc);
