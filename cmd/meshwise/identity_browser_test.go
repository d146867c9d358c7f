package main

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
	"meshwise/store/storetest"
)

// An architect saves an assessment and signs out; a viewer signs in, reads
// it, and cannot change it.
func TestBrowserArchitectSavesViewerReads(t *testing.T) {
	db := storetest.NewDatabase(t)
	s := startServer(t, db, nil)
	waitReady(t, s, 20*time.Second)
	ctx := newBrowser(t)
	shot := newShots(t, "identity")
	architect := seed(t, db, "architect@example.com", model.RoleArchitect)
	viewer := seed(t, db, "viewer@example.com", model.RoleViewer)

	var resultsURL, who, headline string
	require.NoError(t, chromedp.Run(ctx,
		signInBrowser(s.URL, architect),
		chromedp.Text(`[data-testid="signed-in-as"]`, &who, chromedp.ByQuery),
		chromedp.Navigate(s.URL+"/assessments/new"),
		chromedp.SetValue(`#start-title`, "Shared decision", chromedp.ByQuery),
		chromedp.Click(`[data-testid="start"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action$="/steps/1"]`, chromedp.ByQuery),
		next(`form[action$="/steps/2"]`),
		next(`form[action$="/steps/3"]`),
		next(`[data-testid="headline"]`),
		chromedp.Location(&resultsURL),
		chromedp.Click(`[data-testid="sign-out"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="sign-in-link"]`, chromedp.ByQuery),
	))
	assert.Equal(t, "architect@example.com (architect)", who)

	var newLinks int
	var forbidden, savedTitle string
	require.NoError(t, chromedp.Run(ctx,
		signInBrowser(s.URL, viewer),
		chromedp.Text(`[data-testid="signed-in-as"]`, &who, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('a[href="/assessments/new"]').length`, &newLinks),
		chromedp.Navigate(resultsURL),
		chromedp.WaitVisible(`[data-testid="headline"]`, chromedp.ByQuery),
		chromedp.Text(`[data-testid="headline"]`, &headline, chromedp.ByQuery),
		chromedp.Text(`[data-testid="results-title"]`, &savedTitle, chromedp.ByQuery),
		shot.take("viewer-reads"),
		chromedp.Navigate(resultsURL[:len(resultsURL)-len("/results")]+"/steps/1"),
		chromedp.WaitVisible(`[data-testid="error-heading"]`, chromedp.ByQuery),
		chromedp.Text(`[data-testid="error-heading"]`, &forbidden, chromedp.ByQuery),
		shot.take("viewer-cannot-change"),
	))
	assert.Equal(t, "viewer@example.com (viewer)", who)
	assert.Zero(t, newLinks, "a viewer is not offered to start an assessment")
	assert.Equal(t, "Shared decision: results", savedTitle)
	assert.Contains(t, headline, "You do not need a service mesh")
	assert.Equal(t, "Not allowed", forbidden)
}
