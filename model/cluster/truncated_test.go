package cluster

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Every file cut short, read as every input, ends (in an error or a prefill)
// within seconds: the streaming loops stop on a broken document.
func TestTruncatedFilesNeverHang(t *testing.T) {
	for _, name := range []string{"pods.json", "nodes.json", "namespaces.json", "service.json", "aks-show.json", "aks-nodepools.json", "podmetrics-istio.json"} {
		b, _ := os.ReadFile(filepath.Join("testdata", name))
		for cut := 0; cut < len(b); cut += 7 {
			for w := 0; w < 9; w++ {
				done := make(chan struct{})
				go func() {
					defer close(done)
					in := append([]Input{Any}, Inputs...)[w]
					inv := New(w%2 == 1)
					if inv.ReadAs(in, "f", strings.NewReader(string(b[:cut]))) == nil {
						if p, err := inv.Prefill(); err == nil {
							inv.WhatIf(p.Assessment)
						}
					}
				}()
				select {
				case <-done:
				case <-time.After(3 * time.Second):
					t.Fatalf("hang: %s cut %d input %d: %q", name, cut, w, b[:cut])
				}
			}
		}
	}
}
