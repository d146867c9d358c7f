package model

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	var me *Error
	require.ErrorAs(t, err, &me)
	out := map[string]string{}
	for _, f := range me.Fields {
		out[f.Field] = f.Message
	}
	return out
}

// The case: 100,000 pods on one node was priced (ambient at $39 a
// month). At 250 max pods a node holds 250 pods: refused, naming the field.
func TestImpossiblePodCountsAreRefused(t *testing.T) {
	a := DefaultAssessment()
	a.Pods, a.Nodes = 100_000, 1
	_, err := Compute(a)
	f := fieldsOf(t, err)
	assert.Contains(t, f["pods"], "100000 pods cannot run on 1 node(s)")
	assert.Contains(t, f["pods"], "at most 250")

	a = DefaultAssessment()
	a.Pods, a.Nodes, a.MaxPodsPerNode = 111, 1, 110
	_, err = Compute(a)
	assert.Contains(t, fieldsOf(t, err)["pods"], "at most 110")
	a.Pods = 110
	_, err = Compute(a)
	assert.NoError(t, err, "exactly full is allowed")
}

// Requests today beyond what the nodes offer are refused too: 6 x D4s_v5
// offer 6 x 3.86 = 23.16 cores; 100 pods at 250m ask 25.
func TestRequestsBeyondAllocatableAreRefused(t *testing.T) {
	a := DefaultAssessment()
	a.FillMode, a.AppCPUmPerPod, a.AppMemoryMiPerPod = FillPerPod, 250, 256
	_, err := Compute(a)
	f := fieldsOf(t, err)
	assert.Contains(t, f["app_cpu_m_per_pod"], "25.00 cores")
	assert.Contains(t, f["app_cpu_m_per_pod"], "23.16 cores")
	assert.NotContains(t, f, "app_memory_mi_per_pod", "25,600Mi fits 6 x 12,188Mi")

	a.FillMode = "half-full"
	assert.Contains(t, fieldsOf(t, a.Validate()), "fill_mode")
}

// Spare room by hand, per pod: 6 nodes x 3.86 = 23.16 cores, 6 x 12188Mi =
// 73128Mi. Requests today: 100 pods x 150m + 6 x 200m DaemonSets = 16.2
// cores; 100 x 256Mi + 6 x 300Mi = 27400Mi. Spare 6.96 cores, 45728Mi.
//
// The sidecar option plans 11.2 cores fixed + 0.1 per node: 11.2 + 0.1(6 +
// n) - 6.96 ≤ 3.86n → n ≥ 1.29 → 2 nodes (0 spare would need 4).
// Ambient plans 0.6 fixed + 0.3 per node: 0.6 + 0.3 x 6 = 2.4 ≤ 6.96 → 0.
func TestSpareRoomPerPod(t *testing.T) {
	a := DefaultAssessment()
	a.FillMode, a.AppCPUmPerPod, a.AppMemoryMiPerPod = FillPerPod, 150, 256
	a.DaemonSetCPUmPerNode, a.DaemonSetMemoryMiPerNode = 200, 300
	e := mustCompute(t, a)
	r := e.Room
	assertDec(t, "23.16", r.AllocatableCPU.Decimal())
	assertDec(t, "16.2", r.UsedCPU.Decimal())
	assertDec(t, "6.96", r.SpareCPU.Decimal())
	assert.Equal(t, GiB(45728*mib), r.SpareMem)
	assert.Contains(t, r.Derivation, "100 pods x 150m + 6 nodes x 200m DaemonSets")
	assert.False(t, r.Assumed)
	assert.Equal(t, 2, option(t, e, OptionIstioSidecar).AddedNodes)
	assert.Equal(t, 0, option(t, e, OptionIstioAmbient).AddedNodes, "fits in the spare room: no node added")
}

// Share of allocatable: at the default 70% (an assumption, flagged), spare
// = 30% x 23.16 = 6.948 cores; at 100% there is none and the sidecar
// option needs the 4 nodes of the hand-computed case.
func TestSpareRoomFromShare(t *testing.T) {
	e := mustCompute(t, DefaultAssessment())
	assert.Equal(t, FillShare, e.Room.Mode)
	assertDec(t, "6.948", e.Room.SpareCPU.Decimal())
	assert.True(t, e.Room.Assumed, "70% is our assumption until the team enters its own")
	assert.Equal(t, 0, option(t, e, OptionIstioAmbient).AddedNodes, "one pod's worth of mesh does not add a node")

	a := DefaultAssessment()
	a.RequestedCPUPercent, a.RequestedMemoryPercent = d("100"), d("100")
	e = mustCompute(t, a)
	assert.False(t, e.Room.Assumed)
	assert.True(t, e.Room.SpareCPU == 0 && e.Room.SpareMem == 0)
	assert.Equal(t, 4, option(t, e, OptionIstioSidecar).AddedNodes)
}

// Assessments saved before fill_mode existed read as spare room given
// directly, and price as they did.
func TestLegacySpareRoom(t *testing.T) {
	a := DefaultAssessment()
	a.FillMode, a.SpareCores = "", d("2.5")
	e := mustCompute(t, a)
	assert.Equal(t, FillSpare, e.Room.Mode)
	assertDec(t, "2.5", e.Room.SpareCPU.Decimal())
}

// The wizard shows an old assessment's empty fill mode as "spare", so
// saving step 1 keeps its pricing.
func TestLegacyFillModeShownAsSpare(t *testing.T) {
	a := DefaultAssessment()
	a.FillMode = ""
	assert.Equal(t, FillSpare, a.FieldValue("fill_mode"))
	require.NoError(t, a.SetField("fill_mode", a.FieldValue("fill_mode")))
	assert.Equal(t, FillSpare, a.FillMode)
}
