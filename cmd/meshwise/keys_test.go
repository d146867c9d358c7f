package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/ledger"
	"meshwise/model"
	"meshwise/store/storetest"
)

// testActor proposes the records of these tests.
var testActor = model.Principal{User: model.User{ID: "00000000-0000-4000-8000-000000000001", Email: "ana@example.com"}, Role: model.RoleArchitect}

func TestKeygenWritesAPrivateKeyOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k", "signing.key")
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"keygen", "-o", path}, envOf(nil), &out, &out))
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	key, err := readKey(path)
	require.NoError(t, err)
	assert.Contains(t, out.String(), key.ID)

	err = run(context.Background(), []string{"keygen", "-o", path}, envOf(nil), &out, &out)
	var ue usageError
	require.ErrorAs(t, err, &ue, "never overwrites silently")
	assert.Contains(t, err.Error(), "--force")
	again, err := readKey(path)
	require.NoError(t, err)
	assert.Equal(t, key.ID, again.ID)
}

// A new key made with keygen --force is registered and logged as a
// rotation signed by the old key and the new; the old public key stays, so
// the whole log still verifies. Without the old key the new one is refused.
func TestKeyRotationIsLogged(t *testing.T) {
	ctx := context.Background()
	url := storetest.NewDatabase(t)
	path := filepath.Join(t.TempDir(), "signing.key")
	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"keygen", "-o", path}, envOf(nil), &out, &out))
	oldKey, err := readKey(path)
	require.NoError(t, err)
	old := storetest.OpenAt(t, url, oldKey)
	require.NoError(t, registerKey(ctx, old, oldKey, path))
	_, err = old.Propose(ctx, testActor, model.DecisionRecord{Title: "before"})
	require.NoError(t, err)

	require.NoError(t, run(ctx, []string{"keygen", "-o", path, "--force"}, envOf(nil), &out, &out))
	newKey, err := readKey(path)
	require.NoError(t, err)
	require.NotEqual(t, oldKey.ID, newKey.ID)
	st := storetest.OpenAt(t, url, newKey)
	require.NoError(t, registerKey(ctx, st, newKey, path))
	require.NoError(t, registerKey(ctx, st, newKey, path), "registering again is a no-op")
	_, err = st.Propose(ctx, testActor, model.DecisionRecord{Title: "after"})
	require.NoError(t, err)

	b, err := st.Bundle(ctx)
	require.NoError(t, err)
	require.Len(t, b.Entries, 3)
	var rotation struct {
		Event, Note string
		KeyID       string `json:"key_id"`
	}
	var env ledger.Envelope
	require.NoError(t, json.Unmarshal(b.Entries[1], &env))
	require.NoError(t, json.Unmarshal(env.Payload, &rotation))
	assert.Equal(t, model.EventKeyRotated, rotation.Event)
	assert.Equal(t, newKey.ID, rotation.KeyID)
	assert.Contains(t, rotation.Note, oldKey.ID)
	assert.Len(t, env.Signatures, 2, "signed by the old key and the new")
	rep, err := st.VerifyLog(ctx)
	require.NoError(t, err)
	assert.True(t, rep.OK, rep.Problem)
	keys, err := st.Keys(ctx)
	require.NoError(t, err)
	assert.Len(t, keys, 2)

	stray, err := writeNewKey(filepath.Join(t.TempDir(), "stray.key"), false)
	require.NoError(t, err)
	err = registerKey(ctx, st, stray, filepath.Join(t.TempDir(), "stray.key"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), ".previous")
}

