package cluster

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readAll(t *testing.T, hash bool, files ...string) *Inventory {
	t.Helper()
	inv := New(hash)
	for _, f := range files {
		fh, err := os.Open(filepath.Join("testdata", f))
		require.NoError(t, err)
		require.NoError(t, inv.Read(f, fh), f)
		fh.Close()
	}
	return inv
}

const mi = int64(1) << 20

func TestPodsAreCountedAsTheSchedulerDoes(t *testing.T) {
	inv := readAll(t, false, "pods.json")
	pay := inv.Namespaces["payments"]
	require.NotNil(t, pay)
	assert.Equal(t, 2, pay.Pods, "the Succeeded batch pod is not counted")
	assert.Equal(t, 1, pay.Skipped)
	// pay-1: containers 100m+100m=200m, init 10m → 200m; 128+128 Mi.
	// pay-2: init migrate 1000m runs alone; then the native sidecar (50m)
	// runs beside the app (250m): max(1000, 300) = 1000m; memory
	// max(0, 1536+64) = 1600Mi.
	assert.Equal(t, int64(200+1000), pay.CPUm)
	assert.Equal(t, (256+1600)*mi, pay.MemBytes)
	assert.Equal(t, 2, pay.Injected, "annotation-style and native-sidecar Istio")

	web := inv.Namespaces["web"]
	assert.Equal(t, 2, web.Pods)
	assert.Equal(t, 1, web.NoRequest, "a pod that requests nothing")
	assert.Equal(t, int64(500), web.CPUm, "cpu-only request as a plain decimal: 0.5")
	assert.Zero(t, web.MemBytes)

	chk := inv.Namespaces["checkout"]
	assert.Equal(t, 1, chk.Pods, "the Failed pod is not counted")
	assert.Equal(t, int64(1500), chk.CPUm, "1.5 cores")
	assert.Equal(t, int64(1_000_000_000)+20*mi, chk.MemBytes, "plain bytes plus 20Mi")

	assert.Equal(t, 2, inv.Mesh.IstioSidecars)
	assert.Equal(t, 1, inv.Mesh.LinkerdProxies)
	assert.Equal(t, 1, inv.Mesh.Ztunnels)
	// Proxies' own requests: 100m/128Mi + 50m/64Mi (Istio) + 0/20Mi
	// (Linkerd) + the ztunnel's 200m/512Mi.
	assert.Equal(t, int64(150+200), inv.Mesh.ProxyCPUm)
	assert.Equal(t, (128+64+20+512)*mi, inv.Mesh.ProxyMemBytes)
	assert.Equal(t, "Istio sidecar, Istio ambient, Linkerd", inv.Mesh.Detected())
}

func TestNodesPoolsAndAllocatable(t *testing.T) {
	inv := readAll(t, false, "nodes.json")
	assert.Equal(t, 4, inv.Nodes)
	pools := inv.SortedPools()
	require.Len(t, pools, 3)
	assert.Equal(t, Pool{Name: "(no pool label)", Nodes: 1, AllocCPUm: 2000, AllocMemB: 4096 * mi}, pools[0], "no labels at all")
	assert.Equal(t, "system", pools[1].Name, "pool from the plain agentpool label")
	assert.Equal(t, "Standard_Z9_custom", pools[1].InstanceType, "instance type from the beta label")
	assert.False(t, pools[1].Known, "unknown SKUs are flagged for a price")
	assert.Equal(t, Pool{Name: "user", InstanceType: "Standard_D4s_v5", Nodes: 2, AllocCPUm: 7720, AllocMemB: 2 * 12188 * mi, CapCPUm: 8000, CapMemB: 2 * 16374624 * 1024, Known: true}, pools[2])
	assert.Equal(t, int64(3860+3860+1900+2000), inv.AllocCPUm, "allocatable, not capacity")
}

func TestNamespaceLabelsAndServices(t *testing.T) {
	inv := readAll(t, false, "namespaces.json", "service.json", "services.json")
	assert.Equal(t, []string{"istio.io/rev=asm-1-30"}, inv.Namespaces["payments"].Labels)
	assert.Equal(t, []string{"istio-injection=enabled"}, inv.Namespaces["web"].Labels)
	assert.Equal(t, []string{"linkerd.io/inject=enabled"}, inv.Namespaces["checkout"].Labels)
	assert.Equal(t, 3, inv.Mesh.LabelledNS)
	assert.Equal(t, []string{"asm-1-30"}, inv.Mesh.IstioRevisions)
	assert.Equal(t, 4, inv.Services, "a single object and a typed list")
}

