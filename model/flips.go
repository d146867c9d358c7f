package model

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// decisionFigures evaluate what the decision rules read and nothing more:
// money, nodes, latency and coverage.
var decisionFigures = func() figures { f := likelyFigures; f.lean, f.curve, f.decision = true, true, true; return f }()

// flipNumbers are the numeric inputs whose thresholds the flip search looks
// for: the latency budget, the size of the cluster and its traffic, and every
// price the team enters.
var flipNumbers = []string{
	"latency_budget_p99_ms", "services", "pods", "east_west_rps", "hops_per_request", "max_added_nodes",
	"pricing.log_price_per_gb", "pricing.trace_price_per_gb", "pricing.metric_price_per_10m_samples",
	"pricing.acns_price_per_node_hour", "pricing.linkerd_license_per_cluster_month", "pricing.agreement_discount_percent",
}

// flipToggles are the yes/no answers the flip search tries.
var flipToggles = []struct{ key, what string }{
	{"needs.mtls", "the mTLS mandate"},
	{"needs.l7_split", "per-service traffic splitting"},
	{"needs.retries", "automatic retries and timeouts"},
	{"needs.multi_cluster", "multi-cluster"},
	{"needs.circuit_breaking", "circuit breaking"},
	{"needs.tracing", "tracing without instrumenting"},
	{"needs.audit_logs", "per-request audit logs"},
	{"needs.already_retry", "services that already retry"},
	{"needs.encryption_only", "encryption in transit only"},
	{"needs.edge_split_only", "splitting only at the edge"},
	{"needs.observability_only", "mostly observability"},
	{"needs.new_to_kubernetes", "a team new to Kubernetes"},
	{"needs.prefer_managed", "preferring AKS-managed"},
	{"needs.accept_preview", "accepting previews"},
}

