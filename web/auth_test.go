package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
	"meshwise/store/storetest"
	"meshwise/web"
)

// browser is a cookie-keeping client without the test token: a person.
func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar, Transport: noToken{}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type noToken struct{}

func (noToken) RoundTrip(r *http.Request) (*http.Response, error) {
	return http.DefaultTransport.RoundTrip(r)
}

func send(t *testing.T, c *http.Client, method, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	require.NoError(t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func signIn(t *testing.T, c *http.Client, base, email, password string) *http.Response {
	t.Helper()
	resp, _ := send(t, c, "POST", base+"/login", url.Values{"email": {email}, "password": {password}, "next": {"/"}})
	return resp
}

// Every route of the router has an entry in the route table, with the
// roles allowed, so a new page cannot ship unguarded.
func TestEveryRouteHasAPolicy(t *testing.T) {
	srv, _ := newServer(t, web.Config{})
	policy := map[string]model.Role{}
	for _, rt := range srv.RouteTable() {
		policy[rt.Method+" "+rt.Pattern] = rt.Role
	}
	want := map[string]model.Role{
		"GET /healthz": "", "GET /readyz": "", "GET /metrics": "", "GET /static/*": "", "GET /favicon.ico": "", "GET /api/v1/openapi.json": "", "GET /api/v1/catalog": "",
		"GET /": "", "GET /login": "", "POST /login": "", "POST /logout": "", "GET /assumptions": "",
		"GET /assessments/new": model.RoleArchitect, "POST /assessments": model.RoleArchitect,
		"GET /assessments/{id}":              model.RoleViewer,
		"GET /assessments/{id}/steps/{step}": model.RoleArchitect, "POST /assessments/{id}/steps/{step}": model.RoleArchitect,
		"GET /assessments/{id}/results": model.RoleViewer, "GET /assessments/{id}/comparison.csv": model.RoleViewer, "GET /assessments/{id}/estimate.json": model.RoleViewer,
		"GET /account": model.RoleViewer, "POST /account/password": model.RoleViewer, "POST /account/tokens": model.RoleViewer, "POST /account/tokens/{id}/revoke": model.RoleViewer,
		"GET /admin/users": model.RoleAdmin, "POST /admin/users": model.RoleAdmin, "POST /admin/users/{id}/role": model.RoleAdmin, "GET /admin/audit": model.RoleAdmin,
		"GET /api/v1/assessments": model.RoleViewer, "POST /api/v1/estimates": model.RoleViewer, "POST /api/v1/curves": model.RoleViewer,
		"GET /api/v1/keys": "", "GET /api/v1/verify": model.RoleViewer, "GET /api/v1/export": model.RoleViewer,
		"POST /api/v1/assessments": model.RoleArchitect, "GET /api/v1/assessments/{id}": model.RoleViewer, "GET /api/v1/records": model.RoleViewer,
		"POST /api/v1/records": model.RoleArchitect, "GET /api/v1/records/{rid}": model.RoleViewer, "POST /api/v1/records/{rid}/approve": model.RoleApprover, "POST /api/v1/records/{rid}/reject": model.RoleApprover,
		"POST /api/v1/records/{rid}/check": model.RoleArchitect,
		"GET /portfolio":                   model.RoleViewer, "GET /portfolio.csv": model.RoleViewer, "GET /api/v1/portfolio": model.RoleViewer,
		"GET /admin/prices": model.RoleAdmin, "POST /admin/prices": model.RoleAdmin,
		"GET /assessments/{id}/propose": model.RoleArchitect, "POST /assessments/{id}/propose": model.RoleArchitect,
		"GET /import": model.RoleArchitect, "POST /import": model.RoleArchitect, "POST /import/start": model.RoleArchitect,
		"GET /archive": model.RoleViewer, "GET /archive/verify": model.RoleViewer, "GET /archive/{rid}": model.RoleViewer,
		"GET /archive/{rid}/record.md": model.RoleViewer, "POST /archive/{rid}/approve": model.RoleApprover, "POST /archive/{rid}/reject": model.RoleApprover,
	}
	walked := 0
	require.NoError(t, chi.Walk(srv.Routes(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		key := method + " " + strings.TrimSuffix(route, "/")
		if route == "/" {
			key = method + " /"
		}
		role, ok := policy[key]
		if !assert.True(t, ok, "route %s has no entry in the route table", key) {
			return nil
		}
		expected, listed := want[key]
		assert.True(t, listed, "route %s is not in this test's list of allowed roles: add it", key)
		assert.Equal(t, expected, role, "roles allowed on %s", key)
		walked++
		return nil
	}))
	assert.Equal(t, len(want), walked)

	var person []string
	for _, rt := range srv.RouteTable() {
		if rt.Person {
			person = append(person, rt.Method+" "+rt.Pattern)
		}
	}
	assert.ElementsMatch(t, []string{"POST /account/password", "POST /account/tokens", "POST /account/tokens/{id}/revoke", "POST /admin/users", "POST /admin/users/{id}/role", "POST /admin/prices"}, person,
		"credentials are managed by a person, never by an API token")
}

// The roles really gate the routes: an anonymous visitor, a viewer and an
// architect against a sample of them.
func TestRolesGateRoutes(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	ctx := context.Background()
	saved, err := testStore.CreateAssessment(ctx, model.DefaultAssessment())
	require.NoError(t, err)
	viewer, _ := storetest.AddUser(t, testStore, "viewer@example.com", model.RoleViewer)
	architect, _ := storetest.AddUser(t, testStore, "architect@example.com", model.RoleArchitect)
	tokens := map[string]string{
		"viewer":    storetest.AddToken(t, testStore, viewer, model.RoleViewer),
		"architect": storetest.AddToken(t, testStore, architect, model.RoleArchitect),
	}
	results := "/assessments/" + saved.ID + "/results"
	step := "/assessments/" + saved.ID + "/steps/1"
	tests := []struct {
		who, method, path string
		status            int
	}{
		{"", "GET", results, http.StatusSeeOther}, // to /login
		{"", "POST", "/api/v1/estimates", http.StatusUnauthorized},
		{"viewer", "GET", results, http.StatusOK},
		{"viewer", "GET", step, http.StatusForbidden},
		{"viewer", "POST", "/assessments", http.StatusForbidden},
		{"viewer", "GET", "/admin/users", http.StatusForbidden},
		{"architect", "GET", step, http.StatusOK},
		{"architect", "GET", "/admin/audit", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.who+" "+tt.method+" "+tt.path, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, ts.URL+tt.path, strings.NewReader("{}"))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-No-Token", "1")
			if tt.who != "" {
				req.Header.Set("Authorization", "Bearer "+tokens[tt.who])
			}
			resp, err := noRedirect.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tt.status, resp.StatusCode)
		})
	}
}

