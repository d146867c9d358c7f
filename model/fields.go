package model

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Field kinds for forms.
const (
	FieldInt      = "int"
	FieldDecimal  = "decimal"
	FieldBool     = "bool"
	FieldText     = "text"
	FieldChoice   = "choice"
	FieldOverride = "override" // an optional whole number: blank keeps the default
)

// InputField describes one assessment input for people: its label, unit,
// hint, default and bound. Key is the input's JSON path, which is also the
// field name in Validate's errors.
type InputField struct {
	Key      string
	Step     int // wizard step: 1 cluster and workloads, 2 checklist, 3 pricing and assumptions
	Label    string
	Unit     string
	Hint     string
	Kind     string
	Min      string
	Max      string
	Choices  []string
	Advanced bool // folded away on its step
}

func ib(b intBound) (string, string) { return strconv.Itoa(b.lo), strconv.Itoa(b.hi) }
func db(b decBound) (string, string) { return b.lo.String(), b.hi.String() }

// InputFields lists every input the wizard asks for, in order.
var InputFields = func() []InputField {
	f := func(key string, step int, label, unit, hint, kind string) InputField {
		return InputField{Key: key, Step: step, Label: label, Unit: unit, Hint: hint, Kind: kind}
	}
	withInt := func(x InputField, b intBound) InputField { x.Min, x.Max = ib(b); return x }
	withDec := func(x InputField, b decBound) InputField { x.Min, x.Max = db(b); return x }
	adv := func(x InputField) InputField { x.Advanced = true; return x }
	skus := append(SKUNames(), CustomSKU)
	return []InputField{
		{Key: "title", Step: 1, Label: "Title", Hint: "What this assessment is about, e.g. \"payments platform mesh\".", Kind: FieldText, Min: "1", Max: "200"},
		{Key: "cluster", Step: 1, Label: "Cluster", Hint: "The AKS cluster's name; used in the generated commands.", Kind: FieldText, Min: "0", Max: "100"},
		{Key: "resource_group", Step: 1, Label: "Resource group", Hint: "The cluster's Azure resource group; used in the generated commands.", Kind: FieldText, Min: "0", Max: "90"},
		withInt(f("services", 1, "Services", "services", "Services that call each other inside the cluster. The checklist's first question is \"more than 20\".", FieldInt), boundServices),
		withInt(f("pods", 1, "Pods to mesh", "pods", "Pods that would get a sidecar; the seed's example is 100.", FieldInt), boundPods),
		withInt(f("nodes", 1, "Nodes today", "nodes", "Nodes in the cluster now; per-node agents run on each.", FieldInt), boundNodes),
		{Key: "node_sku", Step: 1, Label: "Node size", Hint: "The VM size new nodes would use. Pick custom to enter your own.", Kind: FieldChoice, Choices: skus},
		adv(withInt(f("custom_sku.vcpu", 1, "Custom size: vCPUs", "vCPU", "Only for a custom node size.", FieldInt), boundSKUvCPU)),
		adv(withDec(f("custom_sku.memory_gib", 1, "Custom size: memory", "GiB", "Only for a custom node size.", FieldDecimal), boundSKUGiB)),
		adv(withDec(f("custom_sku.hourly_price", 1, "Custom size: price", "per hour", "Only for a custom node size; your agreement price.", FieldDecimal), boundSKUHourly)),
		withInt(f("max_pods_per_node", 1, "Max pods per node", "pods", "250 with Azure CNI Overlay, 110 kubenet, 30 legacy Azure CNI; it sets AKS's memory reservation.", FieldInt), boundMaxPods),
		withInt(f("namespaces", 1, "Namespaces to onboard", "namespaces", "Ambient runs one waypoint per namespace that needs L7.", FieldInt), boundNamespaces),
		withInt(f("east_west_rps", 1, "East-west traffic", "requests/s", "Service-to-service requests per second, cluster-wide.", FieldInt), boundRPS),
		withInt(f("hops_per_request", 1, "Hops per user request", "hops", "Average service-to-service calls one user request makes.", FieldInt), boundHops),
		withInt(f("clusters", 1, "Clusters", "clusters", "How many clusters the services span.", FieldInt), boundClusters),
		f("cilium_cni", 1, "Cilium is already the CNI", "", "Azure CNI powered by Cilium runs today.", FieldBool),

		f("needs.mtls", 2, "mTLS between all services is a hard compliance requirement", "", "Checklist question 2.", FieldBool),
		f("needs.l7_split", 2, "We need per-service traffic splitting, not only at ingress", "", "Checklist question 3: e.g. 5% to v2 of an internal service.", FieldBool),
		f("needs.retries", 2, "We need retries and timeouts without changing applications", "", "Checklist question 4.", FieldBool),
		f("needs.multi_cluster", 2, "Our services span several clusters", "", "Checklist question 5.", FieldBool),
		f("needs.already_retry", 2, "Our services already retry and time out", "", "Most modern frameworks do; then question 4 does not count.", FieldBool),
		f("needs.encryption_only", 2, "Encryption in transit is all we need", "", "WireGuard or pod-level TLS may be enough.", FieldBool),
		f("needs.edge_split_only", 2, "We only split traffic at the edge", "", "App Routing or AGC canaries may be enough.", FieldBool),
		f("needs.observability_only", 2, "We mostly want observability", "", "OpenTelemetry may be enough.", FieldBool),
		f("needs.audit_logs", 2, "Per-request access logs between services are mandated", "", "A regulatory audit trail without code changes.", FieldBool),
		f("needs.circuit_breaking", 2, "We need circuit breaking without code changes", "", "", FieldBool),
		f("needs.tracing", 2, "We want spans without instrumenting applications", "", "Traces are priced only when this is set.", FieldBool),
		f("needs.new_to_kubernetes", 2, "The team is still learning Kubernetes", "", "A mesh adds another layer of concepts.", FieldBool),
		f("needs.prefer_managed", 2, "We prefer AKS-managed components", "", "Self-managed meshes are not covered by Microsoft support.", FieldBool),

		withDec(f("latency_budget_p99_ms", 3, "Latency budget", "ms at p99", "The most latency the mesh may add to one user request.", FieldDecimal), boundBudget),
		withInt(f("max_added_nodes", 3, "Nodes we can add", "nodes", "0 means no limit.", FieldInt), boundAddedNodes),
		withDec(f("spare_cores", 3, "Spare CPU on today's nodes", "cores", "Unrequested CPU the mesh could use before nodes are added.", FieldDecimal), boundSpareCores),
		withDec(f("spare_gib", 3, "Spare memory on today's nodes", "GiB", "Unrequested memory the mesh could use.", FieldDecimal), boundSpareGiB),
		{Key: "latency_source", Step: 3, Label: "Per-hop latency figures", Hint: "aks: measured by AKS (asm-1-22); upstream: istio.io.", Kind: FieldChoice, Choices: []string{LatencyAKS, LatencyUpstream}},
		f("upgrade_window", 3, "Price an upgrade window", "", "Two control-plane revisions run side by side during a minor upgrade.", FieldBool),
		adv(InputField{Key: "pricing.currency", Step: 3, Label: "Currency", Hint: "ISO 4217 code of the prices below.", Kind: FieldText, Min: "3", Max: "3"}),
		adv(withDec(f("pricing.hours_per_month", 3, "Hours per month", "hours", "730 as OpenCost and infracost use.", FieldDecimal), boundHours)),
		adv(withDec(f("pricing.cpu_ram_ratio", 3, "CPU to RAM price ratio", "r", "OpenCost's default 7.46 splits a node price into core-hours and GiB-hours.", FieldDecimal), boundRatio)),
		adv(withDec(f("pricing.log_price_per_gb", 3, "Log price", "per GB", "Log Analytics analytics logs: 2.30.", FieldDecimal), boundPrice)),
		adv(withDec(f("pricing.trace_price_per_gb", 3, "Trace price", "per GB", "", FieldDecimal), boundPrice)),
		adv(withDec(f("pricing.metric_price_per_10m_samples", 3, "Metric price", "per 10M samples", "Azure Managed Prometheus: 0.16.", FieldDecimal), boundPrice)),
		adv(withDec(f("pricing.acns_price_per_node_hour", 3, "ACNS price", "per node-hour", "Advanced Container Networking Services, for the Cilium option.", FieldDecimal), boundPrice)),
		adv(withDec(f("telemetry.trace_sampling_percent", 3, "Trace sampling", "%", "Istio's default is 1%.", FieldDecimal), boundSampling)),
		adv(withInt(f("telemetry.scrape_interval_seconds", 3, "Scrape interval", "seconds", "", FieldInt), boundScrape)),
		adv(withInt(f("telemetry.callees_per_service", 3, "Callees per service", "services", "Workload pairs = services x callees.", FieldInt), boundCallees)),
		adv(withInt(f("telemetry.response_codes", 3, "Response codes per pair", "codes", "", FieldInt), boundCodes)),
		adv(withInt(f("telemetry.span_bytes", 3, "Bytes per span", "bytes", "", FieldInt), boundSpanBytes)),
	}
}()

