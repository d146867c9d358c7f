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
	ranges model.Ranges
}

func (s *Server) analyse(r *http.Request) (analysis, error) {
	saved, err := s.store.GetAssessment(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return analysis{}, err
	}
	return analyseSaved(saved)
}

// analyseSaved computes everything the results, CSV and JSON show: the
// estimate with its ranges, the growth curves and the recommendation.
func analyseSaved(saved model.SavedAssessment) (analysis, error) {
	est, err := model.Compute(saved.Assessment)
	if err != nil {
		return analysis{}, err
	}
	curves, err := model.ComputeCurves(saved.Assessment)
	if err != nil {
		return analysis{}, err
	}
	ranges, err := model.ComputeRanges(saved.Assessment)
	if err != nil {
		return analysis{}, err
	}
	// est stays without its ranges (the comparison and curves need none);
	// the JSON download and proposed records add them.
	return analysis{saved: saved, est: est, rec: model.Recommend(saved.Assessment, est), curves: curves, ranges: ranges}, nil
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
	est := an.est
	est.Ranges = &an.ranges
	s.writeJSON(w, http.StatusOK, estimateDoc{ID: an.saved.ID, Version: an.saved.Version, Estimate: est, Recommendation: an.rec})
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
	header := append(append([]string{}, model.ComparisonHeader...), model.RangeHeader...)
	_ = cw.Write(append(header, "verdict"))
	for _, row := range an.est.ComparisonRows() {
		row = append(row, an.ranges.Row(row[0])...)
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
		Room: e.Room.Derivation, RoomAssumed: e.Room.Assumed,
		PriceBasis: priceBasisText(e.Price), PriceNotes: e.Price.Notes, MoneyMethod: e.Price.Method,
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
		for _, id := range an.ranges.OverlapsWith(rec.Top) {
			if ro := verdict[id]; ro.Verdict != model.VerdictNotAdvised {
				v.Overlaps = append(v.Overlaps, names[id])
			}
		}
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
		rg, _ := an.ranges.Option(o.ID)
		v.Rows = append(v.Rows, views.OptionRow{
			Invoice:    m.Invoice.StringFixed(2),
			Preview:    o.Preview,
			TotalRange: rg.Monthly.P10.StringFixed(0) + "–" + rg.Monthly.P90.StringFixed(0),
			P99Range:   rg.AddedP99.P10.StringFixed(2) + "–" + rg.AddedP99.P90.StringFixed(2),
			NodesRange: rg.AddedNodes.P10.String() + "–" + rg.AddedNodes.P90.String(),
			ID:         o.ID, Name: o.Name,
			Cores: o.Planned.CPUCores.Decimal().StringFixed(2), GiB: o.Planned.MemoryGiB.Decimal().StringFixed(2), Nodes: strconv.Itoa(o.AddedNodes),
			DefaultCores: o.Requests.CPUCores.Decimal().StringFixed(2),
			NodesCost:    m.NodesAdded.StringFixed(2), RequestsCost: m.Planned.StringFixed(2), UsageCost: m.Usage.StringFixed(2),
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
				CPUReq:   notes.figure(c.Requests.CPUCores.String()+" cores", c.Source),
				MemReq:   notes.figure(c.Requests.MemoryGiB.Decimal().StringFixed(3), c.Source),
				CPUUse:   notes.figure(c.Usage.CPUCores.Decimal().StringFixed(3)+" cores", c.UsageSource),
				MemUse:   notes.figure(c.Usage.MemoryGiB.Decimal().StringFixed(3), c.UsageSource),
				PerRep:   fmt.Sprintf("%dm / %dMi", c.CPUm, c.MemoryMi),
				Planned:  fmt.Sprintf("%dm / %dMi", c.PlannedCPUm, c.PlannedMemoryMi),
				PlanCPU:  c.Planned.CPUCores.Decimal().StringFixed(3),
				PlanMem:  c.Planned.MemoryGiB.Decimal().StringFixed(3),
				TooSmall: c.DefaultTooSmall}
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
	for _, f := range an.ranges.Figures {
		v.RangedFigures = append(v.RangedFigures, views.RangedFigureView{Label: f.Label, Unit: f.Unit,
			Low: strconv.FormatFloat(f.Low, 'f', -1, 64), Likely: strconv.FormatFloat(f.Likely, 'f', -1, 64), High: strconv.FormatFloat(f.High, 'f', -1, 64),
			Why: f.Why, Note: notes.cite(f.Source)})
	}
	v.RangeMethod = an.ranges.Method
	v.Cost = costChart(an.curves, names, e.Currency)
	sidecar, _ := e.Option(model.OptionIstioSidecar)
	v.Tax = taxChart(sidecar)
	return v
}

// priceBasisText says where the node price comes from and what was done to it.
func priceBasisText(b model.PriceBasis) string {
	src := model.Sources[b.Source]
	t := fmt.Sprintf("Node price: %s at %s USD per hour (%s, %s; %s, status %s)", b.SKU, b.ListHourly, b.Region, b.PriceDate, src.Ref, b.Status)
	if b.AgreementDiscount.IsPositive() {
		t += fmt.Sprintf(", less your %s%% agreement discount", b.AgreementDiscount)
	}
	if b.ReservedShare.IsPositive() && b.ReservedDiscount.IsPositive() {
		t += fmt.Sprintf(", %s%% of node-hours reserved at %s%% off", b.ReservedShare, b.ReservedDiscount)
	}
	if b.Currency != "USD" && b.RateDate != "" {
		t += fmt.Sprintf(", at %s %s per USD (rate of %s)", b.ExchangeRate, b.Currency, b.RateDate)
	}
	return t + fmt.Sprintf(": %s %s per hour.", b.EffectiveHourly.StringFixed(4), b.Currency)
}
