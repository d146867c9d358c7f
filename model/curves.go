package model

import (
	"math"

	"github.com/shopspring/decimal"
)

// curveFigures are the likely figures, evaluated lean for the curves.
var curveFigures = func() figures { f := likelyFigures; f.lean, f.curve = true, true; return f }()

// CurvePoints is how many pod counts a growth curve samples, log-spaced
// from CurveMinPods to CurveMaxPods.
const (
	CurvePoints  = 40
	CurveMinPods = 10
	CurveMaxPods = 10_000
)

// CurveValue is one option's cost at one point of the curve.
type CurveValue struct {
	ID           string          `json:"id"`
	MonthlyTotal decimal.Decimal `json:"monthly_total"`
	NodesCost    decimal.Decimal `json:"monthly_nodes_added"`
	AddedNodes   int             `json:"added_nodes"`
}

// CurvePoint is every option's cost at one pod count.
type CurvePoint struct {
	Pods    int          `json:"pods"`
	Nodes   int          `json:"nodes"`
	RPS     int          `json:"east_west_rps"`
	Options []CurveValue `json:"options"`
}

// Crossover is where one option's monthly total overtakes another's.
type Crossover struct {
	CheaperBelow string `json:"cheaper_below"` // cheaper at fewer pods
	CheaperAbove string `json:"cheaper_above"` // cheaper at more pods
	AtPods       int    `json:"at_pods"`       // interpolated between the two samples
	BetweenPods  [2]int `json:"between_pods"`  // the samples it lies between
}

// Curves is each option's monthly cost and added nodes as the mesh grows.
type Curves struct {
	ModelVersion string       `json:"model_version"`
	Scaling      string       `json:"scaling"`
	Points       []CurvePoint `json:"points"`
	Crossovers   []Crossover  `json:"crossovers"`
}

// CurvePods returns the log-spaced pod counts of a growth curve.
func CurvePods() []int {
	pods := make([]int, CurvePoints)
	ratio := math.Log10(float64(CurveMaxPods) / float64(CurveMinPods))
	for i := range pods {
		pods[i] = int(math.Round(CurveMinPods * math.Pow(10, ratio*float64(i)/float64(CurvePoints-1))))
	}
	return pods
}

// ComputeCurves prices every option at each pod count of CurvePods. Nodes
// and east-west traffic grow in proportion to pods (the assessment's pods per
// node and rps per pod stay fixed); services and everything else stay as
// given.
func ComputeCurves(a Assessment) (Curves, error) {
	if err := a.Validate(); err != nil {
		return Curves{}, err
	}
	c := Curves{
		ModelVersion: ModelVersion,
		Scaling:      "nodes and east-west rps scale with pods; services, needs and prices fixed",
		Points:       make([]CurvePoint, 0, CurvePoints),
	}
	for _, pods := range CurvePods() {
		p := a
		p.Pods = pods
		if a.Pods > 0 {
			p.Nodes = max(1, int(ceilDiv(int64(a.Nodes)*int64(pods), int64(a.Pods))))
			p.EastWestRPS = int(int64(a.EastWestRPS) * int64(pods) / int64(a.Pods))
		}
		// Only the money and nodes are charted: a lean evaluation per option.
		pa, s, _ := pricedInputs(p)
		alloc := AllocatableOf(s, pa.MaxPodsPerNode)
		prices := SplitNodePrice(s, pa.Pricing.CPURAMRatio).withMonth(pa.Pricing.HoursPerMonth)
		room := roomOf(pa, alloc)
		pt := CurvePoint{Pods: pods, Nodes: p.Nodes, RPS: p.EastWestRPS, Options: make([]CurveValue, len(Catalog))}
		for i := range Catalog {
			o := estimateOption(pa, &Catalog[i], alloc, prices, room, &curveFigures)
			pt.Options[i] = CurveValue{ID: o.ID, MonthlyTotal: o.Monthly.Total, NodesCost: o.Monthly.NodesAdded, AddedNodes: o.AddedNodes}
		}
		c.Points = append(c.Points, pt)
	}
	c.Crossovers = crossovers(c.Points)
	return c, nil
}

// crossovers finds, for every pair of options, each place where the sign of
// their cost difference changes between two samples.
func crossovers(points []CurvePoint) []Crossover {
	var out []Crossover
	if len(points) < 2 {
		return nil
	}
	n := len(points[0].Options)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			for k := 1; k < len(points); k++ {
				prev, cur := points[k-1], points[k]
				d0 := prev.Options[i].MonthlyTotal.Sub(prev.Options[j].MonthlyTotal)
				d1 := cur.Options[i].MonthlyTotal.Sub(cur.Options[j].MonthlyTotal)
				if d0.Sign() == 0 || d1.Sign() == 0 || d0.Sign() == d1.Sign() {
					continue
				}
				// Linear interpolation of the zero of d between the samples.
				frac := d0.Div(d0.Sub(d1))
				at := decimal.NewFromInt(int64(prev.Pods)).Add(frac.Mul(decimal.NewFromInt(int64(cur.Pods - prev.Pods)))).Round(0).IntPart()
				x := Crossover{AtPods: int(at), BetweenPods: [2]int{prev.Pods, cur.Pods}}
				if d0.Sign() < 0 { // i cheaper before
					x.CheaperBelow, x.CheaperAbove = prev.Options[i].ID, prev.Options[j].ID
				} else {
					x.CheaperBelow, x.CheaperAbove = prev.Options[j].ID, prev.Options[i].ID
				}
				out = append(out, x)
			}
		}
	}
	return out
}