// flips searches every input that can change the top option: each yes/no
// answer and need level toggled, and each number bisected on the real
// engine, within its bounds, for the nearest value on either side at which
// another option comes first.
func flips(a Assessment, base Recommendation) []Flip {
	var out []Flip
	topOf := func(b Assessment) (string, bool) {
		if b.Validate() != nil {
			return "", false
		}
		return rank(b, computeWith(b, &decisionFigures), false).Top, true
	}
	name := func(id string) string {
		for _, o := range base.Ranked {
			if o.ID == id {
				return o.Name
			}
		}
		return "no option fitting every constraint"
	}
	add := func(change, rule, field, value, top string) {
		out = append(out, Flip{Change: change, Result: "the recommendation becomes " + name(top), Rule: rule, Field: field, Value: value, Top: top})
	}
	for _, t := range flipToggles {
		b := a
		was := a.FieldValue(t.key) == "true"
		now := strconv.FormatBool(!was)
		if err := b.SetField(t.key, now); err != nil {
			continue
		}
		if top, ok := topOf(b); ok && top != base.Top {
			rule := "needs"
			if t.key == "needs.mtls" || t.key == "needs.l7_split" || t.key == "needs.retries" || t.key == "needs.multi_cluster" {
				rule = "checklist"
			}
			add(fmt.Sprintf("Answering %s to %s", yesNo(!was), t.what), rule, t.key, now, top)
		}
	}
	for _, need := range CoverableNeeds {
		if !a.Needs.asked(need) {
			continue
		}
		b := a
		b.Needs.Levels = map[string]string{}
		for k, v := range a.Needs.Levels {
			b.Needs.Levels[k] = v
		}
		to := LevelMust
		if a.Needs.Level(need) == LevelMust {
			to = LevelWant
		}
		b.Needs.Levels[need] = to
		if top, ok := topOf(b); ok && top != base.Top {
			add(fmt.Sprintf("Making %s a %s", needLabel(need), to), "needs", "needs.levels."+need, to, top)
		}
	}
	for _, key := range flipNumbers {
		f, ok := fieldByKey(key)
		if !ok {
			continue
		}
		now, start, dirs := a.FieldValue(key), "", []int64{-1, 1}
		if key == "max_added_nodes" && a.MaxAddedNodes == 0 {
			// 0 means no limit: the flip is a cap, searched up from a cap of one.
			now, start, dirs = "no limit", "1", []int64{-1}
		}
		for _, dir := range dirs {
			if v, top, found := threshold(a, f, start, dir, base.Top, topOf); found {
				side := "or less"
				if dir > 0 {
					side = "or more"
				}
				add(fmt.Sprintf("With %s at %s%s %s (now %s)", strings.ToLower(f.Label), v, unitSuffix(f.Unit), side, now), "threshold", key, v, top)
			}
		}
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func unitSuffix(u string) string {
	if u == "" {
		return ""
	}
	return " " + u
}

func fieldByKey(key string) (InputField, bool) {
	for _, f := range InputFields {
		if f.Key == key {
			return f, true
		}
	}
	return InputField{}, false
}

// threshold walks one number from its value towards one bound in doubling
// steps until the top option changes, then bisects to the first value (in
// whole units, or cents for decimals) at which it does. When the bound
// itself is valid and keeps the top option, the side is taken as having no
// flip: a change that reverts before the bound is not searched for. Values the inputs'
// bounds or feasibility refuse count as no change. start, when given,
// replaces the current value (for an input whose 0 means no limit).
func threshold(a Assessment, f InputField, start string, dir int64, baseTop string, topOf func(Assessment) (string, bool)) (string, string, bool) {
	exp := int32(0)
	if f.Kind == FieldDecimal {
		exp = -2
	}
	toUnits := func(s string) (int64, bool) {
		d, err := decimal.NewFromString(s)
		if err != nil {
			return 0, false
		}
		return d.Shift(-exp).Round(0).IntPart(), true
	}
	text := func(u int64) string {
		if exp == 0 {
			return strconv.FormatInt(u, 10)
		}
		return decimal.New(u, exp).String()
	}
	if start == "" {
		start = a.FieldValue(f.Key)
	}
	cur, ok1 := toUnits(start)
	lo, ok2 := toUnits(f.Min)
	hi, ok3 := toUnits(f.Max)
	if !ok1 || !ok2 || !ok3 {
		return "", "", false
	}
	valid := true
	at := func(u int64) (string, bool) {
		b := a
		if b.SetField(f.Key, text(u)) != nil {
			valid = false
			return "", false
		}
		top, ok := topOf(b)
		valid = ok
		return top, ok && top != baseTop
	}
	limit := hi
	if dir < 0 {
		limit = lo
	}
	same := cur
	var differ int64
	found := false
	if start != a.FieldValue(f.Key) {
		// A start other than the value itself: bisect from it (if it
		// changes the top option) to the far bound (which does not).
		if _, changed := at(cur); !changed {
			return "", "", false
		}
		differ, same, found = cur, hi, true
		if _, changed := at(hi); changed {
			same = cur // the whole range changes it: the start is the threshold
		}
	}
	if !found && limit != cur {
		// A valid bound with the same top option: taken as no change on
		// this side (one evaluation instead of a walk). A bound the inputs
		// refuse (100,000 pods on 30 nodes) proves nothing: walk.
		if _, changed := at(limit); !changed && valid {
			return "", "", false
		}
	}
	for step := int64(1); !found; step *= 2 {
		next := cur + dir*step
		if (dir > 0 && next > limit) || (dir < 0 && next < limit) {
			next = limit
		}
		if next == same {
			break
		}
		if _, changed := at(next); changed {
			differ, found = next, true
			break
		}
		same = next
		if next == limit {
			break
		}
	}
	if !found {
		return "", "", false
	}
	for abs64(differ-same) > 1 {
		mid := same + (differ-same)/2
		if _, changed := at(mid); changed {
			differ = mid
		} else {
			same = mid
		}
	}
	top, _ := at(differ)
	return text(differ), top, true
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
