package ledger

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	eventProposed = "proposed"
	eventApproved = "approved"
)

type testActor struct {
	ID    string `json:"id"`
	Email string `json:"email"`
}

// testEntry is a payload as meshwise writes them: the header verification
// reads, and fields of its own.
type testEntry struct {
	Seq      int64     `json:"seq"`
	Prev     string    `json:"prev"`
	Time     string    `json:"time"`
	Event    string    `json:"event"`
	RecordID string    `json:"record_id,omitempty"`
	Actor    testActor `json:"actor"`
	Note     string    `json:"note,omitempty"`
	KeyID    string    `json:"key_id,omitempty"`
	NewKey   []byte    `json:"public_key,omitempty"`
}

func testKey(seed byte) SigningKey {
	s := make([]byte, ed25519.SeedSize)
	s[0] = seed
	return NewSigningKey(ed25519.NewKeyFromSeed(s))
}

// testLog builds a log of n entries signed with key and a checkpoint of it.
func testLog(t *testing.T, key SigningKey, n int) (envs [][]byte, cp []byte) {
	t.Helper()
	var tree MerkleTree
	prev := ""
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		env := seal(t, key, testEntry{Seq: int64(i), Prev: prev, Time: LogTime(at.Add(time.Duration(i) * time.Second)), Event: eventProposed, RecordID: "r", Actor: testActor{ID: "u", Email: "ana@example.com"}})
		leaf := LeafHash(env)
		_, err := tree.Append(leaf)
		require.NoError(t, err)
		prev = hex.EncodeToString(leaf[:])
		envs = append(envs, env)
	}
	root, err := tree.Root(tree.Size())
	require.NoError(t, err)
	cp, err = key.SignCheckpoint(tree.Size(), root, at)
	require.NoError(t, err)
	return envs, cp
}

func seal(t *testing.T, key SigningKey, e testEntry) []byte {
	t.Helper()
	payload, err := json.Marshal(e)
	require.NoError(t, err)
	env, err := key.Seal(payload)
	require.NoError(t, err)
	return env
}

func keys(ks ...SigningKey) map[string]ed25519.PublicKey {
	m := map[string]ed25519.PublicKey{}
	for _, k := range ks {
		m[k.ID] = k.Private.Public().(ed25519.PublicKey)
	}
	return m
}

func clone(envs [][]byte) [][]byte {
	out := make([][]byte, len(envs))
	for i, e := range envs {
		out[i] = append([]byte(nil), e...)
	}
	return out
}

func TestIntactLogVerifies(t *testing.T) {
	k := testKey(1)
	envs, cp := testLog(t, k, 10)
	rep := VerifyLog(envs, [][]byte{cp}, keys(k))
	assert.True(t, rep.OK, rep.Problem)
	assert.Equal(t, int64(10), rep.Entries)
	assert.Equal(t, 1, rep.Checkpoints)
	assert.Equal(t, int64(-1), rep.FirstBad)
	assert.NotEmpty(t, rep.Root)
}

// Every kind of tampering is caught and named, with the first broken entry.
func TestTamperingIsCaughtAndNamed(t *testing.T) {
	k, other := testKey(1), testKey(2)
	base, cp := testLog(t, k, 8)
	// An attacker with the key re-signs entry 4 with a wrong chain link.
	var e4 testEntry
	var env Envelope
	require.NoError(t, json.Unmarshal(base[4], &env))
	require.NoError(t, json.Unmarshal(env.Payload, &e4))
	e4.Prev = hex.EncodeToString(make([]byte, 32))

	tests := []struct {
		name     string
		tamper   func(envs [][]byte) [][]byte
		firstBad int64
		want     string
	}{
		{"flipped bit in a payload", func(envs [][]byte) [][]byte {
			var env Envelope
			require.NoError(t, json.Unmarshal(envs[3], &env))
			env.Payload[len(env.Payload)/2] ^= 0x01
			envs[3], _ = json.Marshal(env)
			return envs
		}, 3, "entry 3: the signature by key " + k.ID + " does not verify"},
		{"flipped bit in a signature", func(envs [][]byte) [][]byte {
			var env Envelope
			require.NoError(t, json.Unmarshal(envs[5], &env))
			env.Signatures[0].Sig[7] ^= 0x80
			envs[5], _ = json.Marshal(env)
			return envs
		}, 5, "entry 5: the signature by key " + k.ID + " does not verify"},
		{"chain link re-signed with the key", func(envs [][]byte) [][]byte {
			envs[4] = seal(t, k, e4)
			return envs
		}, 4, "entry 4: its chain link names 000000000000…, but entry 3 hashes to"},
		{"deleted entry", func(envs [][]byte) [][]byte {
			return append(envs[:2], envs[3:]...)
		}, 2, "entry 2 is missing: the entry at position 2 says it is 3"},
		{"reordered pair", func(envs [][]byte) [][]byte {
			envs[5], envs[6] = envs[6], envs[5]
			return envs
		}, 5, "entry 5 is missing: the entry at position 5 says it is 6"},
		{"entry inserted under another key", func(envs [][]byte) [][]byte {
			forged := seal(t, other, testEntry{Seq: 8, Event: eventApproved, RecordID: "r"})
			return append(envs, forged)
		}, 8, "entry 8: signed by unknown key " + other.ID},
		{"last entries removed", func(envs [][]byte) [][]byte {
			return envs[:6]
		}, 6, "a checkpoint covers 8 entries but the log has 6: entries were removed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := VerifyLog(tt.tamper(clone(base)), [][]byte{cp}, keys(k))
			assert.False(t, rep.OK)
			assert.Equal(t, tt.firstBad, rep.FirstBad)
			assert.Contains(t, rep.Problem, tt.want)
		})
	}
}

