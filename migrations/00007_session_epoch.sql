-- +goose Up
-- A password change moves the user's session epoch on; a session remembers
-- the epoch it signed in under and is over once they differ. Sessions are
-- opaque scs blobs, so this is how "end my other sessions" reaches them.
ALTER TABLE users ADD COLUMN session_epoch integer NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN session_epoch;
