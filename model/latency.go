package model

import "github.com/shopspring/decimal"

// hopLatency is added latency per hop in microseconds.
type hopLatency struct{ p50, p90, p99 int64 }

// Per-hop figures. p50 is published nowhere: it is bounded above by p90 and
// shown as an assumption.
var (
	sidecarAKS      = hopLatency{560, 560, 1450} // asm-1-22, read off the AKS chart
	sidecarUpstream = hopLatency{228, 228, 298}  // istio.io, 1.20
	ambientL4       = hopLatency{170, 170, 200}  // istio.io, 1.22, two ztunnels
)

// linkerdRatio is Linkerd's added p99 over Istio sidecar's in the 2025
// benchmark: (251.4 - 182.1) / (414.4 - 182.1) = 69.3 / 232.3.
const linkerdNum, linkerdDen = 693, 2323

func (h hopLatency) add(o hopLatency) hopLatency {
	return hopLatency{h.p50 + o.p50, h.p90 + o.p90, h.p99 + o.p99}
}

func (h hopLatency) scale(num, den int64) hopLatency {
	return hopLatency{h.p50 * num / den, h.p90 * num / den, h.p99 * num / den}
}

// latencyOf returns an option's added latency: hops x the per-hop figure.
// Summing per-hop percentiles overstates the end-to-end percentile, so the
// per-request figures are a conservative bound.
func latencyOf(a Assessment, o *Option, l7 bool, f *figures) Latency {
	h, srcs, note := latencyParts(a, o, l7, f)
	hops := int64(a.Hops)
	return Latency{
		PerHopP50: usToMs(h.p50), PerHopP90: usToMs(h.p90), PerHopP99: usToMs(h.p99),
		P50: usToMs(h.p50 * hops), P90: usToMs(h.p90 * hops), P99: usToMs(h.p99 * hops),
		Sources: srcs, Note: note + "; p50 is not published and is shown at its p90 bound",
	}
}

// latencyHop is the per-hop figure alone, for ranges.
func latencyHop(a Assessment, o *Option, l7 bool, f *figures) hopLatency {
	h, _, _ := latencyParts(a, o, l7, f)
	return h
}

func latencyParts(a Assessment, o *Option, l7 bool, f *figures) (hopLatency, []string, string) {
	sidecar, sidecarSrc := sidecarAKS, "aks-istio-latency"
	if a.LatencySource == LatencyUpstream {
		sidecar, sidecarSrc = sidecarUpstream, "istio-perf-latency"
	}
	if f.hopP99 > 0 { // a drawn per-hop p99 for ranges
		sidecar.p99 = f.hopP99
	}
	oneProxy := sidecar.scale(1, 2) // a waypoint or node Envoy is one proxy, not a pair
	var h hopLatency
	var srcs []string
	var note string
	lean := f.lean
	switch o.latency {
	case latencySidecar:
		h = sidecar
		if !lean {
			srcs, note = []string{sidecarSrc}, "one sidecar pair per hop"
		}
	case latencyAmbient:
		h = ambientL4
		if !lean {
			srcs, note = []string{"istio-perf-ambient"}, "two ztunnels per hop"
		}
		if l7 {
			h = h.add(oneProxy)
			if !lean {
				srcs = append(srcs, "assumption")
				note += "; plus one waypoint, taken as half a sidecar pair"
			}
		}
	case latencyLinkerd:
		h = sidecar.scale(linkerdNum, linkerdDen)
		if !lean {
			srcs = []string{sidecarSrc, "linkerd-bench-2025"}
			note = "the sidecar figure x 69.3/232.3, Linkerd's added p99 relative to Istio's in the 2025 benchmark"
		}
	case latencyCilium:
		if !lean {
			srcs, note = []string{"assumption"}, "eBPF at L4 taken as adding nothing measurable"
		}
		if l7 {
			h = oneProxy
			if !lean {
				srcs = append(srcs, "acns-l7")
				note += "; the node Envoy for L7 taken as half a sidecar pair"
			}
		}
	default:
		if !lean {
			srcs, note = []string{"assumption"}, "no proxy between services"
		}
	}
	if !lean && srcs[len(srcs)-1] != "assumption" {
		srcs = append(srcs, "assumption") // p50: not published, bounded by p90
	}
	return h, srcs, note
}

func usToMs(us int64) decimal.Decimal {
	if us == 0 {
		return decimal.Zero
	}
	return decimal.New(us, -3)
}