// A history rewritten and re-signed with a stolen key verifies on its own,
// but not against a checkpoint published before the rewrite.
func TestSavedCheckpointCatchesRewrittenHistory(t *testing.T) {
	k := testKey(1)
	envs, saved := testLog(t, k, 6)

	rewritten, _ := testLog(t, k, 0)
	var tree MerkleTree
	prev := ""
	for i := 0; i < 6; i++ {
		note := ""
		if i == 2 {
			note = "quietly changed"
		}
		env := seal(t, k, testEntry{Seq: int64(i), Prev: prev, Event: eventProposed, RecordID: "r", Note: note, Time: "2026-11-23T10:00:00.000000Z"})
		leaf := LeafHash(env)
		_, err := tree.Append(leaf)
		require.NoError(t, err)
		prev = hex.EncodeToString(leaf[:])
		rewritten = append(rewritten, env)
	}
	root, _ := tree.Root(6)
	fresh, err := k.SignCheckpoint(6, root, time.Now())
	require.NoError(t, err)

	b := Bundle{Format: BundleFormat, Entries: rewritten, Checkpoints: []string{string(fresh)}, Keys: []PublicKey{k.Public()}}
	assert.True(t, b.Verify(nil, nil).OK, "the rewrite is self-consistent")
	rep := b.Verify(saved, nil)
	assert.False(t, rep.OK)
	assert.Contains(t, rep.Problem, "history rewritten: the first 6 entries hash to")

	good := Bundle{Format: BundleFormat, Entries: envs, Keys: []PublicKey{k.Public()}}
	assert.True(t, good.Verify(saved, nil).OK)
	// Pinning trusted keys: a bundle's own key list is not taken on faith.
	assert.False(t, good.Verify(saved, keys(testKey(9))).OK)
}

func TestPAE(t *testing.T) {
	// The DSSE specification's worked form: "DSSEv1" SP len SP type SP len SP body.
	assert.Equal(t, "DSSEv1 29 http://example.com/HelloWorld 11 hello world", string(PAE("http://example.com/HelloWorld", []byte("hello world"))))
}

func TestCheckpointRoundTrip(t *testing.T) {
	k := testKey(3)
	_, cp := testLog(t, k, 3)
	got, err := OpenCheckpoint(cp, keys(k))
	require.NoError(t, err)
	assert.Equal(t, int64(3), got.Size)
	_, err = OpenCheckpoint(cp, keys(testKey(4)))
	assert.Error(t, err, "a checkpoint needs the log's key")
}

// appendTo extends a log with entries built by build, returning the new log.
func appendTo(t *testing.T, envs [][]byte, entries ...func(seq int64, prev string) []byte) [][]byte {
	t.Helper()
	for _, build := range entries {
		var env Envelope
		require.NoError(t, json.Unmarshal(envs[len(envs)-1], &env))
		leaf := LeafHash(envs[len(envs)-1])
		envs = append(envs, build(int64(len(envs)), hex.EncodeToString(leaf[:])))
	}
	return envs
}

func TestKeyTrustIsWalkedThroughTheLog(t *testing.T) {
	old, next, attacker := testKey(1), testKey(2), testKey(3)
	base, _ := testLog(t, old, 3)
	all := keys(old, next, attacker) // as if all three sat in the keys table
	rotate := func(cosign bool) func(int64, string) []byte {
		return func(seq int64, prev string) []byte {
			e := testEntry{Seq: seq, Prev: prev, Event: EventKeyRotated, KeyID: next.ID, NewKey: next.Private.Public().(ed25519.PublicKey)}
			payload, err := json.Marshal(e)
			require.NoError(t, err)
			var env []byte
			if cosign {
				env, err = old.Seal(payload, next)
			} else {
				env, err = next.Seal(payload)
			}
			require.NoError(t, err)
			return env
		}
	}
	signedBy := func(k SigningKey) func(int64, string) []byte {
		return func(seq int64, prev string) []byte {
			return seal(t, k, testEntry{Seq: seq, Prev: prev, Event: eventApproved, RecordID: "r"})
		}
	}

	rep := VerifyLog(appendTo(t, clone(base), rotate(true), signedBy(next)), nil, all)
	assert.True(t, rep.OK, "a rotation signed by the old and the new key: %s", rep.Problem)

	rep = VerifyLog(appendTo(t, clone(base), rotate(false)), nil, all)
	assert.False(t, rep.OK)
	assert.Equal(t, "entry 3: not signed by any trusted key", rep.Problem)

	rep = VerifyLog(appendTo(t, clone(base), signedBy(attacker)), nil, all)
	assert.False(t, rep.OK, "a key added to the keys table signs nothing trusted")
	assert.Equal(t, "entry 3: signed by key "+attacker.ID+", which no earlier entry introduced", rep.Problem)
}
