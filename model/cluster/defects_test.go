package cluster

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
)

// pods writes a pod list: n pods per namespace, each requesting 100m/128Mi,
// placed on node.
func pods(node string, perNS map[string]int) string {
	var b strings.Builder
	b.WriteString(`{"kind":"PodList","apiVersion":"v1","items":[`)
	i := 0
	for ns, n := range perNS {
		for j := 0; j < n; j++ {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"kind":"Pod","metadata":{"name":"p-%d","namespace":%q,"uid":"u-%d"},"spec":{"nodeName":%q,"containers":[{"name":"app","resources":{"requests":{"cpu":"100m","memory":"128Mi"}}}]},"status":{"phase":"Running"}}`, i, ns, i, node)
			i++
		}
	}
	b.WriteString(`]}`)
	return b.String()
}

func read(t *testing.T, inv *Inventory, in Input, body string) {
	t.Helper()
	require.NoError(t, inv.ReadAs(in, string(in)+".json", strings.NewReader(body)))
}

// Defect: hashed names no longer matched the platform list, so
// kube-system's pods counted as workload.
func TestHashNamesStillLeavesPlatformNamespacesOut(t *testing.T) {
	tests := []struct {
		name  string
		perNS map[string]int
		want  int
	}{
		{"kube-system only", map[string]int{"kube-system": 10}, 0},
		{"mixed", map[string]int{"kube-system": 3, "aks-istio-system": 1, "shop": 2}, 2},
	}
	for _, tt := range tests {
		for _, hash := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s hash=%v", tt.name, hash), func(t *testing.T) {
				inv := New(hash)
				read(t, inv, Pods, pods("n1", tt.perNS))
				p, err := inv.Prefill()
				require.NoError(t, err)
				assert.Equal(t, tt.want, p.Assessment.Pods)
				for name := range inv.Namespaces {
					assert.Equal(t, hash, strings.HasPrefix(name, "ns-"), name)
				}
			})
		}
	}
}

func nodesJSON(pools ...[3]string) string { // pool, instance type, node name
	var b strings.Builder
	b.WriteString(`{"kind":"NodeList","items":[`)
	for i, p := range pools {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"kind":"Node","metadata":{"name":%q,"uid":"n-%s","labels":{"kubernetes.azure.com/agentpool":%q,"node.kubernetes.io/instance-type":%q}},"status":{"capacity":{"cpu":"2","memory":"8145492Ki","pods":"110"},"allocatable":{"cpu":"1900m","memory":"5758036Ki","pods":"110"}}}`, p[2], p[2], p[0], p[1])
	}
	b.WriteString(`]}`)
	return b.String()
}

// Defect: unknown sizes silently became Standard_D4s_v5, and with two
// pools of equal size the SKU chosen changed from run to run.
func TestUnknownSKUBecomesACustomSizeAndTheChoiceIsDeterministic(t *testing.T) {
	nodes := nodesJSON([3]string{"sys", "Standard_DS2_v2", "aks-sys-0"}, [3]string{"user", "Standard_D2s_v3", "aks-user-0"})
	for run := 0; run < 30; run++ {
		inv := New(false)
		read(t, inv, Nodes, nodes)
		read(t, inv, Pods, pods("aks-user-0", map[string]int{"shop": 3}))
		p, err := inv.Prefill()
		require.NoError(t, err)
		a := p.Assessment
		require.Equal(t, model.CustomSKU, a.NodeSKU, "run %d", run)
		require.NotNil(t, a.CustomSKU)
		assert.Equal(t, "Standard_D2s_v3", a.CustomSKU.Name, "the pool that runs the app pods, every run")
		assert.Equal(t, 2, a.CustomSKU.VCPU)
		assert.Equal(t, "7.77", a.CustomSKU.MemoryGiB.StringFixed(2), "8145492Ki of capacity")
		assert.True(t, a.CustomSKU.HourlyPrice.IsZero())
		assert.Equal(t, Derived, p.Fields["node_sku"].Source)
		require.NotEmpty(t, p.Notes)
		assert.Contains(t, p.Notes[0], "enter its hourly price")
		require.NoError(t, a.Validate())
	}
	// Two pools of equal size, no pod placement: the same pool every time.
	var first string
	for run := 0; run < 30; run++ {
		inv := New(false)
		read(t, inv, Nodes, nodesJSON([3]string{"b", "Standard_D8s_v5", "b0"}, [3]string{"a", "Standard_D4s_v5", "a0"}))
		a := inv.Assessment()
		if run == 0 {
			first = a.NodeSKU
		}
		require.Equal(t, first, a.NodeSKU, "run %d", run)
	}
	assert.Equal(t, "Standard_D4s_v5", first, "by name when nothing else tells them apart")
}

