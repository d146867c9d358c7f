package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"meshwise/model"
)

// archiveQuery reads the archive's filters, order and cursor from a URL's
// query, naming every field it cannot use.
func archiveQuery(v url.Values) (model.ArchiveQuery, []model.FieldError) {
	q := model.ArchiveQuery{
		Text: strings.TrimSpace(v.Get("q")), Status: v.Get("status"), Option: v.Get("option"),
		Cluster: strings.TrimSpace(v.Get("cluster")), Owner: strings.TrimSpace(v.Get("owner")),
		Assessment: v.Get("assessment"), Sort: v.Get("sort"), Desc: v.Get("dir") == "desc", After: v.Get("after"),
		Overdue: v.Get("overdue") == "1" || v.Get("overdue") == "true",
	}
	var errs []model.FieldError
	bad := func(field, msg string) { errs = append(errs, model.FieldError{Field: field, Message: msg}) }
	if q.Status != "" && !slices.Contains([]string{model.StatusProposed, model.StatusApproved, model.StatusRejected, model.StatusSuperseded}, q.Status) {
		bad("status", "must be proposed, approved, rejected or superseded")
	}
	if q.Sort != "" && !slices.Contains(model.ArchiveSorts, q.Sort) {
		bad("sort", "must be one of "+strings.Join(model.ArchiveSorts, ", "))
	}
	if d := v.Get("due"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 || n > 3650 {
			bad("due", "must be a number of days from 1 to 3650")
		}
		q.DueWithin = n
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 500 {
			bad("limit", "must be a number of rows from 1 to 500")
		}
		q.Limit = n
	}
	for _, f := range []struct {
		name string
		into *time.Time
	}{{"from", &q.DecidedFrom}, {"to", &q.DecidedTo}} {
		if s := v.Get(f.name); s != "" {
			d, err := time.Parse("2006-01-02", s)
			if err != nil {
				bad(f.name, "must be a date as YYYY-MM-DD")
			}
			*f.into = d
		}
	}
	if !q.DecidedFrom.IsZero() && !q.DecidedTo.IsZero() && q.DecidedTo.Before(q.DecidedFrom) {
		bad("to", "must not be before from")
	}
	return q, errs
}
