package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/ledger"
	"meshwise/model"
	"meshwise/store/storetest"
	"meshwise/web"
)

// as sends a request with a given person's token.
func as(t *testing.T, token, method, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, u, body)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := noRedirect.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func proposal() url.Values {
	return url.Values{
		"title": {"Adopt the Istio add-on for payments"}, "cluster": {"prod-weu"}, "resource_group": {"rg-prod"},
		"option": {"istio-sidecar"}, "owner": {"ana@example.com"}, "approvers": {"bo@example.com"}, "scope": {"payments, checkout"},
		"rationale": {"mTLS mandate and per-service canaries"}, "evidence": {"sidecars injected | kubectl get pods -n payments"},
		"acceptance": {"p95 within 10% of baseline"}, "rollback": {"kubectl label namespace payments istio.io/rev-"},
		"review_by": {"2099-01-31"},
	}
}

func TestProposeApproveVerifyExport(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	ctx := context.Background()
	saved, err := testStore.CreateAssessment(ctx, model.DefaultAssessment())
	require.NoError(t, err)
	ana, _ := storetest.AddUser(t, testStore, "ana@example.com", model.RoleApprover)
	bo, _ := storetest.AddUser(t, testStore, "bo@example.com", model.RoleApprover)
	anaTok, boTok := storetest.AddToken(t, testStore, ana, model.RoleApprover), storetest.AddToken(t, testStore, bo, model.RoleApprover)

	bad := proposal()
	bad.Set("rollback", "")
	bad.Set("scope", "Not A Namespace")
	resp, body := as(t, anaTok, "POST", ts.URL+"/assessments/"+saved.ID+"/propose", bad)
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, body, "write the commands that undo the change")
	assert.Contains(t, body, "is not a namespace name")

	resp, _ = as(t, anaTok, "POST", ts.URL+"/assessments/"+saved.ID+"/propose", proposal())
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	record := resp.Header.Get("Location")
	require.Regexp(t, `^/archive/[0-9a-f-]{36}$`, record)

	resp, body = as(t, anaTok, "POST", ts.URL+record+"/approve", url.Values{})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "four eyes: not the proposer")
	assert.Contains(t, body, "another approver must")

	resp, _ = as(t, boTok, "POST", ts.URL+record+"/approve", url.Values{"note": {"looks right"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, _ = as(t, boTok, "POST", ts.URL+record+"/reject", url.Values{})
	assert.Equal(t, http.StatusConflict, resp.StatusCode, "an approved record cannot be rejected")

	_, body = as(t, boTok, "GET", ts.URL+record, nil)
	assert.Contains(t, body, `data-testid="record-status">approved`)
	assert.Contains(t, body, `data-testid="verified"`)

	_, body = as(t, boTok, "GET", ts.URL+"/api/v1/verify", nil)
	var rep ledger.Report
	require.NoError(t, json.Unmarshal([]byte(body), &rep))
	assert.True(t, rep.OK, rep.Problem)
	assert.Equal(t, int64(2), rep.Entries)

	_, body = as(t, boTok, "GET", ts.URL+"/api/v1/export", nil)
	var b ledger.Bundle
	require.NoError(t, json.Unmarshal([]byte(body), &b))
	assert.True(t, b.Verify(nil, nil).OK)
	var env ledger.Envelope
	require.NoError(t, json.Unmarshal(b.Entries[0], &env))
	var first model.LogEntry
	require.NoError(t, json.Unmarshal(env.Payload, &first))
	assert.Equal(t, model.EventProposed, first.Event)
	assert.Equal(t, model.ModelVersion, first.Record.Estimate.ModelVersion, "the record carries the estimate and its model version")
	assert.Equal(t, []string{"payments", "checkout"}, first.Record.Scope)

	resp, body = as(t, boTok, "GET", ts.URL+record+"/record.md", nil)
	assert.Equal(t, "text/markdown; charset=utf-8", resp.Header.Get("Content-Type"))
	for _, want := range []string{`status: "approved"`, "## Considered Options", "## Decision Outcome", "### Consequences", "### Confirmation", "kubectl label namespace payments istio.io/rev-",
		`meshwise-record: "` + strings.TrimPrefix(record, "/archive/") + `"`, `meshwise-assessment: "` + saved.ID + `"`, "## Signed history", "| approved | bo@example.com | looks right |", "meshwise verify --key keys.json bundle.json"} {
		assert.Contains(t, body, want)
	}
	assert.Equal(t, 1, strings.Count(body, "```sh"), "rollback steps in one fenced block")
	assert.Regexp(t, "\\| `[0-9a-f]{64}` \\|", body, "entry hashes")
	_, page := as(t, boTok, "GET", ts.URL+record, nil)
	assert.Contains(t, page, `href="/assessments/`+saved.ID+`/results"`)
	_, page = as(t, boTok, "GET", ts.URL+"/assessments/"+saved.ID+"/results", nil)
	assert.Contains(t, page, `href="/archive?assessment=`+saved.ID+`"`, "and back")
	_, page = as(t, boTok, "GET", ts.URL+"/archive?assessment="+saved.ID, nil)
	assert.Contains(t, page, "Adopt the Istio add-on for payments")

	_, body = as(t, boTok, "GET", ts.URL+"/archive?q=payments&status=approved", nil)
	assert.Contains(t, body, "Adopt the Istio add-on for payments")
	assert.Regexp(t, `data-testid="monthly">[0-9]+\.[0-9]{2} USD<`, body, "the archive shows the signed monthly tax")
	_, body = as(t, boTok, "GET", ts.URL+"/archive?status=rejected", nil)
	assert.Contains(t, body, "No records match.")

	resp, body = getBody(t, ts.URL+"/api/v1/keys")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `"current"`)
}

func TestSupersedeMarksTheOldRecord(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	saved, err := testStore.CreateAssessment(context.Background(), model.DefaultAssessment())
	require.NoError(t, err)
	ana, _ := storetest.AddUser(t, testStore, "ana@example.com", model.RoleApprover)
	bo, _ := storetest.AddUser(t, testStore, "bo@example.com", model.RoleApprover)
	anaTok, boTok := storetest.AddToken(t, testStore, ana, model.RoleApprover), storetest.AddToken(t, testStore, bo, model.RoleApprover)

	resp, _ := as(t, anaTok, "POST", ts.URL+"/assessments/"+saved.ID+"/propose", proposal())
	first := resp.Header.Get("Location")
	as(t, boTok, "POST", ts.URL+first+"/approve", url.Values{})

	next := proposal()
	next.Set("supersedes", strings.TrimPrefix(first, "/archive/"))
	resp, _ = as(t, anaTok, "POST", ts.URL+"/assessments/"+saved.ID+"/propose", next)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	second := resp.Header.Get("Location")
	as(t, boTok, "POST", ts.URL+second+"/approve", url.Values{})

	_, body := as(t, boTok, "GET", ts.URL+first, nil)
	assert.Contains(t, body, `data-testid="record-status">superseded`)
	_, body = as(t, boTok, "GET", ts.URL+"/api/v1/verify", nil)
	assert.Contains(t, body, `"ok":true`)
	assert.Contains(t, body, `"entries":5`)
}
