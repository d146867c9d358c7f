package model

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ArchiveQuery selects, orders and pages the records of the archive.
type ArchiveQuery struct {
	Text        string    // every word must appear in the title, rationale, scope, owner, option or cluster
	Status      string    // one of the statuses, or ""
	Option      string    // a catalog option ID, or ""
	Cluster     string    // exact cluster name, or ""
	Owner       string    // exact owner, case-insensitive, or ""
	Assessment  string    // the assessment the record was proposed from, or ""
	Overdue     bool      // approved and past its review date
	DueWithin   int       // approved and due for review within this many days (0: no filter)
	DecidedFrom time.Time // decided (approved or rejected) on or after this day
	DecidedTo   time.Time // decided on or before this day
	Sort        string    // one of ArchiveSorts; "" is newest proposal first
	Desc        bool
	After       string // the cursor of the last row of the previous page
	Limit       int    // rows per page; 0 means 50, at most 500
}

// ArchiveSorts are the columns the archive can be ordered by.
var ArchiveSorts = []string{"proposed", "title", "status", "option", "owner", "cluster", "review_by", "decided"}

// ArchivePage is one page of records and the cursor of the next, if any.
type ArchivePage struct {
	Rows  []RecordState
	Total int    // records matching, on every page
	Next  string // "" on the last page
	// Costs holds, by record ID, what each row's chosen option costs a
	// month as its signed estimate says (absent when it carries none).
	Costs map[string]RecordCost
}

// Decided is the day the record was approved or rejected ("" while it is
// proposed).
func (s RecordState) Decided() string {
	if s.Status == StatusProposed {
		return ""
	}
	for i := len(s.History) - 1; i >= 0; i-- {
		if e := s.History[i]; (e.Event == EventRejected || e.Event == EventApproved) && len(e.Time) >= 10 {
			return e.Time[:10]
		}
	}
	return ""
}

// DueWithin reports whether an approved record's review falls within days
// of today (or is already past).
func (s RecordState) DueWithin(today time.Time, days int) bool {
	d, err := time.Parse("2006-01-02", s.Record.ReviewBy)
	return err == nil && s.Status == StatusApproved && !d.After(today.AddDate(0, 0, days))
}

// SearchText is what the archive's text search looks in, lower-cased.
func (s RecordState) SearchText() string {
	r := s.Record
	return strings.ToLower(strings.Join([]string{r.Title, r.Rationale, strings.Join(r.Scope, " "), r.Owner, r.Option, r.OptionName, r.Cluster, s.ID}, " "))
}

// Matches reports whether a record passes the query's filters.
func (q ArchiveQuery) Matches(s *RecordState, text string, today time.Time) bool {
	r := s.Record
	switch {
	case q.Status != "" && s.Status != q.Status,
		q.Option != "" && r.Option != q.Option,
		q.Cluster != "" && r.Cluster != q.Cluster,
		q.Owner != "" && !strings.EqualFold(r.Owner, q.Owner),
		q.Assessment != "" && r.AssessmentID != q.Assessment,
		q.Overdue && !s.Overdue(today),
		q.DueWithin > 0 && !s.DueWithin(today, q.DueWithin):
		return false
	}
	if !q.DecidedFrom.IsZero() || !q.DecidedTo.IsZero() {
		d, err := time.Parse("2006-01-02", s.Decided())
		if err != nil || (!q.DecidedFrom.IsZero() && d.Before(q.DecidedFrom)) || (!q.DecidedTo.IsZero() && d.After(q.DecidedTo)) {
			return false
		}
	}
	for _, w := range strings.Fields(strings.ToLower(q.Text)) {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

func (q ArchiveQuery) key(s *RecordState, proposedAt int) string {
	r := s.Record
	switch q.Sort {
	case "title":
		return strings.ToLower(r.Title)
	case "status":
		return s.Status
	case "option":
		return r.OptionName
	case "owner":
		return strings.ToLower(r.Owner)
	case "cluster":
		return r.Cluster
	case "review_by":
		return r.ReviewBy
	case "decided":
		return s.Decided()
	}
	return fmt.Sprintf("%012d", proposedAt) // proposal order, as a sortable string
}

// Page orders the matching records and cuts the page after q.After. The
// cursor is the sort key and ID of the last row, so pages stay stable while
// records are added (keyset pagination). matches holds the records that
// passed Matches with their positions in proposal order.
func (q ArchiveQuery) Page(matches []*RecordState, order []int) ArchivePage {
	type row struct {
		key string
		st  *RecordState
	}
	rows := make([]row, len(matches))
	for i, m := range matches {
		rows[i] = row{q.key(m, order[i]), m}
	}
	desc := q.Desc
	if q.Sort == "" || q.Sort == "proposed" {
		desc = !q.Desc // newest first unless asked otherwise
	}
	compare := func(a, b row) int {
		c := cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.st.ID, b.st.ID))
		if desc {
			return -c
		}
		return c
	}
	slices.SortFunc(rows, compare)
	start := 0
	if key, id, ok := decodeCursor(q.After); ok {
		start, _ = slices.BinarySearchFunc(rows, row{key: key, st: &RecordState{ID: id}}, compare)
		if start < len(rows) && rows[start].key == key && rows[start].st.ID == id {
			start++
		}
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	page := ArchivePage{Total: len(rows)}
	end := min(start+limit, len(rows))
	for _, r := range rows[start:end] {
		page.Rows = append(page.Rows, *r.st)
	}
	if end < len(rows) {
		last := rows[end-1]
		page.Next = encodeCursor(last.key, last.st.ID)
	}
	return page
}

func encodeCursor(key, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(key + "\x00" + id))
}

func decodeCursor(c string) (key, id string, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", "", false
	}
	key, id, ok = strings.Cut(string(b), "\x00")
	return key, id, ok
}
