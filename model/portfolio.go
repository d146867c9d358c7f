package model

import (
	"cmp"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// RecordCost is what a record's signed estimate says its chosen option
// costs a month: the share total (what a chargeback shows) with its P10–P90
// range when the estimate carried ranges, the invoice total (whole nodes),
// and the nodes it adds.
type RecordCost struct {
	Currency     string          `json:"currency"`
	P10          decimal.Decimal `json:"p10"`
	P50          decimal.Decimal `json:"p50"`
	P90          decimal.Decimal `json:"p90"`
	Invoice      decimal.Decimal `json:"invoice"`
	AddedNodes   int             `json:"added_nodes"`
	Ranged       bool            `json:"ranged"` // false: P10 = P50 = P90, the point estimate
	ModelVersion string          `json:"model_version"`
}

// CostOf reads the chosen option's monthly cost from a record's estimate.
func CostOf(r DecisionRecord) (RecordCost, bool) {
	if r.Estimate == nil {
		return RecordCost{}, false
	}
	o, ok := r.Estimate.Option(r.Option)
	if !ok {
		return RecordCost{}, false
	}
	c := RecordCost{Currency: r.Estimate.Currency, P10: o.Monthly.Total, P50: o.Monthly.Total, P90: o.Monthly.Total,
		Invoice: o.Monthly.Invoice, AddedNodes: o.AddedNodes, ModelVersion: r.Estimate.ModelVersion}
	if r.Estimate.Ranges != nil {
		if rg, ok := r.Estimate.Ranges.Option(r.Option); ok {
			c.P10, c.P50, c.P90, c.Ranged = rg.Monthly.P10, rg.Monthly.P50, rg.Monthly.P90, true
		}
	}
	return c, true
}

// PortfolioRow is one record in the portfolio.
type PortfolioRow struct {
	ID         string      `json:"id"`
	Title      string      `json:"title"`
	Cluster    string      `json:"cluster"`
	Option     string      `json:"option"`
	OptionName string      `json:"option_name"`
	Owner      string      `json:"owner"`
	Status     string      `json:"status"`
	ReviewBy   string      `json:"review_by"`
	Overdue    bool        `json:"overdue"`
	DueSoon    bool        `json:"due_within_30_days"`
	Cost       RecordCost  `json:"cost"`
	Repriced   *RecordCost `json:"repriced,omitempty"` // the same inputs against today's model and prices
	// Assessment is the inputs the record was estimated on, for re-pricing.
	Assessment *Assessment `json:"-"`
}

// Drift is how much today's price differs from the signed one (P50).
func (r PortfolioRow) Drift() decimal.Decimal {
	if r.Repriced == nil {
		return decimal.Zero
	}
	return r.Repriced.P50.Sub(r.Cost.P50)
}

// PortfolioTotal adds up rows of one currency.
type PortfolioTotal struct {
	Key        string          `json:"key"` // the cluster or option, or "" for all
	Label      string          `json:"label"`
	Currency   string          `json:"currency"`
	Records    int             `json:"records"`
	P10        decimal.Decimal `json:"p10"`
	P50        decimal.Decimal `json:"p50"`
	P90        decimal.Decimal `json:"p90"`
	Invoice    decimal.Decimal `json:"invoice"`
	AddedNodes int             `json:"added_nodes"`
	Repriced   decimal.Decimal `json:"repriced_p50"`
}

// Portfolio is every record FinOps and governance follow, with totals per
// cluster, per option and overall (one per currency: amounts in different
// currencies are never added).
type Portfolio struct {
	Rows      []PortfolioRow   `json:"records"`
	ByCluster []PortfolioTotal `json:"by_cluster"`
	ByOption  []PortfolioTotal `json:"by_option"`
	Overall   []PortfolioTotal `json:"overall"`
	Repriced  bool             `json:"repriced"`
}

// BuildPortfolio adds rows up by cluster, by option and overall. Summing
// P10s (and P90s) is the range if every record sits at its low (high) end
// together: a deliberately wide range, as the README says.
func BuildPortfolio(rows []PortfolioRow, repriced bool) Portfolio {
	p := Portfolio{Rows: rows, Repriced: repriced}
	p.ByCluster = totals(rows, func(r PortfolioRow) (string, string) { return r.Cluster, r.Cluster })
	p.ByOption = totals(rows, func(r PortfolioRow) (string, string) { return r.Option, r.OptionName })
	p.Overall = totals(rows, func(PortfolioRow) (string, string) { return "", "all records" })
	if p.Rows == nil {
		p.Rows = []PortfolioRow{}
	}
	return p
}

func totals(rows []PortfolioRow, keyOf func(PortfolioRow) (string, string)) []PortfolioTotal {
	type k struct{ key, currency string }
	byKey := map[k]*PortfolioTotal{}
	for _, r := range rows {
		key, label := keyOf(r)
		t, ok := byKey[k{key, r.Cost.Currency}]
		if !ok {
			t = &PortfolioTotal{Key: key, Label: label, Currency: r.Cost.Currency}
			byKey[k{key, r.Cost.Currency}] = t
		}
		t.Records++
		t.P10, t.P50, t.P90 = t.P10.Add(r.Cost.P10), t.P50.Add(r.Cost.P50), t.P90.Add(r.Cost.P90)
		t.Invoice = t.Invoice.Add(r.Cost.Invoice)
		t.AddedNodes += r.Cost.AddedNodes
		if r.Repriced != nil {
			t.Repriced = t.Repriced.Add(r.Repriced.P50)
		} else {
			t.Repriced = t.Repriced.Add(r.Cost.P50)
		}
	}
	out := make([]PortfolioTotal, 0, len(byKey))
	for _, t := range byKey {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b PortfolioTotal) int {
		return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Currency, b.Currency))
	})
	return out
}

// PriceBook is the pricing in force across the organisation, as FinOps
// keeps it, and who set it when.
type PriceBook struct {
	Pricing Pricing   `json:"pricing"`
	SetBy   string    `json:"set_by"`
	SetAt   time.Time `json:"set_at"`
}

// Reprice estimates a record's inputs again with today's model and the
// given pricing (nil keeps the record's own prices).
func Reprice(a Assessment, option string, pricing *Pricing) (RecordCost, error) {
	if pricing != nil {
		a.Pricing = *pricing
	}
	est, err := Compute(a)
	if err != nil {
		return RecordCost{}, err
	}
	if rg, err := ComputeRanges(a); err == nil {
		est.Ranges = &rg
	}
	c, ok := CostOf(DecisionRecord{Option: option, Estimate: &est})
	if !ok {
		return RecordCost{}, Errorf(EINVALID, "Option %q is no longer in the catalog.", option)
	}
	return c, nil
}
