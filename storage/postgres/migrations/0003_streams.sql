-- Issue 15: per-council numbering. One counter row a stream — a council's
-- ops, or the municipality's own (council_id 'kommunen', which every
-- council's devices receive) — instead of the one hub_counter every push
-- locked. A push locks only the rows of the streams its ops belong to, in
-- council_id order, so pushes of different councils run at once on any
-- number of nodes, and pushes of one council are numbered in commit order.
--
-- id is the stream's short name in pull cursors (storage.Cursor). Every
-- stream starts at the old counter, and every op keeps its number in its
-- stream, so an old cursor N (one number) means N in every stream exactly.
CREATE TABLE hub_streams (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	council_id text NOT NULL UNIQUE,
	n          bigint NOT NULL
);

-- The floor: no stream will ever give a number at or below it. A stream is
-- made at the floor, and the floor is raised (postgres.go, AdvanceFloor)
-- only after raising every stream below it, so a cursor may stand at the
-- floor in every stream it does not list.
CREATE TABLE hub_floor (
	id int PRIMARY KEY CHECK (id = 1),
	n  bigint NOT NULL
);
INSERT INTO hub_floor(id, n) SELECT 1, n FROM hub_counter;
INSERT INTO hub_streams(council_id, n)
	SELECT c, (SELECT n FROM hub_counter)
	FROM (SELECT DISTINCT council_id AS c FROM ops UNION SELECT 'kommunen') AS s ORDER BY c;

-- A number is now unique in its stream, not in the log.
ALTER TABLE ops DROP CONSTRAINT ops_n_key;
DROP INDEX ops_council_n;
CREATE UNIQUE INDEX ops_council_n ON ops(council_id, n);
CREATE INDEX ops_n ON ops(n, council_id);

DROP TABLE hub_counter;
