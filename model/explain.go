package model

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"
)

// meshOnlyMusts are the musts no lighter option can meet: no option that
// is not a full mesh, and is blocked by nothing but needs, covers them fully,
// while some mesh does. They override the checklist's "no mesh needed".
func meshOnlyMusts(a Assessment, r Recommendation, e Estimate) []string {
	musts := r.Musts
	if len(musts) == 0 {
		return nil
	}
	lighter := map[string]bool{}
	byMesh := map[string]bool{}
	for _, o := range e.Options {
		full := map[string]bool{}
		for _, c := range o.Coverage {
			if c.Level == CoverYes {
				full[c.Need] = true
			}
		}
		if fullMeshes[o.ID] {
			for _, m := range musts {
				byMesh[m] = byMesh[m] || full[m]
			}
			continue
		}
		otherBlock := false
		for _, reason := range rulesFor(a, r, o) {
			if reason.Blocks && !strings.HasPrefix(reason.Rule, "need-") {
				otherBlock = true
			}
		}
		if otherBlock {
			continue
		}
		for _, m := range musts {
			lighter[m] = lighter[m] || full[m]
		}
	}
	var out []string
	for _, m := range musts {
		if !lighter[m] && byMesh[m] {
			out = append(out, m)
		}
	}
	return out
}

// lacks lists the musts an option does not fully cover, by label.
func lacks(a Assessment, o OptionEstimate) []string {
	var out []string
	for _, c := range o.Coverage {
		if !c.Required || (c.Need == "retries" && a.Needs.AlreadyRetry) {
			continue
		}
		if a.Needs.Level(c.Need) == LevelMust && c.Level != CoverYes {
			out = append(out, needLabel(c.Need))
		}
	}
	return out
}

// labels joins needs' labels in plain words: "mTLS and tracing".
func labels(needs []string) string {
	ls := make([]string, len(needs))
	for i, n := range needs {
		ls[i] = needLabel(n)
	}
	return joinAnd(ls)
}

func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// ruleLabel names a rule for a sentence.
func ruleLabel(rule string) string {
	if need, ok := strings.CutPrefix(rule, "need-"); ok {
		return needLabel(need)
	}
	return strings.ReplaceAll(rule, "-", " ")
}

// ruleDiffs lists the rules on which two options' scores differ, largest
// difference first: "self-managed -5 against Istio ambient".
func ruleDiffs(winner, loser RankedOption) []string {
	sum := func(o RankedOption) map[string]int {
		m := map[string]int{}
		for _, r := range o.Reasons {
			m[r.Rule] += r.Weight
		}
		return m
	}
	w, l := sum(winner), sum(loser)
	type diff struct {
		rule  string
		delta int
	}
	var ds []diff
	seen := map[string]bool{}
	for _, m := range []map[string]int{w, l} {
		for rule := range m {
			if !seen[rule] && w[rule] != l[rule] {
				seen[rule] = true
				ds = append(ds, diff{rule, w[rule] - l[rule]})
			}
		}
	}
	sort.Slice(ds, func(i, j int) bool {
		ai, aj := abs(ds[i].delta), abs(ds[j].delta)
		if ai != aj {
			return ai > aj
		}
		return ds[i].rule < ds[j].rule
	})
	var out []string
	for _, d := range ds {
		if len(out) == 3 {
			break
		}
		out = append(out, fmt.Sprintf("%s %+d", ruleLabel(d.rule), d.delta))
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func firstBlock(o RankedOption) string {
	for _, r := range o.Reasons {
		if r.Blocks {
			return r.Text
		}
	}
	return ""
}

// explain writes why the top option beats the runner-up, and why the
// cheapest option is not first.
func explain(r *Recommendation, e Estimate) {
	if len(r.Ranked) < 2 {
		return
	}
	top, runner := r.Ranked[0], r.Ranked[1]
	opt := map[string]OptionEstimate{}
	for _, o := range e.Options {
		opt[o.ID] = o
	}
	cur := e.Currency
	money := func(d decimal.Decimal) string { return FormatMoney(d, cur) }
	t, u := opt[top.ID], opt[runner.ID]
	switch {
	case runner.Verdict == VerdictNotAdvised:
		r.WhyTop = fmt.Sprintf("%s is the only option not blocked; the next, %s, is not advised: %s", top.Name, runner.Name, firstBlock(runner))
	case top.Score == runner.Score:
		r.WhyTop = fmt.Sprintf("%s and %s score the same (%d); %s comes first because it costs %s a month less.", top.Name, runner.Name, top.Score, top.Name,
			money(u.Monthly.Total.Sub(t.Monthly.Total)))
	default:
		r.WhyTop = fmt.Sprintf("%s beats the runner-up, %s, by %d points (%d against %d): %s.%s", top.Name, runner.Name, top.Score-runner.Score, top.Score, runner.Score,
			strings.Join(ruleDiffs(top, runner), ", "), tradeOff(t, u, money))
	}
	cheapest := r.Ranked[0]
	for _, ro := range r.Ranked[1:] {
		if opt[ro.ID].Monthly.Total.LessThan(opt[cheapest.ID].Monthly.Total) {
			cheapest = ro
		}
	}
	if cheapest.ID == top.ID {
		return
	}
	c := opt[cheapest.ID]
	if cheapest.Verdict == VerdictNotAdvised {
		r.WhyNotCheapest = fmt.Sprintf("%s is the cheapest (%s a month) but not advised: %s", cheapest.Name, money(c.Monthly.Total), firstBlock(cheapest))
		return
	}
	r.WhyNotCheapest = fmt.Sprintf("%s is the cheapest (%s a month, %s less than %s) but scores %d against %d: %s.", cheapest.Name, money(c.Monthly.Total),
		money(t.Monthly.Total.Sub(c.Monthly.Total)), top.Name, cheapest.Score, top.Score, strings.Join(ruleDiffs(top, cheapest), ", "))
}

// tradeOff says what the runner-up would give in money and latency.
func tradeOff(t, u OptionEstimate, money func(decimal.Decimal) string) string {
	var parts []string
	if d := t.Monthly.Total.Sub(u.Monthly.Total); d.IsPositive() {
		parts = append(parts, fmt.Sprintf("costs %s a month less", money(d)))
	}
	if d := t.Latency.P99.Sub(u.Latency.P99); d.IsPositive() {
		parts = append(parts, fmt.Sprintf("adds %s ms less at p99", d.String()))
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf(" %s %s; the rules weigh that below the points.", u.Name, joinAnd(parts))
}

// NeedLabels turns need keys into labels for people.
func NeedLabels(needs []string) []string {
	out := make([]string, len(needs))
	for i, n := range needs {
		out[i] = needLabel(n)
	}
	return out
}
