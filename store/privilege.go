package store

import (
	"context"
	"fmt"
)

// PrivilegeError says why the role a store signs in as is too powerful to
// serve with: it could lift the decision log's append-only guard (a
// superuser sets session_replication_role, a table's owner disables its
// triggers) or give itself roles that can.
type PrivilegeError struct {
	Role   string // the role the connection signed in as
	Reason string // e.g. "a PostgreSQL superuser", "which owns the table log_entries"
}

func (e *PrivilegeError) Error() string {
	return fmt.Sprintf("signs in as %q, %s", e.Role, e.Reason)
}

// CheckLeastPrivilege returns a *PrivilegeError when the role this store
// signs in as is, or may become, a superuser; may create roles, bypass row
// security or replicate; holds a predefined role that writes every table or
// reaches the server's files and programs; or owns (or is a member of the
// owner of) the database, a schema or a table in it. It returns nil for a
// role that only holds grants, and an EUNAVAILABLE error when the database
// cannot be asked.
func (s *Store) CheckLeastPrivilege(ctx context.Context) error {
	var role, super, createRole, bypassRLS, replication, predefined, schema, table string
	var ownsDB bool
	err := s.pool.QueryRow(ctx, `
		WITH mine AS (SELECT * FROM pg_roles r WHERE pg_has_role(current_user, r.oid, 'MEMBER'))
		SELECT current_user,
		  coalesce((SELECT min(rolname) FROM mine WHERE rolsuper), ''),
		  coalesce((SELECT min(rolname) FROM mine WHERE rolcreaterole), ''),
		  coalesce((SELECT min(rolname) FROM mine WHERE rolbypassrls), ''),
		  coalesce((SELECT min(rolname) FROM mine WHERE rolreplication), ''),
		  coalesce((SELECT min(rolname) FROM mine WHERE rolname IN
		    ('pg_write_all_data', 'pg_execute_server_program', 'pg_write_server_files', 'pg_read_server_files')), ''),
		  (SELECT pg_has_role(current_user, datdba, 'MEMBER') FROM pg_database WHERE datname = current_database()),
		  coalesce((SELECT min(nspname) FROM pg_namespace
		    WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema'
		      AND pg_has_role(current_user, nspowner, 'MEMBER')), ''),
		  coalesce((SELECT min(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		    WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema' AND c.relkind IN ('r', 'p')
		      AND pg_has_role(current_user, c.relowner, 'MEMBER')), '')`).
		Scan(&role, &super, &createRole, &bypassRLS, &replication, &predefined, &ownsDB, &schema, &table)
	if err != nil {
		return wrap(err, "unable to read the privileges of the database role")
	}
	reason := ""
	switch {
	case super == role:
		reason = "a PostgreSQL superuser"
	case super != "":
		reason = fmt.Sprintf("a member of the superuser %q", super)
	case createRole != "":
		reason = "which may create roles (CREATEROLE)"
	case bypassRLS != "":
		reason = "which bypasses row security (BYPASSRLS)"
	case replication != "":
		reason = "a replication role (REPLICATION)"
	case predefined != "":
		reason = fmt.Sprintf("a member of %s", predefined)
	case ownsDB:
		reason = "which owns the database"
	case table != "":
		reason = fmt.Sprintf("which owns the table %s", table)
	case schema != "":
		reason = fmt.Sprintf("which owns the schema %s", schema)
	default:
		return nil
	}
	return &PrivilegeError{Role: role, Reason: reason}
}
