package model

import (
	"fmt"
	"sort"

	"github.com/shopspring/decimal"
)

// CatalogDoc is the option catalog as published by GET /api/v1/catalog:
// every default with its source, the SKUs, and the default assessment.
type CatalogDoc struct {
	ModelVersion string          `json:"model_version"`
	Options      []CatalogOption `json:"options"`
	SKUs         []NodeSKU       `json:"skus"`
	Sources      []Source        `json:"sources"`
	Defaults     Assessment      `json:"defaults"`
	Assumptions  []Assumption    `json:"assumptions"` // every default with its status (A: ours)
}

// CatalogOption is one option's defaults.
type CatalogOption struct {
	ID         string              `json:"id"`
	Name       string              `json:"name"`
	Summary    string              `json:"summary"`
	Managed    bool                `json:"managed"`
	Preview    bool                `json:"preview"`
	OperatedBy string              `json:"operated_by"`
	Components []CatalogComponent  `json:"components"`
	Coverage   map[string]Coverage `json:"coverage"`
	Notes      []string            `json:"notes"`
}

// CatalogComponent is one component's defaults, the key to override them,
// and where each figure comes from.
type CatalogComponent struct {
	Key           string        `json:"key"`
	Name          string        `json:"name"`
	Kind          string        `json:"kind"`
	CPUm          int           `json:"cpu_m"`
	MemoryMi      int           `json:"memory_mi"`
	Replicas      string        `json:"replicas"`
	DeployedWhen  string        `json:"deployed_when"`
	Source        Source        `json:"source"`
	ReplicaSource *Source       `json:"replica_source,omitempty"`
	Usage         *CatalogUsage `json:"usage,omitempty"`
}

// CatalogUsage is a published usage figure.
type CatalogUsage struct {
	CPUCoresPer1000RPS decimal.Decimal `json:"cpu_cores_per_1000_rps"`
	MemoryMBPerReplica decimal.Decimal `json:"memory_mb_per_replica"`
	PassesPerRequest   int64           `json:"passes_per_request"`
	Source             Source          `json:"source"`
}

// CatalogDocument returns the published form of the catalog.
func CatalogDocument() CatalogDoc {
	doc := CatalogDoc{ModelVersion: ModelVersion, SKUs: SKUs, Defaults: DefaultAssessment(), Assumptions: Assumptions()}
	for _, o := range Catalog {
		co := CatalogOption{ID: o.ID, Name: o.Name, Summary: o.Summary, Managed: o.Managed, Preview: o.Preview, OperatedBy: o.OperatedBy, Coverage: o.Coverage, Notes: o.Notes}
		for _, c := range o.Components {
			cc := CatalogComponent{Key: o.ID + "/" + c.ID, Name: c.Name, Kind: c.Kind, CPUm: c.CPUm, MemoryMi: c.MemoryMi,
				Replicas: replicaRule(c), DeployedWhen: whenRule(c), Source: Sources[c.Source]}
			if c.ReplicaSource != "" {
				rs := Sources[c.ReplicaSource]
				cc.ReplicaSource = &rs
			}
			if c.UsageSource != "" && c.scale != scaleIstiodHPA {
				cc.Usage = &CatalogUsage{
					CPUCoresPer1000RPS: microToCores(c.UsageCPUMicroPer1000),
					MemoryMBPerReplica: decimal.New(c.UsageMemoryBytes, -6),
					PassesPerRequest:   c.Traffic,
					Source:             Sources[c.UsageSource],
				}
			}
			co.Components = append(co.Components, cc)
		}
		doc.Options = append(doc.Options, co)
	}
	for _, s := range Sources {
		doc.Sources = append(doc.Sources, s)
	}
	sort.Slice(doc.Sources, func(i, j int) bool { return doc.Sources[i].ID < doc.Sources[j].ID })
	return doc
}

func replicaRule(c Component) string {
	switch c.scale {
	case scalePerPod:
		return "one per meshed pod"
	case scalePerNode:
		return "one per node, added nodes included"
	case scaleWaypoint:
		return "one per onboarded namespace"
	case scaleIstiodHPA:
		return fmt.Sprintf("HPA at 80%% CPU: min %d, max %d", c.Replicas, c.MaxReplicas)
	default:
		return fmt.Sprintf("%d", c.Replicas)
	}
}

func whenRule(c Component) string {
	switch c.when {
	case whenL7:
		return "when an L7 need is set (split, retries, circuit breaking)"
	case whenNoCilium:
		return "when Cilium is not already the CNI"
	case whenMultiCluster:
		return "when services span several clusters"
	case whenIngressGateway:
		return "unless no_ingress_gateway is set (opt-in on the add-on)"
	default:
		return "always"
	}
}
