package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
	"meshwise/store/storetest"
	"meshwise/web"
)

// raw sends a body as it is, with the admin token unless anonymous.
func raw(t testing.TB, method, u, contentType string, body []byte, token string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

// multipartBody builds a multipart form: fields, then one file part.
func multipartBody(t testing.TB, fields [][2]string, fileField, fileName string, content []byte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		w, err := mw.CreateFormField(f[0])
		require.NoError(t, err)
		_, _ = w.Write([]byte(f[1]))
	}
	if fileField != "" {
		w, err := mw.CreateFormFile(fileField, fileName)
		require.NoError(t, err)
		_, _ = w.Write(content)
	}
	require.NoError(t, mw.Close())
	return buf.Bytes(), mw.FormDataContentType()
}

// A NUL byte or invalid UTF-8 in any field — form, query, multipart, JSON —
// is refused with 422 naming the field (400 on /login) before any query,
// instead of reaching PostgreSQL and answering 500.
func TestBadBytesAreRefusedNamingTheField(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	saved, err := testStore.CreateAssessment(context.Background(), model.DefaultAssessment())
	require.NoError(t, err)
	form := "application/x-www-form-urlencoded"
	propose := proposal()
	propose.Set("rationale", "mTLS\x00mandate")
	importPart, importCT := multipartBody(t, [][2]string{{"hash_names", "tr\x00ue"}}, "files", "pods.json", []byte(`{"kind":"List","items":[]}`))
	importName, importNameCT := multipartBody(t, nil, "files", "pods\xff.json", []byte(`{"kind":"List","items":[]}`))
	mpTitle, mpTitleCT := multipartBody(t, [][2]string{{"title", "pay\xffments"}}, "", "", nil)
	tests := []struct {
		name, method, path, contentType string
		body                            []byte
		anonymous                       bool
		status                          int
		field                           string
	}{
		{"login email with NUL", "POST", "/login", form, []byte("email=a%00b%40example.com&password=x"), true, 400, "email"},
		{"login password with invalid UTF-8", "POST", "/login", form, []byte("email=a%40example.com&password=%ff"), true, 400, "password"},
		{"form value, invalid UTF-8", "POST", "/assessments", form, []byte("title=pay%C3%28ments"), false, 422, "title"},
		{"form value, NUL", "POST", "/assessments", form, []byte("title=pay%00ments"), false, 422, "title"},
		{"form field name", "POST", "/assessments", form, []byte("ti%00tle=x"), false, 422, `ti\x00tle`},
		{"signed-record field", "POST", "/assessments/" + saved.ID + "/propose", form, []byte(propose.Encode()), false, 422, "rationale"},
		{"query parameter", "GET", "/archive?q=%00", "", nil, false, 422, "q"},
		{"query on login", "GET", "/login?next=%2F%00", "", nil, true, 400, "next"},
		{"multipart value, streamed upload", "POST", "/import", importCT, importPart, false, 422, "hash_names"},
		{"multipart file name, streamed upload", "POST", "/import", importNameCT, importName, false, 422, "files"},
		{"multipart value, ordinary form", "POST", "/assessments", mpTitleCT, mpTitle, false, 422, "title"},
		{"JSON string, NUL escape", "POST", "/api/v1/estimates", "application/json", []byte(`{"title":"a\u0000b"}`), false, 422, "title"},
		{"JSON string, raw invalid UTF-8", "POST", "/api/v1/curves", "application/json", []byte("{\"pricing\":{\"currency\":\"\xff\"}}"), false, 422, "pricing.currency"},
		{"JSON key", "POST", "/api/v1/estimates", "", []byte(`{"needs":{"mt\u0000ls":true}}`), false, 422, `needs.mt\x00ls`},
		{"JSON inside a form field", "POST", "/import/start", form, []byte(url.Values{"assessment": {`{"title":"x\u0000y"}`}}.Encode()), false, 422, "assessment.title"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := testToken
			if tt.anonymous {
				token = ""
			}
			resp, body := raw(t, tt.method, ts.URL+tt.path, tt.contentType, tt.body, token)
			require.Equal(t, tt.status, resp.StatusCode, body)
			assert.Contains(t, body, "NUL byte or invalid UTF-8")
			if strings.HasPrefix(tt.path, "/api/") {
				var p web.Problem
				require.NoError(t, json.Unmarshal([]byte(body), &p))
				require.NotEmpty(t, p.Errors)
				assert.Equal(t, tt.field, p.Errors[0].Field)
			} else {
				assert.Contains(t, body, tt.field)
			}
			assert.True(t, utf8.ValidString(body), "the answer itself is clean UTF-8")
		})
	}
	// A bad path parameter names no page.
	for _, path := range []string{"/archive/%00", "/archive/a%00b/record.md", "/assessments/%ff/results", "/assessments/" + saved.ID + "/steps/%00"} {
		resp, body := raw(t, "GET", ts.URL+path, "", nil, testToken)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, "%s: %s", path, body)
	}
	// Nothing was written: no user, no assessment beyond the one made above.
	_, _, err = testStore.UserByEmail(context.Background(), "n\x00@example.com")
	assert.Error(t, err)
	recent, err := testStore.RecentAssessments(context.Background(), 10)
	require.NoError(t, err)
	assert.Len(t, recent, 1)
}

