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
			OptionCilium, false, OptionNoMesh, "need-multi_cluster", VerdictViable},
		{"multi-cluster marked a must: no mesh, which lacks it, is not advised", func(a *Assessment) {
			a.Services, a.Needs.MultiCluster, a.Needs.Levels = 10, true, map[string]string{"multi_cluster": LevelMust}
		}, OptionCilium, false, OptionNoMesh, "need-multi_cluster", VerdictNotAdvised},
		{"mTLS marked a want: a preference, so network policies and done", func(a *Assessment) {
			a.Services, a.Needs.MTLS, a.Needs.Levels = 10, true, map[string]string{"mtls": LevelWant}
		}, OptionNoMesh, false, OptionCilium, "need-mtls", VerdictViable},
		{"services already retry: the retries answer does not count", func(a *Assessment) {
			a.Services, a.Needs.MTLS, a.Needs.Retries, a.Needs.AlreadyRetry = 10, true, true, true
		}, OptionIstioSidecar, false, OptionCilium, "need-mtls", VerdictNotAdvised},
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
	// 120 services, 600 pods, mTLS and per-service splitting: the add-on
	// first; a tighter p99 budget puts ambient first.
	a := DefaultAssessment()
	a.Services, a.Pods, a.Nodes = 120, 600, 30
	a.Needs.MTLS, a.Needs.L7Split = true, true
	r := recommend(t, a)
	require.Equal(t, OptionIstioSidecar, r.Top)
	byField := map[string][]Flip{}
	for _, f := range r.Flips {
		byField[f.Field] = append(byField[f.Field], f)
		assert.NotEqual(t, r.Top, f.Top, "a flip changes the top option: %+v", f)
	}
	require.NotEmpty(t, byField["latency_budget_p99_ms"], "flips: %+v", r.Flips)
	f := byField["latency_budget_p99_ms"][0]
	assert.Contains(t, f.Change, "With latency budget at "+f.Value+" ms at p99 or less (now 10)")
	// Applied, the threshold changes the verdict; a cent above it does not.
	b := a
	require.NoError(t, b.SetField(f.Field, f.Value))
	assert.Equal(t, f.Top, recommend(t, b).Top)
	require.NoError(t, b.SetField(f.Field, d(f.Value).Add(d("0.01")).String()))
	assert.Equal(t, OptionIstioSidecar, recommend(t, b).Top)
	// The checklist answer flips are still found.
	assert.NotEmpty(t, byField["needs.multi_cluster"])
	// "Nodes we can add" at 0 means no limit: its flip is a cap, searched down.
	if fs := byField["max_added_nodes"]; assert.Len(t, fs, 1) {
		assert.Contains(t, fs[0].Change, "or less (now no limit)")
	}
	// Every numeric flip stays within the input's bounds.
	for _, f := range r.Flips {
		if fld, ok := fieldByKey(f.Field); ok && fld.Min != "" {
			assert.True(t, d(f.Value).GreaterThanOrEqual(d(fld.Min)) && d(f.Value).LessThanOrEqual(d(fld.Max)), "%+v", f)
		}
	}
}

// A must is a constraint: with mTLS mandated and nothing else, no option
// lacking mTLS is recommended, whatever the size, and the verdict reconciles
// "no mesh needed" with the must in plain words.
func TestMustIsAConstraint(t *testing.T) {
	for _, services := range []int{3, 10, 20, 21, 120} {
		a := DefaultAssessment()
		a.Services, a.Needs.MTLS = services, true
		r := recommend(t, a)
		require.NotEmpty(t, r.Top, "services=%d: %s", services, r.Headline)
		top := ranked(t, r, r.Top)
		assert.Empty(t, top.Lacks, "services=%d: %s lacks %v", services, r.Top, top.Lacks)
		o, _ := mustCompute(t, a).Option(r.Top)
		for _, c := range o.Coverage {
			if c.Need == "mtls" {
				assert.Equal(t, CoverYes, c.Level, "services=%d: %s", services, r.Top)
			}
		}
		cil := ranked(t, r, OptionCilium)
		assert.Equal(t, VerdictNotAdvised, cil.Verdict)
		assert.Equal(t, []string{"mTLS"}, cil.Lacks, "the verdict names what it lacks")
		if !r.MeshWarranted {
			assert.Contains(t, r.Headline, "does not call for a mesh")
			assert.Contains(t, r.Headline, "mTLS is a must and only a mesh covers it fully")
		}
	}
}

