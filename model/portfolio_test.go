package model

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCostOfReadsTheChosenOptionAndItsRange(t *testing.T) {
	a := DefaultAssessment()
	est, err := Compute(a)
	require.NoError(t, err)
	_, ok := CostOf(DecisionRecord{Option: OptionIstioSidecar})
	assert.False(t, ok, "no estimate, no cost")
	c, ok := CostOf(DecisionRecord{Option: OptionIstioSidecar, Estimate: &est})
	require.True(t, ok)
	o, _ := est.Option(OptionIstioSidecar)
	assert.True(t, o.Monthly.Total.Equal(c.P50))
	assert.False(t, c.Ranged)

	rg, err := ComputeRanges(a)
	require.NoError(t, err)
	est.Ranges = &rg
	c, ok = CostOf(DecisionRecord{Option: OptionLinkerd, Estimate: &est})
	require.True(t, ok)
	assert.True(t, c.Ranged)
	assert.True(t, c.P10.LessThanOrEqual(c.P50) && c.P50.LessThanOrEqual(c.P90))
}

func TestPortfolioTotalsNeverMixCurrencies(t *testing.T) {
	d := decimal.RequireFromString
	row := func(cluster, option, cur, p10, p50, p90 string, nodes int) PortfolioRow {
		return PortfolioRow{Cluster: cluster, Option: option, OptionName: option, Cost: RecordCost{Currency: cur, P10: d(p10), P50: d(p50), P90: d(p90), Invoice: d(p90), AddedNodes: nodes}}
	}
	p := BuildPortfolio([]PortfolioRow{
		row("east", "istio-sidecar", "USD", "90", "100", "120", 2),
		row("east", "linkerd", "USD", "40", "50.5", "70", 1),
		row("west", "istio-sidecar", "USD", "10", "10", "10", 0),
		row("west", "istio-sidecar", "EUR", "5", "6", "7", 1),
	}, false)
	tests := []struct {
		name                string
		got                 []PortfolioTotal
		key, cur            string
		records, nodes      int
		p10, p50, p90, repr string
	}{
		{"east", p.ByCluster, "east", "USD", 2, 3, "130", "150.5", "190", "150.5"},
		{"west in USD", p.ByCluster, "west", "USD", 1, 0, "10", "10", "10", "10"},
		{"west in EUR", p.ByCluster, "west", "EUR", 1, 1, "5", "6", "7", "6"},
		{"sidecar in USD", p.ByOption, "istio-sidecar", "USD", 2, 2, "100", "110", "130", "110"},
		{"overall USD", p.Overall, "", "USD", 3, 3, "140", "160.5", "200", "160.5"},
		{"overall EUR", p.Overall, "", "EUR", 1, 1, "5", "6", "7", "6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var found *PortfolioTotal
			for i := range tt.got {
				if tt.got[i].Key == tt.key && tt.got[i].Currency == tt.cur {
					found = &tt.got[i]
				}
			}
			require.NotNil(t, found)
			assert.Equal(t, tt.records, found.Records)
			assert.Equal(t, tt.nodes, found.AddedNodes)
			assert.True(t, d(tt.p10).Equal(found.P10), found.P10.String())
			assert.True(t, d(tt.p50).Equal(found.P50), found.P50.String())
			assert.True(t, d(tt.p90).Equal(found.P90), found.P90.String())
			assert.True(t, d(tt.repr).Equal(found.Repriced), "not re-priced: today's figure is the signed one")
		})
	}
}

func TestRepriceWithAPriceBook(t *testing.T) {
	a := DefaultAssessment()
	signed, err := Reprice(a, OptionIstioSidecar, nil)
	require.NoError(t, err)
	book := a.Pricing
	book.AgreementDiscountPercent = decimal.NewFromInt(30)
	today, err := Reprice(a, OptionIstioSidecar, &book)
	require.NoError(t, err)
	assert.True(t, today.P50.LessThan(signed.P50), "a discount lowers the price: %s vs %s", today.P50, signed.P50)
	_, err = Reprice(a, "gone", nil)
	assert.Error(t, err)
}

func TestVerdictIsTheRecommendationWithoutFlips(t *testing.T) {
	a := DefaultAssessment()
	a.Services, a.Needs.MTLS, a.Needs.L7Split = 120, true, true
	e, err := Compute(a)
	require.NoError(t, err)
	full, quick := Recommend(a, e), Verdict(a, e)
	assert.Equal(t, full.Top, quick.Top)
	assert.Equal(t, full.Headline, quick.Headline)
	assert.Empty(t, quick.Flips)
}
