package cluster

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// podList writes a `kubectl get pods -A -o json` of n pods, each with an
// app container and an Istio sidecar, spread over 40 namespaces.
func podList(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"apiVersion":"v1","items":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"app-%d-7c9f8d6b5-x2x9k","namespace":"team-%d","labels":{"app":"app-%d","pod-template-hash":"7c9f8d6b5"},"annotations":{"sidecar.istio.io/status":"{\"initContainers\":[\"istio-init\"],\"containers\":[\"istio-proxy\"]}"}},"spec":{"initContainers":[{"name":"istio-init","image":"mcr.microsoft.com/oss/istio/proxyv2:1.30.3","resources":{"requests":{"cpu":"10m","memory":"10Mi"}}}],"containers":[{"name":"app","image":"contoso.azurecr.io/app:1.%d","ports":[{"containerPort":8080}],"resources":{"requests":{"cpu":"250m","memory":"256Mi"},"limits":{"memory":"512Mi"}}},{"name":"istio-proxy","image":"mcr.microsoft.com/oss/istio/proxyv2:1.30.3","resources":{"requests":{"cpu":"100m","memory":"128Mi"},"limits":{"cpu":"2","memory":"1Gi"}}}],"nodeName":"aks-user-%d"},"status":{"phase":"Running","podIP":"10.244.%d.%d"}}`,
			i, i%40, i%300, i%7, i%50, i%250, i%250)
	}
	b.WriteString(`],"kind":"List","metadata":{"resourceVersion":""}}`)
	return b.Bytes()
}

// realPod is one pod as a real AKS cluster prints it, trimmed to about 900
// bytes (the 60,000 pods in 54 MB): images,
// ports, limits and status fields that meshwise skips.
const realPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"app":"app-%[3]d","pod-template-hash":"7c9f8d6b5","security.istio.io/tlsMode":"istio"},"annotations":{"sidecar.istio.io/status":"{\"initContainers\":[\"istio-init\"],\"containers\":[\"istio-proxy\"],\"revision\":\"asm-1-26\"}"},"name":"app-%[1]d-7c9f8d6b5-x2x9k","namespace":"team-%[2]d","uid":"9b7d3c1a-2e4f-4a6b-8c0d-%012[1]d"},"spec":{"initContainers":[{"name":"istio-init","resources":{"requests":{"cpu":"10m","memory":"40Mi"}}}],"containers":[{"name":"app","image":"contoso.azurecr.io/app:1.%[4]d","ports":[{"containerPort":8080,"protocol":"TCP"}],"resources":{"requests":{"cpu":"250m","memory":"256Mi"},"limits":{"memory":"512Mi"}}},{"name":"istio-proxy","image":"mcr.microsoft.com/oss/istio/proxyv2:1.26.3","resources":{"requests":{"cpu":"100m","memory":"128Mi"},"limits":{"cpu":"2","memory":"1Gi"}}}],"nodeName":"aks-user-%[5]d"},"status":{"phase":"Running","podIP":"10.244.%[6]d.%[7]d"}}`

// realPodList writes n realPods.
func realPodList(n int) []byte {
	var b bytes.Buffer
	b.Grow(n * 1000)
	b.WriteString(`{"apiVersion":"v1","items":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, realPod, i, i%40, i%300, i%7, i%50, i%250, i%250)
	}
	b.WriteString(`],"kind":"List","metadata":{"resourceVersion":""}}`)
	return b.Bytes()
}

// BenchmarkRead60kPods reads a 60,000-pod list of real-shaped pods (the
// size docs/BENCHMARKS.md reports).
func BenchmarkRead60kPods(b *testing.B) {
	data := realPodList(60_000)
	b.SetBytes(int64(len(data)))
	b.ReportMetric(float64(len(data))/(1<<20), "file-MiB")
	for b.Loop() {
		inv := New(false)
		if err := inv.ReadAs(Pods, "pods.json", bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
		if inv.Mesh.IstioSidecars != 60_000 {
			b.Fatal("wrong count")
		}
	}
}

// BenchmarkRead10kPods reads a 10,000-pod list and reports the peak heap
// in use while reading, as a multiple of the file's size.
func BenchmarkRead10kPods(b *testing.B) {
	data := podList(10_000)
	b.SetBytes(int64(len(data)))
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	b.ResetTimer()
	for b.Loop() {
		inv := New(false)
		if err := inv.Read("pods.json", bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
		if inv.Mesh.IstioSidecars != 10_000 {
			b.Fatal("wrong count")
		}
	}
	b.StopTimer()
	close(stop)
	grew := float64(peak.Load()) - float64(base.HeapInuse)
	b.ReportMetric(float64(len(data))/(1<<20), "file-MiB")
	b.ReportMetric(grew/float64(len(data)), "peak-heap/file")
}

// TestWriteBigPodList writes the 60,000-pod list to $MESHWISE_BIG_PODS, for
// measuring the command's time and peak RSS (docs/BENCHMARKS.md).
func TestWriteBigPodList(t *testing.T) {
	path := os.Getenv("MESHWISE_BIG_PODS")
	if path == "" {
		t.Skip("set MESHWISE_BIG_PODS to a file to write")
	}
	if err := os.WriteFile(path, realPodList(60_000), 0o600); err != nil {
		t.Fatal(err)
	}
}
