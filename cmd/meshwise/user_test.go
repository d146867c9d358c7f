package main

import (
	"bytes"
	"context"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/internal/credential"
	"meshwise/model"
	"meshwise/store"
	"meshwise/store/storetest"
)

func TestUserCommand(t *testing.T) {
	db := storetest.NewDatabase(t)
	env := envOf(map[string]string{"DATABASE_URL": storetest.URLs(t, db).App, "MESHWISE_MIGRATE_DATABASE_URL": db})
	ctx := context.Background()
	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"user", "add", "--email", "Root@Example.com", "--role", "admin"}, env, &out, &out))
	first := regexp.MustCompile(`first password \(shown once\): (\S+)`).FindStringSubmatch(out.String())
	require.Len(t, first, 2, out.String())

	st, err := store.Open(ctx, db, store.Options{})
	require.NoError(t, err)
	defer st.Close()
	u, hash, err := st.UserByEmail(ctx, "root@example.com")
	require.NoError(t, err)
	assert.Equal(t, model.RoleAdmin, u.Role)
	assert.True(t, credential.VerifyPassword(first[1], hash), "stored hashed, and the printed password matches")
	assert.NotContains(t, hash, first[1])

	out.Reset()
	require.NoError(t, run(ctx, []string{"user", "set-role", "--email", "root@example.com", "--role", "viewer"}, env, &out, &out))
	u, _, _ = st.UserByEmail(ctx, "root@example.com")
	assert.Equal(t, model.RoleViewer, u.Role)

	err = run(ctx, []string{"user", "add", "--email", "root@example.com", "--role", "admin"}, env, &out, &out)
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err))
	err = run(ctx, []string{"user", "add", "--email", "x@example.com", "--role", "root"}, env, &out, &out)
	var ue usageError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, err.Error(), "--role")

	events, err := st.AuditEvents(ctx, 10)
	require.NoError(t, err)
	require.Len(t, events, 2)
	assert.Equal(t, "role changed", events[0].Event)
	assert.Equal(t, "admin → viewer", events[0].Detail)

	// A reset password replaces the hash and ends every session signed in
	// before it (the session epoch moves on).
	out.Reset()
	require.NoError(t, run(ctx, []string{"user", "passwd", "--email", "root@example.com"}, env, &out, &out))
	reset := regexp.MustCompile(`\(shown once\): (\S+)`).FindStringSubmatch(out.String())
	require.Len(t, reset, 2, out.String())
	u, hash, err = st.UserByEmail(ctx, "root@example.com")
	require.NoError(t, err)
	assert.True(t, credential.VerifyPassword(reset[1], hash))
	assert.False(t, credential.VerifyPassword(first[1], hash))
	assert.Equal(t, 1, u.SessionEpoch)
}
