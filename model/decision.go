package model

import (
	"fmt"
	"sort"

	"github.com/shopspring/decimal"
)

// Verdicts an option can get.
const (
	VerdictRecommended = "recommended"
	VerdictViable      = "viable"
	VerdictNotAdvised  = "not advised"
)

// ServiceThreshold is the seed checklist's service count: "more than 20".
const ServiceThreshold = 20

// Reason is one rule's say about an option, with where the rule comes from.
type Reason struct {
	Rule   string `json:"rule"`   // stable rule ID, e.g. "checklist", "latency-budget"
	Text   string `json:"text"`   // plain words
	Source string `json:"source"` // seed file and section, or a REFERENCE.md row
	Weight int    `json:"weight"` // how much it moved the option's score
	Blocks bool   `json:"blocks"` // a hard stop: the option is not advised
}

// ChecklistAnswer is one of the seed's five questions and the team's answer.
type ChecklistAnswer struct {
	Question string `json:"question"`
	Yes      bool   `json:"yes"`
	Note     string `json:"note,omitempty"`
}

// RankedOption is one option's place in the recommendation. Score is the
// sum of its reasons' weights: the reasons are its rule-by-rule breakdown.
type RankedOption struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Verdict string   `json:"verdict"`
	Score   int      `json:"score"`
	Reasons []Reason `json:"reasons"`
	Lacks   []string `json:"lacks,omitempty"` // musts it does not fully cover, by label
}

// Flip is a change to the answers that would change the recommendation.
// For a number, Field and Value are the input and the threshold value that,
// entered, changes the top option.
type Flip struct {
	Change string `json:"change"` // what to change, in plain words
	Result string `json:"result"` // what the recommendation would become
	Rule   string `json:"rule"`
	Field  string `json:"field,omitempty"` // the input's key
	Value  string `json:"value,omitempty"` // the value to enter
	Top    string `json:"top"`             // the option that comes first then; "" for none
}

// Recommendation is the decision rules' answer for one assessment.
type Recommendation struct {
	ModelVersion  string            `json:"model_version"`
	Checklist     []ChecklistAnswer `json:"checklist"`
	YesCount      int               `json:"yes_count"`
	MeshWarranted bool              `json:"mesh_warranted"`
	Headline      string            `json:"headline"`
	Top           string            `json:"top"` // ID of the recommended option
	Ranked        []RankedOption    `json:"ranked"`
	Flips         []Flip            `json:"flips"`
	// Musts are the needs marked must; MeshOnlyMusts those only a mesh
	// covers fully, which override "no mesh needed".
	Musts         []string `json:"musts"`
	MeshOnlyMusts []string `json:"mesh_only_musts,omitempty"`
	// WhyTop says why the recommended option beats the runner-up;
	// WhyNotCheapest why the cheapest option is not first (empty when it is).
	WhyTop         string  `json:"why_top,omitempty"`
	WhyNotCheapest string  `json:"why_not_cheapest,omitempty"`
	Weights        Weights `json:"weights"`
}

// Weights are the judgement weights the ranking used.
type Weights struct {
	SelfManaged int `json:"self_managed"`
	Preview     int `json:"preview"`
	Licence     int `json:"licence"`
}

// Sources of the rules.
const (
	srcChecklist  = "seed 002, Decision checklist"
	srcWhenNot    = "seed 002, When you DO NOT need a service mesh"
	srcWhenDo     = "seed 002, When you DO need a service mesh"
	srcAddon      = "seed 002, The Istio-based service mesh add-on"
	srcLinkerd    = "seed 002, Linkerd (not AKS-managed)"
	srcSelection  = "seed 001, Selection criteria"
	srcNotFirst   = "seed 004, When a Service Mesh Makes Sense"
	srcEncryption = "seed 002, Common mistakes (mesh for encryption only)"
	srcCoverage   = "meshwise catalog, needs covered (REFERENCE.md rows per option)"
)

// fullMeshes are the options that put a proxy between services.
var fullMeshes = map[string]bool{OptionIstioSidecar: true, OptionIstioAmbient: true, OptionLinkerd: true, OptionAppNet: true}

