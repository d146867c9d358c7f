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

// RankedOption is one option's place in the recommendation.
type RankedOption struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Verdict string   `json:"verdict"`
	Score   int      `json:"score"`
	Reasons []Reason `json:"reasons"`
}

// Flip is a change to the answers that would change the recommendation.
type Flip struct {
	Change string `json:"change"` // what to change, in plain words
	Result string `json:"result"` // what the recommendation would become
	Rule   string `json:"rule"`
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

// decide is Recommend without the flip search.
func decide(a Assessment, e Estimate) Recommendation {
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

	for _, o := range e.Options {
		ro := RankedOption{ID: o.ID, Name: o.Name}
		for _, reason := range rulesFor(a, r, o) {
			ro.Score += reason.Weight
			ro.Reasons = append(ro.Reasons, reason)
		}
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
		return r
	}
	if r.MeshWarranted {
		r.Headline = fmt.Sprintf("A mesh is warranted (%d of 5 checklist answers are yes): %s.", r.YesCount, top.Name)
	} else {
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
	case !r.MeshWarranted && mesh:
		add("checklist", fmt.Sprintf("Only %d of 5 checklist answers are yes; a mesh needs at least two.", r.YesCount), srcChecklist, -40, true)
	}

	// Needs the option must cover.
	for _, c := range o.Coverage {
		if !c.Required || (c.Need == "retries" && n.AlreadyRetry) {
			continue // services that already retry cover that need themselves
		}
		switch c.Level {
		case CoverNo:
			add("need-"+c.Need, fmt.Sprintf("Does not cover the %s need%s.", needLabel(c.Need), suffixNote(c.Note)), srcCoverage, -100, true)
		case CoverPartial:
			add("need-"+c.Need, fmt.Sprintf("Covers the %s need only partly%s.", needLabel(c.Need), suffixNote(c.Note)), srcCoverage, -10, false)
		default:
			add("need-"+c.Need, fmt.Sprintf("Covers the %s need.", needLabel(c.Need)), srcCoverage, 5, false)
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
		w := -5
		if n.PreferManaged {
			w = -25
		}
		source := srcAddon
		if o.ID == OptionLinkerd {
			source = srcLinkerd
		}
		add("self-managed", "Not AKS-managed: Microsoft support does not cover it and the team owns its lifecycle.", source, w, false)
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
	return append(out, compatibilityReasons(a, o)...)
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

// flips finds, for each checklist answer and for the service count, the
// smallest change that changes the recommended option.
func flips(a Assessment, base Recommendation) []Flip {
	var out []Flip
	name := func(r Recommendation) string {
		for _, o := range r.Ranked {
			if o.ID == r.Top {
				return o.Name
			}
		}
		return "no option fitting every constraint"
	}
	try := func(change, rule string, edit func(*Assessment)) {
		b := a
		edit(&b)
		if b.Validate() != nil {
			return
		}
		r := decide(b, compute(b))
		if r.Top != base.Top {
			out = append(out, Flip{Change: change, Result: "the recommendation becomes " + name(r), Rule: rule})
		}
	}
	answer := func(yes bool) string {
		if yes {
			return "no"
		}
		return "yes"
	}
	n := a.Needs
	try(fmt.Sprintf("Answering %s to the mTLS mandate", answer(n.MTLS)), "checklist", func(b *Assessment) { b.Needs.MTLS = !n.MTLS })
	try(fmt.Sprintf("Answering %s to per-service traffic splitting", answer(n.L7Split)), "checklist", func(b *Assessment) { b.Needs.L7Split = !n.L7Split })
	try(fmt.Sprintf("Answering %s to automatic retries and timeouts", answer(n.Retries)), "checklist", func(b *Assessment) { b.Needs.Retries = !n.Retries })
	try(fmt.Sprintf("Answering %s to multi-cluster", answer(n.MultiCluster)), "checklist", func(b *Assessment) { b.Needs.MultiCluster = !n.MultiCluster })
	if a.Services > ServiceThreshold {
		d := a.Services - ServiceThreshold
		try(fmt.Sprintf("%d fewer service%s (%d, not more than %d)", d, plural(d), ServiceThreshold, ServiceThreshold), "checklist", func(b *Assessment) { b.Services = ServiceThreshold })
	} else {
		d := ServiceThreshold + 1 - a.Services
		try(fmt.Sprintf("%d more service%s crosses the %d-service line", d, plural(d), ServiceThreshold), "checklist", func(b *Assessment) { b.Services = ServiceThreshold + 1 })
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
