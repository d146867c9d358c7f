#!/bin/sh
# meshwise's database roles for the postgres image (docker-compose.yml mounts
# this file into /docker-entrypoint-initdb.d, so it runs once, as the
# superuser POSTGRES_USER, when the data volume is first created):
#
#   meshwise_owner  owns the database and its schema; the migration job signs in as it
#   meshwise_app    the server: only what migrations/grants.go grants it, never an owner
#
# Neither may create roles or databases, and neither is a superuser. Running
# it again is safe, and is how a volume made before these roles existed
# (its superuser "meshwise" owning everything) is brought up to date:
#
#   docker compose exec -e POSTGRES_USER=meshwise db sh /docker-entrypoint-initdb.d/10-meshwise-roles.sh
set -e
: "${POSTGRES_USER:?the superuser to connect as}"
: "${MESHWISE_OWNER_PASSWORD:?set MESHWISE_OWNER_PASSWORD for the meshwise_owner role}"
: "${MESHWISE_APP_PASSWORD:?set MESHWISE_APP_PASSWORD for the meshwise_app role}"

# Passwords travel as psql variables (:'name' quotes them as literals), never
# through the shell into SQL text.
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname postgres \
	-v owner_password="$MESHWISE_OWNER_PASSWORD" -v app_password="$MESHWISE_APP_PASSWORD" <<'SQL'
SELECT 'CREATE ROLE meshwise_owner' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'meshwise_owner') \gexec
SELECT 'CREATE ROLE meshwise_app' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'meshwise_app') \gexec
ALTER ROLE meshwise_owner WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD :'owner_password';
ALTER ROLE meshwise_app WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD :'app_password';
SELECT 'CREATE DATABASE meshwise OWNER meshwise_owner' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'meshwise') \gexec
ALTER DATABASE meshwise OWNER TO meshwise_owner;

\connect meshwise
-- Hand the owner the public schema and whatever a superuser created here
-- (the same block as adoptSQL in internal/devdb/roles.go).
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
$$;
SQL