// The verdict explains itself: every option's score is the sum of its
// reasons, and the 120-service / 600-pod case names the rule that puts the
// add-on ahead of ambient and why the cheapest option is not first.
func TestVerdictExplainsItself(t *testing.T) {
	a := DefaultAssessment()
	a.Services, a.Pods, a.Nodes = 120, 600, 30
	a.Needs.MTLS, a.Needs.L7Split = true, true
	r := recommend(t, a)
	for _, o := range r.Ranked {
		sum := 0
		for _, reason := range o.Reasons {
			sum += reason.Weight
		}
		assert.Equal(t, o.Score, sum, o.ID)
	}
	require.Equal(t, OptionIstioSidecar, r.Top)
	assert.Contains(t, r.WhyTop, "beats the runner-up, Istio ambient (self-managed), by 5 points")
	assert.Contains(t, r.WhyTop, "self managed +5")
	assert.Contains(t, r.WhyTop, "a month less")
	assert.NotEmpty(t, r.WhyNotCheapest)
	assert.Equal(t, Weights{SelfManaged: -5, Preview: -5, Licence: -5}, r.Weights)

	// The weight is a preference: at 0, ambient (cheaper, same needs) wins.
	zero := 0
	a.Preferences.SelfManaged = &zero
	r = recommend(t, a)
	assert.Equal(t, OptionIstioAmbient, r.Top, r.WhyTop)
	assert.Contains(t, r.WhyTop, "score the same")
}

// The flip search's lean evaluation ranks exactly as the full estimate does.
func TestDecisionFiguresRankAsTheEstimate(t *testing.T) {
	edits := []func(*Assessment){
		func(a *Assessment) {},
		func(a *Assessment) {
			a.Services, a.Pods, a.Nodes, a.Needs.MTLS, a.Needs.L7Split = 120, 600, 30, true, true
		},
		func(a *Assessment) {
			a.Needs.MTLS, a.Needs.AuditLogs, a.Needs.Tracing, a.LatencyBudget = true, true, true, d("3")
		},
		func(a *Assessment) {
			a.Services, a.Needs.MTLS, a.Needs.MultiCluster, a.MaxAddedNodes = 10, true, true, 2
		},
		func(a *Assessment) {
			a.Needs.AcceptPreview, a.CiliumCNI, a.Needs.MTLS, a.Pricing.LinkerdLicensePerClusterMonth = true, true, true, d("2000")
		},
	}
	for i, edit := range edits {
		a := DefaultAssessment()
		edit(&a)
		full := decide(a, compute(a))
		lean := decide(a, computeWith(a, &decisionFigures))
		assert.Equal(t, full.Top, lean.Top, "case %d", i)
		for j := range full.Ranked {
			assert.Equal(t, full.Ranked[j].ID, lean.Ranked[j].ID, "case %d", i)
			assert.Equal(t, full.Ranked[j].Score, lean.Ranked[j].Score, "case %d", i)
		}
	}
}

// "default" on the form stores no level, so the default follows the other
// answers: with "encryption in transit is all we need", mTLS is a want.
func TestNeedLevelDefaultFollowsAnswers(t *testing.T) {
	a := DefaultAssessment()
	a.Services = 10
	require.NoError(t, a.SetField("needs.mtls", "true"))
	require.NoError(t, a.SetField("needs.encryption_only", "true"))
	require.NoError(t, a.SetField("needs.levels.mtls", LevelDefault))
	assert.Equal(t, LevelWant, a.Needs.Level("mtls"))
	assert.Equal(t, OptionCilium, recommend(t, a).Top)
	require.NoError(t, a.SetField("needs.levels.mtls", LevelMust))
	assert.Equal(t, LevelMust, a.FieldValue("needs.levels.mtls"))
	assert.NotEqual(t, OptionCilium, recommend(t, a).Top, "WireGuard is not mTLS when mTLS is a must")
	assert.Error(t, a.SetField("needs.levels.mtls", "maybe"))
}
