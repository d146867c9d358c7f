package web

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"meshwise/model"
	"meshwise/web/views"
)

// proposeForm shows the record form, prefilled from a finished assessment.
func (s *Server) proposeForm(w http.ResponseWriter, r *http.Request) {
	an, err := s.analyse(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := principalOf(r)
	option := an.rec.Top
	if option == "" {
		option = model.OptionNoMesh
	}
	steps := model.PlanNextSteps(an.saved.Assessment, option)
	f := views.ProposeForm{
		AssessmentID: an.saved.ID, Title: an.saved.Assessment.Title, Cluster: an.saved.Assessment.Cluster, Option: option,
		Owner: p.User.Email, Rationale: an.rec.Headline, Supersedes: r.URL.Query().Get("supersedes"),
		ReviewBy:   time.Now().AddDate(0, 6, 0).Format("2006-01-02"),
		Acceptance: "p95 latency of the pilot namespace within 10% of its baseline\nno increase in 5xx responses during the pilot",
	}
	for _, sn := range steps.Evidence {
		f.Evidence += sn.Title + " | " + strings.ReplaceAll(sn.Code, "\n", " && ") + "\n"
	}
	for _, sn := range steps.Rollback {
		f.Rollback += sn.Code + "\n"
	}
	s.renderPropose(w, r, http.StatusOK, f, nil)
}

func (s *Server) renderPropose(w http.ResponseWriter, r *http.Request, status int, f views.ProposeForm, errs []model.FieldError) {
	f.Errors = errs
	for _, o := range model.Catalog {
		f.Options = append(f.Options, views.Choice{Value: o.ID, Label: o.Name})
	}
	s.render(w, r, status, views.Propose(s.page(r, "Propose a decision record", "archive"), f))
}

// propose writes a "proposed" entry holding the whole record: the answers,
// the estimate with its model version, the evidence and the way back.
func (s *Server) propose(w http.ResponseWriter, r *http.Request) {
	an, err := s.analyse(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, model.Errorf(model.EINVALID, "The form could not be read."))
		return
	}
	pf := r.PostForm
	f := views.ProposeForm{AssessmentID: an.saved.ID, Title: pf.Get("title"), Cluster: pf.Get("cluster"), ResourceGroup: pf.Get("resource_group"),
		Option: pf.Get("option"), Owner: pf.Get("owner"), Approvers: pf.Get("approvers"), Scope: pf.Get("scope"), Rationale: pf.Get("rationale"),
		Evidence: pf.Get("evidence"), Acceptance: pf.Get("acceptance"), Rollback: pf.Get("rollback"), ReviewBy: pf.Get("review_by"), Supersedes: pf.Get("supersedes")}
	rec := model.DecisionRecord{
		Title: strings.TrimSpace(f.Title), Cluster: strings.TrimSpace(f.Cluster), ResourceGroup: strings.TrimSpace(f.ResourceGroup),
		Option: f.Option, Owner: strings.TrimSpace(f.Owner), Approvers: splitList(f.Approvers), Scope: splitList(f.Scope),
		Rationale: strings.TrimSpace(f.Rationale), Acceptance: lines(f.Acceptance), Rollback: lines(f.Rollback),
		ReviewBy: strings.TrimSpace(f.ReviewBy), Supersedes: strings.TrimSpace(f.Supersedes),
		AssessmentID: an.saved.ID, Recommendation: an.rec.Headline, Estimate: an.est,
	}
	for _, l := range lines(f.Evidence) {
		name, cmd, ok := strings.Cut(l, "|")
		if !ok {
			name, cmd = l, l
		}
		rec.Evidence = append(rec.Evidence, model.Check{Name: strings.TrimSpace(name), Command: strings.TrimSpace(cmd)})
	}
	if o, ok := an.est.Option(rec.Option); ok {
		rec.OptionName = o.Name
	}
	var errs []model.FieldError
	var me *model.Error
	if err := rec.Validate(time.Now()); errors.As(err, &me) {
		errs = me.Fields
	}
	if rec.Supersedes != "" {
		if st, err := s.recordState(r, rec.Supersedes); err != nil || st.Status != model.StatusApproved {
			errs = append(errs, model.FieldError{Field: "supersedes", Message: "must name an approved record"})
		}
	}
	if len(errs) > 0 {
		s.renderPropose(w, r, http.StatusUnprocessableEntity, f, errs)
		return
	}
	id := newUUID()
	if _, err := s.store.Append(r.Context(), s.cfg.SigningKey, model.LogEntry{Event: model.EventProposed, RecordID: id, Actor: actorOf(r), Record: &rec}, time.Now()); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/archive/"+id, http.StatusSeeOther)
}

func (s *Server) approve(w http.ResponseWriter, r *http.Request) { s.decide(w, r, model.EventApproved) }
func (s *Server) reject(w http.ResponseWriter, r *http.Request)  { s.decide(w, r, model.EventRejected) }

