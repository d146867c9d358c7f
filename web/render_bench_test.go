package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"meshwise/model"
	"meshwise/web/views"
)

// BenchmarkResultsRender measures the results page server-side for a
// typical assessment: estimate, ranges, recommendation with its flips,
// growth curves, the view model and the templ render. Storage is left out.
func BenchmarkResultsRender(b *testing.B) {
	srv, err := New(nil, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{})
	if err != nil {
		b.Fatal(err)
	}
	a := model.DefaultAssessment()
	a.Title, a.Services = "payments", 40
	a.Needs.MTLS, a.Needs.L7Split = true, true
	saved := model.SavedAssessment{ID: "00000000-0000-0000-0000-000000000001", Assessment: a, Version: 3, Step: 4, UpdatedAt: time.Now()}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		an, err := analyseSaved(saved)
		if err != nil {
			b.Fatal(err)
		}
		buf.Reset()
		if err := views.Results(srv.page(httptest.NewRequest("GET", "/", nil), "Results", "new"), resultsView(an)).Render(context.Background(), &buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "html-bytes")
}
