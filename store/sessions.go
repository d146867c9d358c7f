package store

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5"
)

// expirySlack is how far a session's stored expiry may lag: scs commits
// every request under an idle timeout only to move the expiry on, and a
// commit that changes nothing else and moves it by less than this is
// skipped. A session idle for IdleTimeout - expirySlack may thus end.
const expirySlack = time.Minute

// SessionStore keeps scs sessions in the sessions table (the layout of scs's
// pgxstore) and, with the credential cache on, answers reads from memory:
// a sign-out or a change of a session's data on any replica drops it
// everywhere (migrations/00008).
type SessionStore struct {
	s *Store
	// found remembers, for a minute, the sessions FindCtx found: scs
	// commits after finding, and a found session is then only updated, so
	// a request in flight while another replica signs the session out
	// cannot write it back.
	mu     sync.Mutex
	found  map[string]time.Time
	pruned time.Time
	// Codec must be the SessionManager's: gob writes a map in random
	// order, so equal sessions are compared decoded. scs.GobCodec if nil.
	Codec scs.Codec
}

// Sessions returns the session store for scs. Make one per SessionManager.
func (s *Store) Sessions() *SessionStore {
	return &SessionStore{s: s, found: map[string]time.Time{}}
}

func (ss *SessionStore) noteFound(key string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	now := time.Now()
	// Pruned at most every 10 s, so many live sessions cost no scan per request.
	if len(ss.found) >= 4096 && now.Sub(ss.pruned) > 10*time.Second {
		ss.pruned = now
		for k, at := range ss.found {
			if now.Sub(at) > time.Minute {
				delete(ss.found, k)
			}
		}
	}
	ss.found[key] = now
}

// wasFound reports whether FindCtx found the session within the minute.
func (ss *SessionStore) wasFound(key string) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	at, ok := ss.found[key]
	return ok && time.Since(at) <= time.Minute
}

// FindCtx returns a live session's data; found is false for an unknown or
// expired token.
func (ss *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	s, key := ss.s, sessionKey(token)
	var gen uint64
	if s.creds != nil {
		if e, ok := s.creds.session(key); ok {
			ss.noteFound(key)
			return e.data, true, nil
		}
		gen, _ = s.creds.generation()
	}
	var data []byte
	var expiry time.Time
	err := s.pool.QueryRow(ctx, `SELECT data, expiry FROM sessions WHERE token = $1 AND now() < expiry`, token).Scan(&data, &expiry)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, wrap(err, "unable to read session")
	}
	if s.creds != nil {
		s.creds.fillSession(gen, key, data, expiry)
	}
	ss.noteFound(key)
	return data, true, nil
}

// CommitCtx stores a session. With the cache on, a commit whose data equals
// the cached row's and whose expiry moves on by less than expirySlack is
// skipped: it would only rewrite the row.
func (ss *SessionStore) CommitCtx(ctx context.Context, token string, data []byte, expiry time.Time) error {
	s, key := ss.s, sessionKey(token)
	var gen uint64
	if s.creds != nil {
		if e, ok := s.creds.peekSession(key); ok && ss.same(e.data, data) && !expiry.Before(e.expiry) && expiry.Sub(e.expiry) < expirySlack {
			return nil
		}
		gen, _ = s.creds.generation()
	}
	sql := `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry`
	if ss.wasFound(key) {
		// Signed out meanwhile (the row is gone): it stays over.
		sql = `UPDATE sessions SET data = $2, expiry = $3 WHERE token = $1`
	}
	tag, err := s.pool.Exec(ctx, sql, token, data, expiry)
	if err != nil {
		return wrap(err, "unable to save session")
	}
	if tag.RowsAffected() == 0 {
		return nil
	}
	if s.creds != nil {
		// Only this process saw the new row before the notice: keep it
		// unless something was invalidated meanwhile.
		s.creds.fillSession(gen, key, data, expiry)
	}
	return nil
}

// same reports whether two encoded sessions hold the same deadline and values.
func (ss *SessionStore) same(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	codec := ss.Codec
	if codec == nil {
		codec = scs.GobCodec{}
	}
	da, va, errA := codec.Decode(a)
	db, vb, errB := codec.Decode(b)
	return errA == nil && errB == nil && da.Equal(db) && reflect.DeepEqual(va, vb)
}

// DeleteCtx ends a session on every replica.
func (ss *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := ss.s.pool.Exec(ctx, `DELETE FROM sessions WHERE token = $1`, token)
	ss.s.forget("session:" + sessionKey(token))
	return wrap(err, "unable to delete session")
}

// Find, Commit and Delete are FindCtx, CommitCtx and DeleteCtx without a
// context, for scs.Store.
func (ss *SessionStore) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a context.
func (ss *SessionStore) Commit(token string, data []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, data, expiry)
}

// Delete is DeleteCtx without a context.
func (ss *SessionStore) Delete(token string) error {
	return ss.DeleteCtx(context.Background(), token)
}

// DeleteExpired removes sessions past their expiry.
func (ss *SessionStore) DeleteExpired(ctx context.Context) error {
	_, err := ss.s.pool.Exec(ctx, `DELETE FROM sessions WHERE expiry < now()`)
	return wrap(err, "unable to delete expired sessions")
}

// DeleteExpiredEvery runs DeleteExpired every interval until ctx ends.
func (ss *SessionStore) DeleteExpiredEvery(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := ss.DeleteExpired(ctx); err != nil && ctx.Err() == nil {
				ss.s.log.Warn("expired sessions not deleted; will retry", "err", err)
			}
		}
	}
}
