package model

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// ModelVersion identifies the cost model; every stored result records it.
// Bump it whenever a default, a formula or a source changes.
const ModelVersion = "meshwise-cost/2026.11.2"

// Resources is an amount of CPU and memory.
type Resources struct {
	CPUCores  Cores `json:"cpu_cores"`
	MemoryGiB GiB   `json:"memory_gib"`
}

// ComponentEstimate is one component's share of an option's tax.
type ComponentEstimate struct {
	Key      string    `json:"key"` // "option/component", the override key
	Name     string    `json:"name"`
	Kind     string    `json:"kind"`
	Replicas int       `json:"replicas"`
	CPUm     int       `json:"cpu_m"`     // request per replica
	MemoryMi int       `json:"memory_mi"` // request per replica
	Requests Resources `json:"requests"`  // default (or overridden) request x replicas
	Usage    Resources `json:"usage"`     // predicted usage at the assessed traffic
	// Planned is what a team will have to request: per replica the larger of
	// the default request and the predicted usage. Nodes and money follow it.
	PlannedCPUm     int       `json:"planned_cpu_m"`     // per replica, rounded up
	PlannedMemoryMi int       `json:"planned_memory_mi"` // per replica, rounded up
	Planned         Resources `json:"planned"`
	DefaultTooSmall bool      `json:"default_too_small"` // predicted usage exceeds the default request
	UsageEstimated  bool      `json:"usage_estimated"`   // false: no published figure, usage shown equal to requests
	Overridden      bool      `json:"overridden"`
	Source          string    `json:"source"`                   // a key of Estimate.Sources
	ReplicaSource   string    `json:"replica_source,omitempty"` // a key of Estimate.Sources
	UsageSource     string    `json:"usage_source"`             // a key of Estimate.Sources
}

// Money is an option's monthly cost, computed four ways, plus telemetry and
// fees. Total is the planned-requests compute cost plus telemetry plus fees.
type Money struct {
	NodesAdded decimal.Decimal `json:"nodes_added"` // whole added nodes x node price
	Requests   decimal.Decimal `json:"requests"`    // default requested cores and GiB x unit prices
	Planned    decimal.Decimal `json:"planned"`     // planned requests x unit prices
	Usage      decimal.Decimal `json:"usage"`       // estimated usage x unit prices
	Telemetry  decimal.Decimal `json:"telemetry"`
	Fees       decimal.Decimal `json:"fees"`
	Total      decimal.Decimal `json:"total"`   // share method: planned requests + telemetry + fees (what a chargeback shows)
	Invoice    decimal.Decimal `json:"invoice"` // whole nodes: added nodes + telemetry + fees (what the invoice shows)
}

// Latency is the added latency of an option, per hop and per user request.
type Latency struct {
	PerHopP50 decimal.Decimal `json:"per_hop_p50_ms"`
	PerHopP90 decimal.Decimal `json:"per_hop_p90_ms"`
	PerHopP99 decimal.Decimal `json:"per_hop_p99_ms"`
	P50       decimal.Decimal `json:"p50_ms"`
	P90       decimal.Decimal `json:"p90_ms"`
	P99       decimal.Decimal `json:"p99_ms"`
	Sources   []string        `json:"sources"` // keys of Estimate.Sources
	Note      string          `json:"note"`
}

// TelemetryEstimate is the observability volume an option adds and its price.
type TelemetryEstimate struct {
	MetricSeries          int64           `json:"metric_series"`
	MetricSamplesPerMonth decimal.Decimal `json:"metric_samples_per_month"`
	SpansPerMonth         decimal.Decimal `json:"spans_per_month"`
	TraceGB               decimal.Decimal `json:"trace_gb"`
	AccessLogGB           decimal.Decimal `json:"access_log_gb"`
	MetricsCost           decimal.Decimal `json:"metrics_cost"`
	TracesCost            decimal.Decimal `json:"traces_cost"`
	LogsCost              decimal.Decimal `json:"logs_cost"`
	Sources               []string        `json:"sources"` // keys of Estimate.Sources
}

// NeedCoverage says how an option meets one need, and whether the team has it.
type NeedCoverage struct {
	Need     string `json:"need"`
	Required bool   `json:"required"`
	Coverage
}

