package model

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// assertDec compares decimals by value, with a readable failure.
func assertDec(t *testing.T, want string, got decimal.Decimal, msgAndArgs ...any) {
	t.Helper()
	assert.True(t, d(want).Equal(got), "want %s, got %s %v", want, got, msgAndArgs)
}

// noRoom is the default assessment with no spare room on today's nodes, as
// the hand-computed cases below were worked out before spare room derived
// from how full the nodes are.
func noRoom() Assessment {
	a := DefaultAssessment()
	a.FillMode = FillSpare
	return a
}

func mustCompute(t *testing.T, a Assessment) Estimate {
	t.Helper()
	e, err := Compute(a)
	require.NoError(t, err)
	return e
}

func component(t *testing.T, o OptionEstimate, key string) ComponentEstimate {
	t.Helper()
	for _, c := range o.Components {
		if c.Key == key {
			return c
		}
	}
	t.Fatalf("option %s has no component %s", o.ID, key)
	return ComponentEstimate{}
}

func option(t *testing.T, e Estimate, id string) OptionEstimate {
	t.Helper()
	o, ok := e.Option(id)
	require.True(t, ok, "option %s", id)
	return o
}

// The seed (002, "Resource impact"): 100 pods with 100m/128Mi sidecars cost
// 10 cores and 12.5 GiB before the control plane; the add-on's istiod at its
// floor of 2 replicas x 500m/2Gi is 1 core and 4 GiB.
func TestSeedAnchor(t *testing.T) {
	e := mustCompute(t, DefaultAssessment())
	sidecar := option(t, e, OptionIstioSidecar)

	proxy := component(t, sidecar, "istio-sidecar/istio-proxy")
	assert.Equal(t, 100, proxy.Replicas)
	assertDec(t, "10", proxy.Requests.CPUCores.Decimal())    // 100 x 100m
	assertDec(t, "12.5", proxy.Requests.MemoryGiB.Decimal()) // 100 x 128Mi = 12800Mi

	istiod := component(t, sidecar, "istio-sidecar/istiod")
	assert.Equal(t, 2, istiod.Replicas, "the add-on cannot go below 2")
	assertDec(t, "1", istiod.Requests.CPUCores.Decimal())  // 2 x 500m
	assertDec(t, "4", istiod.Requests.MemoryGiB.Decimal()) // 2 x 2048Mi
}

// Hand-computed comparison on the default assessment: Standard_D4s_v5
// (4 vCPU, 16 GiB, $0.192/h), 6 nodes, 100 pods, 25 services, 3 namespaces,
// 1000 rps, no L7 need.
//
// Allocatable per node: CPU 4000m - 140m = 3.86 cores; memory 16384Mi - 100Mi
// - min(20 x 250 + 50, 25% x 16384 = 4096) = 12188Mi.
func TestEveryOptionByHand(t *testing.T) {
	e := mustCompute(t, noRoom())
	assertDec(t, "3.86", e.Allocatable.CPUCores)
	assert.Equal(t, int64(16384-12188), e.Allocatable.ReservedMemMiB)

	tests := []struct {
		id         string
		cpu, gib   string
		addedNodes int
		why        string
	}{
		{OptionIstioSidecar, "12.2", "17.7265625", 4,
			"sidecars 100x(100m,128Mi)=10c,12800Mi; istiod 2x(500m,2048Mi)=1c,4096Mi; gateway 2x(100m,128Mi)=0.2c,256Mi; " +
				"istio-cni (6+4)x(100m,100Mi)=1c,1000Mi → 12.2c, 18152Mi; nodes: 11.2+0.1x(6+n) ≤ 3.86n → n=4"},
		{OptionIstioAmbient, "2.7", "6.30859375", 1,
			"ztunnel (6+1)x(200m,512Mi); istio-cni 7x(100m,100Mi); istiod 1x(500m,2048Mi); gateway 1x(100m,128Mi) → 2.7c, 6460Mi; n=1"},
		{OptionLinkerd, "12.1", "2.59765625", 4,
			"proxies 100x(100m,20Mi)=10c,2000Mi; destination, sp-validator, proxy-injector 3x(100m,50Mi) each; identity 3x(100m,10Mi); " +
				"9 control-plane proxies x(100m,20Mi) → 12.1c, 2660Mi; 12.1/3.86 → 4"},
		{OptionCilium, "0.85", "3.8125", 1,
			"agent (6+1)x(100m,512Mi); operator 2x(50m,128Mi); relay 1x(50m,64Mi) → 0.85c, 3904Mi; n=1"},
		{OptionIngressCanary, "1.21", "4.28125", 1,
			"istiod 2x(500m,2048Mi); gateway 2x(100m,128Mi); flagger 10m,32Mi → 1.21c, 4384Mi; n=1"},
		{OptionNoMesh, "0", "0", 0, "nothing deployed"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			o := option(t, e, tt.id)
			assertDec(t, tt.cpu, o.Requests.CPUCores.Decimal(), tt.why)
			assertDec(t, tt.gib, o.Requests.MemoryGiB.Decimal(), tt.why)
			assert.Equal(t, tt.addedNodes, o.AddedNodes, tt.why)
			assert.True(t, o.NodesFeasible)
		})
	}
}

