package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"

	"meshwise/internal/htmlform"
)

// fixture is what the scenarios need: a signed-in session, an API token,
// and the assessments and records to rotate over.
type fixture struct {
	Cookie      string   // "meshwise_session=..." of a signed-in architect
	Token       string   // an API token of the same person
	Assessments []string // IDs of saved assessments, all different
	Estimates   [][]byte // JSON assessments for the API, all different
}

// client drives meshwise the way a browser does: cookies kept, redirects
// followed, forms read from the pages.
type client struct {
	base string
	http *http.Client
}

func newClient(base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{base: base, http: &http.Client{Jar: jar}}
}

// do sends a request and returns the final status, URL path and body.
func (c *client) do(method, path string, form url.Values, header http.Header, body []byte) (int, string, []byte, error) {
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	} else if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return 0, "", nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Request.URL.Path, b, err
}

// submit reads the form with this action from page, overrides some of its
// values, and posts it.
func (c *client) submit(page []byte, action string, set map[string]string) (int, string, []byte, error) {
	v, err := htmlform.Values(page, action)
	if err != nil {
		return 0, "", nil, err
	}
	for k, val := range set {
		v.Set(k, val)
	}
	return c.do(http.MethodPost, action, v, nil, nil)
}

// seed creates, through the meshwise CLI and HTTP only, an architect with
// a session and a token, n different assessments taken through the wizard,
// a proposed decision record for each, and n different API bodies.
func seed(ctx context.Context, o options, base string) (fixture, error) {
	var f fixture
	email := "loadbench@example.com"
	cmd := exec.CommandContext(ctx, o.Meshwise, "user", "add", "--email", email, "--role", "architect")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+o.Database)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return f, fmt.Errorf("meshwise user add: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`shown once\): (\S+)`).FindSubmatch(out)
	if m == nil {
		return f, fmt.Errorf("meshwise user add printed no password:\n%s", out)
	}
	c := newClient(base)
	status, _, page, err := c.do(http.MethodGet, "/login", nil, nil, nil)
	if err != nil || status != http.StatusOK {
		return f, fmt.Errorf("GET /login: %d %v", status, err)
	}
	if status, path, _, err := c.submit(page, "/login", map[string]string{"email": email, "password": string(m[1])}); err != nil || status != http.StatusOK || path == "/login" {
		return f, fmt.Errorf("sign in: %d at %s: %v", status, path, err)
	}
	u, _ := url.Parse(base)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "meshwise_session" {
			f.Cookie = ck.Name + "=" + ck.Value
		}
	}
	if f.Cookie == "" {
		return f, fmt.Errorf("signing in set no meshwise_session cookie")
	}
	if _, _, page, err = c.do(http.MethodGet, "/account", nil, nil, nil); err != nil {
		return f, err
	}
	_, _, page, err = c.submit(page, "/account/tokens", map[string]string{"name": "loadbench", "role": "architect"})
	if err != nil {
		return f, fmt.Errorf("create a token: %w", err)
	}
	tok := regexp.MustCompile(`mw_[A-Za-z0-9_\-]{16,}`).Find(page)
	if tok == nil {
		return f, fmt.Errorf("the account page showed no new token")
	}
	f.Token = string(tok)

	for i := range o.Variants {
		id, err := wizard(c, i)
		if err != nil {
			return f, fmt.Errorf("assessment %d: %w", i, err)
		}
		f.Assessments = append(f.Assessments, id)
		propose := "/assessments/" + id + "/propose"
		_, _, page, err := c.do(http.MethodGet, propose, nil, nil, nil)
		if err != nil {
			return f, err
		}
		status, path, body, err := c.submit(page, propose, map[string]string{"approvers": "approver@example.com", "scope": "payments, orders"})
		if err != nil || status != http.StatusOK || !strings.HasPrefix(path, "/archive/") {
			return f, fmt.Errorf("propose a record for %s: %d at %s: %v\n%.400s", id, status, path, err, body)
		}
		body, _ = json.Marshal(map[string]any{
			"title": "loadbench " + strconv.Itoa(i), "pods": pods(i), "nodes": nodes(i), "services": 5 + i%40,
			"needs": map[string]bool{"mtls": true, "l7_split": i%2 == 0, "retries": i%3 == 0},
		})
		f.Estimates = append(f.Estimates, body)
	}
	return f, nil
}

func pods(i int) int { return 40 + 37*i }

// nodes leaves room for the pods (at most 250 per node by default).
func nodes(i int) int { return 3 + i%20 + pods(i)/200 }

// wizard starts an assessment and walks it through the three steps with
// its own pod and service counts, as a person would.
func wizard(c *client, i int) (string, error) {
	status, path, page, err := c.do(http.MethodPost, "/assessments", url.Values{"title": {"loadbench " + strconv.Itoa(i)}}, nil, nil)
	if err != nil || status != http.StatusOK || !strings.HasSuffix(path, "/steps/1") {
		return "", fmt.Errorf("start: %d at %s: %v", status, path, err)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(path, "/assessments/"), "/steps/1")
	set := map[int]map[string]string{
		1: {"pods": strconv.Itoa(pods(i)), "services": strconv.Itoa(5 + i%40), "nodes": strconv.Itoa(nodes(i))},
		2: {"needs.mtls": "true"},
		3: {},
	}
	for step := 1; step <= 3; step++ {
		action := "/assessments/" + id + "/steps/" + strconv.Itoa(step)
		status, path, page, err = c.submit(page, action, set[step])
		if err != nil || status != http.StatusOK {
			return "", fmt.Errorf("step %d: %d at %s: %v\n%.400s", step, status, path, err, page)
		}
	}
	if path != "/assessments/"+id+"/results" {
		return "", fmt.Errorf("the wizard ended at %s, not the results", path)
	}
	return id, nil
}
