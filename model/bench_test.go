package model

import "testing"

func BenchmarkCompute(b *testing.B) {
	a := DefaultAssessment()
	a.Needs.L7Split, a.Needs.Tracing, a.Needs.AuditLogs = true, true, true
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compute(a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkComputeCurves(b *testing.B) {
	a := DefaultAssessment()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ComputeCurves(a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkComputeRanges(b *testing.B) {
	a := DefaultAssessment()
	a.Needs.L7Split, a.Needs.Tracing, a.Needs.AuditLogs = true, true, true
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ComputeRanges(a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecommend is the decision with its flip search, for the
// 120-service / 600-pod case of issue 12.
func BenchmarkRecommend(b *testing.B) {
	a := DefaultAssessment()
	a.Services, a.Pods, a.Nodes = 120, 600, 30
	a.Needs.MTLS, a.Needs.L7Split = true, true
	e := compute(a)
	b.ReportAllocs()
	for b.Loop() {
		Recommend(a, e)
	}
}