// Money on the sidecar option, by hand: GiB-hour = 0.192 / (4 x 7.46 + 16)
// = 0.0041884816753926...; core-hour = 7.46 x that = 0.0312460732984293...
// Requests: (12.2 x core-hour + 17.7265625 x GiB-hour) x 730 = 332.4781178...
// Whole nodes: 4 x 0.192 x 730 = 560.64.
func TestMoneyByHand(t *testing.T) {
	e := mustCompute(t, noRoom())
	o := option(t, e, OptionIstioSidecar)
	assertDec(t, "560.64", o.Monthly.NodesAdded)
	assertDec(t, "332.48", o.Monthly.Requests.Round(2))
	assertDec(t, "0.00419", e.UnitPrices.GiBHour.Round(5))
	assertDec(t, "0.03125", e.UnitPrices.CoreHour.Round(5)) // REFERENCE.md: Dsv5 at r 7.46
	// The split adds back up to the node price; rounding waits for presentation.
	back := e.UnitPrices.CoreHour.Mul(d("4")).Add(e.UnitPrices.GiBHour.Mul(d("16")))
	assert.True(t, back.Sub(d("0.192")).Abs().LessThan(d("1e-14")), "parts add back to the node price, got %s", back)
	assertDec(t, "0", option(t, e, OptionNoMesh).Monthly.Total)
}

// Across a node boundary: sidecar requests are 0.1 x pods + 1.2 (istiod,
// gateway) + 0.1 x (6 + n) (istio-cni). With n = 4, 0.1p + 2.2 ≤ 15.44 holds
// up to p = 132; p = 133 needs a fifth node.
func TestNodePackingAcrossABoundary(t *testing.T) {
	tests := []struct {
		pods, added int
	}{{132, 4}, {133, 5}}
	for _, tt := range tests {
		a := noRoom()
		a.Pods = tt.pods
		o := option(t, mustCompute(t, a), OptionIstioSidecar)
		assert.Equal(t, tt.added, o.AddedNodes, "pods=%d", tt.pods)
	}
}

// The per-node fixed point: a custom 2 vCPU node keeps 1.9 cores; ambient
// with ztunnel overridden to 900m asks 1.0 core per node plus 0.6 fixed.
// n: 0 → ⌈6.6/1.9⌉=4 → ⌈10.6/1.9⌉=6 → ⌈12.6/1.9⌉=7 → ⌈13.6/1.9⌉=8 → ⌈14.6/1.9⌉=8.
func TestPerNodeFixedPoint(t *testing.T) {
	a := noRoom()
	a.NodeSKU = CustomSKU
	a.CustomSKU = &NodeSKU{VCPU: 2, MemoryGiB: d("16"), HourlyPrice: d("0.1")}
	cpu := 900
	a.Overrides = map[string]Override{"istio-ambient/ztunnel": {CPUm: &cpu}}
	o := option(t, mustCompute(t, a), OptionIstioAmbient)
	assert.Equal(t, 8, o.AddedNodes)
	assert.Equal(t, 5, o.NodeIterations)
	assertDec(t, "14.6", o.Requests.CPUCores.Decimal(), "0.6 + 14 x 1.0")
	assert.Equal(t, 14, component(t, o, "istio-ambient/ztunnel").Replicas, "per-node agents run on added nodes too")
	assert.True(t, component(t, o, "istio-ambient/ztunnel").Overridden)
}

