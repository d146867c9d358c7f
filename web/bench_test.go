package web_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"meshwise/web"
)

const benchBody = `{"title":"bench","pods":100,"needs":{"mtls":true,"l7_split":true}}`

// BenchmarkAPIEstimate compares POST /api/v1/estimates with a bare net/http
// handler that returns a constant JSON body of the same size, both served on
// loopback in the same run. The ratio of their ns/op is the API's share of
// the bare throughput (docs/BENCHMARKS.md).
func BenchmarkAPIEstimate(b *testing.B) {
	// As deployed: the API checks the caller's token against PostgreSQL.
	srv, api := newServer(b, web.Config{})
	_ = srv

	sample := fetch(b, http.DefaultClient, api.URL)
	constant := bytes.Repeat([]byte(" "), len(sample))
	copy(constant, `{"pad":"`)
	constant[len(constant)-2], constant[len(constant)-1] = '"', '}'
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(constant)
	}))
	defer bare.Close()

	for _, target := range []struct {
		name, url string
	}{{"bare", bare.URL}, {"meshwise", api.URL}} {
		b.Run(target.name, func(b *testing.B) {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			b.SetBytes(int64(len(sample)))
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					fetch(b, client, target.url)
				}
			})
		})
	}
}

func fetch(b *testing.B, c *http.Client, base string) []byte {
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/estimates", strings.NewReader(benchBody))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("status %d: %v", resp.StatusCode, err)
	}
	return body
}
