package web_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
	"meshwise/store"
	"meshwise/store/storetest"
	"meshwise/web"
)

// testToken is the admin API token of the newest test server; tests in
// this package run one after another, and the clients below send it.
var (
	testToken string
	testStore *store.Store
)

type bearer struct{}

func (bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	if testToken != "" && r.Header.Get("Authorization") == "" && r.Header.Get("X-No-Token") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+testToken)
	}
	r.Header.Del("X-No-Token")
	return http.DefaultTransport.RoundTrip(r)
}

// apiClient sends the admin token; noRedirect (wizard_test.go) does too and
// also stops at redirects.
var apiClient = &http.Client{Transport: bearer{}}

func newServer(t testing.TB, cfg web.Config) (*web.Server, *httptest.Server) {
	t.Helper()
	st := storetest.Open(t)
	if cfg.Sessions == nil {
		cfg.Sessions = scs.New()
		cfg.Sessions.Store = pgxstore.NewWithCleanupInterval(st.Pool(), 0)
	}
	srv, err := web.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
	require.NoError(t, err)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	admin, _ := storetest.AddUser(t, st, "admin@example.com", model.RoleAdmin)
	testToken, testStore = storetest.AddToken(t, st, admin, model.RoleAdmin), st
	return srv, ts
}

func post(t *testing.T, url, contentType, body string) (*http.Response, []byte) {
	t.Helper()
	resp, err := apiClient.Post(url, contentType, strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

func TestEstimateAPI(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	resp, body := post(t, ts.URL+"/api/v1/estimates", "application/json", `{"title":"payments","pods":100,"needs":{"mtls":true}}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))

	var e model.Estimate
	require.NoError(t, json.Unmarshal(body, &e))
	assert.Equal(t, model.ModelVersion, e.ModelVersion)
	require.Len(t, e.Options, len(model.Catalog))
	var ids []string
	for _, o := range e.Options {
		ids = append(ids, o.ID)
	}
	assert.Equal(t, []string{"istio-sidecar", "istio-ambient", "linkerd", "cilium", "ingress-canary", "no-mesh", "appnet-ambient", "cilium-mtls"}, ids)
	sidecar, _ := e.Option(model.OptionIstioSidecar)
	assert.Equal(t, "10", sidecar.Components[0].Requests.CPUCores.String(), "the seed anchor survives the round trip")
	assert.Equal(t, "12.5", sidecar.Components[0].Requests.MemoryGiB.String())
	assert.Equal(t, "aks-istio-scale", sidecar.Components[1].ReplicaSource)
	assert.Equal(t, "AKS add-on HPA floor: istiod and gateways min 2, max 5", e.Sources["aks-istio-scale"].Title)

	resp, body = post(t, ts.URL+"/api/v1/curves", "application/json", `{}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	var c model.Curves
	require.NoError(t, json.Unmarshal(body, &c))
	assert.Len(t, c.Points, model.CurvePoints)
}

// No malformed body makes the API answer 500: each gets a 4xx
// problem+json that names a field.
// Ranges come on request, the same for the same input; 100,000 pods on one
// node is refused naming the field.
func TestEstimateAPIRanges(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	in := `{"title":"payments","pods":400,"nodes":10,"east_west_rps":200000}`
	resp, body := post(t, ts.URL+"/api/v1/estimates", "application/json", in)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.NotContains(t, string(body), `"ranges"`, "ranges only when asked for")

	var first, second model.Estimate
	resp, body = post(t, ts.URL+"/api/v1/estimates?ranges=true", "application/json", in)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	require.NoError(t, json.Unmarshal(body, &first))
	require.NotNil(t, first.Ranges)
	require.Len(t, first.Ranges.Options, len(model.Catalog))
	side, ok := first.Ranges.Option(model.OptionIstioSidecar)
	require.True(t, ok)
	assert.True(t, side.Monthly.P90.GreaterThan(side.Monthly.P10))
	_, body = post(t, ts.URL+"/api/v1/estimates?ranges=1", "application/json", in)
	require.NoError(t, json.Unmarshal(body, &second))
	assert.Equal(t, first.Ranges.Options, second.Ranges.Options)

	resp, body = post(t, ts.URL+"/api/v1/estimates", "application/json", `{"pods":100000,"nodes":1}`)
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, string(body), "100000 pods cannot run on 1 node(s)")
}

func TestEstimateAPIRejectsBadBodiesClearly(t *testing.T) {
	_, ts := newServer(t, web.Config{MaxBodyBytes: 4096})
	corpus := []struct {
		body, field string
		status      int
	}{
		{``, "body", 422},
		{`null`, "body", 422},
		{`[1,2]`, "body", 422},
		{`{"pods":`, "body", 422},
		{`{"pods": 1}garbage`, "body", 422},
		{"\x00\xff\xfe", "body", 422},
		{`{"pods": -1}`, "pods", 422},
		{`{"pods": "1e9"}`, "pods", 422},
		{`{"pods": 1e400}`, "pods", 422},
		{`{"nodes": 99999}`, "nodes", 422},
		{`{"node_sku": "Standard_Q1"}`, "node_sku", 422},
		{`{"node_sku": "custom"}`, "custom_sku", 422},
		{`{"spare_cores": "1e999999999"}`, "spare_cores", 422},
		{`{"pricing": {"currency": "€"}}`, "pricing.currency", 422},
		{`{"overrides": {"x/y": {"cpu_m": 1}}}`, "overrides.x/y", 422},
		{`{"overrides": {"istio-sidecar/istio-proxy": {"cpu_m": -5}}}`, "overrides.istio-sidecar/istio-proxy.cpu_m", 422},
		{`{"title": "` + strings.Repeat("x", 300) + `"}`, "title", 422},
		{`{"needs": {"mtls": "yes"}}`, "needs.mtls", 422},
		{`{"unknown": true}`, "unknown", 422},
	}
	for _, tt := range corpus {
		t.Run(tt.field, func(t *testing.T) {
			resp, body := post(t, ts.URL+"/api/v1/estimates", "application/json", tt.body)
			assert.Equal(t, tt.status, resp.StatusCode, truncate(string(body)))
			assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
			var p web.Problem
			require.NoError(t, json.Unmarshal(body, &p))
			assert.Equal(t, tt.status, p.Status)
			require.NotEmpty(t, p.Errors, truncate(string(body)))
			assert.Equal(t, tt.field, p.Errors[0].Field)
		})
	}

	resp, body := post(t, ts.URL+"/api/v1/estimates", "application/json", `{"title":"`+strings.Repeat("x", 5000)+`"}`)
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, string(body))
	assert.Contains(t, string(body), "4 KiB")

	resp, _ = post(t, ts.URL+"/api/v1/estimates", "text/plain", `{}`)
	assert.Equal(t, http.StatusUnsupportedMediaType, resp.StatusCode)

	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/estimates", nil)
	r2, err := apiClient.Do(req)
	require.NoError(t, err)
	r2.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, r2.StatusCode)
}

