package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/internal/htmlform"
	"meshwise/store/storetest"
)

// TestTwoReplicasBehaveAsOne runs two meshwise servers, each with its own
// connection pool, against one database behind a round-robin reverse
// proxy, and checks sessions, tokens, optimistic concurrency, appends and
// verification across them. It speaks only HTTP (and the CLI to add
// people), so it holds whatever the servers do inside.
func TestTwoReplicasBehaveAsOne(t *testing.T) {
	db := storetest.NewDatabase(t)
	key := filepath.Join(t.TempDir(), "signing.key")
	require.NoError(t, run(context.Background(), []string{"keygen", "-o", key}, envOf(nil), io.Discard, io.Discard))
	env := map[string]string{"MESHWISE_SIGNING_KEY_FILE": key}
	replicas := []*server{startServer(t, db, env), startServer(t, db, env)}
	for _, s := range replicas {
		waitReady(t, s, 20*time.Second)
	}
	t.Cleanup(func() {
		if t.Failed() {
			for _, s := range replicas {
				logs := s.logs.String()
				t.Logf("%s logged (last 4 KB):\n%s", s.URL, logs[max(0, len(logs)-4096):])
			}
		}
	})
	lb, hits := roundRobin(t, replicas)
	architect := addPerson(t, db, "architect@example.com", "architect")
	approver := addPerson(t, db, "approver@example.com", "approver")

	t.Run("a session started on one replica is honoured and ended on both", func(t *testing.T) {
		u := signIn(t, lb, architect)
		for range 4 { // alternates between the replicas
			status, _, body := u.get(t, "/account")
			require.Equal(t, http.StatusOK, status)
			assert.Contains(t, body, architect.Email)
		}
		for _, s := range replicas {
			status, path, _ := u.on(s).get(t, "/account")
			assert.Equal(t, http.StatusOK, status)
			assert.Equal(t, "/account", path, "%s knows the session", s.URL)
		}
		status, _, _ := u.on(replicas[0]).post(t, "/logout", url.Values{})
		require.Equal(t, http.StatusOK, status)
		for _, s := range replicas {
			_, path, _ := u.on(s).get(t, "/account")
			assert.Equal(t, "/login", path, "%s refuses the ended session", s.URL)
		}
	})

	t.Run("a token made on one replica works on both and its revocation holds on both", func(t *testing.T) {
		u := signIn(t, lb, architect)
		status, _, page := u.on(replicas[0]).get(t, "/account")
		require.Equal(t, http.StatusOK, status)
		status, _, page = u.on(replicas[0]).submit(t, page, "/account/tokens", map[string]string{"name": "pipeline", "role": "viewer"})
		require.Equal(t, http.StatusOK, status)
		token := regexp.MustCompile(`mw_[A-Za-z0-9_\-]{16,}`).FindString(page)
		require.NotEmpty(t, token, "the account page shows the new token once")
		for _, s := range replicas {
			resp, _ := getAs(t, s.URL+"/api/v1/assessments", token)
			assert.Equal(t, http.StatusOK, resp.StatusCode, "%s accepts the token", s.URL)
		}
		resp, _ := postJSONAs(t, replicas[1].URL+"/api/v1/estimates", token, `{"title":"t","pods":50}`)
		assert.Equal(t, http.StatusOK, resp.StatusCode, "a viewer token may price")
		revoke := regexp.MustCompile(`/account/tokens/[^/"]+/revoke`).FindString(page)
		require.NotEmpty(t, revoke)
		status, _, _ = u.on(replicas[1]).post(t, revoke, url.Values{})
		require.Equal(t, http.StatusOK, status)
		for _, s := range replicas {
			resp, _ := getAs(t, s.URL+"/api/v1/assessments", token)
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "%s refuses the revoked token", s.URL)
		}
	})

	var assessment string
	t.Run("a draft saved on one replica is a conflict for a stale form from the other", func(t *testing.T) {
		u := signIn(t, lb, architect)
		status, path, _ := u.post(t, "/assessments", url.Values{"title": {"replicas"}})
		require.Equal(t, http.StatusOK, status)
		require.True(t, strings.HasSuffix(path, "/steps/1"), path)
		assessment = strings.TrimSuffix(strings.TrimPrefix(path, "/assessments/"), "/steps/1")
		step1 := "/assessments/" + assessment + "/steps/1"
		_, _, formA := u.on(replicas[0]).get(t, step1)
		_, _, formB := u.on(replicas[1]).get(t, step1)
		status, path, _ = u.on(replicas[0]).submit(t, formA, step1, map[string]string{"pods": "120"})
		require.Equal(t, http.StatusOK, status)
		assert.Equal(t, "/assessments/"+assessment+"/steps/2", path)
		status, _, body := u.on(replicas[1]).submit(t, formB, step1, map[string]string{"pods": "999"})
		assert.Equal(t, http.StatusConflict, status, "the other replica's stale form must not overwrite")
		assert.Contains(t, strings.ToLower(body), "changed")
		_, _, form := u.on(replicas[1]).get(t, step1)
		v, err := htmlform.Values([]byte(form), step1)
		require.NoError(t, err)
		assert.Equal(t, "120", v.Get("pods"), "the first save stands")
		for step := 2; step <= 3; step++ {
			action := fmt.Sprintf("/assessments/%s/steps/%d", assessment, step)
			_, _, form := u.get(t, action)
			status, _, _ := u.submit(t, form, action, nil)
			require.Equal(t, http.StatusOK, status)
		}
	})

	var records []string
	t.Run("concurrent appends through both replicas form one log", func(t *testing.T) {
		require.NotEmpty(t, assessment)
		const n = 8
		u := signIn(t, lb, architect)
		propose := "/assessments/" + assessment + "/propose"
		_, _, form := u.get(t, propose)
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				status, path, body := u.on(replicas[i%2]).submitE(form, propose, map[string]string{
					"title": fmt.Sprintf("replica record %d", i), "approvers": approver.Email, "scope": "payments"})
				mu.Lock()
				defer mu.Unlock()
				if assert.Equal(t, http.StatusOK, status, "%.300s", body) && assert.True(t, strings.HasPrefix(path, "/archive/"), path) {
					records = append(records, strings.TrimPrefix(path, "/archive/"))
				}
			}()
		}
		wg.Wait()
		require.Len(t, records, n)

		a := signIn(t, lb, approver)
		record := "/archive/" + records[0]
		_, _, page := a.on(replicas[1]).get(t, record)
		status, _, _ := a.on(replicas[1]).submit(t, page, record+"/approve", nil)
		require.Equal(t, http.StatusOK, status)
		_, _, page = u.on(replicas[0]).get(t, record)
		assert.Contains(t, page, "approved", "the approval made on one replica shows on the other")
		_, _, page = u.on(replicas[0]).get(t, "/archive")
		for _, id := range records {
			assert.Contains(t, page, id)
		}
	})

	t.Run("both replicas verify the same log, and so does meshwise verify", func(t *testing.T) {
		u := signIn(t, lb, architect)
		status, _, page := u.get(t, "/account")
		require.Equal(t, http.StatusOK, status)
		_, _, page = u.submit(t, page, "/account/tokens", map[string]string{"name": "auditor", "role": "viewer"})
		token := regexp.MustCompile(`mw_[A-Za-z0-9_\-]{16,}`).FindString(page)
		require.NotEmpty(t, token)
		var reports []map[string]any
		for _, s := range replicas {
			resp, body := getAs(t, s.URL+"/api/v1/verify", token)
			require.Equal(t, http.StatusOK, resp.StatusCode, body)
			var rep map[string]any
			require.NoError(t, json.Unmarshal([]byte(body), &rep))
			assert.Equal(t, true, rep["ok"], "%s: %s", s.URL, body)
			reports = append(reports, rep)
		}
		assert.Equal(t, float64(len(records)+1), reports[0]["entries"], "eight proposals and one approval")
		assert.Equal(t, reports[0]["root"], reports[1]["root"], "one tree, whichever replica is asked")
		resp, bundle := getAs(t, lb+"/api/v1/export", token)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		file := filepath.Join(t.TempDir(), "bundle.json")
		require.NoError(t, os.WriteFile(file, []byte(bundle), 0o600))
		var out bytes.Buffer
		require.NoError(t, run(context.Background(), []string{"verify", file}, envOf(nil), &out, io.Discard), out.String())
	})

	assert.Positive(t, hits[0].Load(), "the proxy sent requests to the first replica")
	assert.Positive(t, hits[1].Load(), "the proxy sent requests to the second replica")
}

