package model

// Component kinds, as the comparison groups them.
const (
	KindPerPod       = "per-pod proxy"
	KindPerNode      = "per-node agent"
	KindControlPlane = "control plane"
	KindGateway      = "gateway"
	KindWaypoint     = "waypoint"
	KindController   = "controller"
)

// How a component's replica count follows the assessment.
const (
	scaleFixed     = iota // Replicas
	scalePerPod           // one per meshed pod
	scalePerNode          // one per node, added nodes included
	scaleWaypoint         // one per onboarded namespace when an L7 need is set
	scaleIstiodHPA        // istiod's HPA: load-driven between MinReplicas and MaxReplicas
)

// When a component is deployed at all.
const (
	whenAlways         = iota
	whenL7             // an L7 need is set (split, retries, circuit breaking)
	whenNoCilium       // Cilium is not already the cluster's CNI
	whenMultiCluster   // services span several clusters
	whenIngressGateway // the team runs the mesh's ingress gateway (opt-in on the add-on)
)

// Component is one workload an option deploys, with its per-replica
// requests and, where published, its usage under load.
type Component struct {
	ID            string
	Name          string
	Kind          string
	CPUm          int // request per replica, millicores
	MemoryMi      int // request per replica, MiB
	Source        string
	scale         int
	when          int
	Replicas      int // for scaleFixed; minimum for scaleIstiodHPA
	MaxReplicas   int // for scaleIstiodHPA
	ReplicaSource string

	// Usage per instance: CPU in micro-cores per 1000 rps through it, and a
	// working set in bytes. Traffic is the number of times each east-west
	// request passes an instance of this kind (two sidecars, two ztunnels,
	// one waypoint). No UsageSource means no published figure: usage is then
	// taken to equal the request.
	UsageCPUMicroPer1000 int64
	UsageMemoryBytes     int64
	Traffic              int64
	UsageSource          string
	fig                  int // a ranged figure (figIstioSidecar, ...) that replaces the usage or budget above
}

// Coverage levels of a need.
const (
	CoverYes     = "yes"
	CoverPartial = "partial"
	CoverNo      = "no"
)

// Coverage says whether an option meets a need, and how.
type Coverage struct {
	Level string `json:"level"`
	Note  string `json:"note,omitempty"`
}

// Need names, in display order.
var NeedNames = []string{"mtls", "l7_split", "retries", "circuit_breaking", "tracing", "multi_cluster", "audit_logs"}

// latencyModel is how an option's per-hop latency is derived.
const (
	latencySidecar = iota // the sidecar-pair figure of the chosen source
	latencyAmbient        // two ztunnels, plus one waypoint when L7 is needed
	latencyLinkerd        // the sidecar figure scaled by the 2025 benchmark ratio
	latencyCilium         // eBPF at L4, plus one node Envoy when L7 is needed
	latencyNone           // no proxy between services
)

// Option is one way to meet (or not) the team's needs.
type Option struct {
	ID         string
	Name       string
	Summary    string
	Managed    bool   // operated by AKS
	OperatedBy string // who owns upgrades and incidents
	Components []Component
	Coverage   map[string]Coverage
	Notes      []string
	Preview    bool // a public preview: no SLA; a production decision must acknowledge it

	latency int
	// Telemetry shape: metric series per workload pair and response code, with
	// extra series when L7 is in use; spans per hop when tracing; access-log
	// bytes per east-west request when audit logs are required.
	MetricSeriesPerPair  int64
	MetricSeriesL7       int64
	MetricSource         string
	SpansPerHop          int64
	SpansPerHopL7        int64
	SpanSource           string
	AccessLogBytes       int64
	AccessLogSource      string
	usesACNS             bool
	licensed             bool // a per-cluster licence applies (Linkerd stable builds)
	upgradeDoublesIstiod bool
}

// Option IDs.
const (
	OptionIstioSidecar  = "istio-sidecar"
	OptionIstioAmbient  = "istio-ambient"
	OptionLinkerd       = "linkerd"
	OptionCilium        = "cilium"
	OptionIngressCanary = "ingress-canary"
	OptionNoMesh        = "no-mesh"
	OptionAppNet        = "appnet-ambient"
	OptionCiliumMTLS    = "cilium-mtls"
)

const mb = int64(1_000_000) // figures published in MB are decimal megabytes

