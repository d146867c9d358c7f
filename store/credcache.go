package store

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"meshwise/model"
)

// credCache keeps API tokens, users and sessions in memory so a request's
// credential check needs no database round trip. It answers only while the
// LISTEN connection is up (live): every change to a credential sends a
// notice on commit (migrations/00008) that drops the entry on every
// replica, and each entry also expires after ttl in case a notice is lost.
// Losing the connection flushes everything and turns the cache off until
// LISTEN is back, so a missed notice cannot keep a revoked credential alive
// longer than ttl.
type credCache struct {
	ttl time.Duration
	now func() time.Time

	mu       sync.Mutex
	live     bool
	gen      uint64 // moves on at every invalidation: a fill read before it is stale
	tokens   map[string]tokenEntry
	users    map[string]userEntry
	sessions map[string]sessionEntry

	hits, misses, invalidations atomic.Int64
}

type tokenEntry struct {
	tok  model.APIToken
	user model.User
	at   time.Time
}

type userEntry struct {
	user model.User
	at   time.Time
}

type sessionEntry struct {
	data   []byte
	expiry time.Time
	at     time.Time
}

func newCredCache(ttl time.Duration, now func() time.Time) *credCache {
	c := &credCache{ttl: ttl, now: now}
	c.reset()
	return c
}

// reset empties the maps; the caller holds mu or owns c.
func (c *credCache) reset() {
	c.tokens, c.users, c.sessions = map[string]tokenEntry{}, map[string]userEntry{}, map[string]sessionEntry{}
	c.gen++
}

// fresh reports whether an entry made at t may still answer.
func (c *credCache) fresh(t time.Time) bool { return c.now().Sub(t) < c.ttl }

// setLive flushes everything and turns answering on or off: on once LISTEN
// is in place (anything cached before may have missed a notice), off when
// the connection is lost.
func (c *credCache) setLive(live bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reset()
	c.live = live
	c.invalidations.Add(1)
}

// Live reports whether the cache is answering.
func (c *credCache) isLive() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.live
}

// generation is read before a database lookup; fill* store its result only
// if nothing was invalidated meanwhile.
func (c *credCache) generation() (uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen, c.live
}

func (c *credCache) token(hash []byte) (tokenEntry, bool) {
	c.mu.Lock()
	e, ok := c.tokens[string(hash)]
	ok = ok && c.live && c.fresh(e.at)
	c.mu.Unlock()
	c.count(ok)
	return e, ok
}

func (c *credCache) fillToken(gen uint64, hash []byte, tok model.APIToken, u model.User) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live && c.gen == gen {
		c.tokens[string(hash)] = tokenEntry{tok: tok, user: u, at: c.now()}
	}
}

func (c *credCache) user(id string) (model.User, bool) {
	c.mu.Lock()
	e, ok := c.users[id]
	ok = ok && c.live && c.fresh(e.at)
	c.mu.Unlock()
	c.count(ok)
	return e.user, ok
}

func (c *credCache) fillUser(gen uint64, u model.User) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live && c.gen == gen {
		c.users[u.ID] = userEntry{user: u, at: c.now()}
	}
}

// session returns a copy of a cached session's data and its expiry.
func (c *credCache) session(key string) (sessionEntry, bool) {
	c.mu.Lock()
	e, ok := c.sessions[key]
	ok = ok && c.live && c.fresh(e.at) && c.now().Before(e.expiry)
	c.mu.Unlock()
	c.count(ok)
	if ok {
		e.data = append([]byte(nil), e.data...)
	}
	return e, ok
}

// peekSession is session without counting, for the commit decision.
func (c *credCache) peekSession(key string) (sessionEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.sessions[key]
	return e, ok && c.live && c.fresh(e.at)
}

func (c *credCache) fillSession(gen uint64, key string, data []byte, expiry time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live && c.gen == gen {
		c.sessions[key] = sessionEntry{data: append([]byte(nil), data...), expiry: expiry, at: c.now()}
	}
}

func (c *credCache) count(hit bool) {
	if hit {
		c.hits.Add(1)
	} else {
		c.misses.Add(1)
	}
}

// invalidate drops what a notice names: "user:<id>" (the user and their
// tokens), "token:<id>", "session:<sha256 hex>"; anything else flushes all.
func (c *credCache) invalidate(payload string) {
	c.invalidations.Add(1)
	kind, id, _ := strings.Cut(payload, ":")
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	switch kind {
	case "user":
		delete(c.users, id)
		for k, e := range c.tokens {
			if e.tok.UserID == id {
				delete(c.tokens, k)
			}
		}
	case "token":
		for k, e := range c.tokens {
			if e.tok.ID == id {
				delete(c.tokens, k)
			}
		}
	case "session":
		delete(c.sessions, id)
	default:
		c.reset()
	}
}

// sessionKey is how a session is named in the cache and in notices.
func sessionKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CredentialCacheStats counts the credential cache's hits, misses (lookups
// that went to the database, including every lookup while it is off) and
// invalidations received (notices, flushes and this process's own changes).
func (s *Store) CredentialCacheStats() (hits, misses, invalidations int64) {
	if s.creds == nil {
		return 0, 0, 0
	}
	return s.creds.hits.Load(), s.creds.misses.Load(), s.creds.invalidations.Load()
}

// CredentialCacheLive reports whether the credential cache is answering,
// i.e. its LISTEN connection is up; false when the cache is off.
func (s *Store) CredentialCacheLive() bool { return s.creds != nil && s.creds.isLive() }
