package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"meshwise/ledger"
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
	f := views.ProposeForm{
		AssessmentID: an.saved.ID, Title: an.saved.Assessment.Title, Cluster: an.saved.Assessment.Cluster, ResourceGroup: an.saved.Assessment.ResourceGroup, Option: option,
		Owner: p.User.Email, Rationale: an.rec.Headline, Supersedes: r.URL.Query().Get("supersedes"), Quorum: "1",
		ReviewBy:   time.Now().AddDate(0, 6, 0).Format("2006-01-02"),
		Acceptance: "p95 latency of the pilot namespace within 10% of its baseline\nno increase in 5xx responses during the pilot",
	}
	fillCommands(&f, an.saved.Assessment)
	// A re-review starts from the record it supersedes, with this
	// assessment's figures.
	if old := f.Supersedes; old != "" {
		if st, rep, err := s.store.Record(r.Context(), old); err == nil && rep.OK && st.Status == model.StatusApproved {
			prefillFrom(&f, st.Record)
		}
	}
	s.renderPropose(w, r, http.StatusOK, f, nil)
}

// prefillFrom fills the form from an earlier record: what was decided, for
// whom, with which evidence and way back.
func prefillFrom(f *views.ProposeForm, r model.DecisionRecord) {
	f.Title, f.Cluster, f.ResourceGroup, f.Option, f.Owner = r.Title, r.Cluster, r.ResourceGroup, r.Option, r.Owner
	f.Approvers, f.Scope, f.Quorum = strings.Join(r.Approvers, ", "), strings.Join(r.Scope, ", "), strconv.Itoa(r.NeededApprovals())
	f.PreviewAccepted = r.PreviewAccepted
	f.Rationale = r.Rationale
	f.Acceptance = strings.Join(r.Acceptance, "\n")
	f.Rollback = strings.Join(r.Rollback, "\n")
	f.Evidence, f.CommandsFor = "", "" // the earlier record's own commands
	for _, c := range r.Evidence {
		f.Evidence += c.Name + " | " + c.Command + "\n"
	}
}

func (s *Server) renderPropose(w http.ResponseWriter, r *http.Request, status int, f views.ProposeForm, errs []model.FieldError) {
	f.Errors = errs
	for _, o := range model.Catalog {
		f.Options = append(f.Options, views.Choice{Value: o.ID, Label: o.Name})
	}
	s.render(w, r, status, views.Propose(s.page(r, "Propose a decision record", "archive"), f))
}

