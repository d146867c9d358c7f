package cluster

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// object is the few fields meshwise reads of any item, decoded in one pass:
// a pod's full spec (env, volumes, probes) is skipped, which keeps a large
// pod list fast to read.
type object struct {
	Kind     string     `json:"kind"`
	Type     string     `json:"type"` // an Azure resource type
	Metadata objectMeta `json:"metadata"`
	Spec     objectSpec `json:"spec"`
	Status   struct {
		Phase       corev1.PodPhase     `json:"phase"`
		Allocatable corev1.ResourceList `json:"allocatable"`
		Capacity    corev1.ResourceList `json:"capacity"`
		NodeInfo    json.RawMessage     `json:"nodeInfo"`
	} `json:"status"`
	// PodMetrics
	Containers []struct {
		Name  string              `json:"name"`
		Usage corev1.ResourceList `json:"usage"`
	} `json:"containers"`
	Window string `json:"window"`
	// Azure
	VMSize            *string         `json:"vmSize"`
	AgentPoolProfiles json.RawMessage `json:"agentPoolProfiles"`
}

type objectMeta struct {
	Name        string           `json:"name"`
	Namespace   string           `json:"namespace"`
	UID         string           `json:"uid"`
	Labels      knownLabels      `json:"labels"`
	Annotations knownAnnotations `json:"annotations"`
}

// knownLabels are the only labels meshwise reads of a pod; decoding them
// into fields instead of a map per pod makes a large list markedly faster.
// (A node's labels are read whole, for DaemonSets' selectors.)
type knownLabels struct {
	App            string `json:"app"`
	K8sApp         string `json:"k8s-app"`
	Name           string `json:"app.kubernetes.io/name"`
	GatewayManaged string `json:"gateway.istio.io/managed"`
	GatewayName    string `json:"istio.io/gateway-name"`
	GatewayClass   string `json:"gateway.networking.k8s.io/gateway-class-name"`
	DataplaneMode  string `json:"istio.io/dataplane-mode"`
	SidecarInject  string `json:"sidecar.istio.io/inject"`
}

// knownAnnotations are the only annotations meshwise reads of a pod.
type knownAnnotations struct {
	SidecarStatus string `json:"sidecar.istio.io/status"`
	Redirection   string `json:"ambient.istio.io/redirection"`
	LinkerdInject string `json:"linkerd.io/inject"`
	SidecarInject string `json:"sidecar.istio.io/inject"`
}

func (l knownLabels) asMap() map[string]string {
	return pairs("app", l.App, "k8s-app", l.K8sApp, "app.kubernetes.io/name", l.Name, "gateway.istio.io/managed", l.GatewayManaged,
		"istio.io/gateway-name", l.GatewayName, "gateway.networking.k8s.io/gateway-class-name", l.GatewayClass,
		"istio.io/dataplane-mode", l.DataplaneMode, "sidecar.istio.io/inject", l.SidecarInject)
}

func (a knownAnnotations) asMap() map[string]string {
	return pairs("sidecar.istio.io/status", a.SidecarStatus, "ambient.istio.io/redirection", a.Redirection,
		"linkerd.io/inject", a.LinkerdInject, "sidecar.istio.io/inject", a.SidecarInject)
}

// pairs makes a map of the non-empty values of key, value pairs; nil when
// all are empty, as they are on most pods.
func pairs(kv ...string) map[string]string {
	var m map[string]string
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			if m == nil {
				m = make(map[string]string, 2)
			}
			m[kv[i]] = kv[i+1]
		}
	}
	return m
}

type objectSpec struct {
	Containers     []container         `json:"containers"`
	InitContainers []container         `json:"initContainers"`
	Overhead       corev1.ResourceList `json:"overhead"`
	NodeName       string              `json:"nodeName"`
	ProviderID     string              `json:"providerID"`
	PodCIDR        string              `json:"podCIDR"`
	Taints         []corev1.Taint      `json:"taints"`
	Template       json.RawMessage     `json:"template"`
	JobTemplate    json.RawMessage     `json:"jobTemplate"`
	Ports          []json.RawMessage   `json:"ports"`
	ClusterIP      string              `json:"clusterIP"`
}

type container struct {
	Name          string                         `json:"name"`
	RestartPolicy *corev1.ContainerRestartPolicy `json:"restartPolicy"`
	Resources     struct {
		Requests corev1.ResourceList `json:"requests"`
	} `json:"resources"`
}

// kindOf names an object by its kind, or by its shape when kubectl left the
// kind out of list items. Azure objects come first: az aks show's top-level
// "kind" is "Base", not a Kubernetes kind.
func kindOf(o *object) string {
	t := strings.ToLower(o.Type)
	switch {
	case t == "microsoft.containerservice/managedclusters" || len(o.AgentPoolProfiles) > 0:
		return kindAKSCluster
	case t == "microsoft.containerservice/managedclusters/agentpools" || o.VMSize != nil:
		return kindAKSPool
	case o.Kind != "":
		return o.Kind
	case len(o.Spec.Containers) > 0:
		return "Pod"
	case len(o.Containers) > 0 || o.Window != "":
		return "PodMetrics"
	case len(o.Status.Allocatable) > 0 || len(o.Status.NodeInfo) > 0 || o.Spec.ProviderID != "" || o.Spec.PodCIDR != "":
		return "Node"
	case len(o.Spec.JobTemplate) > 0:
		return "CronJob"
	case len(o.Spec.Template) > 0:
		return "Deployment"
	case len(o.Spec.Ports) > 0 || o.Spec.ClusterIP != "":
		return "Service"
	default:
		return ""
	}
}

