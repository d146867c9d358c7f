package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
	"meshwise/store/storetest"
)

// A pipeline proposes a record from a file and learns its ID; `record
// show` exits 4 until another person approves it, then 0.
func TestRecordCommand(t *testing.T) {
	ctx := context.Background()
	url := storetest.NewDatabase(t)
	srv := startServer(t, url, nil)
	st := storetest.OpenAt(t, url, storetest.NewSigningKey(t))
	pipeline, _ := storetest.AddUser(t, st, "pipeline@example.com", model.RoleArchitect)
	reviewer, _ := storetest.AddUser(t, st, "reviewer@example.com", model.RoleApprover)
	pipeTok, revTok := storetest.AddToken(t, st, pipeline, model.RoleArchitect), storetest.AddToken(t, st, reviewer, model.RoleApprover)

	body, _ := json.Marshal(model.DefaultAssessment())
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/assessments", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+pipeTok)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var created struct{ ID string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&created))
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)

	dir := t.TempDir()
	decision := map[string]any{"assessment_id": created.ID, "title": "Istio add-on for payments", "cluster": "prod", "option": "istio-sidecar",
		"owner": "pipeline@example.com", "scope": []string{"payments"}, "rationale": "mTLS mandate", "review_by": "2099-01-31",
		"evidence": []map[string]string{{"name": "sidecars", "command": "kubectl get pods -n payments"}}, "rollback": []string{"az aks mesh disable -g rg -n prod"}}
	file := filepath.Join(dir, "decision.json")
	raw, _ := json.Marshal(decision)
	require.NoError(t, os.WriteFile(file, raw, 0o600))
	env := envOf(map[string]string{"MESHWISE_URL": srv.URL, "MESHWISE_TOKEN": pipeTok})

	var out, errOut bytes.Buffer
	require.NoError(t, run(ctx, []string{"record", "propose", "-f", file}, env, &out, &errOut))
	id := strings.TrimSpace(out.String())
	require.Regexp(t, `^[0-9a-f-]{36}$`, id)

	out.Reset()
	err = run(ctx, []string{"record", "show", id}, env, &out, &errOut)
	assert.Equal(t, 4, exitCodeOf(t, err), "proposed, not yet approved")
	assert.Contains(t, out.String(), `"status": "proposed"`)

	req, _ = http.NewRequest("POST", srv.URL+"/api/v1/records/"+id+"/approve", strings.NewReader(`{"note":"fine"}`))
	req.Header.Set("Authorization", "Bearer "+revTok)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	out.Reset()
	require.NoError(t, run(ctx, []string{"record", "show", id}, env, &out, &errOut))
	assert.Contains(t, out.String(), `"status": "approved"`)

	delete(decision, "scope")
	decision["review_by"] = "tomorrow-ish"
	raw, _ = json.Marshal(decision)
	require.NoError(t, os.WriteFile(file, raw, 0o600))
	err = run(ctx, []string{"record", "propose", "-f", file}, env, &out, &errOut)
	assert.Equal(t, 2, exitCodeOf(t, err))
	assert.Contains(t, err.Error(), "scope:")
	assert.Contains(t, err.Error(), "review_by:")
	err = run(ctx, []string{"record", "propose", "-f", file}, envOf(map[string]string{"MESHWISE_URL": srv.URL}), &out, &errOut)
	assert.Equal(t, 2, exitCodeOf(t, err), "no token")
}