// Defect: 110,000 pods imported and the estimate refused them later;
// namespaces were capped at 1,000 without a word.
func TestBoundsAreCheckedAtImport(t *testing.T) {
	big := map[string]int{}
	for i := 0; i < 110; i++ {
		big[fmt.Sprintf("team-%d", i)] = 1000
	}
	inv := New(false)
	read(t, inv, Pods, pods("n", big))
	_, err := inv.Prefill()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "110000 workload pods")
	assert.Contains(t, err.Error(), "at most 100,000")

	many := map[string]int{}
	for i := 0; i < 1001; i++ {
		many[fmt.Sprintf("ns-%d", i)] = 1
	}
	inv = New(false)
	read(t, inv, Pods, pods("n", many))
	_, err = inv.Prefill()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "1001 workload namespaces")
}

const injectedDeployments = `{"apiVersion":"v1","kind":"List","items":[
 {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop","uid":"d1"},
  "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"},"annotations":{"sidecar.istio.io/status":"{\"initContainers\":[\"istio-init\"],\"containers\":[\"istio-proxy\"]}"}},
   "spec":{"initContainers":[{"name":"istio-init","image":"proxyv2"}],"containers":[{"name":"web","resources":{"requests":{"cpu":"200m","memory":"256Mi"}}},{"name":"istio-proxy","resources":{"requests":{"cpu":"100m","memory":"128Mi"}}}]}}}},
 {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web-5d4f","namespace":"shop","uid":"rs1","ownerReferences":[{"kind":"Deployment","name":"web","uid":"d1"}]},
  "spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"web"}]}}}},
 {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","namespace":"data","uid":"s1"},
  "spec":{"replicas":2,"template":{"metadata":{"labels":{"app":"db"}},"spec":{"containers":[{"name":"pg","resources":{"requests":{"cpu":"1","memory":"2Gi"}}}]}}}},
 {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent","namespace":"ops","uid":"ds1"},
  "spec":{"template":{"spec":{"nodeSelector":{"kubernetes.io/os":"linux"},"containers":[{"name":"a","resources":{"requests":{"cpu":"50m"}}}]}}},"status":{"desiredNumberScheduled":7}},
 {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"once","namespace":"data","uid":"j1"},"spec":{"parallelism":2,"template":{"spec":{"containers":[{"name":"j"}]}}},"status":{"active":2}},
 {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"done","namespace":"data","uid":"j2"},"spec":{"template":{"spec":{"containers":[{"name":"j"}]}}},"status":{"conditions":[{"type":"Complete","status":"True"}]}},
 {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"nightly","namespace":"data","uid":"c1"},"spec":{"schedule":"0 1 * * *","jobTemplate":{"spec":{"template":{"metadata":{"labels":{"sidecar.istio.io/inject":"true"}},"spec":{"containers":[{"name":"c"}]}}}}}}
]}`