// propose signs a "proposed" entry holding the whole record: the answers,
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
		Evidence: pf.Get("evidence"), Acceptance: pf.Get("acceptance"), Rollback: pf.Get("rollback"), ReviewBy: pf.Get("review_by"),
		Supersedes: pf.Get("supersedes"), Quorum: pf.Get("quorum"), PreviewAccepted: pf.Get("preview_accepted") == "true",
		CommandsFor: pf.Get("commands_for")}
	if pf.Get("action") == "preview" {
		s.previewCommands(w, r, f, an.saved.Assessment)
		return
	}
	errs := proposeNameErrors(f)
	if len(errs) == 0 {
		errs = refreshCommands(&f, an.saved.Assessment)
	}
	// The record signs the estimate with its P10–P90 ranges, which the
	// portfolio adds up.
	signed := an.est
	signed.Ranges = &an.ranges
	rec := model.DecisionRecord{
		Title: strings.TrimSpace(f.Title), Cluster: strings.TrimSpace(f.Cluster), ResourceGroup: strings.TrimSpace(f.ResourceGroup),
		Option: f.Option, Owner: strings.TrimSpace(f.Owner), Approvers: splitList(f.Approvers), Scope: splitList(f.Scope),
		Rationale: strings.TrimSpace(f.Rationale), Acceptance: lines(f.Acceptance), Rollback: lines(f.Rollback),
		ReviewBy: strings.TrimSpace(f.ReviewBy), Supersedes: strings.TrimSpace(f.Supersedes),
		AssessmentID: an.saved.ID, Recommendation: an.rec.Headline, Estimate: &signed, PreviewAccepted: f.PreviewAccepted,
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
	if q := strings.TrimSpace(f.Quorum); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil {
			errs = append(errs, model.FieldError{Field: "quorum", Message: "must be a whole number of approvers"})
		}
		rec.Quorum = n
	}
	var me *model.Error
	if err := rec.Validate(time.Now()); errors.As(err, &me) {
		for _, fe := range me.Fields {
			if !slices.Contains(errs, fe) { // the name checks run on preview too
				errs = append(errs, fe)
			}
		}
	}
	if len(errs) > 0 {
		s.renderPropose(w, r, http.StatusUnprocessableEntity, f, errs)
		return
	}
	id, err := s.store.Propose(r.Context(), *principalOf(r), rec)
	if errors.As(err, &me) && me.Code == model.EINVALID && len(me.Fields) > 0 {
		s.renderPropose(w, r, http.StatusUnprocessableEntity, f, me.Fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/archive/"+id, http.StatusSeeOther)
}

func (s *Server) approve(w http.ResponseWriter, r *http.Request) { s.decide(w, r, model.EventApproved) }
func (s *Server) reject(w http.ResponseWriter, r *http.Request)  { s.decide(w, r, model.EventRejected) }

// decide signs an approval or a rejection. The store checks four eyes, the
// quorum and the record's state inside the append's transaction, so of two
// approvers racing one wins and the other gets 409.
func (s *Server) decide(w http.ResponseWriter, r *http.Request, event string) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, model.Errorf(model.EINVALID, "The form could not be read."))
		return
	}
	note := strings.TrimSpace(r.PostForm.Get("note"))
	st, err := s.store.Decide(r.Context(), chi.URLParam(r, "rid"), event, *principalOf(r), note)
	switch model.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/archive/"+st.ID, http.StatusSeeOther)
	case model.EINVALID, model.ECONFLICT, model.EFORBIDDEN:
		// Back to the record, saying why: a missing reason, a decision
		// that lost a race, an approver the record does not name.
		s.renderRecord(w, r, statusFor[model.ErrorCode(err)], chi.URLParam(r, "rid"), model.ErrorFieldMessage(err))
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) archive(w http.ResponseWriter, r *http.Request) {
	q, errs := archiveQuery(r.URL.Query())
	today := time.Now()
	page, integrity, err := s.store.QueryRecords(r.Context(), q, today)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := views.ArchiveView{Query: q, Values: r.URL.Query(), Integrity: integrity, Errors: errs, Total: page.Total, Next: page.Next}
	for _, o := range model.Catalog {
		v.Options = append(v.Options, views.Choice{Value: o.ID, Label: o.Name})
	}
	for _, st := range page.Rows {
		v.Rows = append(v.Rows, views.ArchiveRow{ID: st.ID, Title: st.Record.Title, Status: st.Status, Owner: st.Record.Owner,
			Option: st.Record.OptionName, Cluster: st.Record.Cluster, ReviewBy: st.Record.ReviewBy, Decided: st.Decided(),
			Overdue: st.Overdue(today), DueSoon: !st.Overdue(today) && st.DueWithin(today, 30), Monthly: monthlyOf(page.Costs, st.ID)})
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, views.Archive(s.page(r, "Decision archive", "archive"), v))
}

func (s *Server) record(w http.ResponseWriter, r *http.Request) {
	s.renderRecord(w, r, http.StatusOK, chi.URLParam(r, "rid"), "")
}

