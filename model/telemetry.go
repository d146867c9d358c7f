package model

import "github.com/shopspring/decimal"

var secondsPerHour = decimal.NewFromInt(3600)

// Exact powers of ten as shifts: per 10 million samples, per decimal GB
// (Azure bills 10^9 bytes), per cent.
const (
	shiftTenMillion = -7
	shiftGB         = -9
	shiftPercent    = -2
)

// telemetryOf prices the observability an option adds:
//
//	series  = services x callees x series per pair x response codes
//	samples = series x hours x 3600 / scrape interval
//	spans   = rps x seconds x spans per hop x sampling%   (when tracing is needed)
//	logs    = rps x seconds x access-log bytes            (when audit logs are needed)
func telemetryOf(a Assessment, o *Option, l7 bool) TelemetryEstimate {
	t := a.Telemetry
	p := a.Pricing
	seconds := p.HoursPerMonth.Mul(secondsPerHour)
	rpsSeconds := func() decimal.Decimal { return decimal.NewFromInt(int64(a.EastWestRPS)).Mul(seconds) }

	perPair := o.MetricSeriesPerPair
	spansPerHop := o.SpansPerHop
	if l7 {
		perPair += o.MetricSeriesL7
		spansPerHop += o.SpansPerHopL7
	}
	te := TelemetryEstimate{
		MetricSeries:  int64(a.Services) * int64(t.CalleesPerService) * perPair * int64(t.ResponseCodes),
		SpansPerMonth: decimal.Zero,
		TraceGB:       decimal.Zero,
		AccessLogGB:   decimal.Zero,
		TracesCost:    decimal.Zero,
		LogsCost:      decimal.Zero,
	}
	te.MetricSamplesPerMonth, te.MetricsCost = decimal.Zero, decimal.Zero
	if te.MetricSeries > 0 {
		te.MetricSamplesPerMonth = decimal.NewFromInt(te.MetricSeries).Mul(seconds).Div(decimal.NewFromInt(int64(t.ScrapeSeconds)))
		te.MetricsCost = te.MetricSamplesPerMonth.Shift(shiftTenMillion).Mul(p.MetricsPer10M)
	}
	if o.MetricSource != "" {
		te.Sources = append(te.Sources, o.MetricSource, "price-prometheus")
	}
	if a.Needs.Tracing && spansPerHop > 0 {
		te.SpansPerMonth = rpsSeconds().Mul(decimal.NewFromInt(spansPerHop)).Mul(t.TraceSamplingPercent).Shift(shiftPercent)
		te.TraceGB = te.SpansPerMonth.Mul(decimal.NewFromInt(int64(t.SpanBytes))).Shift(shiftGB)
		te.TracesCost = te.TraceGB.Mul(p.TracePerGB)
		te.Sources = append(te.Sources, o.SpanSource, "istio-trace-sampling")
	}
	if a.Needs.AuditLogs && o.AccessLogBytes > 0 {
		te.AccessLogGB = rpsSeconds().Mul(decimal.NewFromInt(o.AccessLogBytes)).Shift(shiftGB)
		te.LogsCost = te.AccessLogGB.Mul(p.LogPerGB)
		te.Sources = append(te.Sources, o.AccessLogSource, "price-log-analytics")
	}
	return te
}
