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
	"strings"
	"time"

	"meshwise/model"
	"meshwise/store"
)

// loadOrCreateKey reads the Ed25519 signing key, creating it (0600) when
// the file does not exist yet.
func loadOrCreateKey(path string, log *slog.Logger) (model.SigningKey, error) {
	key, err := readKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		if key, err = writeNewKey(path, false); err == nil {
			log.Info("created a signing key", "file", path, "key_id", key.ID)
		}
	}
	return key, err
}

func readKey(path string) (model.SigningKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return model.SigningKey{}, err
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return model.SigningKey{}, fmt.Errorf("MESHWISE_SIGNING_KEY_FILE=%s: not a PEM \"PRIVATE KEY\"", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return model.SigningKey{}, fmt.Errorf("MESHWISE_SIGNING_KEY_FILE=%s: %v", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return model.SigningKey{}, fmt.Errorf("MESHWISE_SIGNING_KEY_FILE=%s: not an Ed25519 key", path)
	}
	return model.NewSigningKey(priv), nil
}

func writeNewKey(path string, force bool) (model.SigningKey, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return model.SigningKey{}, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return model.SigningKey{}, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return model.SigningKey{}, err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o600)
	if err != nil {
		return model.SigningKey{}, err
	}
	defer f.Close()
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		return model.SigningKey{}, err
	}
	return model.NewSigningKey(priv), f.Close()
}

// registerKey publishes the key and, when it replaces earlier ones, logs
// the rotation as a signed entry; old public keys stay for verification.
func registerKey(ctx context.Context, st *store.Store, key model.SigningKey) error {
	added, known, err := st.RegisterKey(ctx, key.Public())
	if err != nil || !added || len(known) == 0 {
		return err
	}
	_, err = st.Append(ctx, key, model.LogEntry{Event: model.EventKeyRotated, KeyID: key.ID,
		Actor: model.Actor{Email: "meshwise (start-up)"}, Note: "previous keys: " + strings.Join(known, ", ")}, time.Now())
	return err
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
