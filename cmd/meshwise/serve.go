package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"

	"meshwise/internal/credential"
	"meshwise/internal/devdb"
	"meshwise/migrations"
	"meshwise/model"
	"meshwise/store"
	"meshwise/web"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// runServe serves until ctx is cancelled, then drains in-flight requests.
// It signs in with DATABASE_URL, which must name a restricted role; with
// MESHWISE_MIGRATE_DATABASE_URL it first migrates as the schema's owner,
// without it it waits for `meshwise migrate` to bring the schema up to date.
func runServe(ctx context.Context, getenv func(string) string, stderr io.Writer, dev bool) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return usageError{err.Error()}
	}
	log := newLogger(cfg, stderr)
	if cfg.DatabaseURL == "" {
		switch {
		case !dev:
			return usageError{"DATABASE_URL is not set: set it to a PostgreSQL URL of a restricted role (README: Database roles), or use `make run` for a private local database"}
		case cfg.MigrateURL != "":
			return usageError{"DATABASE_URL is not set but MESHWISE_MIGRATE_DATABASE_URL is: set both, or neither for the private local database"}
		}
		cluster := &devdb.Cluster{Dir: cfg.DevDBDir, Install: true, Log: stderr}
		urls, err := cluster.Start(ctx)
		if err != nil {
			return err
		}
		cfg.DatabaseURL, cfg.MigrateURL = urls.App, urls.Owner
		log.Info("using the private PostgreSQL cluster", "dir", cluster.Dir)
	}
	key, err := loadOrCreateKey(cfg.SigningKeyFile, log)
	if err != nil {
		return fmt.Errorf("MESHWISE_SIGNING_KEY_FILE=%s: %w", cfg.SigningKeyFile, err)
	}
	// The store alone holds the signing key: the web layer asks it to
	// propose and decide, and never signs anything itself.
	st, err := store.Open(ctx, cfg.DatabaseURL, store.Options{MaxConns: cfg.DBMaxConns, ConnectTimeout: cfg.DBConnectTimeout, Signer: key, Log: log, CredentialTTL: cfg.CredentialTTL})
	if err != nil {
		return usageError{"DATABASE_URL: " + err.Error()}
	}
	defer st.Close()
	var owner *store.Store
	closeOwner := func() {}
	if cfg.MigrateURL != "" {
		if owner, err = store.Open(ctx, cfg.MigrateURL, store.Options{MaxConns: 2, ConnectTimeout: cfg.DBConnectTimeout}); err != nil {
			return usageError{"MESHWISE_MIGRATE_DATABASE_URL: " + err.Error()}
		}
		// The owner's connections close once migrations are done: the
		// server never serves a request with them open.
		closeOwner = sync.OnceFunc(owner.Close)
		defer closeOwner()
	}
	// fatal carries a reason to stop found once the database answers: a
	// server role that could lift the log's append-only guard.
	fatal := make(chan error, 1)
	migrateDone := make(chan struct{})
	go func() {
		defer close(migrateDone)
		if err := untilAvailable(ctx, log, "checking the database role", func() error { return st.CheckLeastPrivilege(ctx) }); err != nil {
			var pe *store.PrivilegeError
			switch {
			case errors.As(err, &pe):
				fatal <- usageError{"DATABASE_URL " + pe.Error() + "; the server must sign in as a restricted role, and migrations run with MESHWISE_MIGRATE_DATABASE_URL (README: Database roles)"}
			case ctx.Err() == nil:
				fatal <- fmt.Errorf("DATABASE_URL: unable to check the privileges of its role: %w", err)
			}
			return
		}
		if owner != nil {
			ok := migrateUntilDone(ctx, owner, log)
			closeOwner()
			if !ok {
				return
			}
		} else if !waitForSchema(ctx, st, log) {
			return
		}
		if err := registerKey(ctx, st, key, cfg.SigningKeyFile); err != nil {
			log.Error("could not register the signing key", "err", err)
		}
		if dev {
			bootstrapAdmin(ctx, st, log, stderr)
		}
		// Verify the whole log now and then: a row changed under a
		// running server stops the index and shows on every page.
		go st.WatchIntegrity(ctx, cfg.VerifyInterval)
	}()

	sessions := newSessions(cfg, st)
	go st.Sessions().DeleteExpiredEvery(ctx, 10*time.Minute)
	srv, err := web.New(st, log, web.Config{RequestTimeout: cfg.RequestTimeout, MaxBodyBytes: cfg.MaxBodyBytes, Version: version,
		Sessions: sessions, TrustedProxies: cfg.TrustedProxies, ProxyHeader: cfg.ProxyHeader, ImportMaxBytes: cfg.ImportMaxBytes})
	if err != nil {
		return err
	}
	httpServer := &http.Server{
		Addr:              cfg.Addr,
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       cfg.RequestTimeout,
		WriteTimeout:      cfg.RequestTimeout + 5*time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("MESHWISE_ADDR=%s: %w", cfg.Addr, err)
	}
	if cfg.DebugAddr != "" {
		stopDebug, err := startDebug(cfg.DebugAddr, log)
		if err != nil {
			_ = ln.Close()
			return err
		}
		defer stopDebug()
	}
	log.Info("meshwise is serving", "addr", ln.Addr().String(), "url", "http://"+displayAddr(ln.Addr()), "version", version)

	serveErr := make(chan error, 1)
	go func() { serveErr <- httpServer.Serve(ln) }()
	var stopErr error
	select {
	case err := <-serveErr:
		return err
	case stopErr = <-fatal:
		log.Error("refusing to serve", "err", stopErr)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests", "timeout", cfg.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	<-migrateDone
	log.Info("stopped")
	return stopErr
}

