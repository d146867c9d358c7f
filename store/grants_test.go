package store_test

import (
	"context"
	"slices"
	"sort"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/migrations"
	"meshwise/store"
	"meshwise/store/storetest"
)

// TestAppGrantsCoverEveryTable: every table the migrations create is listed
// in migrations.AppGrants (a new table fails here until its migration's
// author says what the server may do with it), every listed table exists,
// and after migrating the server's role holds exactly what the list says.
func TestAppGrantsCoverEveryTable(t *testing.T) {
	ctx := context.Background()
	_, db := storetest.OpenDatabase(t)
	owner, err := pgx.Connect(ctx, db.Owner)
	require.NoError(t, err)
	defer owner.Close(ctx)

	rows, err := owner.Query(ctx, `SELECT relname FROM pg_class
		WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1`)
	require.NoError(t, err)
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	for _, table := range tables {
		assert.Contains(t, migrations.AppGrants, table, "table %s has no line in migrations/grants.go: say what the server may do with it", table)
	}
	for table := range migrations.AppGrants {
		assert.Contains(t, tables, table, "migrations/grants.go lists %s, which no migration creates", table)
	}

	have, err := store.AppPrivileges(ctx, owner)
	require.NoError(t, err)
	for table, privs := range migrations.AppGrants {
		want := slices.Clone(privs)
		sort.Strings(want)
		assert.Equal(t, want, have["TABLE "+table], table)
	}
	assert.Equal(t, []string{"USAGE"}, have["SEQUENCE audit_events_id_seq"], "a serial id the server inserts needs its sequence")
	assert.Equal(t, []string{"USAGE"}, have["SEQUENCE login_failures_id_seq"])
	assert.NotContains(t, have, "SEQUENCE goose_db_version_id_seq", "the server never inserts into goose's table")
	assert.Equal(t, []string{"INSERT", "SELECT"}, have["TABLE log_entries"], "the log: read and append only")
}

// TestMigrateRevokesWhatTheListDoesNotGrant: grants given by hand, and a
// table a later migration adds without a line in AppGrants, are brought back
// to the list by the next migration run; a listed table keeps its grants.
func TestMigrateRevokesWhatTheListDoesNotGrant(t *testing.T) {
	ctx := context.Background()
	_, db := storetest.OpenDatabase(t)
	owner, err := pgx.Connect(ctx, db.Owner)
	require.NoError(t, err)
	defer owner.Close(ctx)
	_, err = owner.Exec(ctx, `
		GRANT UPDATE, DELETE, TRUNCATE ON log_entries TO meshwise_app;
		GRANT UPDATE (payload) ON log_entries TO meshwise_app;
		GRANT ALL ON users TO meshwise_app;
		CREATE TABLE unlisted (id bigserial PRIMARY KEY, note text);
		GRANT ALL ON unlisted, unlisted_id_seq TO meshwise_app;`)
	require.NoError(t, err)
	before, err := store.AppPrivileges(ctx, owner)
	require.NoError(t, err)
	require.Contains(t, before["TABLE log_entries"], "UPDATE", "the drift this test repairs is in place")

	storetest.Migrate(t, db.Owner)

	after, err := store.AppPrivileges(ctx, owner)
	require.NoError(t, err)
	assert.Equal(t, []string{"INSERT", "SELECT"}, after["TABLE log_entries"], "column grants and table grants beyond the list are gone")
	assert.Equal(t, []string{"INSERT", "SELECT", "UPDATE"}, after["TABLE users"])
	assert.NotContains(t, after, "TABLE unlisted", "an unlisted table gets nothing")
	assert.NotContains(t, after, "SEQUENCE unlisted_id_seq")

	app, err := pgx.Connect(ctx, db.App)
	require.NoError(t, err)
	defer app.Close(ctx)
	_, err = app.Exec(ctx, `UPDATE log_entries SET payload = payload`)
	assert.ErrorContains(t, err, "permission denied for table log_entries")
	_, err = app.Exec(ctx, `SELECT * FROM unlisted`)
	assert.ErrorContains(t, err, "permission denied for table unlisted")

	// A second run with nothing to change changes nothing.
	storetest.Migrate(t, db.Owner)
	again, err := store.AppPrivileges(ctx, owner)
	require.NoError(t, err)
	assert.Equal(t, after, again)
}
