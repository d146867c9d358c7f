package web

import "github.com/prometheus/client_golang/prometheus"

// registerCredentialCache exposes the credential cache's counters: a rising
// miss rate or a silent invalidation counter on a busy replica is worth a look.
func registerCredentialCache(reg *prometheus.Registry, st Store) {
	counter := func(name, help string, pick func(h, m, i int64) int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(pick(st.CredentialCacheStats())) })
	}
	reg.MustRegister(
		counter("meshwise_credential_cache_hits_total", "Credential lookups (tokens, users, sessions) answered from memory.",
			func(h, _, _ int64) int64 { return h }),
		counter("meshwise_credential_cache_misses_total", "Credential lookups that went to the database (all of them while the LISTEN connection is down).",
			func(_, m, _ int64) int64 { return m }),
		counter("meshwise_credential_cache_invalidations_total", "Credential cache invalidations: notices received, own changes and flushes on (re)connect.",
			func(_, _, i int64) int64 { return i }))
}
