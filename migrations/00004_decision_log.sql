-- +goose Up
-- The decision log: append-only, one row per signed entry. envelope holds the
-- exact DSSE bytes that were signed and hashed; payload is a jsonb copy for
-- queries only. log_hashes are the Merkle tree's stored hashes (tlog layout),
-- checkpoints the signed notes of tree sizes and roots, signing_keys every
-- public key ever used.
CREATE TABLE signing_keys (
    key_id     text PRIMARY KEY,
    public_key bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE log_entries (
    seq        bigint PRIMARY KEY CHECK (seq >= 0),
    envelope   bytea       NOT NULL,
    payload    jsonb       NOT NULL,
    leaf_hash  bytea       NOT NULL,
    record_id  uuid,
    event      text        NOT NULL,
    key_id     text        NOT NULL REFERENCES signing_keys (key_id),
    created_at timestamptz NOT NULL
);
CREATE INDEX log_entries_record_idx ON log_entries (record_id, seq);

CREATE TABLE log_hashes (
    idx  bigint PRIMARY KEY,
    hash bytea NOT NULL
);

CREATE TABLE checkpoints (
    size       bigint PRIMARY KEY,
    note       bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Nothing is ever updated or deleted: row triggers refuse UPDATE and
-- DELETE, statement triggers refuse TRUNCATE.
-- +goose StatementBegin
CREATE FUNCTION meshwise_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'meshwise: % on % is refused: the decision log is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER log_entries_no_change BEFORE UPDATE OR DELETE ON log_entries FOR EACH ROW EXECUTE FUNCTION meshwise_append_only();
CREATE TRIGGER log_entries_no_truncate BEFORE TRUNCATE ON log_entries FOR EACH STATEMENT EXECUTE FUNCTION meshwise_append_only();
CREATE TRIGGER log_hashes_no_change BEFORE UPDATE OR DELETE ON log_hashes FOR EACH ROW EXECUTE FUNCTION meshwise_append_only();
CREATE TRIGGER log_hashes_no_truncate BEFORE TRUNCATE ON log_hashes FOR EACH STATEMENT EXECUTE FUNCTION meshwise_append_only();
CREATE TRIGGER checkpoints_no_change BEFORE UPDATE OR DELETE ON checkpoints FOR EACH ROW EXECUTE FUNCTION meshwise_append_only();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints FOR EACH STATEMENT EXECUTE FUNCTION meshwise_append_only();
CREATE TRIGGER signing_keys_no_change BEFORE UPDATE OR DELETE ON signing_keys FOR EACH ROW EXECUTE FUNCTION meshwise_append_only();
CREATE TRIGGER signing_keys_no_truncate BEFORE TRUNCATE ON signing_keys FOR EACH STATEMENT EXECUTE FUNCTION meshwise_append_only();

-- A role for the application that can only read and append the log. Roles
-- are cluster-wide, so it is created once; a migrating user without
-- CREATEROLE (some managed services) gets a notice instead.
-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'meshwise_app') THEN
        CREATE ROLE meshwise_app NOLOGIN;
    END IF;
EXCEPTION
    WHEN duplicate_object THEN NULL;
    WHEN unique_violation THEN NULL;
    WHEN insufficient_privilege THEN RAISE NOTICE 'meshwise: no CREATEROLE privilege; create role meshwise_app yourself';
END;
$$;
-- +goose StatementEnd
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'meshwise_app') THEN
        GRANT SELECT, INSERT ON log_entries, log_hashes, checkpoints, signing_keys TO meshwise_app;
        GRANT SELECT, INSERT, UPDATE, DELETE ON assessments, users, sessions, api_tokens, login_failures TO meshwise_app;
        GRANT SELECT, INSERT ON audit_events TO meshwise_app;
        GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO meshwise_app;
    END IF;
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP TABLE checkpoints;
DROP TABLE log_hashes;
DROP TABLE log_entries;
DROP TABLE signing_keys;
DROP FUNCTION meshwise_append_only();
