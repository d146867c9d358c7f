package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/shopspring/decimal"
)

// Ranged figures: components that name one take it from figures instead of
// their catalog constant.
const (
	figNone         = iota
	figIstioSidecar // Istio sidecar vCPU per 1000 rps and working set
	figLinkerdProxy // Linkerd proxy CPU: the Istio figure x 36/67
	figCiliumAgent  // cilium-agent memory budget
)

// Linkerd's proxy CPU relative to Istio's in the 2021 benchmark (36 vs 67 ms
// of CPU time at 2000 rps).
const linkerdCPUNum, linkerdCPUDen = 36, 67

// figures are the values of every ranged figure for one evaluation.
type figures struct {
	sidecarCPU       int64 // µcores per 1000 rps through one Istio sidecar
	sidecarMem       int64 // bytes of working set per sidecar
	hopP99           int64 // µs added per sidecar pair at p99; 0: the chosen latency source
	istiodPermille   int64 // istiod load as a share of the fit, in thousandths
	ciliumAgentMemMi int64 // cilium-agent memory budget per node
	lean             bool  // ranges and curves: skip components, notes and coverage; no telemetry unless curve
	curve            bool  // with lean: whole-node money and telemetry, for growth curves
}

// likelyFigures are the point estimate's figures.
var likelyFigures = figures{sidecarCPU: 200_000, sidecarMem: 60 * mb, istiodPermille: 1000, ciliumAgentMemMi: 512}

// RangedFigure is a default that its sources give as a range.
type RangedFigure struct {
	ID      string  `json:"id"`
	Label   string  `json:"label"`
	Unit    string  `json:"unit"`
	Low     float64 `json:"low"`
	Likely  float64 `json:"likely"`
	High    float64 `json:"high"`
	Source  string  `json:"source"` // a key of Sources
	Why     string  `json:"why"`    // where low and high come from
	UsedIn  string  `json:"used_in"`
	apply   func(f *figures, v float64)
	latency bool // Likely follows the chosen latency source
}

// RangedFigures lists every figure the engine draws when it computes ranges.
var RangedFigures = []RangedFigure{
	{ID: "istio-sidecar-cpu", Label: "Istio sidecar CPU per 1000 rps", Unit: "vCPU", Low: 0.20, Likely: 0.20, High: 0.40, Source: "istio-perf-sidecar",
		Why:    "0.20 on istio.io (1.24); 0.4 in AKS istio-scale (asm-1-19, client and server proxy, read per proxy as the high end)",
		UsedIn: "Istio sidecar usage and planned requests; Linkerd proxy (x 36/67)",
		apply:  func(f *figures, v float64) { f.sidecarCPU = int64(math.Round(v * 1e6)) }},
	{ID: "istio-sidecar-memory", Label: "Istio sidecar working set", Unit: "MB", Low: 50, Likely: 60, High: 100, Source: "seed-003",
		Why:    "50–100 MB per sidecar (seed 003); 60 MB on istio.io (1.24); 72 MB in AKS istio-scale",
		UsedIn: "Istio sidecar usage and planned requests",
		apply:  func(f *figures, v float64) { f.sidecarMem = int64(math.Round(v * 1e6)) }},
	{ID: "sidecar-hop-p99", Label: "added p99 per sidecar pair (hop)", Unit: "ms", Low: 0.298, Likely: 1.45, High: 3, Source: "seed-003",
		Why:    "0.298 ms on istio.io (1.20); 1.45 ms AKS chart (asm-1-22); 1–3 ms per hop (seed 003). Likely follows the chosen latency source",
		UsedIn: "added p99 of Istio sidecar, Linkerd (scaled), waypoints and node Envoys (half a pair)",
		apply:  func(f *figures, v float64) { f.hopP99 = int64(math.Round(v * 1000)) }, latency: true},
	{ID: "istiod-fit", Label: "istiod load against the AKS istio-scale fit", Unit: "x", Low: 0.9, Likely: 1, High: 1.1, Source: "aks-istio-scale-istiod",
		Why:    "the fit reproduces every measured point within ±6%; ±10% leaves room for newer revisions",
		UsedIn: "istiod usage, HPA replicas and planned requests",
		apply:  func(f *figures, v float64) { f.istiodPermille = int64(math.Round(v * 1000)) }},
	{ID: "cilium-agent-memory", Label: "cilium-agent memory budget per node", Unit: "MiB", Low: 143, Likely: 512, High: 2861, Source: "cilium-budget",
		Why:    "agent memory reported from 150 MB to 3 GB by cluster size (cilium issues); 512Mi is our budget",
		UsedIn: "Cilium option per-node requests",
		apply:  func(f *figures, v float64) { f.ciliumAgentMemMi = int64(math.Round(v)) }},
}

