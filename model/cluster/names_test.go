package cluster

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
)

// An import whose cluster or resource group breaks the naming rules is
// refused, naming the field: the names go into generated commands.
func TestPrefillRefusesBadNames(t *testing.T) {
	tests := []struct {
		name, rg string
		fields   []string
	}{
		{"aks prod;rm -rf /", "rg-prod", []string{"cluster"}},
		{"aks-prod", "rg$(id)", []string{"resource_group"}},
		{"aks-prod", "rg-platform(eu)", nil},
	}
	for _, tt := range tests {
		inv := &Inventory{AKS: &AKSCluster{Name: tt.name, ResourceGroup: tt.rg}}
		pre, err := inv.Prefill()
		if tt.fields == nil {
			require.NoError(t, err)
			assert.Equal(t, tt.name, pre.Assessment.Cluster)
			assert.Equal(t, tt.rg, pre.Assessment.ResourceGroup)
			continue
		}
		var me *model.Error
		require.ErrorAs(t, err, &me, tt.name)
		var fields []string
		for _, fe := range me.Fields {
			fields = append(fields, fe.Field)
		}
		assert.Equal(t, tt.fields, fields)
	}
}
