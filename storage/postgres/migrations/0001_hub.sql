-- The hub on PostgreSQL: its identity, its device registry, its op log
-- and the one counter that numbers the log.
CREATE TABLE hub_meta (
	key   text PRIMARY KEY,
	value text NOT NULL
);

-- The next number is n + 1. Pushes lock this row (SELECT ... FOR UPDATE)
-- and keep it until they commit, so numbers are given in commit order.
CREATE TABLE hub_counter (
	id int PRIMARY KEY CHECK (id = 1),
	n  bigint NOT NULL
);
INSERT INTO hub_counter(id, n) VALUES (1, 0);

CREATE TABLE devices (
	id          text PRIMARY KEY,
	label       text NOT NULL DEFAULT '',
	council_id  text NOT NULL DEFAULT '',
	staff       boolean NOT NULL DEFAULT false,
	code_hash   text NOT NULL DEFAULT '',
	secret_hash text NOT NULL DEFAULT '',
	replica     text NOT NULL DEFAULT '',
	created     text NOT NULL DEFAULT '',
	enrolled    text NOT NULL DEFAULT '',
	revoked     text NOT NULL DEFAULT '',
	revoked_seq bigint NOT NULL DEFAULT 0,
	pubkey      text NOT NULL DEFAULT ''
);
CREATE INDEX devices_code ON devices(code_hash) WHERE code_hash <> '';
CREATE INDEX devices_replica ON devices(replica) WHERE replica <> '';
CREATE INDEX devices_council ON devices(council_id);

-- The op log: every council's ops, each numbered once (n).
-- vkind: 'n' null, 'i' integer (vint), 's' text (vtext).
CREATE TABLE ops (
	device     text NOT NULL,
	seq        bigint NOT NULL,
	hlc        bigint NOT NULL,
	tbl        text NOT NULL,
	row_id     text NOT NULL,
	council_id text NOT NULL,
	field      text NOT NULL,
	vkind      char(1) NOT NULL,
	vtext      text,
	vint       bigint,
	base       text NOT NULL DEFAULT '',
	sig        text NOT NULL DEFAULT '',
	n          bigint NOT NULL UNIQUE,
	PRIMARY KEY (device, seq)
);
CREATE INDEX ops_council_n ON ops(council_id, n);
CREATE INDEX ops_field ON ops(tbl, row_id, field, hlc);
