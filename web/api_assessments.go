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
	// The verdict of each, for FinOps: what is recommended, at what cost.
	for i := range list {
		a := list[i].Inputs
		if a == nil {
			continue
		}
		est, err := model.Compute(*a)
		if err != nil {
			continue // a draft still being answered
		}
		rec := model.Verdict(*a, est)
		if o, ok := est.Option(rec.Top); ok {
			total := o.Monthly.Total.Round(2)
			list[i].Recommended, list[i].MonthlyTotal, list[i].Currency = rec.Top, &total, est.Currency
		}
	}
	s.writeJSON(w, http.StatusOK, assessmentList{Assessments: list})
}
