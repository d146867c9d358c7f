package devdb_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/internal/devdb"
	"meshwise/store"
)

// TestProvisionAdoptsADatabaseASuperuserMigrated: a cluster made by an older
// `make run` has its schema owned by the superuser, which the server signed
// in as. Provisioning hands everything to the owner role; the owner can then
// migrate and the application role can serve, restricted.
func TestProvisionAdoptsADatabaseASuperuserMigrated(t *testing.T) {
	base := os.Getenv("DATABASE_URL")
	if base == "" {
		if os.Getenv("CI") != "" || os.Getenv("MESHWISE_REQUIRE_SERVICES") != "" {
			t.Fatal("DATABASE_URL is not set: run the tests with `make test`")
		}
		t.Skip("DATABASE_URL is not set; `make test` provides one")
	}
	ctx := context.Background()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "meshwise_old_" + hex.EncodeToString(b)
	admin, err := pgx.Connect(ctx, base)
	require.NoError(t, err)
	defer admin.Close(ctx)
	_, err = admin.Exec(ctx, "CREATE DATABASE "+name)
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })

	// The old way: the superuser migrates and owns everything.
	urls, err := devdb.RoleURLs(base, name)
	require.NoError(t, err)
	old, err := store.Open(ctx, urls.Superuser, store.Options{})
	require.NoError(t, err)
	_, err = old.Migrate(ctx)
	old.Close()
	require.NoError(t, err, "the superuser may migrate (the roles it grants to may not exist yet)")

	urls, err = devdb.Provision(ctx, base, name)
	require.NoError(t, err)
	conn, err := pgx.Connect(ctx, urls.Superuser)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var foreign []string
	rows, err := conn.Query(ctx, `SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace
		AND relkind IN ('r', 'S') AND relowner <> 'meshwise_owner'::regrole
		UNION ALL SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND proowner <> 'meshwise_owner'::regrole
		UNION ALL SELECT datname FROM pg_database WHERE datname = current_database() AND datdba <> 'meshwise_owner'::regrole`)
	require.NoError(t, err)
	foreign, err = pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	assert.Empty(t, foreign, "the owner role owns the database and everything in it")

	owner, err := store.Open(ctx, urls.Owner, store.Options{})
	require.NoError(t, err)
	defer owner.Close()
	_, err = owner.Migrate(ctx)
	require.NoError(t, err, "the owner migrates and grants")

	app, err := store.Open(ctx, urls.App, store.Options{})
	require.NoError(t, err)
	defer app.Close()
	assert.NoError(t, app.CheckLeastPrivilege(ctx), "the application role is restricted")
	current, latest, err := app.SchemaStatus(ctx)
	require.NoError(t, err)
	assert.Equal(t, latest, current)
	n, err := app.CountUsers(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)

	again, err := devdb.Provision(ctx, base, name)
	require.NoError(t, err)
	assert.Equal(t, urls, again, "provisioning twice is harmless and the passwords stay")
}

// TestRoleURLs: the owner's and the application's passwords are derived
// from the superuser's, differ from it and from each other, and are stable.
func TestRoleURLs(t *testing.T) {
	urls, err := devdb.RoleURLs("postgres://meshwise:s3cret@127.0.0.1:5432/postgres?sslmode=disable", "meshwise")
	require.NoError(t, err)
	assert.Equal(t, "postgres://meshwise:s3cret@127.0.0.1:5432/meshwise?sslmode=disable", urls.Superuser)
	assert.Regexp(t, `^postgres://meshwise_owner:[0-9a-f]{32}@127\.0\.0\.1:5432/meshwise\?sslmode=disable$`, urls.Owner)
	assert.Regexp(t, `^postgres://meshwise_app:[0-9a-f]{32}@127\.0\.0\.1:5432/meshwise\?sslmode=disable$`, urls.App)
	other, err := devdb.RoleURLs("postgres://meshwise:other@127.0.0.1:5432/postgres?sslmode=disable", "meshwise")
	require.NoError(t, err)
	assert.NotEqual(t, urls.App, other.App, "another cluster's superuser password gives other passwords")
	_, err = devdb.RoleURLs("postgres://127.0.0.1/x", "meshwise")
	assert.Error(t, err)
}
