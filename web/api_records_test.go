package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
	"meshwise/store/storetest"
	"meshwise/web"
)

func apiJSON(t *testing.T, token, method, u string, body any) (*http.Response, []byte) {
	t.Helper()
	var r io.Reader = http.NoBody
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, r)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := noRedirect.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

// A pipeline with tokens only: create an assessment, propose a record, have
// a second person's token approve it, read it back approved and verified;
// the pipeline cannot approve its own proposal.
func TestDecisionsAsCode(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	pipeline, _ := storetest.AddUser(t, testStore, "pipeline@example.com", model.RoleApprover)
	reviewer, _ := storetest.AddUser(t, testStore, "reviewer@example.com", model.RoleApprover)
	pipeTok := storetest.AddToken(t, testStore, pipeline, model.RoleArchitect)
	revTok := storetest.AddToken(t, testStore, reviewer, model.RoleApprover)
	viewTok := storetest.AddToken(t, testStore, reviewer, model.RoleViewer)

	a := model.DefaultAssessment()
	a.Title = "payments"
	resp, body := apiJSON(t, pipeTok, "POST", ts.URL+"/api/v1/assessments", a)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
	var created struct {
		ID       string         `json:"id"`
		Estimate model.Estimate `json:"estimate"`
	}
	require.NoError(t, json.Unmarshal(body, &created))
	assert.Equal(t, "/api/v1/assessments/"+created.ID, resp.Header.Get("Location"))
	assert.Len(t, created.Estimate.Options, len(model.Catalog))
	resp, body = apiJSON(t, viewTok, "GET", ts.URL+"/api/v1/assessments", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Regexp(t, `"cluster":"[^"]+","pods":100,"services":\d+,"nodes":\d+,"recommended":"[a-z-]+","monthly_total":"\d+(\.\d{1,2})?","currency":"USD"`, string(body),
		"FinOps sees each assessment's verdict and its monthly cost, rounded to the cent")
	resp, _ = apiJSON(t, viewTok, "POST", ts.URL+"/api/v1/assessments", a)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "a viewer token cannot create")
	resp, body = apiJSON(t, viewTok, "GET", ts.URL+"/api/v1/assessments/"+created.ID, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), `"recommendation"`)

	proposal := web.ProposalDoc{AssessmentID: created.ID, Title: "Istio add-on for payments", Cluster: "prod-weu", Option: "istio-sidecar",
		Owner: "pipeline@example.com", Scope: []string{"payments"}, Rationale: "PCI asks for mTLS between all services",
		Evidence: []model.Check{{Name: "sidecars", Command: "kubectl get pods -n payments"}}, Rollback: []string{"az aks mesh disable -g rg -n prod-weu"},
		ReviewBy: "2099-01-31"}
	bad := proposal
	bad.Scope, bad.ReviewBy = []string{"Not_A_Namespace"}, "soon"
	resp, body = apiJSON(t, pipeTok, "POST", ts.URL+"/api/v1/records", bad)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	var problem web.Problem
	require.NoError(t, json.Unmarshal(body, &problem))
	var fields []string
	for _, e := range problem.Errors {
		fields = append(fields, e.Field)
	}
	assert.ElementsMatch(t, []string{"scope", "review_by"}, fields, "every field at once")
	resp, body = apiJSON(t, pipeTok, "POST", ts.URL+"/api/v1/records", map[string]any{"assessment_id": created.ID, "titel": "typo"})
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, string(body), `"field":"titel"`)

	resp, body = apiJSON(t, pipeTok, "POST", ts.URL+"/api/v1/records", proposal)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
	var rec web.RecordDoc
	require.NoError(t, json.Unmarshal(body, &rec))
	assert.Equal(t, model.StatusProposed, rec.Status)

	resp, body = apiJSON(t, pipeTok, "POST", ts.URL+"/api/v1/records/"+rec.ID+"/approve", map[string]string{"note": "me"})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "an architect token cannot approve")
	selfTok := storetest.AddToken(t, testStore, pipeline, model.RoleApprover)
	resp, body = apiJSON(t, selfTok, "POST", ts.URL+"/api/v1/records/"+rec.ID+"/approve", nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "four eyes, even with an approver token: %s", body)
	assert.Contains(t, string(body), "cannot approve it")
	resp, body = apiJSON(t, revTok, "POST", ts.URL+"/api/v1/records/"+rec.ID+"/reject", nil)
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "a rejection needs a reason: %s", body)

	resp, body = apiJSON(t, revTok, "POST", ts.URL+"/api/v1/records/"+rec.ID+"/approve", map[string]string{"note": "matches the PCI scope"})
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	resp, body = apiJSON(t, revTok, "POST", ts.URL+"/api/v1/records/"+rec.ID+"/approve", nil)
	assert.Equal(t, http.StatusConflict, resp.StatusCode)

	resp, body = apiJSON(t, viewTok, "GET", ts.URL+"/api/v1/records/"+rec.ID, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, json.Unmarshal(body, &rec))
	assert.Equal(t, model.StatusApproved, rec.Status)
	require.NotNil(t, rec.Verification)
	assert.True(t, rec.Verification.OK)
	assert.Equal(t, []string{"reviewer@example.com"}, rec.ApprovedBy)
	require.NotNil(t, rec.Estimate)
	require.Len(t, rec.History, 2)
	assert.Len(t, rec.History[1].Hash, 64)

	resp, body = apiJSON(t, viewTok, "GET", ts.URL+"/api/v1/records?q=PCI&status=approved", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var list struct {
		Records []web.RecordDoc `json:"records"`
		Total   int             `json:"total"`
	}
	require.NoError(t, json.Unmarshal(body, &list))
	assert.Equal(t, 1, list.Total, "found by a word of its rationale")
	resp, _ = apiJSON(t, viewTok, "GET", ts.URL+"/api/v1/records?sort=colour", nil)
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
}

