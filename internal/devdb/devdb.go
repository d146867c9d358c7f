// Package devdb provisions a private PostgreSQL cluster for development and
// tests: it finds (or installs) the PostgreSQL binaries, creates the cluster
// once, starts it on a free loopback port, creates the schema owner's and the
// server's roles, and hands back their connection URLs. It is what lets
// `make run` and `make test` work with nothing configured. It is an OS
// helper for the commands, not part of meshwise's storage.
package devdb

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// The database created in every cluster, and the cluster's superuser.
const (
	dbName = "meshwise"
	dbUser = "meshwise"
)

// Cluster is one private PostgreSQL cluster kept under Dir:
// Dir/data (PGDATA), Dir/password, Dir/port and Dir/server.log.
type Cluster struct {
	Dir       string    // where the cluster lives; created if missing
	Ephemeral bool      // trade durability for speed (fsync off): for throw-away test clusters
	Log       io.Writer // progress lines for people; nil discards them
	Install   bool      // install PostgreSQL with apt-get when it is missing
}

// Start creates the cluster if needed, starts it if it is not running, makes
// sure the meshwise database and its owner and application roles exist, and
// returns the database's URL for each role.
func (c *Cluster) Start(ctx context.Context) (URLs, error) {
	bin, err := c.binaries(ctx)
	if err != nil {
		return URLs{}, err
	}
	if err := c.resolve(); err != nil {
		return URLs{}, err
	}
	if err := c.prepareDir(); err != nil {
		return URLs{}, err
	}
	if _, err := os.Stat(filepath.Join(c.dataDir(), "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.initdb(ctx, bin); err != nil {
			return URLs{}, err
		}
	}
	password, err := os.ReadFile(filepath.Join(c.Dir, "password"))
	if err != nil {
		return URLs{}, fmt.Errorf("devdb: unable to read the cluster password: %w", err)
	}
	port, err := c.ensureRunning(ctx, bin)
	if err != nil {
		return URLs{}, err
	}
	admin := &url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(dbUser, strings.TrimSpace(string(password))),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Path:     "/postgres",
		RawQuery: "sslmode=disable",
	}
	return Provision(ctx, admin.String(), dbName)
}

// Stop shuts the cluster down if it runs. Data is kept.
func (c *Cluster) Stop(ctx context.Context) error {
	if err := c.resolve(); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(c.dataDir(), "PG_VERSION")); err != nil {
		return nil // never created: nothing runs
	}
	bin, err := c.binaries(ctx)
	if err != nil {
		return err
	}
	if !c.running(ctx, bin) {
		return nil
	}
	return c.runPG(ctx, bin.pgctl, "stop", "-D", c.dataDir(), "-m", "fast", "-w", "-t", "60")
}

// Remove stops the cluster and deletes everything under Dir.
func (c *Cluster) Remove(ctx context.Context) error {
	if err := c.Stop(ctx); err != nil {
		return err
	}
	return os.RemoveAll(c.Dir)
}

func (c *Cluster) dataDir() string { return filepath.Join(c.Dir, "data") }

func (c *Cluster) logf(format string, args ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, "devdb: "+format+"\n", args...)
	}
}

type binaries struct{ initdb, pgctl string }

// binaries finds initdb and pg_ctl on the PATH or in Debian's versioned
// directories, installing PostgreSQL with apt-get when allowed and missing.
func (c *Cluster) binaries(ctx context.Context) (binaries, error) {
	if b, ok := findBinaries(); ok {
		return b, nil
	}
	if c.Install && os.Geteuid() == 0 {
		if _, err := exec.LookPath("apt-get"); err == nil {
			c.logf("PostgreSQL is not installed; installing it with apt-get")
			if err := run(ctx, nil, "", "apt-get", "update", "-qq"); err != nil {
				return binaries{}, err
			}
			if err := run(ctx, []string{"DEBIAN_FRONTEND=noninteractive"}, "", "apt-get", "install", "-y", "-qq", "postgresql"); err != nil {
				return binaries{}, err
			}
			if b, ok := findBinaries(); ok {
				return b, nil
			}
		}
	}
	return binaries{}, errors.New("devdb: PostgreSQL (initdb, pg_ctl) is not installed: install it, set DATABASE_URL, or run `docker compose up -d db`")
}

