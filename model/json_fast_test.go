package model

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The hand-written encoders write what encoding/json would, and read back.
func TestFastEncodersMatchEncodingJSON(t *testing.T) {
	a := DefaultAssessment()
	a.Needs.Tracing, a.Needs.AuditLogs, a.Needs.L7Split = true, true, true
	e := mustCompute(t, a)
	type plainMoney Money
	type plainTel TelemetryEstimate
	type plainLat Latency
	for _, o := range e.Options {
		o.Latency.Note += " \"quoted\" \\ tab\t …"
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
	assert.True(t, back.Options[0].Monthly.Total.Equal(e.Options[0].Monthly.Total))
	assert.Equal(t, e.Options[0].Latency.Note, back.Options[0].Latency.Note)
}