// roundRobin is a reverse proxy that sends each request to the next replica.
func roundRobin(t *testing.T, replicas []*server) (string, []*atomic.Int64) {
	t.Helper()
	targets := make([]*url.URL, len(replicas))
	hits := make([]*atomic.Int64, len(replicas))
	for i, s := range replicas {
		u, err := url.Parse(s.URL)
		require.NoError(t, err)
		targets[i], hits[i] = u, &atomic.Int64{}
	}
	var next atomic.Uint64
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		i := int(next.Add(1)-1) % len(targets)
		hits[i].Add(1)
		r.SetURL(targets[i])
		r.Out.Host = r.In.Host
	}}
	lb := httptest.NewServer(proxy)
	t.Cleanup(lb.Close)
	return lb.URL, hits
}

// addPerson adds someone with the CLI, as an operator would.
func addPerson(t *testing.T, db, email, role string) person {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"user", "add", "--email", email, "--role", role},
		envOf(map[string]string{"DATABASE_URL": db}), &out, io.Discard))
	m := regexp.MustCompile(`shown once\): (\S+)`).FindStringSubmatch(out.String())
	require.NotNil(t, m, out.String())
	return person{Email: email, Password: m[1]}
}

// visitor is a person's browser: a cookie jar, following redirects, sending
// requests to base (the proxy, or one replica with on).
type visitor struct {
	base   string
	client *http.Client
}

