package model

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// DriftBaseline is what an approved decision allows: its option, scope,
// review date, status and the figures it was approved on. It is built from
// a decision record by the caller, so the drift check does not depend on
// how records are stored.
type DriftBaseline struct {
	RecordID   string   `json:"record_id"`
	Status     string   `json:"status"`    // the record's status in the log
	Option     string   `json:"option"`    // the chosen option's ID
	Scope      []string `json:"scope"`     // approved namespaces
	ReviewBy   string   `json:"review_by"` // YYYY-MM-DD
	MeshedPods int      `json:"meshed_pods"`
	// The chosen option's data plane (proxies, node agents, waypoints) as
	// approved: requests, and the estimated use.
	ProxyRequests Resources `json:"proxy_requests"`
	ProxyUsage    Resources `json:"proxy_usage"`
}

// ObservedNamespace is one workload namespace of a fresh import.
type ObservedNamespace struct {
	Name       string   `json:"name"`
	Meshes     []string `json:"meshes"` // option IDs whose proxies or labels were found
	MeshedPods int      `json:"meshed_pods"`
}

// DriftObservation is a fresh import, reduced to what the check reads.
// Platform namespaces are left out by the caller.
type DriftObservation struct {
	Namespaces    []ObservedNamespace `json:"namespaces"`
	ProxyRequests Resources           `json:"proxy_requests"` // the data plane's requests now
	ProxyUsed     *Resources          `json:"proxy_used,omitempty"`
}

// Finding codes.
const (
	DriftOutOfScope  = "out-of-scope"     // proxies in a namespace the decision does not cover
	DriftWrongMesh   = "option-mismatch"  // a mesh other than the one chosen
	DriftMeshedPods  = "meshed-pods-over" // more meshed pods than approved, beyond the tolerance
	DriftProxyTax    = "proxy-tax-over"   // the proxies take more than approved, beyond the tolerance
	DriftReviewDue   = "review-overdue"
	DriftNotApproved = "not-approved" // proposed, rejected or superseded
)

// Finding is one way a cluster drifted from its decision.
type Finding struct {
	Code      string `json:"code"`
	Namespace string `json:"namespace,omitempty"`
	Message   string `json:"message"`
}

// DriftReport is the outcome of a check.
type DriftReport struct {
	RecordID     string          `json:"record_id"`
	Option       string          `json:"option"`
	CheckedAt    string          `json:"checked_at"` // YYYY-MM-DD
	TolerancePct decimal.Decimal `json:"tolerance_percent"`
	Clean        bool            `json:"clean"`
	Findings     []Finding       `json:"findings"`
}

// DefaultDriftTolerance is how far beyond the approved figures a cluster
// may go, in percent, before it has drifted.
var DefaultDriftTolerance = decimal.NewFromInt(25)

