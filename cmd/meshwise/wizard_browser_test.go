package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
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

// shots saves full-page screenshots of a browser test under test-output/.
type shots struct {
	t   *testing.T
	dir string
	n   int
}

func newShots(t *testing.T, name string) *shots {
	dir := os.Getenv("MESHWISE_TEST_OUTPUT")
	if dir == "" {
		dir = filepath.Join("..", "..", "test-output")
	}
	dir = filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return &shots{t: t, dir: dir}
}

func (s *shots) take(label string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var png []byte
		if err := chromedp.FullScreenshot(&png, 100).Do(ctx); err != nil {
			return err
		}
		s.n++
		return os.WriteFile(filepath.Join(s.dir, fmt.Sprintf("%02d-%s.png", s.n, label)), png, 0o644)
	})
}

// next presses "Save and continue" and waits for the page it leads to.
func next(waitFor string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.Click(`[data-testid="next"]`, chromedp.ByQuery),
		chromedp.WaitVisible(waitFor, chromedp.ByQuery),
	}
}

func TestBrowserWizardToResults(t *testing.T) {
	db := storetest.NewDatabase(t)
	s := startServer(t, db, nil)
	waitReady(t, s, 20*time.Second)
	ctx := newBrowser(t)
	shot := newShots(t, "wizard")
	architect := seed(t, db, "architect@example.com", model.RoleArchitect)

	var headline, resultsURL string
	require.NoError(t, chromedp.Run(ctx,
		signInBrowser(s.URL, architect),
		chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(`[data-testid="start-form"]`, chromedp.ByQuery),
		chromedp.SetValue(`#start-title`, "Payments platform", chromedp.ByQuery),
		shot.take("home"),
		chromedp.Click(`[data-testid="start"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action$="/steps/1"]`, chromedp.ByQuery),
		chromedp.SetValue(`[name="services"]`, "40", chromedp.ByQuery),
		chromedp.SetValue(`[name="pods"]`, "150", chromedp.ByQuery),
		chromedp.SetValue(`[name="cluster"]`, "prod-weu", chromedp.ByQuery),
		shot.take("step1"),
		next(`form[action$="/steps/2"]`),
		chromedp.Click(`[name="needs.mtls"]`, chromedp.ByQuery),
		chromedp.Click(`[name="needs.l7_split"]`, chromedp.ByQuery),
		shot.take("step2"),
		next(`form[action$="/steps/3"]`),
		shot.take("step3"),
		next(`[data-testid="headline"]`),
		chromedp.Text(`[data-testid="headline"]`, &headline, chromedp.ByQuery),
		chromedp.Location(&resultsURL),
		shot.take("results"),
	))
	assert.Equal(t, "A mesh is warranted (3 of 5 checklist answers are yes): Istio sidecar (AKS add-on).", headline)

	// The page's figures equal the API's estimate for the same inputs.
	id := strings.TrimSuffix(strings.TrimPrefix(resultsURL, s.URL+"/assessments/"), "/results")
	saved := fetchEstimateDoc(t, s.URL+"/assessments/"+id+"/estimate.json", architect.Token)
	assert.Equal(t, 150, saved.Estimate.Assessment.Pods)
	body, err := json.Marshal(saved.Estimate.Assessment)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, s.URL+"/api/v1/estimates", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+architect.Token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var api model.Estimate
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&api))
	for _, o := range api.Options {
		var shown string
		require.NoError(t, chromedp.Run(ctx, chromedp.Text(`[data-testid="total-`+o.ID+`"]`, &shown, chromedp.ByQuery)))
		assert.Equal(t, o.Monthly.Total.StringFixed(2), shown, "monthly total of %s", o.ID)
	}
	// Ranges, the price basis and the spare room are on the page, and the
	// ranges equal the JSON download's.
	require.NotNil(t, saved.Estimate.Ranges)
	for _, o := range saved.Estimate.Ranges.Options {
		var shown string
		require.NoError(t, chromedp.Run(ctx, chromedp.Text(`[data-testid="total-range-`+o.ID+`"]`, &shown, chromedp.ByQuery)))
		assert.Equal(t, o.Monthly.P10.StringFixed(0)+"–"+o.Monthly.P90.StringFixed(0), shown, "range of %s", o.ID)
	}
	var basis, room, method string
	var previews, tooSmall int
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Text(`[data-testid="price-basis"]`, &basis, chromedp.ByQuery),
		chromedp.Text(`[data-testid="room"]`, &room, chromedp.ByQuery),
		chromedp.Text(`[data-testid="money-method"]`, &method, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('[data-testid^="preview-"]').length`, &previews),
		chromedp.Evaluate(`document.querySelectorAll('.badge.too-small').length`, &tooSmall),
	))
	assert.Contains(t, basis, "Standard_D4s_v5 at 0.192 USD per hour (East US, 2025-12-01")
	assert.Contains(t, room, "70% requested today")
	assert.Contains(t, method, "whole added nodes")
	assert.Equal(t, 2, previews, "Application Network and Cilium mTLS are flagged as previews")
	assert.Positive(t, tooSmall, "Linkerd's 20Mi HA proxy request is below its measured working set")
	var charts int
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.querySelectorAll('figure.chart svg[role=img] title').length`, &charts)))
	assert.GreaterOrEqual(t, charts, 2, "both charts render as titled SVG")

	// Back to the checklist, drop both needs: the verdict changes.
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(s.URL+"/assessments/"+id+"/steps/2"),
		chromedp.WaitVisible(`form[action$="/steps/2"]`, chromedp.ByQuery),
		chromedp.Click(`[name="needs.mtls"]`, chromedp.ByQuery),
		chromedp.Click(`[name="needs.l7_split"]`, chromedp.ByQuery),
		next(`form[action$="/steps/3"]`),
		next(`[data-testid="headline"]`),
		chromedp.Text(`[data-testid="headline"]`, &headline, chromedp.ByQuery),
		shot.take("results-changed"),
	))
	assert.Equal(t, "You do not need a service mesh (1 of 5 checklist answers are yes): No mesh (network policies + app retries + OpenTelemetry).", headline)
	var services string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(s.URL+"/assessments/"+id+"/steps/1"),
		chromedp.Value(`[name="services"]`, &services, chromedp.ByQuery),
	))
	assert.Equal(t, "40", services, "going back keeps every answer")
}

