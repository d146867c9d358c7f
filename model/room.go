package model

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// How the assessment says how full today's nodes are.
const (
	FillShare  = "share"   // the requested share of allocatable, as kubectl describe nodes shows it
	FillPerPod = "per_pod" // app requests per pod plus DaemonSet requests per node
	FillSpare  = "spare"   // spare cores and GiB given directly (also the meaning of "")
)

// Room is the spare room on today's nodes: what an option can use before a
// node is added, with how it was derived.
type Room struct {
	Mode           string `json:"mode"`
	Nodes          int    `json:"nodes"`
	AllocatableCPU Cores  `json:"allocatable_cpu_cores"` // nodes x allocatable
	AllocatableMem GiB    `json:"allocatable_memory_gib"`
	UsedCPU        Cores  `json:"used_cpu_cores"` // app and DaemonSet requests today
	UsedMem        GiB    `json:"used_memory_gib"`
	SpareCPU       Cores  `json:"spare_cpu_cores"`
	SpareMem       GiB    `json:"spare_memory_gib"`
	Derivation     string `json:"derivation"`
	Assumed        bool   `json:"assumed"` // the fullness is the model's default, not the team's figure
}

// defaultRequestedPercent is our assumption of how full nodes are until the
// team says.
var defaultRequestedPercent = decimal.NewFromInt(70)

// roomOf derives the spare room from how full the nodes are today. Spare =
// nodes x allocatable (after AKS reservations) - requests today, never
// below zero.
func roomOf(a Assessment, alloc Allocatable) Room {
	n := int64(a.Nodes)
	r := Room{Mode: a.FillMode, Nodes: a.Nodes,
		AllocatableCPU: Cores(n * alloc.CPUMicro), AllocatableMem: GiB(n * alloc.MemoryBytes)}
	switch a.FillMode {
	case FillShare:
		r.UsedCPU = Cores(percentOf(int64(r.AllocatableCPU), a.RequestedCPUPercent))
		r.UsedMem = GiB(percentOf(int64(r.AllocatableMem), a.RequestedMemoryPercent))
		r.Derivation = fmt.Sprintf("%d nodes x %s cores allocatable = %s cores, %s%% requested today; memory %s GiB, %s%% requested",
			a.Nodes, alloc.CPUCores, r.AllocatableCPU.Decimal().StringFixed(2), a.RequestedCPUPercent, r.AllocatableMem.Decimal().StringFixed(2), a.RequestedMemoryPercent)
		r.Assumed = a.RequestedCPUPercent.Equal(defaultRequestedPercent) && a.RequestedMemoryPercent.Equal(defaultRequestedPercent)
	case FillPerPod:
		pods := int64(a.podsToday())
		r.UsedCPU = Cores(pods*int64(a.AppCPUmPerPod)*1000 + n*int64(a.DaemonSetCPUmPerNode)*1000)
		r.UsedMem = GiB(pods*int64(a.AppMemoryMiPerPod)*mib + n*int64(a.DaemonSetMemoryMiPerNode)*mib)
		r.Derivation = fmt.Sprintf("%d nodes x %s cores allocatable = %s cores; requests today %d pods x %dm + %d nodes x %dm DaemonSets; memory %s GiB, %d pods x %dMi + %d nodes x %dMi",
			a.Nodes, alloc.CPUCores, r.AllocatableCPU.Decimal().StringFixed(2), pods, a.AppCPUmPerPod, a.Nodes, a.DaemonSetCPUmPerNode,
			r.AllocatableMem.Decimal().StringFixed(2), pods, a.AppMemoryMiPerPod, a.Nodes, a.DaemonSetMemoryMiPerNode)
	default:
		r.Mode = FillSpare
		r.SpareCPU = Cores(a.SpareCores.Shift(6).IntPart())
		r.SpareMem = GiB(a.SpareGiB.Mul(decimal.NewFromInt(gib)).IntPart())
		r.UsedCPU = max(r.AllocatableCPU-r.SpareCPU, 0)
		r.UsedMem = max(r.AllocatableMem-r.SpareMem, 0)
		r.Derivation = fmt.Sprintf("spare room given directly: %s cores, %s GiB", a.SpareCores, a.SpareGiB)
		r.Assumed = a.SpareCores.IsZero() && a.SpareGiB.IsZero()
		return r
	}
	r.SpareCPU = max(r.AllocatableCPU-r.UsedCPU, 0)
	r.SpareMem = max(r.AllocatableMem-r.UsedMem, 0)
	r.Derivation += fmt.Sprintf(" → spare %s cores, %s GiB", r.SpareCPU.Decimal().StringFixed(2), r.SpareMem.Decimal().StringFixed(2))
	return r
}

// podsToday is how many pods run on the nodes now; 0 means the pods to mesh.
func (a Assessment) podsToday() int {
	if a.PodsToday > 0 {
		return a.PodsToday
	}
	return a.Pods
}

// percentOf is v x p / 100, rounded down.
func percentOf(v int64, p decimal.Decimal) int64 {
	return decimal.NewFromInt(v).Mul(p).Shift(-2).IntPart()
}

// feasibility adds the field errors of a cluster that cannot exist: more
// pods than max pods allow, or more requests today than the nodes offer.
// Such inputs are refused, never priced as if they fit.
func (a Assessment) feasibility(v *validator) {
	if a.MaxPodsPerNode <= 0 || a.Nodes <= 0 {
		return
	}
	limit := a.Nodes * a.MaxPodsPerNode
	if a.Pods > limit {
		v.add("pods", fmt.Sprintf("%d pods cannot run on %d node(s): at %d max pods per node they hold at most %d; add nodes or raise max pods", a.Pods, a.Nodes, a.MaxPodsPerNode, limit))
	}
	if a.PodsToday > limit {
		v.add("pods_today", fmt.Sprintf("%d pods cannot run on %d node(s) at %d max pods per node (at most %d)", a.PodsToday, a.Nodes, a.MaxPodsPerNode, limit))
	}
	if a.FillMode != FillPerPod {
		return
	}
	s := a.skuOf()
	if s.VCPU == 0 {
		return
	}
	r := roomOf(a, AllocatableOf(s, a.MaxPodsPerNode))
	if r.UsedCPU > r.AllocatableCPU {
		v.add("app_cpu_m_per_pod", fmt.Sprintf("today's requests (%s cores) exceed the allocatable CPU of %d node(s) (%s cores): check the figures or the node count",
			r.UsedCPU.Decimal().StringFixed(2), a.Nodes, r.AllocatableCPU.Decimal().StringFixed(2)))
	}
	if r.UsedMem > r.AllocatableMem {
		v.add("app_memory_mi_per_pod", fmt.Sprintf("today's requests (%s GiB) exceed the allocatable memory of %d node(s) (%s GiB): check the figures or the node count",
			r.UsedMem.Decimal().StringFixed(2), a.Nodes, r.AllocatableMem.Decimal().StringFixed(2)))
	}
}
