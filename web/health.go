package web

import (
	"context"
	"net/http"
	"time"
)

// healthz answers 200 while the process serves requests.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readiness is the body of /readyz.
type readiness struct {
	Status        string `json:"status"`
	Database      string `json:"database"`
	SchemaVersion int64  `json:"schema_version"`
	SchemaLatest  int64  `json:"schema_latest"`
}

// readyz answers 200 only when the database answers and its schema is at the
// latest migration this binary carries.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Cache-Control", "no-store")
	current, latest, err := s.store.SchemaStatus(ctx)
	switch {
	case err != nil:
		s.writeJSON(w, http.StatusServiceUnavailable, readiness{Status: "unavailable", Database: "unreachable"})
	case current < latest:
		s.writeJSON(w, http.StatusServiceUnavailable, readiness{Status: "unavailable", Database: "schema behind", SchemaVersion: current, SchemaLatest: latest})
	default:
		s.writeJSON(w, http.StatusOK, readiness{Status: "ready", Database: "ok", SchemaVersion: current, SchemaLatest: latest})
	}
}
