package web

import (
	"net/http"

	"meshwise/model"
)

// assessmentList is the body of GET /api/v1/assessments.
type assessmentList struct {
	Assessments []model.AssessmentSummary `json:"assessments"`
}

func (s *Server) apiListAssessments(w http.ResponseWriter, r *http.Request) {
	list, err := s.store.RecentAssessments(r.Context(), 100)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if list == nil {
		list = []model.AssessmentSummary{}
	}
	s.writeJSON(w, http.StatusOK, assessmentList{Assessments: list})
}