func truncate(s string) string {
	if len(s) > 200 {
		return s[:200]
	}
	return s
}

func TestCatalogAPI(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	resp, err := http.Get(ts.URL + "/api/v1/catalog")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var doc model.CatalogDoc
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	assert.Len(t, doc.Options, len(model.Catalog))
	assert.Len(t, doc.SKUs, len(model.SKUs))
	assert.Equal(t, 100, doc.Defaults.Pods)
	for _, o := range doc.Options {
		for _, c := range o.Components {
			assert.NotEmpty(t, c.Source.ID, c.Key)
			_, ok := model.LookupComponent(c.Key)
			assert.True(t, ok, "catalog key %s is a valid override key", c.Key)
		}
	}
}

// The OpenAPI document in the repo lists exactly the API routes the router
// serves, so neither can drift from the other.
func TestOpenAPIMatchesRouter(t *testing.T) {
	srv, ts := newServer(t, web.Config{})
	resp, err := http.Get(ts.URL + "/api/v1/openapi.json")
	require.NoError(t, err)
	defer resp.Body.Close()
	var doc struct {
		OpenAPI string                            `json:"openapi"`
		Paths   map[string]map[string]interface{} `json:"paths"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	assert.Equal(t, "3.0.3", doc.OpenAPI)

	var documented, routed []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	require.NoError(t, chi.Walk(srv.Routes(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.HasPrefix(route, "/api/") {
			routed = append(routed, method+" "+strings.TrimSuffix(route, "/"))
		}
		return nil
	}))
	sort.Strings(documented)
	sort.Strings(routed)
	assert.Equal(t, routed, documented)
}