func TestPerNodeAgentsLargerThanANodeAreInfeasible(t *testing.T) {
	a := DefaultAssessment()
	cpu := 4000
	a.Overrides = map[string]Override{"istio-sidecar/istio-cni": {CPUm: &cpu}}
	o := option(t, mustCompute(t, a), OptionIstioSidecar)
	assert.False(t, o.NodesFeasible)
	assert.Contains(t, o.Notes[len(o.Notes)-1], "larger SKU")
}

// Telemetry by hand for the sidecar option with tracing and audit logs:
//
//	series  = 25 services x 3 callees x 134 x 2 codes = 20,100
//	samples = 20,100 x 730 h x 3600 / 30 s = 1,760,760,000 → x 0.16 / 1e7 = 28.172160
//	spans   = 1000 rps x 2,628,000 s x 2 x 1% = 52,560,000 → x 1024 B = 53.82144 GB → x 2.30 = 123.789312
//	logs    = 1000 x 2,628,000 x 585 B = 1537.38 GB → x 2.30 = 3535.974
func TestTelemetryByHand(t *testing.T) {
	a := DefaultAssessment()
	a.Needs.Tracing, a.Needs.AuditLogs = true, true
	o := option(t, mustCompute(t, a), OptionIstioSidecar)
	tel := o.Telemetry
	assert.Equal(t, int64(20_100), tel.MetricSeries)
	assertDec(t, "1760760000", tel.MetricSamplesPerMonth)
	assertDec(t, "28.17216", tel.MetricsCost)
	assertDec(t, "52560000", tel.SpansPerMonth)
	assertDec(t, "53.82144", tel.TraceGB)
	assertDec(t, "123.789312", tel.TracesCost)
	assertDec(t, "1537.38", tel.AccessLogGB)
	assertDec(t, "3535.974", tel.LogsCost)
	assertDec(t, "3687.935472", o.Monthly.Telemetry)
	assert.True(t, o.Monthly.Total.Equal(o.Monthly.Requests.Add(o.Monthly.Telemetry)))

	none := option(t, mustCompute(t, a), OptionNoMesh)
	assertDec(t, "0", none.Monthly.Telemetry, "no mesh emits no mesh telemetry")
}

func TestLatencyBySource(t *testing.T) {
	tests := []struct {
		source, option, perHopP99, p99 string
	}{
		{LatencyAKS, OptionIstioSidecar, "1.45", "4.35"},        // 3 hops x 1.45 ms
		{LatencyUpstream, OptionIstioSidecar, "0.298", "0.894"}, // 3 x 0.298
		{LatencyAKS, OptionIstioAmbient, "0.2", "0.6"},          // two ztunnels
		{LatencyAKS, OptionLinkerd, "0.432", "1.296"},           // 1450 x 693/2323 = 432 µs
		{LatencyAKS, OptionCilium, "0", "0"},
		{LatencyAKS, OptionNoMesh, "0", "0"},
	}
	for _, tt := range tests {
		t.Run(tt.source+"/"+tt.option, func(t *testing.T) {
			a := DefaultAssessment()
			a.LatencySource = tt.source
			o := option(t, mustCompute(t, a), tt.option)
			assertDec(t, tt.perHopP99, o.Latency.PerHopP99)
			assertDec(t, tt.p99, o.Latency.P99)
			assert.NotEmpty(t, o.Latency.Sources)
		})
	}
	// With an L7 need, ambient adds a waypoint taken as half an AKS sidecar
	// pair: 200 + 725 = 925 µs per hop.
	a := DefaultAssessment()
	a.Needs.L7Split = true
	o := option(t, mustCompute(t, a), OptionIstioAmbient)
	assertDec(t, "0.925", o.Latency.PerHopP99)
	assert.Equal(t, 3, component(t, o, "istio-ambient/waypoint").Replicas, "one waypoint per onboarded namespace")
}

