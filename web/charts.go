package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"meshwise/model"
	"meshwise/web/views"
)

// Chart geometry, in SVG user units.
const (
	chartW, chartH                       = 720.0, 340.0
	padLeft, padRight, padTop, padBottom = 70.0, 20.0, 20.0, 50.0
)

// optionColors keeps each option's colour the same on every chart.
var optionColors = map[string]string{
	model.OptionIstioSidecar:  "#0b5cad",
	model.OptionIstioAmbient:  "#1a7f37",
	model.OptionLinkerd:       "#8250df",
	model.OptionCilium:        "#bc4c00",
	model.OptionIngressCanary: "#9a6700",
	model.OptionNoMesh:        "#57606a",
	model.OptionAppNet:        "#0a7e8c",
	model.OptionCiliumMTLS:    "#cf222e",
}

// costChart draws monthly total against pods (log scale) for every option,
// with the crossovers marked. Pixel positions are floats; money is not.
func costChart(c model.Curves, names map[string]string, currency string) views.LineChart {
	ch := views.LineChart{Width: chartW, Height: chartH, Currency: currency}
	var maxCost float64
	for _, p := range c.Points {
		for _, o := range p.Options {
			maxCost = math.Max(maxCost, o.MonthlyTotal.InexactFloat64())
		}
	}
	top := niceCeil(maxCost)
	x := func(pods int) float64 {
		lo, hi := math.Log10(model.CurveMinPods), math.Log10(model.CurveMaxPods)
		return padLeft + (math.Log10(float64(pods))-lo)/(hi-lo)*(chartW-padLeft-padRight)
	}
	y := func(v float64) float64 { return chartH - padBottom - v/top*(chartH-padTop-padBottom) }
	for _, pods := range []int{10, 100, 1000, 10000} {
		ch.XTicks = append(ch.XTicks, views.Tick{Pos: x(pods), Label: strconv.Itoa(pods)})
	}
	for i := 0; i <= 4; i++ {
		v := top * float64(i) / 4
		ch.YTicks = append(ch.YTicks, views.Tick{Pos: y(v), Label: strconv.FormatFloat(v, 'f', -1, 64)})
	}
	for i := range c.Points[0].Options {
		id := c.Points[0].Options[i].ID
		var b strings.Builder
		for _, p := range c.Points {
			fmt.Fprintf(&b, "%.1f,%.1f ", x(p.Pods), y(p.Options[i].MonthlyTotal.InexactFloat64()))
		}
		ch.Series = append(ch.Series, views.Series{ID: id, Name: names[id], Color: optionColors[id], Points: strings.TrimSpace(b.String())})
	}
	for _, xo := range c.Crossovers {
		cost := costAt(c, xo.CheaperBelow, xo.AtPods)
		ch.Marks = append(ch.Marks, views.Mark{X: x(xo.AtPods), Y: y(cost),
			Label: fmt.Sprintf("%s and %s cross at about %d pods", names[xo.CheaperBelow], names[xo.CheaperAbove], xo.AtPods)})
	}
	ch.X0, ch.X1, ch.Y0, ch.Y1 = padLeft, chartW-padRight, chartH-padBottom, padTop
	for _, p := range c.Points {
		row := views.DataRow{Label: strconv.Itoa(p.Pods)}
		for _, o := range p.Options {
			row.Cells = append(row.Cells, o.MonthlyTotal.StringFixed(2))
		}
		ch.Rows = append(ch.Rows, row)
	}
	return ch
}

// costAt interpolates an option's monthly total at a pod count on the log axis.
func costAt(c model.Curves, id string, pods int) float64 {
	for k := 1; k < len(c.Points); k++ {
		p0, p1 := c.Points[k-1], c.Points[k]
		if pods < p0.Pods || pods > p1.Pods {
			continue
		}
		var v0, v1 float64
		for i, o := range p0.Options {
			if o.ID == id {
				v0, v1 = o.MonthlyTotal.InexactFloat64(), p1.Options[i].MonthlyTotal.InexactFloat64()
			}
		}
		t := (math.Log10(float64(pods)) - math.Log10(float64(p0.Pods))) / (math.Log10(float64(p1.Pods)) - math.Log10(float64(p0.Pods)))
		return v0 + t*(v1-v0)
	}
	return 0
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// taxChart splits one option's requests by component, as shares of CPU and
// of memory.
func taxChart(o model.OptionEstimate) views.BarChart {
	bc := views.BarChart{Title: o.Name}
	total := [2]float64{o.Requests.CPUCores.Decimal().InexactFloat64(), o.Requests.MemoryGiB.Decimal().InexactFloat64()}
	palette := []string{"#0b5cad", "#1a7f37", "#8250df", "#bc4c00", "#9a6700", "#57606a"}
	offsets := [2]float64{}
	for i, c := range o.Components {
		vals := [2]float64{c.Requests.CPUCores.Decimal().InexactFloat64(), c.Requests.MemoryGiB.Decimal().InexactFloat64()}
		seg := views.BarSegment{Name: c.Name, Color: palette[i%len(palette)], CPU: c.Requests.CPUCores.String(), Memory: c.Requests.MemoryGiB.Decimal().StringFixed(3)}
		for k := 0; k < 2; k++ {
			share := 0.0
			if total[k] > 0 {
				share = vals[k] / total[k] * 100
			}
			seg.Start[k], seg.Width[k] = offsets[k], share
			offsets[k] += share
		}
		seg.CPUShare = strconv.FormatFloat(seg.Width[0], 'f', 1, 64)
		seg.MemShare = strconv.FormatFloat(seg.Width[1], 'f', 1, 64)
		bc.Segments = append(bc.Segments, seg)
	}
	bc.TotalCPU = o.Requests.CPUCores.String()
	bc.TotalMemory = o.Requests.MemoryGiB.Decimal().StringFixed(3)
	return bc
}
