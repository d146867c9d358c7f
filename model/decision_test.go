package model

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func recommend(t *testing.T, a Assessment) Recommendation {
	t.Helper()
	return Recommend(a, mustCompute(t, a))
}

func ranked(t *testing.T, r Recommendation, id string) RankedOption {
	t.Helper()
	for _, o := range r.Ranked {
		if o.ID == id {
			return o
		}
	}
	t.Fatalf("no ranked option %s", id)
	return RankedOption{}
}

func hasRule(o RankedOption, rule string) bool {
	for _, r := range o.Reasons {
		if r.Rule == rule {
			return true
		}
	}
	return false
}

func TestDecisionRules(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(*Assessment)
		top       string
		warranted bool
		// an option and a rule that must appear on it
		option, rule string
		verdict      string
	}{
		{"seed: 12 services, nothing else → no mesh", func(a *Assessment) { a.Services = 12 },
			OptionNoMesh, false, OptionIstioSidecar, "checklist", VerdictNotAdvised},
		{"seed: mTLS mandate + per-service canary → mesh", func(a *Assessment) { a.Needs.MTLS, a.Needs.L7Split = true, true },
			OptionIstioSidecar, true, OptionNoMesh, "need-mtls", VerdictNotAdvised},
		{"more than 20 services + mTLS → mesh", func(a *Assessment) { a.Services, a.Needs.MTLS = 40, true },
			OptionIstioSidecar, true, OptionIstioSidecar, "checklist", VerdictRecommended},
		{"one yes (multi-cluster) → Cilium Cluster Mesh, no mesh blocked", func(a *Assessment) { a.Services, a.Needs.MultiCluster = 10, true },
			OptionCilium, false, OptionNoMesh, "need-multi_cluster", VerdictNotAdvised},
		{"services already retry: the retries answer does not count", func(a *Assessment) {
			a.Services, a.Needs.MTLS, a.Needs.Retries, a.Needs.AlreadyRetry = 10, true, true, true
		}, OptionCilium, false, OptionIstioSidecar, "checklist", VerdictNotAdvised},
		{"encryption only → WireGuard", func(a *Assessment) { a.Services, a.Needs.MTLS, a.Needs.EncryptionOnly = 10, true, true },
			OptionCilium, false, OptionCilium, "encryption-only", VerdictRecommended},
		{"edge splitting only → ingress canary", func(a *Assessment) { a.Services, a.Needs.EdgeSplitOnly = 10, true },
			OptionIngressCanary, false, OptionIngressCanary, "edge-split-only", VerdictRecommended},
		{"observability only → OpenTelemetry", func(a *Assessment) { a.Needs.ObservabilityOnly = true },
			OptionNoMesh, false, OptionNoMesh, "observability-only", VerdictRecommended},
		{"fewer than 20 services counts against a mesh even when warranted", func(a *Assessment) {
			a.Services, a.Needs.MTLS, a.Needs.L7Split = 10, true, true
		}, OptionIstioSidecar, true, OptionIstioSidecar, "few-services", VerdictRecommended},
		{"latency budget tighter than the sidecar tax → ambient", func(a *Assessment) {
			a.Needs.MTLS, a.Needs.MultiCluster, a.LatencyBudget = true, true, d("2")
		}, OptionLinkerd, true, OptionIstioSidecar, "latency-budget", VerdictNotAdvised},
		{"no room for the nodes a sidecar mesh needs", func(a *Assessment) {
			a.Needs.MTLS, a.Needs.MultiCluster, a.MaxAddedNodes = true, true, 2
			a.FillMode = FillSpare // no spare room today
		}, OptionIstioAmbient, true, OptionIstioSidecar, "node-room", VerdictNotAdvised},
		{"team new to Kubernetes: self-managed meshes fall back", func(a *Assessment) {
			a.Needs.MTLS, a.Needs.L7Split, a.Needs.NewToKubernetes = true, true, true
		}, OptionIstioSidecar, true, OptionLinkerd, "new-to-kubernetes", VerdictViable},
		{"per-request audit logs mandated count for a mesh", func(a *Assessment) {
			a.Needs.MTLS, a.Needs.L7Split, a.Needs.AuditLogs = true, true, true
		}, OptionIstioSidecar, true, OptionIstioSidecar, "audit-logs", VerdictRecommended},
		{"prefer AKS-managed", func(a *Assessment) { a.Needs.MTLS, a.Needs.L7Split, a.Needs.PreferManaged = true, true, true },
			OptionIstioSidecar, true, OptionIstioAmbient, "self-managed", VerdictViable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := DefaultAssessment()
			tt.edit(&a)
			r := recommend(t, a)
			assert.Equal(t, tt.top, r.Top, "ranking: %+v", r.Ranked)
			assert.Equal(t, tt.warranted, r.MeshWarranted)
			require.Len(t, r.Ranked, len(Catalog), "every option is ranked")
			o := ranked(t, r, tt.option)
			assert.True(t, hasRule(o, tt.rule), "%s lacks rule %s: %+v", tt.option, tt.rule, o.Reasons)
			assert.Equal(t, tt.verdict, o.Verdict)
			for _, ro := range r.Ranked {
				for _, reason := range ro.Reasons {
					assert.NotEmpty(t, reason.Source, "%s %s has no source", ro.ID, reason.Rule)
				}
			}
		})
	}
}

// The reason a latency block gives says by how much.
func TestLatencyReasonSaysByHowMuch(t *testing.T) {
	a := DefaultAssessment()
	a.Needs.MTLS, a.Needs.L7Split, a.LatencyBudget = true, true, d("3")
	o := ranked(t, recommend(t, a), OptionIstioSidecar)
	var text string
	for _, r := range o.Reasons {
		if r.Rule == "latency-budget" {
			text = r.Text
		}
	}
	// 3 hops x 1.45 ms = 4.35 ms, 1.35 ms over 3.
	assert.Equal(t, "Adds 4.35 ms at p99 per request, 1.35 ms over the 3 ms budget.", text)
}

func TestFlips(t *testing.T) {
	// 20 services and only mTLS: one yes. One more service makes it two.
	a := DefaultAssessment()
	a.Services, a.Needs.MTLS = 20, true
	r := recommend(t, a)
	require.Equal(t, OptionCilium, r.Top)
	changes := map[string]string{}
	for _, f := range r.Flips {
		changes[f.Change] = f.Result
	}
	assert.Equal(t, "the recommendation becomes Istio sidecar (AKS add-on)", changes["1 more service crosses the 20-service line"])
	assert.Contains(t, changes, "Answering yes to per-service traffic splitting")
	assert.Equal(t, "the recommendation becomes No mesh (network policies + app retries + OpenTelemetry)", changes["Answering no to the mTLS mandate"],
		"with no yes left, network policies and done")
	assert.NotContains(t, changes, "1 fewer service", "the service flip only looks across the 20-service line")
}
