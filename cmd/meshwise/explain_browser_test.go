package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
	"meshwise/store/storetest"
)

// throughWizard starts an assessment, sets step 1's boxes, ticks step 2's
// needs and lands on the results.
func throughWizard(base string, step1 map[string]string, needs ...string) chromedp.Tasks {
	ts := chromedp.Tasks{
		chromedp.Navigate(base + "/assessments/new"),
		chromedp.Click(`[data-testid="start"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action$="/steps/1"]`, chromedp.ByQuery),
	}
	for k, v := range step1 {
		ts = append(ts, chromedp.SetValue(`[name="`+k+`"]`, v, chromedp.ByQuery))
	}
	ts = append(ts, next(`form[action$="/steps/2"]`))
	for _, n := range needs {
		ts = append(ts, chromedp.Click(`[name="`+n+`"]`, chromedp.ByQuery))
	}
	return append(ts, next(`form[action$="/steps/3"]`), next(`[data-testid="headline"]`))
}

// The 120-service / 600-pod case shows every option's score rule by rule
// and why the add-on beats ambient; the latency flip is listed with its
// threshold and, entered on step 3, changes the verdict.
func TestBrowserVerdictExplainsItself(t *testing.T) {
	db := storetest.NewDatabase(t)
	s := startServer(t, db, nil)
	waitReady(t, s, 20*time.Second)
	ctx := newBrowser(t)
	shot := newShots(t, "explain")
	architect := seed(t, db, "architect@example.com", model.RoleArchitect)

	var whyTop, whyCheapest, weights, resultsURL, flipValue, flipTop, flipText string
	var scoreRows, sidecarRules int
	require.NoError(t, chromedp.Run(ctx,
		signInBrowser(s.URL, architect),
		throughWizard(s.URL, map[string]string{"services": "120", "pods": "600", "nodes": "30"}, "needs.mtls", "needs.l7_split"),
		chromedp.Location(&resultsURL),
		chromedp.Text(`[data-testid="why-top"]`, &whyTop, chromedp.ByQuery),
		chromedp.Text(`[data-testid="why-not-cheapest"]`, &whyCheapest, chromedp.ByQuery),
		chromedp.Text(`[data-testid="weights"]`, &weights, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('[data-testid="scores"] tbody tr').length`, &scoreRows),
		chromedp.Evaluate(`document.querySelectorAll('[data-testid="scores"] tr[data-option="istio-sidecar"] li[data-rule]').length`, &sidecarRules),
		chromedp.AttributeValue(`[data-testid="flips"] li[data-field="latency_budget_p99_ms"]`, "data-value", &flipValue, nil, chromedp.ByQuery),
		chromedp.AttributeValue(`[data-testid="flips"] li[data-field="latency_budget_p99_ms"]`, "data-top", &flipTop, nil, chromedp.ByQuery),
		chromedp.Text(`[data-testid="flips"] li[data-field="latency_budget_p99_ms"]`, &flipText, chromedp.ByQuery),
		shot.take("results"),
	))
	assert.Contains(t, whyTop, "Istio sidecar (AKS add-on) beats the runner-up, Istio ambient (self-managed), by 5 points")
	assert.Contains(t, whyTop, "self managed +5")
	assert.Contains(t, whyCheapest, "is the cheapest")
	assert.Contains(t, weights, "self-managed −5")
	assert.Equal(t, len(model.Catalog), scoreRows)
	assert.GreaterOrEqual(t, sidecarRules, 3, "checklist, needs and more, rule by rule")

	// The page's scores are the JSON's.
	id := strings.TrimSuffix(strings.TrimPrefix(resultsURL, s.URL+"/assessments/"), "/results")
	doc := fetchEstimateDoc(t, s.URL+"/assessments/"+id+"/estimate.json", architect.Token)
	for _, ro := range doc.Recommendation.Ranked {
		var shown string
		require.NoError(t, chromedp.Run(ctx, chromedp.Text(`[data-testid="score-`+ro.ID+`"]`, &shown, chromedp.ByQuery)))
		assert.Equal(t, ro.Score, atoi(t, shown), ro.ID)
	}
	assert.Equal(t, doc.Recommendation.WhyTop, whyTop)

	// The threshold, entered, changes the verdict.
	assert.Equal(t, model.OptionIstioAmbient, flipTop)
	assert.Contains(t, flipText, "With latency budget at "+flipValue+" ms at p99 or less")
	var headline string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(s.URL+"/assessments/"+id+"/steps/3"),
		chromedp.WaitVisible(`form[action$="/steps/3"]`, chromedp.ByQuery),
		chromedp.SetValue(`[name="latency_budget_p99_ms"]`, flipValue, chromedp.ByQuery),
		next(`[data-testid="headline"]`),
		chromedp.Text(`[data-testid="headline"]`, &headline, chromedp.ByQuery),
		shot.take("flipped"),
	))
	assert.Contains(t, headline, "Istio ambient (self-managed)")
}

// mTLS mandated and nothing else: no option lacking mTLS is recommended,
// and the verdict says why a mesh despite the checklist.
func TestBrowserMustIsAConstraint(t *testing.T) {
	db := storetest.NewDatabase(t)
	s := startServer(t, db, nil)
	waitReady(t, s, 20*time.Second)
	ctx := newBrowser(t)
	shot := newShots(t, "must")
	architect := seed(t, db, "architect@example.com", model.RoleArchitect)

	var headline, ciliumVerdict, ciliumLacks, resultsURL string
	require.NoError(t, chromedp.Run(ctx,
		signInBrowser(s.URL, architect),
		throughWizard(s.URL, map[string]string{"services": "12"}, "needs.mtls"),
		chromedp.Location(&resultsURL),
		chromedp.Text(`[data-testid="headline"]`, &headline, chromedp.ByQuery),
		chromedp.Text(`[data-testid="verdict-cilium"]`, &ciliumVerdict, chromedp.ByQuery),
		chromedp.Text(`[data-testid="lacks-cilium"]`, &ciliumLacks, chromedp.ByQuery),
		shot.take("results"),
	))
	assert.Contains(t, headline, "does not call for a mesh (1 of 5 answers are yes), but mTLS is a must and only a mesh covers it fully")
	assert.Equal(t, model.VerdictNotAdvised, ciliumVerdict)
	assert.Contains(t, ciliumLacks, "mTLS")
	id := strings.TrimSuffix(strings.TrimPrefix(resultsURL, s.URL+"/assessments/"), "/results")
	doc := fetchEstimateDoc(t, s.URL+"/assessments/"+id+"/estimate.json", architect.Token)
	require.NotEmpty(t, doc.Recommendation.Top)
	top, _ := doc.Estimate.Option(doc.Recommendation.Top)
	for _, c := range top.Coverage {
		if c.Need == "mtls" {
			assert.Equal(t, model.CoverYes, c.Level, "the recommended option covers the must fully")
		}
	}
}

// A cluster name with ";" is refused with a field message; a record proposed
// for ambient carries ambient's commands with the resource group filled in.
func TestBrowserCommandsForTheChosenOption(t *testing.T) {
	db := storetest.NewDatabase(t)
	s := startServer(t, db, nil)
	waitReady(t, s, 20*time.Second)
	ctx := newBrowser(t)
	shot := newShots(t, "commands")
	architect := seed(t, db, "architect@example.com", model.RoleArchitect)

	var clusterMsg, evidence, rollback, pilot, recordURL string
	require.NoError(t, chromedp.Run(ctx,
		signInBrowser(s.URL, architect),
		chromedp.Navigate(s.URL+"/assessments/new"),
		chromedp.Click(`[data-testid="start"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action$="/steps/1"]`, chromedp.ByQuery),
		chromedp.SetValue(`[name="cluster"]`, "aks prod;rm -rf /", chromedp.ByQuery),
		chromedp.Click(`[data-testid="next"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="error-cluster"]`, chromedp.ByQuery),
		chromedp.Text(`[data-testid="error-cluster"]`, &clusterMsg, chromedp.ByQuery),
		shot.take("cluster-refused"),
		chromedp.SetValue(`[name="cluster"]`, "aks-prod", chromedp.ByQuery),
		next(`form[action$="/steps/2"]`),
		chromedp.Click(`[name="needs.mtls"]`, chromedp.ByQuery),
		chromedp.Click(`[name="needs.l7_split"]`, chromedp.ByQuery),
		next(`form[action$="/steps/3"]`),
		next(`[data-testid="propose-link"]`),
		chromedp.Click(`[data-testid="propose-link"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="propose-form"]`, chromedp.ByQuery),
		chromedp.SetValue(`#r-option`, model.OptionIstioAmbient, chromedp.ByQuery),
		chromedp.SetValue(`#r-resource_group`, "rg-platform(eu)", chromedp.ByQuery),
		chromedp.Click(`[data-testid="preview-commands"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="previewed"]`, chromedp.ByQuery),
		chromedp.Value(`#r-evidence`, &evidence, chromedp.ByQuery),
		chromedp.Value(`#r-rollback`, &rollback, chromedp.ByQuery),
		chromedp.Text(`[data-testid="pilot-preview"]`, &pilot, chromedp.ByQuery),
		shot.take("previewed"),
	))
	assert.Equal(t, "Cluster may hold only letters, digits, underscores and hyphens (AKS naming rules)", clusterMsg)
	assert.Contains(t, evidence, "az aks show --resource-group 'rg-platform(eu)' --name aks-prod --query serviceMeshProfile.mode -o tsv")
	assert.Contains(t, rollback, "istioctl uninstall --purge")
	assert.NotContains(t, rollback, "az aks mesh disable")
	assert.Contains(t, pilot, "istioctl install --set profile=ambient")

	require.NoError(t, chromedp.Run(ctx,
		chromedp.SetValue(`#r-scope`, "payments", chromedp.ByQuery),
		chromedp.Click(`[data-testid="propose"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="record-status"]`, chromedp.ByQuery),
		chromedp.Location(&recordURL),
	))
	rid := recordURL[strings.LastIndex(recordURL, "/")+1:]
	_, body := getAs(t, s.URL+"/api/v1/records/"+rid, architect.Token)
	var rec struct {
		Option   string   `json:"option"`
		Rollback []string `json:"rollback"`
		Evidence []struct {
			Command string `json:"command"`
		} `json:"evidence"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &rec))
	assert.Equal(t, model.OptionIstioAmbient, rec.Option)
	signed := strings.Join(rec.Rollback, "\n")
	for _, c := range rec.Evidence {
		signed += "\n" + c.Command
	}
	assert.Contains(t, signed, "--resource-group 'rg-platform(eu)' --name aks-prod")
	assert.Contains(t, signed, "istioctl uninstall")
	assert.NotContains(t, signed, "az aks mesh disable")
	assert.NotContains(t, signed, "<resource-group>")
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.TrimSpace(strings.ReplaceAll(s, "−", "-")))
	require.NoError(t, err, s)
	return n
}
