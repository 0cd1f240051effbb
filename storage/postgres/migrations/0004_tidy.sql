-- Issue 15, what the hub left lying around.

-- A node's mirror (exchange.Mirror) is a staff device of its own: mirror
-- names the place it lives ("HOST:PATH" of its file), so that a mirror
-- made again in the same place revokes the one it replaces, and
-- last_seen is when it last pulled (a stamp, as created), so that
-- mirrors nobody runs any more can be found and revoked. Mirrors made
-- before this migration are known by their label only.
ALTER TABLE devices ADD COLUMN mirror text NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN last_seen text NOT NULL DEFAULT '';
UPDATE devices SET mirror = label WHERE staff AND label LIKE 'Spejl på %';
CREATE INDEX devices_mirror ON devices(mirror) WHERE mirror <> '';

-- When a partial upload was last added to (Unix milliseconds), so that
-- one abandoned is swept; those begun before this migration count from
-- now.
ALTER TABLE blobs ADD COLUMN touched bigint NOT NULL DEFAULT 0;
UPDATE blobs SET touched = (extract(epoch FROM now()) * 1000)::bigint WHERE NOT whole;
CREATE INDEX blobs_partial ON blobs(touched) WHERE NOT whole;
