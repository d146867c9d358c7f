package model

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The seed's 100-pod case at 1000 rps: predicted usage stays under every
// default request, so planned equals requested and nothing moves.
func TestPlannedEqualsDefaultsForTheSeed(t *testing.T) {
	e := mustCompute(t, noRoom())
	o := option(t, e, OptionIstioSidecar)
	proxy := component(t, o, "istio-sidecar/istio-proxy")
	assert.False(t, proxy.DefaultTooSmall)
	assert.Equal(t, 100, proxy.PlannedCPUm)
	assert.Equal(t, 128, proxy.PlannedMemoryMi)
	assertDec(t, "10", proxy.Planned.CPUCores.Decimal())
	assertDec(t, "12.5", proxy.Planned.MemoryGiB.Decimal())
	for _, o := range e.Options {
		if o.ID == OptionLinkerd {
			continue // below
		}
		assert.Equal(t, o.Requests, o.Planned, o.ID)
		assert.True(t, o.Monthly.Planned.Equal(o.Monthly.Requests), o.ID)
	}
	assertDec(t, "332.48", o.Monthly.Planned.Round(2), "money follows planned, equal to requests here")
	// Linkerd's HA proxy request (20Mi) is below its measured 26.3 MB
	// working set (2021 benchmark): planned at 26.3e6 B = 25.08Mi → 26Mi.
	l := component(t, option(t, e, OptionLinkerd), "linkerd/linkerd-proxy")
	assert.True(t, l.DefaultTooSmall)
	assert.Equal(t, 26, l.PlannedMemoryMi)
	assert.Equal(t, 100, l.PlannedCPUm)
}

// The case: 112,500 east-west rps over 200 pods. Each request
// passes two sidecars: 225,000 passes/s x 0.20 vCPU / 1000 = 45 cores, 225m
// per pod against the 100m default.
//
// Planned: sidecars 45 c, 200 x 128Mi = 25600Mi; istiod 2 x (500m, 2048Mi);
// gateway 2 x (100m, 128Mi); istio-cni (6 + n) x (100m, 100Mi).
// CPU 46.2 + 0.1(6 + n) ≤ 3.86n → n ≥ 12.45 → 13 nodes; memory needs 3.
// At default requests it would be 21.2 + 0.1(6 + n) ≤ 3.86n → 6 nodes.
func TestPlannedRequestsAddTheNodesTheyNeed(t *testing.T) {
	a := noRoom()
	a.Pods, a.EastWestRPS = 200, 112_500
	o := option(t, mustCompute(t, a), OptionIstioSidecar)
	proxy := component(t, o, "istio-sidecar/istio-proxy")
	assert.True(t, proxy.DefaultTooSmall)
	assert.Equal(t, 100, proxy.CPUm, "the default request is still shown")
	assert.Equal(t, 225, proxy.PlannedCPUm)
	assert.Equal(t, 128, proxy.PlannedMemoryMi, "60 MB working set stays under 128Mi")
	assertDec(t, "20", proxy.Requests.CPUCores.Decimal())
	assertDec(t, "45", proxy.Usage.CPUCores.Decimal())
	assertDec(t, "45", proxy.Planned.CPUCores.Decimal())
	assert.Equal(t, 13, o.AddedNodes)
	assert.True(t, o.Monthly.Planned.GreaterThan(o.Monthly.Requests))
	assert.True(t, o.Monthly.Total.Equal(o.Monthly.Planned.Add(o.Monthly.Telemetry).Add(o.Monthly.Fees)))
	assert.Contains(t, o.Notes[len(o.Notes)-1], "below the predicted usage")

	// The same traffic at requests raised by hand to 225m plans the same.
	cpu := 225
	a.Overrides = map[string]Override{"istio-sidecar/istio-proxy": {CPUm: &cpu}}
	o2 := option(t, mustCompute(t, a), OptionIstioSidecar)
	assert.False(t, component(t, o2, "istio-sidecar/istio-proxy").DefaultTooSmall)
	assert.Equal(t, 13, o2.AddedNodes)
}

// ztunnel traffic spreads over every node, so its planned CPU per node
// falls as nodes are added, and the total never falls when nodes grow.
func TestPerNodePlannedSpreadsOverNodes(t *testing.T) {
	a := noRoom()
	a.EastWestRPS = 5_000_000 // 2 x 5e6 x 0.06 / 1000 = 600 cores of ztunnel
	a.Nodes, a.NodeSKU = 200, "Standard_D16s_v5"
	o := option(t, mustCompute(t, a), OptionIstioAmbient)
	zt := component(t, o, "istio-ambient/ztunnel")
	assert.True(t, zt.DefaultTooSmall)
	assertDec(t, "600", zt.Usage.CPUCores.Decimal())
	assert.GreaterOrEqual(t, zt.Planned.CPUCores.Decimal().InexactFloat64(), 600.0)
	assert.Equal(t, 200+o.AddedNodes, zt.Replicas)
}

// The add-on's ingress gateway is opt-in: leaving it out takes its 2 x
// (100m, 128Mi) off the sidecar option and nothing else.
func TestIngressGatewayOptIn(t *testing.T) {
	a := noRoom()
	with := option(t, mustCompute(t, a), OptionIstioSidecar)
	a.NoIngressGateway = true
	without := option(t, mustCompute(t, a), OptionIstioSidecar)
	assertDec(t, "0.2", with.Planned.CPUCores.Decimal().Sub(without.Planned.CPUCores.Decimal()))
	for _, c := range without.Components {
		assert.NotEqual(t, "istio-sidecar/ingress-gateway", c.Key)
	}
	amb := option(t, mustCompute(t, a), OptionIstioAmbient)
	component(t, amb, "istio-ambient/ingress-gateway") // self-managed ambient keeps its own
}
