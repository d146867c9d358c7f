package web_test

import (
	"bytes"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/web"
)

func upload(t *testing.T, u string, hash bool, files map[string][]byte) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if hash {
		require.NoError(t, mw.WriteField("hash_names", "true"))
	}
	for name, data := range files {
		fw, err := mw.CreateFormFile("files", name)
		require.NoError(t, err)
		_, _ = fw.Write(data)
	}
	require.NoError(t, mw.Close())
	req, _ := http.NewRequest("POST", u, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := noRedirect.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b := new(bytes.Buffer)
	_, _ = b.ReadFrom(resp.Body)
	return resp, b.String()
}

func fixture(t *testing.T, name string) []byte {
	b, err := os.ReadFile(filepath.Join("..", "model", "cluster", "testdata", name))
	require.NoError(t, err)
	return b
}

func TestImportDerivesAndPrefills(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	resp, body := upload(t, ts.URL+"/import", false, map[string][]byte{"pods.json": fixture(t, "pods.json"), "nodes.json": fixture(t, "nodes.json")})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, `data-testid="existing-mesh">Istio sidecar, Istio ambient, Linkerd`)
	assert.Contains(t, body, "not in the catalog")
	assert.Contains(t, body, "payments")
	assert.Contains(t, body, `data-testid="measured-tax"`)
	assert.NotContains(t, body, "app-")

	form := between(body, `name="assessment" value="`, `"`)
	require.NotEmpty(t, form)
	resp, _ = postForm(t, ts.URL+"/import/start", url.Values{"assessment": {html.UnescapeString(form)}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, step := getBody(t, ts.URL+resp.Header.Get("Location"))
	assert.Contains(t, step, `name="pods" value="5"`)
	assert.Contains(t, step, `name="nodes" value="4"`)
	assert.Contains(t, step, `name="title" value="Imported cluster"`)
}

func TestImportHashesNamesAndExplainsBadFiles(t *testing.T) {
	_, ts := newServer(t, web.Config{ImportMaxBytes: 4096})
	resp, body := upload(t, ts.URL+"/import", true, map[string][]byte{"pods.json": fixture(t, "namespaces.json")})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotContains(t, body, ">payments<", "hashed")
	assert.Contains(t, body, "ns-")

	resp, body = upload(t, ts.URL+"/import", false, map[string][]byte{"table.json": []byte(`{"kind":"Table","rows":[]}`)})
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, body, "table.json is a kubectl table (kind: Table): run kubectl with -o json")

	resp, _ = upload(t, ts.URL+"/import", false, map[string][]byte{"big.json": []byte(`{"items":[` + strings.Repeat(`{"kind":"Pod","spec":{"containers":[{"name":"a"}]}},`, 200) + `{"kind":"Pod","spec":{"containers":[{"name":"a"}]}}]}`)})
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
}

// az aks show, nodes, pods and a PodMetricsList: the cluster's facts, each
// prefilled field's source, the measured tax and the what-if, then a
// wizard whose cluster, resource group, size and spare room come from them.
func TestImportAKSClusterWithMetrics(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	resp, body := upload(t, ts.URL+"/import", false, map[string][]byte{"aks.json": fixture(t, "aks-show.json"), "nodes.json": fixture(t, "nodes-aks.json"),
		"pods.json": fixture(t, "pods-istio.json"), "top.json": fixture(t, "podmetrics-istio.json")})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, "AKS cluster skg-aks-cluster in resource group aks-test-rg (australiaeast)")
	assert.Contains(t, body, `data-testid="source-resource_group">measured`)
	assert.Contains(t, body, `data-testid="source-services">default`)
	assert.Contains(t, body, `data-testid="source-spare_cores">derived`)
	assert.Contains(t, body, "enter its hourly price")
	assert.Contains(t, body, "Measured use: 0.011 cores")
	assert.Contains(t, body, `data-testid="what-if-options"`)
	assert.Contains(t, body, "Istio ambient (self-managed)")

	form := between(body, `name="assessment" value="`, `"`)
	resp, _ = postForm(t, ts.URL+"/import/start", url.Values{"assessment": {html.UnescapeString(form)}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, step := getBody(t, ts.URL+resp.Header.Get("Location"))
	assert.Contains(t, step, `name="cluster" value="skg-aks-cluster"`)
	assert.Contains(t, step, `name="resource_group" value="aks-test-rg"`)
}

func TestImportRefusesWhatAnAssessmentCannotHold(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	var b strings.Builder
	b.WriteString(`{"kind":"NamespaceList","items":[`)
	for i := 0; i < 1001; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"kind":"Pod","metadata":{"name":"p","namespace":"ns-` + strconv.Itoa(i) + `"},"spec":{"containers":[{"name":"a"}]}}`)
	}
	b.WriteString(`]}`)
	resp, body := upload(t, ts.URL+"/import", false, map[string][]byte{"pods.json": []byte(b.String())})
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, body, "1001 workload namespaces; an assessment covers at most 1,000")
}

func TestImportNamedFieldsActLikeFlags(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("pods", "nodes.json")
	require.NoError(t, err)
	_, _ = fw.Write(fixture(t, "nodes.json"))
	require.NoError(t, mw.Close())
	req, _ := http.NewRequest("POST", ts.URL+"/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := noRedirect.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b := new(bytes.Buffer)
	_, _ = b.ReadFrom(resp.Body)
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, html.UnescapeString(b.String()), "nodes.json was given as --pods but holds nodes objects (kind Node)")
}
