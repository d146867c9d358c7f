package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/ledger"
	"meshwise/model"
)

// approvedBundle writes a bundle whose log proposes and approves record
// r-1: Istio ambient for namespaces a and b, priced for 10 pods on 3 nodes.
func approvedBundle(t *testing.T, reviewBy string, events ...string) string {
	t.Helper()
	a := model.DefaultAssessment()
	a.Pods, a.Nodes, a.Namespaces = 10, 3, 2
	est, err := model.Compute(a)
	require.NoError(t, err)
	rec := model.DecisionRecord{Title: "ambient for a and b", Cluster: "prod", Option: model.OptionIstioAmbient, OptionName: "Istio ambient", Owner: "ana@example.com",
		Scope: []string{"a", "b"}, Rationale: "L4 mTLS at the lowest tax", ReviewBy: reviewBy, Estimate: &est}
	seed := make([]byte, ed25519.SeedSize)
	seed[0] = 7
	key := ledger.NewSigningKey(ed25519.NewKeyFromSeed(seed))
	var envs [][]byte
	prev := ""
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for i, ev := range append([]string{model.EventProposed}, events...) {
		e := model.LogEntry{Seq: int64(i), Prev: prev, Time: ledger.LogTime(at.Add(time.Duration(i) * time.Minute)), Event: ev, RecordID: "r-1",
			Actor: model.Actor{ID: fmt.Sprint(i), Email: fmt.Sprintf("p%d@example.com", i), Role: model.RoleApprover}}
		if ev == model.EventProposed {
			e.Record = &rec
		}
		payload, err := ledger.Canonical(e)
		require.NoError(t, err)
		env, err := key.Seal(payload)
		require.NoError(t, err)
		leaf := ledger.LeafHash(env)
		prev = hex.EncodeToString(leaf[:])
		envs = append(envs, env)
	}
	b := ledger.Bundle{Format: ledger.BundleFormat, Entries: envs, Keys: []ledger.PublicKey{key.Public()}}
	require.True(t, b.Verify(nil, nil).OK, b.Verify(nil, nil).Problem)
	raw, err := json.Marshal(b)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "bundle.json")
	require.NoError(t, os.WriteFile(path, raw, 0o600))
	return path
}

// podsFile writes a pod list: ambient pods in a and b, three ztunnels in
// istio-system, and extra pods given as JSON items.
func podsFile(t *testing.T, extra ...string) string {
	t.Helper()
	items := []string{}
	for i, ns := range []string{"a", "a", "b"} {
		items = append(items, fmt.Sprintf(`{"kind":"Pod","metadata":{"name":"app-%d","namespace":%q,"uid":"u%d","annotations":{"ambient.istio.io/redirection":"enabled"}},"spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":"100m"}}}]},"status":{"phase":"Running"}}`, i, ns, i))
	}
	for i := 0; i < 3; i++ {
		items = append(items, fmt.Sprintf(`{"kind":"Pod","metadata":{"name":"ztunnel-%d","namespace":"istio-system","uid":"z%d","labels":{"app":"ztunnel"}},"spec":{"containers":[{"name":"istio-proxy","resources":{"requests":{"cpu":"200m","memory":"512Mi"}}}]},"status":{"phase":"Running"}}`, i, i))
	}
	items = append(items, extra...)
	path := filepath.Join(t.TempDir(), "pods.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"kind":"PodList","apiVersion":"v1","items":[`+strings.Join(items, ",")+`]}`), 0o600))
	return path
}

func runCheckAt(t *testing.T, day string, args ...string) (string, error) {
	t.Helper()
	at, err := time.Parse("2006-01-02", day)
	require.NoError(t, err)
	var out, errOut bytes.Buffer
	err = runCheck(context.Background(), args, envOf(nil), func() time.Time { return at }, &out, &errOut)
	return out.String(), err
}

func TestCheckFindsDriftFromTheApprovedRecord(t *testing.T) {
	bundle := approvedBundle(t, "2027-06-01", model.EventApproved)
	sidecarInC := `{"kind":"Pod","metadata":{"name":"rogue","namespace":"c","uid":"c1"},"spec":{"initContainers":[{"name":"istio-init"}],"containers":[{"name":"app"},{"name":"istio-proxy","resources":{"requests":{"cpu":"100m","memory":"128Mi"}}}]},"status":{"phase":"Running"}}`

	out, err := runCheckAt(t, "2027-01-10", "--bundle", bundle, "--record", "r-1", "--pods", podsFile(t))
	require.NoError(t, err, out)
	assert.Contains(t, out, "clean: the cluster matches record r-1 (istio-ambient, tolerance 25%)")

	out, err = runCheckAt(t, "2027-01-10", "--bundle", bundle, "--record", "r-1", "--pods", podsFile(t, sidecarInC))
	var ee exitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, 4, ee.code)
	assert.Contains(t, out, "namespace c runs istio-sidecar (1 meshed pods) but is outside the approved scope (a, b)")
	assert.Contains(t, out, "namespace c runs istio-sidecar, but the decision chose istio-ambient")

	out, err = runCheckAt(t, "2027-01-10", "--bundle", bundle, "--record", "r-1", "--pods", podsFile(t, sidecarInC), "-o", "json")
	require.ErrorAs(t, err, &ee)
	var rep model.DriftReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.Len(t, rep.Findings, 2)
	assert.Equal(t, model.DriftOutOfScope, rep.Findings[0].Code)
	assert.Equal(t, "c", rep.Findings[0].Namespace)

	out, err = runCheckAt(t, "2027-06-02", "--bundle", bundle, "--record", "r-1", "--pods", podsFile(t))
	require.ErrorAs(t, err, &ee)
	assert.Contains(t, out, "review was due on 2027-06-01")

	superseded := approvedBundle(t, "2027-06-01", model.EventApproved, model.EventSuperseded)
	out, err = runCheckAt(t, "2027-01-10", "--bundle", superseded, "--record", "r-1", "--pods", podsFile(t))
	require.ErrorAs(t, err, &ee)
	assert.Contains(t, out, "was superseded")
}

func TestCheckInputErrorsExitTwo(t *testing.T) {
	bundle := approvedBundle(t, "2027-06-01", model.EventApproved)
	tampered := filepath.Join(t.TempDir(), "tampered.json")
	raw, err := os.ReadFile(bundle)
	require.NoError(t, err)
	var b ledger.Bundle
	require.NoError(t, json.Unmarshal(raw, &b))
	b.Entries[0] = bytes.Replace(b.Entries[0], []byte(`"sig":"`), []byte(`"sig":"AAAA`), 1)
	raw, _ = json.Marshal(b)
	require.NoError(t, os.WriteFile(tampered, raw, 0o600))
	nodes := filepath.Join(clusterData, "nodes.json")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no record", []string{"--bundle", bundle, "--pods", podsFile(t)}, "usage: meshwise check"},
		{"unknown record", []string{"--bundle", bundle, "--record", "r-9", "--pods", podsFile(t)}, `no record "r-9"`},
		{"tampered bundle", []string{"--bundle", tampered, "--record", "r-1", "--pods", podsFile(t)}, "does not verify"},
		{"nodes as pods", []string{"--bundle", bundle, "--record", "r-1", "--pods", nodes}, "was given as --pods but holds nodes objects"},
		{"bad tolerance", []string{"--bundle", bundle, "--record", "r-1", "--pods", podsFile(t), "--tolerance", "-5"}, "--tolerance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), append([]string{"check"}, tt.args...), envOf(nil), &bytes.Buffer{}, &bytes.Buffer{})
			var ue usageError
			require.ErrorAs(t, err, &ue)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
