package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"

	"meshwise/internal/credential"
	"meshwise/model"
	"meshwise/store"
	"meshwise/store/devdb"
	"meshwise/web"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// runServe serves until ctx is cancelled, then drains in-flight requests.
func runServe(ctx context.Context, getenv func(string) string, stderr io.Writer, dev bool) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return usageError{err.Error()}
	}
	log := newLogger(cfg, stderr)
	if cfg.DatabaseURL == "" {
		if !dev {
			return usageError{"DATABASE_URL is not set: set it to a PostgreSQL URL, or use `make run` for a private local database"}
		}
		cluster := &devdb.Cluster{Dir: cfg.DevDBDir, Install: true, Log: stderr}
		if cfg.DatabaseURL, err = cluster.Start(ctx); err != nil {
			return err
		}
		log.Info("using the private PostgreSQL cluster", "dir", cluster.Dir)
	}
	key, err := loadOrCreateKey(cfg.SigningKeyFile, log)
	if err != nil {
		return fmt.Errorf("MESHWISE_SIGNING_KEY_FILE=%s: %w", cfg.SigningKeyFile, err)
	}
	// The store alone holds the signing key: the web layer asks it to
	// propose and decide, and never signs anything itself.
	st, err := store.Open(ctx, cfg.DatabaseURL, store.Options{MaxConns: cfg.DBMaxConns, ConnectTimeout: cfg.DBConnectTimeout, Signer: key, Log: log})
	if err != nil {
		return usageError{"DATABASE_URL: " + err.Error()}
	}
	defer st.Close()
	migrateDone := make(chan struct{})
	go func() {
		defer close(migrateDone)
		if !migrateUntilDone(ctx, st, log) {
			return
		}
		if err := registerKey(ctx, st, key, cfg.SigningKeyFile); err != nil {
			log.Error("could not register the signing key", "err", err)
		}
		if dev {
			bootstrapAdmin(ctx, st, log, stderr)
		}
	}()

	sessions := newSessions(cfg, st)
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
	select {
	case err := <-serveErr:
		return err
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
	return nil
}

// migrateUntilDone applies migrations, retrying while the database is
// unreachable so the server can start before its database does.
func migrateUntilDone(ctx context.Context, st *store.Store, log *slog.Logger) bool {
	for delay := time.Second; ; delay = min(2*delay, 30*time.Second) {
		n, err := st.Migrate(ctx)
		if err == nil {
			log.Info("database schema is current", "applied", n)
			return true
		}
		if model.ErrorCode(err) != model.EUNAVAILABLE {
			log.Error("migrations failed; /readyz stays 503 until this is fixed", "err", err)
			return false
		}
		log.Warn("database unavailable; will retry migrations", "retry_in", delay, "err", err)
		select {
		case <-ctx.Done():
			return false
		case <-time.After(delay):
		}
	}
}

// newSessions keeps sessions in PostgreSQL so replicas share them, with
// idle and absolute timeouts and HttpOnly, SameSite=Lax cookies.
func newSessions(cfg config, st *store.Store) *scs.SessionManager {
	sm := scs.New()
	sm.Store = pgxstore.NewWithCleanupInterval(st.Pool(), 10*time.Minute)
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

// runMigrate applies pending migrations and exits.
func runMigrate(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return usageError{err.Error()}
	}
	if cfg.DatabaseURL == "" {
		return usageError{"DATABASE_URL is not set"}
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, store.Options{ConnectTimeout: cfg.DBConnectTimeout})
	if err != nil {
		return usageError{"DATABASE_URL: " + err.Error()}
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
	fmt.Fprintf(stdout, "applied %d migration(s); schema version %d\n", n, current)
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
