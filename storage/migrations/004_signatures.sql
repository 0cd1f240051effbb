-- Provenance (storage/keys.go): every op carries its author's ed25519
-- signature (base64; '' on ops written before signatures), and the hub's
-- device registry keeps each device's public key, registered at enrolment.
ALTER TABLE changes ADD COLUMN sig TEXT NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN pubkey TEXT NOT NULL DEFAULT '';
