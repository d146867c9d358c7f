package web_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/web"
)

// The estimate histogram counts every estimate the API computes, and
// nothing for a body refused before the engine runs.
func TestEstimateTimeIsMeasured(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	for _, body := range []string{`{"pods":10}`, `{"pods":200}`, `{"pods":3000,"nodes":20,"needs":{"mtls":true}}`} {
		resp, b := post(t, ts.URL+"/api/v1/estimates", "application/json", body)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
	}
	resp, _ := post(t, ts.URL+"/api/v1/estimates", "application/json", `{"pods":-1}`)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)

	resp, err := http.Get(ts.URL + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	metrics, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Contains(t, string(metrics), `meshwise_estimate_duration_seconds_count{caller="api"} 3`)
	assert.Contains(t, string(metrics), `meshwise_estimate_duration_seconds_bucket{caller="api",le="0.1"} 3`)
}
