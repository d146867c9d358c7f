package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
	"meshwise/store/storetest"
)

// Three assessments on two clusters, proposed by an architect and approved
// by two different approvers, appear on /portfolio with per-cluster totals
// equal to the API's; the CSV adds up to the page's total; and after an
// admin changes the price book, "re-price today" shows a difference.
func TestBrowserPortfolio(t *testing.T) {
	db := storetest.NewDatabase(t)
	s := startServer(t, db, nil)
	waitReady(t, s, 20*time.Second)
	architect := seed(t, db, "architect@example.com", model.RoleArchitect)
	ana := seed(t, db, "ana@example.com", model.RoleApprover)
	bo := seed(t, db, "bo@example.com", model.RoleApprover)
	admin := seed(t, db, "admin@example.com", model.RoleAdmin)

	call := func(token, method, path string, body, out any) {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, s.URL+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		require.Less(t, resp.StatusCode, 300, "%s %s: %s", method, path, raw)
		if out != nil {
			require.NoError(t, json.Unmarshal(raw, out))
		}
	}
	for i, d := range []struct {
		cluster  string
		pods     int
		approver person
	}{{"aks-east", 100, ana}, {"aks-east", 300, bo}, {"aks-west", 60, ana}} {
		a := model.DefaultAssessment()
		a.Title, a.Cluster, a.Pods = fmt.Sprint("payments ", i), d.cluster, d.pods
		var created struct{ ID string }
		call(architect.Token, "POST", "/api/v1/assessments", a, &created)
		var rec struct{ ID string }
		call(architect.Token, "POST", "/api/v1/records", map[string]any{"assessment_id": created.ID, "title": a.Title, "cluster": d.cluster,
			"option": model.OptionIstioSidecar, "owner": "architect@example.com", "scope": []string{"payments"}, "rationale": "mTLS",
			"evidence": []map[string]string{{"name": "sidecars", "command": "kubectl get pods -n payments"}}, "rollback": []string{"az aks mesh disable -g rg -n " + d.cluster},
			"review_by": time.Now().AddDate(0, 6, 0).Format("2006-01-02")}, &rec)
		call(d.approver.Token, "POST", "/api/v1/records/"+rec.ID+"/approve", map[string]string{"note": "ok"}, nil)
	}
	var api model.Portfolio
	call(architect.Token, "GET", "/api/v1/portfolio", nil, &api)
	require.Len(t, api.Rows, 3)
	require.Len(t, api.ByCluster, 2)

	ctx := newBrowser(t)
	shot := newShots(t, "portfolio")
	var east, west, overall, csvText string
	require.NoError(t, chromedp.Run(ctx,
		signInBrowser(s.URL, admin),
		chromedp.Navigate(s.URL+"/portfolio"),
		chromedp.WaitVisible(`[data-testid="portfolio-chart"]`, chromedp.ByQuery),
		chromedp.Text(`[data-testid="totals-cluster"] tr[data-key="aks-east"] [data-testid="total-p50"]`, &east, chromedp.ByQuery),
		chromedp.Text(`[data-testid="totals-cluster"] tr[data-key="aks-west"] [data-testid="total-p50"]`, &west, chromedp.ByQuery),
		chromedp.Text(`[data-testid="totals-overall"] [data-testid="total-p50"]`, &overall, chromedp.ByQuery),
		shot.take("portfolio"),
		chromedp.Evaluate(`fetch(document.querySelector('[data-testid="portfolio-csv"]').href).then(r => r.text())`, &csvText, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
			return p.WithAwaitPromise(true)
		}),
	))
	for _, c := range api.ByCluster {
		page := map[string]string{"aks-east": east, "aks-west": west}[c.Key]
		assert.Equal(t, c.P50.StringFixed(2)+" "+c.Currency, strings.TrimSpace(page), "cluster %s: page and API agree", c.Key)
	}
	rows, err := csv.NewReader(strings.NewReader(csvText)).ReadAll()
	require.NoError(t, err)
	sum := decimal.Zero
	for _, r := range rows[1:] {
		if r[0] != "total" {
			sum = sum.Add(decimal.RequireFromString(r[9]))
		}
	}
	assert.Equal(t, strings.Fields(overall)[0], sum.StringFixed(2), "the CSV's records add up to the page's total")

	var drifts []string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(s.URL+"/admin/prices"),
		chromedp.WaitVisible(`[data-testid="prices-form"]`, chromedp.ByQuery),
		chromedp.SetValue(`#p-pricing\.agreement_discount_percent`, "30", chromedp.ByQuery),
		chromedp.Click(`[data-testid="prices-save"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="book-set"]`, chromedp.ByQuery),
		chromedp.Navigate(s.URL+"/portfolio"),
		chromedp.WaitVisible(`[data-testid="reprice"]`, chromedp.ByQuery),
		chromedp.Click(`[data-testid="reprice"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="reprice-basis"]`, chromedp.ByQuery),
		chromedp.Evaluate(`[...document.querySelectorAll('[data-testid="drift"]')].map(e => e.textContent.trim())`, &drifts),
		shot.take("repriced"),
	))
	require.Len(t, drifts, 3)
	for _, d := range drifts {
		assert.True(t, decimal.RequireFromString(d).IsNegative(), "a 30%% agreement discount lowers every record's monthly tax: %s", d)
	}
}
