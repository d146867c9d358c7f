package web

import (
	"net/http"
	"strconv"
	"time"

	"meshwise/model"
	"meshwise/web/views"
)

// home says what meshwise does; signed-in people also see recent work.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	h := views.HomePage{SignedIn: p != nil, CanCreate: p != nil && p.Role.AtLeast(model.RoleArchitect)}
	if p != nil {
		recent, err := s.store.RecentAssessments(r.Context(), 10)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		h.Recent = recent
		today := time.Now()
		due, _, err := s.store.QueryRecords(r.Context(), model.ArchiveQuery{Owner: p.User.Email, DueWithin: 30, Sort: "review_by"}, today)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, st := range due.Rows {
			h.Reviews = append(h.Reviews, views.ArchiveRow{ID: st.ID, Title: st.Record.Title, ReviewBy: st.Record.ReviewBy, Overdue: st.Overdue(today)})
		}
	}
	s.render(w, r, http.StatusOK, views.Home(s.page(r, "Home", "home"), h))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
