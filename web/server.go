// Package web is meshwise's HTTP face: a chi router serving templ pages and a
// JSON API over the model. It declares the storage interfaces it consumes;
// cmd/meshwise wires in the store that implements them.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"meshwise/model"
	"meshwise/static"
)

// Store is what the web layer needs from storage. Errors are *model.Error;
// EUNAVAILABLE means the database cannot be reached right now.
type Store interface {
	// SchemaStatus returns the applied and the latest known schema versions.
	SchemaStatus(ctx context.Context) (current, latest int64, err error)
	// RecentAssessments lists up to limit assessments, newest change first.
	RecentAssessments(ctx context.Context, limit int) ([]model.AssessmentSummary, error)
	// CreateAssessment saves a new draft at version 1.
	CreateAssessment(ctx context.Context, a model.Assessment) (model.SavedAssessment, error)
	// GetAssessment returns a draft, or ENOTFOUND.
	GetAssessment(ctx context.Context, id string) (model.SavedAssessment, error)
	// UpdateAssessment saves a draft still at version, else ECONFLICT; step
	// only moves forward.
	UpdateAssessment(ctx context.Context, id string, version int, a model.Assessment, step int) (model.SavedAssessment, error)
}

// Config holds the web layer's settings.
type Config struct {
	RequestTimeout time.Duration // deadline of each request's context
	MaxBodyBytes   int64         // request bodies larger than this are refused
	Version        string        // build version shown in the footer
}

// Server holds the dependencies of every handler.
type Server struct {
	store   Store
	log     *slog.Logger
	cfg     Config
	assets  *static.Assets
	metrics *metrics
	reg     *prometheus.Registry
}

// New builds a Server. It fails only if the embedded assets cannot be read.
func New(store Store, log *slog.Logger, cfg Config) (*Server, error) {
	assets, err := static.Load()
	if err != nil {
		return nil, err
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &Server{store: store, log: log, cfg: cfg, assets: assets, metrics: newMetrics(reg), reg: reg}, nil
}

// Handler returns every route of meshwise behind cross-origin protection.
func (s *Server) Handler() http.Handler { return s.crossOrigin(s.Routes()) }

// Routes returns the router with every route of meshwise. This function is
// the one place that lists them.
func (s *Server) Routes() chi.Router {
	r := chi.NewRouter()
	r.Use(s.recoverer, s.observe, s.securityHeaders, s.limits)

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Method(http.MethodGet, "/metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	r.Method(http.MethodGet, static.Prefix+"*", s.assets)

	r.Get("/", s.home)
	r.Get("/assessments/new", s.startPage)
	r.Post("/assessments", s.createAssessment)
	r.Get("/assessments/{id}", s.openAssessment)
	r.Get("/assessments/{id}/steps/{step}", s.showStep)
	r.Post("/assessments/{id}/steps/{step}", s.saveStep)
	r.Get("/assessments/{id}/results", s.results)
	r.Get("/assessments/{id}/comparison.csv", s.comparisonCSV)
	r.Get("/assessments/{id}/estimate.json", s.estimateJSON)

	r.Route("/api/v1", func(r chi.Router) {
		r.Get("/assessments", s.apiListAssessments)
		r.Get("/catalog", s.apiCatalog)
		r.Get("/openapi.json", s.apiOpenAPI)
		r.Post("/estimates", s.apiEstimate)
		r.Post("/curves", s.apiCurves)
	})

	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed)
	return r
}

// crossOrigin refuses state-changing requests that a browser marks as
// cross-site (Go's CrossOriginProtection: Sec-Fetch-Site and Origin), with
// a clear 403; non-browser clients such as the CLI and pipelines pass.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, http.StatusForbidden, "Cross-site request refused", "This form was sent from another site, so meshwise refused it. Open meshwise directly and try again.")
	}))
	return cop.Handler(next)
}
