package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"meshwise/model"
)

// Pool exposes the connection pool for the session store (scs pgxstore).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

const userColumns = `id::text, email, name, role, disabled, created_at, session_epoch`

func scanUser(row pgx.Row, extra ...any) (model.User, error) {
	var u model.User
	var role string
	dest := append([]any{&u.ID, &u.Email, &u.Name, &role, &u.Disabled, &u.CreatedAt, &u.SessionEpoch}, extra...)
	err := row.Scan(dest...)
	u.Role = model.Role(role)
	return u, err
}

// CreateUser adds a person; ECONFLICT if the email is taken.
func (s *Store) CreateUser(ctx context.Context, email, name string, role model.Role, passwordHash string) (model.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, `
		INSERT INTO users (email, name, role, password_hash) VALUES ($1, $2, $3, $4)
		RETURNING `+userColumns, email, name, string(role), passwordHash))
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return model.User{}, model.Errorf(model.ECONFLICT, "A user with the email %s already exists.", email)
	}
	if err != nil {
		return model.User{}, wrap(err, "unable to create user")
	}
	return u, nil
}

// UserByEmail returns a user and their password hash, or ENOTFOUND.
func (s *Store) UserByEmail(ctx context.Context, email string) (model.User, string, error) {
	var hash string
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE email = $1`, email), &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return model.User{}, "", model.Errorf(model.ENOTFOUND, "No such user.")
	}
	if err != nil {
		return model.User{}, "", wrap(err, "unable to read user")
	}
	return u, hash, nil
}

// UserByID returns a user, or ENOTFOUND. With the credential cache on it
// answers from memory (a session's person on every request).
func (s *Store) UserByID(ctx context.Context, id string) (model.User, error) {
	if !isUUID(id) {
		return model.User{}, model.Errorf(model.ENOTFOUND, "No such user.")
	}
	var gen uint64
	if s.creds != nil {
		if u, ok := s.creds.user(id); ok {
			return u, nil
		}
		gen, _ = s.creds.generation()
	}
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return model.User{}, model.Errorf(model.ENOTFOUND, "No such user.")
	}
	if err != nil {
		return model.User{}, wrap(err, "unable to read user")
	}
	if s.creds != nil {
		s.creds.fillUser(gen, u)
	}
	return u, nil
}

// ListUsers returns every user by email.
func (s *Store) ListUsers(ctx context.Context) ([]model.User, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY email`)
	if err != nil {
		return nil, wrap(err, "unable to list users")
	}
	users, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (model.User, error) { return scanUser(row) })
	if err != nil {
		return nil, wrap(err, "unable to list users")
	}
	return users, nil
}

// CountUsers reports how many users exist.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, wrap(err, "unable to count users")
	}
	return n, nil
}

// SetRole changes a user's role. Every replica drops the user from its
// credential cache (the trigger of migrations/00008), this one at once.
func (s *Store) SetRole(ctx context.Context, id string, role model.Role) error {
	err := s.updateUser(ctx, id, `UPDATE users SET role = $2 WHERE id = $1`, string(role))
	s.forget("user:" + id)
	return err
}

// forget drops a credential this process just changed from its own cache
// without waiting for the notice, which other replicas act on.
func (s *Store) forget(what string) {
	if s.creds != nil {
		s.creds.invalidate(what)
	}
}

// SetPassword replaces a user's password hash and moves their session epoch
// on, which ends every session signed in before; it returns the new epoch
// so the session that made the change can carry on.
func (s *Store) SetPassword(ctx context.Context, id, hash string) (int, error) {
	if !isUUID(id) {
		return 0, model.Errorf(model.ENOTFOUND, "No such user.")
	}
	var epoch int
	err := s.pool.QueryRow(ctx, `UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1 WHERE id = $1 RETURNING session_epoch`, id, hash).Scan(&epoch)
	s.forget("user:" + id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, model.Errorf(model.ENOTFOUND, "No such user.")
	}
	if err != nil {
		return 0, wrap(err, "unable to update user")
	}
	return epoch, nil
}

