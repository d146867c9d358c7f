// Package storetest gives tests a fresh PostgreSQL database of their own on
// the server named by DATABASE_URL (a superuser, as `make test` provides),
// dropped when the test ends. Each database is owned by the schema owner's
// role and migrated by it; tests talk to it as the server does, through the
// restricted application role, and may ask for the owner's or the
// superuser's URL to play a migration job or an attacker.
package storetest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"meshwise/internal/credential"
	"meshwise/internal/devdb"
	"meshwise/ledger"
	"meshwise/model"
	"meshwise/store"
)

// Database is one test's database and the URL each role signs in with.
type Database struct {
	Name      string
	Superuser string // may do anything, triggers off included: tests that tamper as an attacker
	Owner     string // owns the schema: migrations
	App       string // the server's role: SELECT and INSERT on the log, see migrations.AppGrants
}

// Required reports whether a missing service must fail the test rather than
// skip it: always under CI and under `make test`.
func Required() bool {
	return os.Getenv("CI") != "" || os.Getenv("MESHWISE_REQUIRE_SERVICES") != ""
}

// The owner and application roles are cluster-wide: made once per process.
var (
	rolesOnce sync.Once
	rolesErr  error
)

// baseURL is DATABASE_URL, or skips (fails under Required) without it.
func baseURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("DATABASE_URL")
	if base == "" {
		if Required() {
			t.Fatal("DATABASE_URL is not set: run the tests with `make test`, which starts PostgreSQL")
		}
		t.Skip("DATABASE_URL is not set; `make test` provides one")
	}
	return base
}

// New creates an empty database for this test, owned by the owner role,
// and returns the URLs of its roles.
func New(t testing.TB) Database {
	t.Helper()
	base := baseURL(t)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "meshwise_test_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rolesOnce.Do(func() { rolesErr = devdb.EnsureRoles(ctx, base) })
	if rolesErr != nil {
		t.Fatalf("storetest: create the roles (DATABASE_URL must be a superuser): %v", rolesErr)
	}
	urls, err := devdb.PrepareDatabase(ctx, base, name)
	if err != nil {
		t.Fatalf("storetest: create database (DATABASE_URL must be a superuser): %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("storetest: drop %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("storetest: drop %s: %v", name, err)
		}
	})
	return Database{Name: name, Superuser: urls.Superuser, Owner: urls.Owner, App: urls.App}
}

// NewDatabase creates an empty database for this test and returns the URL
// of its owner, which may migrate it; URLs gives the other roles' URLs.
func NewDatabase(t testing.TB) string {
	t.Helper()
	return New(t).Owner
}

// URLs returns the roles' URLs of the test database that databaseURL (any
// role's) points at.
func URLs(t testing.TB, databaseURL string) Database {
	t.Helper()
	u, err := url.Parse(databaseURL)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	urls, err := devdb.RoleURLs(baseURL(t), name)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return Database{Name: name, Superuser: urls.Superuser, Owner: urls.Owner, App: urls.App}
}

// Open returns a store on a fresh database migrated by the owner, signed in
// as the application role as the server is, that signs the decision log
// with a fresh key.
func Open(t testing.TB) *store.Store {
	t.Helper()
	return OpenAt(t, NewDatabase(t), NewSigningKey(t))
}

// OpenDatabase is Open that also returns the database's URLs.
func OpenDatabase(t testing.TB) (*store.Store, Database) {
	t.Helper()
	db := New(t)
	return OpenAt(t, db.Owner, NewSigningKey(t)), db
}

// OpenAt migrates, as the owner, the test database url (any role's URL of
// it) names and opens a store on it signed in as the application role that
// signs with key: two stores on one URL act as two replicas.
func OpenAt(t testing.TB, url string, key ledger.SigningKey) *store.Store {
	t.Helper()
	return OpenWith(t, url, store.Options{Signer: key})
}

// OpenWith is OpenAt with options (a credential cache, say); MaxConns and
// ConnectTimeout default to the tests' own.
func OpenWith(t testing.TB, url string, opts store.Options) *store.Store {
	t.Helper()
	db := URLs(t, url)
	Migrate(t, db.Owner)
	ctx := context.Background()
	if opts.MaxConns == 0 {
		opts.MaxConns = 8
	}
	if opts.ConnectTimeout == 0 {
		opts.ConnectTimeout = 5 * time.Second
	}
	st, err := store.Open(ctx, db.App, opts)
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	t.Cleanup(st.Close)
	return st
}

// Migrate applies the migrations, and the application role's grants, as the
// owner whose URL is ownerURL.
func Migrate(t testing.TB, ownerURL string) {
	t.Helper()
	ctx := context.Background()
	owner, err := store.Open(ctx, ownerURL, store.Options{MaxConns: 2, ConnectTimeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("storetest: open as owner: %v", err)
	}
	defer owner.Close()
	if _, err := owner.Migrate(ctx); err != nil {
		t.Fatalf("storetest: migrate: %v", err)
	}
}

// SuperuserURL returns the superuser's URL of the database st uses: for
// tests that tamper with the log as an attacker with superuser rights would.
func SuperuserURL(t testing.TB, st *store.Store) string {
	t.Helper()
	return URLs(t, "/"+st.Pool().Config().ConnConfig.Database).Superuser
}

// OwnerURL returns the schema owner's URL of the database st uses.
func OwnerURL(t testing.TB, st *store.Store) string {
	t.Helper()
	return URLs(t, "/"+st.Pool().Config().ConnConfig.Database).Owner
}

// NewSigningKey returns a fresh Ed25519 signing key.
func NewSigningKey(t testing.TB) ledger.SigningKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("storetest: key: %v", err)
	}
	return ledger.NewSigningKey(priv)
}

// AddUser creates a person with a random password and returns the password.
func AddUser(t testing.TB, st *store.Store, email string, role model.Role) (model.User, string) {
	t.Helper()
	password := credential.NewPassword()
	u, err := st.CreateUser(context.Background(), email, "", role, credential.HashPassword(password))
	if err != nil {
		t.Fatalf("storetest: add user %s: %v", email, err)
	}
	return u, password
}

// AddToken gives a user an API token of the given role, minted exactly as
// the account page mints one, and returns its secret.
func AddToken(t testing.TB, st *store.Store, u model.User, role model.Role) string {
	t.Helper()
	secret := credential.NewToken()
	if _, err := st.CreateToken(context.Background(), u.ID, "test", role, credential.TokenLabel(secret), credential.HashToken(secret)); err != nil {
		t.Fatalf("storetest: add token: %v", err)
	}
	return secret
}
