package cluster

import (
	"fmt"
	"sort"

	"github.com/shopspring/decimal"

	"meshwise/model"
)

// Where a prefilled field's value came from.
const (
	Measured = "measured" // read off the files as it is
	Derived  = "derived"  // computed from what the files say
	Default  = "default"  // meshwise's default: the files say nothing about it
)

// Provenance is one prefilled field's source and how it was found.
type Provenance struct {
	Source string `json:"source"` // measured, derived or default
	Why    string `json:"why,omitempty"`
}

// Prefill is an assessment prefilled from an inventory, with where each
// field came from and what the user must still check.
type Prefill struct {
	Assessment model.Assessment      `json:"assessment"`
	Fields     map[string]Provenance `json:"provenance"` // keyed by the assessment's JSON field
	Notes      []string              `json:"notes,omitempty"`
}

// prefilled are the fields an import can say something about; every other
// field is reported as a default.
var prefilled = []string{"title", "cluster", "resource_group", "pods", "namespaces", "services", "nodes", "node_sku", "max_pods_per_node", "cilium_cni", "spare_cores", "spare_gib"}

// Prefill derives an assessment from the inventory. Workload pods and
// namespaces leave platform namespaces out. A count beyond an assessment's
// bound is an error saying so, never silently capped.
func (inv *Inventory) Prefill() (Prefill, error) {
	inv.settle()
	a := model.DefaultAssessment()
	out := Prefill{Fields: map[string]Provenance{}}
	set := func(field, source, why string) { out.Fields[field] = Provenance{Source: source, Why: why} }
	for _, f := range model.InputFields {
		set(f.Key, Default, "")
	}
	for _, f := range prefilled {
		set(f, Default, "")
	}
	a.Title = "Imported cluster"
	set("title", Derived, "named after the import")

	if inv.AKS != nil {
		if inv.AKS.Name != "" {
			a.Cluster, a.Title = inv.AKS.Name, "Imported: "+inv.AKS.Name
			set("cluster", Measured, "az aks show: name")
		}
		if inv.AKS.ResourceGroup != "" {
			a.ResourceGroup = inv.AKS.ResourceGroup
			set("resource_group", Measured, "az aks show: resourceGroup")
		}
	} else if inv.aksResourceGroup != "" {
		a.ResourceGroup = inv.aksResourceGroup
		set("resource_group", Measured, "az aks nodepool list: resourceGroup")
	}

	pods, namespaces, services := 0, 0, 0
	for _, n := range inv.Namespaces {
		if n.System {
			continue
		}
		services += n.Services
		p := n.ExpectedPods
		if inv.PodsRead {
			p = n.Pods
		}
		if p > 0 {
			pods += p
			namespaces++
		}
	}
	var problems []string
	switch {
	case inv.PodsRead:
		a.Pods, a.Namespaces = pods, namespaces
		set("pods", Measured, "running and pending pods in the pod list, platform namespaces left out")
		set("namespaces", Measured, "namespaces with workload pods")
	case inv.workloadCount() > 0:
		a.Pods, a.Namespaces = pods, namespaces
		set("pods", Derived, "workloads' replicas (DaemonSets × the nodes they match); no pod list was given")
		set("namespaces", Derived, "namespaces with workloads")
	}
	if a.Pods > 100_000 {
		problems = append(problems, fmt.Sprintf("the files hold %d workload pods; an assessment covers at most 100,000: import a part of the cluster (some namespaces) at a time", a.Pods))
	}
	if a.Namespaces > 1000 {
		problems = append(problems, fmt.Sprintf("the files hold %d workload namespaces; an assessment covers at most 1,000: import a part of the cluster at a time", a.Namespaces))
	}
	if services > 0 {
		a.Services = services
		set("services", Measured, "services outside platform namespaces")
		if services > 10_000 {
			problems = append(problems, fmt.Sprintf("the files hold %d workload services; an assessment covers at most 10,000", services))
		}
	}

	nodes, nodesWhy := inv.Nodes, "nodes in the node list"
	if nodes == 0 {
		for _, p := range inv.Pools {
			nodes += p.AKSCount
		}
		nodesWhy = "node counts az aks reports for the pools"
	}
	if nodes > 0 {
		a.Nodes = nodes
		set("nodes", Measured, nodesWhy)
		if nodes > 5000 {
			problems = append(problems, fmt.Sprintf("the files hold %d nodes; an assessment covers at most 5,000", nodes))
		}
	}
	if len(problems) > 0 {
		return out, model.Errorf(model.EINVALID, "The import is beyond what an assessment covers: %s.", joinSemi(problems))
	}

	pool := inv.skuPool()
	if pool != nil {
		why := fmt.Sprintf("pool %s runs the most workload pods (%d)", pool.Name, pool.AppPods)
		if pool.AppPods == 0 {
			why = fmt.Sprintf("pool %s has the most nodes; no pod placement was read", pool.Name)
		}
		if pool.Known {
			a.NodeSKU = pool.InstanceType
			set("node_sku", Derived, why)
		} else if sku, ok := customSKU(pool); ok {
			a.NodeSKU, a.CustomSKU = model.CustomSKU, &sku
			set("node_sku", Derived, why+"; "+pool.InstanceType+" is not in the catalog, so a custom size from its nodes")
			out.Notes = append(out.Notes, fmt.Sprintf("%s is not in meshwise's catalog: it is entered as a custom size of %d vCPU and %s GiB read off its nodes — enter its hourly price (custom_sku.hourly_price) before trusting any money figure",
				pool.InstanceType, sku.VCPU, sku.MemoryGiB.StringFixed(2)))
		} else if pool.InstanceType != "" {
			out.Notes = append(out.Notes, fmt.Sprintf("%s is not in meshwise's catalog and no node of it was read: pick \"custom\" and enter its vCPUs, memory and price", pool.InstanceType))
		}
		if pool.MaxPods >= 10 && pool.MaxPods <= 250 {
			a.MaxPodsPerNode = pool.MaxPods
			set("max_pods_per_node", Measured, "az aks: maxPods of pool "+pool.Name)
		}
	}
	if mp, ok := inv.commonMaxPods(); ok && out.Fields["max_pods_per_node"].Source == Default {
		a.MaxPodsPerNode = mp
		set("max_pods_per_node", Measured, "the most common pods capacity of the nodes")
	}

	switch {
	case inv.AKS != nil && inv.AKS.NetworkDataplane != "":
		a.CiliumCNI = inv.AKS.CiliumDataplane()
		set("cilium_cni", Measured, "az aks show: networkProfile.networkDataplane = "+inv.AKS.NetworkDataplane)
	case inv.Mesh.CiliumAgents > 0:
		a.CiliumCNI = true
		set("cilium_cni", Measured, "cilium agent pods run")
	case inv.PodsRead:
		set("cilium_cni", Derived, "no cilium agent pod in the pod list")
	}

	if inv.PodsRead && inv.AllocCPUm > 0 {
		var reqCPU, reqMem int64
		for _, n := range inv.Namespaces {
			reqCPU += n.CPUm
			reqMem += n.MemBytes
		}
		a.SpareCores = decimal.NewFromInt(max(inv.AllocCPUm-reqCPU, 0)).Shift(-3).Round(2)
		a.SpareGiB = decimal.NewFromInt(max(inv.AllocMemB-reqMem, 0)).Div(decimal.NewFromInt(1 << 30)).Round(2)
		a.FillMode = model.FillSpare // the spare room below is measured, not the default share
		set("fill_mode", Derived, "spare room measured from the pod list")
		set("spare_cores", Derived, "the nodes' allocatable CPU less every pod's requests")
		set("spare_gib", Derived, "the nodes' allocatable memory less every pod's requests")
	}

	// The density check: the pods must fit the nodes at max pods per node.
	if need := (a.Pods + a.MaxPodsPerNode - 1) / a.MaxPodsPerNode; need > a.Nodes {
		if out.Fields["nodes"].Source == Default {
			a.Nodes = need
			set("nodes", Derived, fmt.Sprintf("no node list: the fewest nodes that hold %d pods at %d per node", a.Pods, a.MaxPodsPerNode))
		} else {
			out.Notes = append(out.Notes, fmt.Sprintf("%d pods do not fit %d nodes at %d pods per node: check max pods per node", a.Pods, a.Nodes, a.MaxPodsPerNode))
		}
	}
	if a.Nodes > 5000 {
		return out, model.Errorf(model.EINVALID, "The import is beyond what an assessment covers: %d pods need %d nodes at %d pods per node; an assessment covers at most 5,000 nodes.", a.Pods, a.Nodes, a.MaxPodsPerNode)
	}
	out.Assessment = a
	return out, nil
}