func TestBrowserWizardShowsFieldMessages(t *testing.T) {
	db := storetest.NewDatabase(t)
	s := startServer(t, db, nil)
	waitReady(t, s, 20*time.Second)
	ctx := newBrowser(t)
	shot := newShots(t, "wizard-errors")
	architect := seed(t, db, "architect@example.com", model.RoleArchitect)

	var podsMsg, nodesMsg, summary, podsValue string
	require.NoError(t, chromedp.Run(ctx,
		signInBrowser(s.URL, architect),
		chromedp.Navigate(s.URL+"/assessments/new"),
		chromedp.Click(`[data-testid="start"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action$="/steps/1"]`, chromedp.ByQuery),
		chromedp.SetValue(`[name="pods"]`, "a hundred", chromedp.ByQuery),
		chromedp.SetValue(`[name="nodes"]`, "0", chromedp.ByQuery),
		chromedp.Click(`[data-testid="next"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="error-summary"]`, chromedp.ByQuery),
		chromedp.Text(`[data-testid="error-pods"]`, &podsMsg, chromedp.ByQuery),
		chromedp.Text(`[data-testid="error-summary"]`, &summary, chromedp.ByQuery),
		chromedp.Value(`[name="pods"]`, &podsValue, chromedp.ByQuery),
		shot.take("step1-errors"),
	))
	assert.Equal(t, "Pods to mesh must be a whole number", podsMsg)
	assert.Equal(t, "a hundred", podsValue, "what was typed stays in the box")
	assert.Contains(t, summary, "pods")

	require.NoError(t, chromedp.Run(ctx,
		chromedp.SetValue(`[name="pods"]`, "100", chromedp.ByQuery),
		chromedp.Click(`[data-testid="next"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="error-nodes"]`, chromedp.ByQuery),
		chromedp.Text(`[data-testid="error-nodes"]`, &nodesMsg, chromedp.ByQuery),
	))
	assert.Equal(t, "Nodes today must be a whole number from 1 to 5000 (got 0)", nodesMsg)

	// A cluster that cannot exist is refused, not priced: 100,000 pods on
	// one node, and requests today beyond what the nodes offer.
	var impossible, tooFull string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.SetValue(`[name="pods"]`, "100000", chromedp.ByQuery),
		chromedp.SetValue(`[name="nodes"]`, "1", chromedp.ByQuery),
		chromedp.Click(`[data-testid="next"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="error-pods"]`, chromedp.ByQuery),
		chromedp.Text(`[data-testid="error-pods"]`, &impossible, chromedp.ByQuery),
		shot.take("step1-impossible"),
		chromedp.SetValue(`[name="pods"]`, "100", chromedp.ByQuery),
		chromedp.SetValue(`[name="nodes"]`, "6", chromedp.ByQuery),
		chromedp.SetValue(`[name="fill_mode"]`, "per_pod", chromedp.ByQuery),
		chromedp.SetValue(`[name="app_cpu_m_per_pod"]`, "250", chromedp.ByQuery),
		chromedp.Click(`[data-testid="next"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="error-app_cpu_m_per_pod"]`, chromedp.ByQuery),
		chromedp.Text(`[data-testid="error-app_cpu_m_per_pod"]`, &tooFull, chromedp.ByQuery),
	))
	assert.Contains(t, impossible, "100000 pods cannot run on 1 node(s)")
	assert.Contains(t, tooFull, "exceed the allocatable CPU of 6 node(s) (23.16 cores)")
}

type estimateDoc struct {
	Estimate       model.Estimate       `json:"estimate"`
	Recommendation model.Recommendation `json:"recommendation"`
}

func fetchEstimateDoc(t *testing.T, u, token string) estimateDoc {
	t.Helper()
	resp, body := getAs(t, u, token)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var doc estimateDoc
	require.NoError(t, json.Unmarshal([]byte(body), &doc))
	return doc
}

// The assumptions page lists every default to anyone, assumptions marked A.
func TestBrowserAssumptionsPage(t *testing.T) {
	db := storetest.NewDatabase(t)
	s := startServer(t, db, nil)
	waitReady(t, s, 20*time.Second)
	ctx := newBrowser(t)
	shot := newShots(t, "assumptions")
	var rows, assumed int
	var scrape string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(s.URL+"/assumptions"),
		chromedp.WaitVisible(`[data-testid="assumptions"]`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('[data-testid="assumptions"] tbody tr').length`, &rows),
		chromedp.Evaluate(`document.querySelectorAll('[data-testid="assumptions"] tr[data-status="A"] .badge.assumption').length`, &assumed),
		chromedp.Evaluate(`[...document.querySelectorAll('[data-testid="assumptions"] tbody tr')].find(r => r.textContent.includes('Scrape interval')).dataset.status`, &scrape),
		shot.take("assumptions"),
	))
	assert.Equal(t, len(model.Assumptions()), rows)
	assert.Greater(t, assumed, 10)
	assert.Equal(t, model.StatusAssumption, scrape, "the unsourced scrape interval is shown as an assumption")
}
