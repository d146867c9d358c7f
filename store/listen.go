package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// credentialsChannel is where migrations/00008's trigger announces changes.
const credentialsChannel = "meshwise_credentials"

// listen keeps a dedicated connection LISTENing on the credentials channel
// and feeds its notices to the cache, until ctx ends. The cache answers only
// while the connection is up: it goes live (flushed) once LISTEN is in
// place and is flushed and switched off the moment the connection fails, so
// between the two every lookup goes to the database.
func (s *Store) listen(ctx context.Context, retry time.Duration) {
	cfg := s.pool.Config().ConnConfig.Copy()
	delay := retry
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, cfg, &delay, retry)
		s.creds.setLive(false)
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("credential cache: LISTEN connection lost; checking credentials in the database until it is back", "retry_in", delay, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, 30*time.Second)
	}
}

// listenOnce connects, LISTENs and waits for notices until the connection
// fails; a successful LISTEN resets the caller's backoff.
func (s *Store) listenOnce(ctx context.Context, cfg *pgx.ConnConfig, delay *time.Duration, retry time.Duration) error {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+credentialsChannel); err != nil {
		return err
	}
	s.listenerPID.Store(conn.PgConn().PID())
	defer s.listenerPID.Store(0)
	// Anything cached before this point may have missed a notice.
	s.creds.setLive(true)
	*delay = retry
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		s.creds.invalidate(n.Payload)
	}
}

// ListenerPID is the backend process ID of the credential cache's LISTEN
// connection, 0 while it is down (tests terminate it).
func (s *Store) ListenerPID() uint32 { return s.listenerPID.Load() }
