package model

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every default names a known source with a status, and every ranged
// figure and every component of the catalogue appears.
func TestAssumptionsListEveryDefault(t *testing.T) {
	list := Assumptions()
	seen := map[string]bool{}
	assumed := 0
	for _, x := range list {
		src, ok := Sources[x.Source]
		assert.True(t, ok, "%s: unknown source %q", x.Name, x.Source)
		assert.Equal(t, src.Status, x.Status, x.Name)
		assert.NotEmpty(t, x.Value, x.Name)
		assert.NotEmpty(t, x.UsedIn, x.Name)
		seen[x.Group+"/"+x.Name] = true
		if x.Status == StatusAssumption {
			assumed++
		}
	}
	for _, o := range Catalog {
		for _, c := range o.Components {
			assert.True(t, seen["Requests/"+o.Name+": "+c.Name], "%s/%s", o.ID, c.ID)
		}
	}
	for _, f := range RangedFigures {
		assert.True(t, seen["Ranged figures/"+f.Label], f.ID)
	}
	assert.True(t, seen["Telemetry/Scrape interval"])
	assert.True(t, seen["Cluster/How full the nodes are"])
	assert.Greater(t, assumed, 10, "the unsourced defaults the issue lists are shown as assumptions")
}
