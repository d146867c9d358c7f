package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"meshwise/migrations"
)

// Migrate applies every pending migration, then grants the application role
// exactly what migrations.AppGrants lists. It must run as the role that owns
// the schema (MESHWISE_MIGRATE_DATABASE_URL), never as the server's role. A
// Postgres advisory lock makes replicas that start at once take turns
// instead of racing.
func (s *Store) Migrate(ctx context.Context) (applied int, err error) {
	results, err := s.migrator.Up(ctx)
	if err != nil {
		return len(results), wrap(err, "unable to apply migrations")
	}
	if _, err := s.applyGrants(ctx); err != nil {
		return len(results), err
	}
	return len(results), nil
}

// SchemaStatus reports the applied and the latest embedded schema versions.
// It reads goose's table directly rather than through goose, which would take
// the migration lock and try to create the table: the server's role may do
// neither, and /readyz must not wait behind a migration in progress.
func (s *Store) SchemaStatus(ctx context.Context) (current, latest int64, err error) {
	var exists bool
	if err := s.pool.QueryRow(ctx, `SELECT to_regclass('goose_db_version') IS NOT NULL`).Scan(&exists); err != nil {
		return 0, 0, wrap(err, "unable to read the schema version")
	}
	if !exists {
		return 0, s.latest, nil
	}
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version_id), 0) FROM goose_db_version`).Scan(&current); err != nil {
		return 0, 0, wrap(err, "unable to read the schema version")
	}
	return current, s.latest, nil
}

// newMigrator builds the goose provider over the pool and returns it with the
// latest version it knows.
func newMigrator(pool *pgxpool.Pool) (*goose.Provider, int64, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, 0, fmt.Errorf("store: unable to create migration locker: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, stdlib.OpenDBFromPool(pool), migrations.FS, goose.WithSessionLocker(locker))
	if err != nil {
		return nil, 0, fmt.Errorf("store: unable to load migrations: %w", err)
	}
	var latest int64
	if sources := p.ListSources(); len(sources) > 0 {
		latest = sources[len(sources)-1].Version
	}
	return p, latest, nil
}
