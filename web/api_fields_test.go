package web_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/web"
)

// The API names every offending field in one answer (a 20-digit number as
// out of range), and refuses a cluster name that would break a command.
func TestEstimateAPIFieldsAndExplanations(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	resp, body := post(t, ts.URL+"/api/v1/estimates", "application/json", `{"pods": -5, "services": "many", "east_west_rps": 123456789012345678901}`)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	var p web.Problem
	require.NoError(t, json.Unmarshal(body, &p))
	got := map[string]string{}
	for _, fe := range p.Errors {
		got[fe.Field] = fe.Message
	}
	assert.Contains(t, got["pods"], "from 0 to 100000")
	assert.Contains(t, got["services"], "must be a whole number")
	assert.Contains(t, got["east_west_rps"], "is out of range")

	resp, body = post(t, ts.URL+"/api/v1/estimates", "application/json",
		`{"services": 120, "pods": 600, "nodes": 30, "needs": {"mtls": true, "l7_split": true}, "cluster": "aks prod;rm -rf /"}`)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.NoError(t, json.Unmarshal(body, &p))
	require.Len(t, p.Errors, 1)
	assert.Equal(t, "cluster", p.Errors[0].Field)
}
