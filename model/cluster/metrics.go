package cluster

import "strings"

// addPodMetrics folds one PodMetrics item (metrics-server's last window of
// use) into its namespace: the proxies' containers and mesh pods (ztunnel,
// waypoints) as proxy use, everything else as the apps' use.
func (inv *Inventory) addPodMetrics(o *object) {
	inv.MetricsRead = true
	ns := inv.ns(o.Metadata.Namespace)
	ns.MetricsPods++
	infra := infraOf(o.Metadata.Name, o.Metadata.Labels)
	meshPod := infra == infraZtunnel || infra == infraWaypoint || strings.HasPrefix(o.Metadata.Name, "ztunnel-")
	for _, c := range o.Containers {
		cpu, mem := c.Usage.Cpu().MilliValue(), c.Usage.Memory().Value()
		if meshPod || c.Name == "istio-proxy" || c.Name == "linkerd-proxy" {
			ns.ProxyUseCPUm += cpu
			ns.ProxyUseMemB += mem
			inv.Mesh.ProxyUseCPUm += cpu
			inv.Mesh.ProxyUseMemB += mem
			continue
		}
		ns.AppUseCPUm += cpu
		ns.AppUseMemB += mem
		if !ns.System {
			inv.Mesh.AppUseCPUm += cpu
			inv.Mesh.AppUseMemB += mem
		}
	}
}
