package cluster

import "meshwise/model"

// Observation reduces the inventory to what the drift guard reads:
// workload namespaces with their meshes and meshed pods, and the data
// plane's requests and (with a PodMetricsList) measured use. Proxies in
// platform namespaces (ztunnels, waypoints) count towards the tax but not
// towards any namespace's scope.
func (inv *Inventory) Observation() model.DriftObservation {
	var o model.DriftObservation
	for _, n := range inv.SortedNamespaces() {
		if n.System {
			continue
		}
		o.Namespaces = append(o.Namespaces, model.ObservedNamespace{Name: n.Name, Meshes: n.Meshes(), MeshedPods: n.MeshedPods(inv.PodsRead)})
	}
	o.ProxyRequests = model.Resources{CPUCores: model.Cores(inv.Mesh.ProxyCPUm * 1000), MemoryGiB: model.GiB(inv.Mesh.ProxyMemBytes)}
	if inv.MetricsRead {
		o.ProxyUsed = &model.Resources{CPUCores: model.Cores(inv.Mesh.ProxyUseCPUu), MemoryGiB: model.GiB(inv.Mesh.ProxyUseMemB)}
	}
	return o
}
