package model

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hasReason reports whether a rule gave a reason whose text holds text.
func hasReason(o RankedOption, rule, text string) bool {
	for _, r := range o.Reasons {
		if r.Rule == rule && strings.Contains(r.Text, text) {
			return true
		}
	}
	return false
}

// Application Network by hand at the defaults (70% full, spare 6.948 cores):
// ztunnel 200m/512Mi and istio-cni 100m/100Mi on 6 nodes, no in-cluster
// control plane: 1.8 cores, 3672Mi, no node added.
func TestAppNetPriced(t *testing.T) {
	e := mustCompute(t, DefaultAssessment())
	o := option(t, e, OptionAppNet)
	assert.True(t, o.Preview)
	assert.True(t, o.Managed)
	assertDec(t, "1.8", o.Planned.CPUCores.Decimal())
	assert.Equal(t, GiB(3672*mib), o.Planned.MemoryGiB)
	assert.Equal(t, 0, o.AddedNodes)
	for _, c := range o.Components {
		assert.NotEqual(t, KindControlPlane, c.Kind, "the control plane runs outside the cluster")
		assert.Equal(t, StatusAssumption, e.Sources[c.Source].Status, "its requests are not published")
	}
	a := DefaultAssessment()
	a.Needs.MultiCluster = true
	component(t, option(t, mustCompute(t, a), OptionAppNet), "appnet-ambient/east-west-gateway")
}

// A preview is not advised for a production decision until the team
// accepts preview terms; then it is ranked like any other option.
func TestPreviewNeedsAcknowledgement(t *testing.T) {
	a := DefaultAssessment()
	a.Services, a.Needs.MTLS, a.Needs.L7Split = 40, true, true
	r := Recommend(a, mustCompute(t, a))
	app := ranked(t, r, OptionAppNet)
	assert.Equal(t, VerdictNotAdvised, app.Verdict)
	assert.True(t, hasReason(app, "preview", "must acknowledge"))

	a.Needs.AcceptPreview = true
	r = Recommend(a, mustCompute(t, a))
	app = ranked(t, r, OptionAppNet)
	assert.NotEqual(t, VerdictNotAdvised, app.Verdict)
	assert.True(t, hasReason(app, "preview", "accepted"))
}

// What cannot run beside what, each with its reason.
func TestCompatibilityRules(t *testing.T) {
	tests := []struct {
		name   string
		set    func(*Assessment)
		option string
		text   string
	}{
		{"OSM blocks the add-on", func(a *Assessment) { a.Running.OSMAddon = true }, OptionIstioSidecar, "OSM"},
		{"Gateway API blocks the add-on", func(a *Assessment) { a.Running.AppRoutingGatewayAPI = true }, OptionIstioSidecar, "App Routing Gateway API"},
		{"the add-on blocks AppNet", func(a *Assessment) { a.Running.IstioAddon = true }, OptionAppNet, "cannot join"},
		{"the add-on blocks App Routing Gateway API", func(a *Assessment) { a.Running.IstioAddon = true }, OptionIngressCanary, "Istio add-on"},
		{"private clusters block AppNet", func(a *Assessment) { a.Running.PrivateCluster = true }, OptionAppNet, "private"},
		{"Windows nodes block AppNet", func(a *Assessment) { a.Running.WindowsNodes = true }, OptionAppNet, "Linux"},
		{"Cilium mTLS needs Cilium", func(a *Assessment) { a.CiliumCNI = false }, OptionCiliumMTLS, "Azure CNI powered by Cilium"},
		{"Cilium mTLS not with WireGuard", func(a *Assessment) { a.Running.WireGuard = true }, OptionCiliumMTLS, "WireGuard"},
		{"Cilium mTLS needs 1.34", func(a *Assessment) { a.KubernetesMinor = 33 }, OptionCiliumMTLS, "1.34"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := DefaultAssessment()
			a.CiliumCNI, a.Needs.AcceptPreview = true, true
			tt.set(&a)
			require.NoError(t, a.Validate())
			o := ranked(t, Recommend(a, mustCompute(t, a)), tt.option)
			assert.Equal(t, VerdictNotAdvised, o.Verdict)
			assert.True(t, hasReason(o, "compatibility", tt.text), "%+v", o.Reasons)
		})
	}
	// Nothing running, Cilium the CNI, previews accepted: no compatibility block.
	a := DefaultAssessment()
	a.CiliumCNI, a.Needs.AcceptPreview, a.KubernetesMinor = true, true, 34
	for _, o := range Recommend(a, mustCompute(t, a)).Ranked {
		assert.False(t, hasReason(o, "compatibility", ""), o.ID)
	}
}

// Cilium mTLS covers the mTLS need fully (unlike WireGuard), at L4 only.
func TestCiliumMTLSCoversMTLS(t *testing.T) {
	a := DefaultAssessment()
	a.CiliumCNI, a.Needs.MTLS = true, true
	o := option(t, mustCompute(t, a), OptionCiliumMTLS)
	for _, c := range o.Coverage {
		switch c.Need {
		case "mtls":
			assert.Equal(t, CoverYes, c.Level)
		case "l7_split":
			assert.Equal(t, CoverNo, c.Level)
		}
	}
	assert.Len(t, o.Components, 4, "no cilium-agent when Cilium is already the CNI")
	assert.NotEmpty(t, PlanNextSteps(a, OptionCiliumMTLS).Pilot)
	assert.NotEmpty(t, PlanNextSteps(a, OptionAppNet).Pilot)
}
