package cluster

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	res "k8s.io/component-helpers/resource"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"
	"k8s.io/klog/v2"

	schedcorev1 "k8s.io/component-helpers/scheduling/corev1"

	"meshwise/model"
)

// proxy is what a pod or a pod template says about a mesh.
type proxy struct {
	mesh      string            // an option ID, or ""
	injected  bool              // a sidecar proxy is (or will be) in the pod
	running   bool              // the pod itself is enrolled (not just a template's wish)
	container *corev1.Container // the proxy container, when present
	native    bool              // the proxy is a native sidecar (init container, restartPolicy Always)
	optOut    bool              // the template refuses the namespace's mesh
}

// detectProxy finds a mesh proxy in a pod or template: Linkerd's proxy
// first (it injects itself first), then Istio's, as a classic container or
// a native sidecar; an Istio pod whose proxy was stripped is still known by
// its istio-init / istio-validation init container or its status annotation
// (whose "containers" is null when the proxy is a native sidecar).
func detectProxy(annotations, labels map[string]string, init, containers []corev1.Container) proxy {
	for _, name := range []string{"linkerd-proxy", "istio-proxy"} {
		mesh := model.OptionIstioSidecar
		if name == "linkerd-proxy" {
			mesh = model.OptionLinkerd
		}
		for i := range init {
			if init[i].Name == name {
				native := init[i].RestartPolicy != nil && *init[i].RestartPolicy == corev1.ContainerRestartPolicyAlways
				return proxy{mesh: mesh, injected: true, running: true, container: &init[i], native: native}
			}
		}
		for i := range containers {
			if containers[i].Name == name {
				return proxy{mesh: mesh, injected: true, running: true, container: &containers[i]}
			}
		}
	}
	for _, c := range init {
		if c.Name == "istio-init" || c.Name == "istio-validation" {
			return proxy{mesh: model.OptionIstioSidecar, injected: true, running: true}
		}
	}
	if annotations["sidecar.istio.io/status"] != "" {
		return proxy{mesh: model.OptionIstioSidecar, injected: true, running: true}
	}
	if annotations["ambient.istio.io/redirection"] == "enabled" {
		return proxy{mesh: model.OptionIstioAmbient, running: true}
	}
	// A template's wishes, before injection.
	switch {
	case labels["istio.io/dataplane-mode"] == "ambient":
		return proxy{mesh: model.OptionIstioAmbient}
	case labels["sidecar.istio.io/inject"] == "true" || annotations["sidecar.istio.io/inject"] == "true":
		return proxy{mesh: model.OptionIstioSidecar, injected: true}
	case annotations["linkerd.io/inject"] == "enabled":
		return proxy{mesh: model.OptionLinkerd, injected: true}
	case labels["sidecar.istio.io/inject"] == "false" || annotations["sidecar.istio.io/inject"] == "false" ||
		annotations["linkerd.io/inject"] == "disabled" || labels["istio.io/dataplane-mode"] == "none":
		return proxy{optOut: true}
	}
	return proxy{}
}

// workload is a controller's template and how many pods it wants.
type workload struct {
	kind     string
	meta     metav1.ObjectMeta
	template corev1.PodTemplateSpec
	replicas int
	daemon   bool
	desired  int // a DaemonSet's status.desiredNumberScheduled
}

func (inv *Inventory) addWorkload(w workload) {
	inv.Workloads[w.kind]++
	for _, o := range w.meta.OwnerReferences {
		// Pods of a Deployment's ReplicaSets are the Deployment's.
		if w.kind == "ReplicaSet" && o.Kind == "Deployment" {
			return
		}
	}
	ns := inv.ns(w.meta.Namespace)
	ns.Workloads++
	pr := detectProxy(w.template.Annotations, w.template.Labels, w.template.Spec.InitContainers, w.template.Spec.Containers)
	if pr.mesh != "" {
		ns.meshes[pr.mesh] = true
		inv.Mesh.declare(pr.mesh)
	}
	if w.daemon {
		inv.daemonSets = append(inv.daemonSets, w)
		return
	}
	inv.expect(ns, w, pr, w.replicas)
}

func (inv *Inventory) expect(ns *NamespaceStats, w workload, pr proxy, n int) {
	ns.ExpectedPods += n
	req := res.PodRequests(&corev1.Pod{Spec: w.template.Spec}, res.PodResourcesOptions{})
	ns.ExpectedCPUm += int64(n) * req.Cpu().MilliValue()
	ns.ExpectedMemB += int64(n) * req.Memory().Value()
	switch {
	case pr.optOut:
		ns.expectedOptOut += n
	case pr.mesh != "":
		ns.expectedOptIn += n
	}
}

// settle does what needs every file read: DaemonSets' pods on the nodes
// that match them, and pools' share of app pods. It is idempotent.
func (inv *Inventory) settle() {
	for _, w := range inv.daemonSets {
		ns := inv.ns(w.meta.Namespace)
		pr := detectProxy(w.template.Annotations, w.template.Labels, w.template.Spec.InitContainers, w.template.Spec.Containers)
		inv.expect(ns, w, pr, inv.daemonPods(w))
	}
	inv.daemonSets = nil
	for node, n := range inv.appPodsOnNode {
		if p := inv.nodePool[node]; p != nil {
			p.AppPods += n
			delete(inv.appPodsOnNode, node)
		}
	}
}

// daemonPods counts the nodes a DaemonSet runs on: those its node selector
// and affinity match and whose NoSchedule/NoExecute taints it tolerates.
// Without nodes it trusts the DaemonSet's own status.
func (inv *Inventory) daemonPods(w workload) int {
	if len(inv.nodes) == 0 {
		return w.desired
	}
	pod := &corev1.Pod{Spec: w.template.Spec}
	aff := nodeaffinity.GetRequiredNodeAffinity(pod)
	n := 0
	for i := range inv.nodes {
		node := &inv.nodes[i]
		if ok, _ := aff.Match(node); !ok {
			continue
		}
		_, untolerated := schedcorev1.FindMatchingUntoleratedTaint(klog.Background(), node.Spec.Taints, pod.Spec.Tolerations, func(t *corev1.Taint) bool {
			return t.Effect == corev1.TaintEffectNoSchedule || t.Effect == corev1.TaintEffectNoExecute
		}, false)
		if !untolerated {
			n++
		}
	}
	return n
}
