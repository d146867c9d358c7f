package model

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"
)

// Assessment is one team's description of its cluster, traffic, needs and
// prices: everything the cost engine and the decision rules read. The zero
// value is not useful; start from DefaultAssessment.
type Assessment struct {
	Title          string          `json:"title"`
	Cluster        string          `json:"cluster"`
	ResourceGroup  string          `json:"resource_group,omitempty"` // the cluster's Azure resource group
	Services       int             `json:"services"`                 // services that talk to each other
	Pods           int             `json:"pods"`                     // pods that would join the mesh
	Nodes          int             `json:"nodes"`                    // nodes in the cluster today
	NodeSKU        string          `json:"node_sku"`                 // a catalog SKU name, or "custom"
	CustomSKU      *NodeSKU        `json:"custom_sku,omitempty"`     // used when NodeSKU is "custom"
	MaxPodsPerNode int             `json:"max_pods_per_node"`        // feeds AKS memory reservation
	Namespaces     int             `json:"namespaces"`               // namespaces to onboard
	EastWestRPS    int             `json:"east_west_rps"`            // service-to-service requests per second, cluster-wide
	Hops           int             `json:"hops_per_request"`         // average service hops per user request
	Clusters       int             `json:"clusters"`
	CiliumCNI      bool            `json:"cilium_cni"`                // Azure CNI powered by Cilium already runs
	ChurnPercent   int             `json:"churn_percent,omitempty"`   // share of sidecars replaced in a rollout wave
	ChurnPerSecond decimal.Decimal `json:"churn_sidecars_per_second"` // sidecars started or stopped per second during rollouts
	LatencyBudget  decimal.Decimal `json:"latency_budget_p99_ms"`     // p99 the team can add per user request
	// How full today's nodes are (FillShare, FillPerPod, or FillSpare / ""
	// for spare room given directly). Spare room derives from it.
	FillMode                 string          `json:"fill_mode,omitempty"`
	RequestedCPUPercent      decimal.Decimal `json:"requested_cpu_percent"`    // share of allocatable CPU requested today
	RequestedMemoryPercent   decimal.Decimal `json:"requested_memory_percent"` // share of allocatable memory requested today
	PodsToday                int             `json:"pods_today,omitempty"`     // pods on the nodes now; 0: the pods to mesh
	AppCPUmPerPod            int             `json:"app_cpu_m_per_pod,omitempty"`
	AppMemoryMiPerPod        int             `json:"app_memory_mi_per_pod,omitempty"`
	DaemonSetCPUmPerNode     int             `json:"daemonset_cpu_m_per_node,omitempty"`
	DaemonSetMemoryMiPerNode int             `json:"daemonset_memory_mi_per_node,omitempty"`
	SpareCores               decimal.Decimal `json:"spare_cores"` // free requests on today's nodes, when FillMode is FillSpare
	SpareGiB                 decimal.Decimal `json:"spare_gib"`
	MaxAddedNodes            int             `json:"max_added_nodes"`              // nodes the team can add; 0 means no limit
	LatencySource            string          `json:"latency_source"`               // "aks" or "upstream" per-hop figures
	UpgradeWindow            bool            `json:"upgrade_window"`               // price a control-plane upgrade (two revisions)
	NoIngressGateway         bool            `json:"no_ingress_gateway,omitempty"` // the add-on's ingress gateway is opt-in: leave it out
	Running                  Running         `json:"running"`                      // what already runs on the cluster
	KubernetesMinor          int             `json:"kubernetes_minor,omitempty"`   // AKS Kubernetes 1.x; 0: not given
	Needs                    Needs           `json:"needs"`
	Pricing                  Pricing         `json:"pricing"`
	Telemetry                Telemetry       `json:"telemetry"`
	// Overrides replace catalog defaults, keyed "option/component".
	Overrides map[string]Override `json:"overrides,omitempty"`
}