// Assessment is Prefill's assessment, for callers that checked bounds
// already; on an error it is the default assessment.
func (inv *Inventory) Assessment() model.Assessment {
	p, err := inv.Prefill()
	if err != nil {
		return model.DefaultAssessment()
	}
	return p.Assessment
}

func (inv *Inventory) workloadCount() int {
	n := 0
	for _, c := range inv.Workloads {
		n += c
	}
	return n
}

// skuPool picks the pool whose VM size stands for the cluster: the one
// that runs the most workload pods, then the most nodes, user pools before
// system pools, then by name — the same answer on every run.
func (inv *Inventory) skuPool() *Pool {
	pools := make([]*Pool, 0, len(inv.Pools))
	for _, p := range inv.Pools {
		if p.InstanceType != "" {
			pools = append(pools, p)
		}
	}
	if len(pools) == 0 {
		return nil
	}
	sort.Slice(pools, func(i, j int) bool {
		a, b := pools[i], pools[j]
		if a.AppPods != b.AppPods {
			return a.AppPods > b.AppPods
		}
		if na, nb := max(a.Nodes, a.AKSCount), max(b.Nodes, b.AKSCount); na != nb {
			return na > nb
		}
		if (a.Mode == "System") != (b.Mode == "System") {
			return b.Mode == "System"
		}
		return a.Name+a.InstanceType < b.Name+b.InstanceType
	})
	return pools[0]
}

