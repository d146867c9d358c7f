package model

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Record statuses, derived from the log.
const (
	StatusProposed   = "proposed"
	StatusApproved   = "approved"
	StatusRejected   = "rejected"
	StatusSuperseded = "superseded"
)

// Check is one item of the validation packet: what to show and the command
// that produces it.
type Check struct {
	Name    string `json:"name"`
	Command string `json:"command"`
}

// DecisionRecord is what a team decided, on which evidence, with which way
// back. It is written once, into a "proposed" log entry, and never changed.
type DecisionRecord struct {
	Title          string   `json:"title"`
	Cluster        string   `json:"cluster"`
	ResourceGroup  string   `json:"resource_group"`
	Option         string   `json:"option"` // a catalog option ID; "no-mesh" for no mesh
	OptionName     string   `json:"option_name"`
	Owner          string   `json:"owner"`
	Approvers      []string `json:"approvers"`
	Scope          []string `json:"scope"` // approved namespaces
	Rationale      string   `json:"rationale"`
	Evidence       []Check  `json:"evidence"`
	Acceptance     []string `json:"acceptance"`
	Rollback       []string `json:"rollback"`
	ReviewBy       string   `json:"review_by"` // YYYY-MM-DD
	Supersedes     string   `json:"supersedes,omitempty"`
	AssessmentID   string   `json:"assessment_id"`
	Recommendation string   `json:"recommendation"` // the verdict's headline at proposal time
	Estimate       Estimate `json:"estimate"`       // inputs, figures and model version
}

// Validate checks a record before it is proposed.
func (r DecisionRecord) Validate(today time.Time) error {
	v := &validator{}
	v.text("title", r.Title, 1, 200)
	v.text("cluster", r.Cluster, 1, 100)
	v.text("resource_group", r.ResourceGroup, 0, 100)
	if _, ok := optionByID(r.Option); !ok {
		v.add("option", "must be one of the six options")
	}
	v.text("owner", r.Owner, 1, 200)
	v.text("rationale", r.Rationale, 1, 10_000)
	if len(r.Scope) == 0 {
		v.add("scope", "name at least one namespace the decision applies to")
	}
	for _, ns := range r.Scope {
		if !isDNSLabel(ns) {
			v.add("scope", fmt.Sprintf("%q is not a namespace name (lower-case letters, digits and '-', at most 63)", ns))
			break
		}
	}
	if len(r.Rollback) == 0 {
		v.add("rollback", "write the commands that undo the change")
	}
	if len(r.Evidence) == 0 {
		v.add("evidence", "list at least one check with the command that produces it")
	}
	if d, err := time.Parse("2006-01-02", r.ReviewBy); err != nil {
		v.add("review_by", "must be a date as YYYY-MM-DD")
	} else if !d.After(today) {
		v.add("review_by", "must be after today")
	}
	return v.err()
}

func optionByID(id string) (Option, bool) {
	for _, o := range Catalog {
		if o.ID == id {
			return o, true
		}
	}
	return Option{}, false
}