// decide appends an approval or a rejection, checking four eyes and state;
// approving a record that supersedes another marks that one superseded.
func (s *Server) decide(w http.ResponseWriter, r *http.Request, event string) {
	st, err := s.recordState(r, chi.URLParam(r, "rid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := model.Transition(st, event, *principalOf(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	_ = r.ParseForm()
	note := strings.TrimSpace(r.PostForm.Get("note"))
	if len(note) > 2000 {
		note = note[:2000]
	}
	now := time.Now()
	if _, err := s.store.Append(r.Context(), s.cfg.SigningKey, model.LogEntry{Event: event, RecordID: st.ID, Actor: actorOf(r), Note: note}, now); err != nil {
		s.fail(w, r, err)
		return
	}
	if event == model.EventApproved && st.Record.Supersedes != "" {
		old, err := s.recordState(r, st.Record.Supersedes)
		if err == nil && model.Transition(old, model.EventSuperseded, *principalOf(r)) == nil {
			if _, err := s.store.Append(r.Context(), s.cfg.SigningKey, model.LogEntry{Event: model.EventSuperseded, RecordID: old.ID, Actor: actorOf(r), Note: "superseded by " + st.ID}, now); err != nil {
				s.fail(w, r, err)
				return
			}
		}
	}
	http.Redirect(w, r, "/archive/"+st.ID, http.StatusSeeOther)
}

func (s *Server) recordState(r *http.Request, id string) (model.RecordState, error) {
	entries, err := s.store.LogEntries(r.Context(), id)
	if err != nil {
		return model.RecordState{}, err
	}
	states := model.Replay(entries)
	if len(states) == 0 {
		return model.RecordState{}, model.Errorf(model.ENOTFOUND, "There is no record %q.", id)
	}
	return states[0], nil
}

func (s *Server) archive(w http.ResponseWriter, r *http.Request) {
	entries, err := s.store.LogEntries(r.Context(), "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q, status := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q"))), r.URL.Query().Get("status")
	today := time.Now()
	v := views.ArchiveView{Query: r.URL.Query().Get("q"), Status: status}
	for _, st := range model.Replay(entries) {
		hay := strings.ToLower(st.Record.Title + " " + st.Record.Cluster + " " + st.Record.Owner + " " + st.Record.OptionName)
		if (q != "" && !strings.Contains(hay, q)) || (status != "" && st.Status != status) {
			continue
		}
		v.Rows = append(v.Rows, views.ArchiveRow{ID: st.ID, Title: st.Record.Title, Status: st.Status, Owner: st.Record.Owner,
			Option: st.Record.OptionName, Cluster: st.Record.Cluster, ReviewBy: st.Record.ReviewBy, Overdue: st.Overdue(today)})
	}
	s.render(w, r, http.StatusOK, views.Archive(s.page(r, "Decision archive", "archive"), v))
}

func (s *Server) record(w http.ResponseWriter, r *http.Request) {
	st, err := s.recordState(r, chi.URLParam(r, "rid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.store.VerifyRecord(r.Context(), st.ID) // the whole log is /archive/verify's job
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := principalOf(r)
	v := views.RecordView{State: st, Verify: rep, Rows: st.Record.Estimate.ComparisonRows(),
		CanDecide:    p.Role.AtLeast(model.RoleApprover) && st.Status == model.StatusProposed && p.User.ID != st.Proposer.ID,
		OwnProposal:  p.User.ID == st.Proposer.ID && st.Status == model.StatusProposed,
		CanSupersede: p.Role.AtLeast(model.RoleArchitect) && st.Status == model.StatusApproved}
	s.render(w, r, http.StatusOK, views.Record(s.page(r, st.Record.Title, "archive"), v))
}

func (s *Server) recordMADR(w http.ResponseWriter, r *http.Request) {
	st, err := s.recordState(r, chi.URLParam(r, "rid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="adr-%s.md"`, st.ID))
	_, _ = w.Write([]byte(st.MADR()))
}

func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request) {
	rep, err := s.store.VerifyLog(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	keys, err := s.store.Keys(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.Verify(s.page(r, "Verify the archive", "archive"), rep, keys, s.cfg.SigningKey.ID))
}

func (s *Server) apiVerify(w http.ResponseWriter, r *http.Request) {
	rep, err := s.store.VerifyLog(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, rep)
}

func (s *Server) apiExport(w http.ResponseWriter, r *http.Request) {
	b, err := s.store.Bundle(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="meshwise-bundle.json"`)
	s.writeJSON(w, http.StatusOK, b)
}

// keysDoc is the body of GET /api/v1/keys.
type keysDoc struct {
	Current string            `json:"current"`
	Keys    []model.PublicKey `json:"keys"`
}

func (s *Server) apiKeys(w http.ResponseWriter, r *http.Request) {
	keys, err := s.store.Keys(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sort.SliceStable(keys, func(i, j int) bool { return keys[i].ID == s.cfg.SigningKey.ID && keys[j].ID != s.cfg.SigningKey.ID })
	s.writeJSON(w, http.StatusOK, keysDoc{Current: s.cfg.SigningKey.ID, Keys: keys})
}

func actorOf(r *http.Request) model.Actor {
	p := principalOf(r)
	return model.Actor{ID: p.User.ID, Email: p.User.Email, Role: p.Role}
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' }) {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
