// Command loadbench is `make bench-load`: it starts meshwise and a bare
// net/http handler as separate processes on 127.0.0.1, drives both with
// one load generator (wrk when installed, else its own Go generator) for
// the estimate API with a token, the results page signed in, and the
// archive list, and prints each meshwise/bare throughput ratio with the
// p99 latencies. Requests rotate over 64 different assessments, so no
// cache of whole answers could stand in for the work.
//
//	loadbench -meshwise bin/meshwise -database APP-URL -migrate-database OWNER-URL [-duration 10s] [-connections 64] [-profile DIR]
//	loadbench bare -addr 127.0.0.1:PORT -route METHOD:PREFIX=TYPE:FILE ...   (the bare server)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// options are loadbench's flags.
type options struct {
	Meshwise    string
	Database    string // the server's restricted role (DATABASE_URL)
	MigrateDB   string // the schema owner (MESHWISE_MIGRATE_DATABASE_URL)
	Duration    time.Duration
	Warmup      time.Duration
	Connections int
	Threads     int
	Variants    int
	Generator   string
	ProfileDir  string
	Only        string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if len(os.Args) > 1 && os.Args[1] == "bare" {
		err = runBare(ctx, os.Args[2:])
	} else {
		err = run(ctx, os.Args[1:], os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var o options
	fs := flag.NewFlagSet("loadbench", flag.ContinueOnError)
	fs.StringVar(&o.Meshwise, "meshwise", "bin/meshwise", "the meshwise binary to serve")
	fs.StringVar(&o.Database, "database", os.Getenv("DATABASE_URL"), "PostgreSQL URL of the server's role in a throw-away database (make bench-load starts one)")
	fs.StringVar(&o.MigrateDB, "migrate-database", os.Getenv("MESHWISE_MIGRATE_DATABASE_URL"), "PostgreSQL URL of the schema owner, for the migrations")
	fs.DurationVar(&o.Duration, "duration", 10*time.Second, "measured load per target and scenario")
	fs.DurationVar(&o.Warmup, "warmup", 2*time.Second, "unmeasured load before each measurement")
	fs.IntVar(&o.Connections, "connections", 64, "concurrent keep-alive connections")
	fs.IntVar(&o.Threads, "threads", 2, "load generator threads (wrk -t)")
	fs.IntVar(&o.Variants, "variants", 64, "different assessments the requests rotate over (at least 64)")
	fs.StringVar(&o.Generator, "generator", "auto", "auto (wrk if installed), wrk or go")
	fs.StringVar(&o.ProfileDir, "profile", "", "also take a CPU profile of meshwise under each load into DIR and print its top entries")
	fs.StringVar(&o.Only, "only", "", "run one scenario: estimate, results or archive")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case o.Database == "" || o.MigrateDB == "":
		return errors.New("-database and -migrate-database (or DATABASE_URL and MESHWISE_MIGRATE_DATABASE_URL) are required; `make bench-load` starts a private PostgreSQL")
	case o.Variants < 64:
		return fmt.Errorf("-variants %d: at least 64, so a cache of whole answers cannot stand in for the work", o.Variants)
	case o.Connections < 1 || o.Threads < 1 || o.Threads > o.Connections:
		return fmt.Errorf("-connections %d -threads %d: want 1 ≤ threads ≤ connections", o.Connections, o.Threads)
	}
	gen, err := pickGenerator(o.Generator)
	if err != nil {
		return err
	}
	return bench(ctx, o, gen, out)
}
