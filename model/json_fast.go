package model

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// Hand-written encoders for the structs an estimate repeats per option. They
// write the same JSON encoding/json would (decimals as strings), without a
// reflection walk and a Marshaler call per figure: the API answers faster.

func appendDec(b []byte, key string, d decimal.Decimal, comma bool) []byte {
	if comma {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, key...)
	b = append(b, `":"`...)
	b = append(b, d.String()...)
	return append(b, '"')
}

// MarshalJSON encodes Money.
func (m Money) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 256)
	b = append(b, '{')
	b = appendDec(b, "nodes_added", m.NodesAdded, false)
	b = appendDec(b, "requests", m.Requests, true)
	b = appendDec(b, "planned", m.Planned, true)
	b = appendDec(b, "usage", m.Usage, true)
	b = appendDec(b, "telemetry", m.Telemetry, true)
	b = appendDec(b, "fees", m.Fees, true)
	b = appendDec(b, "total", m.Total, true)
	b = appendDec(b, "invoice", m.Invoice, true)
	return append(b, '}'), nil
}

// UnmarshalJSON decodes Money.
func (m *Money) UnmarshalJSON(b []byte) error {
	type plain Money
	return unmarshalPlain(b, (*plain)(m))
}

// MarshalJSON encodes TelemetryEstimate.
func (t TelemetryEstimate) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 512)
	b = append(b, `{"metric_series":`...)
	b = strconv.AppendInt(b, t.MetricSeries, 10)
	b = appendDec(b, "metric_samples_per_month", t.MetricSamplesPerMonth, true)
	b = appendDec(b, "spans_per_month", t.SpansPerMonth, true)
	b = appendDec(b, "trace_gb", t.TraceGB, true)
	b = appendDec(b, "access_log_gb", t.AccessLogGB, true)
	b = appendDec(b, "metrics_cost", t.MetricsCost, true)
	b = appendDec(b, "traces_cost", t.TracesCost, true)
	b = appendDec(b, "logs_cost", t.LogsCost, true)
	b = append(b, `,"sources":`...)
	b = appendStrings(b, t.Sources)
	return append(b, '}'), nil
}

// UnmarshalJSON decodes TelemetryEstimate.
func (t *TelemetryEstimate) UnmarshalJSON(b []byte) error {
	type plain TelemetryEstimate
	return unmarshalPlain(b, (*plain)(t))
}

// MarshalJSON encodes Latency.
func (l Latency) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 384)
	b = append(b, '{')
	b = appendDec(b, "per_hop_p50_ms", l.PerHopP50, false)
	b = appendDec(b, "per_hop_p90_ms", l.PerHopP90, true)
	b = appendDec(b, "per_hop_p99_ms", l.PerHopP99, true)
	b = appendDec(b, "p50_ms", l.P50, true)
	b = appendDec(b, "p90_ms", l.P90, true)
	b = appendDec(b, "p99_ms", l.P99, true)
	b = append(b, `,"sources":`...)
	b = appendStrings(b, l.Sources)
	b = append(b, `,"note":`...)
	b = appendString(b, l.Note)
	return append(b, '}'), nil
}

// UnmarshalJSON decodes Latency.
func (l *Latency) UnmarshalJSON(b []byte) error {
	type plain Latency
	return unmarshalPlain(b, (*plain)(l))
}

func appendStrings(b []byte, list []string) []byte {
	if list == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

func unmarshalPlain(b []byte, v any) error { return json.Unmarshal(b, v) }

// appendString writes s as a JSON string.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[r>>4], hex[r&0xf])
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}
