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

// Handler returns the router with every route of meshwise. This function is
// the one place that lists them.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(s.recoverer, s.observe, s.securityHeaders, s.limits)

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Method(http.MethodGet, "/metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	r.Method(http.MethodGet, static.Prefix+"*", s.assets)

	r.Get("/", s.home)

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
