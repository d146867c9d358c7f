package cluster

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// AKSCluster is what `az aks show` says about the cluster itself.
type AKSCluster struct {
	Name              string
	ResourceGroup     string
	Location          string
	KubernetesVersion string
	Tier              string // Free, Standard, Premium
	NetworkPlugin     string // azure, kubenet, none
	NetworkPluginMode string // overlay
	NetworkDataplane  string // azure, cilium
	NetworkPolicy     string
	MeshMode          string   // Istio when the add-on runs
	MeshRevisions     []string // asm-1-26 ...
}

// CiliumDataplane reports whether Azure CNI powered by Cilium runs.
func (a AKSCluster) CiliumDataplane() bool { return strings.EqualFold(a.NetworkDataplane, "cilium") }

// aksPool is one agent pool as az prints it, in az aks show's
// agentPoolProfiles or az aks nodepool list.
type aksPool struct {
	Name              string   `json:"name"`
	VMSize            string   `json:"vmSize"`
	Count             *int     `json:"count"`
	MinCount          *int     `json:"minCount"`
	MaxCount          *int     `json:"maxCount"`
	EnableAutoScaling *bool    `json:"enableAutoScaling"`
	MaxPods           *int     `json:"maxPods"`
	Mode              string   `json:"mode"`
	ResourceGroup     string   `json:"resourceGroup"`
	NodeTaints        []string `json:"nodeTaints"`
	// "VirtualMachines" pools have no vmSize; their sizes are listed here.
	VirtualMachinesProfile *struct {
		Scale struct {
			Manual []struct {
				Size  string `json:"size"`
				Count int    `json:"count"`
			} `json:"manual"`
		} `json:"scale"`
	} `json:"virtualMachinesProfile"`
}

type aksShow struct {
	Name              string `json:"name"`
	ResourceGroup     string `json:"resourceGroup"`
	ID                string `json:"id"`
	Location          string `json:"location"`
	KubernetesVersion string `json:"kubernetesVersion"`
	CurrentVersion    string `json:"currentKubernetesVersion"`
	SKU               struct {
		Tier string `json:"tier"`
	} `json:"sku"`
	NetworkProfile struct {
		NetworkPlugin     string `json:"networkPlugin"`
		NetworkPluginMode string `json:"networkPluginMode"`
		NetworkDataplane  string `json:"networkDataplane"`
		NetworkPolicy     string `json:"networkPolicy"`
	} `json:"networkProfile"`
	ServiceMeshProfile *struct {
		Mode  string `json:"mode"`
		Istio *struct {
			Revisions []string `json:"revisions"`
		} `json:"istio"`
	} `json:"serviceMeshProfile"`
	AgentPoolProfiles []aksPool `json:"agentPoolProfiles"`
	// The ARM resource (az rest, the portal's JSON view) nests the same
	// fields under "properties".
	Properties *aksShow `json:"properties"`
}

func (inv *Inventory) addAKS(name string, raw []byte) error {
	var s aksShow
	if err := json.Unmarshal(raw, &s); err != nil {
		return fmt.Errorf("%s: the az aks show output could not be read: %v", name, shortErr(err))
	}
	if p := s.Properties; p != nil {
		p.Name, p.ID, p.Location, p.ResourceGroup, p.SKU = s.Name, s.ID, s.Location, s.ResourceGroup, s.SKU
		s = *p
	}
	rg := s.ResourceGroup
	if rg == "" {
		rg = resourceGroupOf(s.ID)
	}
	a := &AKSCluster{Name: s.Name, ResourceGroup: rg, Location: s.Location, KubernetesVersion: s.CurrentVersion, Tier: s.SKU.Tier,
		NetworkPlugin: s.NetworkProfile.NetworkPlugin, NetworkPluginMode: s.NetworkProfile.NetworkPluginMode,
		NetworkDataplane: s.NetworkProfile.NetworkDataplane, NetworkPolicy: s.NetworkProfile.NetworkPolicy}
	if a.KubernetesVersion == "" {
		a.KubernetesVersion = s.KubernetesVersion
	}
	if m := s.ServiceMeshProfile; m != nil && !strings.EqualFold(m.Mode, "Disabled") {
		a.MeshMode = m.Mode
		if m.Istio != nil {
			a.MeshRevisions = append(a.MeshRevisions, m.Istio.Revisions...)
			for _, r := range m.Istio.Revisions {
				if !contains(inv.Mesh.IstioRevisions, r) {
					inv.Mesh.IstioRevisions = append(inv.Mesh.IstioRevisions, r)
				}
			}
		}
	}
	if inv.AKS != nil && (inv.AKS.Name != a.Name || inv.AKS.ResourceGroup != a.ResourceGroup) {
		return fmt.Errorf("%s describes cluster %s in %s, but another file described %s in %s: import one cluster at a time", name, a.Name, a.ResourceGroup, inv.AKS.Name, inv.AKS.ResourceGroup)
	}
	inv.AKS = a
	for _, p := range s.AgentPoolProfiles {
		inv.applyAKSPool(p)
	}
	return nil
}

func (inv *Inventory) addAKSPool(name string, raw []byte) error {
	var p aksPool
	if err := json.Unmarshal(raw, &p); err != nil {
		return fmt.Errorf("%s: a node pool could not be read: %v", name, shortErr(err))
	}
	if p.Name == "" {
		return fmt.Errorf("%s: a node pool has no name", name)
	}
	inv.applyAKSPool(p)
	return nil
}

// applyAKSPool sets, not adds, so the same pool from az aks show and from
// az aks nodepool list is counted once.
func (inv *Inventory) applyAKSPool(ap aksPool) {
	size, count := ap.VMSize, deref(ap.Count)
	if size == "" && ap.VirtualMachinesProfile != nil {
		manual := ap.VirtualMachinesProfile.Scale.Manual
		sort.SliceStable(manual, func(i, j int) bool { return manual[i].Count > manual[j].Count })
		if len(manual) > 0 {
			size = manual[0].Size
		}
		if ap.Count == nil {
			for _, m := range manual {
				count += m.Count
			}
		}
	}
	p := inv.pool(ap.Name, size)
	p.FromAKS = true
	p.AKSCount = count
	p.Autoscale = ap.EnableAutoScaling != nil && *ap.EnableAutoScaling
	p.MinCount, p.MaxCount, p.MaxPods, p.Mode = deref(ap.MinCount), deref(ap.MaxCount), deref(ap.MaxPods), ap.Mode
	if inv.AKS != nil && inv.AKS.ResourceGroup == "" {
		inv.AKS.ResourceGroup = ap.ResourceGroup
	}
	if inv.aksResourceGroup == "" {
		inv.aksResourceGroup = ap.ResourceGroup
	}
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// resourceGroupOf reads the resource group out of an Azure resource ID.
func resourceGroupOf(id string) string {
	parts := strings.Split(id, "/")
	for i := 0; i+1 < len(parts); i++ {
		if strings.EqualFold(parts[i], "resourceGroups") {
			return parts[i+1]
		}
	}
	return ""
}
