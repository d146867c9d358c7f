package store_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/store"
	"meshwise/store/storetest"
)

// TestAppRoleCannotLiftTheLogGuard signs in as the server's own database
// role, as `make run`, `make test` and docker-compose configure it, and
// tries what a server compromised through SQL injection would: change or
// remove log rows directly, switch the append-only triggers off, replicate
// its way past them, or make itself a stronger role. PostgreSQL refuses each.
func TestAppRoleCannotLiftTheLogGuard(t *testing.T) {
	ctx := context.Background()
	_, db := storetest.OpenDatabase(t)
	app, err := pgx.Connect(ctx, db.App)
	require.NoError(t, err)
	defer app.Close(ctx)
	// What the server may do, it can: append and read.
	_, err = app.Exec(ctx, `INSERT INTO signing_keys (key_id, public_key) VALUES ('k1', '\x00')`)
	require.NoError(t, err)

	var user string
	var super bool
	require.NoError(t, app.QueryRow(ctx, `SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&user, &super))
	assert.Equal(t, "meshwise_app", user)
	assert.False(t, super, "the server's role is not a superuser")
	var isSuper string
	require.NoError(t, app.QueryRow(ctx, `SHOW is_superuser`).Scan(&isSuper))
	assert.Equal(t, "off", isSuper)

	tests := []struct {
		sql, code, message string
	}{}
	// A column each table has, to write an UPDATE that changes nothing.
	columns := map[string]string{"log_entries": "seq", "log_hashes": "idx", "checkpoints": "size", "signing_keys": "key_id", "record_transitions": "seq"}
	for _, table := range []string{"log_entries", "log_hashes", "checkpoints", "signing_keys", "record_transitions"} {
		denied := "permission denied for table " + table
		tests = append(tests, []struct{ sql, code, message string }{
			{`UPDATE ` + table + ` SET ` + columns[table] + ` = ` + columns[table], "42501", denied},
			{`DELETE FROM ` + table, "42501", denied},
			{`TRUNCATE ` + table, "42501", denied},
			{`ALTER TABLE ` + table + ` DISABLE TRIGGER ` + table + `_no_change`, "42501", "must be owner of table " + table},
			{`ALTER TABLE ` + table + ` DISABLE TRIGGER ALL`, "42501", "must be owner of table " + table},
			{`DROP TRIGGER ` + table + `_no_truncate ON ` + table, "42501", "must be owner of relation " + table},
			{`DROP TABLE ` + table, "42501", "must be owner of table " + table},
			{`LOCK TABLE ` + table + ` IN ACCESS EXCLUSIVE MODE`, "42501", denied},
		}...)
	}
	tests = append(tests, []struct{ sql, code, message string }{
		{`SET session_replication_role = replica`, "42501", `permission denied to set parameter "session_replication_role"`},
		{`SET LOCAL session_replication_role = replica`, "42501", `permission denied to set parameter "session_replication_role"`},
		{`CREATE ROLE intruder`, "42501", "permission denied to create role"},
		{`CREATE ROLE intruder LOGIN SUPERUSER`, "42501", "must be superuser to create superusers"},
		{`ALTER ROLE meshwise_app SUPERUSER`, "42501", "must be superuser to alter superuser roles or change superuser attribute"},
		{`GRANT meshwise_owner TO meshwise_app`, "42501", `must have admin option on role "meshwise_owner"`},
		{`SET ROLE meshwise_owner`, "42501", `permission denied to set role "meshwise_owner"`},
		{`ALTER FUNCTION meshwise_append_only() OWNER TO meshwise_app`, "42501", "must be owner of function meshwise_append_only"},
		{`CREATE TABLE shadow (x int)`, "42501", "permission denied for schema public"},
	}...)
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			// Each attempt in its own transaction (LOCK TABLE needs one),
			// rolled back whatever happens.
			tx, err := app.Begin(ctx)
			require.NoError(t, err)
			defer func() { _ = tx.Rollback(ctx) }()
			_, err = tx.Exec(ctx, tt.sql)
			var pgErr *pgconn.PgError
			require.True(t, errors.As(err, &pgErr), "PostgreSQL must refuse %q, got %v", tt.sql, err)
			assert.Equal(t, tt.code, pgErr.Code)
			assert.Contains(t, pgErr.Message, tt.message)
		})
	}

	var keys int
	require.NoError(t, app.QueryRow(ctx, `SELECT count(*) FROM signing_keys WHERE key_id = 'k1'`).Scan(&keys))
	assert.Equal(t, 1, keys, "the row the server appended is still there")
}

// TestCheckLeastPrivilege: the server refuses to serve as a role that could
// lift the log's guard, and accepts the application role.
func TestCheckLeastPrivilege(t *testing.T) {
	ctx := context.Background()
	_, db := storetest.OpenDatabase(t)
	super, err := pgx.Connect(ctx, db.Superuser)
	require.NoError(t, err)
	defer super.Close(ctx)
	// Roles are cluster-wide: name them after the test database.
	creator, member := db.Name+"_creator", db.Name+"_member"
	for _, sql := range []string{
		`CREATE ROLE ` + creator + ` LOGIN CREATEROLE PASSWORD 'pw-creator'`,
		`CREATE ROLE ` + member + ` LOGIN PASSWORD 'pw-member' IN ROLE meshwise_owner`,
		`GRANT CONNECT ON DATABASE ` + db.Name + ` TO ` + creator,
	} {
		_, err := super.Exec(ctx, sql)
		require.NoError(t, err, sql)
	}
	t.Cleanup(func() {
		_, _ = super.Exec(context.Background(), `DROP OWNED BY `+creator+`, `+member+`; DROP ROLE `+creator+`; DROP ROLE `+member)
	})
	as := func(user, password string) string {
		cfg, err := pgx.ParseConfig(db.App)
		require.NoError(t, err)
		return "postgres://" + user + ":" + password + "@" + cfg.Host + ":" + strconv.Itoa(int(cfg.Port)) + "/" + db.Name + "?sslmode=disable"
	}

	tests := []struct {
		name, url, want string
	}{
		{"superuser", db.Superuser, `signs in as "meshwise", a PostgreSQL superuser`},
		{"owner", db.Owner, `signs in as "meshwise_owner", which owns the database`},
		{"member of the owner", as(member, "pw-member"), `signs in as "` + member + `", which owns the database`},
		{"may create roles", as(creator, "pw-creator"), `signs in as "` + creator + `", which may create roles (CREATEROLE)`},
		{"application role", db.App, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := store.Open(ctx, tt.url, store.Options{})
			require.NoError(t, err)
			defer st.Close()
			err = st.CheckLeastPrivilege(ctx)
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			var pe *store.PrivilegeError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.want, pe.Error())
		})
	}
}
