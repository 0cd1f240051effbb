-- A revoked device is revoked after the last change the hub took from it
-- (storage/hub.go RevokeDevice), not after a time: a stolen laptop can
-- stamp its changes with any time, but not reuse numbers the hub holds.
ALTER TABLE devices ADD COLUMN revoked_seq INTEGER NOT NULL DEFAULT 0;
UPDATE devices SET revoked_seq = COALESCE((SELECT MAX(seq) FROM changes WHERE changes.device = devices.replica), 0) WHERE revoked <> '';
