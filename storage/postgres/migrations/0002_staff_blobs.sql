-- Issue 15: what the hub's web pages keep (staff users, their sessions,
-- failed log-ins) and the attachments' files, in the database every node
-- shares, so that a log-in, a log-out, the limit on guessing and a file
-- sent up hold on every node.

-- As in the SQLite hub: a name and the PBKDF2 hash of a password the
-- server made.
CREATE TABLE staff_users (
	id      text PRIMARY KEY,
	name    text NOT NULL UNIQUE,
	pw_hash text NOT NULL,
	created text NOT NULL DEFAULT ''
);

-- A session by the SHA-256 of its cookie's token (the token is never
-- stored); times are Unix milliseconds.
CREATE TABLE staff_sessions (
	token_hash text PRIMARY KEY,
	name       text NOT NULL,
	csrf       text NOT NULL,
	stamp      text NOT NULL,
	expires    bigint NOT NULL
);
CREATE INDEX staff_sessions_name ON staff_sessions(name);
CREATE INDEX staff_sessions_expires ON staff_sessions(expires);

-- One row a log-in attempt and what it is charged to ("name …", "addr …"):
-- written before the password is checked, so that attempts at the same
-- moment on several nodes count each other; deleted again when the
-- attempt succeeds or is shut out, so what stays are the failures.
CREATE TABLE staff_failures (
	key     text NOT NULL,
	at      bigint NOT NULL,
	attempt text NOT NULL DEFAULT ''
);
CREATE INDEX staff_failures_attempt ON staff_failures(attempt);
CREATE INDEX staff_failures_key ON staff_failures(key, at);
CREATE INDEX staff_failures_at ON staff_failures(at);

-- Attachments' files by SHA-256: received bytes so far, whole once every
-- byte is there and matches the name. The bytes are in blob_chunks, one
-- row a chunk as it was sent (at most the server's chunk bound, 4 MB).
CREATE TABLE blobs (
	sum      text PRIMARY KEY,
	size     bigint NOT NULL,
	received bigint NOT NULL DEFAULT 0,
	whole    boolean NOT NULL DEFAULT false
);
CREATE TABLE blob_chunks (
	sum  text NOT NULL REFERENCES blobs(sum) ON DELETE CASCADE,
	off  bigint NOT NULL,
	data bytea NOT NULL,
	PRIMARY KEY (sum, off)
);

-- Who may send or fetch a file: the attachment rows naming it, read from
-- the op log by value (only the sha256 field of attachments, so the index
-- stays small and never holds a long text).
CREATE INDEX ops_attachment_sum ON ops(vtext) WHERE tbl = 'attachments' AND field = 'sha256';
CREATE INDEX ops_attachment_council ON ops(council_id) WHERE tbl = 'attachments' AND field = 'sha256';
