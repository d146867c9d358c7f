package web

import (
	"net/http"
	"strconv"

	"meshwise/web/views"
)

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	recent, err := s.store.RecentAssessments(r.Context(), 10)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.Home(s.page("Home", "home"), views.HomePage{Recent: recent}))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
