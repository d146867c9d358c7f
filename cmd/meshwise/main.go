// Command meshwise serves the meshwise web application and its API, applies
// its migrations, and provisions a private PostgreSQL for development.
//
//	meshwise [serve]        serve on MESHWISE_ADDR (default :8080), signed in as DATABASE_URL (a restricted role)
//	meshwise dev            like serve, but starts a private PostgreSQL when DATABASE_URL is unset
//	meshwise migrate        apply pending migrations as MESHWISE_MIGRATE_DATABASE_URL (the owner) and exit
//	meshwise estimate -f assessment.json [-o table|json|csv] [--option ID --max-monthly-cost N --max-added-p99-ms N]
//	meshwise user add|set-role|passwd --email E [--role R]
//	meshwise devdb start|stop|remove [-dir DIR] [-ephemeral] [-role superuser|owner|app]
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// usageError marks a mistake in the command line or configuration: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "meshwise:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		var ee exitError
		if errors.As(err, &ee) {
			os.Exit(ee.code)
		}
		os.Exit(1)
	}
}

// exitError asks main to exit with a specific code.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

// run is main without the process: tests call it with their own environment.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return runServe(ctx, getenv, stderr, false)
	case "dev":
		return runServe(ctx, getenv, stderr, true)
	case "migrate":
		return runMigrate(ctx, getenv, stdout, stderr)
	case "estimate":
		return runEstimate(ctx, args, os.Stdin, stdout, stderr)
	case "import":
		return runImport(args, stdout, stderr)
	case "check":
		return runCheck(ctx, args, getenv, time.Now, stdout, stderr)
	case "keygen":
		return runKeygen(args, getenv, stdout, stderr)
	case "verify":
		return runVerify(args, stdout, stderr)
	case "record":
		return runRecord(ctx, args, getenv, os.Stdin, stdout, stderr)
	case "user":
		return runUser(ctx, args, getenv, stdout, stderr)
	case "devdb":
		return runDevDB(ctx, args, getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return usageError{fmt.Sprintf("unknown command %q\n%s", cmd, usage)}
	}
}

const usage = `usage: meshwise <command>

  serve     serve the web application and API (the default)
  dev       serve, starting a private PostgreSQL under MESHWISE_DEV_DB_DIR when DATABASE_URL is unset
  migrate   apply pending migrations as MESHWISE_MIGRATE_DATABASE_URL (the schema owner) and exit
  estimate  price every option for an assessment file: -f FILE [-o table|json|csv]
            [--option ID --max-monthly-cost N --max-added-p99-ms N] (exit 3 on a breach)
  import    read kubectl and az JSON and print the inventory beside the assessment it prefills:
            --aks F --nodes F --pods F [--metrics F ...] [-o table|json] [--assessment-only]
  check     compare a running cluster with an approved record (exit 0 clean, 4 drift, 2 input error):
            --bundle FILE --record ID --pods F [--nodes F ...] [--tolerance 25] [-o text|json]
  keygen    write a new Ed25519 signing key (-o FILE, --force)
  verify    verify an exported bundle offline: verify [--checkpoint FILE] [--key FILE] bundle.json
  record    propose -f decision.json | show ID: decisions as code against a server
            (MESHWISE_URL, MESHWISE_TOKEN); propose prints the record ID, show exits 4 unless approved and verified
  user      add|set-role|passwd --email E [--role R]: manage people (prints passwords once)
  devdb     start|stop|remove the private PostgreSQL cluster (-dir DIR, -ephemeral);
            start prints a URL of its database (-role superuser|owner|app)
  help      show this text

Configuration is read from environment variables; see README.md.
`