// Recommend applies the seed's checklist and modifiers to an assessment and
// its estimate, ranks every option and finds what would flip the result.
func Recommend(a Assessment, e Estimate) Recommendation {
	r := decide(a, e)
	r.Flips = flips(a, r)
	return r
}

// Verdict is Recommend without the flip search: the ranking and its
// reasons, for lists and records that show the verdict but not what
// would change it.
func Verdict(a Assessment, e Estimate) Recommendation { return decide(a, e) }

// decide is Recommend without the flip search.
func decide(a Assessment, e Estimate) Recommendation { return rank(a, e, true) }

// rank applies the rules; explained adds the why-sentences, which the flip
// search, asking only for the top option, goes without.
func rank(a Assessment, e Estimate, explained bool) Recommendation {
	n := a.Needs
	r := Recommendation{ModelVersion: ModelVersion}
	retriesCount := n.Retries && !n.AlreadyRetry
	r.Checklist = []ChecklistAnswer{
		{Question: fmt.Sprintf("More than %d services communicating internally?", ServiceThreshold), Yes: a.Services > ServiceThreshold,
			Note: fmt.Sprintf("%d services", a.Services)},
		{Question: "mTLS between all services is a hard compliance requirement?", Yes: n.MTLS},
		{Question: "Per-service traffic splitting (not just at ingress)?", Yes: n.L7Split},
		{Question: "Automatic retries/timeouts without application changes?", Yes: retriesCount},
		{Question: "A multi-cluster topology?", Yes: n.MultiCluster},
	}
	if n.Retries && n.AlreadyRetry {
		r.Checklist[3].Note = "not counted: the services already retry and time out"
	}
	for _, q := range r.Checklist {
		if q.Yes {
			r.YesCount++
		}
	}
	r.MeshWarranted = r.YesCount >= 2
	p := a.Preferences
	r.Weights = Weights{SelfManaged: p.SelfManagedWeight(), Preview: p.PreviewWeight(), Licence: p.LicenceWeight()}
	r.Musts = n.Musts()
	if r.Musts == nil {
		r.Musts = []string{}
	}
	if !r.MeshWarranted {
		r.MeshOnlyMusts = meshOnlyMusts(a, r, e)
	}

	for _, o := range e.Options {
		ro := RankedOption{ID: o.ID, Name: o.Name}
		for _, reason := range rulesFor(a, r, o) {
			ro.Score += reason.Weight
			ro.Reasons = append(ro.Reasons, reason)
		}
		ro.Lacks = lacks(a, o)
		r.Ranked = append(r.Ranked, ro)
	}
	totals := map[string]decimal.Decimal{}
	for _, o := range e.Options {
		totals[o.ID] = o.Monthly.Total
	}
	sort.SliceStable(r.Ranked, func(i, j int) bool {
		bi, bj := blocked(r.Ranked[i]), blocked(r.Ranked[j])
		if bi != bj {
			return !bi
		}
		if r.Ranked[i].Score != r.Ranked[j].Score {
			return r.Ranked[i].Score > r.Ranked[j].Score
		}
		return totals[r.Ranked[i].ID].LessThan(totals[r.Ranked[j].ID])
	})
	for i := range r.Ranked {
		switch {
		case blocked(r.Ranked[i]):
			r.Ranked[i].Verdict = VerdictNotAdvised
		case i == 0:
			r.Ranked[i].Verdict = VerdictRecommended
		default:
			r.Ranked[i].Verdict = VerdictViable
		}
	}
	top := r.Ranked[0]
	r.Top = top.ID
	if top.Verdict != VerdictRecommended {
		r.Top = ""
		r.Headline = "No option fits every constraint: each is blocked by a need it cannot cover, the latency budget or the room to add nodes. Relax one of them."
		if len(r.Musts) > 0 {
			r.Headline = fmt.Sprintf("No option fits every constraint. Musts: %s; each option lacks one of them or is blocked by the latency budget, the room to add nodes or compatibility. Relax one of them.", labels(r.Musts))
		}
		return r
	}
	if explained {
		explain(&r, e)
	}
	switch {
	case !r.MeshWarranted && len(r.MeshOnlyMusts) > 0:
		r.Headline = fmt.Sprintf("The checklist alone does not call for a mesh (%d of 5 answers are yes), but %s is a must and only a mesh covers it fully: %s.", r.YesCount, labels(r.MeshOnlyMusts), top.Name)
	case r.MeshWarranted:
		r.Headline = fmt.Sprintf("A mesh is warranted (%d of 5 checklist answers are yes): %s.", r.YesCount, top.Name)
	default:
		r.Headline = fmt.Sprintf("You do not need a service mesh (%d of 5 checklist answers are yes): %s.", r.YesCount, top.Name)
	}
	return r
}

