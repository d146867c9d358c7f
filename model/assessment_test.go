package model

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultAssessmentIsValid(t *testing.T) {
	require.NoError(t, DefaultAssessment().Validate())
}

func TestValidateNamesTheFieldAndRange(t *testing.T) {
	intp := func(n int) *int { return &n }
	tests := []struct {
		field string
		edit  func(*Assessment)
		want  string
	}{
		{"title", func(a *Assessment) { a.Title = "  " }, "1 to 200 characters"},
		{"services", func(a *Assessment) { a.Services = 0 }, "from 1 to 10000"},
		{"pods", func(a *Assessment) { a.Pods = 100_001 }, "from 0 to 100000"},
		{"nodes", func(a *Assessment) { a.Nodes = 0 }, "from 1 to 5000"},
		{"max_pods_per_node", func(a *Assessment) { a.MaxPodsPerNode = 300 }, "from 10 to 250"},
		{"east_west_rps", func(a *Assessment) { a.EastWestRPS = -5 }, "from 0 to 10000000"},
		{"hops_per_request", func(a *Assessment) { a.Hops = 0 }, "from 1 to 50"},
		{"latency_budget_p99_ms", func(a *Assessment) { a.LatencyBudget = d("-1") }, "from 0 to 10000"},
		{"latency_source", func(a *Assessment) { a.LatencySource = "guess" }, `"aks" or "upstream"`},
		{"node_sku", func(a *Assessment) { a.NodeSKU = "Standard_Z9" }, "Standard_D4s_v5"},
		{"custom_sku", func(a *Assessment) { a.NodeSKU = CustomSKU }, "required"},
		{"custom_sku.vcpu", func(a *Assessment) {
			a.NodeSKU, a.CustomSKU = CustomSKU, &NodeSKU{VCPU: 0, MemoryGiB: d("8"), HourlyPrice: d("0.1")}
		}, "from 1 to 416"},
		{"pricing.currency", func(a *Assessment) { a.Pricing.Currency = "dollars" }, "ISO 4217"},
		{"pricing.currency", func(a *Assessment) { a.Pricing.Currency = "€" }, "ISO 4217"},
		{"pricing.hours_per_month", func(a *Assessment) { a.Pricing.HoursPerMonth = d("0") }, "from 1 to 744"},
		{"pricing.cpu_ram_ratio", func(a *Assessment) { a.Pricing.CPURAMRatio = d("0") }, "from 0.1 to 100"},
		{"telemetry.trace_sampling_percent", func(a *Assessment) { a.Telemetry.TraceSamplingPercent = d("101") }, "from 0 to 100"},
		{"telemetry.scrape_interval_seconds", func(a *Assessment) { a.Telemetry.ScrapeSeconds = 1 }, "from 5 to 600"},
		{"overrides.istio-sidecar/nope", func(a *Assessment) { a.Overrides = map[string]Override{"istio-sidecar/nope": {}} }, "unknown component"},
		{"overrides.istio-sidecar/istio-proxy.cpu_m", func(a *Assessment) {
			a.Overrides = map[string]Override{"istio-sidecar/istio-proxy": {CPUm: intp(-1)}}
		}, "from 0 to 64000"},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			a := DefaultAssessment()
			tt.edit(&a)
			err := a.Validate()
			require.Error(t, err)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, EINVALID, e.Code)
			require.Len(t, e.Fields, 1, "only the broken field is reported: %v", e.Fields)
			assert.Equal(t, tt.field, e.Fields[0].Field)
			assert.Contains(t, e.Fields[0].Message, tt.want)
		})
	}
}

func TestValidateReportsEveryFieldAtOnce(t *testing.T) {
	a := DefaultAssessment()
	a.Services, a.Nodes, a.Hops = 0, 0, 0
	var e *Error
	require.ErrorAs(t, a.Validate(), &e)
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
	}
	assert.Equal(t, []string{"services", "nodes", "hops_per_request"}, fields)
}

