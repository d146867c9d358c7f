package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// config is every setting meshwise reads from its environment.
type config struct {
	DatabaseURL      string         // DATABASE_URL: the server's restricted role
	MigrateURL       string         // MESHWISE_MIGRATE_DATABASE_URL: the schema owner, for migrations
	Addr             string         // MESHWISE_ADDR
	LogFormat        string         // MESHWISE_LOG_FORMAT: text or json
	LogLevel         slog.Level     // MESHWISE_LOG_LEVEL
	RequestTimeout   time.Duration  // MESHWISE_REQUEST_TIMEOUT
	ShutdownTimeout  time.Duration  // MESHWISE_SHUTDOWN_TIMEOUT
	VerifyInterval   time.Duration  // MESHWISE_VERIFY_INTERVAL
	MaxBodyBytes     int64          // MESHWISE_MAX_BODY_BYTES
	DBMaxConns       int32          // MESHWISE_DB_MAX_CONNS
	DBConnectTimeout time.Duration  // MESHWISE_DB_CONNECT_TIMEOUT
	DevDBDir         string         // MESHWISE_DEV_DB_DIR
	SessionIdle      time.Duration  // MESHWISE_SESSION_IDLE_TIMEOUT
	SessionMax       time.Duration  // MESHWISE_SESSION_MAX_LIFETIME
	CredentialTTL    time.Duration  // MESHWISE_CREDENTIAL_CACHE_TTL
	SecureCookies    bool           // MESHWISE_SECURE_COOKIES
	TrustedProxies   []netip.Prefix // MESHWISE_TRUSTED_PROXIES
	ProxyHeader      string         // MESHWISE_PROXY_EMAIL_HEADER
	SigningKeyFile   string         // MESHWISE_SIGNING_KEY_FILE
	ImportMaxBytes   int64          // MESHWISE_IMPORT_MAX_BYTES
	DebugAddr        string         // MESHWISE_DEBUG_ADDR: loopback pprof listener, off when empty
}

// loadConfig reads the environment through getenv. The first bad value stops
// start-up with one line naming the variable and what it accepts.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		DatabaseURL: strings.TrimSpace(getenv("DATABASE_URL")),
		MigrateURL:  strings.TrimSpace(getenv("MESHWISE_MIGRATE_DATABASE_URL")),
		Addr:        ":8080",
		LogFormat:   "text",
		LogLevel:    slog.LevelInfo,
		DevDBDir:    ".local/pg",
	}
	if v := getenv("MESHWISE_ADDR"); v != "" {
		if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
			return c, fmt.Errorf("MESHWISE_ADDR=%q: want host:port or :port, e.g. :8080 or 127.0.0.1:8080", v)
		}
		c.Addr = v
	}
	switch v := getenv("MESHWISE_LOG_FORMAT"); v {
	case "", "text":
	case "json":
		c.LogFormat = v
	default:
		return c, fmt.Errorf("MESHWISE_LOG_FORMAT=%q: want text or json", v)
	}
	if v := getenv("MESHWISE_LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return c, fmt.Errorf("MESHWISE_LOG_LEVEL=%q: want debug, info, warn or error", v)
		}
	}
	var err error
	if c.RequestTimeout, err = durationVar(getenv, "MESHWISE_REQUEST_TIMEOUT", 30*time.Second, time.Second, 10*time.Minute); err != nil {
		return c, err
	}
	if c.VerifyInterval, err = durationVar(getenv, "MESHWISE_VERIFY_INTERVAL", 10*time.Minute, time.Minute, 24*time.Hour); err != nil {
		return c, err
	}
	if c.ShutdownTimeout, err = durationVar(getenv, "MESHWISE_SHUTDOWN_TIMEOUT", 20*time.Second, time.Second, 10*time.Minute); err != nil {
		return c, err
	}
	if c.DBConnectTimeout, err = durationVar(getenv, "MESHWISE_DB_CONNECT_TIMEOUT", 3*time.Second, 100*time.Millisecond, time.Minute); err != nil {
		return c, err
	}
	maxBody, err := intVar(getenv, "MESHWISE_MAX_BODY_BYTES", 1<<20, 1<<10, 1<<30)
	if err != nil {
		return c, err
	}
	c.MaxBodyBytes = maxBody
	conns, err := intVar(getenv, "MESHWISE_DB_MAX_CONNS", 10, 1, 1000)
	if err != nil {
		return c, err
	}
	c.DBMaxConns = int32(conns)
	if v := getenv("MESHWISE_DEV_DB_DIR"); v != "" {
		c.DevDBDir = v
	}
	if c.SessionIdle, err = durationVar(getenv, "MESHWISE_SESSION_IDLE_TIMEOUT", 30*time.Minute, time.Minute, 24*time.Hour); err != nil {
		return c, err
	}
	if c.CredentialTTL, err = durationVar(getenv, "MESHWISE_CREDENTIAL_CACHE_TTL", 5*time.Second, 100*time.Millisecond, time.Minute); err != nil {
		return c, err
	}
	if c.SessionMax, err = durationVar(getenv, "MESHWISE_SESSION_MAX_LIFETIME", 12*time.Hour, 5*time.Minute, 30*24*time.Hour); err != nil {
		return c, err
	}
	switch v := getenv("MESHWISE_SECURE_COOKIES"); v {
	case "", "false":
	case "true":
		c.SecureCookies = true
	default:
		return c, fmt.Errorf("MESHWISE_SECURE_COOKIES=%q: want true or false", v)
	}
	if v := getenv("MESHWISE_TRUSTED_PROXIES"); v != "" {
		for _, part := range strings.Split(v, ",") {
			p, err := netip.ParsePrefix(strings.TrimSpace(part))
			if err != nil {
				return c, fmt.Errorf("MESHWISE_TRUSTED_PROXIES=%q: want comma-separated CIDR ranges, e.g. 10.0.0.0/8,127.0.0.1/32", v)
			}
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	if c.ImportMaxBytes, err = intVar(getenv, "MESHWISE_IMPORT_MAX_BYTES", 64<<20, 1<<10, 4<<30); err != nil {
		return c, err
	}
	c.SigningKeyFile = ".local/signing.key"
	if v := getenv("MESHWISE_SIGNING_KEY_FILE"); v != "" {
		c.SigningKeyFile = v
	}
	if v := getenv("MESHWISE_DEBUG_ADDR"); v != "" {
		if c.DebugAddr, err = parseDebugAddr(v); err != nil {
			return c, err
		}
	}
	c.ProxyHeader = "X-Forwarded-Email"
	if v := getenv("MESHWISE_PROXY_EMAIL_HEADER"); v != "" {
		c.ProxyHeader = v
	}
	return c, nil
}

func durationVar(getenv func(string) string, name string, def, lo, hi time.Duration) (time.Duration, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < lo || d > hi {
		return 0, fmt.Errorf("%s=%q: want a duration from %s to %s, e.g. %s", name, v, lo, hi, def)
	}
	return d, nil
}

func intVar(getenv func(string) string, name string, def, lo, hi int64) (int64, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s=%q: want a whole number from %d to %d", name, v, lo, hi)
	}
	return n, nil
}
