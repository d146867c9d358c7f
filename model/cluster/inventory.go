package cluster

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	res "k8s.io/component-helpers/resource"

	"meshwise/model"
)

// Inventory is what meshwise keeps of a cluster: counts and sums only.
type Inventory struct {
	HashNames   bool // replace namespace names with a hash
	Namespaces  map[string]*NamespaceStats
	Pools       map[string]*Pool
	Services    int
	Nodes       int
	AllocCPUm   int64
	AllocMemB   int64
	Workloads   map[string]int // workloads read, by kind
	Mesh        Mesh
	AKS         *AKSCluster // from az aks show, when given
	PodsRead    bool        // a pod list was read: measured pods are preferred to expected ones
	MetricsRead bool        // a PodMetricsList was read
	Warnings    []string    // things read but worth a second look

	maxPodsSeen      map[int64]int
	aksResourceGroup string // from az aks nodepool list, when az aks show was not given
	seen             map[uint64]struct{}
	nodes            []corev1.Node // labels and taints only, for DaemonSets
	nodePool         map[string]*Pool
	appPodsOnNode    map[string]int
	daemonSets       []workload
}

// NamespaceStats are one namespace's pods, requests, workloads, mesh and
// measured usage.
type NamespaceStats struct {
	Name      string
	System    bool // a platform namespace, judged on the real name before any hashing
	Pods      int  // running or pending pods in the pod list
	Skipped   int  // Succeeded or Failed: not running, not counted
	CPUm      int64
	MemBytes  int64
	Services  int
	Labels    []string // mesh labels seen on the namespace
	Injected  int      // pods with a sidecar proxy (classic or native)
	Ambient   int      // pods redirected to ztunnel (Istio ambient)
	NoRequest int      // pods that request nothing

	// From workloads' replicas, for when no pod list is given.
	Workloads      int
	ExpectedPods   int
	ExpectedCPUm   int64
	ExpectedMemB   int64
	expectedOptIn  int // expected pods whose template asks for a proxy
	expectedOptOut int // expected pods whose template refuses one

	meshes    map[string]bool // option IDs seen in pods, templates or labels
	nsMesh    string          // the mesh the namespace's labels enrol pods into
	ProxyCPUm int64           // requests of the proxies in this namespace
	ProxyMemB int64

	// Measured by metrics-server (PodMetricsList); CPU in microcores.
	MetricsPods   int
	AppUseCPUu    int64
	AppUseMemB    int64
	ProxyUseCPUu  int64
	ProxyUseMemB  int64
	proxyPodNames map[string]bool // pods with a proxy, to match metrics to them
}