// fuzzTarget is one POST route of the table with a valid form to vary.
type fuzzTarget struct {
	pattern, path string
	json, person  bool // a JSON body; sent with the admin's session (credential management)
	form          url.Values
}

// FuzzPostedBytes posts random bytes into every form route and JSON body of
// the route table, signed in as an admin, and demands no 5xx. Its seeds put
// a NUL byte and invalid UTF-8 into every known field of every route, and
// those must be refused with 422 (400 on /login).
func FuzzPostedBytes(f *testing.F) {
	srv, ts := newServer(f, web.Config{})
	ctx := context.Background()
	saved, err := testStore.CreateAssessment(ctx, model.DefaultAssessment())
	require.NoError(f, err)
	target, _ := storetest.AddUser(f, testStore, "fuzz-target@example.com", model.RoleViewer)
	_, password := storetest.AddUser(f, testStore, "fuzz-admin@example.com", model.RoleAdmin)
	jar, err := cookiejar.New(nil)
	require.NoError(f, err)
	session := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := session.PostForm(ts.URL+"/login", url.Values{"email": {"fuzz-admin@example.com"}, "password": {password}})
	require.NoError(f, err)
	resp.Body.Close()
	require.Equal(f, http.StatusSeeOther, resp.StatusCode)
	// A record another person proposed, so approve and reject reach their handler.
	architect, _ := storetest.AddUser(f, testStore, "fuzz-architect@example.com", model.RoleArchitect)
	archToken := storetest.AddToken(f, testStore, architect, model.RoleArchitect)
	resp, _ = raw(f, "POST", ts.URL+"/assessments/"+saved.ID+"/propose", "application/x-www-form-urlencoded", []byte(proposal().Encode()), archToken)
	require.Equal(f, http.StatusSeeOther, resp.StatusCode)
	record := resp.Header.Get("Location")

	assessment, err := json.Marshal(model.DefaultAssessment())
	require.NoError(f, err)
	forms := map[string]url.Values{
		"/login":                         {"email": {"someone@example.com"}, "password": {"not the password"}, "next": {"/archive"}},
		"/logout":                        {},
		"/assessments":                   {"title": {"payments"}},
		"/assessments/{id}/steps/{step}": stepForm(1, saved.Version, saved.Assessment, nil),
		"/import":                        {"hash_names": {"true"}},
		"/import/start":                  {"assessment": {string(assessment)}},
		"/assessments/{id}/propose":      proposal(),
		"/archive/{rid}/approve":         {"note": {"fine"}},
		"/archive/{rid}/reject":          {"note": {"not yet"}},
		"/account/password":              {"current": {"wrong password!"}, "new": {"a new passphrase"}},
		"/account/tokens":                {"name": {"ci"}, "role": {"viewer"}},
		"/account/tokens/{id}/revoke":    {},
		"/admin/users":                   {"email": {"someone@example.com"}, "name": {"Some One"}, "role": {"viewer"}},
		"/admin/users/{id}/role":         {"role": {"viewer"}},
		"/api/v1/estimates":              {"title": {"payments"}, "cluster": {"prod"}, "node_sku": {"Standard_D4s_v5"}},
		"/api/v1/curves":                 {"title": {"payments"}, "latency_source": {"aks"}},
		"/api/v1/assessments":            {"title": {"payments"}, "cluster": {"prod"}},
		"/api/v1/records":                {"assessment_id": {saved.ID}, "title": {"payments"}, "rationale": {"because"}},
		"/api/v1/records/{rid}/approve":  {"note": {"fine"}},
		"/api/v1/records/{rid}/reject":   {"note": {"not yet"}},
		"/api/v1/records/{rid}/check":    {"tolerance": {"25"}, "sign": {"true"}},
		"/admin/prices":                  {"pricing.currency": {"EUR"}, "pricing.exchange_rate": {"0.92"}, "pricing.exchange_rate_date": {"2026-11-28"}},
	}
	var targets []fuzzTarget
	for _, rt := range srv.RouteTable() {
		if rt.Method != http.MethodPost {
			continue
		}
		form, ok := forms[rt.Pattern]
		require.True(f, ok, "POST %s has no form in this fuzz test: add one", rt.Pattern)
		path := strings.NewReplacer("{step}", "1", "{rid}", strings.TrimPrefix(record, "/archive/")).Replace(rt.Pattern)
		switch {
		case strings.HasPrefix(path, "/admin/users/{id}"):
			path = strings.Replace(path, "{id}", target.ID, 1)
		case strings.HasPrefix(path, "/account/tokens/{id}"):
			path = strings.Replace(path, "{id}", "00000000-0000-4000-8000-000000000000", 1)
		default:
			path = strings.Replace(path, "{id}", saved.ID, 1)
		}
		targets = append(targets, fuzzTarget{pattern: rt.Pattern, path: path, json: strings.HasPrefix(path, "/api/"), person: rt.Person, form: form})
	}
	for i, tg := range targets {
		for _, field := range append(slices.Sorted(maps.Keys(tg.form)), "x") {
			for _, bad := range []string{"a\x00b", "pay\xffments"} {
				f.Add(uint8(i), field, []byte(bad), uint8(0))
			}
		}
		f.Add(uint8(i), "na\xc3\x28me", []byte("x"), uint8(0))
		f.Add(uint8(i), "title", []byte("a\x00b"), uint8(2))
		f.Add(uint8(i), "", []byte("title=%00&%ff=1"), uint8(1))
	}
	f.Fuzz(func(t *testing.T, route uint8, field string, value []byte, mode uint8) {
		tg := targets[int(route)%len(targets)]
		var body []byte
		contentType := "application/x-www-form-urlencoded"
		switch {
		case mode%3 == 1: // the bytes as the whole body
			body = value
			if tg.json {
				contentType = "application/json"
			}
		case tg.json:
			body = []byte(`{"` + field + `":"` + string(value) + `"}`)
			contentType = "application/json"
		case mode%3 == 2 || tg.pattern == "/import":
			var fields [][2]string
			for _, k := range slices.Sorted(maps.Keys(tg.form)) {
				fields = append(fields, [2]string{k, tg.form.Get(k)})
			}
			fields = append(fields, [2]string{field, string(value)})
			fileField := ""
			if tg.pattern == "/import" {
				fileField = "files"
			}
			body, contentType = multipartBody(t, fields, fileField, field+".json", value)
		default:
			form := url.Values{}
			for k, v := range tg.form {
				form[k] = v
			}
			form.Set(field, string(value))
			body = []byte(form.Encode())
		}
		req, err := http.NewRequest(http.MethodPost, ts.URL+tg.path, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", contentType)
		client := session
		if !tg.person {
			client = &http.Client{CheckRedirect: session.CheckRedirect}
			req.Header.Set("Authorization", "Bearer "+testToken)
		}
		resp, err := client.Do(req)
		require.NoError(t, err)
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Less(t, resp.StatusCode, 500, "POST %s answered %d: %s", tg.pattern, resp.StatusCode, answer)
		bad := func(s string) bool { return strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s) }
		if mode%3 != 1 && (bad(field) || bad(string(value))) {
			want := http.StatusUnprocessableEntity
			if tg.pattern == "/login" {
				want = http.StatusBadRequest
			}
			assert.Equal(t, want, resp.StatusCode, "POST %s with field %q = %q: %s", tg.pattern, field, value, answer)
		}
	})
}