func findBinaries() (binaries, bool) {
	if i, err := exec.LookPath("initdb"); err == nil {
		if p, err := exec.LookPath("pg_ctl"); err == nil {
			return binaries{initdb: i, pgctl: p}, true
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		i, p := filepath.Join(d, "initdb"), filepath.Join(d, "pg_ctl")
		if isFile(i) && isFile(p) {
			return binaries{initdb: i, pgctl: p}, true
		}
	}
	return binaries{}, false
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// resolve makes Dir absolute and, when running as root, moves it to a
// folder of its own under the temp directory if a parent folder is closed to
// the postgres OS user (a 0700 home or temp folder): PostgreSQL refuses to run
// as root, so the cluster must be reachable by that user.
func (c *Cluster) resolve() error {
	abs, err := filepath.Abs(c.Dir)
	if err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	c.Dir = abs
	if os.Geteuid() != 0 {
		return nil
	}
	parent := filepath.Dir(abs)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("devdb: unable to create %s: %w", parent, err)
	}
	if exec.Command("runuser", "-u", "postgres", "--", "test", "-x", parent).Run() == nil {
		return nil
	}
	sum := sha256.Sum256([]byte(abs))
	c.Dir = filepath.Join(os.TempDir(), "meshwise-pg-"+hex.EncodeToString(sum[:6]))
	c.logf("the postgres OS user cannot reach %s; keeping the cluster in %s instead", abs, c.Dir)
	return nil
}

// prepareDir creates Dir, private, and when running as root hands it to the
// postgres OS user.
func (c *Cluster) prepareDir() error {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return fmt.Errorf("devdb: unable to create %s: %w", c.Dir, err)
	}
	if err := os.Chmod(c.Dir, 0o700); err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	return handToPostgres(c.Dir)
}

// handToPostgres gives path, and everything under it, to the postgres OS
// user when we run as root; otherwise the files are already ours.
func handToPostgres(path string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	uid, gid, err := postgresIDs()
	if err != nil {
		return err
	}
	err = filepath.Walk(path, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
	if err != nil {
		return fmt.Errorf("devdb: unable to hand %s to the postgres user: %w", path, err)
	}
	return nil
}

func postgresIDs() (uid, gid int, err error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return 0, 0, errors.New("devdb: running as root needs the `postgres` OS user (created by the postgresql package)")
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(u.Gid)
	return uid, gid, nil
}

func (c *Cluster) initdb(ctx context.Context, bin binaries) error {
	c.logf("creating a PostgreSQL cluster in %s", c.dataDir())
	pwFile := filepath.Join(c.Dir, "password")
	if err := c.writeOwned(pwFile, randomHex(16)+"\n"); err != nil {
		return err
	}
	if err := c.runPG(ctx, bin.initdb, "-D", c.dataDir(), "-U", dbUser, "--pwfile", pwFile,
		"--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale"); err != nil {
		return err
	}
	conf := "\n# meshwise private cluster\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n"
	if c.Ephemeral {
		conf += "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
	}
	f, err := os.OpenFile(filepath.Join(c.dataDir(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(conf); err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	return nil
}

// ensureRunning starts the cluster unless it already runs and returns its port.
func (c *Cluster) ensureRunning(ctx context.Context, bin binaries) (int, error) {
	portFile := filepath.Join(c.Dir, "port")
	saved, _ := os.ReadFile(portFile)
	port, _ := strconv.Atoi(strings.TrimSpace(string(saved)))
	if c.running(ctx, bin) && port > 0 {
		return port, nil
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		if port == 0 || !portFree(port) {
			p, err := freePort()
			if err != nil {
				return 0, err
			}
			port = p
		}
		if err := c.writeOwned(portFile, strconv.Itoa(port)+"\n"); err != nil {
			return 0, err
		}
		c.logf("starting PostgreSQL on 127.0.0.1:%d", port)
		lastErr = c.runPG(ctx, bin.pgctl, "start", "-D", c.dataDir(), "-w", "-t", "60",
			"-l", filepath.Join(c.Dir, "server.log"), "-o", "-p "+strconv.Itoa(port))
		if lastErr == nil {
			return port, nil
		}
		port = 0 // the port may have been taken between the check and the start
	}
	logTail, _ := os.ReadFile(filepath.Join(c.Dir, "server.log"))
	if len(logTail) > 2000 {
		logTail = logTail[len(logTail)-2000:]
	}
	return 0, fmt.Errorf("%w\n%s", lastErr, logTail)
}

func (c *Cluster) running(ctx context.Context, bin binaries) bool {
	return c.runPG(ctx, bin.pgctl, "status", "-D", c.dataDir()) == nil
}

// runPG runs a PostgreSQL program, as the postgres OS user when we are root.
func (c *Cluster) runPG(ctx context.Context, prog string, args ...string) error {
	if os.Geteuid() == 0 {
		args = append([]string{"-u", "postgres", "--", prog}, args...)
		prog = "runuser"
	}
	return run(ctx, nil, c.Dir, prog, args...)
}

// writeOwned writes a small file readable only by the cluster's owner.
func (c *Cluster) writeOwned(path, content string) error {
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	return handToPostgres(path)
}

func run(ctx context.Context, env []string, dir, prog string, args ...string) error {
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("devdb: %s %s: %w\n%s", filepath.Base(prog), strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("devdb: no free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
