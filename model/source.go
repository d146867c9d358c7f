package model

// Status letters of REFERENCE.md: how far a figure can be trusted.
const (
	StatusPrimary    = "P" // the project's own repository or docs
	StatusChart      = "C" // primary, but read off a chart by eye
	StatusDerived    = "D" // derived from other figures by a formula we state
	StatusSecondary  = "S" // a user report or a vendor-affiliated post
	StatusAssumption = "A" // ours: no published figure; override it
)

// Source says where a default figure comes from.
type Source struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Ref     string `json:"ref"`     // file, page or post
	Version string `json:"version"` // release, tag or date the figure was read at
	Status  string `json:"status"`  // one of the Status* letters
}

// Sources lists every citation the model uses, keyed by ID. It mirrors
// ../shared/REFERENCE.md; every default in the catalog names one of these.
var Sources = map[string]Source{
	"istio-values-proxy":     {Title: "Istio sidecar requests", Ref: "manifests/charts/istio-control/istio-discovery/values.yaml global.proxy.resources", Version: "istio 1.30.3", Status: StatusPrimary},
	"istio-values-istiod":    {Title: "istiod requests", Ref: "manifests/charts/istio-control/istio-discovery/values.yaml resources", Version: "istio 1.30.3", Status: StatusPrimary},
	"istio-values-gateway":   {Title: "Istio gateway requests and HPA", Ref: "manifests/charts/gateway/values.yaml", Version: "istio 1.30.3", Status: StatusPrimary},
	"istio-values-cni":       {Title: "istio-cni node agent requests", Ref: "manifests/charts/istio-cni/values.yaml", Version: "istio 1.30.3", Status: StatusPrimary},
	"istio-values-ztunnel":   {Title: "ztunnel DaemonSet requests", Ref: "manifests/charts/ztunnel/values.yaml", Version: "istio 1.30.3", Status: StatusPrimary},
	"istio-values-waypoint":  {Title: "waypoint requests", Ref: "istio-discovery/values.yaml global.waypoint.resources", Version: "istio 1.30.3", Status: StatusPrimary},
	"istio-hpa-upstream":     {Title: "istiod HPA upstream: min 1, max 5, 80% CPU", Ref: "istio-discovery/values.yaml", Version: "istio 1.30.3", Status: StatusPrimary},
	"aks-istio-scale":        {Title: "AKS add-on HPA floor: istiod and gateways min 2, max 5", Ref: "azure-aks-docs articles/aks/istio-scale.md", Version: "2026", Status: StatusPrimary},
	"aks-istio-cni":          {Title: "Istio CNI default for new add-on installs from asm-1-30", Ref: "azure-aks-docs articles/aks/istio-cni.md", Version: "asm-1-30", Status: StatusPrimary},
	"aks-istio-upgrade":      {Title: "minor upgrade runs two control-plane revisions side by side", Ref: "azure-aks-docs articles/aks/istio-upgrade.md", Version: "2026", Status: StatusDerived},
	"aks-istio-about":        {Title: "add-on is sidecar-only; ambient not supported", Ref: "azure-aks-docs articles/aks/istio-about.md", Version: "2026", Status: StatusPrimary},
	"aks-istio-latency":      {Title: "added latency per sidecar pair, asm-1-22, 1000 QPS, 1 KB", Ref: "azure-aks-docs articles/aks/istio-latency.md (chart)", Version: "asm-1-22", Status: StatusChart},
	"istio-perf-sidecar":     {Title: "sidecar ~0.20 vCPU, 60 MB per 1000 rps", Ref: "istio.io docs ops/deployment/performance-and-scalability", Version: "istio 1.24", Status: StatusPrimary},
	"istio-perf-waypoint":    {Title: "waypoint ~0.25 vCPU, 60 MB per 1000 rps", Ref: "istio.io performance-and-scalability", Version: "istio 1.24", Status: StatusPrimary},
	"istio-perf-ztunnel":     {Title: "ztunnel ~0.06 vCPU, 12 MB per 1000 rps", Ref: "istio.io performance-and-scalability", Version: "istio 1.24", Status: StatusPrimary},
	"istio-perf-istiod":      {Title: "istiod 1 vCPU, 1.5 GB for 1000 services / 2000 sidecars (scaled linearly)", Ref: "istio.io performance-and-scalability", Version: "istio 1.20", Status: StatusDerived},
	"aks-istio-scale-istiod": {Title: "istiod fitted to every AKS istio-scale point: 0.6m, 1.284 MB per sidecar; 3m, 14.7 MB per service; 0.19 cores per churned sidecar/s (Overlay; Cilium 0.5m, 1.373 MB, 6m, 15.1 MB, 0.088)", Ref: "azure-aks-docs articles/aks/istio-scale.md (asm-1-19, one istiod, HPA off)", Version: "asm-1-19", Status: StatusDerived},
	"istio-perf-latency":     {Title: "sidecar pair +0.228 ms p90, +0.298 ms p99", Ref: "istio.io performance-and-scalability", Version: "istio 1.20", Status: StatusPrimary},
	"istio-perf-ambient":     {Title: "ambient L4 (two ztunnels) +0.17 ms p90, +0.20 ms p99", Ref: "istio.io performance-and-scalability", Version: "istio 1.22", Status: StatusPrimary},
	"istio-telemetry":        {Title: "standard metrics: 1 counter + 3 histograms x 22 series = 67 per reporter, 134 per pair and code", Ref: "istio.io reference/config/metrics", Version: "istio 1.30.3", Status: StatusDerived},
	"istio-trace-sampling":   {Title: "trace sampling default 1.0%", Ref: "PILOT_TRACE_SAMPLING", Version: "istio 1.30.3", Status: StatusPrimary},
	"istio-access-log":       {Title: "access log ~287 B client + ~298 B server = 585 B per request", Ref: "istio default text access-log format", Version: "istio 1.30.3", Status: StatusDerived},
	"linkerd-values-ha":      {Title: "Linkerd HA values: proxy 100m/20Mi; control plane 100m/50Mi (identity 10Mi), 3 replicas", Ref: "charts/linkerd-control-plane/values-ha.yaml", Version: "edge-26.8.3", Status: StatusPrimary},
	"linkerd-bench-2021":     {Title: "2000 rps: proxy memory 26.3 vs 156.2 MB; proxy CPU 36 vs 67 ms (Linkerd vs Istio)", Ref: "linkerd.io blog 2021-11-29", Version: "linkerd 2.11.1 / istio 1.12", Status: StatusSecondary},
	"linkerd-bench-2025":     {Title: "2000 rps p99: baseline 182.1, Linkerd 251.4, Istio sidecar 414.4 ms", Ref: "linkerd.io blog 2025-04-24", Version: "edge-25.3.1 / istio 1.25", Status: StatusSecondary},
	"cilium-values":          {Title: "Cilium sets no requests by default; operator 2 replicas, relay 1", Ref: "cilium/cilium install/kubernetes/cilium/values.yaml", Version: "as read for REFERENCE.md", Status: StatusPrimary},
	"cilium-budget":          {Title: "no published per-node footprint; agent memory reported 150 MB to 3 GB", Ref: "cilium issues 1857, 23930, 32940", Version: "2026", Status: StatusAssumption},
	"acns-l7":                {Title: "ACNS L7 policy: per-node Envoy; latency noticeable beyond 3,000 rps", Ref: "azure-aks-docs container-network-security-l7-policy-concepts", Version: "2026", Status: StatusPrimary},
	"approuting-nginx":       {Title: "App Routing NGINX 500m/127Mi, HPA min 2; patched through Nov 2026", Ref: "Azure/aks-app-routing-operator pkg/manifests/nginx.go", Version: "2026", Status: StatusPrimary},
	"approuting-gateway":     {Title: "App Routing Gateway API: istiod (min 2) + per-Gateway replicas (min 2), no sidecars", Ref: "azure-aks-docs app-routing-gateway-api", Version: "2026", Status: StatusPrimary},
	"flagger-values":         {Title: "Flagger 10m/32Mi, 1 replica", Ref: "fluxcd/flagger charts/flagger/values.yaml", Version: "flagger 1.44.0", Status: StatusPrimary},
	"aks-allocatable":        {Title: "AKS reserved CPU by cores; memory = 100Mi eviction + min(20 MB x max pods + 50 MB, 25%)", Ref: "azure-aks-docs node-resource-reservations", Version: "2026-06-11", Status: StatusPrimary},
	"opencost-split":         {Title: "node price split: r = CPU/RAM price; RAM = node / (vCPU x r + GiB); CPU = r x RAM", Ref: "opencost pkg/costmodel/costmodel.go, configs/default.json", Version: "2026", Status: StatusPrimary},
	"sku-prices":             {Title: "East US Linux pay-as-you-go list price", Ref: "infracost East US output 2025-12-01; Azure Retail Prices API", Version: "2025-12-01", Status: StatusDerived},
	"hours-per-month":        {Title: "730 hours per month", Ref: "OpenCost, infracost", Version: "2026", Status: StatusPrimary},
	"price-log-analytics":    {Title: "Log Analytics analytics logs $2.30 per GB", Ref: "Azure Retail Prices API", Version: "2026", Status: StatusSecondary},
	"price-prometheus":       {Title: "Managed Prometheus $0.16 per 10 million samples", Ref: "Azure Retail Prices API", Version: "2026", Status: StatusSecondary},
	"seed-002":               {Title: "user's seed: istiod ~500m/1Gi, sidecar ~100m/128Mi, 100 pods ~10 cores/12 GiB", Ref: "seeds/002 Resource impact", Version: "seed", Status: StatusPrimary},
	"approuting-requests":    {Title: "App Routing Gateway API istiod and gateway requests not published (release 2026-07-17 fixed them without values): upstream Istio chart values priced", Ref: "AKS CHANGELOG 2026-07-17; istio-discovery and gateway values.yaml", Version: "2026", Status: StatusAssumption},
	"appnet-overview":        {Title: "Azure Kubernetes Application Network (public preview): ambient mesh, control plane outside the cluster; ztunnel, istio-cni-node, optional waypoints and east-west gateway in applink-system", Ref: "azure-aks-docs articles/application-network/overview.md, architecture.md", Version: "fb060ab, 2026-08-21", Status: StatusPrimary},
	"appnet-requests":        {Title: "AppNet in-cluster requests not published: upstream Istio 1.30 chart values priced", Ref: "AppNet docset (no figure); istio ztunnel, istio-cni, waypoint values.yaml", Version: "2026-08-21", Status: StatusAssumption},
	"acns-mtls":              {Title: "ACNS Cilium mTLS (preview): SPIRE server and agent per node, ztunnel-cilium DaemonSet, per-namespace enrolment", Ref: "azure-aks-docs container-network-security-cilium-mutual-tls-concepts.md, -how-to.md", Version: "2026-03-16", Status: StatusPrimary},
	"acns-mtls-requests":     {Title: "ztunnel-cilium and SPIRE requests not published: upstream ztunnel chart and small SPIRE budgets", Ref: "ACNS docs (no figure)", Version: "2026", Status: StatusAssumption},
	"linkerd-license":        {Title: "Linkerd OSS ships edge releases only; stable builds need Buoyant Enterprise for Linkerd, US$2,000 per cluster-month in production", Ref: "linkerd.io releases; thenewstack.io Feb 2024", Version: "2024", Status: StatusSecondary},
	"approuting-retirement":  {Title: "AKS patches app-routing NGINX through November 2026; Gateway API mode GA 2026-04-28", Ref: "azure-aks-docs includes/ingress-nginx-retirement.md; AKS CHANGELOG", Version: "2026", Status: StatusPrimary},
	"seed-003":               {Title: "user's seed: Envoy adds 1–3 ms per hop and 50–100 MB per sidecar", Ref: "seeds/003 FAQ and Performance Optimization Strategies", Version: "seed", Status: StatusSecondary},
	"assumption":             {Title: "meshwise assumption: no published figure", Ref: "REFERENCE.md status A", Version: "model", Status: StatusAssumption},
}

func init() {
	for id, s := range Sources {
		s.ID = id
		Sources[id] = s
	}
}
