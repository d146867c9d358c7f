package model

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// By hand: D4s_v5 at $0.192 list, 20% agreement discount, half the
// node-hours reserved at 40% off → 0.192 x 0.8 x (1 - 0.5 x 0.4) = 0.12288
// USD; at 0.9 EUR per USD, 0.110592 EUR per hour. The sidecar option adds 4
// whole nodes: 4 x 0.110592 x 730 = 322.92864 EUR. Metrics: 28.17216 USD x
// 0.9 = 25.354944 EUR.
func TestAgreementReservationsAndCurrency(t *testing.T) {
	a := noRoom()
	a.Pricing.Currency = "EUR"
	a.Pricing.AgreementDiscountPercent = d("20")
	a.Pricing.ReservedSharePercent, a.Pricing.ReservedDiscountPercent = d("50"), d("40")
	a.Pricing.ExchangeRate, a.Pricing.ExchangeRateDate = d("0.9"), "2026-11-28"
	e := mustCompute(t, a)
	assertDec(t, "0.110592", e.Price.EffectiveHourly)
	assertDec(t, "0.192", e.Price.ListHourly)
	assert.Equal(t, "East US", e.Price.Region)
	assert.Equal(t, "2025-12-01", e.Price.PriceDate)
	assert.Equal(t, "2026-11-28", e.Price.RateDate)
	assert.Empty(t, e.Price.Notes)
	assertDec(t, "0.192", e.SKU.HourlyPrice, "the SKU keeps its list price for display")
	o := option(t, e, OptionIstioSidecar)
	assert.Equal(t, 4, o.AddedNodes)
	assertDec(t, "322.92864", o.Monthly.NodesAdded)
	assertDec(t, "25.354944", o.Monthly.Telemetry)
	assert.True(t, o.Monthly.Invoice.Equal(o.Monthly.NodesAdded.Add(o.Monthly.Telemetry).Add(o.Monthly.Fees)))
	assert.Equal(t, "EUR", e.Currency)
}

// EUR without a rate no longer silently relabels USD: the basis says so.
// A rate without its date is refused.
func TestCurrencyWithoutARate(t *testing.T) {
	a := DefaultAssessment()
	a.Pricing.Currency = "EUR"
	e := mustCompute(t, a)
	require.Len(t, e.Price.Notes, 1)
	assert.Contains(t, e.Price.Notes[0], "USD list prices shown as EUR")

	a.Pricing.ExchangeRate = d("0.9")
	assert.Contains(t, fieldsOf(t, a.Validate()), "pricing.exchange_rate_date")
}

// Whole nodes and the share method side by side, with the one sentence.
func TestTwoMoneyViews(t *testing.T) {
	e := mustCompute(t, noRoom())
	o := option(t, e, OptionIstioSidecar)
	assertDec(t, "560.64", o.Monthly.NodesAdded)
	assertDec(t, "588.81", o.Monthly.Invoice.Round(2), "560.64 + 28.17216 telemetry")
	assertDec(t, "360.65", o.Monthly.Total.Round(2), "332.48 planned share + 28.17 telemetry")
	assert.Contains(t, e.Price.Method, "whole")
	assert.Contains(t, e.Price.Method, "chargeback")
}

// Linkerd: edge releases only by default (no licence, flagged); a licence
// per cluster is a fee; ACNS is a visible input priced per node-hour.
func TestLicenceAndACNSFees(t *testing.T) {
	a := noRoom()
	o := option(t, mustCompute(t, a), OptionLinkerd)
	assertDec(t, "0", o.Monthly.Fees)
	assert.Contains(t, o.Notes[len(o.Notes)-1], "edge releases only")

	a.Pricing.LinkerdLicensePerClusterMonth, a.Clusters = d("2000"), 2
	a.Pricing.ACNSPerNodeHour = d("0.025")
	e := mustCompute(t, a)
	assertDec(t, "4000", option(t, e, OptionLinkerd).Monthly.Fees)
	c := option(t, e, OptionCilium) // 6 + 1 nodes x 0.025 x 730 = 127.75
	assertDec(t, "127.75", c.Monthly.Fees)
}
