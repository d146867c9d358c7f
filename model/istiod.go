package model

import "fmt"

// istiodFit is one istiod's usage as a linear fit of measured points:
// CPU = sidecars x cpuPerSidecar + services x cpuPerService + churn rate x
// cpuPerChurn; memory = sidecars x memPerSidecar x (1 + churnMem x churn%)
// + services x memPerService. Units: micro-cores, bytes; churnMem per
// percent in thousandths.
type istiodFit struct {
	cpuPerSidecar, cpuPerService, cpuPerChurn int64 // µcores; per sidecar/s for churn
	memPerSidecar, memPerService              int64 // bytes
	churnMemMilli                             int64 // extra memory per churn percent, in 1/100,000
	source                                    string
}

// AKS istio-scale (asm-1-19, one istiod, HPA off, D16 v3): CPU sits at 15–16
// cores at every capacity point, so each point is where istiod saturates.
//
// Azure CNI Overlay: 25,000 sidecars at 0% churn, 32.1 GB, 15 CPU (one
// service) → 0.6m and 1.284 MB per sidecar. 15,000 at 25% and 50% churn
// (31.2 sidecars/s): 15 CPU → (15 - 9) / 31.2 = 0.1923 cores per sidecar/s;
// 22.2 and 25.4 GB → 1.284 MB x (1 + 0.0064 x churn%). 20,000 sidecars with
// 1,000 services: 15 CPU → (15 - 12) / 1000 = 3m per service; 40.4 GB →
// (40.4 - 25.68) / 1000 = 14.73 MB per service.
//
// Overlay with Cilium: 30,000 at 0%, 41.2 GB, 15 CPU → 0.5m, 1.3733 MB;
// 25,000 at 25% (41.7/s, 36.1 GB, 16 CPU) and 50% (37.9/s, 42.7 GB, 16 CPU)
// → 3.5 cores over 41.7 and 37.9 sidecars/s ≈ 88m per sidecar/s; memory
// least-squares 1 + 0.00432 x churn%; 1,000 services at 20,000: 16 CPU → 6m
// per service, 42.6 GB → 15.13 MB per service.
var (
	istiodAKSOverlay = istiodFit{cpuPerSidecar: 600, cpuPerService: 3_000, cpuPerChurn: 192_300,
		memPerSidecar: 1_284_000, memPerService: 14_730_000, churnMemMilli: 640, source: "aks-istio-scale-istiod"}
	istiodAKSCilium = istiodFit{cpuPerSidecar: 500, cpuPerService: 6_000, cpuPerChurn: 88_000,
		memPerSidecar: 1_373_300, memPerService: 15_130_000, churnMemMilli: 432, source: "aks-istio-scale-istiod"}
)

// usage is one istiod's CPU and memory at the given load.
func (f istiodFit) usage(sidecars, services int64, churnPercent int, churnPerSecondMilli int64) (cpuMicro, memBytes int64) {
	cpuMicro = sidecars*f.cpuPerSidecar + services*f.cpuPerService + churnPerSecondMilli*f.cpuPerChurn/1000
	memBytes = sidecars*f.memPerSidecar*(100_000+f.churnMemMilli*int64(churnPercent))/100_000 + services*f.memPerService
	return cpuMicro, memBytes
}

// istiodUsage is istiod's predicted CPU and memory for an option. The AKS
// add-on follows the AKS istio-scale fit for the cluster's network plugin;
// self-managed Istio scales istio.io's "1 vCPU and 1.5 GB for 1000 services
// and 2000 sidecars" linearly by whichever is larger, counting ambient's
// ztunnels and waypoints as its proxies. The load is taken to split evenly
// over the replicas the HPA runs (an assumption: the AKS figures are for
// one istiod).
func istiodUsage(a Assessment, o *Option, l7 bool, f *figures) (cpuMicro, memBytes int64) {
	cpuMicro, memBytes = istiodLoad(a, o, l7)
	return cpuMicro * f.istiodPermille / 1000, memBytes * f.istiodPermille / 1000
}

func istiodLoad(a Assessment, o *Option, l7 bool) (cpuMicro, memBytes int64) {
	services := int64(a.Services)
	if o.ID == OptionIstioSidecar {
		fit := istiodAKSOverlay
		if a.CiliumCNI {
			fit = istiodAKSCilium
		}
		return fit.usage(int64(a.Pods), services, a.ChurnPercent, a.ChurnPerSecond.Shift(3).IntPart())
	}
	proxies := int64(a.Pods)
	if o.ID == OptionIstioAmbient {
		proxies = int64(a.Nodes)
		if l7 {
			proxies += int64(a.Namespaces)
		}
	}
	cpuMicro = max(services*1_000, proxies*500)         // 1e6 µcores / 1000 services; / 2000 proxies
	memBytes = max(services*1_500_000, proxies*750_000) // 1.5e9 bytes / 1000 services; / 2000 proxies
	return cpuMicro, memBytes
}

// istiodHPA is the replica count istiod's HPA settles on (80% of its CPU
// request), between its minimum and maximum, and how many it would want.
func istiodHPA(cpuMicro int64, c Component) (replicas, wanted int) {
	perReplica := int64(c.CPUm) * 1000 * 8 / 10
	wanted = int(ceilDiv(cpuMicro, perReplica))
	return max(c.Replicas, min(wanted, c.MaxReplicas)), wanted
}

// hpaNote warns when istiod's HPA maximum cannot carry the predicted load.
func hpaNote(c ComponentEstimate, wanted, maxReplicas int) string {
	return fmt.Sprintf("istiod's HPA maximum (%d) cannot carry the predicted load: at 80%% of its %dm request it would want %d replicas; planned at %d replicas x %dm, %dMi. Raise the maximum (self-managed) or split the mesh.",
		maxReplicas, c.CPUm, wanted, c.Replicas, c.PlannedCPUm, c.PlannedMemoryMi)
}