func (s *Store) updateUser(ctx context.Context, id, sql string, arg any) error {
	if !isUUID(id) {
		return model.Errorf(model.ENOTFOUND, "No such user.")
	}
	tag, err := s.pool.Exec(ctx, sql, id, arg)
	if err != nil {
		return wrap(err, "unable to update user")
	}
	if tag.RowsAffected() == 0 {
		return model.Errorf(model.ENOTFOUND, "No such user.")
	}
	return nil
}

// RecordLoginFailure notes a failed sign-in for rate limiting.
func (s *Store) RecordLoginFailure(ctx context.Context, email, address string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO login_failures (email, address) VALUES ($1, $2)`, email, address)
	return wrap(err, "unable to record sign-in failure")
}

// ReserveLoginAttempt counts an attempt as a failure before its password is
// checked, atomically with the check of the limits: under an advisory lock
// per account and per address, so concurrent attempts cannot all pass the
// count. It reports false (nothing recorded) when either limit is reached.
// A good sign-in then clears the account's failures, this one included.
func (s *Store) ReserveLoginAttempt(ctx context.Context, email, address string, since time.Time, maxAccount, maxAddress int) (bool, error) {
	allowed := false
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Two locks in a fixed order (the smaller key first), so no two
		// attempts can wait on each other.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(k) FROM (SELECT hashtextextended('meshwise login account ' || $1, 0) AS k
			UNION SELECT hashtextextended('meshwise login address ' || $2, 0)) keys ORDER BY k`, email, address); err != nil {
			return err
		}
		var byAccount, byAddress int
		if err := tx.QueryRow(ctx, `
			SELECT count(*) FILTER (WHERE email = $1), count(*) FILTER (WHERE address = $2)
			FROM login_failures WHERE at >= $3 AND (email = $1 OR address = $2)`, email, address, since).Scan(&byAccount, &byAddress); err != nil {
			return err
		}
		if byAccount >= maxAccount || byAddress >= maxAddress {
			return nil
		}
		allowed = true
		_, err := tx.Exec(ctx, `INSERT INTO login_failures (email, address) VALUES ($1, $2)`, email, address)
		return err
	})
	return allowed, wrap(err, "unable to count sign-in failures")
}

// LoginFailures counts failures since a time, for an account and for an address.
func (s *Store) LoginFailures(ctx context.Context, email, address string, since time.Time) (byAccount, byAddress int, err error) {
	err = s.pool.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE email = $1), count(*) FILTER (WHERE address = $2)
		FROM login_failures WHERE at >= $3 AND (email = $1 OR address = $2)`, email, address, since).Scan(&byAccount, &byAddress)
	return byAccount, byAddress, wrap(err, "unable to count sign-in failures")
}

// ClearLoginFailures forgets an account's failures after a good sign-in.
func (s *Store) ClearLoginFailures(ctx context.Context, email string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM login_failures WHERE email = $1`, email)
	return wrap(err, "unable to clear sign-in failures")
}

const tokenColumns = `id::text, user_id::text, name, role, prefix, created_at, last_used_at, revoked_at`

func scanToken(row pgx.Row) (model.APIToken, error) {
	var t model.APIToken
	var role string
	err := row.Scan(&t.ID, &t.UserID, &t.Name, &role, &t.Prefix, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt)
	t.Role = model.Role(role)
	return t, err
}

// CreateToken stores a token's hash.
func (s *Store) CreateToken(ctx context.Context, userID, name string, role model.Role, prefix string, hash []byte) (model.APIToken, error) {
	t, err := scanToken(s.pool.QueryRow(ctx, `
		INSERT INTO api_tokens (user_id, name, role, prefix, token_hash) VALUES ($1, $2, $3, $4, $5)
		RETURNING `+tokenColumns, userID, name, string(role), prefix, hash))
	if err != nil {
		return model.APIToken{}, wrap(err, "unable to create token")
	}
	return t, nil
}