// Defect: deployments were read and thrown away.
func TestWorkloadsGiveExpectedPodsAndMesh(t *testing.T) {
	inv := New(false)
	read(t, inv, Workloads, injectedDeployments)
	p, err := inv.Prefill()
	require.NoError(t, err)
	// web 3 (its ReplicaSet is the Deployment's) + db 2 + agent 7 (its
	// status, no nodes given) + the running job's 2; the finished job and
	// the CronJob are not steady load.
	assert.Equal(t, 3+2+7+2, p.Assessment.Pods)
	assert.Equal(t, 3, p.Assessment.Namespaces)
	assert.Equal(t, Derived, p.Fields["pods"].Source)
	shop := inv.Namespaces["shop"]
	assert.Equal(t, []string{model.OptionIstioSidecar}, shop.Meshes())
	assert.Equal(t, 3, shop.MeshedPods(false))
	assert.Equal(t, int64(3*300), shop.ExpectedCPUm, "template requests × replicas, the proxy included")
	assert.Equal(t, []string{model.OptionIstioSidecar}, inv.Namespaces["data"].Meshes(), "the CronJob's template asks for a sidecar")
	assert.Equal(t, 1, inv.Workloads["ReplicaSet"])
	assert.Equal(t, "Istio sidecar", inv.Mesh.Detected(), "injected Deployments are an existing mesh")

	// DaemonSets × the nodes they match, when nodes are given.
	inv = New(false)
	read(t, inv, Nodes, `{"kind":"NodeList","items":[
	 {"kind":"Node","metadata":{"name":"l1","labels":{"kubernetes.io/os":"linux"}},"status":{"allocatable":{"cpu":"2"}}},
	 {"kind":"Node","metadata":{"name":"l2","labels":{"kubernetes.io/os":"linux"}},"spec":{"taints":[{"key":"CriticalAddonsOnly","value":"true","effect":"NoSchedule"}]},"status":{"allocatable":{"cpu":"2"}}},
	 {"kind":"Node","metadata":{"name":"w1","labels":{"kubernetes.io/os":"windows"}},"status":{"allocatable":{"cpu":"2"}}}]}`)
	read(t, inv, Workloads, injectedDeployments)
	inv.settle()
	assert.Equal(t, 1, inv.Namespaces["ops"].ExpectedPods, "linux nodes without an untolerated taint")

	// Measured pods are preferred when both are given.
	inv = New(false)
	read(t, inv, Workloads, injectedDeployments)
	read(t, inv, Pods, pods("n", map[string]int{"shop": 2}))
	p, err = inv.Prefill()
	require.NoError(t, err)
	assert.Equal(t, 2, p.Assessment.Pods)
	assert.Equal(t, Measured, p.Fields["pods"].Source)
}

func TestNamespaceLabelsEnrolPodsPerNamespace(t *testing.T) {
	inv := New(false)
	read(t, inv, Namespaces, `{"kind":"NamespaceList","items":[
	 {"metadata":{"name":"a","labels":{"istio.io/dataplane-mode":"ambient"}}},
	 {"metadata":{"name":"b","labels":{"istio.io/rev":"asm-1-26"}}},
	 {"metadata":{"name":"c","annotations":{"linkerd.io/inject":"enabled"}}},
	 {"metadata":{"name":"d"}}]}`)
	read(t, inv, Workloads, `{"items":[
	 {"kind":"Deployment","metadata":{"name":"x","namespace":"b"},"spec":{"replicas":4,"template":{"spec":{"containers":[{"name":"x"}]}}}},
	 {"kind":"Deployment","metadata":{"name":"y","namespace":"b"},"spec":{"replicas":1,"template":{"metadata":{"labels":{"sidecar.istio.io/inject":"false"}},"spec":{"containers":[{"name":"y"}]}}}}]}`)
	want := map[string][]string{"a": {model.OptionIstioAmbient}, "b": {model.OptionIstioSidecar}, "c": {model.OptionLinkerd}, "d": {}}
	for ns, meshes := range want {
		assert.Equal(t, meshes, inv.Namespaces[ns].Meshes(), ns)
	}
	assert.Equal(t, 4, inv.Namespaces["b"].MeshedPods(false), "the opted-out deployment is left out")
	assert.Equal(t, "Istio sidecar, Istio ambient, Linkerd", inv.Mesh.Detected(), "labels alone")
}