// overrideFields are the per-component overrides, asked folded away on step
// 3: replicas (where the count is not per pod or per node), millicores and
// MiB per replica. Blank keeps the catalog default.
var overrideFields = func() []InputField {
	var out []InputField
	for _, o := range Catalog {
		for _, c := range o.Components {
			key := "overrides." + o.ID + "/" + c.ID
			name := o.Name + ": " + c.Name
			if c.scale != scalePerPod && c.scale != scalePerNode {
				lo, hi := ib(boundReplicas)
				out = append(out, InputField{Key: key + ".replicas", Step: 3, Label: name + " replicas", Unit: "replicas", Kind: FieldOverride, Min: lo, Max: hi, Advanced: true,
					Hint: "Blank keeps the default: " + replicaRule(c) + "."})
			}
			lo, hi := ib(boundCPUm)
			out = append(out, InputField{Key: key + ".cpu_m", Step: 3, Label: name + " CPU request", Unit: "millicores per replica", Kind: FieldOverride, Min: lo, Max: hi, Advanced: true,
				Hint: fmt.Sprintf("Blank keeps the default %dm (%s).", c.CPUm, Sources[c.Source].Ref)})
			lo, hi = ib(boundMemoryMi)
			out = append(out, InputField{Key: key + ".memory_mi", Step: 3, Label: name + " memory request", Unit: "MiB per replica", Kind: FieldOverride, Min: lo, Max: hi, Advanced: true,
				Hint: fmt.Sprintf("Blank keeps the default %dMi (%s).", c.MemoryMi, Sources[c.Source].Ref)})
		}
	}
	return out
}()

