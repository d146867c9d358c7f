package web

import (
	"log/slog"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"meshwise/model"
)

// metrics are the HTTP series meshwise exports at /metrics.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	estimate *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "meshwise_http_requests_total",
			Help: "HTTP requests served, by method, route pattern and status code.",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "meshwise_http_request_duration_seconds",
			Help:    "Time to serve an HTTP request, by method and route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
		estimate: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "meshwise_estimate_duration_seconds",
			Help:    "Time the cost engine takes for one estimate of all options, by caller (api: POST /api/v1/estimates).",
			Buckets: []float64{.00001, .000025, .00005, .0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1},
		}, []string{"caller"}),
	}
	reg.MustRegister(m.requests, m.duration, m.estimate)
	return m
}

// compute runs the cost engine and records how long it took, so the
// estimate's own share of a slow request shows apart from the rest.
func (s *Server) compute(a model.Assessment, caller string) (model.Estimate, error) {
	start := time.Now()
	e, err := model.Compute(a)
	s.metrics.estimate.WithLabelValues(caller).Observe(time.Since(start).Seconds())
	return e, err
}

func (m *metrics) observe(method, route string, status int, elapsed time.Duration) {
	switch method {
	case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS":
	default:
		method = "OTHER" // keep label cardinality bounded
	}
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(method, route).Observe(elapsed.Seconds())
}

func levelFor(status int) slog.Level {
	switch {
	case status >= 500:
		return slog.LevelError
	case status >= 400:
		return slog.LevelWarn
	default:
		return slog.LevelInfo
	}
}
