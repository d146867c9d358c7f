package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"

	"meshwise/model"
	"meshwise/store"
	"meshwise/store/storetest"
	"meshwise/web"
)

// credServer is one meshwise server for BenchmarkCredentials: "db" checks
// every credential in PostgreSQL (no cache, scs's pgxstore rewriting the
// session on each request, as before the cache), "cache" from memory.
type credServer struct {
	st     *store.Store
	url    string
	token  string
	client *http.Client // signed in
	bare   *http.Client // no cookies, as a pipeline with a token
}

func newCredServer(b *testing.B, cached bool) credServer {
	b.Helper()
	opts := store.Options{Signer: storetest.NewSigningKey(b), MaxConns: 16}
	if cached {
		opts.CredentialTTL = 5 * time.Second
	}
	st := storetest.OpenWith(b, storetest.NewDatabase(b), opts)
	sm := scs.New()
	sm.IdleTimeout = 30 * time.Minute
	if cached {
		sm.Store = st.Sessions()
	} else {
		sm.Store = pgxstore.NewWithCleanupInterval(st.Pool(), 0)
	}
	srv, err := web.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Config{Sessions: sm})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	b.Cleanup(ts.Close)
	u, password := storetest.AddUser(b, st, "bench@example.com", model.RoleArchitect)
	for cached && !st.CredentialCacheLive() {
		time.Sleep(10 * time.Millisecond)
	}
	jar, _ := cookiejar.New(nil)
	transport := &http.Transport{MaxIdleConnsPerHost: 64}
	client := &http.Client{Transport: transport, Jar: jar}
	resp, err := client.PostForm(ts.URL+"/login", url.Values{"email": {u.Email}, "password": {password}})
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("sign in: %v", err)
	}
	resp.Body.Close()
	return credServer{st: st, url: ts.URL, token: storetest.AddToken(b, st, u, model.RoleViewer), client: client, bare: &http.Client{Transport: transport}}
}

// BenchmarkCredentials measures the two requests the credential cache is
// for — a token-authenticated POST /api/v1/estimates and a signed-in GET /
// — against a server checking credentials in PostgreSQL ("db") and one
// answering them from memory ("cache"). Each iteration sends the same
// request to both, one after the other, and times each: on a shared
// machine whose load drifts, only paired figures compare.
// docs/BENCHMARKS.md reports db-µs/req, cache-µs/req and their ratio.
func BenchmarkCredentials(b *testing.B) {
	servers := []credServer{newCredServer(b, false), newCredServer(b, true)}
	clients := map[string]func(s credServer) *http.Client{
		"estimate-token": func(s credServer) *http.Client { return s.bare },
		"home-signed-in": func(s credServer) *http.Client { return s.client },
	}
	requests := map[string]func(s credServer) *http.Request{
		"estimate-token": func(s credServer) *http.Request {
			req, _ := http.NewRequest(http.MethodPost, s.url+"/api/v1/estimates", strings.NewReader(benchBody))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+s.token)
			return req
		},
		"home-signed-in": func(s credServer) *http.Request {
			req, _ := http.NewRequest(http.MethodGet, s.url+"/", nil)
			return req
		},
	}
	for _, name := range []string{"estimate-token", "home-signed-in"} {
		b.Run(name, func(b *testing.B) {
			var took [2]atomic.Int64
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for i := 0; pb.Next(); i++ {
					for k := range servers {
						k = (k + i) % 2 // alternate which goes first
						start := time.Now()
						expect(b, clients[name](servers[k]), requests[name](servers[k]))
						took[k].Add(int64(time.Since(start)))
					}
				}
			})
			db, cache := float64(took[0].Load())/float64(b.N), float64(took[1].Load())/float64(b.N)
			b.ReportMetric(db/1e3, "db-µs/req")
			b.ReportMetric(cache/1e3, "cache-µs/req")
			b.ReportMetric(db/cache, "db/cache")
		})
	}
	hits, misses, _ := servers[1].st.CredentialCacheStats()
	b.Logf("cache: credential lookups from memory %d, from the database %d", hits, misses)
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
