package store

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"meshwise/migrations"
)

// grantsLockKey serializes grant steps of replicas migrating at once:
// concurrent GRANTs on one table fail with "tuple concurrently updated".
const grantsLockKey = 0x6d657368_67726e74 // "meshgrnt"

// applyGrants makes what the application role may do on every table and
// sequence of the schema exactly migrations.AppGrants, revoking anything
// else (a grant by hand, a table no one listed). It runs as the owner after
// every migration run and changes nothing when the grants already match.
func (s *Store) applyGrants(ctx context.Context) (changed []string, err error) {
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(grantsLockKey)); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT to_regrole($1) IS NOT NULL`, migrations.AppRole).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return fmt.Errorf("role %s does not exist: create it (CREATE ROLE %s LOGIN PASSWORD '...') and migrate again", migrations.AppRole, migrations.AppRole)
		}
		want, err := wantedGrants(ctx, tx)
		if err != nil {
			return err
		}
		have, err := AppPrivileges(ctx, tx)
		if err != nil {
			return err
		}
		role := pgx.Identifier{migrations.AppRole}.Sanitize()
		for _, obj := range unionKeys(want, have) {
			if slices.Equal(want[obj], have[obj]) {
				continue
			}
			kind, name, _ := strings.Cut(obj, " ")
			ident := pgx.Identifier{name}.Sanitize()
			if _, err := tx.Exec(ctx, fmt.Sprintf("REVOKE ALL ON %s %s FROM %s", kind, ident, role)); err != nil {
				return err
			}
			if len(want[obj]) > 0 {
				if _, err := tx.Exec(ctx, fmt.Sprintf("GRANT %s ON %s %s TO %s", strings.Join(want[obj], ", "), kind, ident, role)); err != nil {
					return err
				}
			}
			changed = append(changed, obj)
		}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "unable to grant the application role its privileges")
	}
	return changed, nil
}

// wantedGrants lists what migrations.AppGrants asks for on the tables that
// exist, plus USAGE on the sequences that feed a table the role inserts into.
// Keys are "TABLE name" or "SEQUENCE name"; privileges are sorted.
func wantedGrants(ctx context.Context, tx pgx.Tx) (map[string][]string, error) {
	rows, err := tx.Query(ctx, `
		SELECT c.relname,
		       coalesce((SELECT array_agg(s.relname::text) FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
		                 WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
		                   AND d.refobjid = c.oid AND d.deptype IN ('a', 'i') AND s.relkind = 'S'), '{}')
		FROM pg_class c
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`)
	if err != nil {
		return nil, err
	}
	want := map[string][]string{}
	var table string
	var seqs []string
	_, err = pgx.ForEachRow(rows, []any{&table, &seqs}, func() error {
		privs := slices.Clone(migrations.AppGrants[table])
		if len(privs) == 0 {
			return nil
		}
		sort.Strings(privs)
		want["TABLE "+table] = privs
		if slices.Contains(privs, "INSERT") {
			for _, s := range seqs {
				want["SEQUENCE "+s] = []string{"USAGE"}
			}
		}
		return nil
	})
	return want, err
}

// AppPrivileges reads what the application role holds on every table and
// sequence of the current schema, keyed "TABLE name" or "SEQUENCE name",
// privileges sorted. A column-level grant shows as "COLUMN <privilege>".
func AppPrivileges(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}) (map[string][]string, error) {
	rows, err := q.Query(ctx, `
		SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE ' ELSE 'TABLE ' END || c.relname, a.privilege_type
		FROM pg_class c, aclexplode(c.relacl) a
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
		  AND a.grantee = to_regrole($1)
		UNION
		SELECT 'TABLE ' || c.relname, 'COLUMN ' || a.privilege_type
		FROM pg_class c JOIN pg_attribute att ON att.attrelid = c.oid, aclexplode(att.attacl) a
		WHERE c.relnamespace = current_schema()::regnamespace AND a.grantee = to_regrole($1)
		ORDER BY 1, 2`, migrations.AppRole)
	if err != nil {
		return nil, err
	}
	have := map[string][]string{}
	var obj, priv string
	_, err = pgx.ForEachRow(rows, []any{&obj, &priv}, func() error {
		have[obj] = append(have[obj], priv)
		return nil
	})
	return have, err
}

func unionKeys(a, b map[string][]string) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}