func TestSignInAnswersTheSameForWrongPasswordAndUnknownUser(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	storetest.AddUser(t, testStore, "ana@example.com", model.RoleArchitect)
	r1, b1 := send(t, browser(t), "POST", ts.URL+"/login", url.Values{"email": {"ana@example.com"}, "password": {"wrong password!"}})
	r2, b2 := send(t, browser(t), "POST", ts.URL+"/login", url.Values{"email": {"nobody@example.com"}, "password": {"wrong password!"}})
	assert.Equal(t, http.StatusUnauthorized, r1.StatusCode)
	assert.Equal(t, r1.StatusCode, r2.StatusCode)
	assert.Contains(t, b1, "The email or password is wrong.")
	clean := func(s, email string) string { return strings.ReplaceAll(s, email, "EMAIL") }
	assert.Equal(t, clean(b1, "ana@example.com"), clean(b2, "nobody@example.com"), "the pages differ only by the email typed")
}

func TestSixthRapidFailureIsRefused(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	_, password := storetest.AddUser(t, testStore, "bo@example.com", model.RoleViewer)
	c := browser(t)
	for i := 0; i < 5; i++ {
		resp, _ := send(t, c, "POST", ts.URL+"/login", url.Values{"email": {"bo@example.com"}, "password": {"guess " + itoa(i)}})
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "failure %d", i+1)
	}
	resp, body := send(t, c, "POST", ts.URL+"/login", url.Values{"email": {"bo@example.com"}, "password": {password}})
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "even the right password is refused once locked")
	assert.Contains(t, body, "Too many failed sign-ins")
	resp, _ = send(t, c, "POST", ts.URL+"/login", url.Values{"email": {"unknown@example.com"}, "password": {"x"}})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "other accounts are not locked")
	events, err := testStore.AuditEvents(context.Background(), 20)
	require.NoError(t, err)
	assert.Equal(t, "sign-in failed", events[0].Event, "the unknown account's failure")
	assert.Equal(t, "sign-in refused: too many failures", events[1].Event)
	assert.Equal(t, "bo@example.com", events[1].Subject)
}

