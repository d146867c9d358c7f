package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"meshwise/ledger"
	"meshwise/model"
)

// Decisions as code: pipelines create assessments, propose records and read
// them, and approvers decide, with the same roles and four-eyes rules as the
// pages (the store checks them inside the append).

// assessmentDoc is an assessment as the API returns it.
type assessmentDoc struct {
	ID             string               `json:"id"`
	Version        int                  `json:"version"`
	Title          string               `json:"title"`
	URL            string               `json:"url"`
	Assessment     model.Assessment     `json:"assessment"`
	Estimate       model.Estimate       `json:"estimate"`
	Recommendation model.Recommendation `json:"recommendation"`
}

func (s *Server) assessmentDocOf(saved model.SavedAssessment) (assessmentDoc, error) {
	est, err := model.Compute(saved.Assessment)
	if err != nil {
		return assessmentDoc{}, err
	}
	return assessmentDoc{ID: saved.ID, Version: saved.Version, Title: saved.Assessment.Title, URL: "/assessments/" + saved.ID + "/results",
		Assessment: saved.Assessment, Estimate: est, Recommendation: model.Recommend(saved.Assessment, est)}, nil
}

// apiCreateAssessment answers POST /api/v1/assessments: the body of an
// estimate request becomes a saved assessment (201, with its location).
func (s *Server) apiCreateAssessment(w http.ResponseWriter, r *http.Request) {
	a, ok := s.decodeAssessment(w, r)
	if !ok {
		return
	}
	saved, err := s.store.CreateAssessment(r.Context(), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	doc, err := s.assessmentDocOf(saved)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/assessments/"+saved.ID)
	s.writeJSON(w, http.StatusCreated, doc)
}

func (s *Server) apiGetAssessment(w http.ResponseWriter, r *http.Request) {
	saved, err := s.store.GetAssessment(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	doc, err := s.assessmentDocOf(saved)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, doc)
}

// ProposalDoc is the body of POST /api/v1/records and of
// `meshwise record propose -f decision.json`.
type ProposalDoc struct {
	AssessmentID  string        `json:"assessment_id"`
	Title         string        `json:"title"`
	Cluster       string        `json:"cluster"`
	ResourceGroup string        `json:"resource_group"`
	Option        string        `json:"option"`
	Owner         string        `json:"owner"`
	Approvers     []string      `json:"approvers"`
	Quorum        int           `json:"quorum"`
	Scope         []string      `json:"scope"`
	Rationale     string        `json:"rationale"`
	Evidence      []model.Check `json:"evidence"`
	Acceptance    []string      `json:"acceptance"`
	Rollback      []string      `json:"rollback"`
	ReviewBy      string        `json:"review_by"`
	Supersedes    string        `json:"supersedes"`
	// PreviewAccepted acknowledges preview terms when the option is a preview.
	PreviewAccepted bool `json:"preview_accepted"`
}

// apiProposeRecord answers POST /api/v1/records: the record is proposed
// with the assessment's inputs, estimate and verdict, as the form does.
func (s *Server) apiProposeRecord(w http.ResponseWriter, r *http.Request) {
	var in ProposalDoc
	if err := decodeStrict(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.AssessmentID == "" {
		s.fail(w, r, model.Invalid("assessment_id", "is required: the assessment the record decides on"))
		return
	}
	saved, err := s.store.GetAssessment(r.Context(), in.AssessmentID)
	if model.ErrorCode(err) == model.ENOTFOUND {
		s.fail(w, r, model.Invalid("assessment_id", "names no assessment"))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	est, err := model.Compute(saved.Assessment)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ranges, err := model.ComputeRanges(saved.Assessment)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	est.Ranges = &ranges
	rec := model.DecisionRecord{
		Title: strings.TrimSpace(in.Title), Cluster: strings.TrimSpace(in.Cluster), ResourceGroup: strings.TrimSpace(in.ResourceGroup),
		Option: in.Option, Owner: strings.TrimSpace(in.Owner), Approvers: in.Approvers, Quorum: in.Quorum, Scope: in.Scope,
		Rationale: strings.TrimSpace(in.Rationale), Evidence: in.Evidence, Acceptance: in.Acceptance, Rollback: in.Rollback,
		ReviewBy: strings.TrimSpace(in.ReviewBy), Supersedes: strings.TrimSpace(in.Supersedes),
		AssessmentID: saved.ID, Recommendation: model.Verdict(saved.Assessment, est).Headline, Estimate: &est, PreviewAccepted: in.PreviewAccepted,
	}
	if o, ok := est.Option(rec.Option); ok {
		rec.OptionName = o.Name
	}
	if err := rec.Validate(time.Now()); err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := s.store.Propose(r.Context(), *principalOf(r), rec)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st, rep, err := s.store.Record(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/records/"+id)
	s.writeJSON(w, http.StatusCreated, recordDocOf(st, &rep, false, time.Now()))
}

// RecordDoc is a record as the API returns it; its state comes from signed
// entries only.
type RecordDoc struct {
	ID             string            `json:"id"`
	Status         string            `json:"status"`
	URL            string            `json:"url"`
	Title          string            `json:"title"`
	Cluster        string            `json:"cluster"`
	ResourceGroup  string            `json:"resource_group"`
	Option         string            `json:"option"`
	OptionName     string            `json:"option_name"`
	Owner          string            `json:"owner"`
	Approvers      []string          `json:"approvers"`
	Quorum         int               `json:"quorum"`
	ApprovedBy     []string          `json:"approved_by"`
	Scope          []string          `json:"scope"`
	Rationale      string            `json:"rationale"`
	Evidence       []model.Check     `json:"evidence"`
	Acceptance     []string          `json:"acceptance"`
	Rollback       []string          `json:"rollback"`
	ReviewBy       string            `json:"review_by"`
	Overdue        bool              `json:"overdue"`
	Decided        string            `json:"decided,omitempty"`
	Supersedes     string            `json:"supersedes,omitempty"`
	AssessmentID   string            `json:"assessment_id"`
	Recommendation string            `json:"recommendation"`
	History        []historyDoc      `json:"history"`
	LastCheck      *lastCheckDoc     `json:"last_check,omitempty"`
	Cost           *model.RecordCost `json:"monthly_cost,omitempty"`
	Verification   *ledger.Report    `json:"verification,omitempty"`
	Estimate       *model.Estimate   `json:"estimate,omitempty"`
}

// lastCheckDoc is the latest signed drift check of a record.
type lastCheckDoc struct {
	Seq    int64             `json:"seq"`
	Time   string            `json:"time"`
	By     string            `json:"by"`
	Report model.DriftReport `json:"report"`
}

type historyDoc struct {
	Seq   int64  `json:"seq"`
	Time  string `json:"time"`
	Event string `json:"event"`
	By    string `json:"by"`
	Role  string `json:"role"`
	Note  string `json:"note,omitempty"`
	Hash  string `json:"hash"`
}

func recordDocOf(st model.RecordState, rep *ledger.Report, withEstimate bool, today time.Time) RecordDoc {
	r := st.Record
	d := RecordDoc{ID: st.ID, Status: st.Status, URL: "/archive/" + st.ID, Title: r.Title, Cluster: r.Cluster, ResourceGroup: r.ResourceGroup,
		Option: r.Option, OptionName: r.OptionName, Owner: r.Owner, Approvers: nonNil(r.Approvers), Quorum: r.NeededApprovals(), ApprovedBy: []string{},
		Scope: nonNil(r.Scope), Rationale: r.Rationale, Evidence: r.Evidence, Acceptance: nonNil(r.Acceptance), Rollback: nonNil(r.Rollback),
		ReviewBy: r.ReviewBy, Overdue: st.Overdue(today), Decided: st.Decided(), Supersedes: r.Supersedes, AssessmentID: r.AssessmentID,
		Recommendation: r.Recommendation, Verification: rep, History: []historyDoc{}}
	if d.Evidence == nil {
		d.Evidence = []model.Check{}
	}
	for _, a := range st.Approvals {
		d.ApprovedBy = append(d.ApprovedBy, a.Email)
	}
	for _, e := range st.History {
		d.History = append(d.History, historyDoc{Seq: e.Seq, Time: e.Time, Event: e.Event, By: e.Actor.Email, Role: string(e.Actor.Role), Note: e.Note, Hash: e.Hash})
	}
	if c := st.LastCheck; c != nil && c.Check != nil {
		d.LastCheck = &lastCheckDoc{Seq: c.Seq, Time: c.Time, By: c.Actor.Email, Report: *c.Check}
	}
	if withEstimate {
		d.Estimate = r.Estimate
	}
	return d
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// recordListDoc is a page of the archive.
type recordListDoc struct {
	Records   []RecordDoc     `json:"records"`
	Total     int             `json:"total"`
	Next      string          `json:"next,omitempty"` // pass as ?after= for the next page
	Integrity model.Integrity `json:"integrity"`
}

func (s *Server) apiListRecords(w http.ResponseWriter, r *http.Request) {
	q, errs := archiveQuery(r.URL.Query())
	if len(errs) > 0 {
		s.fail(w, r, &model.Error{Code: model.EINVALID, Message: "The query has fields that cannot be used.", Fields: errs})
		return
	}
	today := time.Now()
	page, integrity, err := s.store.QueryRecords(r.Context(), q, today)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	doc := recordListDoc{Records: []RecordDoc{}, Total: page.Total, Next: page.Next, Integrity: integrity}
	for _, st := range page.Rows {
		d := recordDocOf(st, nil, false, today)
		if c, ok := page.Costs[st.ID]; ok {
			d.Cost = &c
		}
		doc.Records = append(doc.Records, d)
	}
	s.writeJSON(w, http.StatusOK, doc)
}

func (s *Server) apiGetRecord(w http.ResponseWriter, r *http.Request) {
	st, rep, err := s.store.Record(r.Context(), chi.URLParam(r, "rid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, recordDocOf(st, &rep, true, time.Now()))
}

// decisionDoc is the body of POST /api/v1/records/{id}/approve|reject.
type decisionDoc struct {
	Note string `json:"note"`
}

func (s *Server) apiApprove(w http.ResponseWriter, r *http.Request) {
	s.apiDecide(w, r, model.EventApproved)
}
func (s *Server) apiReject(w http.ResponseWriter, r *http.Request) {
	s.apiDecide(w, r, model.EventRejected)
}

func (s *Server) apiDecide(w http.ResponseWriter, r *http.Request, event string) {
	var in decisionDoc
	if err := decodeStrict(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.store.Decide(r.Context(), chi.URLParam(r, "rid"), event, *principalOf(r), strings.TrimSpace(in.Note)); err != nil {
		s.fail(w, r, err)
		return
	}
	st, rep, err := s.store.Record(r.Context(), chi.URLParam(r, "rid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, recordDocOf(st, &rep, false, time.Now()))
}

// decodeStrict reads one JSON object into v, refusing unknown fields and
// naming the field of a type mismatch. An empty body is an empty object.
func decodeStrict(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var mbe *http.MaxBytesError
	switch {
	case err == nil:
		if dec.More() {
			return model.Invalid("body", "has data after the JSON object: send exactly one object")
		}
		return nil
	case errors.Is(err, io.EOF):
		return nil
	case errors.As(err, &mbe):
		return err
	case errors.As(err, &te):
		return model.Invalid(te.Field, fmt.Sprintf("must be %s, not %s", jsonKind(te.Type.Kind().String()), te.Value))
	case errors.As(err, &se):
		return model.Invalid("body", fmt.Sprintf("is not valid JSON at byte %d", se.Offset))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return model.Invalid(name, "is not a field of this request")
	}
	return model.Invalid("body", "must be a JSON object")
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "int", "int64":
		return "a whole number"
	case "slice":
		return "a list"
	case "struct", "map":
		return "an object"
	}
	return k
}