func TestDecodeAssessment(t *testing.T) {
	a, err := DecodeAssessment(strings.NewReader(`{"title":"payments","pods":250,"pricing":{"hours_per_month":"744"},"needs":{"mtls":true},
		"overrides":{"istio-sidecar/istio-proxy":{"cpu_m":50}}}`))
	require.NoError(t, err)
	assert.Equal(t, "payments", a.Title)
	assert.Equal(t, 250, a.Pods)
	assertDec(t, "744", a.Pricing.HoursPerMonth)
	assertDec(t, "7.46", a.Pricing.CPURAMRatio, "fields left out keep their defaults")
	assert.True(t, a.Needs.MTLS)
	assert.Equal(t, 50, *a.Overrides["istio-sidecar/istio-proxy"].CPUm)
	assert.Equal(t, DefaultAssessment().Services, a.Services)
}

func TestDecodeAssessmentErrorsNameTheField(t *testing.T) {
	tests := []struct {
		body, field, want string
	}{
		{``, "body", "empty"},
		{`[]`, "body", "JSON object"},
		{`{"pods": 1`, "body", "truncated"},
		{`{"pods": 1}{}`, "body", "data after"},
		{`{pods: 1}`, "body", "not valid JSON"},
		{`{"pods": "many"}`, "pods", "whole number"},
		{`{"pods": 1.5}`, "pods", "whole number"},
		{`{"cilium_cni": "yes"}`, "cilium_cni", "true or false"},
		{`{"podz": 1}`, "podz", "not a known field"},
		{`{"spare_cores": "lots"}`, "spare_cores", `must be a number (got "lots")`},
		{`{"pricing": {"log_price_per_gb": true}}`, "pricing.log_price_per_gb", "number"},
		{`{"pricing": {"hours_per_month": 9999}}`, "pricing.hours_per_month", "from 1 to 744"},
		{`{"nodes": 0, "services": 0}`, "services", "from 1 to 10000"},
		{`{"needs": []}`, "needs", "an object"},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			_, err := DecodeAssessment(strings.NewReader(tt.body))
			require.Error(t, err)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, EINVALID, e.Code)
			require.NotEmpty(t, e.Fields)
			assert.Equal(t, tt.field, e.Fields[0].Field)
			assert.Contains(t, e.Fields[0].Message, tt.want)
		})
	}
}

// FuzzDecodeAssessment: no input panics the decoder, validation or the
// engine, and whatever decodes also computes.
func FuzzDecodeAssessment(f *testing.F) {
	for _, seed := range []string{
		`{}`, `{"pods":100,"nodes":6}`, `{"node_sku":"custom","custom_sku":{"vcpu":2,"memory_gib":"8","hourly_price":"0.1"}}`,
		`{"overrides":{"istio-ambient/ztunnel":{"cpu_m":3000,"memory_mi":100}}}`, `{"spare_cores":"1e3"}`,
		`{"pricing":{"cpu_ram_ratio":"0.1"},"needs":{"l7_split":true,"tracing":true,"audit_logs":true}}`, `null`, `"x"`, `{"pods":-1}`,
		`{"fill_mode":"per_pod","app_cpu_m_per_pod":150,"app_memory_mi_per_pod":256,"daemonset_cpu_m_per_node":200}`,
		`{"fill_mode":"share","requested_cpu_percent":"99.5","churn_percent":50,"churn_sidecars_per_second":"31.2","cilium_cni":true}`,
		`{"pricing":{"currency":"EUR","exchange_rate":"0.9","exchange_rate_date":"2026-11-28","agreement_discount_percent":"20","reserved_share_percent":"50","reserved_discount_percent":"40"}}`,
		`{"running":{"istio_addon":true,"wireguard":true},"kubernetes_minor":33,"needs":{"accept_preview":true,"multi_cluster":true}}`,
		`{"pods":100000,"nodes":1}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		a, err := DecodeAssessment(strings.NewReader(body))
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("decode error is not EINVALID: %v", err)
			}
			return
		}
		if _, err := Compute(a); err != nil {
			t.Fatalf("decoded assessment does not compute: %v", err)
		}
		if _, err := ComputeRanges(a); err != nil {
			t.Fatalf("decoded assessment has no ranges: %v", err)
		}
	})
}

// A decimal with an enormous exponent parses but would stall any arithmetic;
// the decoder refuses it by name (found by fuzzing).
func TestDecodeRefusesHugeExponents(t *testing.T) {
	for _, body := range []string{`{"spare_cores": 1e999999999}`, `{"spare_cores": "1e-999999999"}`} {
		_, err := DecodeAssessment(strings.NewReader(body))
		var e *Error
		require.ErrorAs(t, err, &e, body)
		assert.Equal(t, "spare_cores", e.Fields[0].Field)
	}
}