// Needs are the capabilities the team says it must have. The first four
// after MTLS are the seed checklist's questions 2-5.
type Needs struct {
	MTLS              bool `json:"mtls"`               // mTLS between all services is a hard requirement
	L7Split           bool `json:"l7_split"`           // per-service traffic splitting, not only at ingress
	Retries           bool `json:"retries"`            // retries/timeouts without application changes
	MultiCluster      bool `json:"multi_cluster"`      // services span several clusters
	CircuitBreaking   bool `json:"circuit_breaking"`   // outlier detection without application changes
	Tracing           bool `json:"tracing"`            // spans without instrumenting applications
	AuditLogs         bool `json:"audit_logs"`         // per-request access logs are mandated
	AlreadyRetry      bool `json:"already_retry"`      // services already retry and time out
	EncryptionOnly    bool `json:"encryption_only"`    // the only need is encryption in transit
	EdgeSplitOnly     bool `json:"edge_split_only"`    // splitting is only needed at the edge
	ObservabilityOnly bool `json:"observability_only"` // the only need is observability
	NewToKubernetes   bool `json:"new_to_kubernetes"`  // the team is still learning Kubernetes
	PreferManaged     bool `json:"prefer_managed"`     // prefer AKS-managed over self-managed
	AcceptPreview     bool `json:"accept_preview"`     // preview features (no SLA) are acceptable for production
}

// Running is what already runs on the cluster (an import can fill it); it
// decides which options cannot run beside what.
type Running struct {
	IstioAddon           bool `json:"istio_addon"`
	OSMAddon             bool `json:"osm_addon"`
	SelfManagedIstio     bool `json:"self_managed_istio"`
	AppRoutingGatewayAPI bool `json:"app_routing_gateway_api"`
	ACNSL7Policies       bool `json:"acns_l7_policies"`
	WireGuard            bool `json:"wireguard"`
	PrivateCluster       bool `json:"private_cluster"`
	WindowsNodes         bool `json:"windows_nodes"`
}

// Pricing turns resources and telemetry into money.
type Pricing struct {
	Currency        string          `json:"currency"`
	HoursPerMonth   decimal.Decimal `json:"hours_per_month"`
	CPURAMRatio     decimal.Decimal `json:"cpu_ram_ratio"`      // OpenCost r: core-hour price / GiB-hour price
	LogPerGB        decimal.Decimal `json:"log_price_per_gb"`   // access logs
	TracePerGB      decimal.Decimal `json:"trace_price_per_gb"` // trace spans
	MetricsPer10M   decimal.Decimal `json:"metric_price_per_10m_samples"`
	ACNSPerNodeHour decimal.Decimal `json:"acns_price_per_node_hour"` // Advanced Container Networking Services
	// Agreement and reservations change the node list price; every price
	// above is in USD and the exchange rate converts results to Currency.
	AgreementDiscountPercent      decimal.Decimal `json:"agreement_discount_percent"`
	ReservedSharePercent          decimal.Decimal `json:"reserved_share_percent"`    // node-hours under a reservation or savings plan
	ReservedDiscountPercent       decimal.Decimal `json:"reserved_discount_percent"` // their discount against pay-as-you-go
	ExchangeRate                  decimal.Decimal `json:"exchange_rate"`             // Currency per USD; 0: none (USD)
	ExchangeRateDate              string          `json:"exchange_rate_date,omitempty"`
	LinkerdLicensePerClusterMonth decimal.Decimal `json:"linkerd_license_per_cluster_month"` // Buoyant Enterprise for Linkerd; 0: edge releases only
}

// Telemetry shapes the observability volume each option produces.
type Telemetry struct {
	TraceSamplingPercent decimal.Decimal `json:"trace_sampling_percent"`
	ScrapeSeconds        int             `json:"scrape_interval_seconds"`
	CalleesPerService    int             `json:"callees_per_service"` // workload pairs = services x callees
	ResponseCodes        int             `json:"response_codes"`      // distinct codes per pair, multiplies series
	SpanBytes            int             `json:"span_bytes"`
}

// Override replaces a component's replicas or per-replica requests. Nil
// fields keep the catalog default.
type Override struct {
	Replicas *int `json:"replicas,omitempty"`
	CPUm     *int `json:"cpu_m,omitempty"`     // millicores per replica
	MemoryMi *int `json:"memory_mi,omitempty"` // MiB per replica
}

