package model

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The curves' lean evaluation gives the same money and nodes as a full
// estimate at the same pod count.
func TestCurvesMatchFullEstimates(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 20; i++ {
		a := randomAssessment(r)
		a.Needs.Tracing, a.Needs.AuditLogs = i%2 == 0, i%3 == 0
		a.Pricing.ACNSPerNodeHour = d("0.01")
		c, err := ComputeCurves(a)
		require.NoError(t, err)
		for _, pt := range c.Points[:5] {
			p := a
			p.Pods, p.Nodes, p.EastWestRPS = pt.Pods, pt.Nodes, pt.RPS
			e := compute(p)
			for j, o := range e.Options {
				v := pt.Options[j]
				require.True(t, v.MonthlyTotal.Equal(o.Monthly.Total), "%s at %d pods: %s vs %s", o.ID, pt.Pods, v.MonthlyTotal, o.Monthly.Total)
				require.True(t, v.NodesCost.Equal(o.Monthly.NodesAdded), o.ID)
				require.Equal(t, o.AddedNodes, v.AddedNodes, o.ID)
			}
		}
	}
}
