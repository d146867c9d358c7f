-- +goose Up
-- One row per terminal transition of a record, written in the same
-- transaction as the log entry that causes it. The primary key makes a
-- second decision (approved or rejected) or a second supersession of one
-- record impossible, whatever the application gets wrong.
CREATE TABLE record_transitions (
    record_id uuid   NOT NULL,
    kind      text   NOT NULL CHECK (kind IN ('decided', 'superseded')),
    seq       bigint NOT NULL,
    PRIMARY KEY (record_id, kind)
);
CREATE TRIGGER record_transitions_no_change BEFORE UPDATE OR DELETE ON record_transitions FOR EACH ROW EXECUTE FUNCTION meshwise_append_only();
CREATE TRIGGER record_transitions_no_truncate BEFORE TRUNCATE ON record_transitions FOR EACH STATEMENT EXECUTE FUNCTION meshwise_append_only();

-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'meshwise_app') THEN
        GRANT SELECT, INSERT ON record_transitions TO meshwise_app;
    END IF;
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP TABLE record_transitions;
