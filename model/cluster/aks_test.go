package cluster

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
)

func readAs(t *testing.T, inv *Inventory, in Input, file string) {
	t.Helper()
	fh := open(t, file)
	defer fh.Close()
	require.NoError(t, inv.ReadAs(in, file, fh), file)
}

// az aks show (a real public output, testdata/README.md) with the
// cluster's nodes and pods prefills cluster, resource group, SKU, max pods,
// the Cilium dataplane and spare room.
func TestAKSShowPrefillsTheClusterFacts(t *testing.T) {
	inv := New(false)
	readAs(t, inv, AKS, "aks-show.json")
	readAs(t, inv, Nodes, "nodes-aks.json")
	readAs(t, inv, Pods, "pods-istio.json")
	require.NotNil(t, inv.AKS)
	assert.Equal(t, AKSCluster{Name: "skg-aks-cluster", ResourceGroup: "aks-test-rg", Location: "australiaeast", KubernetesVersion: "1.32.9", Tier: "Free",
		NetworkPlugin: "azure", NetworkPluginMode: "overlay", NetworkDataplane: "cilium", NetworkPolicy: "cilium", MeshMode: "Istio", MeshRevisions: []string{"asm-1-26"}}, *inv.AKS)
	pools := inv.SortedPools()
	require.Len(t, pools, 2, "az's pools and the nodes' pools are the same two")
	assert.Equal(t, "agentpool", pools[0].Name)
	assert.Equal(t, 1, pools[0].Nodes)
	assert.Equal(t, 1, pools[0].AKSCount)
	assert.Equal(t, 110, pools[0].MaxPods)
	assert.Equal(t, 2, pools[0].AppPods, "reviews and ratings; coredns is platform")
	assert.Equal(t, "Standard_D2as_v5", pools[1].InstanceType, "a VirtualMachines pool's size from its manual scale profile")
	assert.Equal(t, 30, pools[1].MaxPods)

	p, err := inv.Prefill()
	require.NoError(t, err)
	a := p.Assessment
	require.NoError(t, a.Validate())
	assert.Equal(t, "skg-aks-cluster", a.Cluster)
	assert.Equal(t, "aks-test-rg", a.ResourceGroup)
	assert.Equal(t, Measured, p.Fields["cluster"].Source)
	assert.Equal(t, Measured, p.Fields["resource_group"].Source)
	assert.True(t, a.CiliumCNI)
	assert.Equal(t, Measured, p.Fields["cilium_cni"].Source)
	assert.Equal(t, model.CustomSKU, a.NodeSKU, "Standard_D2as_v5 is not in the catalog")
	assert.Equal(t, 2, a.CustomSKU.VCPU)
	assert.Equal(t, "7.75", a.CustomSKU.MemoryGiB.StringFixed(2), "8131668Ki = 7.755 GiB")
	assert.Equal(t, 110, a.MaxPodsPerNode, "the chosen pool's maxPods")
	assert.Equal(t, 2, a.Nodes)
	assert.Equal(t, 3, a.Pods)
	// Spare room: 2 × 1900m allocatable less 200m (reviews: app and
	// sidecar) + 200m (ratings: app and native sidecar) + 600m (orders) +
	// 100m (coredns) = 2.70 cores; 2 × 5694612Ki less 384+256+640+70 Mi.
	assert.Equal(t, "2.7", a.SpareCores.String())
	assert.Equal(t, "9.54", a.SpareGiB.StringFixed(2))
	assert.Equal(t, Derived, p.Fields["spare_cores"].Source)
}