func blocked(o RankedOption) bool {
	for _, r := range o.Reasons {
		if r.Blocks {
			return true
		}
	}
	return false
}

// rulesFor lists every rule's reason about one option.
func rulesFor(a Assessment, r Recommendation, o OptionEstimate) []Reason {
	n := a.Needs
	var out []Reason
	add := func(rule, text, source string, weight int, blocks bool) {
		out = append(out, Reason{Rule: rule, Text: text, Source: source, Weight: weight, Blocks: blocks})
	}
	mesh := fullMeshes[o.ID]

	// The checklist itself.
	switch {
	case r.MeshWarranted && mesh:
		add("checklist", fmt.Sprintf("%d of 5 checklist answers are yes: a mesh is warranted.", r.YesCount), srcChecklist, 40, false)
	case !r.MeshWarranted && o.ID == OptionNoMesh:
		add("checklist", fmt.Sprintf("%d of 5 checklist answers are yes: network policies and done.", r.YesCount), srcChecklist, 50, false)
	case !r.MeshWarranted && mesh && len(r.MeshOnlyMusts) > 0:
		add("checklist", fmt.Sprintf("Only %d of 5 checklist answers are yes, but %s is a must that no lighter option covers fully: a mesh is the way to meet it.", r.YesCount, labels(r.MeshOnlyMusts)), srcChecklist, -10, false)
	case !r.MeshWarranted && mesh:
		add("checklist", fmt.Sprintf("Only %d of 5 checklist answers are yes; a mesh needs at least two.", r.YesCount), srcChecklist, -40, true)
	}

	// Needs: a must not fully covered blocks; a want only moves the score.
	for _, c := range o.Coverage {
		if !c.Required || (c.Need == "retries" && n.AlreadyRetry) {
			continue // services that already retry cover that need themselves
		}
		must := n.Level(c.Need) == LevelMust
		switch {
		case must && c.Level == CoverNo:
			add("need-"+c.Need, fmt.Sprintf("Lacks a must: does not cover %s%s.", needLabel(c.Need), suffixNote(c.Note)), srcCoverage, -100, true)
		case must && c.Level == CoverPartial:
			add("need-"+c.Need, fmt.Sprintf("Lacks a must: covers %s only partly%s.", needLabel(c.Need), suffixNote(c.Note)), srcCoverage, -100, true)
		case c.Level == CoverNo:
			add("need-"+c.Need, fmt.Sprintf("Does not cover the %s want%s.", needLabel(c.Need), suffixNote(c.Note)), srcCoverage, -50, false)
		case c.Level == CoverPartial:
			add("need-"+c.Need, fmt.Sprintf("Covers the %s want only partly%s.", needLabel(c.Need), suffixNote(c.Note)), srcCoverage, -10, false)
		case must:
			add("need-"+c.Need, fmt.Sprintf("Covers the %s must.", needLabel(c.Need)), srcCoverage, 5, false)
		default:
			add("need-"+c.Need, fmt.Sprintf("Covers the %s want.", needLabel(c.Need)), srcCoverage, 5, false)
		}
	}

	// Modifiers from the seeds.
	if a.Services < ServiceThreshold && mesh {
		add("few-services", fmt.Sprintf("Fewer than %d services (%d): the overhead is not worth it.", ServiceThreshold, a.Services), srcWhenNot, -15, false)
	}
	if n.EncryptionOnly {
		switch {
		case o.ID == OptionCilium || o.ID == OptionCiliumMTLS:
			add("encryption-only", "Only encryption in transit is needed: WireGuard at the node level does it without sidecars.", srcEncryption, 30, false)
		case mesh:
			add("encryption-only", "Only encryption in transit is needed: a mesh is more than that asks for.", srcEncryption, -20, false)
		}
	}
	if n.EdgeSplitOnly {
		switch {
		case o.ID == OptionIngressCanary:
			add("edge-split-only", "Splitting is only needed at the edge: App Routing or AGC does it.", srcWhenNot, 60, false)
		case mesh:
			add("edge-split-only", "Splitting is only needed at the edge: a mesh is not required for it.", srcWhenNot, -20, false)
		}
	}
	if n.ObservabilityOnly {
		switch {
		case o.ID == OptionNoMesh:
			add("observability-only", "Only observability is wanted: use OpenTelemetry, not a mesh.", srcWhenNot, 30, false)
		case mesh:
			add("observability-only", "Only observability is wanted: a mesh is not the tool for that alone.", srcWhenNot, -20, false)
		}
	}
	if n.AuditLogs {
		for _, c := range o.Coverage {
			if c.Need == "audit_logs" && c.Level == CoverYes {
				add("audit-logs", "Per-request audit logs are mandated and this option writes them without code changes.", srcWhenDo, 15, false)
			}
		}
	}
	if n.NewToKubernetes {
		if mesh {
			add("new-to-kubernetes", "The team is still learning Kubernetes: a mesh adds another layer of concepts to operate.", srcNotFirst, -15, false)
		}
		if !o.Managed {
			add("new-to-kubernetes", "Self-managed: a team new to Kubernetes would own upgrades and incidents.", srcNotFirst, -10, false)
		}
	}
	if !o.Managed {
		w := r.Weights.SelfManaged
		text := fmt.Sprintf("Not AKS-managed: Microsoft support does not cover it and the team owns its lifecycle (a judgement weighted %+d on step 3).", w)
		if n.PreferManaged {
			w -= 20
			text = fmt.Sprintf("Not AKS-managed, and the team prefers AKS-managed components (%+d on step 3, -20 for the preference).", r.Weights.SelfManaged)
		}
		source := srcAddon
		if o.ID == OptionLinkerd {
			source = srcLinkerd
		}
		add("self-managed", text, source, w, false)
	} else if n.PreferManaged && o.ID == OptionIstioSidecar {
		add("prefer-managed", "AKS-managed add-on, as preferred.", srcAddon, 10, false)
	}

	// Latency and room, from the estimate.
	if a.LatencyBudget.IsPositive() || a.LatencyBudget.IsZero() {
		if over := o.Latency.P99.Sub(a.LatencyBudget); over.IsPositive() {
			add("latency-budget", fmt.Sprintf("Adds %s ms at p99 per request, %s ms over the %s ms budget.", o.Latency.P99, over, a.LatencyBudget), srcSelection, -100, true)
		}
	}
	if a.MaxAddedNodes > 0 && o.AddedNodes > a.MaxAddedNodes {
		add("node-room", fmt.Sprintf("Needs %d more nodes; only %d can be added (%d over).", o.AddedNodes, a.MaxAddedNodes, o.AddedNodes-a.MaxAddedNodes), srcSelection, -100, true)
	}
	if !o.NodesFeasible {
		add("node-room", "Its per-node agents do not fit on one node of the chosen SKU.", srcSelection, -100, true)
	}
	if o.Licensed && r.Weights.Licence != 0 {
		add("licence", fmt.Sprintf("Stable builds need a commercial licence (Buoyant Enterprise for Linkerd): a judgement weighted %+d on step 3, beside the licence price.", r.Weights.Licence), srcLinkerd, r.Weights.Licence, false)
	}
	return append(out, compatibilityReasons(a, r.Weights, o)...)
}

func needLabel(need string) string {
	switch need {
	case "mtls":
		return "mTLS"
	case "l7_split":
		return "per-service traffic splitting"
	case "retries":
		return "transparent retries and timeouts"
	case "circuit_breaking":
		return "circuit breaking"
	case "tracing":
		return "tracing"
	case "multi_cluster":
		return "multi-cluster"
	case "audit_logs":
		return "per-request audit logs"
	}
	return need
}

func suffixNote(note string) string {
	if note == "" {
		return ""
	}
	return " (" + note + ")"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