// UseToken finds a live token by hash and returns it with its owner;
// ENOTFOUND for unknown or revoked tokens. Its last-used time is written at
// most once a minute, so a busy pipeline does not turn every call into a
// write; with the credential cache on, the answer usually comes from memory
// and the last-used time is written in the background (tokenuse.go).
func (s *Store) UseToken(ctx context.Context, hash []byte) (model.APIToken, model.User, error) {
	if s.creds == nil {
		return s.readToken(ctx, hash, true)
	}
	if e, ok := s.creds.token(hash); ok {
		s.uses.note(e.tok, time.Now())
		return e.tok, e.user, nil
	}
	gen, _ := s.creds.generation()
	t, u, err := s.readToken(ctx, hash, false)
	if err != nil {
		return t, u, err
	}
	s.creds.fillToken(gen, hash, t, u)
	s.uses.note(t, time.Now())
	return t, u, nil
}

// readToken reads a live token and its owner; touch also writes its
// last-used time in the same statement when it is over a minute old.
func (s *Store) readToken(ctx context.Context, hash []byte, touch bool) (model.APIToken, model.User, error) {
	var t model.APIToken
	var u model.User
	var tokenRole, userRole string
	touched := `WITH touched AS (SELECT 1) `
	if touch {
		touched = `WITH touched AS (
			UPDATE api_tokens SET last_used_at = now()
			WHERE token_hash = $1 AND revoked_at IS NULL AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
		) `
	}
	err := s.pool.QueryRow(ctx, touched+`
		SELECT t.id::text, t.user_id::text, t.name, t.role, t.prefix, t.created_at, t.last_used_at, t.revoked_at,
		       u.id::text, u.email, u.name, u.role, u.disabled, u.created_at, u.session_epoch
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL`, hash).Scan(
		&t.ID, &t.UserID, &t.Name, &tokenRole, &t.Prefix, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt,
		&u.ID, &u.Email, &u.Name, &userRole, &u.Disabled, &u.CreatedAt, &u.SessionEpoch)
	if errors.Is(err, pgx.ErrNoRows) {
		return model.APIToken{}, model.User{}, model.Errorf(model.ENOTFOUND, "Unknown or revoked token.")
	}
	if err != nil {
		return model.APIToken{}, model.User{}, wrap(err, "unable to check token")
	}
	t.Role, u.Role = model.Role(tokenRole), model.Role(userRole)
	return t, u, nil
}

// ListTokens returns a user's tokens, newest first.
func (s *Store) ListTokens(ctx context.Context, userID string) ([]model.APIToken, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC`, userID)
	if err != nil {
		return nil, wrap(err, "unable to list tokens")
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (model.APIToken, error) { return scanToken(row) })
	return list, wrap(err, "unable to list tokens")
}

// RevokeToken revokes one of a user's tokens at once.
func (s *Store) RevokeToken(ctx context.Context, userID, tokenID string) error {
	if !isUUID(tokenID) {
		return model.Errorf(model.ENOTFOUND, "No such token.")
	}
	tag, err := s.pool.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`, tokenID, userID)
	s.forget("token:" + tokenID)
	if err != nil {
		return wrap(err, "unable to revoke token")
	}
	if tag.RowsAffected() == 0 {
		return model.Errorf(model.ENOTFOUND, "No such token.")
	}
	return nil
}

// Audit writes one identity event.
func (s *Store) Audit(ctx context.Context, e model.AuditEvent) error {
	var actor any
	if e.ActorID != "" {
		actor = e.ActorID
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO audit_events (event, actor_id, actor_email, subject, address, detail) VALUES ($1, $2, $3, $4, $5, $6)`,
		e.Event, actor, e.ActorEmail, e.Subject, e.Address, e.Detail)
	return wrap(err, "unable to write audit event")
}

// AuditEvents returns the newest events first.
func (s *Store) AuditEvents(ctx context.Context, limit int) ([]model.AuditEvent, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT at, event, coalesce(actor_id::text, ''), actor_email, subject, address, detail
		FROM audit_events ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, wrap(err, "unable to list audit events")
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (model.AuditEvent, error) {
		var e model.AuditEvent
		err := row.Scan(&e.At, &e.Event, &e.ActorID, &e.ActorEmail, &e.Subject, &e.Address, &e.Detail)
		return e, err
	})
	return list, wrap(err, "unable to list audit events")
}