// DefaultAssessment is a medium AKS cluster with the seed's 100 pods and
// every price and figure at its REFERENCE.md default.
func DefaultAssessment() Assessment {
	return Assessment{
		Title:          "Untitled assessment",
		Cluster:        "prod-cluster",
		Services:       25,
		Pods:           100,
		Nodes:          6,
		NodeSKU:        "Standard_D4s_v5",
		MaxPodsPerNode: 250,
		Namespaces:     3,
		EastWestRPS:    1000,
		Hops:           3,
		Clusters:       1,
		LatencyBudget:  decimal.NewFromInt(10),
		// How full nodes are is the team's figure; 70% is our assumption
		// until they enter theirs (kubectl describe nodes, or an import).
		FillMode:               FillShare,
		RequestedCPUPercent:    defaultRequestedPercent,
		RequestedMemoryPercent: defaultRequestedPercent,
		LatencySource:          LatencyAKS,
		Pricing: Pricing{
			Currency:        "USD",
			HoursPerMonth:   decimal.NewFromInt(730),
			CPURAMRatio:     decimal.RequireFromString("7.46"),
			LogPerGB:        decimal.RequireFromString("2.30"),
			TracePerGB:      decimal.RequireFromString("2.30"),
			MetricsPer10M:   decimal.RequireFromString("0.16"),
			ACNSPerNodeHour: decimal.Zero,
		},
		Telemetry: Telemetry{
			TraceSamplingPercent: decimal.NewFromInt(1),
			ScrapeSeconds:        30,
			CalleesPerService:    3,
			ResponseCodes:        2,
			SpanBytes:            1024,
		},
	}
}

// Per-hop latency figure sets.
const (
	LatencyAKS      = "aks"      // AKS-measured, asm-1-22 (read off a chart)
	LatencyUpstream = "upstream" // istio.io performance page
)

// Bounds: every input's allowed range, shown in forms and error messages.
var (
	boundServices   = intBound{1, 10_000}
	boundPods       = intBound{0, 100_000}
	boundNodes      = intBound{1, 5_000}
	boundMaxPods    = intBound{10, 250}
	boundNamespaces = intBound{0, 1_000}
	boundRPS        = intBound{0, 10_000_000}
	boundHops       = intBound{1, 50}
	boundClusters   = intBound{1, 100}
	boundAddedNodes = intBound{0, 5_000}
	boundScrape     = intBound{5, 600}
	boundCallees    = intBound{0, 100}
	boundCodes      = intBound{1, 20}
	boundSpanBytes  = intBound{64, 1 << 20}
	boundReplicas   = intBound{0, 1_000}
	boundCPUm       = intBound{0, 64_000}
	boundMemoryMi   = intBound{0, 262_144}
	boundSKUvCPU    = intBound{1, 416}
	boundPodsToday  = intBound{0, 1_250_000}
	boundChurnPct   = intBound{0, 100}
	boundK8sMinor   = intBound{20, 99}
	boundAppCPUm    = intBound{0, 64_000}
	boundAppMemMi   = intBound{0, 262_144}
)

type intBound struct{ lo, hi int }

type decBound struct{ lo, hi decimal.Decimal }

var (
	boundBudget     = decBound{decimal.Zero, decimal.NewFromInt(10_000)}
	boundSpareCores = decBound{decimal.Zero, decimal.NewFromInt(100_000)}
	boundSpareGiB   = decBound{decimal.Zero, decimal.NewFromInt(1_000_000)}
	boundHours      = decBound{decimal.NewFromInt(1), decimal.NewFromInt(744)}
	boundRatio      = decBound{decimal.RequireFromString("0.1"), decimal.NewFromInt(100)}
	boundPrice      = decBound{decimal.Zero, decimal.NewFromInt(1_000)}
	boundSampling   = decBound{decimal.Zero, decimal.NewFromInt(100)}
	boundPercent    = decBound{decimal.Zero, decimal.NewFromInt(100)}
	boundChurnRate  = decBound{decimal.Zero, decimal.NewFromInt(10_000)}
	boundRate       = decBound{decimal.Zero, decimal.NewFromInt(100_000)}
	boundLicense    = decBound{decimal.Zero, decimal.NewFromInt(1_000_000)}
	boundSKUGiB     = decBound{decimal.NewFromInt(1), decimal.NewFromInt(12_288)}
	boundSKUHourly  = decBound{decimal.Zero, decimal.NewFromInt(1_000)}
)

