package cluster

// Report is the inventory as people and pipelines read it: what the files
// say, in plain fields, without anything raw.
type Report struct {
	Cluster    *AKSCluster       `json:"cluster,omitempty"`
	Namespaces []NamespaceReport `json:"namespaces"`
	Pools      []PoolReport      `json:"pools"`
	Services   int               `json:"services"`
	Nodes      int               `json:"nodes"`
	Workloads  map[string]int    `json:"workloads,omitempty"`
	Mesh       MeshReport        `json:"mesh"`
	Warnings   []string          `json:"warnings,omitempty"`
}

// NamespaceReport is one namespace's row.
type NamespaceReport struct {
	Name         string   `json:"name"`
	Platform     bool     `json:"platform"`
	Pods         int      `json:"pods"`          // in the pod list
	ExpectedPods int      `json:"expected_pods"` // from workloads' replicas
	Finished     int      `json:"finished"`
	Requests     Tax      `json:"requests"`
	Meshes       []string `json:"meshes"`
	Labels       []string `json:"labels,omitempty"`
	MeshedPods   int      `json:"meshed_pods"`
	ProxyReq     Tax      `json:"proxy_requests"`
	ProxyUsed    *Tax     `json:"proxy_used,omitempty"`
	AppUsed      *Tax     `json:"app_used,omitempty"`
}

// PoolReport is one node pool's row.
type PoolReport struct {
	Name        string `json:"name"`
	VMSize      string `json:"vm_size"`
	InCatalog   bool   `json:"in_catalog"`
	Nodes       int    `json:"nodes"`
	AKSCount    int    `json:"aks_count,omitempty"`
	Autoscale   bool   `json:"autoscale,omitempty"`
	MinCount    int    `json:"min_count,omitempty"`
	MaxCount    int    `json:"max_count,omitempty"`
	MaxPods     int    `json:"max_pods,omitempty"`
	Mode        string `json:"mode,omitempty"`
	AppPods     int    `json:"app_pods"`
	Allocatable Tax    `json:"allocatable"`
}

// MeshReport is the mesh that runs today.
type MeshReport struct {
	Detected       string   `json:"detected"`
	IstioSidecars  int      `json:"istio_sidecars"`
	NativeSidecars int      `json:"native_sidecars"`
	LinkerdProxies int      `json:"linkerd_proxies"`
	AmbientPods    int      `json:"ambient_pods"`
	Ztunnels       int      `json:"ztunnels"`
	Waypoints      int      `json:"waypoints"`
	CiliumAgents   int      `json:"cilium_agents"`
	Revisions      []string `json:"istio_revisions,omitempty"`
	ProxyRequests  Tax      `json:"proxy_requests"`
	ProxyUsed      *Tax     `json:"proxy_used,omitempty"`
	AppUsed        *Tax     `json:"app_used,omitempty"`
}

// Report returns the inventory's report.
func (inv *Inventory) Report() Report {
	r := Report{Cluster: inv.AKS, Services: inv.Services, Nodes: inv.Nodes, Warnings: inv.Warnings, Workloads: inv.Workloads}
	for _, n := range inv.SortedNamespaces() {
		nr := NamespaceReport{Name: n.Name, Platform: n.System, Pods: n.Pods, ExpectedPods: n.ExpectedPods, Finished: n.Skipped,
			Requests: taxOf(n.CPUm, n.MemBytes), Meshes: n.Meshes(), Labels: n.Labels, MeshedPods: n.MeshedPods(inv.PodsRead),
			ProxyReq: taxOf(n.ProxyCPUm, n.ProxyMemB)}
		if !inv.PodsRead {
			nr.Requests = taxOf(n.ExpectedCPUm, n.ExpectedMemB)
		}
		if inv.MetricsRead {
			pu, au := taxOfMicro(n.ProxyUseCPUu, n.ProxyUseMemB), taxOfMicro(n.AppUseCPUu, n.AppUseMemB)
			nr.ProxyUsed, nr.AppUsed = &pu, &au
		}
		r.Namespaces = append(r.Namespaces, nr)
	}
	for _, p := range inv.SortedPools() {
		r.Pools = append(r.Pools, PoolReport{Name: p.Name, VMSize: p.InstanceType, InCatalog: p.Known, Nodes: p.Nodes, AKSCount: p.AKSCount,
			Autoscale: p.Autoscale, MinCount: p.MinCount, MaxCount: p.MaxCount, MaxPods: p.MaxPods, Mode: p.Mode, AppPods: p.AppPods,
			Allocatable: taxOf(p.AllocCPUm, p.AllocMemB)})
	}
	m := inv.Mesh
	r.Mesh = MeshReport{Detected: m.Detected(), IstioSidecars: m.IstioSidecars, NativeSidecars: m.NativeSidecars, LinkerdProxies: m.LinkerdProxies,
		AmbientPods: m.AmbientPods, Ztunnels: m.Ztunnels, Waypoints: m.Waypoints, CiliumAgents: m.CiliumAgents, Revisions: m.IstioRevisions,
		ProxyRequests: taxOf(m.ProxyCPUm, m.ProxyMemBytes)}
	if inv.MetricsRead {
		pu, au := taxOfMicro(m.ProxyUseCPUu, m.ProxyUseMemB), taxOfMicro(m.AppUseCPUu, m.AppUseMemB)
		r.Mesh.ProxyUsed, r.Mesh.AppUsed = &pu, &au
	}
	return r
}