func TestAssessmentFromInventory(t *testing.T) {
	inv := readAll(t, false, "pods.json", "nodes.json", "services.json", "service.json")
	a := inv.Assessment()
	require.NoError(t, a.Validate())
	assert.Equal(t, 5, a.Pods, "workload pods only: payments 2, web 2, checkout 1")
	assert.Equal(t, 3, a.Namespaces)
	assert.Equal(t, 3, a.Services, "kube-dns is platform, not workload")
	assert.Equal(t, 4, a.Nodes)
	assert.Equal(t, "Standard_D4s_v5", a.NodeSKU, "the largest pool's size")
	assert.Equal(t, 250, a.MaxPodsPerNode)
}

func TestHashedNamespaceNames(t *testing.T) {
	inv := readAll(t, true, "pods.json")
	for name := range inv.Namespaces {
		assert.True(t, strings.HasPrefix(name, "ns-"), name)
		assert.NotContains(t, name, "payments")
	}
	assert.Len(t, inv.Namespaces, 4)
}

func TestWrongInputGetsAHelpfulMessage(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"empty", "  \n", "is empty"},
		{"table", `{"kind":"Table","apiVersion":"meta.k8s.io/v1","columnDefinitions":[],"rows":[]}`, "kubectl table (kind: Table): run kubectl with -o json"},
		{"table text", "NAMESPACE     NAME    READY   STATUS\ndefault  web-1   1/1  Running\n", "table output: run `kubectl get pods -A -o json`"},
		{"yaml", "apiVersion: v1\nitems:\n- kind: Pod\n", "-o json, not -o yaml"},
		{"prompt", "$ kubectl get pods -A -o json\n{\"items\":[]}", "shell prompt"},
		{"truncated", `{"apiVersion":"v1","items":[{"metadata":{"name":"a"},"spec":{"containers":[{"name":"x"}`, "is truncated"},
		{"unknown kind", `{"kind":"ConfigMapList","items":[{"kind":"ConfigMap","metadata":{"name":"c"},"data":{}}]}`, `kind "ConfigMap" is not one meshwise reads`},
		{"two documents", `{"kind":"Pod","spec":{"containers":[{"name":"a"}]}}{"kind":"Pod"}`, "more than one JSON document"},
		{"shapeless", `{"items":[{"metadata":{"name":"x"}}]}`, "has no kind"},
		{"garbage", "\x00\x01binary", "is not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := New(false).Read("upload.json", strings.NewReader(tt.body))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "upload.json")
		})
	}
}

func TestUntypedItemsAndBOM(t *testing.T) {
	inv := New(false)
	require.NoError(t, inv.Read("bom.json", strings.NewReader("\xef\xbb\xbf"+`{"items":[{"metadata":{"name":"a","namespace":"x"},"spec":{"containers":[{"name":"c","resources":{"requests":{"cpu":"2","memory":"1Gi"}}}]}}]}`)))
	assert.Equal(t, int64(2000), inv.Namespaces["x"].CPUm)
	assert.Equal(t, int64(1<<30), inv.Namespaces["x"].MemBytes)
}

func FuzzRead(f *testing.F) {
	for _, name := range []string{"pods.json", "nodes.json", "namespaces.json", "service.json", "aks-show.json", "aks-nodepools.json", "podmetrics-istio.json", "pods-istio.json"} {
		b, _ := os.ReadFile(filepath.Join("testdata", name))
		f.Add(b, uint8(0))
	}
	f.Add([]byte(`{"kind":"Table"}`), uint8(1))
	f.Add([]byte(`[{"kind":"Pod","spec":{"containers":[{"name":"a","resources":{"requests":{"cpu":"1e3m"}}}]}}]`), uint8(1))
	f.Add([]byte("\xff\xfe{\x00}\x00"), uint8(2))
	f.Add([]byte(`{"items":[{"kind":"DaemonSet","metadata":{"name":"d"},"spec":{"template":{"spec":{"affinity":{"nodeAffinity":{}}}}}}]}`), uint8(5))
	f.Fuzz(func(t *testing.T, b []byte, which uint8) {
		in := append([]Input{Any}, Inputs...)[int(which)%(len(Inputs)+1)]
		inv := New(which%2 == 1)
		if err := inv.ReadAs(in, "fuzz.json", strings.NewReader(string(b))); err != nil {
			require.Contains(t, err.Error(), "fuzz.json", "every message names the file")
			return
		}
		p, err := inv.Prefill()
		if err != nil {
			return
		}
		require.NoError(t, p.Assessment.Validate(), "a prefill that passed its bounds is a valid assessment")
		_, _, _ = inv.WhatIf(p.Assessment)
		_ = inv.Report()
		_ = inv.Observation()
	})
}
