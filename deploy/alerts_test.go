package deploy

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAlertsWatchMetricsMeshwiseExports keeps the alert rules honest: every
// meshwise_* series an expression names must be a metric the server
// registers (histograms through their _bucket, _sum and _count series), so
// renaming a metric cannot leave an alert that never fires.
func TestAlertsWatchMetricsMeshwiseExports(t *testing.T) {
	exported := map[string]bool{}
	files, err := filepath.Glob("../*/*.go")
	require.NoError(t, err)
	more, err := filepath.Glob("../cmd/*/*.go")
	require.NoError(t, err)
	declared := regexp.MustCompile(`Name:\s+"(meshwise_[a-z_]+)"`)
	for _, f := range append(files, more...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range declared.FindAllStringSubmatch(string(b), -1) {
			exported[m[1]] = true
		}
	}
	require.NotEmpty(t, exported, "found no metric declarations to check against")

	groups, err := prometheusGroups()
	require.NoError(t, err)
	named := regexp.MustCompile(`meshwise_[a-z_]+`)
	for _, g := range groups {
		for _, r := range g.Rules {
			for _, series := range named.FindAllString(r.Expr, -1) {
				base := series
				for _, suffix := range []string{"_bucket", "_sum", "_count"} {
					base = strings.TrimSuffix(base, suffix)
				}
				assert.True(t, exported[series] || exported[base], "alert %s watches %s, which meshwise does not export", r.Alert, series)
			}
		}
	}
}
