// Package storetest gives tests a fresh, migrated PostgreSQL database of
// their own on the server named by DATABASE_URL, dropped when the test ends.
package storetest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"meshwise/internal/credential"
	"meshwise/ledger"
	"meshwise/model"
	"meshwise/store"
)

// Required reports whether a missing service must fail the test rather than
// skip it: always under CI and under `make test`.
func Required() bool {
	return os.Getenv("CI") != "" || os.Getenv("MESHWISE_REQUIRE_SERVICES") != ""
}

// NewDatabase creates an empty database for this test and returns its URL.
func NewDatabase(t testing.TB) string {
	t.Helper()
	base := os.Getenv("DATABASE_URL")
	if base == "" {
		if Required() {
			t.Fatal("DATABASE_URL is not set: run the tests with `make test`, which starts PostgreSQL")
		}
		t.Skip("DATABASE_URL is not set; `make test` provides one")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("storetest: connect to DATABASE_URL: %v", err)
	}
	defer admin.Close(ctx)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "meshwise_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("storetest: create database: %v", err)
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
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// Open returns a store on a fresh, migrated database that signs the
// decision log with a fresh key.
func Open(t testing.TB) *store.Store {
	t.Helper()
	return OpenAt(t, NewDatabase(t), NewSigningKey(t))
}

// OpenAt opens a store on url (migrating it) that signs with key: two
// stores on one URL act as two replicas.
func OpenAt(t testing.TB, url string, key ledger.SigningKey) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, url, store.Options{MaxConns: 8, ConnectTimeout: 5 * time.Second, Signer: key})
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	t.Cleanup(st.Close)
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("storetest: migrate: %v", err)
	}
	return st
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
