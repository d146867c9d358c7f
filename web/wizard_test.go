package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
	"meshwise/web"
)

// noRedirect lets a test see the 303s the wizard answers with.
var noRedirect = &http.Client{Transport: bearer{}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func postForm(t *testing.T, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := noRedirect.PostForm(u, form)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func getBody(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	resp, err := noRedirect.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

// stepForm is what a browser sends for a step: every field of the step with
// the draft's current values, then the given changes.
func stepForm(step, version int, a model.Assessment, changes map[string]string) url.Values {
	form := url.Values{"version": {itoa(version)}, "action": {"next"}}
	for _, f := range model.FieldsOfStep(step) {
		v := a.FieldValue(f.Key)
		if f.Kind == model.FieldBool && v != "true" {
			continue // unchecked boxes send nothing
		}
		form.Set(f.Key, v)
	}
	for k, v := range changes {
		if v == "" {
			form.Del(k)
		} else {
			form.Set(k, v)
		}
	}
	return form
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestWizardSavesEachStepAndReachesResults(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	resp, _ := postForm(t, ts.URL+"/assessments", url.Values{"title": {"Payments"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	step1 := resp.Header.Get("Location")
	require.Regexp(t, `^/assessments/[0-9a-f-]{36}/steps/1$`, step1)
	base := ts.URL + strings.TrimSuffix(step1, "/steps/1")

	a := model.DefaultAssessment()
	a.Title = "Payments"
	resp, _ = postForm(t, base+"/steps/1", stepForm(1, 1, a, map[string]string{"services": "40", "pods": "100"}))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, strings.TrimPrefix(base, ts.URL)+"/steps/2", resp.Header.Get("Location"))

	resp, _ = postForm(t, base+"/steps/2", stepForm(2, 2, a, map[string]string{"needs.mtls": "true", "needs.l7_split": "true"}))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, _ = postForm(t, base+"/steps/3", stepForm(3, 3, a, nil))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, strings.TrimPrefix(base, ts.URL)+"/results", resp.Header.Get("Location"))

	resp, body := getBody(t, base+"/results")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "A mesh is warranted (3 of 5 checklist answers are yes): Istio sidecar (AKS add-on).")
	assert.Contains(t, body, "az aks mesh enable")
	assert.Contains(t, body, "<svg")

	// A shared link opens the results once every step was saved.
	resp, _ = getBody(t, base)
	assert.Equal(t, strings.TrimPrefix(base, ts.URL)+"/results", resp.Header.Get("Location"))

	// Refreshing a step shows what was saved.
	_, body = getBody(t, base+"/steps/1")
	assert.Contains(t, body, `name="services" value="40"`)
	_, body = getBody(t, base+"/steps/2")
	assert.Contains(t, body, `name="needs.mtls" value="true" checked`)

	resp, body = getBody(t, base+"/comparison.csv")
	assert.Equal(t, "text/csv; charset=utf-8", resp.Header.Get("Content-Type"))
	// 10 + 1 + 0.2 cores fixed + istio-cni 0.1 x (6 + 2): the default 70%
	// fullness leaves 6.948 spare cores, so 2 nodes are added, not 4.
	assert.Contains(t, body, "istio-sidecar,12.000,17.531")
	assert.Contains(t, strings.Split(body, "\n")[1], ",recommended")

	resp, body = getBody(t, base+"/estimate.json")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var doc struct {
		Estimate       model.Estimate       `json:"estimate"`
		Recommendation model.Recommendation `json:"recommendation"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &doc))
	assert.Equal(t, model.OptionIstioSidecar, doc.Recommendation.Top)
	assert.Equal(t, 40, doc.Estimate.Assessment.Services)
}

func TestWizardRerendersBadValuesWithMessages(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	resp, _ := postForm(t, ts.URL+"/assessments", url.Values{"title": {"Bad input"}})
	base := ts.URL + strings.TrimSuffix(resp.Header.Get("Location"), "/steps/1")
	a := model.DefaultAssessment()

	resp, body := postForm(t, base+"/steps/1", stepForm(1, 1, a, map[string]string{"pods": "lots", "nodes": "0", "services": "12"}))
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, body, `data-testid="error-pods">Pods to mesh must be a whole number`)
	assert.Contains(t, body, `name="pods" value="lots"`, "what was typed is kept")
	assert.Contains(t, body, `name="services" value="12"`, "the other answers are kept")
	assert.Contains(t, body, `aria-invalid="true"`)

	resp, body = postForm(t, base+"/steps/1", stepForm(1, 1, a, map[string]string{"nodes": "0"}))
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, body, "must be a whole number from 1 to 5000 (got 0)")

	// Nothing was saved: the draft is still at version 1 with its defaults.
	_, body = getBody(t, base+"/steps/1")
	assert.Contains(t, body, `name="version" value="1"`)
	assert.Contains(t, body, `name="pods" value="100"`)
}

func TestTwoTabsDoNotClobberEachOther(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	resp, _ := postForm(t, ts.URL+"/assessments", url.Values{"title": {"Tabs"}})
	base := ts.URL + strings.TrimSuffix(resp.Header.Get("Location"), "/steps/1")
	a := model.DefaultAssessment()

	// Both tabs opened step 1 at version 1; the first saves.
	resp, _ = postForm(t, base+"/steps/1", stepForm(1, 1, a, map[string]string{"pods": "200"}))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	// The second tab's save is refused, and its answers stay in its form.
	resp, body := postForm(t, base+"/steps/1", stepForm(1, 1, a, map[string]string{"pods": "300"}))
	assert.Equal(t, http.StatusConflict, resp.StatusCode)
	assert.Contains(t, body, "changed elsewhere")
	assert.Contains(t, body, `name="pods" value="300"`)
	_, body = getBody(t, base+"/steps/1")
	assert.Contains(t, body, `name="pods" value="200"`, "the first save stands")
}

func TestWizardUnknownPlacesAre404(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	for _, p := range []string{"/assessments/not-a-uuid/steps/1", "/assessments/00000000-0000-0000-0000-000000000000/results", "/assessments/00000000-0000-0000-0000-000000000000/steps/9"} {
		resp, body := getBody(t, ts.URL+p)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, p)
		assert.NotContains(t, body, "goroutine")
	}
}

func TestCrossSiteFormPostIsRefused(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/assessments", strings.NewReader("title=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := noRedirect.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

func TestWizardComponentOverrides(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	resp, _ := postForm(t, ts.URL+"/assessments", url.Values{"title": {"Overrides"}})
	base := ts.URL + strings.TrimSuffix(resp.Header.Get("Location"), "/steps/1")
	a := model.DefaultAssessment()

	resp, body := postForm(t, base+"/steps/3", stepForm(3, 1, a, map[string]string{"overrides.istio-sidecar/istio-proxy.cpu_m": "-5"}))
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, body, "must be a whole number from 0 to 64000 (got -5)")

	resp, _ = postForm(t, base+"/steps/3", stepForm(3, 1, a, map[string]string{"overrides.istio-sidecar/istio-proxy.cpu_m": "50"}))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, body = getBody(t, base+"/comparison.csv")
	assert.Contains(t, body, "istio-sidecar,6.800,", "100 sidecars at 50m = 5, istiod 1, gateway 0.2, istio-cni 0.1 x 6 = 0.6 cores; the spare room holds it, no node added")
	_, body = getBody(t, base+"/steps/3")
	assert.Contains(t, body, `name="overrides.istio-sidecar/istio-proxy.cpu_m" value="50"`)
}