// migrateUntilDone applies migrations as the schema's owner, retrying while
// the database is unreachable so the server can start before its database
// does.
func migrateUntilDone(ctx context.Context, owner *store.Store, log *slog.Logger) bool {
	var n int
	err := untilAvailable(ctx, log, "applying migrations", func() (err error) {
		n, err = owner.Migrate(ctx)
		return err
	})
	if err != nil {
		if ctx.Err() == nil {
			log.Error("migrations failed; /readyz stays 503 until this is fixed", "err", err)
		}
		return false
	}
	log.Info("database schema is current", "applied", n)
	return true
}

// waitForSchema waits until a migration job (`meshwise migrate`) has brought
// the schema to the version this binary knows: the server's role cannot
// migrate, and appending to the log on an older schema could go wrong.
func waitForSchema(ctx context.Context, st *store.Store, log *slog.Logger) bool {
	logged := false
	for delay := time.Second; ; delay = min(2*delay, 30*time.Second) {
		current, latest, err := st.SchemaStatus(ctx)
		switch {
		case err == nil && current >= latest:
			log.Info("database schema is current", "version", current)
			return true
		case err == nil && !logged:
			log.Warn("database schema is behind; waiting for `meshwise migrate` (MESHWISE_MIGRATE_DATABASE_URL)", "version", current, "want", latest)
			logged = true
		case err != nil:
			log.Warn("cannot read the schema version; will retry", "retry_in", delay, "err", err)
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(delay):
		}
	}
}

// untilAvailable runs step until it succeeds or fails for a reason other
// than an unreachable database, waiting longer after each unreachable try.
func untilAvailable(ctx context.Context, log *slog.Logger, what string, step func() error) error {
	for delay := time.Second; ; delay = min(2*delay, 30*time.Second) {
		err := step()
		if err == nil || model.ErrorCode(err) != model.EUNAVAILABLE {
			return err
		}
		log.Warn("database unavailable; will retry", "step", what, "retry_in", delay, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
	}
}

// newSessions keeps sessions in PostgreSQL so replicas share them, read
// through the credential cache, with idle and absolute timeouts and
// HttpOnly, SameSite=Lax cookies.
func newSessions(cfg config, st *store.Store) *scs.SessionManager {
	sm := scs.New()
	sm.Store = st.Sessions()
	sm.IdleTimeout = cfg.SessionIdle
	sm.Lifetime = cfg.SessionMax
	sm.Cookie.Name = "meshwise_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.SecureCookies
	sm.Cookie.Persist = false
	return sm
}

// bootstrapAdmin creates the first admin on an empty database (make run)
// and prints its random password once.
func bootstrapAdmin(ctx context.Context, st *store.Store, log *slog.Logger, out io.Writer) {
	n, err := st.CountUsers(ctx)
	if err != nil || n > 0 {
		return
	}
	password := credential.NewPassword()
	u, err := st.CreateUser(ctx, "admin@localhost", "First admin", model.RoleAdmin, credential.HashPassword(password))
	if err != nil {
		log.Error("could not create the first admin", "err", err)
		return
	}
	fmt.Fprintf(out, "\nmeshwise: created the first admin.\n  email:    %s\n  password: %s   (shown once; stored hashed)\n  Sign in at /login and change it under Account, or run: meshwise user passwd --email %s\n\n", u.Email, password, u.Email)
}

// runMigrate applies pending migrations as the schema's owner, grants the
// server's role what it needs, and exits: the migration job of a deployment.
func runMigrate(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return usageError{err.Error()}
	}
	if cfg.MigrateURL == "" {
		return usageError{"MESHWISE_MIGRATE_DATABASE_URL is not set: set it to a PostgreSQL URL of the role that owns the schema (README: Database roles)"}
	}
	st, err := store.Open(ctx, cfg.MigrateURL, store.Options{ConnectTimeout: cfg.DBConnectTimeout})
	if err != nil {
		return usageError{"MESHWISE_MIGRATE_DATABASE_URL: " + err.Error()}
	}
	defer st.Close()
	n, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	current, _, err := st.SchemaStatus(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "applied %d migration(s); schema version %d; %s granted its privileges\n", n, current, migrations.AppRole)
	return nil
}

func newLogger(cfg config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// displayAddr turns a listen address into something a browser can open.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// The session store answers scs with the request's context.
var _ scs.CtxStore = (*store.SessionStore)(nil)
