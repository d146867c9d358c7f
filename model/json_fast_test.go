package model

import (
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The hand-written encoders write what encoding/json would (money rounded
// to the cent), and read back.
func TestFastEncodersMatchEncodingJSON(t *testing.T) {
	a := DefaultAssessment()
	a.Needs.Tracing, a.Needs.AuditLogs, a.Needs.L7Split = true, true, true
	e := mustCompute(t, a)
	type plainMoney Money
	type plainTel TelemetryEstimate
	type plainLat Latency
	for _, o := range e.Options {
		o.Latency.Note += " \"quoted\" \\ tab\t …"
		raw := o
		m := &o.Monthly
		for _, d := range []*decimal.Decimal{&m.NodesAdded, &m.Requests, &m.Planned, &m.Usage, &m.Telemetry, &m.Fees, &m.Total, &m.Invoice,
			&o.Telemetry.MetricsCost, &o.Telemetry.TracesCost, &o.Telemetry.LogsCost} {
			*d = d.Round(2)
		}
		fastMoney, err := json.Marshal(raw.Monthly)
		require.NoError(t, err)
		stdMoney, err := json.Marshal(plainMoney(o.Monthly))
		require.NoError(t, err)
		assert.JSONEq(t, string(stdMoney), string(fastMoney), "%s: money in cents", o.ID)
		pairs := []struct{ fast, std any }{
			{o.Monthly, plainMoney(o.Monthly)}, {o.Telemetry, plainTel(o.Telemetry)}, {o.Latency, plainLat(o.Latency)},
		}
		for _, p := range pairs {
			fast, err := json.Marshal(p.fast)
			require.NoError(t, err)
			std, err := json.Marshal(p.std)
			require.NoError(t, err)
			assert.JSONEq(t, string(std), string(fast), o.ID)
		}
	}
	b, err := json.Marshal(e)
	require.NoError(t, err)
	var back Estimate
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, back.Options[0].Monthly.Total.Equal(e.Options[0].Monthly.Total.Round(2)))
	assert.Equal(t, e.Options[0].Latency.Note, back.Options[0].Latency.Note)
}
