package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	c, err := loadConfig(envOf(nil))
	require.NoError(t, err)
	assert.Equal(t, ":8080", c.Addr)
	assert.Equal(t, "text", c.LogFormat)
	assert.Equal(t, slog.LevelInfo, c.LogLevel)
	assert.Equal(t, 30*time.Second, c.RequestTimeout)
	assert.Equal(t, int64(1<<20), c.MaxBodyBytes)
	assert.Equal(t, int32(10), c.DBMaxConns)
	assert.Equal(t, ".local/pg", c.DevDBDir)
	assert.Equal(t, 5*time.Second, c.CredentialTTL)
}

func TestLoadConfigAcceptsGoodValues(t *testing.T) {
	c, err := loadConfig(envOf(map[string]string{
		"MESHWISE_ADDR":                 "127.0.0.1:9000",
		"MESHWISE_LOG_FORMAT":           "json",
		"MESHWISE_LOG_LEVEL":            "debug",
		"MESHWISE_REQUEST_TIMEOUT":      "5s",
		"MESHWISE_MAX_BODY_BYTES":       "2048",
		"MESHWISE_DB_MAX_CONNS":         "4",
		"MESHWISE_CREDENTIAL_CACHE_TTL": "750ms",
		"MESHWISE_DEBUG_ADDR":           "[::1]:6060",
	}))
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:9000", c.Addr)
	assert.Equal(t, "json", c.LogFormat)
	assert.Equal(t, slog.LevelDebug, c.LogLevel)
	assert.Equal(t, 5*time.Second, c.RequestTimeout)
	assert.Equal(t, int64(2048), c.MaxBodyBytes)
	assert.Equal(t, int32(4), c.DBMaxConns)
	assert.Equal(t, 750*time.Millisecond, c.CredentialTTL)
	assert.Equal(t, "[::1]:6060", c.DebugAddr)
}

func TestBadConfigStopsStartupNamingTheVariable(t *testing.T) {
	tests := []struct {
		name, value, wantInMessage string
	}{
		{"MESHWISE_ADDR", "8080", "host:port"},
		{"MESHWISE_ADDR", "localhost", "host:port"},
		{"MESHWISE_LOG_FORMAT", "xml", "text or json"},
		{"MESHWISE_LOG_LEVEL", "loud", "debug, info, warn or error"},
		{"MESHWISE_REQUEST_TIMEOUT", "soon", "duration"},
		{"MESHWISE_REQUEST_TIMEOUT", "1ms", "from 1s to 10m0s"},
		{"MESHWISE_SHUTDOWN_TIMEOUT", "-3s", "duration"},
		{"MESHWISE_DB_CONNECT_TIMEOUT", "2h", "duration"},
		{"MESHWISE_CREDENTIAL_CACHE_TTL", "0s", "from 100ms to 1m0s"},
		{"MESHWISE_CREDENTIAL_CACHE_TTL", "1h", "from 100ms to 1m0s"},
		{"MESHWISE_CREDENTIAL_CACHE_TTL", "later", "duration"},
		{"MESHWISE_MAX_BODY_BYTES", "lots", "whole number"},
		{"MESHWISE_MAX_BODY_BYTES", "10", "from 1024"},
		{"MESHWISE_DB_MAX_CONNS", "0", "from 1 to 1000"},
		{"MESHWISE_DEBUG_ADDR", ":6060", "loopback"},
		{"MESHWISE_DEBUG_ADDR", "0.0.0.0:6060", "loopback"},
		{"MESHWISE_DEBUG_ADDR", "10.1.2.3:6060", "loopback"},
		{"MESHWISE_DEBUG_ADDR", "localhost", "loopback"},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			env := envOf(map[string]string{tt.name: tt.value, "DATABASE_URL": "postgres://localhost/none"})
			err := run(context.Background(), []string{"serve"}, env, io.Discard, io.Discard)
			require.Error(t, err)
			var ue usageError
			require.True(t, errors.As(err, &ue), "a bad value is a usage error (exit 2), got %T", err)
			assert.Contains(t, err.Error(), tt.name)
			assert.Contains(t, err.Error(), tt.wantInMessage)
			assert.NotContains(t, err.Error(), "\n", "one line")
		})
	}
}

func TestServeWithoutDatabaseURLSaysWhatToDo(t *testing.T) {
	err := run(context.Background(), []string{"serve"}, envOf(nil), io.Discard, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "DATABASE_URL")
	assert.Contains(t, err.Error(), "make run")
}

func TestUnknownCommand(t *testing.T) {
	err := run(context.Background(), []string{"frobnicate"}, envOf(nil), io.Discard, io.Discard)
	var ue usageError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, err.Error(), `"frobnicate"`)
}

func TestIdentityConfig(t *testing.T) {
	c, err := loadConfig(envOf(map[string]string{
		"MESHWISE_TRUSTED_PROXIES":      "10.0.0.0/8, 127.0.0.1/32",
		"MESHWISE_SECURE_COOKIES":       "true",
		"MESHWISE_SESSION_IDLE_TIMEOUT": "15m",
	}))
	require.NoError(t, err)
	assert.Len(t, c.TrustedProxies, 2)
	assert.True(t, c.SecureCookies)
	assert.Equal(t, 15*time.Minute, c.SessionIdle)
	assert.Equal(t, 12*time.Hour, c.SessionMax)
	assert.Equal(t, "X-Forwarded-Email", c.ProxyHeader)
	for name, value := range map[string]string{
		"MESHWISE_TRUSTED_PROXIES":      "10.0.0.0",
		"MESHWISE_SECURE_COOKIES":       "yes",
		"MESHWISE_SESSION_MAX_LIFETIME": "1s",
	} {
		_, err := loadConfig(envOf(map[string]string{name: value}))
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), name)
	}
}
