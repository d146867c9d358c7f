package model

import (
	"github.com/shopspring/decimal"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomAssessment draws a valid assessment from a fixed-seed generator.
func randomAssessment(r *rand.Rand) Assessment {
	a := DefaultAssessment()
	a.Services = 1 + r.IntN(500)
	a.Pods = r.IntN(3000)
	a.Nodes = max(1+r.IntN(200), (a.Pods+a.MaxPodsPerNode-1)/a.MaxPodsPerNode)
	a.NodeSKU = SKUs[r.IntN(len(SKUs))].Name
	a.Namespaces = r.IntN(30)
	a.EastWestRPS = r.IntN(50_000)
	a.Hops = 1 + r.IntN(8)
	a.CiliumCNI = r.IntN(2) == 0
	a.UpgradeWindow = r.IntN(3) == 0
	a.Needs = Needs{MTLS: r.IntN(2) == 0, L7Split: r.IntN(2) == 0, Retries: r.IntN(2) == 0,
		Tracing: r.IntN(2) == 0, AuditLogs: r.IntN(3) == 0, CircuitBreaking: r.IntN(4) == 0}
	a.SpareCores = decimal.NewFromInt(int64(r.IntN(4)))
	return a
}

// Cost never decreases when pods, rps or nodes grow.
func TestCostIsMonotone(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	grow := []struct {
		name string
		f    func(*Assessment)
	}{
		{"pods", func(a *Assessment) { a.Pods += 1 + a.Pods/3 }},
		{"rps", func(a *Assessment) { a.EastWestRPS += 1 + a.EastWestRPS/2 }},
		{"nodes", func(a *Assessment) { a.Nodes += 1 + a.Nodes/4 }},
	}
	for i := 0; i < 300; i++ {
		a := randomAssessment(r)
		base := mustCompute(t, a)
		for _, g := range grow {
			b := a
			g.f(&b)
			if b.Validate() != nil {
				continue // grown past what the nodes can hold: refused, not priced
			}
			bigger := mustCompute(t, b)
			for j, o := range base.Options {
				ob := bigger.Options[j]
				require.False(t, ob.Monthly.Total.LessThan(o.Monthly.Total),
					"%s: total fell from %s to %s when %s grew (case %d)", o.ID, o.Monthly.Total, ob.Monthly.Total, g.name, i)
				require.False(t, ob.Monthly.Usage.LessThan(o.Monthly.Usage), "%s usage fell when %s grew", o.ID, g.name)
				if g.name != "nodes" { // more nodes today bring more spare room, so fewer to add
					require.GreaterOrEqual(t, ob.AddedNodes, o.AddedNodes, "%s added nodes fell when %s grew", o.ID, g.name)
				}
			}
		}
	}
}

// Zero pods: every per-pod component costs nothing.
func TestZeroPodsZeroPerPodCost(t *testing.T) {
	a := DefaultAssessment()
	a.Pods = 0
	e := mustCompute(t, a)
	for _, o := range e.Options {
		for _, c := range o.Components {
			if c.Kind != KindPerPod {
				continue
			}
			assert.Zero(t, c.Replicas, c.Key)
			assert.True(t, c.Requests.CPUCores == 0 && c.Requests.MemoryGiB == 0, c.Key)
			assert.True(t, c.Usage.CPUCores == 0 && c.Usage.MemoryGiB == 0, c.Key)
		}
	}
}

// Every figure in the output names a source that exists in REFERENCE.md's
// vocabulary, with a status letter.
func TestEveryFigureHasASource(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	valid := map[string]bool{StatusPrimary: true, StatusChart: true, StatusDerived: true, StatusSecondary: true, StatusAssumption: true}
	var e Estimate
	check := func(where string, id string) {
		t.Helper()
		require.NotEmpty(t, id, "%s has no source", where)
		s, ok := e.Sources[id]
		require.True(t, ok, "%s: source %q is not listed in the estimate's sources", where, id)
		require.Equal(t, Sources[id], s)
		require.True(t, valid[s.Status], "%s: source %s has status %q", where, id, s.Status)
		require.NotEmpty(t, s.Ref, "%s: source %s has no reference", where, id)
		require.NotEmpty(t, s.Version, "%s: source %s has no version", where, id)
	}
	for i := 0; i < 50; i++ {
		a := randomAssessment(r)
		a.Needs.Tracing, a.Needs.AuditLogs = true, true
		e = mustCompute(t, a)
		check("unit prices", e.UnitPrices.Source)
		check("allocatable", e.Allocatable.Source)
		for _, o := range e.Options {
			for _, c := range o.Components {
				check(c.Key+" requests", c.Source)
				check(c.Key+" usage", c.UsageSource)
				if c.ReplicaSource != "" {
					check(c.Key+" replicas", c.ReplicaSource)
				}
			}
			require.NotEmpty(t, o.Latency.Sources, o.ID)
			for _, s := range o.Latency.Sources {
				check(o.ID+" latency", s)
			}
			if !o.Monthly.Telemetry.IsZero() {
				require.NotEmpty(t, o.Telemetry.Sources, o.ID)
				for _, s := range o.Telemetry.Sources {
					check(o.ID+" telemetry", s)
				}
			}
			require.Len(t, o.Coverage, len(NeedNames))
			for _, c := range o.Coverage {
				require.Contains(t, []string{CoverYes, CoverPartial, CoverNo}, c.Level, "%s %s", o.ID, c.Need)
			}
		}
	}
	for id, s := range Sources {
		assert.Equal(t, id, s.ID)
	}
}

func TestCurves(t *testing.T) {
	c, err := ComputeCurves(DefaultAssessment())
	require.NoError(t, err)
	require.Len(t, c.Points, CurvePoints)
	assert.Equal(t, CurveMinPods, c.Points[0].Pods)
	assert.Equal(t, CurveMaxPods, c.Points[len(c.Points)-1].Pods)
	for i := 1; i < len(c.Points); i++ {
		assert.Greater(t, c.Points[i].Pods, c.Points[i-1].Pods, "pods strictly increase")
		assert.Len(t, c.Points[i].Options, len(Catalog))
	}
	// 100 pods on 6 nodes: at 10,000 pods the curve runs 600 nodes.
	assert.Equal(t, 600, c.Points[len(c.Points)-1].Nodes)
	for _, x := range c.Crossovers {
		assert.NotEqual(t, x.CheaperBelow, x.CheaperAbove)
		assert.GreaterOrEqual(t, x.AtPods, x.BetweenPods[0])
		assert.LessOrEqual(t, x.AtPods, x.BetweenPods[1])
	}
}

// A synthetic pair of curves crossing between samples is found and
// interpolated: a costs 10 → 30, b 20 → 20; they meet halfway.
func TestCrossoverInterpolation(t *testing.T) {
	pts := []CurvePoint{
		{Pods: 100, Options: []CurveValue{{ID: "a", MonthlyTotal: d("10")}, {ID: "b", MonthlyTotal: d("20")}}},
		{Pods: 200, Options: []CurveValue{{ID: "a", MonthlyTotal: d("30")}, {ID: "b", MonthlyTotal: d("20")}}},
	}
	x := crossovers(pts)
	require.Len(t, x, 1)
	assert.Equal(t, Crossover{CheaperBelow: "a", CheaperAbove: "b", AtPods: 150, BetweenPods: [2]int{100, 200}}, x[0])
}
