-- The hub's web pages: sessions and failed log-ins kept in the database
-- (issue 15), so that they outlive a restart and are the same on every
-- node. A session is found by the SHA-256 of the random token in its
-- cookie (the token itself is never stored); times are Unix milliseconds.
CREATE TABLE staff_sessions (
    token_hash TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    stamp      TEXT NOT NULL,
    expires    INTEGER NOT NULL
);
CREATE INDEX staff_sessions_name ON staff_sessions(name);
CREATE INDEX staff_sessions_expires ON staff_sessions(expires);

-- One row a log-in attempt and what it is charged to ("name …", "addr …"):
-- written before the password is checked, so that attempts at the same
-- moment on several nodes count each other; deleted again when the
-- attempt succeeds or is shut out, so what stays are the failures.
CREATE TABLE staff_failures (
    key     TEXT NOT NULL,
    at      INTEGER NOT NULL,
    attempt TEXT NOT NULL DEFAULT ''
);
CREATE INDEX staff_failures_attempt ON staff_failures(attempt);
CREATE INDEX staff_failures_key ON staff_failures(key, at);
CREATE INDEX staff_failures_at ON staff_failures(at);