// Validate checks every field against its bound and returns all problems at
// once as an EINVALID *Error, or nil.
func (a Assessment) Validate() error {
	v := &validator{}
	v.text("title", a.Title, 1, 200)
	v.text("cluster", a.Cluster, 0, 100)
	v.text("resource_group", a.ResourceGroup, 0, 90)
	v.int("services", a.Services, boundServices)
	v.int("pods", a.Pods, boundPods)
	v.int("nodes", a.Nodes, boundNodes)
	v.int("max_pods_per_node", a.MaxPodsPerNode, boundMaxPods)
	v.int("namespaces", a.Namespaces, boundNamespaces)
	v.int("east_west_rps", a.EastWestRPS, boundRPS)
	v.int("hops_per_request", a.Hops, boundHops)
	v.int("clusters", a.Clusters, boundClusters)
	v.int("churn_percent", a.ChurnPercent, boundChurnPct)
	if a.KubernetesMinor != 0 {
		v.int("kubernetes_minor", a.KubernetesMinor, boundK8sMinor)
	}
	v.dec("churn_sidecars_per_second", a.ChurnPerSecond, boundChurnRate)
	v.int("max_added_nodes", a.MaxAddedNodes, boundAddedNodes)
	v.dec("latency_budget_p99_ms", a.LatencyBudget, boundBudget)
	switch a.FillMode {
	case "", FillSpare, FillShare, FillPerPod:
	default:
		v.add("fill_mode", fmt.Sprintf("must be %q, %q or %q", FillShare, FillPerPod, FillSpare))
	}
	v.dec("requested_cpu_percent", a.RequestedCPUPercent, boundPercent)
	v.dec("requested_memory_percent", a.RequestedMemoryPercent, boundPercent)
	v.int("pods_today", a.PodsToday, boundPodsToday)
	v.int("app_cpu_m_per_pod", a.AppCPUmPerPod, boundAppCPUm)
	v.int("app_memory_mi_per_pod", a.AppMemoryMiPerPod, boundAppMemMi)
	v.int("daemonset_cpu_m_per_node", a.DaemonSetCPUmPerNode, boundAppCPUm)
	v.int("daemonset_memory_mi_per_node", a.DaemonSetMemoryMiPerNode, boundAppMemMi)
	v.dec("spare_cores", a.SpareCores, boundSpareCores)
	v.dec("spare_gib", a.SpareGiB, boundSpareGiB)
	if a.LatencySource != LatencyAKS && a.LatencySource != LatencyUpstream {
		v.add("latency_source", fmt.Sprintf("must be %q or %q", LatencyAKS, LatencyUpstream))
	}
	if a.NodeSKU == CustomSKU {
		if a.CustomSKU == nil {
			v.add("custom_sku", "is required when node_sku is \"custom\"")
		} else {
			v.int("custom_sku.vcpu", a.CustomSKU.VCPU, boundSKUvCPU)
			v.dec("custom_sku.memory_gib", a.CustomSKU.MemoryGiB, boundSKUGiB)
			v.dec("custom_sku.hourly_price", a.CustomSKU.HourlyPrice, boundSKUHourly)
		}
	} else if _, ok := LookupSKU(a.NodeSKU); !ok {
		v.add("node_sku", fmt.Sprintf("unknown SKU %q: use one of %s, or \"custom\"", a.NodeSKU, strings.Join(SKUNames(), ", ")))
	}
	if len(v.fields) == 0 {
		a.feasibility(v)
	}
	p := a.Pricing
	if !isCurrencyCode(p.Currency) {
		v.add("pricing.currency", "must be a three-letter ISO 4217 code such as USD or EUR")
	}
	v.dec("pricing.hours_per_month", p.HoursPerMonth, boundHours)
	v.dec("pricing.cpu_ram_ratio", p.CPURAMRatio, boundRatio)
	v.dec("pricing.log_price_per_gb", p.LogPerGB, boundPrice)
	v.dec("pricing.trace_price_per_gb", p.TracePerGB, boundPrice)
	v.dec("pricing.metric_price_per_10m_samples", p.MetricsPer10M, boundPrice)
	v.dec("pricing.acns_price_per_node_hour", p.ACNSPerNodeHour, boundPrice)
	v.dec("pricing.agreement_discount_percent", p.AgreementDiscountPercent, boundPercent)
	v.dec("pricing.reserved_share_percent", p.ReservedSharePercent, boundPercent)
	v.dec("pricing.reserved_discount_percent", p.ReservedDiscountPercent, boundPercent)
	v.dec("pricing.exchange_rate", p.ExchangeRate, boundRate)
	v.text("pricing.exchange_rate_date", p.ExchangeRateDate, 0, 40)
	if p.ExchangeRate.IsPositive() && strings.TrimSpace(p.ExchangeRateDate) == "" {
		v.add("pricing.exchange_rate_date", "is required with an exchange rate: the date the rate was read")
	}
	v.dec("pricing.linkerd_license_per_cluster_month", p.LinkerdLicensePerClusterMonth, boundLicense)
	t := a.Telemetry
	v.dec("telemetry.trace_sampling_percent", t.TraceSamplingPercent, boundSampling)
	v.int("telemetry.scrape_interval_seconds", t.ScrapeSeconds, boundScrape)
	v.int("telemetry.callees_per_service", t.CalleesPerService, boundCallees)
	v.int("telemetry.response_codes", t.ResponseCodes, boundCodes)
	v.int("telemetry.span_bytes", t.SpanBytes, boundSpanBytes)
	keys := make([]string, 0, len(a.Overrides))
	for k := range a.Overrides {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		field := "overrides." + k
		if _, ok := LookupComponent(k); !ok {
			v.add(field, "unknown component: keys are \"option/component\" as listed by the catalog")
			continue
		}
		o := a.Overrides[k]
		if o.Replicas != nil {
			v.int(field+".replicas", *o.Replicas, boundReplicas)
		}
		if o.CPUm != nil {
			v.int(field+".cpu_m", *o.CPUm, boundCPUm)
		}
		if o.MemoryMi != nil {
			v.int(field+".memory_mi", *o.MemoryMi, boundMemoryMi)
		}
	}
	return v.err()
}

