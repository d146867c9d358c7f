package web

import (
	"net/http"

	"meshwise/model"
	"meshwise/web/views"
)

// assumptionsList never changes while the process runs.
var assumptionsList = model.Assumptions()

// assumptions lists every default of the cost model with its value, range,
// source, status and where it is used; assumptions (status A) stand out.
func (s *Server) assumptions(w http.ResponseWriter, r *http.Request) {
	v := views.AssumptionsView{ModelVersion: model.ModelVersion}
	for _, a := range assumptionsList {
		src := model.Sources[a.Source]
		v.Rows = append(v.Rows, views.AssumptionRow{Assumption: a, SourceTitle: src.Title, SourceRef: src.Ref + " (" + src.Version + ")"})
		if a.Status == model.StatusAssumption {
			v.Assumed++
		}
	}
	s.render(w, r, http.StatusOK, views.Assumptions(s.page(r, "Assumptions", "assumptions"), v))
}
