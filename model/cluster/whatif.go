package cluster

import (
	"sort"

	"github.com/shopspring/decimal"

	"meshwise/model"
)

// Tax is CPU and memory, as requested or as measured.
type Tax struct {
	Cores decimal.Decimal `json:"cores"`
	GiB   decimal.Decimal `json:"gib"`
}

func taxOf(cpum, memB int64) Tax {
	return Tax{Cores: decimal.NewFromInt(cpum).Shift(-3), GiB: decimal.NewFromInt(memB).Div(decimal.NewFromInt(1 << 30)).Round(4)}
}

func taxOfMicro(cpuu, memB int64) Tax {
	return Tax{Cores: decimal.New(cpuu, -6), GiB: decimal.NewFromInt(memB).Div(decimal.NewFromInt(1 << 30)).Round(4)}
}

func (t Tax) sub(o Tax) Tax { return Tax{Cores: t.Cores.Sub(o.Cores), GiB: t.GiB.Sub(o.GiB)} }

// NamespaceTax is one namespace's mesh today.
type NamespaceTax struct {
	Namespace  string   `json:"namespace"`
	Meshes     []string `json:"meshes"`
	MeshedPods int      `json:"meshed_pods"`
	Requests   Tax      `json:"requests"`       // the proxies' requests
	Used       *Tax     `json:"used,omitempty"` // measured by metrics-server
}

// Projection is one option's data plane for the workloads meshed today,
// and what moving to it would save (negative: cost more). Savings are a
// range: from requests against requests to measured use against the
// option's estimated use.
type Projection struct {
	Option     string          `json:"option"`
	Name       string          `json:"name"`
	Requests   Tax             `json:"requests"`
	Usage      Tax             `json:"usage"`
	AddedNodes int             `json:"added_nodes"`
	Monthly    decimal.Decimal `json:"monthly"`          // the option's whole monthly cost, control plane included
	SavedLow   Tax             `json:"saved_low"`        // the smaller of the two savings
	SavedHigh  Tax             `json:"saved_high"`       // the larger
	MoneyLow   decimal.Decimal `json:"money_saved_low"`  // per month, from the data-plane savings
	MoneyHigh  decimal.Decimal `json:"money_saved_high"` // per month
	NodesLow   decimal.Decimal `json:"nodes_saved_low"`  // node-equivalents
	NodesHigh  decimal.Decimal `json:"nodes_saved_high"`
}

// WhatIf sets the mesh that runs today, measured, beside every option's
// projection for the same workloads.
type WhatIf struct {
	Mesh        string          `json:"mesh"` // the option that runs today
	MeshedPods  int             `json:"meshed_pods"`
	Namespaces  []NamespaceTax  `json:"namespaces"`
	Requests    Tax             `json:"requests"`       // the data plane's requests today
	Used        *Tax            `json:"used,omitempty"` // measured today
	Predicted   *Projection     `json:"predicted"`      // the model's figures for today's mesh
	Options     []Projection    `json:"options"`
	Currency    string          `json:"currency"`
	CoreHour    decimal.Decimal `json:"core_hour"`
	GiBHour     decimal.Decimal `json:"gib_hour"`
	ModelNotice string          `json:"notice"`
}

// dataPlane reports whether a component is part of the data plane (what a
// measured proxy tax compares with).
func dataPlane(kind string) bool {
	return kind == model.KindPerPod || kind == model.KindPerNode || kind == model.KindWaypoint
}

