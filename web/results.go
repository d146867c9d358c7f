package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"meshwise/model"
	"meshwise/web/views"
)

// analysis is everything computed for one saved assessment.
type analysis struct {
	saved  model.SavedAssessment
	est    model.Estimate
	rec    model.Recommendation
	curves model.Curves
}

func (s *Server) analyse(r *http.Request) (analysis, error) {
	saved, err := s.store.GetAssessment(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return analysis{}, err
	}
	est, err := s.compute(saved.Assessment, "page")
	if err != nil {
		return analysis{}, err
	}
	curves, err := model.ComputeCurves(saved.Assessment)
	if err != nil {
		return analysis{}, err
	}
	return analysis{saved: saved, est: est, rec: model.Recommend(saved.Assessment, est), curves: curves}, nil
}

func (s *Server) results(w http.ResponseWriter, r *http.Request) {
	an, err := s.analyse(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := resultsView(an)
	v.CanPropose = principalOf(r).Role.AtLeast(model.RoleArchitect)
	s.render(w, r, http.StatusOK, views.Results(s.page(r, "Results · "+an.saved.Assessment.Title, "new"), v))
}

// estimateDoc is the JSON download: the inputs, the estimate and the verdict.
type estimateDoc struct {
	ID             string               `json:"id"`
	Version        int                  `json:"version"`
	Estimate       model.Estimate       `json:"estimate"`
	Recommendation model.Recommendation `json:"recommendation"`
}

func (s *Server) estimateJSON(w http.ResponseWriter, r *http.Request) {
	an, err := s.analyse(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="meshwise-%s.json"`, an.saved.ID))
	s.writeJSON(w, http.StatusOK, estimateDoc{ID: an.saved.ID, Version: an.saved.Version, Estimate: an.est, Recommendation: an.rec})
}

func (s *Server) comparisonCSV(w http.ResponseWriter, r *http.Request) {
	an, err := s.analyse(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	verdicts := map[string]string{}
	for _, o := range an.rec.Ranked {
		verdicts[o.ID] = o.Verdict
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="meshwise-%s.csv"`, an.saved.ID))
	cw := csv.NewWriter(w)
	_ = cw.Write(append(append([]string{}, model.ComparisonHeader...), "verdict"))
	for _, row := range an.est.ComparisonRows() {
		_ = cw.Write(append(row, verdicts[row[0]]))
	}
	cw.Flush()
}

// footnotes numbers sources in the order the page first cites them.
type footnotes struct {
	order []string
	index map[string]int
}

func (f *footnotes) cite(id string) int {
	if f.index == nil {
		f.index = map[string]int{}
	}
	if n, ok := f.index[id]; ok {
		return n
	}
	f.order = append(f.order, id)
	f.index[id] = len(f.order)
	return len(f.order)
}

func (f *footnotes) figure(text, id string) views.Figure {
	src := model.Sources[id]
	return views.Figure{Text: text, Note: f.cite(id), Title: src.Title + " — " + src.Ref + " (" + src.Version + ", " + src.Status + ")", Assumed: src.Status == model.StatusAssumption}
}

func resultsView(an analysis) views.ResultsView {
	a, e, rec := an.saved.Assessment, an.est, an.rec
	v := views.ResultsView{
		ID: an.saved.ID, Title: a.Title, Cluster: a.Cluster, ModelVersion: e.ModelVersion, Currency: e.Currency,
		Headline: rec.Headline, Warranted: rec.MeshWarranted, Checklist: rec.Checklist, Flips: rec.Flips,
		SKU: e.SKU.Name, Scaling: "Nodes and east-west traffic grow with pods; services, needs and prices stay as assessed",
	}
	names := map[string]string{}
	for _, o := range e.Options {
		names[o.ID] = o.Name
	}
	verdict := map[string]model.RankedOption{}
	for _, ro := range rec.Ranked {
		verdict[ro.ID] = ro
	}
	if rec.Top != "" {
		for i, reason := range verdict[rec.Top].Reasons {
			if i == 3 {
				break
			}
			v.TopReasons = append(v.TopReasons, views.ReasonView{Text: reason.Text, Rule: reason.Rule, Source: reason.Source})
		}
		v.Next = model.PlanNextSteps(a, rec.Top)
		v.NextName = names[rec.Top]
	}
	var notes footnotes
	for _, ro := range rec.Ranked {
		o, _ := e.Option(ro.ID)
		covered, required := 0, 0
		for _, c := range o.Coverage {
			if c.Required {
				required++
				if c.Level == model.CoverYes {
					covered++
				}
			}
		}
		operated := "AKS-managed"
		if !o.Managed {
			operated = "self-managed"
		}
		needs := "no needs set"
		if required > 0 {
			needs = fmt.Sprintf("%d of %d fully", covered, required)
		}
		m := o.Monthly
		v.Rows = append(v.Rows, views.OptionRow{
			ID: o.ID, Name: o.Name,
			Cores: o.Requests.CPUCores.Decimal().StringFixed(2), GiB: o.Requests.MemoryGiB.Decimal().StringFixed(2), Nodes: strconv.Itoa(o.AddedNodes),
			NodesCost: m.NodesAdded.StringFixed(2), RequestsCost: m.Requests.StringFixed(2), UsageCost: m.Usage.StringFixed(2),
			Telemetry: m.Telemetry.StringFixed(2), Total: m.Total.StringFixed(2), P99: o.Latency.P99.StringFixed(3),
			NeedsCovered: needs, Operated: operated, Verdict: ro.Verdict,
		})
		b := views.Breakdown{ID: o.ID, Name: o.Name, Verdict: ro.Verdict, Summary: o.Summary, OperatedBy: o.OperatedBy, Notes: o.Notes, Coverage: o.Coverage,
			LatencyNote: o.Latency.Note}
		for _, reason := range ro.Reasons {
			b.Reasons = append(b.Reasons, views.ReasonView{Text: reason.Text, Rule: reason.Rule, Source: reason.Source, Blocks: reason.Blocks})
		}
		for _, c := range o.Components {
			row := views.ComponentRow{Name: c.Name, Kind: c.Kind, Replicas: strconv.Itoa(c.Replicas),
				CPUReq: notes.figure(c.Requests.CPUCores.String()+" cores", c.Source),
				MemReq: notes.figure(c.Requests.MemoryGiB.Decimal().StringFixed(3), c.Source),
				CPUUse: notes.figure(c.Usage.CPUCores.Decimal().StringFixed(3)+" cores", c.UsageSource),
				MemUse: notes.figure(c.Usage.MemoryGiB.Decimal().StringFixed(3), c.UsageSource)}
			if c.ReplicaSource != "" {
				row.ReplicaNote = notes.cite(c.ReplicaSource)
				row.ReplicaTitle = model.Sources[c.ReplicaSource].Title
			}
			b.Components = append(b.Components, row)
		}
		b.Latency = notes.figure(fmt.Sprintf("%s / %s / %s ms (p50 / p90 / p99)", o.Latency.P50, o.Latency.P90, o.Latency.P99), o.Latency.Sources[0])
		v.Breakdowns = append(v.Breakdowns, b)
	}
	for i, id := range notes.order {
		src := model.Sources[id]
		v.Sources = append(v.Sources, views.SourceView{N: i + 1, ID: id, Title: src.Title, Ref: src.Ref, Version: src.Version, Status: src.Status})
	}
	v.Cost = costChart(an.curves, names, e.Currency)
	sidecar, _ := e.Option(model.OptionIstioSidecar)
	v.Tax = taxChart(sidecar)
	return v
}
