package web

import (
	_ "embed"
	"mime"
	"net/http"

	"meshwise/model"
)

//go:embed openapi.json
var openAPIDoc []byte

// catalogDoc never changes while the process runs.
var catalogDoc = model.CatalogDocument()

func (s *Server) apiCatalog(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=300")
	s.writeJSON(w, http.StatusOK, catalogDoc)
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openAPIDoc)
}

// apiEstimate answers POST /api/v1/estimates: an assessment in, the full
// comparison of every option out; with ?ranges=true also P10 / P50 / P90.
func (s *Server) apiEstimate(w http.ResponseWriter, r *http.Request) {
	a, ok := s.decodeAssessment(w, r)
	if !ok {
		return
	}
	e, err := s.compute(a, "api")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if v := r.URL.Query().Get("ranges"); v == "true" || v == "1" {
		rg, err := model.ComputeRanges(a)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		e.Ranges = &rg
	}
	s.writeJSON(w, http.StatusOK, e)
}

// apiCurves answers POST /api/v1/curves: cost and added nodes of every
// option from 10 to 10,000 pods, with the crossover points.
func (s *Server) apiCurves(w http.ResponseWriter, r *http.Request) {
	a, ok := s.decodeAssessment(w, r)
	if !ok {
		return
	}
	c, err := model.ComputeCurves(a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, c)
}

// decodeAssessment reads a JSON assessment body, answering the request
// itself when the body is unacceptable.
func (s *Server) decodeAssessment(w http.ResponseWriter, r *http.Request) (model.Assessment, bool) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			s.problem(w, http.StatusUnsupportedMediaType, "Unsupported Media Type", "Send the assessment as application/json.", nil)
			return model.Assessment{}, false
		}
	}
	a, err := model.DecodeAssessment(r.Body)
	if err != nil {
		s.fail(w, r, err)
		return model.Assessment{}, false
	}
	return a, true
}
