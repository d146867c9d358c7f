package cluster

import (
	"bytes"
	"fmt"
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