// FieldsOfStep returns the inputs asked on one wizard step.
func FieldsOfStep(step int) []InputField {
	var out []InputField
	for _, f := range InputFields {
		if f.Step == step {
			out = append(out, f)
		}
	}
	if step == 3 {
		out = append(out, overrideFields...)
	}
	return out
}

// splitOverrideKey splits "overrides.option/component.attr".
func splitOverrideKey(key string) (component, attr string, ok bool) {
	rest, found := strings.CutPrefix(key, "overrides.")
	if !found {
		return "", "", false
	}
	i := strings.LastIndex(rest, ".")
	if i < 0 {
		return "", "", false
	}
	return rest[:i], rest[i+1:], true
}

// overrideField returns the override attribute a key names.
func overrideField(o *Override, attr string) **int {
	switch attr {
	case "replicas":
		return &o.Replicas
	case "cpu_m":
		return &o.CPUm
	case "memory_mi":
		return &o.MemoryMi
	}
	return nil
}

func (a *Assessment) overrideValue(comp, attr string) string {
	o := a.Overrides[comp]
	if p := overrideField(&o, attr); p != nil && *p != nil {
		return strconv.Itoa(**p)
	}
	return ""
}

func (a *Assessment) setOverride(comp, attr, raw string) error {
	if _, known := LookupComponent(comp); !known {
		return fmt.Errorf("is not an input")
	}
	o := a.Overrides[comp]
	p := overrideField(&o, attr)
	if p == nil {
		return fmt.Errorf("is not an input")
	}
	if raw == "" {
		*p = nil
	} else {
		n, err := strconv.Atoi(raw)
		if err != nil {
			return fmt.Errorf("must be a whole number, or blank for the default")
		}
		*p = &n
	}
	if o.Replicas == nil && o.CPUm == nil && o.MemoryMi == nil {
		delete(a.Overrides, comp)
		return nil
	}
	if a.Overrides == nil {
		a.Overrides = map[string]Override{}
	}
	a.Overrides[comp] = o
	return nil
}

// FieldValue returns an input's current value as form text.
func (a *Assessment) FieldValue(key string) string {
	if comp, attr, ok := splitOverrideKey(key); ok {
		return a.overrideValue(comp, attr)
	}
	switch p := a.fieldPtr(key).(type) {
	case *int:
		return strconv.Itoa(*p)
	case *decimal.Decimal:
		return p.String()
	case *bool:
		return strconv.FormatBool(*p)
	case *string:
		return *p
	}
	return ""
}