// customSKU sizes an unknown VM from its nodes: capacity is the VM's own
// size (allocatable is what is left after AKS's reservations, which the
// cost model subtracts itself); allocatable stands in when capacity is
// missing. The price is left at zero for the user to enter.
func customSKU(p *Pool) (model.NodeSKU, bool) {
	if p.Nodes == 0 {
		return model.NodeSKU{}, false
	}
	cpu, mem := p.CapCPUm, p.CapMemB
	if cpu == 0 || mem == 0 {
		cpu, mem = p.AllocCPUm, p.AllocMemB
	}
	if cpu == 0 || mem == 0 {
		return model.NodeSKU{}, false
	}
	perCPU := cpu / int64(p.Nodes)
	vcpu := int((perCPU + 999) / 1000)
	gib := decimal.NewFromInt(mem / int64(p.Nodes)).Div(decimal.NewFromInt(1 << 30)).Round(2)
	if gib.LessThan(decimal.NewFromInt(1)) {
		gib = decimal.NewFromInt(1)
	}
	return model.NodeSKU{Name: p.InstanceType, VCPU: max(vcpu, 1), MemoryGiB: gib, HourlyPrice: decimal.Zero, Note: "size read off the nodes; price to be entered"}, true
}

// commonMaxPods is the most common pods capacity of the nodes, ties broken
// towards the larger, within an assessment's bound.
func (inv *Inventory) commonMaxPods() (int, bool) {
	best, bestCount := int64(0), 0
	for pods, count := range inv.maxPodsSeen {
		if pods < 10 || pods > 250 {
			continue
		}
		if count > bestCount || count == bestCount && pods > best {
			best, bestCount = pods, count
		}
	}
	return int(best), bestCount > 0
}

func joinSemi(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += "; "
		}
		out += x
	}
	return out
}