// WhatIf projects every option for the pods meshed today, starting from
// the prefilled assessment a. It reports false when no mesh runs.
func (inv *Inventory) WhatIf(a model.Assessment) (WhatIf, bool, error) {
	inv.settle()
	w := WhatIf{ModelNotice: "Data planes only (proxies, ztunnels, waypoints); control planes are in each option's monthly figure."}
	counts := map[string]int{}
	var reqCPU, reqMem, useCPU, useMem int64
	namespaces := 0
	for _, n := range inv.SortedNamespaces() {
		pods := n.MeshedPods(inv.PodsRead)
		if pods == 0 && n.ProxyCPUm == 0 && n.ProxyUseCPUu == 0 {
			continue
		}
		nt := NamespaceTax{Namespace: n.Name, Meshes: n.Meshes(), MeshedPods: pods, Requests: taxOf(n.ProxyCPUm, n.ProxyMemB)}
		if inv.MetricsRead {
			u := taxOfMicro(n.ProxyUseCPUu, n.ProxyUseMemB)
			nt.Used = &u
		}
		for _, m := range nt.Meshes {
			counts[m] += max(pods, 1)
		}
		w.Namespaces = append(w.Namespaces, nt)
		w.MeshedPods += pods
		reqCPU, reqMem = reqCPU+n.ProxyCPUm, reqMem+n.ProxyMemB
		useCPU, useMem = useCPU+n.ProxyUseCPUu, useMem+n.ProxyUseMemB
		if pods > 0 && !n.System {
			namespaces++
		}
	}
	if len(counts) == 0 {
		return w, false, nil
	}
	meshes := make([]string, 0, len(counts))
	for m := range counts {
		meshes = append(meshes, m)
	}
	sort.Slice(meshes, func(i, j int) bool {
		if counts[meshes[i]] != counts[meshes[j]] {
			return counts[meshes[i]] > counts[meshes[j]]
		}
		return meshes[i] < meshes[j]
	})
	w.Mesh = meshes[0]
	w.Requests = taxOf(reqCPU, reqMem)
	if inv.MetricsRead {
		u := taxOfMicro(useCPU, useMem)
		w.Used = &u
	}
	a.Pods, a.Namespaces = w.MeshedPods, max(namespaces, 1)
	if a.Pods == 0 {
		return w, false, nil
	}
	est, err := model.Compute(a)
	if err != nil {
		return w, false, err
	}
	w.Currency, w.CoreHour, w.GiBHour = est.Currency, est.UnitPrices.CoreHour, est.UnitPrices.GiBHour
	hours := a.Pricing.HoursPerMonth
	money := func(t Tax) decimal.Decimal {
		return t.Cores.Mul(w.CoreHour).Add(t.GiB.Mul(w.GiBHour)).Mul(hours).Round(2)
	}
	nodes := func(t Tax) decimal.Decimal {
		if est.SKU.VCPU == 0 || est.SKU.MemoryGiB.IsZero() {
			return decimal.Zero
		}
		return decimal.Max(t.Cores.Div(decimal.NewFromInt(int64(est.SKU.VCPU))), t.GiB.Div(est.SKU.MemoryGiB)).Round(2)
	}
	for _, o := range est.Options {
		p := Projection{Option: o.ID, Name: o.Name, AddedNodes: o.AddedNodes, Monthly: o.Monthly.Total.Round(2)}
		for _, c := range o.Components {
			if !dataPlane(c.Kind) {
				continue
			}
			p.Requests.Cores = p.Requests.Cores.Add(c.Requests.CPUCores.Decimal())
			p.Requests.GiB = p.Requests.GiB.Add(c.Requests.MemoryGiB.Decimal())
			p.Usage.Cores = p.Usage.Cores.Add(c.Usage.CPUCores.Decimal())
			p.Usage.GiB = p.Usage.GiB.Add(c.Usage.MemoryGiB.Decimal())
		}
		a1 := w.Requests.sub(p.Requests)
		a2 := a1
		if w.Used != nil {
			a2 = w.Used.sub(p.Usage)
		}
		p.SavedLow = Tax{Cores: decimal.Min(a1.Cores, a2.Cores), GiB: decimal.Min(a1.GiB, a2.GiB)}
		p.SavedHigh = Tax{Cores: decimal.Max(a1.Cores, a2.Cores), GiB: decimal.Max(a1.GiB, a2.GiB)}
		p.MoneyLow, p.MoneyHigh = money(p.SavedLow), money(p.SavedHigh)
		p.NodesLow, p.NodesHigh = nodes(p.SavedLow), nodes(p.SavedHigh)
		if o.ID == w.Mesh {
			pp := p
			w.Predicted = &pp
			continue
		}
		w.Options = append(w.Options, p)
	}
	return w, true, nil
}
