package cluster

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	res "k8s.io/component-helpers/resource"

	"meshwise/model"
)

// Inventory is what meshwise keeps of a cluster: counts and sums only.
type Inventory struct {
	HashNames   bool // replace namespace names with a hash
	Namespaces  map[string]*NamespaceStats
	Pools       map[string]*Pool
	Services    int
	Deployments int
	Nodes       int
	AllocCPUm   int64
	AllocMemB   int64
	MaxPods     int64 // the most common pods capacity of the nodes
	maxPodsSeen map[int64]int
	Mesh        Mesh
}

// NamespaceStats are one namespace's running pods and their requests.
type NamespaceStats struct {
	Name      string
	Pods      int
	Skipped   int // Succeeded or Failed: not running, not counted
	CPUm      int64
	MemBytes  int64
	Services  int
	Labels    []string // mesh labels seen on the namespace
	Injected  int      // pods with a mesh proxy
	NoRequest int      // pods that request nothing
}

// Pool is a node pool with its VM size.
type Pool struct {
	Name         string
	InstanceType string
	Nodes        int
	AllocCPUm    int64
	AllocMemB    int64
	Known        bool // the instance type is in meshwise's SKU catalog
}

// Mesh is what already runs: proxies found and what they request.
type Mesh struct {
	IstioSidecars  int
	LinkerdProxies int
	Ztunnels       int
	CiliumAgents   int
	CiliumEnvoys   int
	ProxyCPUm      int64 // requests of the proxies themselves
	ProxyMemBytes  int64
	LabelledNS     int
	IstioRevisions []string
}

// Detected names the meshes found, or "none".
func (m Mesh) Detected() string {
	var found []string
	if m.IstioSidecars > 0 {
		found = append(found, "Istio sidecar")
	}
	if m.Ztunnels > 0 {
		found = append(found, "Istio ambient")
	}
	if m.LinkerdProxies > 0 {
		found = append(found, "Linkerd")
	}
	if m.CiliumAgents > 0 {
		found = append(found, "Cilium")
	}
	if len(found) == 0 {
		return "none"
	}
	return strings.Join(found, ", ")
}

// New returns an empty inventory.
func New(hashNames bool) *Inventory {
	return &Inventory{HashNames: hashNames, Namespaces: map[string]*NamespaceStats{}, Pools: map[string]*Pool{}, maxPodsSeen: map[int64]int{}}
}

func (inv *Inventory) ns(name string) *NamespaceStats {
	if name == "" {
		name = "default"
	}
	if inv.HashNames {
		sum := sha256.Sum256([]byte(name))
		name = "ns-" + hex.EncodeToString(sum[:4])
	}
	s, ok := inv.Namespaces[name]
	if !ok {
		s = &NamespaceStats{Name: name}
		inv.Namespaces[name] = s
	}
	return s
}

func (inv *Inventory) addPod(p *corev1.Pod) {
	ns := inv.ns(p.Namespace)
	if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
		ns.Skipped++
		return
	}
	ns.Pods++
	// The scheduler's own arithmetic: the larger of the init containers and
	// the containers, native sidecars (init containers that always restart)
	// added, pod overhead included.
	req := res.PodRequests(p, res.PodResourcesOptions{})
	cpu, mem := req.Cpu().MilliValue(), req.Memory().Value()
	ns.CPUm += cpu
	ns.MemBytes += mem
	if cpu == 0 && mem == 0 {
		ns.NoRequest++
	}
	proxy := false
	for _, c := range append(append([]corev1.Container(nil), p.Spec.InitContainers...), p.Spec.Containers...) {
		switch c.Name {
		case "istio-proxy":
			inv.Mesh.IstioSidecars++
			proxy = true
			inv.addProxy(c)
		case "linkerd-proxy":
			inv.Mesh.LinkerdProxies++
			proxy = true
			inv.addProxy(c)
		}
	}
	if !proxy && p.Annotations["sidecar.istio.io/status"] != "" {
		inv.Mesh.IstioSidecars++
		proxy = true
	}
	if proxy {
		ns.Injected++
	}
	app := p.Labels["app"] + p.Labels["k8s-app"] + p.Labels["app.kubernetes.io/name"]
	switch {
	case strings.Contains(app, "ztunnel"):
		inv.Mesh.Ztunnels++
	case strings.Contains(app, "cilium-envoy"):
		inv.Mesh.CiliumEnvoys++
	case app == "cilium" || strings.HasPrefix(p.Name, "cilium-") && !strings.HasPrefix(p.Name, "cilium-operator"):
		inv.Mesh.CiliumAgents++
	}
}

func (inv *Inventory) addProxy(c corev1.Container) {
	inv.Mesh.ProxyCPUm += c.Resources.Requests.Cpu().MilliValue()
	inv.Mesh.ProxyMemBytes += c.Resources.Requests.Memory().Value()
}

