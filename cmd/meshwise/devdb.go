package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"meshwise/store/devdb"
)

// runDevDB manages the private PostgreSQL cluster that make run and make
// test use. `start` prints the database URL on stdout and nothing else.
func runDevDB(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"usage: meshwise devdb start|stop|remove [-dir DIR] [-ephemeral]"}
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
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{err.Error()}
	}
	c := &devdb.Cluster{Dir: *dir, Ephemeral: *ephemeral, Install: true, Log: stderr}
	switch action {
	case "start":
		url, err := c.Start(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, url)
		return nil
	case "stop":
		return c.Stop(ctx)
	case "remove":
		return c.Remove(ctx)
	default:
		return usageError{fmt.Sprintf("devdb: unknown action %q: want start, stop or remove", action)}
	}
}