func TestSessionIDChangesAtSignIn(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	_, password := storetest.AddUser(t, testStore, "cy@example.com", model.RoleViewer)
	c := browser(t)
	// A failed sign-in gives no session; plant one as an attacker would.
	base, _ := url.Parse(ts.URL)
	planted := &http.Cookie{Name: "session", Value: "attacker-chosen-token", Path: "/"}
	c.Jar.SetCookies(base, []*http.Cookie{planted})
	resp := signIn(t, c, ts.URL, "cy@example.com", password)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	var after string
	for _, ck := range c.Jar.Cookies(base) {
		if ck.Name == "session" {
			after = ck.Value
		}
	}
	require.NotEmpty(t, after)
	assert.NotEqual(t, planted.Value, after, "the session ID is renewed at sign-in")
	resp, body := send(t, c, "GET", ts.URL+"/account", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "cy@example.com")

	// The cookie from before signing in is worthless afterwards.
	old := browser(t)
	old.Jar.SetCookies(base, []*http.Cookie{planted})
	resp, _ = send(t, old, "GET", ts.URL+"/account", nil)
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "redirected to sign in")

	// Signing out ends the session.
	resp, _ = send(t, c, "POST", ts.URL+"/logout", url.Values{})
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, _ = send(t, c, "GET", ts.URL+"/account", nil)
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
}

func TestTokens(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	_, password := storetest.AddUser(t, testStore, "dee@example.com", model.RoleArchitect)
	c := browser(t)
	require.Equal(t, http.StatusSeeOther, signIn(t, c, ts.URL, "dee@example.com", password).StatusCode)

	resp, body := send(t, c, "POST", ts.URL+"/account/tokens", url.Values{"name": {"too strong"}, "role": {"admin"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "a token cannot outrank its creator")
	assert.Contains(t, body, "higher role than yours")

	resp, body = send(t, c, "POST", ts.URL+"/account/tokens", url.Values{"name": {"ci"}, "role": {"viewer"}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	secret := between(body, `data-testid="new-token">`, "</pre>")
	require.True(t, strings.HasPrefix(secret, "mw_"), "the secret is shown once: %q", secret)

	call := func() int {
		req, _ := http.NewRequest("GET", ts.URL+"/api/v1/assessments", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusOK, call())
	_, body = send(t, c, "GET", ts.URL+"/account", nil)
	assert.NotContains(t, body, secret, "never shown again")
	assert.NotContains(t, body, "never</td>", "last use is shown")

	tokens, err := testStore.ListTokens(context.Background(), tokenOwner(t, "dee@example.com"))
	require.NoError(t, err)
	require.Len(t, tokens, 1)
	resp, _ = send(t, c, "POST", ts.URL+"/account/tokens/"+tokens[0].ID+"/revoke", url.Values{})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, http.StatusUnauthorized, call(), "a revoked token stops working at once")

	events, err := testStore.AuditEvents(context.Background(), 10)
	require.NoError(t, err)
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, e.Event)
	}
	assert.Contains(t, kinds, "token created")
	assert.Contains(t, kinds, "token revoked")
	assert.Contains(t, kinds, "signed in")
}

func tokenOwner(t *testing.T, email string) string {
	u, _, err := testStore.UserByEmail(context.Background(), email)
	require.NoError(t, err)
	return u.ID
}

func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, to)
	return v
}