// SetField parses form text into an input. Bools take "true"/"on" for yes
// and anything else (an unchecked box sends nothing) for no. The error names
// what was expected; bounds are Validate's job.
func (a *Assessment) SetField(key, raw string) error {
	raw = strings.TrimSpace(raw)
	if comp, attr, ok := splitOverrideKey(key); ok {
		return a.setOverride(comp, attr, raw)
	}
	switch p := a.fieldPtr(key).(type) {
	case *int:
		n, err := strconv.Atoi(raw)
		if err != nil {
			return fmt.Errorf("must be a whole number")
		}
		*p = n
	case *decimal.Decimal:
		if !plainDecimal(raw) {
			return fmt.Errorf("must be a number")
		}
		*p = decimal.RequireFromString(raw)
	case *bool:
		*p = raw == "true" || raw == "on"
	case *string:
		*p = raw
	default:
		return fmt.Errorf("is not an input")
	}
	return nil
}

func (a *Assessment) fieldPtr(key string) any {
	if strings.HasPrefix(key, "custom_sku.") && a.CustomSKU == nil {
		a.CustomSKU = &NodeSKU{VCPU: 4, MemoryGiB: decimal.NewFromInt(16), HourlyPrice: decimal.RequireFromString("0.192")}
	}
	switch key {
	case "title":
		return &a.Title
	case "cluster":
		return &a.Cluster
	case "resource_group":
		return &a.ResourceGroup
	case "services":
		return &a.Services
	case "pods":
		return &a.Pods
	case "nodes":
		return &a.Nodes
	case "node_sku":
		return &a.NodeSKU
	case "custom_sku.vcpu":
		return &a.CustomSKU.VCPU
	case "custom_sku.memory_gib":
		return &a.CustomSKU.MemoryGiB
	case "custom_sku.hourly_price":
		return &a.CustomSKU.HourlyPrice
	case "max_pods_per_node":
		return &a.MaxPodsPerNode
	case "namespaces":
		return &a.Namespaces
	case "east_west_rps":
		return &a.EastWestRPS
	case "hops_per_request":
		return &a.Hops
	case "clusters":
		return &a.Clusters
	case "cilium_cni":
		return &a.CiliumCNI
	case "latency_budget_p99_ms":
		return &a.LatencyBudget
	case "spare_cores":
		return &a.SpareCores
	case "spare_gib":
		return &a.SpareGiB
	case "max_added_nodes":
		return &a.MaxAddedNodes
	case "latency_source":
		return &a.LatencySource
	case "upgrade_window":
		return &a.UpgradeWindow
	case "needs.mtls":
		return &a.Needs.MTLS
	case "needs.l7_split":
		return &a.Needs.L7Split
	case "needs.retries":
		return &a.Needs.Retries
	case "needs.multi_cluster":
		return &a.Needs.MultiCluster
	case "needs.circuit_breaking":
		return &a.Needs.CircuitBreaking
	case "needs.tracing":
		return &a.Needs.Tracing
	case "needs.audit_logs":
		return &a.Needs.AuditLogs
	case "needs.already_retry":
		return &a.Needs.AlreadyRetry
	case "needs.encryption_only":
		return &a.Needs.EncryptionOnly
	case "needs.edge_split_only":
		return &a.Needs.EdgeSplitOnly
	case "needs.observability_only":
		return &a.Needs.ObservabilityOnly
	case "needs.new_to_kubernetes":
		return &a.Needs.NewToKubernetes
	case "needs.prefer_managed":
		return &a.Needs.PreferManaged
	case "pricing.currency":
		return &a.Pricing.Currency
	case "pricing.hours_per_month":
		return &a.Pricing.HoursPerMonth
	case "pricing.cpu_ram_ratio":
		return &a.Pricing.CPURAMRatio
	case "pricing.log_price_per_gb":
		return &a.Pricing.LogPerGB
	case "pricing.trace_price_per_gb":
		return &a.Pricing.TracePerGB
	case "pricing.metric_price_per_10m_samples":
		return &a.Pricing.MetricsPer10M
	case "pricing.acns_price_per_node_hour":
		return &a.Pricing.ACNSPerNodeHour
	case "telemetry.trace_sampling_percent":
		return &a.Telemetry.TraceSamplingPercent
	case "telemetry.scrape_interval_seconds":
		return &a.Telemetry.ScrapeSeconds
	case "telemetry.callees_per_service":
		return &a.Telemetry.CalleesPerService
	case "telemetry.response_codes":
		return &a.Telemetry.ResponseCodes
	case "telemetry.span_bytes":
		return &a.Telemetry.SpanBytes
	}
	return nil
}
