package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"meshwise/ledger"
	"meshwise/store"
)

// loadOrCreateKey reads the Ed25519 signing key, creating it (0600) when
// the file does not exist yet.
func loadOrCreateKey(path string, log *slog.Logger) (ledger.SigningKey, error) {
	key, err := readKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		if key, err = writeNewKey(path, false); err == nil {
			log.Info("created a signing key", "file", path, "key_id", key.ID)
		}
	}
	return key, err
}

func readKey(path string) (ledger.SigningKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return ledger.SigningKey{}, err
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return ledger.SigningKey{}, fmt.Errorf("MESHWISE_SIGNING_KEY_FILE=%s: not a PEM \"PRIVATE KEY\"", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return ledger.SigningKey{}, fmt.Errorf("MESHWISE_SIGNING_KEY_FILE=%s: %v", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return ledger.SigningKey{}, fmt.Errorf("MESHWISE_SIGNING_KEY_FILE=%s: not an Ed25519 key", path)
	}
	return ledger.NewSigningKey(priv), nil
}

func writeNewKey(path string, force bool) (ledger.SigningKey, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return ledger.SigningKey{}, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return ledger.SigningKey{}, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return ledger.SigningKey{}, err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o600)
	if err != nil {
		return ledger.SigningKey{}, err
	}
	defer f.Close()
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		return ledger.SigningKey{}, err
	}
	return ledger.NewSigningKey(priv), f.Close()
}

// registerKey publishes the store's signing key. When it replaces earlier
// keys, the rotation is logged as an entry signed by the previous key (kept
// beside the key file as FILE.previous by `meshwise keygen --force`) and by
// the new one; old public keys stay for verification. Without the previous
// key the new one cannot be introduced, and the log refuses to sign with it.
func registerKey(ctx context.Context, st *store.Store, key ledger.SigningKey, keyFile string) error {
	known, err := st.Keys(ctx)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(known))
	for _, k := range known {
		if k.ID == key.ID {
			return nil
		}
		ids = append(ids, k.ID)
	}
	if len(known) == 0 {
		_, err := st.RegisterKey(ctx, key.Public())
		return err
	}
	prev, err := readKey(keyFile + ".previous")
	if err != nil || !slices.Contains(ids, prev.ID) {
		return fmt.Errorf("signing key %s is new, and the key it replaces is not at %s.previous: the archive cannot introduce it, so nothing will be signed; put the previous key there or restore it", key.ID, keyFile)
	}
	if _, err := st.RegisterKey(ctx, key.Public()); err != nil {
		return err
	}
	return st.AppendRotation(ctx, prev, "replaces "+prev.ID+"; earlier keys: "+strings.Join(ids, ", "))
}

// runKeygen writes a new signing key: meshwise keygen [-o FILE] [--force].
func runKeygen(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("keygen", flag.ContinueOnError)
	flags.SetOutput(stderr)
	cfg, err := loadConfig(getenv)
	if err != nil {
		return usageError{err.Error()}
	}
	out := flags.String("o", cfg.SigningKeyFile, "where to write the key (mode 0600)")
	force := flags.Bool("force", false, "replace an existing key (the next start logs the rotation)")
	if err := flags.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if *force {
		if _, err := os.Stat(*out); err == nil {
			// Keep the old key so the next start can sign the rotation with it.
			if err := os.Rename(*out, *out+".previous"); err != nil {
				return err
			}
		}
	}
	key, err := writeNewKey(*out, *force)
	if errors.Is(err, fs.ErrExist) {
		return usageError{fmt.Sprintf("keygen: %s exists; use --force to replace it (old public keys stay in the archive)", *out)}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (0600), key id %s\n", *out, key.ID)
	return nil
}
