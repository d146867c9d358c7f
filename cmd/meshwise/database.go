package main

import (
	"context"
	"fmt"

	"meshwise/store"
)

// openMigrated opens the server's store for a one-off command (`meshwise
// user`): it migrates first as the owner when MESHWISE_MIGRATE_DATABASE_URL
// is set, and otherwise insists the schema is already current, since the
// server's role cannot migrate.
func openMigrated(ctx context.Context, cfg config, cmd string) (*store.Store, error) {
	if cfg.DatabaseURL == "" {
		return nil, usageError{cmd + ": DATABASE_URL is not set"}
	}
	if cfg.MigrateURL != "" {
		owner, err := store.Open(ctx, cfg.MigrateURL, store.Options{ConnectTimeout: cfg.DBConnectTimeout})
		if err != nil {
			return nil, usageError{"MESHWISE_MIGRATE_DATABASE_URL: " + err.Error()}
		}
		_, err = owner.Migrate(ctx)
		owner.Close()
		if err != nil {
			return nil, err
		}
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, store.Options{ConnectTimeout: cfg.DBConnectTimeout})
	if err != nil {
		return nil, usageError{"DATABASE_URL: " + err.Error()}
	}
	current, latest, err := st.SchemaStatus(ctx)
	if err != nil {
		st.Close()
		return nil, err
	}
	if current < latest {
		st.Close()
		return nil, fmt.Errorf("%s: the database schema is at version %d, this meshwise needs %d: run `meshwise migrate` (MESHWISE_MIGRATE_DATABASE_URL) first", cmd, current, latest)
	}
	return st, nil
}
