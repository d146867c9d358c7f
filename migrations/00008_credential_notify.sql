-- +goose Up
-- Every replica keeps credentials in memory (store/credcache.go) and drops
-- them when told to on the channel meshwise_credentials. A trigger sends the
-- notice, so it is part of the changing transaction and delivered only on
-- commit, whoever made the change: the server, `meshwise user`, or an
-- operator disabling someone with plain SQL. Last-used times and session
-- expiry moves are not credential changes and send nothing.
-- +goose StatementBegin
CREATE FUNCTION meshwise_credentials_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'users' THEN
        PERFORM pg_notify('meshwise_credentials', 'user:' || OLD.id::text);
    ELSIF TG_TABLE_NAME = 'api_tokens' THEN
        PERFORM pg_notify('meshwise_credentials', 'token:' || OLD.id::text);
    ELSIF TG_TABLE_NAME = 'sessions' THEN
        -- The session token itself never goes on the wire: its SHA-256.
        PERFORM pg_notify('meshwise_credentials', 'session:' || encode(sha256(convert_to(OLD.token, 'UTF8')), 'hex'));
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER users_credentials_changed AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION meshwise_credentials_changed();
CREATE TRIGGER api_tokens_credentials_changed AFTER UPDATE OF user_id, role, token_hash, revoked_at OR DELETE ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION meshwise_credentials_changed();
CREATE TRIGGER sessions_credentials_changed AFTER UPDATE ON sessions
    FOR EACH ROW WHEN (OLD.data IS DISTINCT FROM NEW.data OR NEW.expiry < OLD.expiry) EXECUTE FUNCTION meshwise_credentials_changed();
CREATE TRIGGER sessions_credentials_deleted AFTER DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION meshwise_credentials_changed();

-- +goose Down
DROP TRIGGER sessions_credentials_deleted ON sessions;
DROP TRIGGER sessions_credentials_changed ON sessions;
DROP TRIGGER api_tokens_credentials_changed ON api_tokens;
DROP TRIGGER users_credentials_changed ON users;
DROP FUNCTION meshwise_credentials_changed();
