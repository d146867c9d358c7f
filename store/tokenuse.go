package store

import (
	"context"
	"sync"
	"time"

	"meshwise/model"
)

// tokenUses batches API tokens' last-used times off the request path: a use
// is noted in memory, and at most once a minute per token (per replica; the
// UPDATE's own condition holds it across replicas) a background flush
// writes it, many tokens in one statement.
type tokenUses struct {
	mu      sync.Mutex
	written map[string]time.Time // token ID → the last use written (or read)
	pending map[string]time.Time
}

func newTokenUses() *tokenUses {
	return &tokenUses{written: map[string]time.Time{}, pending: map[string]time.Time{}}
}

// note records a use at now unless one within the minute is already known.
func (u *tokenUses) note(tok model.APIToken, now time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	last, ok := u.written[tok.ID]
	if !ok && tok.LastUsedAt != nil {
		last, ok = *tok.LastUsedAt, true
	}
	if ok && now.Sub(last) < time.Minute {
		return
	}
	u.written[tok.ID] = now
	u.pending[tok.ID] = now
}

func (u *tokenUses) take() (ids []string, at []time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for id, t := range u.pending {
		ids, at = append(ids, id), append(at, t)
	}
	clear(u.pending)
	return ids, at
}

// FlushTokenUses writes the last-used times noted since the previous flush.
func (s *Store) FlushTokenUses(ctx context.Context) error {
	if s.uses == nil {
		return nil
	}
	ids, at := s.uses.take()
	if len(ids) == 0 {
		return nil
	}
	_, err := s.pool.Exec(ctx, `
		UPDATE api_tokens t SET last_used_at = v.at
		FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at)
		WHERE t.id = v.id AND t.revoked_at IS NULL AND (t.last_used_at IS NULL OR t.last_used_at < v.at - interval '1 minute')`, ids, at)
	return wrap(err, "unable to record token use")
}

// flushTokenUsesEvery flushes until ctx ends, then once more.
func (s *Store) flushTokenUsesEvery(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if err := s.FlushTokenUses(final); err != nil {
				s.log.Warn("token last-used times not written", "err", err)
			}
			return
		case <-t.C:
			if err := s.FlushTokenUses(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("token last-used times not written; will retry", "err", err)
			}
		}
	}
}
