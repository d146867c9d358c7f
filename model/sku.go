package model

import (
	"sort"

	"github.com/shopspring/decimal"
)

// CustomSKU is the NodeSKU value that selects Assessment.CustomSKU.
const CustomSKU = "custom"

// NodeSKU is a VM size that AKS nodes run on, with its list price. Prices
// are inputs: teams replace them with their agreement price.
type NodeSKU struct {
	Name        string          `json:"name"`
	VCPU        int             `json:"vcpu"`
	MemoryGiB   decimal.Decimal `json:"memory_gib"`
	HourlyPrice decimal.Decimal `json:"hourly_price"`
	Region      string          `json:"region,omitempty"`
	PriceDate   string          `json:"price_date,omitempty"`
	Status      string          `json:"status,omitempty"` // REFERENCE.md status of the price
	Note        string          `json:"note,omitempty"`
}

func sku(name string, vcpu, gib int, price, status, note string) NodeSKU {
	return NodeSKU{Name: name, VCPU: vcpu, MemoryGiB: decimal.NewFromInt(int64(gib)), HourlyPrice: decimal.RequireFromString(price),
		Region: "East US", PriceDate: "2025-12-01", Status: status, Note: note}
}

// SKUs is the catalog of common AKS node sizes (REFERENCE.md "Node SKUs").
var SKUs = []NodeSKU{
	sku("Standard_D2s_v5", 2, 8, "0.096", "P/D", ""),
	sku("Standard_D4s_v5", 4, 16, "0.192", "P/D", ""),
	sku("Standard_D8s_v5", 8, 32, "0.384", "P/D", ""),
	sku("Standard_D16s_v5", 16, 64, "0.768", "P/D", ""),
	sku("Standard_D4ds_v5", 4, 16, "0.226", "D", ""),
	sku("Standard_D4as_v5", 4, 16, "0.172", "P/D", ""),
	sku("Standard_E4s_v5", 4, 32, "0.252", "P/D", ""),
	sku("Standard_E8s_v5", 8, 64, "0.504", "P/D", ""),
	sku("Standard_F4s_v2", 4, 8, "0.169", "P/D", ""),
	sku("Standard_B4ms", 4, 16, "0.166", "S", "burstable: 22.5% CPU baseline"),
}

var skuByName = func() map[string]NodeSKU {
	m := make(map[string]NodeSKU, len(SKUs))
	for _, s := range SKUs {
		m[s.Name] = s
	}
	return m
}()

// LookupSKU finds a catalog SKU by name.
func LookupSKU(name string) (NodeSKU, bool) {
	s, ok := skuByName[name]
	return s, ok
}

// SKUNames lists the catalog's SKU names, sorted.
func SKUNames() []string {
	names := make([]string, 0, len(SKUs))
	for _, s := range SKUs {
		names = append(names, s.Name)
	}
	sort.Strings(names)
	return names
}

// skuOf returns the SKU an assessment runs on.
func (a Assessment) skuOf() NodeSKU {
	if a.NodeSKU == CustomSKU && a.CustomSKU != nil {
		s := *a.CustomSKU
		s.Name = CustomSKU
		return s
	}
	s, _ := LookupSKU(a.NodeSKU)
	return s
}

const (
	mib = int64(1) << 20
	gib = int64(1) << 30
)

// reservedCPUTable is AKS's CPU reservation (millicores) by core count,
// from node-resource-reservations.
var reservedCPUTable = [][2]int64{{1, 60}, {2, 100}, {4, 140}, {8, 180}, {16, 260}, {32, 420}, {64, 740}}

// ReservedCPUMilli is what AKS keeps back from a node of vcpu cores, in
// millicores. Core counts between the published points are interpolated
// linearly; above 64 cores the last slope (10m per core) continues.
func ReservedCPUMilli(vcpu int) int64 {
	n := int64(vcpu)
	t := reservedCPUTable
	if n <= t[0][0] {
		return t[0][1]
	}
	for i := 1; i < len(t); i++ {
		if n <= t[i][0] {
			lo, hi := t[i-1], t[i]
			return lo[1] + (hi[1]-lo[1])*(n-lo[0])/(hi[0]-lo[0])
		}
	}
	last, prev := t[len(t)-1], t[len(t)-2]
	return last[1] + (last[1]-prev[1])*(n-last[0])/(last[0]-prev[0])
}

// ReservedMemoryBytes is what AKS 1.29+ keeps back from a node: the 100Mi
// eviction threshold plus kube-reserved min(20Mi x max pods + 50Mi, 25% of
// memory). The docs write "MB"; we read it as MiB, as kubelet quantities are.
func ReservedMemoryBytes(memoryBytes int64, maxPods int) int64 {
	kube := min(20*mib*int64(maxPods)+50*mib, memoryBytes/4)
	return 100*mib + kube
}

// Allocatable is what one node offers to pods after AKS reservations.
type Allocatable struct {
	CPUMicro    int64 `json:"-"`
	MemoryBytes int64 `json:"-"`
	// For display.
	CPUCores       decimal.Decimal `json:"cpu_cores"`
	MemoryGiB      decimal.Decimal `json:"memory_gib"`
	ReservedCPUm   int64           `json:"reserved_cpu_m"`
	ReservedMemMiB int64           `json:"reserved_memory_mib"`
	Formula        string          `json:"formula"`
	Source         string          `json:"source"`
}

// AllocatableOf computes a node's allocatable CPU and memory on AKS.
func AllocatableOf(s NodeSKU, maxPods int) Allocatable {
	memBytes := s.MemoryGiB.Mul(decimal.NewFromInt(gib)).IntPart()
	resCPU := ReservedCPUMilli(s.VCPU)
	resMem := ReservedMemoryBytes(memBytes, maxPods)
	a := Allocatable{
		CPUMicro:       int64(s.VCPU)*1_000_000 - resCPU*1000,
		MemoryBytes:    memBytes - resMem,
		ReservedCPUm:   resCPU,
		ReservedMemMiB: resMem / mib,
		Formula:        "cpu = vCPU - reserved(vCPU); memory = capacity - 100Mi - min(20Mi x max pods + 50Mi, 25% x capacity)",
		Source:         "aks-allocatable",
	}
	a.CPUCores = microToCores(a.CPUMicro)
	a.MemoryGiB = bytesToGiB(a.MemoryBytes)
	return a
}

func microToCores(u int64) decimal.Decimal { return decimal.New(u, -6) }

// fivePow30 makes bytes / 2^30 exact without dividing: b x 5^30 / 10^30.
var fivePow30 = decimal.New(5, 0).Pow(decimal.New(30, 0))

func bytesToGiB(b int64) decimal.Decimal {
	// Whole MiB (nearly every request): MiB / 1024 = MiB x 5^10 / 10^10.
	if m := b / mib; b%mib == 0 && m < 1<<39 {
		return decimal.New(m*9_765_625, -10)
	}
	return decimal.NewFromInt(b).Mul(fivePow30).Shift(-30)
}
