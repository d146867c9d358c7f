package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/internal/devdb"
	"meshwise/model"
	"meshwise/store/storetest"
)

func TestServeAnswersHealthReadinessPagesAndMetrics(t *testing.T) {
	db := storetest.NewDatabase(t)
	s := startServer(t, db, nil)
	waitReady(t, s, 20*time.Second)
	viewer := seed(t, db, "viewer@example.com", model.RoleViewer)

	resp, body := get(t, s.URL+"/healthz")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.JSONEq(t, `{"status":"ok"}`, body)

	resp, body = get(t, s.URL+"/readyz")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var ready readinessBody
	require.NoError(t, json.Unmarshal([]byte(body), &ready))
	assert.Equal(t, "ready", ready.Status)
	assert.Equal(t, ready.SchemaLatest, ready.SchemaVersion)

	resp, body = get(t, s.URL+"/")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Contains(t, body, "Should we adopt a service mesh on AKS")
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")

	css := regexp.MustCompile(`href="(/static/[0-9a-f]{12}/css/meshwise.css)"`).FindStringSubmatch(body)
	require.Len(t, css, 2, "the page links its stylesheet by content hash")
	resp, body = get(t, s.URL+css[1])
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "public, max-age=31536000, immutable", resp.Header.Get("Cache-Control"))
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/css")
	assert.Contains(t, body, "--accent")
	resp, _ = get(t, s.URL+"/static/000000000000/css/meshwise.css")
	assert.Equal(t, "no-cache", resp.Header.Get("Cache-Control"), "a stale hash is served but not cached")
	resp, _ = get(t, s.URL+"/static/000000000000/css/missing.css")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)

	resp, body = get(t, s.URL+"/no/such/page/42")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Contains(t, body, "Page not found")

	resp, body = get(t, s.URL+"/api/v1/nothing-here")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
	assert.Contains(t, body, `"status":404`)

	resp, _ = get(t, s.URL+"/api/v1/assessments")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the API needs a token")
	resp, body = getAs(t, s.URL+"/api/v1/assessments", viewer.Token)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.JSONEq(t, `{"assessments":[]}`, body)

	resp, body = get(t, s.URL+"/metrics")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `meshwise_http_requests_total{code="200",method="GET",route="/readyz"}`)
	assert.Contains(t, body, `meshwise_http_requests_total{code="404",method="GET",route="unmatched"}`)
	assert.Contains(t, body, `meshwise_http_request_duration_seconds_bucket{method="GET",route="/static/*"`)
	assert.NotContains(t, body, "/no/such/page/42", "raw paths never become labels")
}

// readinessBody mirrors the JSON of /readyz.
type readinessBody struct {
	Status        string `json:"status"`
	Database      string `json:"database"`
	SchemaVersion int64  `json:"schema_version"`
	SchemaLatest  int64  `json:"schema_latest"`
}

func TestBrowserShowsTheHomePage(t *testing.T) {
	db := storetest.NewDatabase(t)
	s := startServer(t, db, nil)
	waitReady(t, s, 20*time.Second)
	ctx := newBrowser(t)
	architect := seed(t, db, "architect@example.com", model.RoleArchitect)

	var title, heading, empty, current, headerBg, anonymous string
	var cards []string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(s.URL+"/"),
		chromedp.Text(`[data-testid="home-sign-in"]`, &anonymous, chromedp.ByQuery),
		signInBrowser(s.URL, architect),
		chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(`[data-testid="home-title"]`, chromedp.ByQuery),
		chromedp.Title(&title),
		chromedp.Text(`[data-testid="home-title"]`, &heading, chromedp.ByQuery),
		chromedp.Text(`[data-testid="recent-empty"]`, &empty, chromedp.ByQuery),
		chromedp.Text(`nav a[aria-current="page"]`, &current, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('.card h2')).map(e => e.innerText)`, &cards),
		chromedp.Evaluate(`getComputedStyle(document.querySelector('header.site')).backgroundColor`, &headerBg),
	))
	assert.Equal(t, "Sign in to start an assessment", anonymous)
	assert.Equal(t, "Home · meshwise", title)
	assert.Equal(t, "Should we adopt a service mesh on AKS — which one, and at what cost?", heading)
	assert.Equal(t, "No assessments yet.", empty)
	assert.Equal(t, "Home", current)
	assert.Equal(t, []string{"Architects", "FinOps", "Governance", "Pipelines"}, cards)
	assert.Equal(t, "rgb(246, 248, 250)", headerBg, "the embedded stylesheet is applied")

	// Following a link to a place that does not exist shows the friendly 404.
	var notFound string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(s.URL+"/nowhere"),
		chromedp.Text(`[data-testid="error-heading"]`, &notFound, chromedp.ByQuery),
	))
	assert.Equal(t, "Page not found", notFound)
}

// TestDatabaseOutageAndRecovery stops a real PostgreSQL under a running
// server, checks every surface degrades to a clear 503, then starts it again
// and checks meshwise recovers without a restart.
func TestDatabaseOutageAndRecovery(t *testing.T) {
	if os.Getenv("DATABASE_URL") == "" && !storetest.Required() {
		t.Skip("needs PostgreSQL binaries; `make test` provides them")
	}
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "meshwise-outage-")
	require.NoError(t, err)
	cluster := &devdb.Cluster{Dir: dir, Ephemeral: true}
	t.Cleanup(func() {
		_ = cluster.Remove(context.Background())
		_ = os.RemoveAll(dir)
	})
	urls, err := cluster.Start(ctx)
	require.NoError(t, err)

	s := startServer(t, urls.App, map[string]string{"DATABASE_URL": urls.App, "MESHWISE_MIGRATE_DATABASE_URL": urls.Owner})
	waitReady(t, s, 20*time.Second)
	viewer := seed(t, urls.Owner, "viewer@example.com", model.RoleViewer)
	resp, _ := getAs(t, s.URL+"/", viewer.Token)
	require.Equal(t, http.StatusOK, resp.StatusCode)

	require.NoError(t, cluster.Stop(ctx))

	resp, body := get(t, s.URL+"/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Contains(t, body, "unreachable")

	resp, body = getAs(t, s.URL+"/", viewer.Token)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, "5", resp.Header.Get("Retry-After"))
	assert.Contains(t, body, "Database unavailable")
	assert.Contains(t, body, "Nothing you saved is lost")
	assert.NotContains(t, strings.ToLower(body), "goroutine", "no stack trace reaches the user")

	resp, body = getAs(t, s.URL+"/api/v1/assessments", viewer.Token)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
	assert.Contains(t, body, `"status":503`)

	resp, _ = get(t, s.URL+"/healthz")
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the process stays up")

	urls2, err := cluster.Start(ctx)
	require.NoError(t, err)
	require.Equal(t, urls, urls2, "the cluster comes back on the same port")
	waitReady(t, s, 20*time.Second)
	resp, body = getAs(t, s.URL+"/", viewer.Token)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "Recent assessments")
}