// RangeDraws is how many draws the Monte Carlo makes; RangeSeed fixes its
// generator so the same input always gives the same ranges.
const (
	RangeDraws = 100
	RangeSeed  = 20261129
)

// Spread is a figure's 10th, 50th and 90th percentile over the draws.
type Spread struct {
	P10 decimal.Decimal `json:"p10"`
	P50 decimal.Decimal `json:"p50"`
	P90 decimal.Decimal `json:"p90"`
}

// OptionRange is one option's spread of the figures people act on.
type OptionRange struct {
	ID         string `json:"id"`
	Cores      Spread `json:"planned_cores"`
	GiB        Spread `json:"planned_gib"`
	AddedNodes Spread `json:"added_nodes"`
	Monthly    Spread `json:"monthly_total"`
	AddedP99   Spread `json:"added_p99_ms"`
}

// Overlap is a pair of options whose monthly P10–P90 ranges overlap: the
// difference between them is within what the sources leave open.
type Overlap struct {
	A string `json:"a"`
	B string `json:"b"`
}

// Ranges is the uncertainty of an estimate: each option's P10 / P50 / P90,
// drawn from the figures the sources give as ranges.
type Ranges struct {
	Method   string         `json:"method"`
	Draws    int            `json:"draws"`
	Seed     int            `json:"seed"`
	Figures  []RangedFigure `json:"figures"`
	Options  []OptionRange  `json:"options"`
	Overlaps []Overlap      `json:"overlaps"`
}

// Option returns the range of one option.
func (r Ranges) Option(id string) (OptionRange, bool) {
	for _, o := range r.Options {
		if o.ID == id {
			return o, true
		}
	}
	return OptionRange{}, false
}

// OverlapsWith lists the options whose monthly range overlaps id's.
func (r Ranges) OverlapsWith(id string) []string {
	var out []string
	for _, o := range r.Overlaps {
		switch id {
		case o.A:
			out = append(out, o.B)
		case o.B:
			out = append(out, o.A)
		}
	}
	return out
}

// ComputeRanges validates the assessment and runs the Monte Carlo: each
// draw takes every ranged figure from a triangular distribution (low,
// likely, high) with a fixed seed and prices every option; the percentiles
// are nearest-rank over the draws.
func ComputeRanges(a Assessment) (Ranges, error) {
	if err := a.Validate(); err != nil {
		return Ranges{}, err
	}
	return computeRanges(a), nil
}

func computeRanges(a Assessment) Ranges {
	point := compute(a)
	figs := rangedFiguresFor(a)
	rng := rand.New(rand.NewPCG(RangeSeed, uint64(RangeDraws)))
	nOpt := len(Catalog)
	cores := make([][]int64, nOpt)
	gibs := make([][]int64, nOpt)
	nodes := make([][]int64, nOpt)
	p99 := make([][]int64, nOpt)
	approx := make([][]float64, nOpt) // money in float, only to rank the draws
	for i := range nOpt {
		cores[i], gibs[i], nodes[i], p99[i] = make([]int64, RangeDraws), make([]int64, RangeDraws), make([]int64, RangeDraws), make([]int64, RangeDraws)
		approx[i] = make([]float64, RangeDraws)
	}
	a, s, _ := pricedInputs(a)
	alloc := AllocatableOf(s, a.MaxPodsPerNode)
	prices := SplitNodePrice(s, a.Pricing.CPURAMRatio).withMonth(a.Pricing.HoursPerMonth)
	room := roomOf(a, alloc)
	coreF, gibF := prices.coreMonth.InexactFloat64()/1e6, prices.gibMonth.InexactFloat64()/float64(gib)
	acnsF := a.Pricing.ACNSPerNodeHour.Mul(a.Pricing.HoursPerMonth).InexactFloat64()
	for d := range RangeDraws {
		f := likelyFigures
		f.lean = true
		for _, rf := range figs {
			rf.apply(&f, triangular(rng.Float64(), rf.Low, rf.Likely, rf.High))
		}
		for i := range Catalog {
			o := estimateOption(a, &Catalog[i], alloc, prices, room, &f)
			cores[i][d], gibs[i][d], nodes[i][d], p99[i][d] = int64(o.Planned.CPUCores), int64(o.Planned.MemoryGiB), int64(o.AddedNodes), o.p99us
			approx[i][d] = float64(cores[i][d])*coreF + float64(gibs[i][d])*gibF
			if Catalog[i].usesACNS {
				approx[i][d] += acnsF * float64(a.Nodes+o.AddedNodes)
			}
		}
	}
	// Money: the draws are ranked by their float approximation and only the
	// three kept are priced exactly (planned share + fees + telemetry, which
	// no ranged figure moves).
	money := make([]Spread, nOpt)
	for i := range Catalog {
		idx := make([]int, RangeDraws)
		for d := range idx {
			idx[d] = d
		}
		slices.SortStableFunc(idx, func(x, y int) int { return cmpFloat(approx[i][x], approx[i][y]) })
		p10, p50, p90 := ranks(RangeDraws)
		exact := func(d int) decimal.Decimal {
			r := Resources{CPUCores: Cores(cores[i][d]), MemoryGiB: GiB(gibs[i][d])}
			m := add(resourceCost(r, prices, a.Pricing.HoursPerMonth), feesOf(a, &Catalog[i], a.Nodes+int(nodes[i][d])))
			return add(m, point.Options[i].Monthly.Telemetry)
		}
		v := []decimal.Decimal{exact(idx[p10]), exact(idx[p50]), exact(idx[p90])}
		slices.SortFunc(v, func(x, y decimal.Decimal) int { return x.Cmp(y) }) // float near-ties cannot invert them
		money[i] = Spread{P10: v[0], P50: v[1], P90: v[2]}
	}
	r := Ranges{
		Method:  fmt.Sprintf("Monte Carlo: %d draws, triangular (low, likely, high) per ranged figure, fixed seed %d; nearest-rank percentiles", RangeDraws, RangeSeed),
		Draws:   RangeDraws,
		Seed:    RangeSeed,
		Figures: figs,
		Options: make([]OptionRange, nOpt),
	}
	for i, o := range Catalog {
		r.Options[i] = OptionRange{
			ID:         o.ID,
			Cores:      spreadInt(cores[i], func(v int64) decimal.Decimal { return Cores(v).Decimal() }),
			GiB:        spreadInt(gibs[i], func(v int64) decimal.Decimal { return GiB(v).Decimal() }),
			AddedNodes: spreadInt(nodes[i], decimal.NewFromInt),
			AddedP99:   spreadInt(p99[i], func(v int64) decimal.Decimal { return decimal.New(v, -3) }),
			Monthly:    money[i],
		}
	}
	for i := range r.Options {
		for j := i + 1; j < len(r.Options); j++ {
			x, y := r.Options[i].Monthly, r.Options[j].Monthly
			if !x.P10.GreaterThan(y.P90) && !y.P10.GreaterThan(x.P90) {
				r.Overlaps = append(r.Overlaps, Overlap{A: r.Options[i].ID, B: r.Options[j].ID})
			}
		}
	}
	return r
}

