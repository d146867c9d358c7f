package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
)

func writeAssessment(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "assessment.json")
	require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
	return p
}

func TestEstimateCommand(t *testing.T) {
	file := writeAssessment(t, `{"title":"payments","pods":100}`)
	// The default assessment: istio-sidecar totals 360.65 USD and adds 4.35 ms p99.
	tests := []struct {
		name     string
		args     []string
		wantExit int // 0 ok, 2 usage, 3 breach
		want     string
	}{
		{"table", []string{"-f", file}, 0, "istio-sidecar"},
		{"json", []string{"-f", file, "-o", "json"}, 0, `"model_version"`},
		{"csv", []string{"-f", file, "-o", "csv"}, 0, "option,requested_cores"},
		{"within cost budget", []string{"-f", file, "--option", "istio-sidecar", "--max-monthly-cost", "400"}, 0, ""},
		{"cost breach", []string{"-f", file, "--option", "istio-sidecar", "--max-monthly-cost", "300"}, 3, "exceeds --max-monthly-cost 300"},
		{"latency breach", []string{"-f", file, "--option", "istio-sidecar", "--max-added-p99-ms", "2"}, 3, "added p99 4.35 ms"},
		{"both budgets met by ambient", []string{"-f", file, "--option", "istio-ambient", "--max-monthly-cost", "100", "--max-added-p99-ms", "1"}, 0, ""},
		{"budget without option", []string{"-f", file, "--max-monthly-cost", "1"}, 2, "--option is required"},
		{"unknown option", []string{"-f", file, "--option", "consul"}, 2, `--option "consul"`},
		{"bad budget", []string{"-f", file, "--option", "linkerd", "--max-monthly-cost", "cheap"}, 2, "--max-monthly-cost"},
		{"missing file flag", []string{}, 2, "-f is required"},
		{"bad format", []string{"-f", file, "-o", "xml"}, 2, "want table, json or csv"},
		{"no such file", []string{"-f", "/nonexistent/a.json"}, 2, "no such file"},
		{"invalid assessment", []string{"-f", writeAssessment(t, `{"pods":-1,"nodes":0}`)}, 2, "pods must be a whole number from 0 to 100000 (got -1); nodes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"estimate"}, tt.args...), envOf(nil), &stdout, &stderr)
			exit := exitCodeOf(t, err)
			assert.Equal(t, tt.wantExit, exit, "err: %v", err)
			if tt.want != "" {
				all := stdout.String() + stderr.String()
				if err != nil {
					all += err.Error()
				}
				assert.Contains(t, all, tt.want)
			}
		})
	}
}

func TestEstimateCommandOutputsAgree(t *testing.T) {
	file := writeAssessment(t, `{}`)
	var js, cs bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"estimate", "-f", file, "-o", "json"}, envOf(nil), &js, &bytes.Buffer{}))
	require.NoError(t, run(context.Background(), []string{"estimate", "-f", file, "-o", "csv"}, envOf(nil), &cs, &bytes.Buffer{}))
	var e model.Estimate
	require.NoError(t, json.Unmarshal(js.Bytes(), &e))
	rows, err := csv.NewReader(&cs).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 1+len(e.Options))
	assert.Equal(t, append(append([]string{}, model.ComparisonHeader...), model.RangeHeader...), rows[0])
	require.NotNil(t, e.Ranges, "JSON carries the ranges")
	n := len(model.ComparisonHeader)
	for i, o := range e.Options {
		assert.Equal(t, o.ID, rows[i+1][0])
		assert.Equal(t, o.Monthly.Total.StringFixed(2), rows[i+1][11])
		rg, ok := e.Ranges.Option(o.ID)
		require.True(t, ok)
		assert.Equal(t, rg.Monthly.P10.StringFixed(2), rows[i+1][n+6], "CSV and JSON agree on the ranges")
		assert.Equal(t, rg.Monthly.P90.StringFixed(2), rows[i+1][n+8])
	}
}

// exitCodeOf maps run's error to the process exit status main would use.
func exitCodeOf(t *testing.T, err error) int {
	t.Helper()
	var ue usageError
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		return 2
	case errors.As(err, &ee):
		return ee.code
	}
	t.Fatalf("unexpected error type %T: %v", err, err)
	return -1
}