// OptionEstimate is everything the engine says about one option.
type OptionEstimate struct {
	ID             string              `json:"id"`
	Name           string              `json:"name"`
	Summary        string              `json:"summary"`
	Managed        bool                `json:"managed"`
	Preview        bool                `json:"preview"` // public preview: no SLA
	OperatedBy     string              `json:"operated_by"`
	Components     []ComponentEstimate `json:"components"`
	Requests       Resources           `json:"requests"` // at default (or overridden) requests
	Usage          Resources           `json:"usage"`
	Planned        Resources           `json:"planned"` // max(request, predicted usage) per component
	AddedNodes     int                 `json:"added_nodes"`
	NodesFeasible  bool                `json:"nodes_feasible"` // false: per-node components do not fit a node
	NodeIterations int                 `json:"node_iterations"`
	Monthly        Money               `json:"monthly"`
	Latency        Latency             `json:"latency"`
	Telemetry      TelemetryEstimate   `json:"telemetry"`
	Coverage       []NeedCoverage      `json:"coverage"`
	Notes          []string            `json:"notes"`

	p99us int64 // added p99 in µs, for ranges' lean evaluations
}

// UnitPrices splits the node price into a core-hour and a GiB-hour price the
// way OpenCost does.
type UnitPrices struct {
	NodeHour decimal.Decimal `json:"node_hour"`
	CoreHour decimal.Decimal `json:"core_hour"`
	GiBHour  decimal.Decimal `json:"gib_hour"`
	Ratio    decimal.Decimal `json:"ratio"`
	Formula  string          `json:"formula"`
	Source   string          `json:"source"`

	coreMonth, gibMonth decimal.Decimal // x hours per month, for resourceCost
}

// Estimate is the full comparison of every option for one assessment.
type Estimate struct {
	ModelVersion string           `json:"model_version"`
	Currency     string           `json:"currency"`
	Assessment   Assessment       `json:"assessment"`
	SKU          NodeSKU          `json:"sku"`
	Allocatable  Allocatable      `json:"allocatable"`
	Room         Room             `json:"room"`  // spare room on today's nodes, with its derivation
	Price        PriceBasis       `json:"price"` // where the node price comes from, discounts and currency
	UnitPrices   UnitPrices       `json:"unit_prices"`
	Options      []OptionEstimate `json:"options"`
	// Sources holds every source the figures above name, by ID.
	Sources map[string]Source `json:"sources"`
	// Ranges, when asked for, is the P10 / P50 / P90 of each option.
	Ranges *Ranges `json:"ranges,omitempty"`
}

// Option returns the estimate of the option with the given ID.
func (e Estimate) Option(id string) (OptionEstimate, bool) {
	for _, o := range e.Options {
		if o.ID == id {
			return o, true
		}
	}
	return OptionEstimate{}, false
}

// SplitNodePrice derives core-hour and GiB-hour prices from a node's hourly
// price: GiB-hour = node / (vCPU x r + GiB), core-hour = r x GiB-hour, so the
// parts add back up to the node price (OpenCost costmodel.go).
func SplitNodePrice(s NodeSKU, ratio decimal.Decimal) UnitPrices {
	denom := decimal.NewFromInt(int64(s.VCPU)).Mul(ratio).Add(s.MemoryGiB)
	gibHour := s.HourlyPrice.Div(denom)
	return UnitPrices{
		NodeHour: s.HourlyPrice,
		CoreHour: gibHour.Mul(ratio),
		GiBHour:  gibHour,
		Ratio:    ratio,
		Formula:  "GiB-hour = node-hour / (vCPU x r + GiB); core-hour = r x GiB-hour",
		Source:   "opencost-split",
	}
}

// Compute runs the cost engine: it validates the assessment and prices every
// option in the catalog.
func Compute(a Assessment) (Estimate, error) {
	if err := a.Validate(); err != nil {
		return Estimate{}, err
	}
	return compute(a), nil
}

func compute(a Assessment) Estimate { return computeWith(a, &likelyFigures) }

// computeWith prices every option with the given figures: the likely ones
// for the point estimate, drawn ones for ranges.
func computeWith(in Assessment, f *figures) Estimate {
	a, s, basis := pricedInputs(in)
	alloc := AllocatableOf(s, a.MaxPodsPerNode)
	prices := SplitNodePrice(s, a.Pricing.CPURAMRatio).withMonth(a.Pricing.HoursPerMonth)
	room := roomOf(a, alloc)
	e := Estimate{
		Room:         room,
		Price:        basis,
		ModelVersion: ModelVersion,
		Currency:     a.Pricing.Currency,
		Assessment:   in,
		SKU:          in.skuOf(),
		Allocatable:  alloc,
		UnitPrices:   prices,
		Options:      make([]OptionEstimate, 0, len(Catalog)),
	}
	for i := range Catalog {
		e.Options = append(e.Options, estimateOption(a, &Catalog[i], alloc, prices, room, f))
	}
	e.Sources = e.citedSources()
	return e
}