// az aks nodepool list alone: node counts, autoscaler bounds, max pods,
// the resource group.
func TestNodePoolListAlone(t *testing.T) {
	inv := New(false)
	readAs(t, inv, NodePools, "aks-nodepools.json")
	pools := inv.SortedPools()
	require.Len(t, pools, 2)
	assert.Equal(t, Pool{Name: "mynodepool", InstanceType: "Standard_DS2_v2", AKSCount: 3, MaxPods: 110, Mode: "System", FromAKS: true}, pools[0])
	assert.Equal(t, Pool{Name: "userpool", InstanceType: "Standard_D4s_v5", Known: true, AKSCount: 4, Autoscale: true, MinCount: 2, MaxCount: 10, MaxPods: 250, Mode: "User", FromAKS: true}, pools[1])
	p, err := inv.Prefill()
	require.NoError(t, err)
	assert.Equal(t, 7, p.Assessment.Nodes)
	assert.Equal(t, Measured, p.Fields["nodes"].Source)
	assert.Equal(t, "Standard_D4s_v5", p.Assessment.NodeSKU, "more nodes, and a user pool")
	assert.Equal(t, 250, p.Assessment.MaxPodsPerNode)
	assert.Equal(t, "myResourceGroup", p.Assessment.ResourceGroup)

	err = New(false).ReadAs(Nodes, "aks-nodepools.json", open(t, "aks-nodepools.json"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "was given as --nodes but holds nodepools objects")
}

// An Istio-sidecar cluster with a PodMetricsList: measured proxy use
// beside the model, and each other option's projected saving, checked by
// hand from the catalog's requests (REFERENCE.md).
func TestIstioSidecarClusterWithMetrics(t *testing.T) {
	inv := New(false)
	readAs(t, inv, AKS, "aks-show.json")
	readAs(t, inv, Nodes, "nodes-aks.json")
	readAs(t, inv, Pods, "pods-istio.json")
	readAs(t, inv, Metrics, "podmetrics-istio.json")
	assert.Equal(t, 3, inv.Mesh.IstioSidecars)
	assert.Equal(t, 1, inv.Mesh.NativeSidecars, "ratings runs istio-proxy as a native sidecar")
	// 2876544n rounds up to 2877µ; then 3m and 5m.
	assert.Equal(t, int64(2877+3000+5000), inv.Mesh.ProxyUseCPUu)
	assert.Equal(t, int64(49152+47104+51200)*1024, inv.Mesh.ProxyUseMemB)
	assert.Equal(t, int64(4124+1000+20000), inv.Mesh.AppUseCPUu, "apps only; coredns is platform")

	p, err := inv.Prefill()
	require.NoError(t, err)
	a := p.Assessment
	a.CustomSKU.HourlyPrice = decimal.RequireFromString("0.096") // the price the user enters
	w, ok, err := inv.WhatIf(a)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, model.OptionIstioSidecar, w.Mesh)
	assert.Equal(t, 3, w.MeshedPods)
	require.Len(t, w.Namespaces, 2)
	assert.Equal(t, "bookinfo", w.Namespaces[0].Namespace)
	assert.Equal(t, "0.2", w.Namespaces[0].Requests.Cores.String())
	assert.Equal(t, "0.005877", w.Namespaces[0].Used.Cores.String())
	// Today: 3 sidecars × 100m / 128Mi requested; 0.010877 cores and
	// 144Mi used.
	assert.Equal(t, "0.3", w.Requests.Cores.String())
	assert.Equal(t, "0.375", w.Requests.GiB.String())
	assert.Equal(t, "0.010877", w.Used.Cores.String())
	assert.Equal(t, "0.1406", w.Used.GiB.String())
	// The model for the same pods: 3 sidecars + istio-cni on 2 nodes.
	require.NotNil(t, w.Predicted)
	assert.Equal(t, "0.5", w.Predicted.Requests.Cores.String())
	assert.Equal(t, "0.5703125", w.Predicted.Requests.GiB.String())

	byID := map[string]Projection{}
	for _, o := range w.Options {
		byID[o.Option] = o
	}
	require.Len(t, byID, len(model.Catalog)-1) // every option but the mesh that runs
	want := map[string][2]string{              // requests saved: cores, GiB
		// ztunnel 200m/512Mi + istio-cni 100m/100Mi on each of 2 nodes.
		model.OptionIstioAmbient: {"-0.3", "-0.8203125"},
		// 3 linkerd-proxy × 100m / 20Mi.
		model.OptionLinkerd: {"0", "0.31640625"},
		// Cilium already is the dataplane; no L7 asked: no agents to add.
		model.OptionCilium:        {"0.3", "0.375"},
		model.OptionIngressCanary: {"0.3", "0.375"},
		model.OptionNoMesh:        {"0.3", "0.375"},
	}
	// Unit prices: GiB-hour = 0.096 / (2 × 7.46 + 7.75), core-hour = 7.46 × that.
	gibHour := decimal.RequireFromString("0.096").Div(decimal.RequireFromString("22.67"))
	coreHour := gibHour.Mul(decimal.RequireFromString("7.46"))
	for id, saved := range want {
		o := byID[id]
		got := []decimal.Decimal{o.SavedLow.Cores, o.SavedHigh.Cores, o.SavedLow.GiB, o.SavedHigh.GiB}
		reqCores, reqGiB := decimal.RequireFromString(saved[0]), decimal.RequireFromString(saved[1])
		assert.True(t, got[0].LessThanOrEqual(reqCores) && got[1].GreaterThanOrEqual(reqCores), "%s cores %s in [%s, %s]", id, reqCores, got[0], got[1])
		assert.True(t, got[2].LessThanOrEqual(reqGiB) && got[3].GreaterThanOrEqual(reqGiB), "%s GiB %s in [%s, %s]", id, reqGiB, got[2], got[3])
		money := reqCores.Mul(coreHour).Add(reqGiB.Mul(gibHour)).Mul(decimal.NewFromInt(730)).Round(2)
		assert.True(t, o.MoneyLow.LessThanOrEqual(money) && o.MoneyHigh.GreaterThanOrEqual(money), "%s money %s in [%s, %s]", id, money, o.MoneyLow, o.MoneyHigh)
	}
	assert.Equal(t, "0.98", decimal.RequireFromString("0.31640625").Mul(gibHour).Mul(decimal.NewFromInt(730)).Round(2).String(), "Linkerd saves about 0.98 a month of memory")
}

func open(t *testing.T, file string) *os.File {
	t.Helper()
	fh, err := os.Open(filepath.Join("testdata", file))
	require.NoError(t, err)
	t.Cleanup(func() { fh.Close() })
	return fh
}