func TestTrustedProxySignsIn(t *testing.T) {
	_, ts := newServer(t, web.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	req, _ := http.NewRequest("GET", ts.URL+"/account", nil)
	req.Header.Set("X-Forwarded-Email", "Eve@Example.com")
	req.Header.Set("X-No-Token", "1")
	resp, err := noRedirect.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "eve@example.com")
	assert.Contains(t, string(body), `data-testid="my-role">viewer`, "first seen through the proxy: a viewer")

	// From an address outside the trusted range the header is ignored.
	_, ts2 := newServer(t, web.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	req, _ = http.NewRequest("GET", ts2.URL+"/account", nil)
	req.Header.Set("X-Forwarded-Email", "mallory@example.com")
	req.Header.Set("X-No-Token", "1")
	resp, err = noRedirect.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "not signed in")
}

func TestAdminManagesUsers(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	_, password := storetest.AddUser(t, testStore, "root@example.com", model.RoleAdmin)
	admin := browser(t)
	require.Equal(t, http.StatusSeeOther, signIn(t, admin, ts.URL, "root@example.com", password).StatusCode)
	postForm := func(t *testing.T, u string, form url.Values) (*http.Response, string) {
		return send(t, admin, "POST", u, form)
	}
	resp, body := postForm(t, ts.URL+"/admin/users", url.Values{"email": {"Fay@Example.com"}, "role": {"approver"}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	first := between(body, `data-testid="first-password">`, "</code>")
	require.Len(t, first, 20)
	u, _, err := testStore.UserByEmail(context.Background(), "fay@example.com")
	require.NoError(t, err)
	assert.Equal(t, model.RoleApprover, u.Role)

	resp, _ = postForm(t, ts.URL+"/admin/users", url.Values{"email": {"fay@example.com"}, "role": {"viewer"}})
	assert.Equal(t, http.StatusConflict, resp.StatusCode)

	resp, _ = postForm(t, ts.URL+"/admin/users/"+u.ID+"/role", url.Values{"role": {"viewer"}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	u, _, _ = testStore.UserByEmail(context.Background(), "fay@example.com")
	assert.Equal(t, model.RoleViewer, u.Role)

	c := browser(t)
	assert.Equal(t, http.StatusSeeOther, signIn(t, c, ts.URL, "fay@example.com", first).StatusCode, "the first password works")
	_, body = send(t, admin, "GET", ts.URL+"/admin/audit", nil)
	assert.Contains(t, body, "role changed")
	assert.Contains(t, body, "approver → viewer")
}

// A crafted ?next= cannot send the browser off-site after sign-in: a tab
// inside "/\t/evil.example" is dropped by browsers, leaving //evil.example.
func TestSignInRedirectStaysOnSite(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	_, password := storetest.AddUser(t, testStore, "nx@example.com", model.RoleViewer)
	c := browser(t)
	_, page := send(t, c, "GET", ts.URL+"/login?next=%2F%09%2Fevil.example", nil)
	assert.Contains(t, page, `name="next" value="/"`, "the form carries a safe next")
	for _, next := range []string{"/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/"} {
		c := browser(t)
		resp, _ := send(t, c, "POST", ts.URL+"/login", url.Values{"email": {"nx@example.com"}, "password": {password}, "next": {next}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		assert.Equal(t, "/", resp.Header.Get("Location"), "next=%q", next)
	}
}