// l7Needed reports whether any need requires an L7 proxy between services.
func (n Needs) l7Needed() bool { return n.L7Split || n.Retries || n.CircuitBreaking }

// sized is a component with its replica count, requests and planned
// requests resolved. Planned figures are per replica, in micro-cores and
// bytes.
type sized struct {
	c                Component
	replicas         int
	cpuM, memM       int
	planCPU, planMem int64
	useCPU, useMem   int64 // predicted usage, all replicas
	overridden       bool
}

// plan sets a component's planned request per replica: the larger of its
// request and its predicted usage per replica. Per-node components keep
// their predicted usage in total (useCPU, useMem), as it spreads over
// however many nodes the fixed point settles on.
func (sz *sized) plan(a Assessment, o *Option, l7 bool, f *figures) {
	sz.planCPU, sz.planMem = int64(sz.cpuM)*1000, int64(sz.memM)*mib
	if sz.replicas <= 0 {
		return
	}
	sz.useCPU, sz.useMem = usageOf(a, o, *sz, l7, f)
	if sz.c.scale == scalePerNode {
		sz.settle(sz.replicas)
		return
	}
	n := int64(sz.replicas)
	sz.planCPU = max(sz.planCPU, ceilDiv(sz.useCPU, n))
	sz.planMem = max(sz.planMem, ceilDiv(sz.useMem, n))
}

// settle plans a per-node component on nodes nodes: traffic-driven CPU
// spreads over them, a working set is per instance.
func (sz *sized) settle(nodes int) {
	n := int64(max(nodes, 1))
	per := sz.useMem / int64(max(sz.replicas, 1)) // working set per instance
	sz.planCPU = max(int64(sz.cpuM)*1000, ceilDiv(sz.useCPU, n))
	sz.planMem = max(int64(sz.memM)*mib, per)
}