func TestCiliumAlreadyTheCNI(t *testing.T) {
	a := DefaultAssessment()
	a.CiliumCNI = true
	o := option(t, mustCompute(t, a), OptionCilium)
	require.Len(t, o.Components, 1, "only hubble-relay is new when Cilium already runs")
	assertDec(t, "0.05", o.Requests.CPUCores.Decimal())
}

func TestUpgradeWindowDoublesIstiod(t *testing.T) {
	a := DefaultAssessment()
	a.UpgradeWindow = true
	o := option(t, mustCompute(t, a), OptionIstioSidecar)
	assert.Equal(t, 4, component(t, o, "istio-sidecar/istiod").Replicas)
	o = option(t, mustCompute(t, a), OptionIngressCanary)
	assert.Equal(t, 2, component(t, o, "ingress-canary/approuting-istiod").Replicas, "AKS runs App Routing's upgrades")
}

func TestIstiodScalesWithLoad(t *testing.T) {
	a := DefaultAssessment()
	a.Nodes = 200
	a.Pods = 1000 // AKS fit: 1000 x 0.6m + 25 x 3m = 0.675 cores → ⌈0.675 / 0.4⌉ = 2 replicas
	o0 := option(t, mustCompute(t, a), OptionIstioSidecar)
	assert.Equal(t, 2, component(t, o0, "istio-sidecar/istiod").Replicas)
	a.Pods = 3000 // 1.875 cores → ⌈4.69⌉ = 5 replicas
	o := option(t, mustCompute(t, a), OptionIstioSidecar)
	assert.Equal(t, 5, component(t, o, "istio-sidecar/istiod").Replicas)
	a.Pods = 40_000 // capped by the HPA's max of 5
	o = option(t, mustCompute(t, a), OptionIstioSidecar)
	assert.Equal(t, 5, component(t, o, "istio-sidecar/istiod").Replicas)
}

func TestUsageFromPublishedFigures(t *testing.T) {
	// 1000 rps crosses two sidecars: 2000 proxy-passes x 0.20 vCPU / 1000 =
	// 0.4 cores; memory 100 x 60 MB.
	o := option(t, mustCompute(t, DefaultAssessment()), OptionIstioSidecar)
	proxy := component(t, o, "istio-sidecar/istio-proxy")
	assert.True(t, proxy.UsageEstimated)
	assertDec(t, "0.4", proxy.Usage.CPUCores.Decimal())
	assertDec(t, "5.587935447692871", proxy.Usage.MemoryGiB.Decimal().Round(15)) // 6e9 B / 2^30
	gw := component(t, o, "istio-sidecar/ingress-gateway")
	assert.False(t, gw.UsageEstimated)
	assert.Equal(t, StatusAssumption, Sources[gw.UsageSource].Status)
	assert.True(t, gw.Usage.CPUCores == gw.Requests.CPUCores, "no figure: usage shown at the request")
}

func TestModelVersionRecorded(t *testing.T) {
	e := mustCompute(t, DefaultAssessment())
	assert.Equal(t, ModelVersion, e.ModelVersion)
	assert.NotEmpty(t, ModelVersion)
}

func TestComputeRejectsInvalidInput(t *testing.T) {
	a := DefaultAssessment()
	a.Pods = -1
	_, err := Compute(a)
	require.Error(t, err)
	assert.Equal(t, EINVALID, ErrorCode(err))
}

func TestQuantityText(t *testing.T) {
	tests := []struct {
		got  fmt.Stringer
		want string
	}{
		{Cores(12_200_000), "12.2"}, {Cores(0), "0"}, {Cores(5), "0.000005"}, {Cores(3_000_000), "3"},
		{GiB(12800 * mib), "12.5"}, {GiB(100 * mib), "0.09765625"}, {GiB(0), "0"},
		{GiB(6_000_000_000), "5.58793544769287109375"}, // 6e9 B / 2^30, exact
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.got.String())
	}
	var c Cores
	require.NoError(t, c.UnmarshalText([]byte("12.2")))
	assert.Equal(t, Cores(12_200_000), c)
	var g GiB
	require.NoError(t, g.UnmarshalText([]byte("12.5")))
	assert.Equal(t, GiB(12800*mib), g)
}
