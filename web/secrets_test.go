package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
	"meshwise/store/storetest"
	"meshwise/web"
)

// Pages that show a password or a token once must not be kept by the
// browser or a proxy: the back button must not bring the secret back.
func TestSecretPagesAreNotCached(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	_, password := storetest.AddUser(t, testStore, "sec@example.com", model.RoleAdmin)
	c := browser(t)
	require.Equal(t, http.StatusSeeOther, signIn(t, c, ts.URL, "sec@example.com", password).StatusCode)
	tests := []struct {
		method, path string
		form         url.Values
		shows        string
	}{
		{"GET", "/account", nil, ""},
		{"POST", "/account/tokens", url.Values{"name": {"ci"}, "role": {"viewer"}}, `data-testid="new-token"`},
		{"GET", "/admin/users", nil, ""},
		{"POST", "/admin/users", url.Values{"email": {"first@example.com"}, "role": {"viewer"}}, `data-testid="first-password"`},
		{"GET", "/admin/audit", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			resp, body := send(t, c, tt.method, ts.URL+tt.path, tt.form)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Contains(t, body, tt.shows)
			assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
		})
	}
}

// Changing a password ends the person's other sessions (a thief's among
// them) and keeps the one that changed it.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	_, password := storetest.AddUser(t, testStore, "two@example.com", model.RoleViewer)
	mine, theirs := browser(t), browser(t)
	require.Equal(t, http.StatusSeeOther, signIn(t, mine, ts.URL, "two@example.com", password).StatusCode)
	require.Equal(t, http.StatusSeeOther, signIn(t, theirs, ts.URL, "two@example.com", password).StatusCode)
	resp, _ := send(t, theirs, "GET", ts.URL+"/account", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, "both sessions live")

	resp, body := send(t, mine, "POST", ts.URL+"/account/password", url.Values{"current": {password}, "new": {"a much better passphrase"}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, "Your password is changed.")

	resp, _ = send(t, mine, "GET", ts.URL+"/account", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the session that changed it stays signed in")
	resp, _ = send(t, theirs, "GET", ts.URL+"/account", nil)
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "the other session is over")
	assert.Contains(t, resp.Header.Get("Location"), "/login")

	again := browser(t)
	assert.Equal(t, http.StatusUnauthorized, signIn(t, again, ts.URL, "two@example.com", password).StatusCode, "the old password is dead")
	assert.Equal(t, http.StatusSeeOther, signIn(t, again, ts.URL, "two@example.com", "a much better passphrase").StatusCode)
	resp, _ = send(t, again, "GET", ts.URL+"/account", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "a sign-in after the change works")
	resp, _ = send(t, mine, "GET", ts.URL+"/account", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "and does not end the first")
}
