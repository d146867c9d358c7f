package model

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEveryInputFieldRoundTrips(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range InputFields {
		t.Run(f.Key, func(t *testing.T) {
			require.False(t, seen[f.Key], "duplicate key")
			seen[f.Key] = true
			require.Contains(t, []int{1, 2, 3}, f.Step)
			require.NotEmpty(t, f.Label)
			a := DefaultAssessment()
			require.NotNil(t, a.fieldPtr(f.Key), "no struct field behind %s", f.Key)
			v := a.FieldValue(f.Key)
			require.NoError(t, a.SetField(f.Key, v))
			assert.Equal(t, v, a.FieldValue(f.Key))
		})
	}
}

// Every field Validate can name is an input of the wizard, so each message
// lands next to its field.
func TestValidationFieldsAreInputs(t *testing.T) {
	keys := map[string]bool{}
	for _, f := range InputFields {
		keys[f.Key] = true
	}
	a := DefaultAssessment()
	a.Title, a.Services, a.Pods, a.Nodes, a.MaxPodsPerNode, a.Namespaces = "", 0, -1, 0, 0, -1
	a.EastWestRPS, a.Hops, a.Clusters, a.MaxAddedNodes, a.LatencySource = -1, 0, 0, -1, "x"
	a.LatencyBudget, a.SpareCores, a.SpareGiB = d("-1"), d("-1"), d("-1")
	a.Pricing = Pricing{Currency: "x", HoursPerMonth: d("0"), CPURAMRatio: d("0"), LogPerGB: d("-1"), TracePerGB: d("-1"), MetricsPer10M: d("-1"), ACNSPerNodeHour: d("-1")}
	a.Telemetry = Telemetry{TraceSamplingPercent: d("-1")}
	var e *Error
	require.ErrorAs(t, a.Validate(), &e)
	assert.Greater(t, len(e.Fields), 20)
	for _, fe := range e.Fields {
		assert.True(t, keys[fe.Field], "validation names %s, which no input shows", fe.Field)
	}
}

func TestSetFieldRejectsNonNumbers(t *testing.T) {
	a := DefaultAssessment()
	assert.EqualError(t, a.SetField("pods", "ten"), "must be a whole number")
	assert.EqualError(t, a.SetField("spare_cores", "1e999999"), "must be a number")
	require.NoError(t, a.SetField("needs.mtls", "on"))
	assert.True(t, a.Needs.MTLS)
	require.NoError(t, a.SetField("needs.mtls", ""))
	assert.False(t, a.Needs.MTLS, "an unchecked box sends nothing")
}

func TestOverrideFields(t *testing.T) {
	a := DefaultAssessment()
	require.NoError(t, a.SetField("overrides.istio-sidecar/istio-proxy.cpu_m", "50"))
	require.NoError(t, a.SetField("overrides.istio-sidecar/istio-proxy.memory_mi", ""))
	assert.Equal(t, "50", a.FieldValue("overrides.istio-sidecar/istio-proxy.cpu_m"))
	assert.Equal(t, "", a.FieldValue("overrides.istio-sidecar/istio-proxy.memory_mi"), "blank keeps the default")
	o := option(t, mustCompute(t, a), OptionIstioSidecar)
	assertDec(t, "5", component(t, o, "istio-sidecar/istio-proxy").Requests.CPUCores.Decimal(), "100 pods x 50m")

	require.NoError(t, a.SetField("overrides.istio-sidecar/istio-proxy.cpu_m", ""))
	assert.Empty(t, a.Overrides, "clearing the last attribute removes the override")
	assert.EqualError(t, a.SetField("overrides.istio-sidecar/istio-proxy.cpu_m", "half"), "must be a whole number, or blank for the default")
	assert.Error(t, a.SetField("overrides.nope/x.cpu_m", "1"))

	require.NoError(t, a.SetField("overrides.linkerd/destination.replicas", "-2"))
	var e *Error
	require.ErrorAs(t, a.Validate(), &e)
	assert.Equal(t, "overrides.linkerd/destination.replicas", e.Fields[0].Field, "the message lands on the form field")

	var keys int
	for _, f := range FieldsOfStep(3) {
		if f.Kind == FieldOverride {
			keys++
			b := DefaultAssessment()
			require.NoError(t, b.SetField(f.Key, "7"), f.Key)
			assert.Equal(t, "7", b.FieldValue(f.Key), f.Key)
		}
	}
	assert.Greater(t, keys, 50)
}