// Found by the new-user walk: a price book in EUR re-priced USD records in
// EUR and subtracted across currencies. Records are re-priced in the
// currency they signed; with no other price changed, nothing differs.
func TestRepriceKeepsTheRecordsCurrency(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	arch, _ := storetest.AddUser(t, testStore, "arch@example.com", model.RoleArchitect)
	rev, _ := storetest.AddUser(t, testStore, "rev@example.com", model.RoleApprover)
	archTok, revTok := storetest.AddToken(t, testStore, arch, model.RoleArchitect), storetest.AddToken(t, testStore, rev, model.RoleApprover)
	resp, body := apiJSON(t, archTok, "POST", ts.URL+"/api/v1/assessments", model.DefaultAssessment())
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
	var created struct{ ID string }
	require.NoError(t, json.Unmarshal(body, &created))
	resp, body = apiJSON(t, archTok, "POST", ts.URL+"/api/v1/records", web.ProposalDoc{AssessmentID: created.ID, Title: "t", Cluster: "prod", Option: model.OptionIstioSidecar,
		Owner: "arch@example.com", Scope: []string{"payments"}, Rationale: "r", Evidence: []model.Check{{Name: "n", Command: "kubectl get pods"}},
		Rollback: []string{"az aks mesh disable -g rg -n prod"}, ReviewBy: "2099-01-01"})
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
	var rec web.RecordDoc
	require.NoError(t, json.Unmarshal(body, &rec))
	resp, _ = apiJSON(t, revTok, "POST", ts.URL+"/api/v1/records/"+rec.ID+"/approve", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)

	book := model.DefaultAssessment().Pricing
	book.Currency, book.ExchangeRate, book.ExchangeRateDate = "EUR", decimal.RequireFromString("0.92"), "2026-11-28"
	require.NoError(t, testStore.SetPrices(context.Background(), book, "finops@example.com"))
	resp, body = apiJSON(t, revTok, "GET", ts.URL+"/api/v1/portfolio?reprice=1", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var p model.Portfolio
	require.NoError(t, json.Unmarshal(body, &p))
	require.Len(t, p.Rows, 1)
	require.NotNil(t, p.Rows[0].Repriced)
	assert.Equal(t, "USD", p.Rows[0].Repriced.Currency)
	assert.True(t, p.Rows[0].Drift().IsZero(), "no price changed but the currency: %s", p.Rows[0].Drift())
}
