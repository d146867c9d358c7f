package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
	"meshwise/store/storetest"
)

// An architect uploads a pods and a nodes file and lands in the wizard with
// the derived figures.
func TestBrowserImportPrefillsTheWizard(t *testing.T) {
	db := storetest.NewDatabase(t)
	s := startServer(t, db, nil)
	waitReady(t, s, 20*time.Second)
	ctx := newBrowser(t)
	shot := newShots(t, "import")
	architect := seed(t, db, "architect@example.com", model.RoleArchitect)
	dir, err := filepath.Abs(filepath.Join("..", "..", "model", "cluster", "testdata"))
	require.NoError(t, err)

	var mesh, pods, nodes string
	require.NoError(t, chromedp.Run(ctx,
		signInBrowser(s.URL, architect),
		chromedp.Navigate(s.URL+"/import"),
		chromedp.WaitVisible(`[data-testid="import-form"]`, chromedp.ByQuery),
		chromedp.SetUploadFiles(`#files`, []string{filepath.Join(dir, "pods.json"), filepath.Join(dir, "nodes.json")}, chromedp.ByQuery),
		chromedp.Click(`[data-testid="upload"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="existing-mesh"]`, chromedp.ByQuery),
		chromedp.Text(`[data-testid="existing-mesh"]`, &mesh, chromedp.ByQuery),
		shot.take("inventory"),
		chromedp.Click(`[data-testid="start-prefilled"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action$="/steps/1"]`, chromedp.ByQuery),
		chromedp.Value(`[name="pods"]`, &pods, chromedp.ByQuery),
		chromedp.Value(`[name="nodes"]`, &nodes, chromedp.ByQuery),
		shot.take("wizard-prefilled"),
	))
	assert.Equal(t, "Istio sidecar, Istio ambient, Linkerd", mesh)
	assert.Equal(t, "5", pods)
	assert.Equal(t, "4", nodes)
}

// An architect uploads az aks show, the nodes and the pods and lands in a
// wizard whose cluster, resource group, node size and spare room come from
// the files.
func TestBrowserImportAKSPrefillsClusterSKUAndSpareRoom(t *testing.T) {
	db := storetest.NewDatabase(t)
	s := startServer(t, db, nil)
	waitReady(t, s, 20*time.Second)
	ctx := newBrowser(t)
	shot := newShots(t, "import-aks")
	architect := seed(t, db, "architect-aks@example.com", model.RoleArchitect)
	dir, err := filepath.Abs(filepath.Join("..", "..", "model", "cluster", "testdata"))
	require.NoError(t, err)

	var source, cluster, group, sku, vcpu, location, spareCores, spareGiB string
	require.NoError(t, chromedp.Run(ctx,
		signInBrowser(s.URL, architect),
		chromedp.Navigate(s.URL+"/import"),
		chromedp.WaitVisible(`[data-testid="import-form"]`, chromedp.ByQuery),
		chromedp.SetUploadFiles(`#files`, []string{filepath.Join(dir, "aks-show.json"), filepath.Join(dir, "nodes-aks.json"), filepath.Join(dir, "pods-istio.json")}, chromedp.ByQuery),
		chromedp.Click(`[data-testid="upload"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="provenance"]`, chromedp.ByQuery),
		chromedp.Text(`[data-testid="source-resource_group"]`, &source, chromedp.ByQuery),
		shot.take("inventory"),
		chromedp.Click(`[data-testid="start-prefilled"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action$="/steps/1"]`, chromedp.ByQuery),
		chromedp.Value(`[name="cluster"]`, &cluster, chromedp.ByQuery),
		chromedp.Value(`[name="resource_group"]`, &group, chromedp.ByQuery),
		chromedp.Value(`[name="node_sku"]`, &sku, chromedp.ByQuery),
		chromedp.Value(`[name="custom_sku.vcpu"]`, &vcpu, chromedp.ByQuery),
		chromedp.Location(&location),
		shot.take("wizard-step-1"),
	))
	assert.Equal(t, "measured", source)
	assert.Equal(t, "skg-aks-cluster", cluster)
	assert.Equal(t, "aks-test-rg", group)
	assert.Equal(t, model.CustomSKU, sku, "Standard_D2as_v5 is not in the catalog")
	assert.Equal(t, "2", vcpu, "its size, from the nodes")

	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(strings.Replace(location, "/steps/1", "/steps/3", 1)),
		chromedp.WaitVisible(`[name="spare_cores"]`, chromedp.ByQuery),
		chromedp.Value(`[name="spare_cores"]`, &spareCores, chromedp.ByQuery),
		chromedp.Value(`[name="spare_gib"]`, &spareGiB, chromedp.ByQuery),
		shot.take("wizard-step-3"),
	))
	assert.Equal(t, "2.7", spareCores, "2 × 1.9 allocatable cores less 1.1 requested")
	assert.Equal(t, "9.54", spareGiB)
}