// Defect: a pods-only import wrote the defaults as if measured, and
// 58,000 pods on 6 × 250 slots passed.
func TestPodsOnlyImportSaysWhatIsADefault(t *testing.T) {
	perNS := map[string]int{}
	for i := 0; i < 58; i++ {
		perNS[fmt.Sprintf("t%d", i)] = 1000
	}
	inv := New(false)
	read(t, inv, Pods, pods("", perNS))
	p, err := inv.Prefill()
	require.NoError(t, err)
	assert.Equal(t, 58_000, p.Assessment.Pods)
	assert.Equal(t, Measured, p.Fields["pods"].Source)
	assert.Equal(t, Default, p.Fields["services"].Source)
	assert.Equal(t, Default, p.Fields["max_pods_per_node"].Source)
	assert.Equal(t, Default, p.Fields["node_sku"].Source)
	assert.Equal(t, Derived, p.Fields["nodes"].Source, "not measured: no node list was given")
	assert.Equal(t, 232, p.Assessment.Nodes, "58,000 pods need 232 nodes at 250 pods each")
	for _, f := range model.InputFields {
		assert.Contains(t, []string{Measured, Derived, Default}, p.Fields[f.Key].Source, f.Key)
	}
	assert.Equal(t, Default, p.Fields["east_west_rps"].Source)
	require.NoError(t, p.Assessment.Validate())
}

// Defect: flags did nothing, and the same file twice doubled the counts.
func TestFlagsMeanSomething(t *testing.T) {
	nodes := nodesJSON([3]string{"u", "Standard_D4s_v5", "n0"})
	err := New(false).ReadAs(Pods, "nodes.json", strings.NewReader(nodes))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nodes.json was given as --pods but holds nodes objects (kind Node)")
	assert.Contains(t, err.Error(), "--nodes")

	inv := New(false)
	body := pods("n0", map[string]int{"shop": 3})
	read(t, inv, Pods, body)
	read(t, inv, Pods, body)
	assert.Equal(t, 3, inv.Namespaces["shop"].Pods, "counted once by UID")
	require.Len(t, inv.Warnings, 1)
	assert.Contains(t, inv.Warnings[0], "3 object(s) were already read")
}

func TestMessagesForWhatPeopleActuallySend(t *testing.T) {
	utf16 := func(s string, bom bool) string {
		var b bytes.Buffer
		if bom {
			b.Write([]byte{0xff, 0xfe})
		}
		for _, r := range s {
			b.WriteByte(byte(r))
			b.WriteByte(0)
		}
		return b.String()
	}
	tests := []struct {
		name string
		in   Input
		body string
		want string
	}{
		{"ruby hash", Pods, `{"apiVersion"=>"v1", "items"=>[]}`, "looks like a Ruby hash"},
		{"ruby symbols", Pods, `{:apiVersion=>"v1"}`, "looks like a Ruby hash"},
		{"utf-16 with BOM", Pods, utf16(`{"items":[]}`, true), "is UTF-16 (what Windows PowerShell's > writes)"},
		{"utf-16 without BOM", Nodes, utf16(`{"items":[]}`, false), "is UTF-16"},
		{"helm template", Workloads, "# Source: app/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\n", "is YAML"},
		{"helm template CRLF", Workloads, "---\r\n# Source: app/templates/deploy.yaml\r\napiVersion: apps/v1\r\n", "is YAML"},
		{"root prompt", Pods, "# kubectl get pods -A -o json\n{}", "shell prompt"},
		{"PowerShell prompt", Pods, "PS C:\\> kubectl get pods -A -o json\r\n{}", "shell prompt"},
		{"empty nodes", Nodes, "\r\n", "(--nodes) is empty: send the output of `kubectl get nodes -o json`"},
		{"empty metrics", Metrics, "", "kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods"},
		{"table with CRLF", Pods, "NAMESPACE   NAME\r\nshop   web-1\r\n", "table output"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := New(false).ReadAs(tt.in, "f.json", strings.NewReader(tt.body))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "f.json")
		})
	}
	// What reads fine: CRLF line ends, a doubled UTF-8 BOM.
	for _, body := range []string{
		strings.ReplaceAll(pods("n", map[string]int{"x": 1}), ",", ",\r\n"),
		"\xef\xbb\xbf\xef\xbb\xbf" + pods("n", map[string]int{"x": 1}),
	} {
		inv := New(false)
		require.NoError(t, inv.ReadAs(Pods, "ok.json", strings.NewReader(body)))
		assert.Equal(t, 1, inv.Namespaces["x"].Pods)
	}
}