func estimateOption(a Assessment, o *Option, alloc Allocatable, prices UnitPrices, room Room, f *figures) OptionEstimate {
	l7 := a.Needs.l7Needed()
	var buf [8]sized // no option has more components; avoids a heap slice per option
	comps := buf[:0]
	var fixedCPU, fixedMem int64
	var perNode []nodeDemand
	for _, c := range o.Components {
		if !c.deployed(a, l7) {
			continue
		}
		sz := sized{c: c, cpuM: c.CPUm, memM: c.MemoryMi}
		if c.fig == figCiliumAgent {
			sz.memM = int(f.ciliumAgentMemMi) // a budget: its sources span 150 MB to 3 GB
		}
		sz.replicas = baseReplicas(a, o, c, l7, f)
		if ov, ok := a.Overrides[o.ID+"/"+c.ID]; ok {
			sz.overridden = true
			if ov.CPUm != nil {
				sz.cpuM = *ov.CPUm
			}
			if ov.MemoryMi != nil {
				sz.memM = *ov.MemoryMi
			}
			if ov.Replicas != nil && c.scale != scalePerPod && c.scale != scalePerNode {
				sz.replicas = *ov.Replicas
			}
		}
		sz.plan(a, o, l7, f)
		if c.scale == scalePerNode {
			perNode = append(perNode, nodeDemand{reqCPU: int64(sz.cpuM) * 1000, reqMem: max(int64(sz.memM)*mib, sz.planMem), useCPU: sz.useCPU})
		} else {
			fixedCPU += sz.planCPU * int64(sz.replicas)
			fixedMem += sz.planMem * int64(sz.replicas)
		}
		comps = append(comps, sz)
	}

	added, iterations, feasible := addedNodes(a, alloc, room, fixedCPU, fixedMem, perNode)
	totalNodes := a.Nodes + added

	out := OptionEstimate{
		ID: o.ID, Name: o.Name, Summary: o.Summary, Managed: o.Managed, Preview: o.Preview, OperatedBy: o.OperatedBy,
		AddedNodes: added, NodesFeasible: feasible, NodeIterations: iterations,
	}
	if !f.lean {
		out.Notes = append([]string(nil), o.Notes...)
		out.Components = make([]ComponentEstimate, 0, len(comps))
	}
	var reqCPU, reqMem, useCPU, useMem, planCPU, planMem int64
	for _, sz := range comps {
		if sz.c.scale == scalePerNode {
			sz.settle(totalNodes)
			sz.replicas = totalNodes
		}
		n := int64(sz.replicas)
		planCPU += sz.planCPU * n
		planMem += sz.planMem * n
		if f.lean {
			continue
		}
		reqCPU += int64(sz.cpuM) * 1000 * n
		reqMem += int64(sz.memM) * mib * n
		ce := componentEstimate(a, o, sz, l7)
		uc, um := usageOf(a, o, sz, l7, f)
		useCPU += uc
		useMem += um
		ce.Usage = Resources{CPUCores: Cores(uc), MemoryGiB: GiB(um)}
		out.Components = append(out.Components, ce)
		if ce.DefaultTooSmall {
			out.Notes = append(out.Notes, tooSmallNote(ce))
		}
		if sz.c.scale == scaleIstiodHPA {
			if _, wanted := istiodHPA(uc, sz.c); wanted > sz.c.MaxReplicas && !sz.overridden {
				out.Notes = append(out.Notes, hpaNote(ce, wanted, sz.c.MaxReplicas))
			}
		}
	}
	out.Requests = Resources{CPUCores: Cores(reqCPU), MemoryGiB: GiB(reqMem)}
	out.Usage = Resources{CPUCores: Cores(useCPU), MemoryGiB: GiB(useMem)}
	out.Planned = Resources{CPUCores: Cores(planCPU), MemoryGiB: GiB(planMem)}

	hours := a.Pricing.HoursPerMonth
	if f.curve { // growth curves: money and nodes only
		out.Monthly.Total = add(resourceCost(out.Planned, prices, hours), feesOf(a, o, totalNodes))
		out.Monthly.NodesAdded = decimal.NewFromInt(int64(added)).Mul(prices.NodeHour).Mul(hours)
		if len(comps) > 0 {
			t := telemetryOf(a, o, l7)
			out.Monthly.Total = add(add(add(out.Monthly.Total, t.MetricsCost), t.TracesCost), t.LogsCost)
		}
		return out
	}
	if f.lean { // ranges: planned resources, nodes and p99; the caller prices the draws it keeps
		out.p99us = latencyHop(a, o, l7, f).p99 * int64(a.Hops)
		return out
	}
	out.Monthly.NodesAdded = decimal.Zero
	if added > 0 {
		out.Monthly.NodesAdded = decimal.NewFromInt(int64(added)).Mul(prices.NodeHour).Mul(hours)
	}
	out.Monthly.Requests = resourceCost(out.Requests, prices, hours)
	out.Monthly.Planned = out.Monthly.Requests
	if out.Planned != out.Requests {
		out.Monthly.Planned = resourceCost(out.Planned, prices, hours)
	}
	out.Monthly.Usage = resourceCost(out.Usage, prices, hours)
	out.Monthly.Fees = feesOf(a, o, totalNodes)
	if o.usesACNS && a.Pricing.ACNSPerNodeHour.IsZero() {
		out.Notes = append(out.Notes, "ACNS is a paid add-on whose price per node-hour is not published in the docs: enter yours (step 3) to include it.")
	}
	if o.licensed && a.Pricing.LinkerdLicensePerClusterMonth.IsZero() {
		out.Notes = append(out.Notes, "Priced as edge releases only (no licence). Stable builds need Buoyant Enterprise for Linkerd: free for non-production and companies under 50 employees, otherwise about US$2,000 per cluster-month (2024, S); enter it on step 3.")
	}
	if len(comps) > 0 {
		out.Telemetry = telemetryOf(a, o, l7)
	}
	out.Monthly.Telemetry = add(add(out.Telemetry.MetricsCost, out.Telemetry.TracesCost), out.Telemetry.LogsCost)
	out.Monthly.Total = add(add(out.Monthly.Planned, out.Monthly.Telemetry), out.Monthly.Fees)
	out.Monthly.Invoice = add(add(out.Monthly.NodesAdded, out.Monthly.Telemetry), out.Monthly.Fees)
	out.Latency = latencyOf(a, o, l7, f)
	out.Coverage = coverageOf(a.Needs, o)
	if a.UpgradeWindow && o.upgradeDoublesIstiod {
		out.Notes = append(out.Notes, "Upgrade window priced: istiod replicas doubled while two revisions run.")
	}
	if !feasible {
		out.Notes = append(out.Notes, "Per-node components request more than one node's allocatable: choose a larger SKU or lower the overrides.")
	}
	return out
}

