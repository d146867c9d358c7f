package web_test

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
	"meshwise/store/storetest"
	"meshwise/web"
)

// credential is one way of calling meshwise in the route matrix: nobody, a
// person's session, or an API token (always an admin's, so a check that
// looked at the owner instead of the token would let it through).
type credential struct {
	name    string
	role    model.Role // "" for nobody
	token   string
	session *http.Client
}

func (c credential) do(t *testing.T, method, u, contentType, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	client := browser(t)
	switch {
	case c.token != "":
		req.Header.Set("Authorization", "Bearer "+c.token)
	case c.session != nil:
		client = c.session
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp
}

// TestRouteMatrix runs every route of the route table with nobody, a
// session of each role and an admin's API token of each role, and checks
// the answer is the one the table's role (and the person-only rule) gives.
func TestRouteMatrix(t *testing.T) {
	srv, ts := newServer(t, web.Config{})
	ctx := context.Background()
	saved, err := testStore.CreateAssessment(ctx, model.DefaultAssessment())
	require.NoError(t, err)
	target, _ := storetest.AddUser(t, testStore, "target@example.com", model.RoleViewer)
	owner, _ := storetest.AddUser(t, testStore, "owner@example.com", model.RoleAdmin)

	creds := []credential{{name: "nobody"}}
	for _, role := range model.Roles {
		email := "session-" + string(role) + "@example.com"
		_, password := storetest.AddUser(t, testStore, email, role)
		c := browser(t)
		require.Equal(t, http.StatusSeeOther, signIn(t, c, ts.URL, email, password).StatusCode)
		creds = append(creds, credential{name: "session " + string(role), role: role, session: c})
		creds = append(creds, credential{name: "admin's " + string(role) + " token", role: role, token: storetest.AddToken(t, testStore, owner, role)})
	}

	routes := srv.RouteTable()
	// Signing out ends the session, so it runs last.
	sort.SliceStable(routes, func(i, j int) bool { return routes[j].Pattern == "/logout" && routes[i].Pattern != "/logout" })
	fill := strings.NewReplacer("{step}", "1", "{rid}", "00000000-0000-4000-8000-000000000000", "*", "css/none.css")
	for _, c := range creds {
		for _, rt := range routes {
			path := rt.Pattern
			switch {
			case strings.HasPrefix(path, "/admin/users/{id}"):
				path = strings.Replace(path, "{id}", target.ID, 1)
			case strings.HasPrefix(path, "/account/tokens/{id}"):
				path = strings.Replace(path, "{id}", "00000000-0000-4000-8000-000000000000", 1)
			default:
				path = strings.Replace(path, "{id}", saved.ID, 1)
			}
			path = fill.Replace(path)
			ct, body := "", ""
			if rt.Method == http.MethodPost {
				ct = "application/x-www-form-urlencoded"
				if strings.HasPrefix(path, "/api/") {
					ct, body = "application/json", "{}"
				}
			}
			t.Run(c.name+" "+rt.Method+" "+rt.Pattern, func(t *testing.T) {
				resp := c.do(t, rt.Method, ts.URL+path, ct, body)
				got := resp.StatusCode
				assert.Less(t, got, 500, "no fault whoever calls")
				switch {
				case rt.Role == "":
					assert.NotEqual(t, http.StatusForbidden, got, "open to anyone")
				case c.role == "" && rt.Method == http.MethodGet && !strings.HasPrefix(path, "/api/"):
					assert.Equal(t, http.StatusSeeOther, got, "a page sends nobody to sign in")
					assert.True(t, strings.HasPrefix(resp.Header.Get("Location"), "/login?next="), resp.Header.Get("Location"))
				case c.role == "":
					assert.Equal(t, http.StatusUnauthorized, got)
				case !c.role.AtLeast(rt.Role):
					assert.Equal(t, http.StatusForbidden, got, "%s is below %s", c.role, rt.Role)
				case rt.Person && c.token != "":
					assert.Equal(t, http.StatusForbidden, got, "an API token cannot manage credentials")
				default:
					assert.NotContains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, got, "%s may use %s", c.role, rt.Pattern)
				}
			})
		}
	}
}

// An admin's (or an architect's) viewer token is a viewer: it cannot mint
// a stronger token, nor reach /admin/*.
func TestTokenCannotOutrankTheCredentialInUse(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	admin, _ := storetest.AddUser(t, testStore, "root@example.com", model.RoleAdmin)
	architect, _ := storetest.AddUser(t, testStore, "arch@example.com", model.RoleArchitect)
	for _, owner := range []model.User{admin, architect} {
		viewerToken := storetest.AddToken(t, testStore, owner, model.RoleViewer)
		for _, role := range []string{"admin", "architect", "viewer"} {
			resp, _ := as(t, viewerToken, "POST", ts.URL+"/account/tokens", url.Values{"name": {"stronger"}, "role": {role}})
			assert.Equal(t, http.StatusForbidden, resp.StatusCode, "%s's viewer token asking for a %s token", owner.Email, role)
		}
		tokens, err := testStore.ListTokens(context.Background(), owner.ID)
		require.NoError(t, err)
		assert.Len(t, tokens, 1, "nothing was minted")
		resp, _ := as(t, viewerToken, "POST", ts.URL+"/admin/users", url.Values{"email": {"new@example.com"}, "role": {"admin"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		resp, _ = as(t, viewerToken, "GET", ts.URL+"/admin/users", nil)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		resp, body := as(t, viewerToken, "GET", ts.URL+"/account", nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, body, `data-testid="my-role">viewer`, "the page shows the role in use")
		assert.NotContains(t, body, `<option value="architect">`, "the page offers no role above the one in use")
	}
	_, _, err := testStore.UserByEmail(context.Background(), "new@example.com")
	assert.Equal(t, model.ENOTFOUND, model.ErrorCode(err))
}

// A session of a lower role is offered, and may mint, only tokens up to it.
func TestSessionMintsTokensUpToItsRole(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	_, password := storetest.AddUser(t, testStore, "ap@example.com", model.RoleApprover)
	c := browser(t)
	require.Equal(t, http.StatusSeeOther, signIn(t, c, ts.URL, "ap@example.com", password).StatusCode)
	_, body := send(t, c, "GET", ts.URL+"/account", nil)
	assert.Contains(t, body, `<option value="approver">`)
	assert.NotContains(t, body, `<option value="admin">`)
	resp, _ := send(t, c, "POST", ts.URL+"/account/tokens", url.Values{"name": {"too strong"}, "role": {"admin"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	resp, _ = send(t, c, "POST", ts.URL+"/account/tokens", url.Values{"name": {"ok"}, "role": {"approver"}})
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}
