package model

import (
	"fmt"
	"strconv"
)

// Assumption is one default the model uses: its value, its range where the
// sources give one, where it comes from and how far it can be trusted.
type Assumption struct {
	Group  string `json:"group"`
	Name   string `json:"name"`
	Value  string `json:"value"`
	Range  string `json:"range,omitempty"` // low – high, where the sources give a range
	Source string `json:"source"`          // a key of Sources
	Status string `json:"status"`          // the source's status letter; A is our assumption
	UsedIn string `json:"used_in"`
	Input  string `json:"input,omitempty"` // the input or override key that replaces it
}

// Assumptions lists every default of the model, grouped: the component
// catalogue, published usage figures, ranged figures, istiod's fit,
// latency, and the assessment's own defaults.
func Assumptions() []Assumption {
	var out []Assumption
	add := func(group, name, value, rng, source, usedIn, input string) {
		out = append(out, Assumption{Group: group, Name: name, Value: value, Range: rng, Source: source, Status: Sources[source].Status, UsedIn: usedIn, Input: input})
	}
	for _, o := range Catalog {
		for _, c := range o.Components {
			key := o.ID + "/" + c.ID
			add("Requests", o.Name+": "+c.Name, fmt.Sprintf("%dm, %dMi per replica", c.CPUm, c.MemoryMi), "", c.Source, "default requests, planned requests, nodes and money", "overrides."+key)
			if c.ReplicaSource != "" {
				add("Replicas", o.Name+": "+c.Name, replicaRule(c), "", c.ReplicaSource, "replicas ("+whenRule(c)+")", "overrides."+key+".replicas")
			}
			if c.UsageSource != "" && c.scale != scaleIstiodHPA {
				add("Usage under load", o.Name+": "+c.Name,
					fmt.Sprintf("%s vCPU per 1000 rps through it (x %d passes), %s MB working set", fixedString(c.UsageCPUMicroPer1000, 6), c.Traffic, fixedString(c.UsageMemoryBytes, 6)),
					"", c.UsageSource, "predicted usage and planned requests", "")
			}
		}
	}
	for _, f := range RangedFigures {
		add("Ranged figures", f.Label, strconv.FormatFloat(f.Likely, 'f', -1, 64)+" "+f.Unit,
			strconv.FormatFloat(f.Low, 'f', -1, 64)+" – "+strconv.FormatFloat(f.High, 'f', -1, 64)+" "+f.Unit, f.Source, f.UsedIn+" (P10/P50/P90)", "")
	}
	add("istiod", "AKS add-on fit, Azure CNI Overlay", "0.6m, 1.284 MB per sidecar; 3m, 14.73 MB per service; 0.1923 cores per churned sidecar/s; memory x (1 + 0.0064 x churn%)", "±10% (ranged)", "aks-istio-scale-istiod", "istiod usage, HPA replicas and planned requests on the add-on", "")
	add("istiod", "AKS add-on fit, Overlay with Cilium", "0.5m, 1.3733 MB per sidecar; 6m, 15.13 MB per service; 0.088 cores per churned sidecar/s; memory x (1 + 0.00432 x churn%)", "±10% (ranged)", "aks-istio-scale-istiod", "as above, when Cilium is the CNI", "cilium_cni")
	add("istiod", "Self-managed istiod", "1 vCPU, 1.5 GB per 1000 services or 2000 proxies, whichever is larger", "", "istio-perf-istiod", "ambient istiod usage and HPA replicas", "")
	add("istiod", "Load split over replicas", "evenly", "", "assumption", "istiod planned requests per replica", "")
	add("Latency", "Istio sidecar pair, AKS (asm-1-22)", "0.56 ms p90, 1.45 ms p99 per hop", "0.298 – 3 ms p99 (ranged)", "aks-istio-latency", "added latency of sidecar meshes", "latency_source")
	add("Latency", "Istio sidecar pair, upstream (1.20)", "0.228 ms p90, 0.298 ms p99 per hop", "", "istio-perf-latency", "added latency when latency_source is upstream", "latency_source")
	add("Latency", "Ambient L4, two ztunnels (1.22)", "0.17 ms p90, 0.20 ms p99 per hop", "", "istio-perf-ambient", "ambient, Application Network and Cilium mTLS latency", "")
	add("Latency", "A waypoint or node Envoy", "half a sidecar pair", "", "assumption", "ambient and Cilium latency with L7", "")
	add("Latency", "p50 per hop", "shown at its p90 bound", "", "assumption", "p50 of every option", "")
	add("Latency", "Cilium eBPF at L4", "adds nothing measurable", "", "assumption", "Cilium latency", "")
	add("Telemetry", "Istio series per workload pair", "134 (1 + 3 x 22 per reporter, two reporters)", "", "istio-telemetry", "metric series and samples", "")
	add("Telemetry", "Series per pair for other meshes", "ambient 8 (+67 with L7), Linkerd 134, Cilium 30 with L7", "", "assumption", "metric series and samples", "")
	add("Telemetry", "Spans per hop", "2 (sidecar meshes), 1 per waypoint", "", "assumption", "trace volume when tracing is needed", "")
	add("Telemetry", "Access-log bytes per request", "585 (Istio sidecar); 298 ambient", "", "istio-access-log", "log volume when audit logs are needed", "")
	d := DefaultAssessment()
	t, p := d.Telemetry, d.Pricing
	add("Telemetry", "Trace sampling", t.TraceSamplingPercent.String()+"%", "", "istio-trace-sampling", "trace volume", "telemetry.trace_sampling_percent")
	add("Telemetry", "Scrape interval", strconv.Itoa(t.ScrapeSeconds)+" s", "", "assumption", "metric samples", "telemetry.scrape_interval_seconds")
	add("Telemetry", "Callees per service", strconv.Itoa(t.CalleesPerService), "", "assumption", "workload pairs", "telemetry.callees_per_service")
	add("Telemetry", "Response codes per pair", strconv.Itoa(t.ResponseCodes), "", "assumption", "metric series", "telemetry.response_codes")
	add("Telemetry", "Bytes per span", strconv.Itoa(t.SpanBytes), "", "assumption", "trace volume", "telemetry.span_bytes")
	add("Cluster", "How full the nodes are", d.RequestedCPUPercent.String()+"% of allocatable CPU and memory requested", "", "assumption", "spare room, added nodes", "fill_mode, requested_cpu_percent")
	add("Cluster", "Istio add-on ingress gateway", "priced, 2 replicas (opt-in on the add-on)", "", "assumption", "Istio sidecar option requests", "no_ingress_gateway")
	add("Cluster", "Waypoints", "one per onboarded namespace that needs L7", "", "assumption", "ambient and Application Network waypoints", "namespaces")
	add("Cluster", "Sidecar churn", "0% and 0 sidecars/s (steady state)", "", "assumption", "istiod on the add-on", "churn_percent, churn_sidecars_per_second")
	add("Cluster", "AKS allocatable", "reserved CPU by cores; memory 100Mi + min(20Mi x max pods + 50Mi, 25%)", "", "aks-allocatable", "allocatable, spare room, added nodes", "max_pods_per_node")
	add("Money", "Node prices", "East US Linux pay-as-you-go list prices", "", "sku-prices", "whole nodes, unit prices", "node_sku, pricing.agreement_discount_percent")
	add("Money", "Hours per month", p.HoursPerMonth.String(), "", "hours-per-month", "every monthly figure", "pricing.hours_per_month")
	add("Money", "CPU to RAM price ratio", p.CPURAMRatio.String(), "20.34 in older AKS cost analysis", "opencost-split", "unit prices (share method)", "pricing.cpu_ram_ratio")
	add("Money", "Log price per GB", p.LogPerGB.String()+" USD", "", "price-log-analytics", "access-log cost", "pricing.log_price_per_gb")
	add("Money", "Trace price per GB", p.TracePerGB.String()+" USD (Log Analytics rate taken for traces)", "", "assumption", "trace cost", "pricing.trace_price_per_gb")
	add("Money", "Metric price per 10M samples", p.MetricsPer10M.String()+" USD", "", "price-prometheus", "metrics cost", "pricing.metric_price_per_10m_samples")
	add("Money", "ACNS price per node-hour", "0 (not published)", "", "assumption", "Cilium options' fees", "pricing.acns_price_per_node_hour")
	add("Money", "Linkerd licence per cluster-month", "0 (edge releases only); about 2,000 USD for Buoyant Enterprise in production", "", "linkerd-license", "Linkerd fees", "pricing.linkerd_license_per_cluster_month")
	add("Money", "Application Network price", "none published: in-cluster capacity only", "", "assumption", "Application Network money", "")
	return out
}