func signIn(t *testing.T, base string, p person) *visitor {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	v := &visitor{base: base, client: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	_, _, page := v.get(t, "/login")
	status, path, body := v.submit(t, page, "/login", map[string]string{"email": p.Email, "password": p.Password})
	require.Equal(t, http.StatusOK, status, body)
	require.NotEqual(t, "/login", path, "signed in")
	return v
}

// on is the same browser talking to one replica directly. Cookie jars key
// cookies on the host and not the port (RFC 6265), so the proxy and both
// replicas on 127.0.0.1 see the same cookies.
func (v *visitor) on(s *server) *visitor { return &visitor{base: s.URL, client: v.client} }

func (v *visitor) get(t *testing.T, path string) (int, string, string) {
	t.Helper()
	status, final, body, err := v.do(http.MethodGet, path, nil)
	require.NoError(t, err)
	return status, final, body
}

func (v *visitor) post(t *testing.T, path string, form url.Values) (int, string, string) {
	t.Helper()
	status, final, body, err := v.do(http.MethodPost, path, form)
	require.NoError(t, err)
	return status, final, body
}

func (v *visitor) submit(t *testing.T, page, action string, set map[string]string) (int, string, string) {
	t.Helper()
	status, final, body := v.submitE(page, action, set)
	require.NotZero(t, status, body)
	return status, final, body
}

// submitE fills in the page's form for action and posts it; safe to call
// from several goroutines. A failure comes back as status 0 and the error.
func (v *visitor) submitE(page, action string, set map[string]string) (int, string, string) {
	form, err := htmlform.Values([]byte(page), action)
	if err != nil {
		return 0, "", err.Error()
	}
	for k, val := range set {
		form.Set(k, val)
	}
	status, final, body, err := v.do(http.MethodPost, action, form)
	if err != nil {
		return 0, "", err.Error()
	}
	return status, final, body
}

func (v *visitor) do(method, path string, form url.Values) (int, string, string, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, v.base+path, body)
	if err != nil {
		return 0, "", "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := v.client.Do(req)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Request.URL.Path, string(b), err
}

// postJSONAs posts a JSON body with an API token.
func postJSONAs(t *testing.T, url, token, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}
