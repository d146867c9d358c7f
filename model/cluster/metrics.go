package cluster

import (
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
)

// addPodMetrics folds one PodMetrics item (metrics-server's last window of
// use) into its namespace: the proxies' containers and mesh pods (ztunnel,
// waypoints) as proxy use, everything else as the apps' use.
func (inv *Inventory) addPodMetrics(o *object) {
	inv.MetricsRead = true
	ns := inv.ns(o.Metadata.Namespace)
	ns.MetricsPods++
	infra := infraOf(o.Metadata.Name, o.Metadata.Labels.asMap())
	meshPod := infra == infraZtunnel || infra == infraWaypoint || strings.HasPrefix(o.Metadata.Name, "ztunnel-")
	for _, c := range o.Containers {
		// Microcores: metrics-server reports nanocores, and rounding each
		// container up to a millicore would add up over thousands of pods.
		cpu, mem := c.Usage.Cpu().ScaledValue(resource.Micro), c.Usage.Memory().Value()
		if meshPod || c.Name == "istio-proxy" || c.Name == "linkerd-proxy" {
			ns.ProxyUseCPUu += cpu
			ns.ProxyUseMemB += mem
			inv.Mesh.ProxyUseCPUu += cpu
			inv.Mesh.ProxyUseMemB += mem
			continue
		}
		ns.AppUseCPUu += cpu
		ns.AppUseMemB += mem
		if !ns.System {
			inv.Mesh.AppUseCPUu += cpu
			inv.Mesh.AppUseMemB += mem
		}
	}
}
