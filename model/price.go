package model

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// PriceBasis says where the node price comes from and how it became the
// price the estimate uses: list price, agreement discount, reservation or
// savings-plan share, and the exchange rate into the shown currency.
type PriceBasis struct {
	SKU               string          `json:"sku"`
	ListHourly        decimal.Decimal `json:"list_hourly_usd"`
	Region            string          `json:"region"`
	PriceDate         string          `json:"price_date"`
	Source            string          `json:"source"` // a key of Sources
	Status            string          `json:"status"`
	AgreementDiscount decimal.Decimal `json:"agreement_discount_percent"`
	ReservedShare     decimal.Decimal `json:"reserved_share_percent"`
	ReservedDiscount  decimal.Decimal `json:"reserved_discount_percent"`
	EffectiveHourly   decimal.Decimal `json:"effective_hourly"` // in Currency
	Currency          string          `json:"currency"`
	ExchangeRate      decimal.Decimal `json:"exchange_rate"` // Currency per USD
	RateDate          string          `json:"exchange_rate_date,omitempty"`
	Formula           string          `json:"formula"`
	Method            string          `json:"method"` // whole nodes against the share method, in one sentence
	Notes             []string        `json:"notes,omitempty"`
}

// MoneyMethod is the one sentence on why the two money views differ.
const MoneyMethod = "The invoice grows by whole added nodes (nodes are bought whole); a chargeback (OpenCost, AKS cost analysis) bills only the planned requests at unit prices, so the two differ by the unrequested part of added nodes, which is idle capacity, less the spare room already paid for that the mesh fills."

var hundred = decimal.NewFromInt(100)

// rate is the exchange rate into the shown currency: 1 when none is given.
func (p Pricing) rate() decimal.Decimal {
	if p.ExchangeRate.IsPositive() {
		return p.ExchangeRate
	}
	return decimal.NewFromInt(1)
}

// converted reports whether any discount or exchange rate changes prices.
func (p Pricing) converted() bool {
	return p.AgreementDiscountPercent.IsPositive() || (p.ReservedSharePercent.IsPositive() && p.ReservedDiscountPercent.IsPositive()) ||
		(p.ExchangeRate.IsPositive() && !p.ExchangeRate.Equal(decimal.NewFromInt(1)))
}

// pricedInputs returns the assessment with every price in the shown
// currency after discounts, the SKU at its effective price, and the basis
// that explains it. Without discounts or a rate nothing is converted.
func pricedInputs(a Assessment) (Assessment, NodeSKU, PriceBasis) {
	s := a.skuOf()
	p := a.Pricing
	b := PriceBasis{SKU: s.Name, ListHourly: s.HourlyPrice, Region: s.Region, PriceDate: s.PriceDate, Source: "sku-prices", Status: s.Status,
		AgreementDiscount: p.AgreementDiscountPercent, ReservedShare: p.ReservedSharePercent, ReservedDiscount: p.ReservedDiscountPercent,
		Currency: p.Currency, ExchangeRate: p.rate(), RateDate: p.ExchangeRateDate, EffectiveHourly: s.HourlyPrice, Method: MoneyMethod,
		Formula: "effective = list x (1 - agreement%) x (1 - reserved share% x reserved discount%) x exchange rate"}
	if s.Name == CustomSKU {
		b.Region, b.PriceDate, b.Source, b.Status = "your price", "as entered", "assumption", StatusAssumption
	}
	if p.Currency != "USD" && !p.ExchangeRate.IsPositive() {
		b.Notes = append(b.Notes, fmt.Sprintf("Prices are USD list prices shown as %s without conversion: enter the exchange rate and its date.", p.Currency))
	}
	if !p.converted() {
		return a, s, b
	}
	one := decimal.NewFromInt(1)
	factor := one.Sub(p.AgreementDiscountPercent.Div(hundred)).
		Mul(one.Sub(p.ReservedSharePercent.Mul(p.ReservedDiscountPercent).Div(hundred).Div(hundred)))
	r := p.rate()
	s.HourlyPrice = s.HourlyPrice.Mul(factor).Mul(r)
	b.EffectiveHourly = s.HourlyPrice
	a.Pricing.LogPerGB = p.LogPerGB.Mul(r)
	a.Pricing.TracePerGB = p.TracePerGB.Mul(r)
	a.Pricing.MetricsPer10M = p.MetricsPer10M.Mul(r)
	a.Pricing.ACNSPerNodeHour = p.ACNSPerNodeHour.Mul(r)
	a.Pricing.LinkerdLicensePerClusterMonth = p.LinkerdLicensePerClusterMonth.Mul(r)
	return a, s, b
}