func isDNSLabel(s string) bool {
	if s == "" || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// RecordState is a record as the log tells it: the record, its status and
// its history.
type RecordState struct {
	ID       string
	Record   DecisionRecord
	Status   string
	Proposer Actor
	History  []LogEntry
}

// Overdue reports whether an approved record is past its review date.
func (s RecordState) Overdue(today time.Time) bool {
	d, err := time.Parse("2006-01-02", s.Record.ReviewBy)
	return err == nil && s.Status == StatusApproved && today.After(d)
}

// Replay derives every record's state from the log's entries, in order.
func Replay(entries []LogEntry) []RecordState {
	byID := map[string]*RecordState{}
	var order []string
	for _, e := range entries {
		if e.RecordID == "" {
			continue
		}
		st, ok := byID[e.RecordID]
		if !ok {
			if e.Event != EventProposed || e.Record == nil {
				continue
			}
			st = &RecordState{ID: e.RecordID, Record: *e.Record, Status: StatusProposed, Proposer: e.Actor}
			byID[e.RecordID] = st
			order = append(order, e.RecordID)
		}
		st.History = append(st.History, e)
		switch e.Event {
		case EventApproved:
			st.Status = StatusApproved
		case EventRejected:
			st.Status = StatusRejected
		case EventSuperseded:
			st.Status = StatusSuperseded
		}
	}
	out := make([]RecordState, 0, len(order))
	for i := len(order) - 1; i >= 0; i-- {
		out = append(out, *byID[order[i]])
	}
	return out
}

// Transition checks that an event may follow a record's current status and
// that the actor may cause it: approvals and rejections need an approver who
// did not propose the record (four eyes).
func Transition(st RecordState, event string, actor Principal) error {
	switch event {
	case EventApproved, EventRejected:
		if !actor.Role.AtLeast(RoleApprover) {
			return Errorf(EFORBIDDEN, "Only an approver can %s a record.", strings.TrimSuffix(event, "d"))
		}
		if err := CheckFourEyes(actor.User.ID, st.Proposer.ID); err != nil {
			return err
		}
		if st.Status != StatusProposed {
			return Errorf(ECONFLICT, "The record is %s; only a proposed record can be %s.", st.Status, event)
		}
	case EventSuperseded:
		if st.Status != StatusApproved {
			return Errorf(ECONFLICT, "Only an approved record can be superseded; this one is %s.", st.Status)
		}
	default:
		return Errorf(EINVALID, "Unknown event %q.", event)
	}
	return nil
}

// MADR renders a record in the Markdown Architecture Decision Record
// layout, for teams that keep ADRs in git.
func (s RecordState) MADR() string {
	r := s.Record
	var b strings.Builder
	approvers := strings.Join(r.Approvers, ", ")
	var deciders []string
	for _, e := range s.History {
		if e.Event == EventApproved || e.Event == EventProposed {
			deciders = append(deciders, e.Actor.Email)
		}
	}
	fmt.Fprintf(&b, "---\nstatus: %s\ndate: %s\ndecision-makers: %s\nconsulted: %s\n---\n\n", s.Status, dateOf(s.History), strings.Join(deciders, ", "), approvers)
	fmt.Fprintf(&b, "# %s\n\n## Context and Problem Statement\n\nShould cluster %s adopt a service mesh, which one, and at what cost? Owner: %s. Scope: %s.\n\n",
		r.Title, r.Cluster, r.Owner, strings.Join(r.Scope, ", "))
	fmt.Fprintf(&b, "## Considered Options\n\n")
	opts := append([]OptionEstimate(nil), r.Estimate.Options...)
	sort.SliceStable(opts, func(i, j int) bool { return opts[i].Monthly.Total.LessThan(opts[j].Monthly.Total) })
	for _, o := range opts {
		fmt.Fprintf(&b, "* %s — %s %s/month, +%d nodes, +%s ms p99 per request\n", o.Name, o.Monthly.Total.StringFixed(2), r.Estimate.Currency, o.AddedNodes, o.Latency.P99)
	}
	fmt.Fprintf(&b, "\n## Decision Outcome\n\nChosen option: \"%s\", because %s\n\nmeshwise's verdict at proposal time: %s\n\n", r.OptionName, r.Rationale, r.Recommendation)
	fmt.Fprintf(&b, "### Consequences\n\n")
	if o, ok := r.Estimate.Option(r.Option); ok {
		fmt.Fprintf(&b, "* Resources: %s cores and %s GiB requested, %d nodes added on %s.\n", o.Requests.CPUCores, o.Requests.MemoryGiB.Decimal().StringFixed(2), o.AddedNodes, r.Estimate.SKU.Name)
		fmt.Fprintf(&b, "* Money: %s %s per month (model %s).\n", o.Monthly.Total.StringFixed(2), r.Estimate.Currency, r.Estimate.ModelVersion)
		fmt.Fprintf(&b, "* Operated by: %s.\n", o.OperatedBy)
	}
	fmt.Fprintf(&b, "* Rollback:\n")
	for _, c := range r.Rollback {
		fmt.Fprintf(&b, "  ```sh\n  %s\n  ```\n", strings.ReplaceAll(c, "\n", "\n  "))
	}
	fmt.Fprintf(&b, "\n### Confirmation\n\nAcceptance criteria:\n\n")
	for _, a := range r.Acceptance {
		fmt.Fprintf(&b, "* %s\n", a)
	}
	fmt.Fprintf(&b, "\nEvidence (validation packet):\n\n")
	for _, c := range r.Evidence {
		fmt.Fprintf(&b, "* %s: `%s`\n", c.Name, strings.ReplaceAll(c.Command, "\n", "; "))
	}
	fmt.Fprintf(&b, "\nReview by %s.\n", r.ReviewBy)
	if r.Supersedes != "" {
		fmt.Fprintf(&b, "\nSupersedes record %s.\n", r.Supersedes)
	}
	return b.String()
}

func dateOf(h []LogEntry) string {
	if len(h) == 0 {
		return ""
	}
	return h[len(h)-1].Time[:10]
}