// Catalog lists the options in a fixed order (the two of late 2026 last, so
// the first six keep their places). Every number names its
// source in Sources; "assumption" marks figures with none published.
var Catalog = []Option{
	{
		ID: OptionIstioSidecar, Name: "Istio sidecar (AKS add-on)",
		Summary:    "Envoy sidecar in every meshed pod; istiod managed by AKS. Full L7 traffic management, mTLS, telemetry.",
		Managed:    true,
		OperatedBy: "AKS (control plane, revisions); the team owns namespaces and traffic policy",
		Components: []Component{
			{ID: "istio-proxy", Name: "istio-proxy sidecar", Kind: KindPerPod, CPUm: 100, MemoryMi: 128, Source: "istio-values-proxy", scale: scalePerPod,
				UsageCPUMicroPer1000: 200_000, UsageMemoryBytes: 60 * mb, Traffic: 2, UsageSource: "istio-perf-sidecar", fig: figIstioSidecar},
			{ID: "istiod", Name: "istiod", Kind: KindControlPlane, CPUm: 500, MemoryMi: 2048, Source: "istio-values-istiod", scale: scaleIstiodHPA,
				Replicas: 2, MaxReplicas: 5, ReplicaSource: "aks-istio-scale", UsageSource: "aks-istio-scale-istiod"},
			{ID: "ingress-gateway", Name: "Istio ingress gateway", Kind: KindGateway, CPUm: 100, MemoryMi: 128, Source: "istio-values-gateway", scale: scaleFixed, when: whenIngressGateway,
				Replicas: 2, ReplicaSource: "aks-istio-scale"},
			{ID: "istio-cni", Name: "istio-cni node agent", Kind: KindPerNode, CPUm: 100, MemoryMi: 100, Source: "istio-values-cni", scale: scalePerNode,
				ReplicaSource: "aks-istio-cni"},
		},
		Coverage: map[string]Coverage{
			"mtls": {CoverYes, "automatic mTLS; STRICT PeerAuthentication"}, "l7_split": {CoverYes, "VirtualService weights per service"},
			"retries": {CoverYes, "VirtualService retries and timeouts"}, "circuit_breaking": {CoverYes, "DestinationRule outlier detection"},
			"tracing": {CoverYes, "sidecars emit spans; apps must forward trace headers"}, "multi_cluster": {CoverPartial, "Istio supports it; check the add-on's support for your topology"},
			"audit_logs": {CoverYes, "Envoy access logs per request"},
		},
		Notes: []string{"The add-on is sidecar-only: ambient is not supported on it (aks-istio-about).",
			"Cannot coexist with the OSM add-on, self-managed Istio, ACNS L7 policies or App Routing Gateway API.",
			"Revisions (istio-support-policy, 2026-06): asm-1-29 until ~Sep 2026, asm-1-30 (AKS 1.32–1.36) until ~Dec 2026; new installs get n-1; asm-1-31 not yet listed. Plan a minor upgrade (two revisions side by side) about every quarter.",
			"Native sidecars are on for asm-1-29+ on AKS 1.33+; OpenCost (issue 3956, open) leaves restartable init containers out of pod cost, so a chargeback may show the sidecars' requests as idle rather than on the namespace."},
		latency:             latencySidecar,
		MetricSeriesPerPair: 134, MetricSource: "istio-telemetry",
		SpansPerHop: 2, SpanSource: "assumption",
		AccessLogBytes: 585, AccessLogSource: "istio-access-log",
		upgradeDoublesIstiod: true,
	},
	{
		ID: OptionIstioAmbient, Name: "Istio ambient (self-managed)",
		Summary:    "ztunnel per node for L4 mTLS; waypoint proxies per namespace only where L7 is needed. Not available in the AKS add-on.",
		OperatedBy: "the team: Helm install, upgrades, CVEs and incidents",
		Components: []Component{
			{ID: "ztunnel", Name: "ztunnel", Kind: KindPerNode, CPUm: 200, MemoryMi: 512, Source: "istio-values-ztunnel", scale: scalePerNode,
				UsageCPUMicroPer1000: 60_000, UsageMemoryBytes: 12 * mb, Traffic: 2, UsageSource: "istio-perf-ztunnel"},
			{ID: "istio-cni", Name: "istio-cni node agent", Kind: KindPerNode, CPUm: 100, MemoryMi: 100, Source: "istio-values-cni", scale: scalePerNode},
			{ID: "istiod", Name: "istiod", Kind: KindControlPlane, CPUm: 500, MemoryMi: 2048, Source: "istio-values-istiod", scale: scaleIstiodHPA,
				Replicas: 1, MaxReplicas: 5, ReplicaSource: "istio-hpa-upstream", UsageSource: "istio-perf-istiod"},
			{ID: "waypoint", Name: "waypoint proxy", Kind: KindWaypoint, CPUm: 100, MemoryMi: 128, Source: "istio-values-waypoint", scale: scaleWaypoint, when: whenL7,
				UsageCPUMicroPer1000: 250_000, UsageMemoryBytes: 60 * mb, Traffic: 1, UsageSource: "istio-perf-waypoint"},
			{ID: "ingress-gateway", Name: "Istio ingress gateway", Kind: KindGateway, CPUm: 100, MemoryMi: 128, Source: "istio-values-gateway", scale: scaleFixed,
				Replicas: 1, ReplicaSource: "istio-values-gateway"},
		},
		Coverage: map[string]Coverage{
			"mtls": {CoverYes, "ztunnel HBONE mTLS"}, "l7_split": {CoverYes, "through waypoints only"},
			"retries": {CoverYes, "through waypoints only"}, "circuit_breaking": {CoverYes, "through waypoints only"},
			"tracing": {CoverPartial, "spans from waypoints only"}, "multi_cluster": {CoverPartial, "ambient multi-cluster is not yet stable upstream"},
			"audit_logs": {CoverPartial, "L4 logs from ztunnel; per-request L7 logs need waypoints"},
		},
		Notes:               []string{"Self-managed on AKS: Microsoft support does not cover it (seed 002)."},
		latency:             latencyAmbient,
		MetricSeriesPerPair: 8, MetricSeriesL7: 67, MetricSource: "assumption",
		SpansPerHopL7: 1, SpanSource: "assumption",
		AccessLogBytes: 298, AccessLogSource: "assumption",
		upgradeDoublesIstiod: true,
	},
	{
		ID: OptionLinkerd, Name: "Linkerd (self-managed)",
		Summary:    "Rust micro-proxy sidecar per pod with a small control plane; HA values priced. Not an AKS add-on.",
		OperatedBy: "the team: OSS ships edge releases only; lifecycle and support are yours",
		Components: []Component{
			{ID: "linkerd-proxy", Name: "linkerd-proxy sidecar", Kind: KindPerPod, CPUm: 100, MemoryMi: 20, Source: "linkerd-values-ha", scale: scalePerPod,
				UsageCPUMicroPer1000: 200_000 * linkerdCPUNum / linkerdCPUDen, UsageMemoryBytes: 26_300_000, Traffic: 2, UsageSource: "linkerd-bench-2021", fig: figLinkerdProxy},
			{ID: "destination", Name: "destination", Kind: KindControlPlane, CPUm: 100, MemoryMi: 50, Source: "linkerd-values-ha", scale: scaleFixed, Replicas: 3, ReplicaSource: "linkerd-values-ha"},
			{ID: "sp-validator", Name: "sp-validator", Kind: KindControlPlane, CPUm: 100, MemoryMi: 50, Source: "linkerd-values-ha", scale: scaleFixed, Replicas: 3, ReplicaSource: "linkerd-values-ha"},
			{ID: "proxy-injector", Name: "proxy-injector", Kind: KindControlPlane, CPUm: 100, MemoryMi: 50, Source: "linkerd-values-ha", scale: scaleFixed, Replicas: 3, ReplicaSource: "linkerd-values-ha"},
			{ID: "identity", Name: "identity", Kind: KindControlPlane, CPUm: 100, MemoryMi: 10, Source: "linkerd-values-ha", scale: scaleFixed, Replicas: 3, ReplicaSource: "linkerd-values-ha"},
			{ID: "control-plane-proxies", Name: "proxies of control-plane pods", Kind: KindControlPlane, CPUm: 100, MemoryMi: 20, Source: "linkerd-values-ha", scale: scaleFixed, Replicas: 9, ReplicaSource: "linkerd-values-ha"},
		},
		Coverage: map[string]Coverage{
			"mtls": {CoverYes, "automatic mTLS"}, "l7_split": {CoverYes, "HTTPRoute weights"},
			"retries": {CoverYes, "retries and timeouts by annotation or HTTPRoute"}, "circuit_breaking": {CoverPartial, "failure accrual only"},
			"tracing": {CoverPartial, "proxy spans when configured"}, "multi_cluster": {CoverYes, "multicluster extension"},
			"audit_logs": {CoverYes, "proxy access logging"},
		},
		Notes: []string{"Default values set no proxy requests; HA values (100m/20Mi) are priced so FinOps sees the reservation.",
			"Proxy CPU per 1000 rps = Istio's 0.20 vCPU x 36/67 (2021 benchmark ratio)."},
		latency:             latencyLinkerd,
		licensed:            true,
		MetricSeriesPerPair: 134, MetricSource: "assumption",
		SpansPerHop: 2, SpanSource: "assumption",
		AccessLogBytes: 585, AccessLogSource: "assumption",
	},
	{
		ID: OptionCilium, Name: "Cilium service mesh (ACNS)",
		Summary:    "Node-level eBPF with WireGuard encryption; one Envoy per node for L7 policy. No sidecars.",
		Managed:    true,
		OperatedBy: "AKS (Azure CNI powered by Cilium, ACNS); the team owns policies",
		Components: []Component{
			{ID: "cilium-agent", Name: "cilium-agent", Kind: KindPerNode, CPUm: 100, MemoryMi: 512, Source: "cilium-budget", scale: scalePerNode, when: whenNoCilium, fig: figCiliumAgent},
			{ID: "cilium-operator", Name: "cilium-operator", Kind: KindController, CPUm: 50, MemoryMi: 128, Source: "cilium-budget", scale: scaleFixed, when: whenNoCilium, Replicas: 2, ReplicaSource: "cilium-values"},
			{ID: "cilium-envoy", Name: "cilium-envoy (L7)", Kind: KindPerNode, CPUm: 100, MemoryMi: 128, Source: "cilium-budget", scale: scalePerNode, when: whenL7},
			{ID: "hubble-relay", Name: "hubble-relay", Kind: KindController, CPUm: 50, MemoryMi: 64, Source: "cilium-budget", scale: scaleFixed, Replicas: 1, ReplicaSource: "cilium-values"},
		},
		Coverage: map[string]Coverage{
			"mtls": {CoverPartial, "WireGuard node-to-node encryption, not mutual workload identity; Cilium mTLS is preview"}, "l7_split": {CoverNo, "L7 policy, not weighted per-service routing"},
			"retries": {CoverNo, "no transparent retries"}, "circuit_breaking": {CoverNo, ""},
			"tracing": {CoverNo, "Hubble flows, not spans"}, "multi_cluster": {CoverYes, "Cluster Mesh"},
			"audit_logs": {CoverPartial, "Hubble flow logs, L7 where policy applies"},
		},
		Notes: []string{"WireGuard: ~1.5 Gbps per node at MTU 1500; inter-node pod traffic only; not FIPS.",
			"ACNS L7 policy: latency noticeable beyond 3,000 rps; at most 1,000 nodes / 40,000 pods.",
			"Cilium sets no requests by default: per-node figures are budgets to override."},
		latency:        latencyCilium,
		MetricSeriesL7: 30, MetricSource: "assumption",
		usesACNS: true,
	},
	{
		ID: OptionIngressCanary, Name: "Ingress-level canary (App Routing Gateway API + Flagger)",
		Summary:    "Weighted HTTPRoutes at the edge with Flagger automating the canary; nothing between services.",
		Managed:    true,
		OperatedBy: "AKS (App Routing); the team owns Flagger",
		Components: []Component{
			{ID: "approuting-istiod", Name: "App Routing Gateway API control plane (istiod)", Kind: KindControlPlane, CPUm: 500, MemoryMi: 2048, Source: "approuting-requests", scale: scaleFixed,
				Replicas: 2, ReplicaSource: "approuting-gateway"},
			{ID: "gateway", Name: "Gateway replicas", Kind: KindGateway, CPUm: 100, MemoryMi: 128, Source: "approuting-requests", scale: scaleFixed, Replicas: 2, ReplicaSource: "approuting-gateway"},
			{ID: "flagger", Name: "Flagger", Kind: KindController, CPUm: 10, MemoryMi: 32, Source: "flagger-values", scale: scaleFixed, Replicas: 1, ReplicaSource: "flagger-values"},
		},
		Coverage: map[string]Coverage{
			"mtls": {CoverNo, ""}, "l7_split": {CoverPartial, "at the edge only"},
			"retries": {CoverPartial, "at the edge only"}, "circuit_breaking": {CoverNo, ""},
			"tracing": {CoverNo, "OpenTelemetry SDK in the apps"}, "multi_cluster": {CoverNo, ""},
			"audit_logs": {CoverPartial, "edge requests only"},
		},
		Notes: []string{"App Routing NGINX reaches its end of patches: upstream ingress-nginx ended in March 2026 and AKS patches app-routing NGINX only through November 2026. This option prices its successor, App Routing on Gateway API (GA 2026-04-28); run both side by side and cut over by DNS.",
			"App Routing Gateway API's istiod and gateway requests are not published: the upstream Istio chart's are priced (assumption).",
			"Application Gateway for Containers keeps the data plane outside the cluster (its price is not modelled)."},
		latency: latencyNone,
	},
	{
		ID: OptionNoMesh, Name: "No mesh (network policies + app retries + OpenTelemetry)",
		Summary:    "Cilium or Kubernetes network policies, retries in the application, OpenTelemetry SDK for traces.",
		Managed:    true,
		OperatedBy: "AKS for the network policy engine; application teams own retries and instrumentation",
		Coverage: map[string]Coverage{
			"mtls": {CoverNo, "pod-level TLS in the apps, or WireGuard"}, "l7_split": {CoverNo, ""},
			"retries": {CoverPartial, "in application code"}, "circuit_breaking": {CoverPartial, "in application code"},
			"tracing": {CoverPartial, "OpenTelemetry SDK in the apps"}, "multi_cluster": {CoverNo, "manual setup"},
			"audit_logs": {CoverNo, ""},
		},
		Notes:   []string{"Covers most of what teams want from a mesh (seed 002)."},
		latency: latencyNone,
	},
	{
		ID: OptionAppNet, Name: "Istio ambient managed by Azure (Application Network, preview)",
		Summary:    "Azure Kubernetes Application Network: ambient mesh with the control plane outside the cluster; ztunnel and Istio CNI per node, waypoints only where L7 is needed. No sidecars.",
		Managed:    true,
		Preview:    true,
		OperatedBy: "Azure (control plane, data plane upgrades, certificates); the team owns traffic policy and the upgrade mode",
		Components: []Component{
			{ID: "ztunnel", Name: "ztunnel (applink-system)", Kind: KindPerNode, CPUm: 200, MemoryMi: 512, Source: "appnet-requests", scale: scalePerNode,
				ReplicaSource: "appnet-overview", UsageCPUMicroPer1000: 60_000, UsageMemoryBytes: 12 * mb, Traffic: 2, UsageSource: "istio-perf-ztunnel"},
			{ID: "istio-cni", Name: "istio-cni-node (applink-system)", Kind: KindPerNode, CPUm: 100, MemoryMi: 100, Source: "appnet-requests", scale: scalePerNode, ReplicaSource: "appnet-overview"},
			{ID: "waypoint", Name: "waypoint proxy", Kind: KindWaypoint, CPUm: 100, MemoryMi: 128, Source: "appnet-requests", scale: scaleWaypoint, when: whenL7,
				UsageCPUMicroPer1000: 250_000, UsageMemoryBytes: 60 * mb, Traffic: 1, UsageSource: "istio-perf-waypoint"},
			{ID: "east-west-gateway", Name: "east-west gateway (multi-cluster)", Kind: KindGateway, CPUm: 100, MemoryMi: 128, Source: "appnet-requests", scale: scaleFixed, when: whenMultiCluster,
				Replicas: 1, ReplicaSource: "assumption"},
		},
		Coverage: map[string]Coverage{
			"mtls": {CoverYes, "HBONE mTLS; permissive by default, switch to strict after migration"}, "l7_split": {CoverYes, "through waypoints only"},
			"retries": {CoverYes, "through waypoints only"}, "circuit_breaking": {CoverYes, "through waypoints only"},
			"tracing": {CoverNo, "no tracing in AppNet's observability"}, "multi_cluster": {CoverYes, "east-west gateways or a flat pod network; members in one tenant"},
			"audit_logs": {CoverPartial, "logs through Container Insights; per-request L7 logs need waypoints"},
		},
		Notes: []string{"Public preview (AKS preview terms, no SLA); regions centralus, eastus2, westus2, westus3, northeurope, southeastasia; AKS 1.30+; Linux nodes only; no private clusters.",
			"No price or meter is published: only the in-cluster capacity below, the Key Vault it provisions and Azure Monitor ingestion are visible costs.",
			"Resource requests of AppNet's in-cluster components are not published: the upstream ztunnel, Istio CNI and waypoint chart values are priced (assumption)."},
		latency:             latencyAmbient,
		MetricSeriesPerPair: 8, MetricSeriesL7: 67, MetricSource: "assumption",
		AccessLogBytes: 298, AccessLogSource: "assumption",
	},
	{
		ID: OptionCiliumMTLS, Name: "Cilium with ACNS mTLS (preview)",
		Summary:    "ACNS Cilium mutual TLS: SPIRE issues workload identities, a ztunnel DaemonSet carries HBONE mTLS at L4, per namespace. No sidecars, no L7.",
		Managed:    true,
		Preview:    true,
		OperatedBy: "AKS (Azure CNI powered by Cilium, ACNS); the team owns namespace enrolment and policies",
		Components: []Component{
			{ID: "cilium-agent", Name: "cilium-agent", Kind: KindPerNode, CPUm: 100, MemoryMi: 512, Source: "cilium-budget", scale: scalePerNode, when: whenNoCilium, fig: figCiliumAgent},
			{ID: "ztunnel-cilium", Name: "ztunnel-cilium", Kind: KindPerNode, CPUm: 200, MemoryMi: 512, Source: "acns-mtls-requests", scale: scalePerNode,
				ReplicaSource: "acns-mtls", UsageCPUMicroPer1000: 60_000, UsageMemoryBytes: 12 * mb, Traffic: 2, UsageSource: "istio-perf-ztunnel"},
			{ID: "spire-agent", Name: "SPIRE agent", Kind: KindPerNode, CPUm: 50, MemoryMi: 64, Source: "acns-mtls-requests", scale: scalePerNode, ReplicaSource: "acns-mtls"},
			{ID: "spire-server", Name: "SPIRE server (cluster CA)", Kind: KindControlPlane, CPUm: 100, MemoryMi: 256, Source: "acns-mtls-requests", scale: scaleFixed, Replicas: 1, ReplicaSource: "acns-mtls"},
			{ID: "hubble-relay", Name: "hubble-relay", Kind: KindController, CPUm: 50, MemoryMi: 64, Source: "cilium-budget", scale: scaleFixed, Replicas: 1, ReplicaSource: "cilium-values"},
		},
		Coverage: map[string]Coverage{
			"mtls": {CoverYes, "SPIRE identities, HBONE mTLS per enrolled namespace; enrolled to non-enrolled traffic stays plaintext; TCP only"}, "l7_split": {CoverNo, "L4 only"},
			"retries": {CoverNo, ""}, "circuit_breaking": {CoverNo, ""},
			"tracing": {CoverNo, "Hubble flows, not spans"}, "multi_cluster": {CoverNo, "no cross-cluster mTLS"},
			"audit_logs": {CoverPartial, "Hubble flow logs"},
		},
		Notes: []string{"Public preview: needs Azure CNI powered by Cilium with ACNS, Kubernetes 1.34+, Cilium 1.18+ and the AdvancedNetworkingmTLSPreview feature flag; enabling it restarts the Cilium agent on every node.",
			"Not with WireGuard, Istio, or L4/L7 network policy on mTLS traffic; no custom CA; host-network pods excluded.",
			"Requests of ztunnel-cilium and SPIRE are not published: upstream ztunnel chart values and small SPIRE budgets are priced (assumption)."},
		latency:        latencyAmbient,
		MetricSeriesL7: 0, MetricSource: "assumption",
		usesACNS: true,
	},
}

var componentIndex = func() map[string]Component {
	m := map[string]Component{}
	for _, o := range Catalog {
		for _, c := range o.Components {
			m[o.ID+"/"+c.ID] = c
		}
	}
	return m
}()

// LookupComponent finds a component by its "option/component" key.
func LookupComponent(key string) (Component, bool) {
	c, ok := componentIndex[key]
	return c, ok
}