// deployed reports whether a component runs at all for this assessment.
func (c Component) deployed(a Assessment, l7 bool) bool {
	switch c.when {
	case whenL7:
		return l7
	case whenNoCilium:
		return !a.CiliumCNI
	case whenMultiCluster:
		return a.Needs.MultiCluster || a.Clusters > 1
	case whenIngressGateway:
		return !a.NoIngressGateway
	}
	return true
}

// tooSmallNote says which default request the predicted usage outgrows.
func tooSmallNote(c ComponentEstimate) string {
	return fmt.Sprintf("%s: the default request (%dm, %dMi per replica) is below the predicted usage at this traffic; planned at %dm, %dMi per replica, as a team would have to set it.",
		c.Name, c.CPUm, c.MemoryMi, c.PlannedCPUm, c.PlannedMemoryMi)
}

// baseReplicas is a component's replica count before overrides. Per-node
// components are resolved after the node fixed point.
func baseReplicas(a Assessment, o *Option, c Component, l7 bool, f *figures) int {
	switch c.scale {
	case scalePerPod:
		return a.Pods
	case scalePerNode:
		return a.Nodes
	case scaleWaypoint:
		if !l7 {
			return 0
		}
		return a.Namespaces
	case scaleIstiodHPA:
		cpu, _ := istiodUsage(a, o, l7, f)
		n, _ := istiodHPA(cpu, c)
		if a.UpgradeWindow && o.upgradeDoublesIstiod {
			n *= 2
		}
		return n
	default:
		return c.Replicas
	}
}

// usageOf estimates what a component burns at the assessment's traffic.
// Without a published figure, usage is taken to equal the request.
func usageOf(a Assessment, o *Option, sz sized, l7 bool, f *figures) (cpuMicro, memBytes int64) {
	c := sz.c
	n := int64(sz.replicas)
	if n == 0 {
		return 0, 0
	}
	switch {
	case c.scale == scaleIstiodHPA:
		return istiodUsage(a, o, l7, f)
	case c.UsageSource != "":
		perK, mem := c.UsageCPUMicroPer1000, c.UsageMemoryBytes
		switch c.fig {
		case figIstioSidecar:
			perK, mem = f.sidecarCPU, f.sidecarMem
		case figLinkerdProxy:
			perK = f.sidecarCPU * linkerdCPUNum / linkerdCPUDen
		}
		cpuMicro = c.Traffic * int64(a.EastWestRPS) * perK / 1000
		return cpuMicro, n * mem
	default:
		return int64(sz.cpuM) * 1000 * n, int64(sz.memM) * mib * n
	}
}

func componentEstimate(a Assessment, o *Option, sz sized, l7 bool) ComponentEstimate {
	c := sz.c
	n := int64(sz.replicas)
	ce := ComponentEstimate{
		Key: o.ID + "/" + c.ID, Name: c.Name, Kind: c.Kind, Replicas: sz.replicas,
		CPUm: sz.cpuM, MemoryMi: sz.memM, Overridden: sz.overridden,
		Requests: Resources{
			CPUCores:  Cores(int64(sz.cpuM) * 1000 * n),
			MemoryGiB: GiB(int64(sz.memM) * mib * n),
		},
		PlannedCPUm:     int(ceilDiv(sz.planCPU, 1000)),
		PlannedMemoryMi: int(ceilDiv(sz.planMem, mib)),
		Planned: Resources{
			CPUCores:  Cores(sz.planCPU * n),
			MemoryGiB: GiB(sz.planMem * n),
		},
		DefaultTooSmall: sz.planCPU > int64(sz.cpuM)*1000 || sz.planMem > int64(sz.memM)*mib,
		Source:          c.Source,
		ReplicaSource:   c.ReplicaSource,
		UsageEstimated:  c.UsageSource != "",
		UsageSource:     "assumption",
	}
	if c.UsageSource != "" {
		ce.UsageSource = c.UsageSource
	}
	return ce
}

