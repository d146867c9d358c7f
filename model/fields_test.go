package model

import (
	"strings"
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

// The API names every offending field at once: a wrong type beside an
// out-of-range value, and a number too long for any bound as out of range.
func TestDecodeNamesEveryField(t *testing.T) {
	tests := []struct {
		body string
		want map[string]string
	}{
		{`{"pods": -5, "services": "many"}`, map[string]string{"pods": "must be a whole number from 0 to 100000", "services": "must be a whole number (got a JSON string)"}},
		{`{"pods": 12345678901234567890123}`, map[string]string{"pods": "is out of range: must be from 0 to 100000"}},
		{`{"needs": {"mtls": "yes"}, "latency_budget_p99_ms": "fast", "hops_per_request": 0}`, map[string]string{
			"needs.mtls": "must be true or false", "latency_budget_p99_ms": "must be a number", "hops_per_request": "must be a whole number from 1 to 50"}},
		{`{"preferences": {"self_managed_weight": 500}, "needs": {"levels": {"mtls": "maybe"}}}`, map[string]string{
			"preferences.self_managed_weight": "from -100 to 100", "needs.levels.mtls": `must be "must" or "want"`}},
	}
	for _, tt := range tests {
		_, err := DecodeAssessment(strings.NewReader(tt.body))
		var me *Error
		require.ErrorAs(t, err, &me, tt.body)
		got := map[string]string{}
		for _, fe := range me.Fields {
			got[fe.Field] = fe.Message
		}
		assert.Len(t, got, len(tt.want), "%s: %v", tt.body, got)
		for field, msg := range tt.want {
			assert.Contains(t, got[field], msg, "%s: %s", tt.body, field)
		}
	}
}

func TestFormatMoney(t *testing.T) {
	tests := []struct{ in, cur, want string }{
		{"1868.934", "USD", "$1,868.93"},
		{"327.235", "USD", "$327.24"},
		{"183456.1", "EUR", "€183,456.10"},
		{"0", "USD", "$0.00"},
		{"-12.5", "GBP", "-£12.50"},
		{"1234567.891", "CHF", "CHF 1,234,567.89"},
		{"999.999", "USD", "$1,000.00"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, FormatMoney(d(tt.in), tt.cur), tt.in)
	}
}
