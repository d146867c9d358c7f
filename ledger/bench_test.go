package ledger

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"sync"
	"testing"
	"time"
)

const benchEntries = 100_000

var (
	benchOnce sync.Once
	benchEnvs [][]byte
	benchCP   []byte
	benchKey  SigningKey
)

// benchLog builds a 100,000-entry log once per benchmark binary.
func benchLog(b *testing.B) ([][]byte, []byte, SigningKey) {
	benchOnce.Do(func() {
		benchKey = testKey(7)
		var tree MerkleTree
		prev := ""
		at := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
		for i := 0; i < benchEntries; i++ {
			payload, _ := json.Marshal(testEntry{Seq: int64(i), Prev: prev, Time: LogTime(at), Event: eventApproved,
				RecordID: "6f1c1a3e-1b7e-4c41-9a51-0d5c9a5b0d11", Actor: testActor{ID: "6f1c1a3e-1b7e-4c41-9a51-0d5c9a5b0d12", Email: "ana@example.com"}})
			env, _ := benchKey.Seal(payload)
			leaf := LeafHash(env)
			_, _ = tree.Append(leaf)
			prev = hex.EncodeToString(leaf[:])
			benchEnvs = append(benchEnvs, env)
		}
		root, _ := tree.Root(tree.Size())
		benchCP, _ = benchKey.SignCheckpoint(tree.Size(), root, at)
	})
	return benchEnvs, benchCP, benchKey
}

// BenchmarkVerify100k compares verifying a 100,000-entry log (signatures,
// links, Merkle tree, checkpoint) with only the 100,000 ed25519.Verify calls
// over the same envelopes' PAE bytes.
func BenchmarkVerify100k(b *testing.B) {
	envs, cp, key := benchLog(b)
	pub := key.Private.Public().(ed25519.PublicKey)
	b.Run("raw-ed25519", func(b *testing.B) {
		msgs := make([][]byte, len(envs))
		sigs := make([][]byte, len(envs))
		for i, raw := range envs {
			var env Envelope
			_ = json.Unmarshal(raw, &env)
			msgs[i], sigs[i] = PAE(env.PayloadType, env.Payload), env.Signatures[0].Sig
		}
		b.ResetTimer()
		for b.Loop() {
			for i := range msgs {
				if !ed25519.Verify(pub, msgs[i], sigs[i]) {
					b.Fatal("bad signature")
				}
			}
		}
	})
	b.Run("meshwise", func(b *testing.B) {
		keys := map[string]ed25519.PublicKey{key.ID: pub}
		for b.Loop() {
			if rep := VerifyLog(envs, [][]byte{cp}, keys); !rep.OK {
				b.Fatal(rep.Problem)
			}
		}
	})
}
