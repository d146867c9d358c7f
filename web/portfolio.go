package web

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"meshwise/model"
	"meshwise/web/views"
)

// portfolio gathers the records FinOps follows with what each signed, and
// re-prices them against today's model and price book when asked.
func (s *Server) portfolio(r *http.Request) (model.Portfolio, model.Integrity, []model.FieldError, *model.PriceBook, error) {
	v := r.URL.Query()
	q, errs := archiveQuery(v)
	if q.Status != "" && q.Status != model.StatusApproved && q.Status != model.StatusProposed {
		errs = append(errs, model.FieldError{Field: "status", Message: "must be approved or proposed: the portfolio follows decisions in force or pending"})
	}
	reprice := v.Get("reprice") == "1" || v.Get("reprice") == "true"
	rows, integrity, err := s.store.Portfolio(r.Context(), q, time.Now())
	if err != nil {
		return model.Portfolio{}, integrity, nil, nil, err
	}
	var book *model.PriceBook
	if reprice {
		b, ok, err := s.store.CurrentPrices(r.Context())
		if err != nil {
			return model.Portfolio{}, integrity, nil, nil, err
		}
		var pricing *model.Pricing
		if ok {
			book, pricing = &b, &b.Pricing
		}
		for i := range rows {
			a := rows[i].Assessment
			if a == nil {
				continue
			}
			// Compare like with like: today's prices, in the currency the
			// record signed (and at today's rate only when the book uses
			// the same currency).
			var today *model.Pricing
			if pricing != nil {
				p := *pricing
				if !strings.EqualFold(p.Currency, a.Pricing.Currency) {
					p.Currency, p.ExchangeRate, p.ExchangeRateDate = a.Pricing.Currency, a.Pricing.ExchangeRate, a.Pricing.ExchangeRateDate
				}
				today = &p
			}
			if c, err := model.Reprice(*a, rows[i].Option, today); err == nil {
				rows[i].Repriced = &c
			}
		}
	}
	return model.BuildPortfolio(rows, reprice), integrity, errs, book, nil
}

func (s *Server) portfolioPage(w http.ResponseWriter, r *http.Request) {
	p, integrity, errs, book, err := s.portfolio(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := views.PortfolioView{Portfolio: p, Integrity: integrity, Errors: errs, Values: r.URL.Query(), Book: book, Chart: portfolioChart(p)}
	for _, o := range model.Catalog {
		v.Options = append(v.Options, views.Choice{Value: o.ID, Label: o.Name})
	}
	q := url.Values{}
	for k, vs := range r.URL.Query() {
		q[k] = vs
	}
	v.CSVURL = "/portfolio.csv?" + q.Encode()
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, views.Portfolio(s.page(r, "Portfolio", "portfolio"), v))
}

func (s *Server) apiPortfolio(w http.ResponseWriter, r *http.Request) {
	p, integrity, errs, _, err := s.portfolio(r)
	if err == nil && len(errs) > 0 {
		err = &model.Error{Code: model.EINVALID, Message: "The query has fields that cannot be used.", Fields: errs}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, struct {
		model.Portfolio
		Integrity model.Integrity `json:"integrity"`
	}{p, integrity})
}

// portfolioCSV writes one line per record and the same totals as the page.
func (s *Server) portfolioCSV(w http.ResponseWriter, r *http.Request) {
	p, _, errs, _, err := s.portfolio(r)
	if err == nil && len(errs) > 0 {
		err = &model.Error{Code: model.EINVALID, Message: "The query has fields that cannot be used.", Fields: errs}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="meshwise-portfolio.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"record", "title", "cluster", "option", "owner", "status", "review_by", "currency", "monthly_p10", "monthly_p50", "monthly_p90", "monthly_invoice", "added_nodes", "repriced_p50"})
	for _, row := range p.Rows {
		repriced := ""
		if row.Repriced != nil {
			repriced = row.Repriced.P50.StringFixed(2)
		}
		_ = cw.Write([]string{row.ID, csvSafe(row.Title), csvSafe(row.Cluster), row.Option, csvSafe(row.Owner), row.Status, row.ReviewBy, row.Cost.Currency,
			row.Cost.P10.StringFixed(2), row.Cost.P50.StringFixed(2), row.Cost.P90.StringFixed(2), row.Cost.Invoice.StringFixed(2), strconv.Itoa(row.Cost.AddedNodes), repriced})
	}
	for _, t := range p.Overall {
		_ = cw.Write([]string{"total", "", "", "", "", "", "", t.Currency, t.P10.StringFixed(2), t.P50.StringFixed(2), t.P90.StringFixed(2), t.Invoice.StringFixed(2), strconv.Itoa(t.AddedNodes), t.Repriced.StringFixed(2)})
	}
	cw.Flush()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// portfolioChart stacks each cluster's monthly tax (P50) by option.
func portfolioChart(p model.Portfolio) views.StackedChart {
	ch := views.StackedChart{Width: chartW}
	perCluster := map[string]map[string]float64{}
	var clusters []string
	currency := ""
	for _, row := range p.Rows {
		if currency == "" {
			currency = row.Cost.Currency
		}
		if row.Cost.Currency != currency {
			ch.Note = "Records in more than one currency: the chart shows " + currency + " only."
			continue
		}
		if _, ok := perCluster[row.Cluster]; !ok {
			perCluster[row.Cluster] = map[string]float64{}
			clusters = append(clusters, row.Cluster)
		}
		perCluster[row.Cluster][row.Option] += row.Cost.P50.InexactFloat64()
	}
	max := 0.0
	for _, c := range clusters {
		sum := 0.0
		for _, v := range perCluster[c] {
			sum += v
		}
		max = maxf(max, sum)
	}
	ch.Currency = currency
	const left, barH, gap = 160.0, 22.0, 10.0
	width := chartW - left - 90
	for i, c := range clusters {
		y := 10 + float64(i)*(barH+gap)
		bar := views.StackedBar{Label: c, Y: y, LabelY: y + barH*0.7, H: barH}
		x, sum := left, 0.0
		for _, o := range model.Catalog {
			v := perCluster[c][o.ID]
			if v <= 0 {
				continue
			}
			wd := 0.0
			if max > 0 {
				wd = v / max * width
			}
			bar.Segments = append(bar.Segments, views.Segment{X: x, W: wd, Color: optionColors[o.ID], Title: o.Name + ": " + strconv.FormatFloat(v, 'f', 2, 64) + " " + currency})
			x += wd
			sum += v
		}
		bar.TotalX, bar.Total = x+6, strconv.FormatFloat(sum, 'f', 0, 64)+" "+currency
		ch.Bars = append(ch.Bars, bar)
	}
	ch.Height = 20 + float64(len(clusters))*(barH+gap)
	for _, o := range model.Catalog {
		ch.Legend = append(ch.Legend, views.Segment{Color: optionColors[o.ID], Title: o.Name})
	}
	return ch
}

func maxf(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}