// validator collects field errors in input order.
type validator struct{ fields []FieldError }

func (v *validator) add(field, msg string) {
	v.fields = append(v.fields, FieldError{Field: field, Message: msg})
}

func (v *validator) int(field string, n int, b intBound) {
	if n < b.lo || n > b.hi {
		v.add(field, fmt.Sprintf("must be a whole number from %d to %d (got %d)", b.lo, b.hi, n))
	}
}

func (v *validator) dec(field string, d decimal.Decimal, b decBound) {
	if d.LessThan(b.lo) || d.GreaterThan(b.hi) {
		v.add(field, fmt.Sprintf("must be from %s to %s (got %s)", b.lo, b.hi, d))
	}
}

func (v *validator) text(field, s string, lo, hi int) {
	n := len([]rune(strings.TrimSpace(s)))
	if n < lo || n > hi {
		if lo > 0 {
			v.add(field, fmt.Sprintf("must be %d to %d characters", lo, hi))
		} else {
			v.add(field, fmt.Sprintf("must be at most %d characters", hi))
		}
	}
}

func (v *validator) err() error {
	if len(v.fields) == 0 {
		return nil
	}
	msg := fmt.Sprintf("%d field(s) need attention: %s", len(v.fields), v.fields[0].Field+" "+v.fields[0].Message)
	return &Error{Code: EINVALID, Message: msg, Fields: v.fields}
}

func isCurrencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}
