package devdb

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"meshwise/migrations"
)

// OwnerRole owns the schema and runs the migrations; it is no superuser.
const OwnerRole = "meshwise_owner"

// URLs are the three ways into one database of a private cluster.
type URLs struct {
	Superuser string // the cluster's superuser: provisioning, and tests that play an attacker
	Owner     string // OwnerRole: migrations (MESHWISE_MIGRATE_DATABASE_URL)
	App       string // migrations.AppRole: the server (DATABASE_URL)
}

// rolesLockKey serializes provisioning by parallel test processes: two
// ALTER ROLEs on one role at once fail with "tuple concurrently updated".
const rolesLockKey = 0x6d657368_726f6c65 // "meshrole"

// RoleURLs returns the URLs of database dbName for the superuser that
// superURL signs in as and for the owner and application roles, whose
// passwords are derived from the superuser's: whoever holds the superuser URL
// of a private cluster can compute them, nobody else.
func RoleURLs(superURL, dbName string) (URLs, error) {
	u, err := url.Parse(superURL)
	if err != nil || u.User == nil {
		return URLs{}, errors.New("devdb: the superuser URL must be postgres://user:password@host:port/db")
	}
	secret, _ := u.User.Password()
	at := func(user, password string) string {
		v := *u
		v.Path = "/" + dbName
		v.RawPath = ""
		v.User = url.UserPassword(user, password)
		return v.String()
	}
	return URLs{
		Superuser: at(u.User.Username(), secret),
		Owner:     at(OwnerRole, rolePassword(secret, OwnerRole)),
		App:       at(migrations.AppRole, rolePassword(secret, migrations.AppRole)),
	}, nil
}

// rolePassword derives a role's password from the superuser's password.
func rolePassword(superPassword, role string) string {
	m := hmac.New(sha256.New, []byte(superPassword))
	m.Write([]byte("meshwise devdb role password\x00" + role))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// Provision readies database dbName on the cluster that adminURL (a
// superuser, connected to any existing database) reaches: EnsureRoles, then
// PrepareDatabase.
func Provision(ctx context.Context, adminURL, dbName string) (URLs, error) {
	if err := EnsureRoles(ctx, adminURL); err != nil {
		return URLs{}, err
	}
	return PrepareDatabase(ctx, adminURL, dbName)
}

// EnsureRoles creates the owner and application login roles on the cluster
// adminURL reaches, or brings existing ones (migration 00004 creates the
// application role NOLOGIN) to LOGIN with the derived password and none of
// the attributes that lift privileges.
func EnsureRoles(ctx context.Context, adminURL string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("devdb: unable to connect as the superuser: %w", err)
	}
	defer admin.Close(ctx)
	return ensureRoles(ctx, admin, adminURL)
}

// PrepareDatabase creates dbName owned by the owner role unless it exists,
// and hands the owner the database, its public schema and every table,
// sequence and function a superuser created there before the roles existed
// (clusters made by older versions of make run). The roles must exist.
func PrepareDatabase(ctx context.Context, adminURL, dbName string) (URLs, error) {
	urls, err := RoleURLs(adminURL, dbName)
	if err != nil {
		return URLs{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return URLs{}, fmt.Errorf("devdb: unable to connect as the superuser: %w", err)
	}
	defer admin.Close(ctx)
	if err := ensureDatabase(ctx, admin, dbName); err != nil {
		return URLs{}, err
	}
	conn, err := pgx.Connect(ctx, urls.Superuser)
	if err != nil {
		return URLs{}, fmt.Errorf("devdb: unable to connect to %s: %w", dbName, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, adoptSQL); err != nil {
		return URLs{}, fmt.Errorf("devdb: unable to hand %s to %s: %w", dbName, OwnerRole, err)
	}
	return urls, nil
}

func ensureRoles(ctx context.Context, conn *pgx.Conn, adminURL string) error {
	u, _ := url.Parse(adminURL)
	secret, _ := u.User.Password()
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(rolesLockKey)); err != nil {
			return fmt.Errorf("devdb: %w", err)
		}
		for _, role := range []string{OwnerRole, migrations.AppRole} {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, role).Scan(&exists); err != nil {
				return fmt.Errorf("devdb: %w", err)
			}
			verb := "CREATE"
			if exists {
				verb = "ALTER"
			}
			// The password is hex: safe to quote as a literal (utility
			// statements take no parameters).
			sql := fmt.Sprintf("%s ROLE %s WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD '%s'",
				verb, pgx.Identifier{role}.Sanitize(), rolePassword(secret, role))
			if _, err := tx.Exec(ctx, sql); err != nil {
				return fmt.Errorf("devdb: unable to %s role %s: %w", verb, role, err)
			}
		}
		return nil
	})
}

// ensureDatabase creates dbName owned by the owner role, or gives an
// existing one to it.
func ensureDatabase(ctx context.Context, conn *pgx.Conn, dbName string) error {
	var owner string
	err := conn.QueryRow(ctx, `SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1`, dbName).Scan(&owner)
	ident, ownerIdent := pgx.Identifier{dbName}.Sanitize(), pgx.Identifier{OwnerRole}.Sanitize()
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		_, err = conn.Exec(ctx, "CREATE DATABASE "+ident+" OWNER "+ownerIdent)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "42P04" { // created meanwhile by another process
			err = nil
		}
	case err == nil && owner != OwnerRole:
		_, err = conn.Exec(ctx, "ALTER DATABASE "+ident+" OWNER TO "+ownerIdent)
	}
	if err != nil {
		return fmt.Errorf("devdb: unable to create database %s: %w", dbName, err)
	}
	return nil
}

// adoptSQL, run as a superuser in the database, gives the owner role the
// public schema and whatever else created objects there. Sequences that
// belong to a column follow their table. deploy/postgres-init.sh carries
// the same block for docker-compose.
const adoptSQL = `
DO $$
DECLARE
    obj record;
BEGIN
    IF (SELECT nspowner FROM pg_namespace WHERE nspname = 'public') NOT IN
       ('meshwise_owner'::regrole, 'pg_database_owner'::regrole) THEN
        ALTER SCHEMA public OWNER TO meshwise_owner;
    END IF;
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    FOR obj IN
        SELECT c.relname, c.relkind FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
          AND c.relowner <> 'meshwise_owner'::regrole
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                          AND d.deptype IN ('a', 'i', 'e'))
    LOOP
        EXECUTE format(CASE WHEN obj.relkind = 'S' THEN 'ALTER SEQUENCE public.%I OWNER TO meshwise_owner'
                            ELSE 'ALTER TABLE public.%I OWNER TO meshwise_owner' END, obj.relname);
    END LOOP;
    FOR obj IN
        SELECT p.oid::regprocedure AS fn FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> 'meshwise_owner'::regrole
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO meshwise_owner', obj.fn);
    END LOOP;
END;
$$`
