package model

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
)

func TestCheckDrift(t *testing.T) {
	base := DriftBaseline{RecordID: "r1", Status: StatusApproved, Option: OptionIstioAmbient, Scope: []string{"a", "b"}, ReviewBy: "2027-06-01", MeshedPods: 100,
		ProxyRequests: Resources{CPUCores: 900_000, MemoryGiB: GiB(3 << 30)}, ProxyUsage: Resources{CPUCores: 200_000, MemoryGiB: GiB(1 << 30)}}
	today := time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC)
	clean := DriftObservation{Namespaces: []ObservedNamespace{{"a", []string{OptionIstioAmbient}, 60}, {"b", []string{OptionIstioAmbient}, 40}, {"c", nil, 0}},
		ProxyRequests: Resources{CPUCores: 600_000, MemoryGiB: GiB(1536 << 20)}}
	used := Resources{CPUCores: 260_000, MemoryGiB: GiB(1 << 30)}
	over := Resources{CPUCores: 251_000, MemoryGiB: GiB(1 << 30)}

	tests := []struct {
		name  string
		base  func(*DriftBaseline)
		obs   func(*DriftObservation)
		today time.Time
		want  []string // codes
	}{
		{"clean", nil, nil, today, nil},
		{"sidecars in c", nil, func(o *DriftObservation) {
			o.Namespaces[2] = ObservedNamespace{"c", []string{OptionIstioSidecar}, 5}
		}, today, []string{DriftOutOfScope, DriftWrongMesh}},
		{"exactly the tolerance is not drift", nil, func(o *DriftObservation) { o.Namespaces[0].MeshedPods = 85 }, today, nil},
		{"one pod beyond the tolerance", nil, func(o *DriftObservation) { o.Namespaces[0].MeshedPods = 86 }, today, []string{DriftMeshedPods}},
		{"measured use beyond the estimate", nil, func(o *DriftObservation) { o.ProxyUsed = &used }, today, []string{DriftProxyTax}},
		{"measured use just beyond", nil, func(o *DriftObservation) { o.ProxyUsed = &over }, today, []string{DriftProxyTax}},
		{"requests beyond", nil, func(o *DriftObservation) { o.ProxyRequests.MemoryGiB = GiB(4 << 30) }, today, []string{DriftProxyTax}},
		{"review overdue", nil, nil, time.Date(2027, 6, 2, 0, 0, 0, 0, time.UTC), []string{DriftReviewDue}},
		{"review day itself", nil, nil, time.Date(2027, 6, 1, 23, 0, 0, 0, time.UTC), nil},
		{"superseded", func(b *DriftBaseline) { b.Status = StatusSuperseded }, nil, today, []string{DriftNotApproved}},
		{"rejected", func(b *DriftBaseline) { b.Status = StatusRejected }, nil, today, []string{DriftNotApproved}},
		{"no mesh chosen", func(b *DriftBaseline) { b.Option = OptionNoMesh }, nil, today, []string{DriftWrongMesh, DriftWrongMesh}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, o := base, clean
			b.Scope = append([]string(nil), base.Scope...)
			o.Namespaces = append([]ObservedNamespace(nil), clean.Namespaces...)
			if tt.base != nil {
				tt.base(&b)
			}
			if tt.obs != nil {
				tt.obs(&o)
			}
			r := CheckDrift(b, o, tt.today, DefaultDriftTolerance)
			var codes []string
			for _, f := range r.Findings {
				codes = append(codes, f.Code)
			}
			assert.Equal(t, tt.want, codes, "%+v", r.Findings)
			assert.Equal(t, len(tt.want) == 0, r.Clean)
		})
	}
	r := CheckDrift(base, DriftObservation{Namespaces: []ObservedNamespace{{"c", []string{OptionIstioSidecar}, 5}}}, today, decimal.NewFromInt(10))
	assert.Contains(t, r.Findings[0].Message, "namespace c runs istio-sidecar (5 meshed pods) but is outside the approved scope (a, b)")
	assert.Contains(t, r.Findings[1].Message, "namespace c runs istio-sidecar, but the decision chose istio-ambient")
}
