package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
	"meshwise/store"
	"meshwise/store/storetest"
	"meshwise/web"
)

// replica is one meshwise server with its own pool, credential cache and
// LISTEN connection, as a pod of a deployment is.
type replica struct {
	st  *store.Store
	url string
}

func newReplica(t *testing.T, dbURL string, opts store.Options) replica {
	t.Helper()
	st := storetest.OpenWith(t, dbURL, opts)
	require.Eventually(t, st.CredentialCacheLive, 5*time.Second, 10*time.Millisecond, "LISTEN is up")
	sm := scs.New()
	sm.Store = st.Sessions()
	sm.IdleTimeout = 30 * time.Minute
	srv, err := web.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Config{Sessions: sm})
	require.NoError(t, err)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return replica{st: st, url: ts.URL}
}

// refusedWithin polls status until it is no longer ok, for at most d.
func refusedWithin(d time.Duration, ok int, status func() int) (int, time.Duration) {
	start := time.Now()
	for {
		got := status()
		if got != ok || time.Since(start) > d {
			return got, time.Since(start)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A credential ended on one replica is refused by the other within 1 s,
// although the other answers credentials from memory for up to a minute.
// Both replicas are on 127.0.0.1, so one cookie jar serves both.
func TestRevocationReachesTheOtherReplica(t *testing.T) {
	db := storetest.New(t)
	key := storetest.NewSigningKey(t)
	opts := store.Options{Signer: key, CredentialTTL: time.Minute}
	a, b := newReplica(t, db.Owner, opts), newReplica(t, db.Owner, opts)
	ctx := context.Background()
	_, rootPassword := storetest.AddUser(t, a.st, "root@example.com", model.RoleAdmin)
	root := browser(t)
	require.Equal(t, http.StatusSeeOther, signIn(t, root, a.url, "root@example.com", rootPassword).StatusCode)

	get := func(c *http.Client, base, path string) func() int {
		return func() int { resp, _ := send(t, c, "GET", base+path, nil); return resp.StatusCode }
	}

	t.Run("token revoked", func(t *testing.T) {
		u, password := storetest.AddUser(t, a.st, "pipeline@example.com", model.RoleArchitect)
		c := browser(t)
		require.Equal(t, http.StatusSeeOther, signIn(t, c, a.url, u.Email, password).StatusCode)
		_, body := send(t, c, "POST", a.url+"/account/tokens", url.Values{"name": {"ci"}, "role": {"viewer"}})
		secret := between(body, `data-testid="new-token">`, "</pre>")
		require.NotEmpty(t, secret)
		call := func() int {
			req, _ := http.NewRequest("GET", b.url+"/api/v1/assessments", nil)
			req.Header.Set("Authorization", "Bearer "+secret)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			return resp.StatusCode
		}
		require.Equal(t, http.StatusOK, call())
		require.Equal(t, http.StatusOK, call(), "now answered from b's memory")
		tokens, err := a.st.ListTokens(ctx, u.ID)
		require.NoError(t, err)
		resp, _ := send(t, c, "POST", a.url+"/account/tokens/"+tokens[0].ID+"/revoke", url.Values{})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		status, took := refusedWithin(time.Second, http.StatusOK, call)
		assert.Equal(t, http.StatusUnauthorized, status, "b refuses the revoked token within 1 s (took %s)", took)
	})

	t.Run("admin demoted", func(t *testing.T) {
		u, password := storetest.AddUser(t, a.st, "deputy@example.com", model.RoleAdmin)
		c := browser(t)
		require.Equal(t, http.StatusSeeOther, signIn(t, c, a.url, u.Email, password).StatusCode)
		admin := get(c, b.url, "/admin/users")
		require.Equal(t, http.StatusOK, admin())
		require.Equal(t, http.StatusOK, admin(), "now answered from b's memory")
		resp, _ := send(t, root, "POST", a.url+"/admin/users/"+u.ID+"/role", url.Values{"role": {"viewer"}})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		status, took := refusedWithin(time.Second, http.StatusOK, admin)
		assert.Equal(t, http.StatusForbidden, status, "the demoted admin loses /admin on b within 1 s (took %s)", took)
		assert.Equal(t, http.StatusOK, get(c, b.url, "/account")(), "still signed in, as a viewer")
	})

	t.Run("password change ends other sessions", func(t *testing.T) {
		u, password := storetest.AddUser(t, a.st, "moved@example.com", model.RoleViewer)
		here, elsewhere := browser(t), browser(t)
		for _, c := range []*http.Client{here, elsewhere} {
			require.Equal(t, http.StatusSeeOther, signIn(t, c, a.url, u.Email, password).StatusCode)
		}
		other := get(elsewhere, b.url, "/account")
		require.Equal(t, http.StatusOK, other())
		require.Equal(t, http.StatusOK, other(), "now answered from b's memory")
		resp, body := send(t, here, "POST", a.url+"/account/password", url.Values{"current": {password}, "new": {"a brand new passphrase 42"}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		status, took := refusedWithin(time.Second, http.StatusOK, other)
		assert.Equal(t, http.StatusSeeOther, status, "the other session is over on b within 1 s (took %s)", took)
		assert.Equal(t, http.StatusOK, get(here, b.url, "/account")(), "the session that changed it carries on, on b too")
	})

	t.Run("sign-out", func(t *testing.T) {
		u, password := storetest.AddUser(t, a.st, "leaver@example.com", model.RoleViewer)
		c := browser(t)
		require.Equal(t, http.StatusSeeOther, signIn(t, c, a.url, u.Email, password).StatusCode)
		base, _ := url.Parse(b.url)
		// A copy of the cookie, as a thief would keep it after sign-out.
		stolen := browser(t)
		stolen.Jar.SetCookies(base, c.Jar.Cookies(base))
		replay := get(stolen, b.url, "/account")
		require.Equal(t, http.StatusOK, replay())
		require.Equal(t, http.StatusOK, replay(), "now answered from b's memory")
		resp, _ := send(t, c, "POST", a.url+"/logout", url.Values{})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		status, took := refusedWithin(time.Second, http.StatusOK, replay)
		assert.Equal(t, http.StatusSeeOther, status, "the signed-out session is refused by b within 1 s (took %s)", took)
	})

	hits, _, invalidations := b.st.CredentialCacheStats()
	assert.Positive(t, hits, "b answered from memory")
	assert.Positive(t, invalidations, "b received notices")
	_, metrics := send(t, http.DefaultClient, "GET", b.url+"/metrics", nil)
	assert.Contains(t, metrics, "meshwise_credential_cache_hits_total")
	assert.Contains(t, metrics, "meshwise_credential_cache_misses_total")
	assert.Contains(t, metrics, "meshwise_credential_cache_invalidations_total")
}
