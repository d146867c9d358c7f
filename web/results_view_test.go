package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
	"meshwise/web/views"
)

func renderResults(t *testing.T, an analysis) string {
	t.Helper()
	srv, err := New(nil, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{})
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, views.Results(srv.page(httptest.NewRequest("GET", "/", nil), "Results", "new"), resultsView(an)).Render(context.Background(), &buf))
	return buf.String()
}

// The verdict says when the recommended option's cost range overlaps a
// viable option's, and not when the overlapping option is not advised.
func TestResultsSayWhenRangesOverlap(t *testing.T) {
	a := model.DefaultAssessment()
	a.Services, a.Needs.MTLS, a.Needs.L7Split = 40, true, true
	an, err := analyseSaved(model.SavedAssessment{ID: "00000000-0000-0000-0000-000000000002", Assessment: a, Version: 1, Step: 4, UpdatedAt: time.Now()})
	require.NoError(t, err)
	require.Equal(t, model.OptionIstioSidecar, an.rec.Top)

	an.ranges.Overlaps = []model.Overlap{{A: model.OptionIstioSidecar, B: model.OptionLinkerd}, {A: model.OptionNoMesh, B: model.OptionIstioSidecar}}
	page := renderResults(t, an)
	assert.Contains(t, page, `data-testid="overlap"`)
	overlap := page[strings.Index(page, `data-testid="overlap"`):]
	overlap = overlap[:strings.Index(overlap, "</p>")]
	assert.Contains(t, overlap, "Linkerd (self-managed)")
	assert.NotContains(t, overlap, "No mesh", "a not-advised option is not offered as a cost-equal alternative")

	an.ranges.Overlaps = nil
	assert.NotContains(t, renderResults(t, an), `data-testid="overlap"`)
}

// Default request, predicted usage and planned request appear side by side,
// with the too-small flag where usage outgrows the default.
func TestResultsShowPlannedBesideDefaults(t *testing.T) {
	a := model.DefaultAssessment()
	a.Pods, a.EastWestRPS = 200, 112_500
	an, err := analyseSaved(model.SavedAssessment{ID: "00000000-0000-0000-0000-000000000003", Assessment: a, Version: 1, Step: 4, UpdatedAt: time.Now()})
	require.NoError(t, err)
	page := renderResults(t, an)
	assert.Contains(t, page, "100m / 128Mi", "the sidecar's default request")
	assert.Contains(t, page, "225m / 128Mi", "its planned request at 112,500 rps")
	assert.Contains(t, page, "default too small")
	assert.Contains(t, page, "Spare room on today")
	assert.Contains(t, page, "How the money is counted")
}