// renderRecord shows a record, with a refusal to explain when a decision
// on it was not taken.
func (s *Server) renderRecord(w http.ResponseWriter, r *http.Request, status int, id, refusal string) {
	st, rep, err := s.store.Record(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := principalOf(r)
	rows := signedRows(st.Record.Estimate)
	v := views.RecordView{State: st, Verify: rep, Rows: rows,
		OwnProposal:  p.User.ID == st.Proposer.ID && st.Status == model.StatusProposed,
		CanSupersede: rep.OK && p.Role.AtLeast(model.RoleArchitect) && st.Status == model.StatusApproved}
	if rep.OK && st.Status == model.StatusProposed && p.User.ID != st.Proposer.ID {
		switch err := model.Transition(st, model.EventApproved, *p); {
		case err == nil:
			v.CanDecide = true
		case p.Role.AtLeast(model.RoleApprover):
			v.Note = model.ErrorMessage(err)
		}
	}
	v.Refusal = refusal
	s.render(w, r, status, views.Record(s.page(r, st.Record.Title, "archive"), v))
}

func (s *Server) recordMADR(w http.ResponseWriter, r *http.Request) {
	st, rep, err := s.store.Record(r.Context(), chi.URLParam(r, "rid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !rep.OK {
		s.fail(w, r, model.Errorf(model.EUNAVAILABLE, "The record fails verification (%s); it is not exported.", rep.Problem))
		return
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="adr-%s.md"`, st.ID))
	_, _ = w.Write([]byte(st.MADR()))
}

// heavy admits one whole-log read (verify or export) if a slot is free;
// otherwise it answers 429 with Retry-After, so no caller can make the
// server hold many at once.
func (s *Server) heavy(w http.ResponseWriter, r *http.Request) (release func(), ok bool) {
	select {
	case s.heavySlots <- struct{}{}:
		return func() { <-s.heavySlots }, true
	default:
		w.Header().Set("Retry-After", "5")
		s.fail(w, r, model.Errorf(model.ELIMITED, "The server is already verifying or exporting the whole log for others; try again in a few seconds."))
		return nil, false
	}
}

func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request) {
	release, ok := s.heavy(w, r)
	if !ok {
		return
	}
	defer release()
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
	s.render(w, r, http.StatusOK, views.Verify(s.page(r, "Verify the archive", "archive"), rep, keys, s.store.SigningKeyID()))
}

func (s *Server) apiVerify(w http.ResponseWriter, r *http.Request) {
	release, ok := s.heavy(w, r)
	if !ok {
		return
	}
	defer release()
	rep, err := s.store.VerifyLog(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, rep)
}

// apiExport streams the bundle: memory stays bounded whatever the log's
// length. Once the first bytes are sent a failure can only cut the body
// short, which `meshwise verify` reports as a broken bundle.
func (s *Server) apiExport(w http.ResponseWriter, r *http.Request) {
	release, ok := s.heavy(w, r)
	if !ok {
		return
	}
	defer release()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="meshwise-bundle.json"`)
	if err := s.store.ExportBundle(r.Context(), w); err != nil {
		s.log.WarnContext(r.Context(), "export cut short", "err", err)
	}
}

// keysDoc is the body of GET /api/v1/keys.
type keysDoc struct {
	Current string             `json:"current"`
	Keys    []ledger.PublicKey `json:"keys"`
}

func (s *Server) apiKeys(w http.ResponseWriter, r *http.Request) {
	keys, err := s.store.Keys(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	current := s.store.SigningKeyID()
	sort.SliceStable(keys, func(i, j int) bool { return keys[i].ID == current && keys[j].ID != current })
	s.writeJSON(w, http.StatusOK, keysDoc{Current: current, Keys: keys})
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

// monthlyOf is a record's signed monthly tax for lists, "" when unknown.
func monthlyOf(costs map[string]model.RecordCost, id string) string {
	c, ok := costs[id]
	if !ok {
		return ""
	}
	return c.P50.StringFixed(2) + " " + c.Currency
}

// signedRows is the estimate a record signed, as the record page shows it:
// option, planned cores and GiB (what nodes and money follow), added nodes,
// monthly total and added p99. Records signed before planned requests
// existed show their requests.
func signedRows(est *model.Estimate) [][]string {
	if est == nil {
		return nil
	}
	var rows [][]string
	for _, o := range est.Options {
		res := o.Planned
		if res.CPUCores.Decimal().IsZero() && res.MemoryGiB.Decimal().IsZero() {
			res = o.Requests
		}
		rows = append(rows, []string{o.Name, res.CPUCores.Decimal().StringFixed(3), res.MemoryGiB.Decimal().StringFixed(3),
			strconv.Itoa(o.AddedNodes), o.Monthly.Total.StringFixed(2) + " " + est.Currency, o.Latency.P99.StringFixed(3)})
	}
	return rows
}
