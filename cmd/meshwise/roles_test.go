package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/store/storetest"
)

// TestServeRefusesAPrivilegedRole: a server whose DATABASE_URL signs in as a
// superuser or as the schema's owner could lift the log's append-only guard
// from its own connection; it stops with one line naming the variable.
func TestServeRefusesAPrivilegedRole(t *testing.T) {
	db := storetest.New(t)
	storetest.Migrate(t, db.Owner)
	tests := []struct {
		name, url, want string
	}{
		{"superuser", db.Superuser, `DATABASE_URL signs in as "meshwise", a PostgreSQL superuser; the server must sign in as a restricted role, and migrations run with MESHWISE_MIGRATE_DATABASE_URL (README: Database roles)`},
		{"owner", db.Owner, `DATABASE_URL signs in as "meshwise_owner", which owns the database; the server must sign in as a restricted role, and migrations run with MESHWISE_MIGRATE_DATABASE_URL (README: Database roles)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := envOf(map[string]string{"DATABASE_URL": tt.url, "MESHWISE_MIGRATE_DATABASE_URL": db.Owner,
				"MESHWISE_ADDR": freeAddr(t), "MESHWISE_SIGNING_KEY_FILE": filepath.Join(t.TempDir(), "k")})
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err := run(ctx, []string{"serve"}, env, io.Discard, io.Discard)
			var ue usageError
			require.ErrorAs(t, err, &ue, "a configuration mistake: exit 2")
			assert.Equal(t, tt.want, err.Error())
			require.NoError(t, ctx.Err(), "it stopped by itself")
		})
	}
}

// TestServeWaitsForTheMigrationJob: with DATABASE_URL alone the server does
// not migrate (its role cannot); /readyz answers 503 until `meshwise migrate`
// runs as the owner, then 200.
func TestServeWaitsForTheMigrationJob(t *testing.T) {
	db := storetest.New(t)
	s := startServer(t, db.App, map[string]string{"DATABASE_URL": db.App})
	resp, _ := get(t, s.URL+"/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "no schema yet")

	var out bytes.Buffer
	err := run(context.Background(), []string{"migrate"}, envOf(map[string]string{"DATABASE_URL": db.App}), &out, &out)
	var ue usageError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "MESHWISE_MIGRATE_DATABASE_URL is not set: set it to a PostgreSQL URL of the role that owns the schema (README: Database roles)", err.Error())
	err = run(context.Background(), []string{"migrate"}, envOf(map[string]string{"MESHWISE_MIGRATE_DATABASE_URL": db.App}), io.Discard, io.Discard)
	assert.ErrorContains(t, err, "unable to apply migrations", "the server's role cannot migrate")

	require.NoError(t, run(context.Background(), []string{"migrate"}, envOf(map[string]string{"MESHWISE_MIGRATE_DATABASE_URL": db.Owner}), &out, &out))
	assert.Regexp(t, `^applied \d+ migration\(s\); schema version \d+; meshwise_app granted its privileges\n$`, out.String())
	waitReady(t, s, 40*time.Second)

}

// TestServeNeedsDatabaseURL: the owner's URL alone is not enough to serve.
func TestServeNeedsDatabaseURL(t *testing.T) {
	for _, cmd := range []string{"serve", "dev"} {
		err := run(context.Background(), []string{cmd}, envOf(map[string]string{"MESHWISE_MIGRATE_DATABASE_URL": "postgres://o:p@127.0.0.1:1/x"}), io.Discard, io.Discard)
		var ue usageError
		require.ErrorAs(t, err, &ue, cmd)
		assert.Contains(t, err.Error(), "DATABASE_URL is not set", cmd)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}
