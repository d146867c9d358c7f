package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"

	"meshwise/model"
	"meshwise/store"
	"meshwise/store/storetest"
	"meshwise/web"
)

// BenchmarkCredentials measures the two requests the credential cache is
// for, with every credential checked in PostgreSQL ("db": no cache, scs's
// pgxstore rewriting the session on each request, as before) and from
// memory ("cache"): a token-authenticated POST /api/v1/estimates and a
// signed-in GET /. docs/BENCHMARKS.md compares the two.
func BenchmarkCredentials(b *testing.B) {
	for _, mode := range []string{"db", "cache"} {
		b.Run(mode, func(b *testing.B) {
			opts := store.Options{Signer: storetest.NewSigningKey(b), MaxConns: 16}
			if mode == "cache" {
				opts.CredentialTTL = 5 * time.Second
			}
			st := storetest.OpenWith(b, storetest.NewDatabase(b), opts)
			sm := scs.New()
			sm.IdleTimeout = 30 * time.Minute
			if mode == "cache" {
				sm.Store = st.Sessions()
			} else {
				sm.Store = pgxstore.NewWithCleanupInterval(st.Pool(), 0)
			}
			srv, err := web.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Config{Sessions: sm})
			if err != nil {
				b.Fatal(err)
			}
			ts := httptest.NewServer(srv.Handler())
			defer ts.Close()
			u, password := storetest.AddUser(b, st, "bench@example.com", model.RoleArchitect)
			token := storetest.AddToken(b, st, u, model.RoleViewer)
			for mode == "cache" && !st.CredentialCacheLive() {
				time.Sleep(10 * time.Millisecond)
			}

			transport := &http.Transport{MaxIdleConnsPerHost: 64}
			b.Run("estimate-token", func(b *testing.B) {
				client := &http.Client{Transport: transport}
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/estimates", strings.NewReader(benchBody))
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set("Authorization", "Bearer "+token)
						expect(b, client, req)
					}
				})
			})
			b.Run("home-signed-in", func(b *testing.B) {
				jar, _ := cookiejar.New(nil)
				client := &http.Client{Transport: transport, Jar: jar}
				resp, err := client.PostForm(ts.URL+"/login", url.Values{"email": {u.Email}, "password": {password}})
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatalf("sign in: %v", err)
				}
				resp.Body.Close()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						req, _ := http.NewRequest(http.MethodGet, ts.URL+"/", nil)
						expect(b, client, req)
					}
				})
			})
			hits, misses, _ := st.CredentialCacheStats()
			b.Logf("%s: credential cache hits %d, misses %d", mode, hits, misses)
		})
	}
}

func expect(b *testing.B, c *http.Client, req *http.Request) {
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("%s %s: status %d: %v", req.Method, req.URL.Path, resp.StatusCode, err)
	}
}
