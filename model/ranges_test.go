package model

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func assertOrdered(t *testing.T, s Spread, what string) {
	t.Helper()
	require.False(t, s.P10.GreaterThan(s.P50), "%s: P10 %s > P50 %s", what, s.P10, s.P50)
	require.False(t, s.P50.GreaterThan(s.P90), "%s: P50 %s > P90 %s", what, s.P50, s.P90)
}

// P10 ≤ P50 ≤ P90 for every figure of every option, over random inputs.
func TestRangesAreOrdered(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 40; i++ {
		a := randomAssessment(r)
		rg, err := ComputeRanges(a)
		require.NoError(t, err)
		require.Len(t, rg.Options, len(Catalog))
		for _, o := range rg.Options {
			for name, s := range map[string]Spread{"cores": o.Cores, "GiB": o.GiB, "nodes": o.AddedNodes, "money": o.Monthly, "p99": o.AddedP99} {
				assertOrdered(t, s, o.ID+" "+name)
			}
		}
	}
}

// The same input always gives the same ranges, draw for draw.
func TestRangesAreDeterministic(t *testing.T) {
	a := DefaultAssessment()
	a.EastWestRPS, a.Pods, a.Nodes = 50_000, 400, 10
	first, err := ComputeRanges(a)
	require.NoError(t, err)
	for range 3 {
		again, err := ComputeRanges(a)
		require.NoError(t, err)
		assert.Equal(t, first.Options, again.Options)
		assert.Equal(t, first.Overlaps, again.Overlaps)
	}
}

// The ranges bracket what the sources leave open: at 200,000 rps the Istio
// sidecar's CPU (0.20–0.40 vCPU per 1000 rps) moves its planned cores, and
// the per-hop p99 (0.298–3 ms) its latency; the point estimate lies within
// P10–P90 or at its edge, as its figures are mostly the low or likely end.
func TestRangesBracketThePointEstimate(t *testing.T) {
	a := DefaultAssessment()
	a.EastWestRPS, a.Pods, a.Nodes = 200_000, 400, 10 // usage 80–160 cores against 40 requested
	e := mustCompute(t, a)
	rg, err := ComputeRanges(a)
	require.NoError(t, err)
	o := option(t, e, OptionIstioSidecar)
	or, ok := rg.Option(OptionIstioSidecar)
	require.True(t, ok)
	assert.True(t, or.Cores.P90.GreaterThan(or.Cores.P10), "sidecar CPU is uncertain at this traffic: %+v", or.Cores)
	assert.False(t, or.Cores.P10.LessThan(o.Planned.CPUCores.Decimal()), "the point estimate uses the low CPU figure")
	assert.True(t, or.AddedP99.P10.LessThan(o.Latency.P99) && or.AddedP99.P90.GreaterThan(o.Latency.P99), "p99 %+v vs %s", or.AddedP99, o.Latency.P99)
	none, _ := rg.Option(OptionNoMesh)
	assert.True(t, none.Monthly.P10.IsZero() && none.Monthly.P90.IsZero(), "no mesh costs nothing in every draw")
	// No ranged figure moves the ingress canary: every percentile is exactly
	// the point estimate's total, as the draws are priced exactly.
	ing, _ := rg.Option(OptionIngressCanary)
	pt := option(t, e, OptionIngressCanary)
	for _, v := range []string{ing.Monthly.P10.String(), ing.Monthly.P50.String(), ing.Monthly.P90.String()} {
		assertDec(t, pt.Monthly.Total.String(), d(v))
	}
}

// Overlapping monthly ranges are reported both ways.
func TestRangeOverlaps(t *testing.T) {
	rg, err := ComputeRanges(DefaultAssessment())
	require.NoError(t, err)
	for _, ov := range rg.Overlaps {
		x, _ := rg.Option(ov.A)
		y, _ := rg.Option(ov.B)
		assert.False(t, x.Monthly.P10.GreaterThan(y.Monthly.P90) || y.Monthly.P10.GreaterThan(x.Monthly.P90))
		assert.Contains(t, rg.OverlapsWith(ov.A), ov.B)
		assert.Contains(t, rg.OverlapsWith(ov.B), ov.A)
	}
	none, _ := rg.Option(OptionNoMesh)
	side, _ := rg.Option(OptionIstioSidecar)
	assert.True(t, side.Monthly.P10.GreaterThan(none.Monthly.P90))
	assert.NotContains(t, rg.OverlapsWith(OptionNoMesh), OptionIstioSidecar)
}

func TestTriangular(t *testing.T) {
	assert.InDelta(t, 1.0, triangular(0, 1, 2, 4), 1e-12)
	assert.InDelta(t, 4.0, triangular(1, 1, 2, 4), 1e-12)
	assert.InDelta(t, 2.0, triangular(1.0/3, 1, 2, 4), 1e-12, "the mode sits at u = (mode - lo) / (hi - lo)")
	assert.Equal(t, 5.0, triangular(0.7, 5, 5, 5))
}