// CheckDrift compares a fresh import with an approved decision. It is
// pure: the same inputs give the same findings, in a stable order.
func CheckDrift(b DriftBaseline, o DriftObservation, today time.Time, tolerancePct decimal.Decimal) DriftReport {
	r := DriftReport{RecordID: b.RecordID, Option: b.Option, CheckedAt: today.UTC().Format("2006-01-02"), TolerancePct: tolerancePct, Findings: []Finding{}}
	add := func(code, ns, format string, args ...any) {
		r.Findings = append(r.Findings, Finding{Code: code, Namespace: ns, Message: fmt.Sprintf(format, args...)})
	}
	switch b.Status {
	case StatusApproved:
	case StatusSuperseded:
		add(DriftNotApproved, "", "record %s was superseded: check against the record that replaced it", b.RecordID)
	case StatusRejected:
		add(DriftNotApproved, "", "record %s was rejected: nothing it describes is approved", b.RecordID)
	default:
		add(DriftNotApproved, "", "record %s is %s, not approved", b.RecordID, b.Status)
	}
	if d, err := time.Parse("2006-01-02", b.ReviewBy); err == nil && today.UTC().Format("2006-01-02") > d.Format("2006-01-02") {
		add(DriftReviewDue, "", "the review was due on %s", b.ReviewBy)
	}

	namespaces := slices.Clone(o.Namespaces)
	sort.Slice(namespaces, func(i, j int) bool { return namespaces[i].Name < namespaces[j].Name })
	meshed := 0
	for _, n := range namespaces {
		meshed += n.MeshedPods
		if len(n.Meshes) == 0 && n.MeshedPods == 0 {
			continue
		}
		if !slices.Contains(b.Scope, n.Name) {
			add(DriftOutOfScope, n.Name, "namespace %s runs %s (%d meshed pods) but is outside the approved scope (%s)", n.Name, orNone(n.Meshes), n.MeshedPods, strings.Join(b.Scope, ", "))
		}
		for _, m := range n.Meshes {
			if m != b.Option {
				add(DriftWrongMesh, n.Name, "namespace %s runs %s, but the decision chose %s", n.Name, m, b.Option)
			}
		}
	}
	factor := decimal.NewFromInt(100).Add(tolerancePct).Div(decimal.NewFromInt(100))
	if limit := decimal.NewFromInt(int64(b.MeshedPods)).Mul(factor); decimal.NewFromInt(int64(meshed)).GreaterThan(limit) {
		add(DriftMeshedPods, "", "%d meshed pods, more than the %d approved plus %s%%", meshed, b.MeshedPods, tolerancePct)
	}
	approved, now, what := b.ProxyRequests, o.ProxyRequests, "request"
	if o.ProxyUsed != nil {
		approved, now, what = b.ProxyUsage, *o.ProxyUsed, "use (measured, against the approved estimate of use)"
	}
	overCPU := now.CPUCores.Decimal().GreaterThan(approved.CPUCores.Decimal().Mul(factor))
	overMem := now.MemoryGiB.Decimal().GreaterThan(approved.MemoryGiB.Decimal().Mul(factor))
	if overCPU || overMem {
		add(DriftProxyTax, "", "the mesh's proxies %s %s cores and %s GiB, more than the approved %s cores and %s GiB plus %s%%", what,
			now.CPUCores.Decimal().StringFixed(3), now.MemoryGiB.Decimal().StringFixed(3),
			approved.CPUCores.Decimal().StringFixed(3), approved.MemoryGiB.Decimal().StringFixed(3), tolerancePct)
	}
	r.Clean = len(r.Findings) == 0
	return r
}

// BaselineOf is what a record allows, for a drift check: its status,
// option, scope, review date and the figures it was approved on.
func BaselineOf(st RecordState) (DriftBaseline, error) {
	r := st.Record
	if r.Estimate == nil {
		return DriftBaseline{}, Errorf(EINVALID, "Record %s carries no estimate: the figures it was approved on are unknown.", st.ID)
	}
	base := DriftBaseline{RecordID: st.ID, Status: st.Status, Option: r.Option, Scope: r.Scope, ReviewBy: r.ReviewBy, MeshedPods: r.Estimate.Assessment.Pods}
	if o, ok := r.Estimate.Option(r.Option); ok {
		base.ProxyRequests, base.ProxyUsage = o.DataPlane()
	}
	return base, nil
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "a mesh"
	}
	return strings.Join(s, ", ")
}

// DataPlane sums an option's data-plane components (per-pod proxies,
// per-node agents, waypoints): what a measured proxy tax compares with.
func (o OptionEstimate) DataPlane() (requests, usage Resources) {
	for _, c := range o.Components {
		if c.Kind == KindPerPod || c.Kind == KindPerNode || c.Kind == KindWaypoint {
			requests.CPUCores += c.Requests.CPUCores
			requests.MemoryGiB += c.Requests.MemoryGiB
			usage.CPUCores += c.Usage.CPUCores
			usage.MemoryGiB += c.Usage.MemoryGiB
		}
	}
	return requests, usage
}
