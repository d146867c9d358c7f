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
