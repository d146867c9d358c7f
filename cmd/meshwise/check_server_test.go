package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
	"meshwise/store/storetest"
)

// The drift guard against a running server: a record approves Istio
// ambient for namespaces a and b; a pod list with sidecars in c exits 4
// naming c and the option mismatch, and --sign writes the findings into
// the record's history as a signed "checked" entry, which verifies offline
// and shows on the record.
func TestCheckAgainstTheServerIsSigned(t *testing.T) {
	ctx := context.Background()
	url := storetest.NewDatabase(t)
	srv := startServer(t, url, nil)
	st := storetest.OpenAt(t, url, storetest.NewSigningKey(t))
	arch, _ := storetest.AddUser(t, st, "arch@example.com", model.RoleArchitect)
	rev, _ := storetest.AddUser(t, st, "rev@example.com", model.RoleApprover)
	archTok, revTok := storetest.AddToken(t, st, arch, model.RoleArchitect), storetest.AddToken(t, st, rev, model.RoleApprover)
	viewTok := storetest.AddToken(t, st, rev, model.RoleViewer)

	call := func(token, method, path string, body any, out any) int {
		var r io.Reader = http.NoBody
		if body != nil {
			b, _ := json.Marshal(body)
			r = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, srv.URL+path, r)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if out != nil {
			require.NoError(t, json.Unmarshal(raw, out), string(raw))
		}
		return resp.StatusCode
	}
	a := model.DefaultAssessment()
	a.Pods, a.Nodes, a.Namespaces = 10, 3, 2
	var created struct{ ID string }
	require.Equal(t, http.StatusCreated, call(archTok, "POST", "/api/v1/assessments", a, &created))
	var rec struct{ ID string }
	require.Equal(t, http.StatusCreated, call(archTok, "POST", "/api/v1/records", map[string]any{"assessment_id": created.ID, "title": "ambient for a and b",
		"cluster": "prod", "option": model.OptionIstioAmbient, "owner": "arch@example.com", "scope": []string{"a", "b"}, "rationale": "L4 mTLS",
		"evidence": []map[string]string{{"name": "ztunnel", "command": "kubectl get pods -n istio-system"}}, "rollback": []string{"helm uninstall ztunnel -n istio-system"},
		"review_by": time.Now().AddDate(1, 0, 0).Format("2006-01-02")}, &rec))
	require.Equal(t, http.StatusOK, call(revTok, "POST", "/api/v1/records/"+rec.ID+"/approve", map[string]string{"note": "ok"}, nil))

	sidecarInC := `{"kind":"Pod","metadata":{"name":"rogue","namespace":"c","uid":"c1"},"spec":{"initContainers":[{"name":"istio-init"}],"containers":[{"name":"app"},{"name":"istio-proxy","resources":{"requests":{"cpu":"100m","memory":"128Mi"}}}]},"status":{"phase":"Running"}}`
	env := envOf(map[string]string{"MESHWISE_URL": srv.URL, "MESHWISE_TOKEN": archTok})
	var out, errOut bytes.Buffer
	err := run(ctx, []string{"check", "--record", rec.ID, "--pods", podsFile(t)}, env, &out, &errOut)
	require.NoError(t, err, "%s %s", out.String(), errOut.String())
	assert.Contains(t, out.String(), "clean")

	out.Reset()
	err = run(ctx, []string{"check", "--record", rec.ID, "--pods", podsFile(t, sidecarInC), "--sign"}, env, &out, &errOut)
	assert.Equal(t, 4, exitCodeOf(t, err))
	assert.Contains(t, out.String(), "namespace c runs istio-sidecar (1 meshed pods) but is outside the approved scope (a, b)")
	assert.Contains(t, out.String(), "but the decision chose istio-ambient")
	assert.Contains(t, errOut.String(), "signed into record "+rec.ID)

	viewEnv := envOf(map[string]string{"MESHWISE_URL": srv.URL, "MESHWISE_TOKEN": viewTok})
	err = run(ctx, []string{"check", "--record", rec.ID, "--pods", podsFile(t), "--sign"}, viewEnv, &out, &errOut)
	assert.Equal(t, 1, exitCodeOf(t, err), "a viewer token cannot sign a check: %v", err)
	assert.Contains(t, err.Error(), "403")

	var got struct {
		LastCheck struct {
			Report model.DriftReport `json:"report"`
		} `json:"last_check"`
	}
	require.Equal(t, http.StatusOK, call(viewTok, "GET", "/api/v1/records/"+rec.ID, nil, &got))
	assert.False(t, got.LastCheck.Report.Clean)
	assert.Len(t, got.LastCheck.Report.Findings, 2)

	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/export", nil)
	req.Header.Set("Authorization", "Bearer "+viewTok)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	bundle, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(bundle), `"event":"checked"`)
	path := filepath.Join(t.TempDir(), "bundle.json")
	require.NoError(t, os.WriteFile(path, bundle, 0o600))
	out.Reset()
	require.NoError(t, run(ctx, []string{"verify", path}, env, &out, &errOut))
	assert.True(t, strings.HasPrefix(out.String(), "verified: 3 entries"), out.String())
}