// meshwise verify accepts an intact bundle, names a tampered one, catches
// a history rewritten after a saved checkpoint, and honours pinned keys.
func TestVerifyCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	key, err := writeNewKey(filepath.Join(dir, "signing.key"), false)
	require.NoError(t, err)
	st := storetest.OpenAt(t, storetest.NewDatabase(t), key)
	require.NoError(t, registerKey(ctx, st, key, filepath.Join(dir, "signing.key")))
	for i := 0; i < 4; i++ {
		_, err := st.Propose(ctx, testActor, model.DecisionRecord{Title: "record"})
		require.NoError(t, err)
	}
	b, err := st.Bundle(ctx)
	require.NoError(t, err)
	write := func(name string, v any) string {
		p := filepath.Join(dir, name)
		raw, err := json.Marshal(v)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(p, raw, 0o600))
		return p
	}
	good := write("good.json", b)
	saved := filepath.Join(dir, "checkpoint.txt")
	require.NoError(t, os.WriteFile(saved, []byte(b.Checkpoints[0]), 0o600))
	pinned := write("key.json", key.Public())
	unsigned := filepath.Join(dir, "unsigned.txt")
	require.NoError(t, os.WriteFile(unsigned, []byte(strings.SplitN(b.Checkpoints[0], "\n\n", 2)[0]+"\n"), 0o600))

	var env ledger.Envelope
	require.NoError(t, json.Unmarshal(b.Entries[2], &env))
	env.Signatures[0].Sig[0] ^= 0x01
	tampered := b
	tampered.Entries = append([][]byte(nil), b.Entries...)
	tampered.Entries[2], _ = json.Marshal(env)
	bad := write("bad.json", tampered)

	// A rewritten history, re-signed with the stolen key and carrying its own
	// fresh checkpoint, in a second database.
	st2 := storetest.OpenAt(t, storetest.NewDatabase(t), key)
	for i := 0; i < 4; i++ {
		_, err := st2.Propose(ctx, testActor, model.DecisionRecord{Title: "rewritten"})
		require.NoError(t, err)
	}
	rb, err := st2.Bundle(ctx)
	require.NoError(t, err)
	rewritten := write("rewritten.json", rb)
	// A superuser changes a stored column with the triggers off: the
	// signed bytes are intact, but the bundle's stored columns disagree.
	conn, err := pgx.Connect(ctx, storetest.SuperuserURL(t, st))
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `SET session_replication_role = replica; UPDATE log_entries SET event = 'approved' WHERE seq = 1`)
	require.NoError(t, err)
	cb, err := st.Bundle(ctx)
	require.NoError(t, err)
	column := write("column.json", cb)
	other, err := writeNewKey(filepath.Join(dir, "other.key"), false)
	require.NoError(t, err)
	wrongKey := write("other.json", other.Public())

	tests := []struct {
		name string
		args []string
		exit int
		want string
	}{
		{"intact", []string{good}, 0, "verified: 4 entries, 1 checkpoint(s)"},
		{"intact with saved checkpoint and pinned key", []string{"--checkpoint", saved, "--key", pinned, good}, 0, "verified: 4 entries, 2 checkpoint(s)"},
		{"tampered signature", []string{bad}, 1, "FAILED at entry 2: entry 2: the signature by key"},
		{"rewritten history alone looks fine", []string{rewritten}, 0, "verified: 4 entries"},
		{"rewritten history against the saved checkpoint", []string{"--checkpoint", saved, rewritten}, 1, "history rewritten"},
		{"untrusted key", []string{"--key", wrongKey, good}, 1, "signed by unknown key"},
		{"stored column changed", []string{"--checkpoint", saved, "--key", pinned, column}, 1, `FAILED at entry 1: entry 1: the stored event column says "approved" but the signed entry says "proposed"`},
		{"not a bundle", []string{pinned}, 1, "is not a meshwise bundle"},
		{"no file", []string{}, 2, "usage"},
		{"checkpoint without its signature", []string{"--checkpoint", unsigned, good}, 2, "is not a signed checkpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(ctx, append([]string{"verify"}, tt.args...), envOf(nil), &out, &out)
			exit := exitCodeOf(t, err)
			assert.Equal(t, tt.exit, exit, "%v", err)
			text := out.String()
			if err != nil {
				text += err.Error()
			}
			assert.Contains(t, text, tt.want)
		})
	}
}

// Found by the new-user walk: `--key` takes GET /api/v1/keys saved as it
// answers (the README and the MADR footer say so), as well as one key.
func TestVerifyPinsTheSavedKeysDocument(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	key, err := writeNewKey(filepath.Join(dir, "signing.key"), false)
	require.NoError(t, err)
	st := storetest.OpenAt(t, storetest.NewDatabase(t), key)
	_, err = st.Propose(ctx, testActor, model.DecisionRecord{Title: "record"})
	require.NoError(t, err)
	b, err := st.Bundle(ctx)
	require.NoError(t, err)
	raw, _ := json.Marshal(b)
	bundle := filepath.Join(dir, "bundle.json")
	require.NoError(t, os.WriteFile(bundle, raw, 0o600))
	doc, _ := json.Marshal(map[string]any{"current": key.ID, "keys": []ledger.PublicKey{key.Public()}})
	keys := filepath.Join(dir, "keys.json")
	require.NoError(t, os.WriteFile(keys, doc, 0o600))
	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"verify", "--key", keys, bundle}, envOf(nil), &out, &out))
	assert.Contains(t, out.String(), "verified: 1 entries")
}
