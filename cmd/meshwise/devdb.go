package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"meshwise/internal/devdb"
)

// runDevDB manages the private PostgreSQL cluster that make run and make
// test use. `start` prints one database URL on stdout and nothing else: the
// superuser's (make test creates a database per test with it), or with
// -role the schema owner's or the server's.
func runDevDB(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"usage: meshwise devdb start|stop|remove [-dir DIR] [-ephemeral] [-role superuser|owner|app]"}
	}
	action := args[0]
	fs := flag.NewFlagSet("devdb "+action, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg, err := loadConfig(getenv)
	if err != nil {
		return usageError{err.Error()}
	}
	dir := fs.String("dir", cfg.DevDBDir, "folder that holds the cluster")
	ephemeral := fs.Bool("ephemeral", false, "throw-away cluster: fsync off")
	role := fs.String("role", "superuser", "whose URL start prints: superuser, owner or app")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{err.Error()}
	}
	c := &devdb.Cluster{Dir: *dir, Ephemeral: *ephemeral, Install: true, Log: stderr}
	switch action {
	case "start":
		urls := map[string]func(devdb.URLs) string{
			"superuser": func(u devdb.URLs) string { return u.Superuser },
			"owner":     func(u devdb.URLs) string { return u.Owner },
			"app":       func(u devdb.URLs) string { return u.App },
		}
		pick, ok := urls[*role]
		if !ok {
			return usageError{fmt.Sprintf("devdb start: -role %q: want superuser, owner or app", *role)}
		}
		u, err := c.Start(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, pick(u))
		return nil
	case "stop":
		return c.Stop(ctx)
	case "remove":
		return c.Remove(ctx)
	default:
		return usageError{fmt.Sprintf("devdb: unknown action %q: want start, stop or remove", action)}
	}
}
