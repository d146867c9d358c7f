package main

import (
	"path/filepath"
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