// rangedFiguresFor sets the likely per-hop p99 to the chosen latency source.
func rangedFiguresFor(a Assessment) []RangedFigure {
	figs := slices.Clone(RangedFigures)
	for i := range figs {
		if figs[i].latency && a.LatencySource == LatencyUpstream {
			figs[i].Likely = float64(sidecarUpstream.p99) / 1000
		}
	}
	return figs
}

// triangular maps u in [0, 1) to the triangular distribution (lo, mode, hi).
func triangular(u, lo, mode, hi float64) float64 {
	if hi <= lo {
		return mode
	}
	c := (mode - lo) / (hi - lo)
	if u < c {
		return lo + math.Sqrt(u*(hi-lo)*(mode-lo))
	}
	return hi - math.Sqrt((1-u)*(hi-lo)*(hi-mode))
}

// Nearest-rank percentiles of n sorted draws.
func ranks(n int) (p10, p50, p90 int) {
	at := func(p int) int { return max(0, (p*n+99)/100-1) }
	return at(10), at(50), at(90)
}

func spreadInt(v []int64, conv func(int64) decimal.Decimal) Spread {
	slices.Sort(v)
	a, b, c := ranks(len(v))
	return Spread{P10: conv(v[a]), P50: conv(v[b]), P90: conv(v[c])}
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// RangeHeader names the columns of Ranges.Row, appended to the comparison.
var RangeHeader = []string{
	"planned_cores_p10", "planned_cores_p50", "planned_cores_p90",
	"added_nodes_p10", "added_nodes_p50", "added_nodes_p90",
	"monthly_total_p10", "monthly_total_p50", "monthly_total_p90",
	"added_p99_ms_p10", "added_p99_ms_p50", "added_p99_ms_p90",
}

// Row is one option's ranges as CSV cells, rounded like the comparison.
func (r Ranges) Row(id string) []string {
	o, ok := r.Option(id)
	if !ok {
		return make([]string, len(RangeHeader))
	}
	f := func(s Spread, places int32) []string {
		return []string{s.P10.StringFixed(places), s.P50.StringFixed(places), s.P90.StringFixed(places)}
	}
	out := make([]string, 0, len(RangeHeader))
	out = append(out, f(o.Cores, 3)...)
	out = append(out, f(o.AddedNodes, 0)...)
	out = append(out, f(o.Monthly, 2)...)
	return append(out, f(o.AddedP99, 3)...)
}