func (inv *Inventory) addNode(n *corev1.Node) {
	pool := firstOf(n.Labels, "kubernetes.azure.com/agentpool", "agentpool")
	if pool == "" {
		pool = "(no pool label)"
	}
	it := firstOf(n.Labels, "node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type")
	key := pool + "/" + it
	p, ok := inv.Pools[key]
	if !ok {
		_, known := model.LookupSKU(it)
		p = &Pool{Name: pool, InstanceType: it, Known: known}
		inv.Pools[key] = p
	}
	p.Nodes++
	inv.Nodes++
	cpu, mem := quantity(n.Status.Allocatable, corev1.ResourceCPU, true), quantity(n.Status.Allocatable, corev1.ResourceMemory, false)
	p.AllocCPUm += cpu
	p.AllocMemB += mem
	inv.AllocCPUm += cpu
	inv.AllocMemB += mem
	if pods := n.Status.Capacity.Pods().Value(); pods > 0 {
		inv.maxPodsSeen[pods]++
	}
}

func quantity(l corev1.ResourceList, name corev1.ResourceName, milli bool) int64 {
	q, ok := l[name]
	if !ok {
		return 0
	}
	if milli {
		return q.MilliValue()
	}
	return q.Value()
}

func (inv *Inventory) addService(s *corev1.Service) {
	inv.Services++
	inv.ns(s.Namespace).Services++
}

func (inv *Inventory) addNamespace(n *corev1.Namespace) {
	ns := inv.ns(n.Name)
	for _, l := range []string{"istio-injection", "istio.io/rev", "istio.io/dataplane-mode", "linkerd.io/inject"} {
		v := n.Labels[l]
		if v == "" {
			v = n.Annotations[l]
		}
		if v != "" {
			ns.Labels = append(ns.Labels, l+"="+v)
			if l == "istio.io/rev" && !contains(inv.Mesh.IstioRevisions, v) {
				inv.Mesh.IstioRevisions = append(inv.Mesh.IstioRevisions, v)
			}
		}
	}
	if len(ns.Labels) > 0 {
		inv.Mesh.LabelledNS++
	}
}

func firstOf(m map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := m[k]; v != "" {
			return v
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// systemNamespaces are not onboarded to a mesh.
var systemNamespaces = map[string]bool{"kube-system": true, "kube-public": true, "kube-node-lease": true, "gatekeeper-system": true,
	"aks-istio-system": true, "aks-istio-ingress": true, "istio-system": true, "linkerd": true, "calico-system": true, "tigera-operator": true}

// IsSystem reports whether a namespace belongs to the platform.
func IsSystem(name string) bool { return systemNamespaces[name] }

// SortedNamespaces returns namespaces by pods, most first.
func (inv *Inventory) SortedNamespaces() []NamespaceStats {
	out := make([]NamespaceStats, 0, len(inv.Namespaces))
	for _, n := range inv.Namespaces {
		out = append(out, *n)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Pods != out[j].Pods {
			return out[i].Pods > out[j].Pods
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// SortedPools returns node pools by name.
func (inv *Inventory) SortedPools() []Pool {
	out := make([]Pool, 0, len(inv.Pools))
	for _, p := range inv.Pools {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name+out[i].InstanceType < out[j].Name+out[j].InstanceType })
	return out
}

// Assessment prefills an assessment from the inventory: workload pods and
// namespaces (platform namespaces left out), services, nodes, the largest
// pool's VM size, max pods, and whether Cilium already runs.
func (inv *Inventory) Assessment() model.Assessment {
	a := model.DefaultAssessment()
	a.Title = "Imported cluster"
	pods, namespaces, services := 0, 0, 0
	for name, n := range inv.Namespaces {
		if IsSystem(name) {
			continue
		}
		services += n.Services
		if n.Pods > 0 {
			pods += n.Pods
			namespaces++
		}
	}
	a.Pods = pods
	a.Namespaces = min(namespaces, 1000)
	if services > 0 {
		a.Services = min(services, 10_000)
	}
	if inv.Nodes > 0 {
		a.Nodes = min(inv.Nodes, 5000)
	}
	var biggest *Pool
	for _, p := range inv.Pools {
		if biggest == nil || p.Nodes > biggest.Nodes {
			biggest = p
		}
	}
	if biggest != nil && biggest.Known {
		a.NodeSKU = biggest.InstanceType
	}
	best := 0
	for pods, count := range inv.maxPodsSeen {
		if count > best && pods >= 10 && pods <= 250 {
			a.MaxPodsPerNode, best = int(pods), count
		}
	}
	a.CiliumCNI = inv.Mesh.CiliumAgents > 0
	return a
}
