package ledger

import (
	"bytes"
	"encoding/json"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeBundle(t *testing.T, key SigningKey, envs [][]byte, cps ...[]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	var notes []string
	for _, c := range cps {
		notes = append(notes, string(c))
	}
	bw, err := NewBundleWriter(&buf, []PublicKey{key.Public()}, notes)
	require.NoError(t, err)
	for _, e := range envs {
		require.NoError(t, bw.Entry(e))
	}
	require.NoError(t, bw.Close())
	return buf.Bytes()
}

func TestBundleStreamsRoundTrip(t *testing.T) {
	k := testKey(1)
	envs, cp := testLog(t, k, 12)
	raw := writeBundle(t, k, envs, cp)

	var b Bundle
	require.NoError(t, json.Unmarshal(raw, &b), "a streamed bundle is plain JSON")
	assert.Equal(t, BundleFormat, b.Format)
	assert.Equal(t, envs, b.Entries)
	assert.True(t, b.Verify(nil, nil).OK)

	rep, sum, err := VerifyBundle(bytes.NewReader(raw), nil, nil)
	require.NoError(t, err)
	assert.True(t, rep.OK, rep.Problem)
	assert.Equal(t, int64(12), rep.Entries)
	assert.Equal(t, 1, rep.Checkpoints)
	assert.Len(t, sum.Checkpoints, 1)

	// Another writer's key order (entries first) still verifies.
	old, err := json.Marshal(struct {
		Format  string      `json:"format"`
		Entries [][]byte    `json:"entries"`
		Cps     []string    `json:"checkpoints"`
		Keys    []PublicKey `json:"keys"`
	}{BundleFormat, envs, []string{string(cp)}, []PublicKey{k.Public()}})
	require.NoError(t, err)
	rep, _, err = VerifyBundle(bytes.NewReader(old), nil, nil)
	require.NoError(t, err)
	assert.True(t, rep.OK, rep.Problem)

	tampered := clone(envs)
	tampered = append(tampered[:4], tampered[5:]...)
	rep, _, err = VerifyBundle(bytes.NewReader(writeBundle(t, k, tampered, cp)), nil, nil)
	require.NoError(t, err)
	assert.False(t, rep.OK)
	assert.Equal(t, int64(4), rep.FirstBad)

	for _, bad := range []string{``, `[]`, `{"format":"other"}`, `{"format":"meshwise-bundle/1","entries":{}}`, `{"entries":["!!"]}`} {
		_, _, err := VerifyBundle(strings.NewReader(bad), nil, nil)
		assert.Error(t, err, bad)
	}
}

// Verifying a streamed bundle holds one entry at a time: 20,000 entries of
// 16 KiB (320 MiB of envelopes) verify within a small, fixed heap.
func TestVerifyBundleMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("large")
	}
	k := testKey(5)
	pad := strings.Repeat("x", 16<<10)
	pr, pw := ioPipe()
	go func() {
		bw, _ := NewBundleWriter(pw, []PublicKey{k.Public()}, nil)
		prev := ""
		for i := 0; i < 20_000; i++ {
			env := seal(t, k, testEntry{Seq: int64(i), Prev: prev, Event: eventProposed, RecordID: "r", Note: pad})
			leaf := LeafHash(env)
			prev = hexOf(leaf[:])
			if bw.Entry(env) != nil {
				break
			}
		}
		_ = bw.Close()
		_ = pw.Close()
	}()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	peak := uint64(0)
	done := make(chan struct{})
	go func() {
		defer close(done)
		rep, _, err := VerifyBundle(pr, nil, nil)
		assert.NoError(t, err)
		assert.True(t, rep.OK, rep.Problem)
		assert.Equal(t, int64(20_000), rep.Entries)
	}()
	for {
		select {
		case <-done:
			runtime.ReadMemStats(&after)
			if after.HeapInuse > peak {
				peak = after.HeapInuse
			}
			growth := int64(peak) - int64(before.HeapInuse)
			t.Logf("peak heap growth %.1f MiB for 320 MiB of envelopes", float64(growth)/(1<<20))
			assert.Less(t, growth, int64(64<<20))
			return
		default:
			runtime.ReadMemStats(&after)
			if after.HeapInuse > peak {
				peak = after.HeapInuse
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
}
