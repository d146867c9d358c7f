package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
	"meshwise/store/storetest"
)

// An architect proposes a record from a finished assessment; an approver
// (another person) approves it, sees it verified and downloads the bundle,
// which `meshwise verify` accepts offline.
func TestBrowserProposeApproveVerify(t *testing.T) {
	db := storetest.NewDatabase(t)
	s := startServer(t, db, nil)
	waitReady(t, s, 20*time.Second)
	ctx := newBrowser(t)
	shot := newShots(t, "archive")
	architect := seed(t, db, "architect@example.com", model.RoleArchitect)
	approver := seed(t, db, "approver@example.com", model.RoleApprover)

	var recordURL, status string
	require.NoError(t, chromedp.Run(ctx,
		signInBrowser(s.URL, architect),
		chromedp.Navigate(s.URL+"/assessments/new"),
		chromedp.Click(`[data-testid="start"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action$="/steps/1"]`, chromedp.ByQuery),
		next(`form[action$="/steps/2"]`),
		chromedp.Click(`[name="needs.mtls"]`, chromedp.ByQuery),
		chromedp.Click(`[name="needs.l7_split"]`, chromedp.ByQuery),
		next(`form[action$="/steps/3"]`),
		next(`[data-testid="propose-link"]`),
		chromedp.Click(`[data-testid="propose-link"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="propose-form"]`, chromedp.ByQuery),
		chromedp.SetValue(`#r-scope`, "payments", chromedp.ByQuery),
		chromedp.SetValue(`#r-resource_group`, "rg-prod", chromedp.ByQuery),
		shot.take("propose"),
		chromedp.Click(`[data-testid="propose"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="record-status"]`, chromedp.ByQuery),
		chromedp.Text(`[data-testid="record-status"]`, &status, chromedp.ByQuery),
		chromedp.Location(&recordURL),
		chromedp.WaitVisible(`[data-testid="four-eyes"]`, chromedp.ByQuery),
		chromedp.Click(`[data-testid="sign-out"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="sign-in-link"]`, chromedp.ByQuery),
	))
	assert.Equal(t, "proposed", status)

	var verified, bundle string
	require.NoError(t, chromedp.Run(ctx,
		signInBrowser(s.URL, approver),
		chromedp.Navigate(recordURL),
		chromedp.WaitVisible(`[data-testid="approve"]`, chromedp.ByQuery),
		chromedp.Click(`[data-testid="approve"]`, chromedp.ByQuery),
		// The page before approving has a verified banner too: wait for the
		// approve button to go, then read the new page.
		chromedp.WaitNotPresent(`[data-testid="approve"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="verified"]`, chromedp.ByQuery),
		chromedp.Text(`[data-testid="record-status"]`, &status, chromedp.ByQuery),
		chromedp.Text(`[data-testid="verified"]`, &verified, chromedp.ByQuery),
		shot.take("approved"),
		chromedp.Evaluate(`fetch('/api/v1/export').then(r => r.text())`, &bundle, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
			return p.WithAwaitPromise(true)
		}),
	))
	assert.Equal(t, "approved", status)
	assert.Contains(t, verified, "Verified: 2 entries")

	file := filepath.Join(t.TempDir(), "bundle.json")
	require.NoError(t, os.WriteFile(file, []byte(bundle), 0o600))
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"verify", file}, envOf(nil), &out, &out))
	assert.True(t, strings.HasPrefix(out.String(), "verified: 2 entries, 1 checkpoint(s)"), out.String())
}
