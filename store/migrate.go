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

// Migrate applies every pending migration. A Postgres advisory lock makes
// replicas that start at once take turns instead of racing.
func (s *Store) Migrate(ctx context.Context) (applied int, err error) {
	results, err := s.migrator.Up(ctx)
	if err != nil {
		return len(results), wrap(err, "unable to apply migrations")
	}
	return len(results), nil
}

// SchemaStatus reports the applied and the latest embedded schema versions.
func (s *Store) SchemaStatus(ctx context.Context) (current, latest int64, err error) {
	current, err = s.migrator.GetDBVersion(ctx)
	if err != nil {
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
