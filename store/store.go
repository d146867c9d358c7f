// Package store keeps meshwise's state in PostgreSQL through pgx v5. It
// implements the interfaces the web layer declares and returns *model.Error
// values so callers never see driver errors.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pressly/goose/v3"

	"meshwise/ledger"
	"meshwise/model"
)

// Store is the PostgreSQL-backed storage of meshwise.
type Store struct {
	pool     *pgxpool.Pool
	migrator *goose.Provider
	latest   int64 // the newest migration embedded in this binary
	appends  appendQueue
	signer   ledger.SigningKey
	now      func() time.Time
	log      *slog.Logger
	index    *logIndex

	// creds, when not nil, answers credential lookups from memory (see
	// credcache.go); uses batches tokens' last-used times; stop ends the
	// LISTEN connection and the flusher, wg waits for them.
	creds       *credCache
	uses        *tokenUses
	listenerPID atomic.Uint32
	stop        context.CancelFunc
	wg          sync.WaitGroup

	integrityFailures atomic.Int64
	appended          atomic.Int64
	lastProblemMu     sync.Mutex
	lastProblem       string
}

// Options tune the connection pool.
type Options struct {
	MaxConns       int32         // 0 keeps pgxpool's default
	ConnectTimeout time.Duration // how long a request may wait for a new connection
	// Signer signs every decision-log entry and checkpoint this store
	// appends; without one, appends are refused. Only the store holds it.
	Signer ledger.SigningKey
	Now    func() time.Time // the clock entries carry; time.Now if nil
	Log    *slog.Logger     // where integrity failures are reported; slog.Default if nil
	// CredentialTTL turns on the in-process credential cache: tokens, users
	// and sessions are answered from memory for at most this long, and
	// dropped at once when a LISTEN notice says they changed. 0 leaves it
	// off (every lookup reads the database), as tools and migrations want.
	CredentialTTL time.Duration
	// ListenRetry is the first wait before reconnecting a lost LISTEN
	// connection (doubling up to 30 s); 250 ms if zero.
	ListenRetry time.Duration
}

// Open parses url and creates a pool. It does not wait for the database to be
// reachable: meshwise starts and serves 503 pages until it is.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: unable to parse database URL: %w", redactURLError(err))
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	if opts.ConnectTimeout > 0 {
		cfg.ConnConfig.ConnectTimeout = opts.ConnectTimeout
	}
	// A dead connection is dropped on its next use; a short health-check period
	// lets the pool notice a restarted server quickly.
	cfg.HealthCheckPeriod = 5 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: unable to create pool: %w", err)
	}
	migrator, latest, err := newMigrator(pool)
	if err != nil {
		pool.Close()
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	s := &Store{pool: pool, migrator: migrator, latest: latest, signer: opts.Signer, now: opts.Now, log: opts.Log, index: newLogIndex()}
	if opts.CredentialTTL > 0 {
		if opts.ListenRetry <= 0 {
			opts.ListenRetry = 250 * time.Millisecond
		}
		s.creds, s.uses = newCredCache(opts.CredentialTTL, time.Now), newTokenUses()
		bg, stop := context.WithCancel(context.Background())
		s.stop = stop
		s.wg.Add(2)
		go func() { defer s.wg.Done(); s.listen(bg, opts.ListenRetry) }()
		go func() { defer s.wg.Done(); s.flushTokenUsesEvery(bg, time.Second) }()
	}
	return s, nil
}

// Close stops the credential cache's connection, writes pending token uses
// and releases every connection.
func (s *Store) Close() {
	if s.stop != nil {
		s.stop()
		s.wg.Wait()
	}
	_ = s.migrator.Close()
	s.pool.Close()
}

// logIntegrity reports a decision log that fails verification, once per
// distinct problem (pages ask on every view).
func (s *Store) logIntegrity(problem string) {
	s.lastProblemMu.Lock()
	repeated := s.lastProblem == problem
	s.lastProblem = problem
	s.lastProblemMu.Unlock()
	if repeated {
		return
	}
	s.integrityFailures.Add(1)
	s.log.Error("decision log integrity failure", "problem", problem)
}

// LogStats counts the entries this store appended and the distinct
// integrity failures it has seen.
func (s *Store) LogStats() (appended, integrityFailures int64) {
	return s.appended.Load(), s.integrityFailures.Load()
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return wrap(err, "unable to reach the database")
	}
	return nil
}

// wrap turns a driver error into a *model.Error: connection-level failures
// become EUNAVAILABLE, everything else EINTERNAL.
func wrap(err error, msg string) error {
	if err == nil {
		return nil
	}
	var me *model.Error
	if errors.As(err, &me) {
		return err
	}
	if isUnavailable(err) {
		return &model.Error{Code: model.EUNAVAILABLE, Message: "The database is unavailable.", Err: fmt.Errorf("store: %s: %w", msg, err)}
	}
	return &model.Error{Code: model.EINTERNAL, Message: "An internal error occurred.", Err: fmt.Errorf("store: %s: %w", msg, err)}
}

// isUnavailable reports whether err means the server cannot be reached or is
// shutting down, as opposed to a query the server rejected.
func isUnavailable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P01-57P03: admin shutdown,
		// crash shutdown, cannot connect now.
		return pgErr.Code[:2] == "08" || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	var connErr *pgconn.ConnectError
	var netErr net.Error
	switch {
	case errors.As(err, &connErr), errors.As(err, &netErr):
		return true
	case errors.Is(err, context.DeadlineExceeded):
		return true
	}
	return pgconn.SafeToRetry(err) || pgconn.Timeout(err)
}

// redactURLError keeps a parse error from echoing a password back to logs.
func redactURLError(err error) error {
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) {
		return errors.New("invalid connection string (check its syntax)")
	}
	return err
}