// seenKey identifies an object across files: its UID, or its kind,
// namespace and name when the UID was stripped.
func seenKey(kind string, o *object) (uint64, bool) {
	id := o.Metadata.UID
	if id == "" {
		if o.Metadata.Name == "" {
			return 0, false
		}
		id = o.Metadata.Namespace + "/" + o.Metadata.Name
	}
	h := fnv.New64a()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(id))
	return h.Sum64(), true
}

// add classifies one object and folds it into the inventory.
func (f *fileReader) add(raw []byte) error {
	var o object
	if err := jsonv2.Unmarshal(raw, &o, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)); err != nil {
		return fmt.Errorf("%s: an item could not be read: %v", f.name, shortErr(err))
	}
	k := kindOf(&o)
	if k == "" && len(kinds[f.in]) == 1 {
		k = kinds[f.in][0] // a kind-less item of a file given as --namespaces, say
	}
	switch {
	case k == "Table":
		return fmt.Errorf("%s is a kubectl table (kind: Table): run kubectl with -o json", f.name)
	case k == "":
		return fmt.Errorf("%s: an item has no kind and does not look like a pod, node, workload, service, namespace, pod metrics or AKS object", f.name)
	case inputOf(k) == Any:
		return fmt.Errorf("%s: kind %q is not one meshwise reads: send pods, nodes, workloads, services, namespaces, pod metrics or az aks output", f.name, k)
	case f.in != Any && inputOf(k) != f.in:
		return fmt.Errorf("%s was given as %s but holds %s objects (kind %s): give it as %s, or send the output of `%s`", f.name, f.in.label(), inputOf(k), k, inputOf(k).label(), f.in.Command())
	}
	f.objects++
	inv := f.inv
	if key, ok := seenKey(k, &o); ok {
		if _, dup := inv.seen[key]; dup {
			f.dups++
			return nil
		}
		inv.seen[key] = struct{}{}
	}
	switch k {
	case "Pod":
		inv.addPod(&o)
	case "Node":
		var n struct {
			Metadata struct {
				Labels map[string]string `json:"labels"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(raw, &n); err != nil {
			return fmt.Errorf("%s: a node could not be read: %v", f.name, shortErr(err))
		}
		inv.addNode(&o, n.Metadata.Labels)
	case "Service":
		inv.addService(&o)
	case "Namespace":
		var n corev1.Namespace
		if err := json.Unmarshal(raw, &n); err != nil {
			return fmt.Errorf("%s: a namespace could not be read: %v", f.name, shortErr(err))
		}
		inv.addNamespace(&n)
	case "PodMetrics":
		inv.addPodMetrics(&o)
	case kindAKSCluster:
		return inv.addAKS(f.name, raw)
	case kindAKSPool:
		return inv.addAKSPool(f.name, raw)
	default:
		return f.addWorkload(k, raw)
	}
	return nil
}

// addWorkload reads a workload with its k8s.io/api type.
func (f *fileReader) addWorkload(kind string, raw []byte) error {
	var (
		w   workload
		err error
	)
	switch kind {
	case "Deployment":
		var d appsv1.Deployment
		if err = json.Unmarshal(raw, &d); err == nil {
			w = workload{kind: kind, meta: d.ObjectMeta, template: d.Spec.Template, replicas: replicas(d.Spec.Replicas)}
		}
	case "StatefulSet":
		var s appsv1.StatefulSet
		if err = json.Unmarshal(raw, &s); err == nil {
			w = workload{kind: kind, meta: s.ObjectMeta, template: s.Spec.Template, replicas: replicas(s.Spec.Replicas)}
		}
	case "ReplicaSet":
		var s appsv1.ReplicaSet
		if err = json.Unmarshal(raw, &s); err == nil {
			w = workload{kind: kind, meta: s.ObjectMeta, template: s.Spec.Template, replicas: replicas(s.Spec.Replicas)}
		}
	case "DaemonSet":
		var d appsv1.DaemonSet
		if err = json.Unmarshal(raw, &d); err == nil {
			w = workload{kind: kind, meta: d.ObjectMeta, template: d.Spec.Template, daemon: true, desired: int(d.Status.DesiredNumberScheduled)}
		}
	case "Job":
		var j batchv1.Job
		if err = json.Unmarshal(raw, &j); err == nil {
			w = workload{kind: kind, meta: j.ObjectMeta, template: j.Spec.Template, replicas: jobPods(j)}
		}
	case "CronJob":
		var c batchv1.CronJob
		if err = json.Unmarshal(raw, &c); err == nil {
			// A CronJob runs now and then: its pods are not steady load,
			// but its template still says whether they join a mesh.
			w = workload{kind: kind, meta: c.ObjectMeta, template: c.Spec.JobTemplate.Spec.Template}
		}
	}
	if err != nil {
		return fmt.Errorf("%s: a %s could not be read: %v", f.name, strings.ToLower(kind), shortErr(err))
	}
	f.inv.addWorkload(w)
	return nil
}

func replicas(r *int32) int {
	if r == nil {
		return 1 // the API server's default
	}
	return int(*r)
}

// jobPods is a Job's pods while it runs: its parallelism, none once it is
// finished.
func jobPods(j batchv1.Job) int {
	if j.Status.CompletionTime != nil {
		return 0
	}
	for _, c := range j.Status.Conditions {
		if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
			return 0
		}
	}
	if j.Spec.Parallelism == nil {
		return 1
	}
	return int(*j.Spec.Parallelism)
}