// Meshes lists the meshes found in the namespace as option IDs, sorted.
func (n NamespaceStats) Meshes() []string {
	out := make([]string, 0, len(n.meshes))
	for m := range n.meshes {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// MeshedPods counts the namespace's pods that run with a mesh: measured
// when a pod list was read, expected from workloads otherwise.
func (n NamespaceStats) MeshedPods(measured bool) int {
	if measured {
		return n.Injected + n.Ambient
	}
	if n.nsMesh != "" {
		return n.ExpectedPods - n.expectedOptOut
	}
	return n.expectedOptIn
}

// Pool is a node pool with its VM size.
type Pool struct {
	Name         string
	InstanceType string
	Nodes        int
	AllocCPUm    int64
	AllocMemB    int64
	CapCPUm      int64 // capacity: the VM's own size
	CapMemB      int64
	Known        bool // the instance type is in meshwise's SKU catalog
	AppPods      int  // workload pods running on the pool's nodes
	// From az aks: autoscaler bounds and max pods.
	Autoscale bool
	MinCount  int
	MaxCount  int
	MaxPods   int
	Mode      string // System or User
	FromAKS   bool   // described by az aks, not (only) by nodes
	AKSCount  int    // nodes az aks reports for the pool
}

// Mesh is what already runs: proxies found and what they request.
type Mesh struct {
	IstioSidecars  int
	NativeSidecars int // of IstioSidecars and LinkerdProxies: init containers that always restart
	LinkerdProxies int
	AmbientPods    int
	Ztunnels       int
	Waypoints      int
	CiliumAgents   int
	CiliumEnvoys   int
	ProxyCPUm      int64 // requests of the proxies themselves
	ProxyMemBytes  int64
	LabelledNS     int
	IstioRevisions []string
	// Meshes that workload templates or namespace labels ask for, as option
	// IDs: what runs when no pod list was given.
	Declared []string
	// Measured (PodMetricsList): proxies' own use, ztunnels and waypoints
	// included; CPU in microcores.
	ProxyUseCPUu int64
	ProxyUseMemB int64
	AppUseCPUu   int64
	AppUseMemB   int64
}

// Detected names the meshes found, or "none": from pods, or else from
// what workload templates and namespace labels ask for.
func (m Mesh) Detected() string {
	declared := func(id string) bool { return contains(m.Declared, id) }
	var found []string
	if m.IstioSidecars > 0 || declared(model.OptionIstioSidecar) {
		found = append(found, "Istio sidecar")
	}
	if m.Ztunnels > 0 || m.AmbientPods > 0 || declared(model.OptionIstioAmbient) {
		found = append(found, "Istio ambient")
	}
	if m.LinkerdProxies > 0 || declared(model.OptionLinkerd) {
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

func (m *Mesh) declare(id string) {
	if id != "" && !contains(m.Declared, id) {
		m.Declared = append(m.Declared, id)
		sort.Strings(m.Declared)
	}
}

// New returns an empty inventory.
func New(hashNames bool) *Inventory {
	return &Inventory{HashNames: hashNames, Namespaces: map[string]*NamespaceStats{}, Pools: map[string]*Pool{},
		Workloads: map[string]int{}, nodePool: map[string]*Pool{}, appPodsOnNode: map[string]int{}, maxPodsSeen: map[int64]int{}, seen: map[uint64]struct{}{}}
}

func (inv *Inventory) ns(name string) *NamespaceStats {
	if name == "" {
		name = "default"
	}
	system := IsSystem(name)
	if inv.HashNames {
		sum := sha256.Sum256([]byte(name))
		name = "ns-" + hex.EncodeToString(sum[:4])
	}
	s, ok := inv.Namespaces[name]
	if !ok {
		s = &NamespaceStats{Name: name, System: system, meshes: map[string]bool{}}
		inv.Namespaces[name] = s
	}
	return s
}

func (c container) core() corev1.Container {
	return corev1.Container{Name: c.Name, RestartPolicy: c.RestartPolicy, Resources: corev1.ResourceRequirements{Requests: c.Resources.Requests}}
}

func (inv *Inventory) addPod(o *object) {
	inv.PodsRead = true
	ns := inv.ns(o.Metadata.Namespace)
	if o.Status.Phase == corev1.PodSucceeded || o.Status.Phase == corev1.PodFailed {
		ns.Skipped++
		return
	}
	ns.Pods++
	p := &corev1.Pod{Spec: corev1.PodSpec{Overhead: o.Spec.Overhead}}
	for _, c := range o.Spec.InitContainers {
		p.Spec.InitContainers = append(p.Spec.InitContainers, c.core())
	}
	for _, c := range o.Spec.Containers {
		p.Spec.Containers = append(p.Spec.Containers, c.core())
	}
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
	if o.Spec.NodeName != "" && !ns.System {
		inv.appPodsOnNode[o.Spec.NodeName]++
	}
	labels := o.Metadata.Labels.asMap()
	infra := infraOf(o.Metadata.Name, labels)
	pr := proxy{}
	if infra != infraZtunnel && infra != infraWaypoint {
		// ztunnel's and a waypoint's container is also called istio-proxy:
		// they are mesh infrastructure, counted below, not sidecars.
		pr = detectProxy(o.Metadata.Annotations.asMap(), labels, p.Spec.InitContainers, p.Spec.Containers)
	}
	switch {
	case pr.injected:
		ns.Injected++
		ns.meshes[pr.mesh] = true
		if pr.mesh == model.OptionLinkerd {
			inv.Mesh.LinkerdProxies++
		} else {
			inv.Mesh.IstioSidecars++
		}
		if pr.native {
			inv.Mesh.NativeSidecars++
		}
		if ns.proxyPodNames == nil {
			ns.proxyPodNames = map[string]bool{}
		}
		ns.proxyPodNames[o.Metadata.Name] = true
		if pr.container != nil {
			c := pr.container.Resources.Requests
			inv.Mesh.ProxyCPUm += c.Cpu().MilliValue()
			inv.Mesh.ProxyMemBytes += c.Memory().Value()
			ns.ProxyCPUm += c.Cpu().MilliValue()
			ns.ProxyMemB += c.Memory().Value()
		}
	case pr.mesh == model.OptionIstioAmbient && pr.running:
		inv.Mesh.AmbientPods++
		ns.Ambient++
		ns.meshes[pr.mesh] = true
	}
	switch infra {
	case infraZtunnel:
		inv.Mesh.Ztunnels++
		inv.addInfraRequests(ns, req)
	case infraWaypoint:
		inv.Mesh.Waypoints++
		inv.addInfraRequests(ns, req)
	case infraCiliumEnvoy:
		inv.Mesh.CiliumEnvoys++
	case infraCilium:
		inv.Mesh.CiliumAgents++
	}
}

// addInfraRequests counts a ztunnel's or waypoint's requests as proxy tax.
func (inv *Inventory) addInfraRequests(ns *NamespaceStats, req corev1.ResourceList) {
	inv.Mesh.ProxyCPUm += req.Cpu().MilliValue()
	inv.Mesh.ProxyMemBytes += req.Memory().Value()
	ns.ProxyCPUm += req.Cpu().MilliValue()
	ns.ProxyMemB += req.Memory().Value()
}

// Kinds of mesh infrastructure pods.
const (
	infraNone = iota
	infraZtunnel
	infraWaypoint
	infraCilium
	infraCiliumEnvoy
)

func infraOf(name string, labels map[string]string) int {
	app := labels["app"] + labels["k8s-app"] + labels["app.kubernetes.io/name"]
	switch {
	case strings.Contains(app, "ztunnel"):
		return infraZtunnel
	case labels["gateway.istio.io/managed"] == "istio.io-mesh-controller" || labels["istio.io/gateway-name"] != "" && labels["gateway.networking.k8s.io/gateway-class-name"] == "istio-waypoint":
		return infraWaypoint
	case strings.Contains(app, "cilium-envoy"):
		return infraCiliumEnvoy
	case app == "cilium" || strings.HasPrefix(name, "cilium-") && !strings.HasPrefix(name, "cilium-operator") && !strings.HasPrefix(name, "cilium-envoy"):
		return infraCilium
	}
	return infraNone
}

func (inv *Inventory) addNode(o *object, labels map[string]string) {
	pool := firstOf(labels, "kubernetes.azure.com/agentpool", "agentpool")
	if pool == "" {
		pool = "(no pool label)"
	}
	it := firstOf(labels, "node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type")
	p := inv.pool(pool, it)
	p.Nodes++
	inv.Nodes++
	cpu, mem := quantity(o.Status.Allocatable, corev1.ResourceCPU, true), quantity(o.Status.Allocatable, corev1.ResourceMemory, false)
	p.AllocCPUm += cpu
	p.AllocMemB += mem
	p.CapCPUm += quantity(o.Status.Capacity, corev1.ResourceCPU, true)
	p.CapMemB += quantity(o.Status.Capacity, corev1.ResourceMemory, false)
	inv.AllocCPUm += cpu
	inv.AllocMemB += mem
	pods := o.Status.Capacity.Pods().Value()
	if pods == 0 {
		pods = o.Status.Allocatable.Pods().Value()
	}
	if pods > 0 {
		inv.maxPodsSeen[pods]++
	}
	inv.nodePool[o.Metadata.Name] = p
	inv.nodes = append(inv.nodes, corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: o.Metadata.Name, Labels: labels}, Spec: corev1.NodeSpec{Taints: o.Spec.Taints}})
}

// pool finds or makes the pool of a name and VM size. A pool az aks
// described without nodes read is matched by name alone.
func (inv *Inventory) pool(name, instanceType string) *Pool {
	key := name + "/" + instanceType
	if p, ok := inv.Pools[key]; ok {
		return p
	}
	for k, p := range inv.Pools {
		if p.Name == name && p.Nodes == 0 && (p.InstanceType == "" || instanceType == "" || strings.EqualFold(p.InstanceType, instanceType)) {
			delete(inv.Pools, k)
			if p.InstanceType == "" {
				p.InstanceType = instanceType
			}
			_, p.Known = model.LookupSKU(p.InstanceType)
			inv.Pools[p.Name+"/"+p.InstanceType] = p
			return p
		}
	}
	_, known := model.LookupSKU(instanceType)
	p := &Pool{Name: name, InstanceType: instanceType, Known: known}
	inv.Pools[key] = p
	return p
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

func (inv *Inventory) addService(o *object) {
	inv.Services++
	inv.ns(o.Metadata.Namespace).Services++
}

// Namespace labels that enrol pods into a mesh.
var meshLabels = []string{"istio-injection", "istio.io/rev", "istio.io/dataplane-mode", "linkerd.io/inject"}

func (inv *Inventory) addNamespace(n *corev1.Namespace) {
	ns := inv.ns(n.Name)
	for _, l := range meshLabels {
		v := n.Labels[l]
		if v == "" {
			v = n.Annotations[l]
		}
		if v == "" {
			continue
		}
		ns.Labels = append(ns.Labels, l+"="+v)
		if l == "istio.io/rev" && !contains(inv.Mesh.IstioRevisions, v) {
			inv.Mesh.IstioRevisions = append(inv.Mesh.IstioRevisions, v)
		}
	}
	if m := namespaceMesh(n.Labels, n.Annotations); m != "" {
		ns.nsMesh = m
		ns.meshes[m] = true
		inv.Mesh.declare(m)
	}
	if len(ns.Labels) > 0 {
		inv.Mesh.LabelledNS++
	}
}

// namespaceMesh is the mesh a namespace's labels enrol its pods into.
func namespaceMesh(labels, annotations map[string]string) string {
	switch {
	case labels["istio.io/dataplane-mode"] == "ambient":
		return model.OptionIstioAmbient
	case labels["istio-injection"] == "enabled" || labels["istio.io/rev"] != "" && labels["istio-injection"] != "disabled":
		return model.OptionIstioSidecar
	case annotations["linkerd.io/inject"] == "enabled" || labels["linkerd.io/inject"] == "enabled":
		return model.OptionLinkerd
	}
	return ""
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
	"aks-istio-system": true, "aks-istio-ingress": true, "aks-istio-egress": true, "istio-system": true, "linkerd": true, "linkerd-viz": true,
	"calico-system": true, "tigera-operator": true, "aks-command": true, "app-routing-system": true}

// IsSystem reports whether a namespace belongs to the platform.
func IsSystem(name string) bool { return systemNamespaces[name] }

// SortedNamespaces returns namespaces by pods, most first.
func (inv *Inventory) SortedNamespaces() []NamespaceStats {
	inv.settle()
	out := make([]NamespaceStats, 0, len(inv.Namespaces))
	for _, n := range inv.Namespaces {
		out = append(out, *n)
	}
	sort.Slice(out, func(i, j int) bool {
		pi, pj := out[i].Pods+out[i].ExpectedPods, out[j].Pods+out[j].ExpectedPods
		if pi != pj {
			return pi > pj
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// SortedPools returns node pools by name.
func (inv *Inventory) SortedPools() []Pool {
	inv.settle()
	out := make([]Pool, 0, len(inv.Pools))
	for _, p := range inv.Pools {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name+out[i].InstanceType < out[j].Name+out[j].InstanceType })
	return out
}