// addedNodes finds the whole nodes to add so that every request fits in AKS
// allocatable. Per-node components grow with the node count, so it iterates
// n = ceil((fixed + (nodes + n) x perNode - spare) / allocatable) to a fixed
// point, for CPU and memory alike, taking the larger. It is monotone, so it
// converges unless one node's own agents do not fit in it.
func addedNodes(a Assessment, alloc Allocatable, room Room, fixedCPU, fixedMem int64, perNode []nodeDemand) (added, iterations int, feasible bool) {
	var perNodeCPU, perNodeMem int64
	for _, d := range perNode {
		perNodeCPU += d.reqCPU
		perNodeMem += d.reqMem
	}
	if perNodeCPU >= alloc.CPUMicro || perNodeMem >= alloc.MemoryBytes {
		return 0, 0, false
	}
	spareCPU, spareMem := int64(room.SpareCPU), int64(room.SpareMem)
	for iterations = 1; iterations <= 1000; iterations++ {
		nodes := int64(a.Nodes + added)
		needCPU := fixedCPU - spareCPU
		for _, d := range perNode {
			needCPU += max(nodes*d.reqCPU, d.useCPU) // traffic spreads over the nodes
		}
		needMem := fixedMem + nodes*perNodeMem - spareMem
		next := int(max(ceilDiv(needCPU, alloc.CPUMicro), ceilDiv(needMem, alloc.MemoryBytes), 0))
		if next == added {
			return added, iterations, true
		}
		added = next
	}
	return added, iterations, false
}

// nodeDemand is one per-node component's request per node and its
// traffic-driven CPU across all nodes.
type nodeDemand struct{ reqCPU, reqMem, useCPU int64 }

// feesOf is an option's fees per month: ACNS per node-hour, a Linkerd
// licence per cluster.
func feesOf(a Assessment, o *Option, totalNodes int) decimal.Decimal {
	fees := decimal.Zero
	if o.usesACNS && !a.Pricing.ACNSPerNodeHour.IsZero() {
		fees = a.Pricing.ACNSPerNodeHour.Mul(decimal.NewFromInt(int64(totalNodes))).Mul(a.Pricing.HoursPerMonth)
	}
	if o.licensed && !a.Pricing.LinkerdLicensePerClusterMonth.IsZero() {
		fees = fees.Add(a.Pricing.LinkerdLicensePerClusterMonth.Mul(decimal.NewFromInt(int64(a.Clusters))))
	}
	return fees
}

func resourceCost(r Resources, p UnitPrices, hours decimal.Decimal) decimal.Decimal {
	if p.coreMonth.IsZero() && p.gibMonth.IsZero() { // prices not prepared by withMonth
		p = p.withMonth(hours)
	}
	if r.CPUCores == 0 && r.MemoryGiB == 0 {
		return decimal.Zero
	}
	return r.CPUCores.Decimal().Mul(p.coreMonth).Add(r.MemoryGiB.Decimal().Mul(p.gibMonth))
}

// add is x + y without the work when either is zero (most fees and
// telemetry parts are).
func add(x, y decimal.Decimal) decimal.Decimal {
	switch {
	case y.IsZero():
		return x
	case x.IsZero():
		return y
	}
	return x.Add(y)
}

// withMonth prepares the core-month and GiB-month prices once per estimate,
// so each resource cost takes two products instead of three.
func (p UnitPrices) withMonth(hours decimal.Decimal) UnitPrices {
	p.coreMonth, p.gibMonth = p.CoreHour.Mul(hours), p.GiBHour.Mul(hours)
	return p
}

// ceilDiv is ⌈a / b⌉ for b > 0; negative a gives a value ≤ 0.
func ceilDiv(a, b int64) int64 {
	if a <= 0 {
		return 0
	}
	return (a + b - 1) / b
}

func coverageOf(n Needs, o *Option) []NeedCoverage {
	required := [...]bool{n.MTLS, n.L7Split, n.Retries, n.CircuitBreaking, n.Tracing, n.MultiCluster, n.AuditLogs} // NeedNames order
	out := make([]NeedCoverage, len(NeedNames))
	for i, name := range NeedNames {
		out[i] = NeedCoverage{Need: name, Required: required[i], Coverage: o.Coverage[name]}
	}
	return out
}

// citedSources collects every source the estimate names.
func (e *Estimate) citedSources() map[string]Source {
	m := make(map[string]Source, 48)
	add := func(id string) {
		if id == "" {
			return
		}
		if _, ok := m[id]; !ok {
			m[id] = Sources[id]
		}
	}
	add(e.UnitPrices.Source)
	add(e.Allocatable.Source)
	add(e.Price.Source)
	add("hours-per-month")
	for i := range e.Options {
		o := &e.Options[i]
		for j := range o.Components {
			c := &o.Components[j]
			add(c.Source)
			add(c.ReplicaSource)
			add(c.UsageSource)
		}
		for _, id := range o.Latency.Sources {
			add(id)
		}
		for _, id := range o.Telemetry.Sources {
			add(id)
		}
	}
	return m
}
