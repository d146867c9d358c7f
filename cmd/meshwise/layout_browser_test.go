package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
	"meshwise/store/storetest"
)

// The results page at 1280 and 390 px: no page-level sideways scroll (the
// wide tables scroll in their own containers), money with its symbol, the
// telemetry priced line by line, the assessed pod count on the chart, a
// favicon, and print without navigation or account controls. A viewer gets
// no link to change the answers.
func TestBrowserResultsLayout(t *testing.T) {
	db := storetest.NewDatabase(t)
	s := startServer(t, db, nil)
	waitReady(t, s, 20*time.Second)
	ctx := newBrowser(t)
	shot := newShots(t, "layout")
	architect := seed(t, db, "architect@example.com", model.RoleArchitect)
	viewer := seed(t, db, "viewer@example.com", model.RoleViewer)

	var resultsURL string
	require.NoError(t, chromedp.Run(ctx,
		signInBrowser(s.URL, architect),
		throughWizard(s.URL, map[string]string{"services": "120", "pods": "600", "nodes": "30"}, "needs.mtls", "needs.l7_split", "needs.audit_logs"),
		chromedp.Location(&resultsURL),
	))
	for _, width := range []int64{1280, 390} {
		var scrollWidth, innerWidth int64
		var compWrapScrolls bool
		require.NoError(t, chromedp.Run(ctx,
			emulation.SetDeviceMetricsOverride(width, 900, 1, width < 600),
			chromedp.Navigate(resultsURL),
			chromedp.WaitVisible(`[data-testid="headline"]`, chromedp.ByQuery),
			chromedp.Evaluate(`document.documentElement.scrollWidth`, &scrollWidth),
			chromedp.Evaluate(`window.innerWidth`, &innerWidth),
			chromedp.Evaluate(`(() => { const w = document.querySelector('[data-testid="comparison"]').parentElement; return getComputedStyle(w).overflowX === 'auto' })()`, &compWrapScrolls),
			shot.take(fmt.Sprintf("results-%d", width)),
			shot.element(fmt.Sprintf("chart-%d", width), `[data-testid="cost-chart"]`),
			shot.element(fmt.Sprintf("verdict-%d", width), `[data-testid="verdict"]`),
		))
		assert.LessOrEqual(t, scrollWidth, innerWidth, "at %d px the page scrolls sideways: %s", width, widest(t, ctx))
		assert.True(t, compWrapScrolls, "the comparison scrolls in its own container")
	}

	var total, logs, assessed, icon string
	var iconStatus int
	require.NoError(t, chromedp.Run(ctx,
		emulation.SetDeviceMetricsOverride(1280, 900, 1, false),
		chromedp.Navigate(resultsURL),
		chromedp.WaitVisible(`[data-testid="headline"]`, chromedp.ByQuery),
		chromedp.Text(`[data-testid="total-istio-sidecar"]`, &total, chromedp.ByQuery),
		chromedp.Text(`[data-testid="logs-istio-sidecar"]`, &logs, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('[data-testid="assessed-mark"]').textContent.trim()`, &assessed),
		chromedp.AttributeValue(`link[rel="icon"]`, "href", &icon, nil, chromedp.ByQuery),
		chromedp.Evaluate(`fetch('/favicon.ico').then(r => r.status)`, &iconStatus, awaitPromise),
	))
	assert.Regexp(t, `^\$\d{1,3}(,\d{3})*\.\d\d$`, total)
	assert.Contains(t, logs, "at $2.30 per GB", "the access-log price is shown beside its cost")
	assert.Equal(t, "assessed: 600 pods", assessed)
	assert.True(t, strings.HasPrefix(icon, "/static/"), icon)
	assert.Equal(t, 200, iconStatus, "/favicon.ico leads to the icon")

	// Print: no navigation, no account controls.
	var navShown, signOutShown bool
	require.NoError(t, chromedp.Run(ctx,
		emulation.SetEmulatedMedia().WithMedia("print"),
		chromedp.Evaluate(`getComputedStyle(document.querySelector('header.site')).display !== 'none'`, &navShown),
		chromedp.Evaluate(`document.querySelector('[data-testid="sign-out"]').offsetParent !== null`, &signOutShown),
		emulation.SetEmulatedMedia().WithMedia(""),
	))
	assert.False(t, navShown)
	assert.False(t, signOutShown)

	// A viewer sees the results without a link it may not follow, and the
	// assessment's own link opens the results, not the wizard.
	var changeLinks, proposeLinks int
	var landed string
	id := strings.TrimSuffix(strings.TrimPrefix(resultsURL, s.URL+"/assessments/"), "/results")
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Click(`[data-testid="sign-out"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="sign-in-link"]`, chromedp.ByQuery),
		signInBrowser(s.URL, viewer),
		chromedp.Navigate(s.URL+"/assessments/"+id),
		chromedp.WaitVisible(`[data-testid="headline"]`, chromedp.ByQuery),
		chromedp.Location(&landed),
		chromedp.Evaluate(`document.querySelectorAll('[data-testid="change-answers"], a[href*="/steps/"]').length`, &changeLinks),
		chromedp.Evaluate(`document.querySelectorAll('[data-testid="propose-link"]').length`, &proposeLinks),
	))
	assert.Equal(t, resultsURL, landed)
	assert.Zero(t, changeLinks)
	assert.Zero(t, proposeLinks)
}

func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

// widest names the elements wider than the window, for a failing message.
func widest(t *testing.T, ctx context.Context) string {
	var out string
	_ = chromedp.Run(ctx, chromedp.Evaluate(`[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap, pre')).slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + (e.dataset.testid || '') + ' ' + Math.round(e.getBoundingClientRect().right)).join('; ')`, &out))
	return out
}

// element saves a screenshot of one element.
func (s *shots) element(label, sel string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var png []byte
		if err := chromedp.Screenshot(sel, &png, chromedp.ByQuery).Do(ctx); err != nil {
			return err
		}
		s.n++
		return os.WriteFile(filepath.Join(s.dir, fmt.Sprintf("%02d-%s.png", s.n, label)), png, 0o644)
	})
}
