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
		{Key: "fill_mode", Step: 1, Label: "How full are the nodes today", Hint: "share: the requested share of allocatable (kubectl describe nodes, \"Allocated resources\"); per_pod: app requests per pod and DaemonSets per node; spare: spare cores and GiB given on step 3. An import fills it.", Kind: FieldChoice, Choices: []string{FillShare, FillPerPod, FillSpare}},
		withDec(f("requested_cpu_percent", 1, "CPU requested today", "% of allocatable", "For \"share\": the CPU requests share kubectl describe nodes shows. 70% is our assumption until you enter yours.", FieldDecimal), boundPercent),
		withDec(f("requested_memory_percent", 1, "Memory requested today", "% of allocatable", "For \"share\": the memory requests share. 70% is our assumption until you enter yours.", FieldDecimal), boundPercent),
		adv(withInt(f("pods_today", 1, "Pods running today", "pods", "For \"per_pod\": all pods on the nodes now, meshed or not; 0 means the pods to mesh.", FieldInt), boundPodsToday)),
		adv(withInt(f("app_cpu_m_per_pod", 1, "App CPU request per pod", "millicores", "For \"per_pod\": the average CPU request of a pod today.", FieldInt), boundAppCPUm)),
		adv(withInt(f("app_memory_mi_per_pod", 1, "App memory request per pod", "MiB", "For \"per_pod\": the average memory request of a pod today.", FieldInt), boundAppMemMi)),
		adv(withInt(f("daemonset_cpu_m_per_node", 1, "DaemonSet CPU per node", "millicores", "For \"per_pod\": requests of the DaemonSets on each node today (AKS system agents, monitoring).", FieldInt), boundAppCPUm)),
		adv(withInt(f("daemonset_memory_mi_per_node", 1, "DaemonSet memory per node", "MiB", "For \"per_pod\": memory requests of the DaemonSets on each node today.", FieldInt), boundAppMemMi)),
		{Key: "node_sku", Step: 1, Label: "Node size", Hint: "The VM size new nodes would use. Pick custom to enter your own.", Kind: FieldChoice, Choices: skus},
		adv(withInt(f("custom_sku.vcpu", 1, "Custom size: vCPUs", "vCPU", "Only for a custom node size.", FieldInt), boundSKUvCPU)),
		adv(withDec(f("custom_sku.memory_gib", 1, "Custom size: memory", "GiB", "Only for a custom node size.", FieldDecimal), boundSKUGiB)),
		adv(withDec(f("custom_sku.hourly_price", 1, "Custom size: price", "per hour", "Only for a custom node size; your agreement price.", FieldDecimal), boundSKUHourly)),
		withInt(f("max_pods_per_node", 1, "Max pods per node", "pods", "250 with Azure CNI Overlay, 110 kubenet, 30 legacy Azure CNI; it sets AKS's memory reservation.", FieldInt), boundMaxPods),
		withInt(f("namespaces", 1, "Namespaces to onboard", "namespaces", "Ambient runs one waypoint per namespace that needs L7.", FieldInt), boundNamespaces),
		withInt(f("east_west_rps", 1, "East-west traffic", "requests/s", "Service-to-service requests per second, cluster-wide.", FieldInt), boundRPS),
		withInt(f("hops_per_request", 1, "Hops per user request", "hops", "Average service-to-service calls one user request makes.", FieldInt), boundHops),
		withInt(f("clusters", 1, "Clusters", "clusters", "How many clusters the services span.", FieldInt), boundClusters),
		adv(withInt(f("churn_percent", 1, "Sidecar churn in a rollout", "% of sidecars", "Share of sidecars replaced in one rollout wave (maxUnavailable); AKS measured istiod at 0, 25 and 50%. 0 prices the steady state.", FieldInt), boundChurnPct)),
		adv(withDec(f("churn_sidecars_per_second", 1, "Sidecar churn rate", "sidecars/s", "Sidecars started or stopped per second during rollouts; AKS measured 31.2-41.7/s. 0 prices the steady state.", FieldDecimal), boundChurnRate)),
		f("cilium_cni", 1, "Cilium is already the CNI", "", "Azure CNI powered by Cilium runs today.", FieldBool),
		adv(withInt(f("kubernetes_minor", 1, "Kubernetes version", "1.x", "The cluster's Kubernetes minor version, e.g. 33 for 1.33; 0 if unknown. Cilium mTLS needs 1.34+, Application Network 1.30+.", FieldInt), intBound{0, 99})),
		adv(f("running.istio_addon", 1, "The Istio add-on runs today", "", "It cannot run beside self-managed Istio, App Routing Gateway API or Application Network.", FieldBool)),
		adv(f("running.osm_addon", 1, "The OSM add-on runs today", "", "Retired 30 Sep 2027; it cannot run beside the Istio add-on.", FieldBool)),
		adv(f("running.self_managed_istio", 1, "Self-managed Istio runs today", "", "", FieldBool)),
		adv(f("running.app_routing_gateway_api", 1, "App Routing Gateway API runs today", "", "", FieldBool)),
		adv(f("running.acns_l7_policies", 1, "ACNS L7 network policies are in use", "", "", FieldBool)),
		adv(f("running.wireguard", 1, "WireGuard encryption (ACNS) is on", "", "", FieldBool)),
		adv(f("running.private_cluster", 1, "The cluster is private", "", "Application Network does not support private clusters.", FieldBool)),
		adv(f("running.windows_nodes", 1, "The cluster has Windows node pools", "", "Application Network supports Linux only.", FieldBool)),

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
		f("needs.accept_preview", 2, "We accept preview features (no SLA) for production", "", "Application Network and Cilium mTLS are public previews; without this they are not advised for a production decision.", FieldBool),

		withDec(f("latency_budget_p99_ms", 3, "Latency budget", "ms at p99", "The most latency the mesh may add to one user request.", FieldDecimal), boundBudget),
		withInt(f("max_added_nodes", 3, "Nodes we can add", "nodes", "0 means no limit.", FieldInt), boundAddedNodes),
		withDec(f("spare_cores", 3, "Spare CPU on today's nodes", "cores", "Used only when \"how full are the nodes\" is spare: unrequested CPU the mesh could use before nodes are added.", FieldDecimal), boundSpareCores),
		withDec(f("spare_gib", 3, "Spare memory on today's nodes", "GiB", "Unrequested memory the mesh could use.", FieldDecimal), boundSpareGiB),
		{Key: "latency_source", Step: 3, Label: "Per-hop latency figures", Hint: "aks: measured by AKS (asm-1-22); upstream: istio.io.", Kind: FieldChoice, Choices: []string{LatencyAKS, LatencyUpstream}},
		f("upgrade_window", 3, "Price an upgrade window", "", "Two control-plane revisions run side by side during a minor upgrade.", FieldBool),
		f("no_ingress_gateway", 3, "Leave out the Istio add-on's ingress gateway", "", "The add-on's ingress gateway is opt-in; it is priced (2 replicas) unless you leave it out.", FieldBool),
		adv(InputField{Key: "pricing.currency", Step: 3, Label: "Currency", Hint: "ISO 4217 code the results are shown in; prices are entered in USD and converted at the exchange rate.", Kind: FieldText, Min: "3", Max: "3"}),
		adv(withDec(f("pricing.hours_per_month", 3, "Hours per month", "hours", "730 as OpenCost and infracost use.", FieldDecimal), boundHours)),
		adv(withDec(f("pricing.cpu_ram_ratio", 3, "CPU to RAM price ratio", "r", "OpenCost's default 7.46 splits a node price into core-hours and GiB-hours.", FieldDecimal), boundRatio)),
		adv(withDec(f("pricing.log_price_per_gb", 3, "Log price", "per GB", "Log Analytics analytics logs: 2.30.", FieldDecimal), boundPrice)),
		adv(withDec(f("pricing.trace_price_per_gb", 3, "Trace price", "per GB", "", FieldDecimal), boundPrice)),
		adv(withDec(f("pricing.metric_price_per_10m_samples", 3, "Metric price", "per 10M samples", "Azure Managed Prometheus: 0.16.", FieldDecimal), boundPrice)),
		withDec(f("pricing.acns_price_per_node_hour", 3, "ACNS price", "USD per node-hour", "Advanced Container Networking Services, for the Cilium options: a paid add-on whose price the docs do not publish; 0 leaves it out (flagged).", FieldDecimal), boundPrice),
		withDec(f("pricing.linkerd_license_per_cluster_month", 3, "Linkerd licence", "USD per cluster-month", "0: edge releases only. Stable builds need Buoyant Enterprise for Linkerd, about 2,000 per cluster-month for production (2024, S).", FieldDecimal), boundLicense),
		withDec(f("pricing.agreement_discount_percent", 3, "Agreement discount on the node price", "%", "Your EA/MCA discount on the chosen node size's list price.", FieldDecimal), boundPercent),
		adv(withDec(f("pricing.reserved_share_percent", 3, "Node-hours under reservations or savings plans", "%", "Share of node-hours your reservations or savings plan cover.", FieldDecimal), boundPercent)),
		adv(withDec(f("pricing.reserved_discount_percent", 3, "Their discount", "%", "The reservation or savings-plan discount against pay-as-you-go.", FieldDecimal), boundPercent)),
		adv(withDec(f("pricing.exchange_rate", 3, "Exchange rate", "currency per USD", "Prices here are USD; the rate converts results to the currency above. 0: none (USD).", FieldDecimal), boundRate)),
		adv(InputField{Key: "pricing.exchange_rate_date", Step: 3, Label: "Exchange rate date", Hint: "When the rate was read, e.g. 2026-11-28.", Kind: FieldText, Min: "0", Max: "40"}),
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
		if key == "fill_mode" && *p == "" {
			return FillSpare // assessments saved before fill_mode gave spare room directly
		}
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
	case "fill_mode":
		return &a.FillMode
	case "requested_cpu_percent":
		return &a.RequestedCPUPercent
	case "requested_memory_percent":
		return &a.RequestedMemoryPercent
	case "pods_today":
		return &a.PodsToday
	case "app_cpu_m_per_pod":
		return &a.AppCPUmPerPod
	case "app_memory_mi_per_pod":
		return &a.AppMemoryMiPerPod
	case "daemonset_cpu_m_per_node":
		return &a.DaemonSetCPUmPerNode
	case "daemonset_memory_mi_per_node":
		return &a.DaemonSetMemoryMiPerNode
	case "churn_percent":
		return &a.ChurnPercent
	case "churn_sidecars_per_second":
		return &a.ChurnPerSecond
	case "spare_cores":
		return &a.SpareCores
	case "spare_gib":
		return &a.SpareGiB
	case "max_added_nodes":
		return &a.MaxAddedNodes
	case "latency_source":
		return &a.LatencySource
	case "no_ingress_gateway":
		return &a.NoIngressGateway
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
	case "needs.accept_preview":
		return &a.Needs.AcceptPreview
	case "kubernetes_minor":
		return &a.KubernetesMinor
	case "running.istio_addon":
		return &a.Running.IstioAddon
	case "running.osm_addon":
		return &a.Running.OSMAddon
	case "running.self_managed_istio":
		return &a.Running.SelfManagedIstio
	case "running.app_routing_gateway_api":
		return &a.Running.AppRoutingGatewayAPI
	case "running.acns_l7_policies":
		return &a.Running.ACNSL7Policies
	case "running.wireguard":
		return &a.Running.WireGuard
	case "running.private_cluster":
		return &a.Running.PrivateCluster
	case "running.windows_nodes":
		return &a.Running.WindowsNodes
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
	case "pricing.linkerd_license_per_cluster_month":
		return &a.Pricing.LinkerdLicensePerClusterMonth
	case "pricing.agreement_discount_percent":
		return &a.Pricing.AgreementDiscountPercent
	case "pricing.reserved_share_percent":
		return &a.Pricing.ReservedSharePercent
	case "pricing.reserved_discount_percent":
		return &a.Pricing.ReservedDiscountPercent
	case "pricing.exchange_rate":
		return &a.Pricing.ExchangeRate
	case "pricing.exchange_rate_date":
		return &a.Pricing.ExchangeRateDate
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
