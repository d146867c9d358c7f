package store_test

import (
	"context"
	"encoding/hex"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/ledger"
	"meshwise/model"
	"meshwise/store"
	"meshwise/store/storetest"
)

func person(id byte, role model.Role) model.Principal {
	return model.Principal{User: model.User{ID: "00000000-0000-4000-8000-0000000000" + hex.EncodeToString([]byte{id}), Email: "p" + hex.EncodeToString([]byte{id}) + "@example.com"}, Role: role}
}

var (
	architect = person(1, model.RoleArchitect)
	approverA = person(2, model.RoleApprover)
	approverB = person(3, model.RoleApprover)
	approverC = person(4, model.RoleApprover)
)

func propose(t testing.TB, st *store.Store, title string, quorum int) string {
	t.Helper()
	id, err := st.Propose(context.Background(), architect, model.DecisionRecord{Title: title, Option: "istio-sidecar", Quorum: quorum, Scope: []string{"payments"}})
	require.NoError(t, err)
	return id
}

// superConn connects as the database's superuser: what an attacker with
// full database rights would use.
func superConn(t testing.TB, st *store.Store) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, storetest.SuperuserURL(t, st))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(ctx) })
	return conn
}

func TestProposeDecideVerify(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	id := propose(t, st, "payments", 0)

	_, err := st.Decide(ctx, id, model.EventApproved, architect, "")
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err), "an architect cannot approve")
	_, err = st.Decide(ctx, id, model.EventRejected, person(1, model.RoleApprover), "")
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err), "four eyes: the proposer, even promoted, cannot reject")
	assert.Contains(t, model.ErrorMessage(err), "cannot reject it")

	after, err := st.Decide(ctx, id, model.EventApproved, approverA, "fine")
	require.NoError(t, err)
	assert.Equal(t, model.StatusApproved, after.Status)
	_, err = st.Decide(ctx, id, model.EventRejected, approverB, "too late")
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err))

	rec, rep, err := st.Record(ctx, id)
	require.NoError(t, err)
	assert.True(t, rep.OK, rep.Problem)
	assert.Equal(t, model.StatusApproved, rec.Status)
	require.Len(t, rec.History, 2)
	assert.Equal(t, "fine", rec.History[1].Note)

	list, integrity, err := st.Records(ctx)
	require.NoError(t, err)
	assert.True(t, integrity.OK)
	require.Len(t, list, 1)
	assert.Equal(t, model.StatusApproved, list[0].Status)

	full, err := st.VerifyLog(ctx)
	require.NoError(t, err)
	assert.True(t, full.OK, full.Problem)
	assert.Equal(t, int64(2), full.Entries)

	_, err = st.Decide(ctx, "00000000-0000-4000-8000-00000000ffff", model.EventApproved, approverA, "")
	assert.Equal(t, model.ENOTFOUND, model.ErrorCode(err))
}

// Every payload the store signs is RFC 8785 canonical: an outside JCS tool
// reproduces the signed bytes from the JSON value.
func TestSignedPayloadsAreJCS(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	id, err := st.Propose(ctx, architect, model.DecisionRecord{Title: "<b>ünïcode</b> \u2028 & more", Option: "istio-ambient", Scope: []string{"a"}})
	require.NoError(t, err)
	_, err = st.Decide(ctx, id, model.EventRejected, approverA, "no: <see> & more")
	require.NoError(t, err)
	b, err := st.Bundle(ctx)
	require.NoError(t, err)
	require.Len(t, b.Entries, 2)
	for i, raw := range b.Entries {
		env, err := ledger.OpenEnvelope(raw, ledger.KeyMap(b.Keys))
		require.NoError(t, err)
		assert.True(t, ledger.IsCanonical(env.Payload), "entry %d: %s", i, env.Payload)
	}
}

// A record may ask for N distinct approvers; only the Nth approval makes
// it approved, and an approver counts once.
func TestQuorum(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	id := propose(t, st, "two approvers", 2)
	after, err := st.Decide(ctx, id, model.EventApproved, approverA, "")
	require.NoError(t, err)
	assert.Equal(t, model.StatusProposed, after.Status)
	_, err = st.Decide(ctx, id, model.EventApproved, approverA, "")
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err))
	assert.Contains(t, model.ErrorMessage(err), "already approved")
	after, err = st.Decide(ctx, id, model.EventApproved, approverB, "")
	require.NoError(t, err)
	assert.Equal(t, model.StatusApproved, after.Status)
	rec, _, err := st.Record(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, model.StatusApproved, rec.Status)
	assert.Len(t, rec.Approvals, 2)
}

// 20 records × (approve ∥ reject ∥ approve) by three approvers through two
// replicas: each record ends with exactly one terminal event, the other
// requests get ECONFLICT, and the log verifies.
func TestConcurrentDecisionsHaveOneWinner(t *testing.T) {
	ctx := context.Background()
	url := storetest.NewDatabase(t)
	key := storetest.NewSigningKey(t)
	one, two := storetest.OpenAt(t, url, key), storetest.OpenAt(t, url, key)
	var ids []string
	for i := 0; i < 20; i++ {
		ids = append(ids, propose(t, one, "race", 0))
	}
	type result struct {
		id    string
		event string
		err   error
	}
	results := make(chan result, 60)
	var wg sync.WaitGroup
	for i, id := range ids {
		for k, d := range []struct {
			who   model.Principal
			event string
		}{{approverA, model.EventApproved}, {approverB, model.EventRejected}, {approverC, model.EventApproved}} {
			wg.Add(1)
			st := one
			if (i+k)%2 == 1 {
				st = two
			}
			go func() {
				defer wg.Done()
				_, err := st.Decide(ctx, id, d.event, d.who, "racing")
				results <- result{id, d.event, err}
			}()
		}
	}
	wg.Wait()
	close(results)
	wins := map[string]int{}
	for r := range results {
		if r.err == nil {
			wins[r.id]++
			continue
		}
		assert.Equal(t, model.ECONFLICT, model.ErrorCode(r.err), "%v", r.err)
	}
	for _, id := range ids {
		assert.Equal(t, 1, wins[id], "record %s", id)
		rec, rep, err := two.Record(ctx, id)
		require.NoError(t, err)
		assert.True(t, rep.OK, rep.Problem)
		terminal := 0
		for _, e := range rec.History {
			if e.Event != model.EventProposed {
				terminal++
			}
		}
		assert.Equal(t, 1, terminal, "record %s history %v", id, rec.History)
	}
	var rows int
	require.NoError(t, one.Pool().QueryRow(ctx, `SELECT count(*) FROM record_transitions`).Scan(&rows))
	assert.Equal(t, 20, rows)
	rep, err := one.VerifyLog(ctx)
	require.NoError(t, err)
	assert.True(t, rep.OK, rep.Problem)
	assert.Equal(t, int64(40), rep.Entries)
}

// Approving a record that supersedes another marks that one superseded in
// the same transaction.
func TestApproveAndSupersedeIsAtomic(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	first := propose(t, st, "v1", 0)
	_, err := st.Decide(ctx, first, model.EventApproved, approverA, "")
	require.NoError(t, err)
	_, err = st.Propose(ctx, architect, model.DecisionRecord{Title: "bad", Supersedes: propose(t, st, "not approved", 0)})
	assert.Equal(t, model.EINVALID, model.ErrorCode(err))
	second, err := st.Propose(ctx, architect, model.DecisionRecord{Title: "v2", Supersedes: first})
	require.NoError(t, err)
	_, err = st.Decide(ctx, second, model.EventApproved, approverB, "")
	require.NoError(t, err)
	old, _, err := st.Record(ctx, first)
	require.NoError(t, err)
	assert.Equal(t, model.StatusSuperseded, old.Status)
	approval, supersession := old.History[len(old.History)-1], int64(-1)
	rec, _, err := st.Record(ctx, second)
	require.NoError(t, err)
	supersession = rec.History[len(rec.History)-1].Seq
	assert.Equal(t, supersession+1, approval.Seq, "the approval and the supersession are consecutive entries")
	var batch int64
	require.NoError(t, st.Pool().QueryRow(ctx, `SELECT count(DISTINCT created_at) FROM log_entries WHERE seq IN ($1, $2)`, supersession, approval.Seq).Scan(&batch))
	assert.Equal(t, int64(1), batch, "written by one transaction")
}

func TestConcurrentAppendsNeverFork(t *testing.T) {
	ctx := context.Background()
	url := storetest.NewDatabase(t)
	key := storetest.NewSigningKey(t)
	stores := []*store.Store{storetest.OpenAt(t, url, key), storetest.OpenAt(t, url, key)}
	const writers, each = 16, 10
	stop := make(chan struct{})
	readerDone := make(chan struct{})
	go func() { // a page reading while two replicas append
		defer close(readerDone)
		for {
			select {
			case <-stop:
				return
			default:
			}
			_, integrity, err := stores[1].Records(ctx)
			if err != nil || !integrity.OK {
				t.Errorf("a reader during appends saw %v %+v", err, integrity)
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := stores[w%2].Propose(ctx, architect, model.DecisionRecord{Title: "w"}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-readerDone
	rep, err := stores[0].VerifyLog(ctx)
	require.NoError(t, err)
	assert.True(t, rep.OK, rep.Problem)
	assert.Equal(t, int64(writers*each), rep.Entries)
	list, integrity, err := stores[1].Records(ctx)
	require.NoError(t, err)
	assert.True(t, integrity.OK, integrity.Problem)
	assert.Len(t, list, writers*each)
}

func TestLogRefusesUpdateDeleteTruncate(t *testing.T) {
	st := storetest.Open(t)
	propose(t, st, "a", 0)
	ctx := context.Background()
	_, err := st.Decide(ctx, propose(t, st, "b", 0), model.EventRejected, approverA, "no")
	require.NoError(t, err)
	conn := superConn(t, st)
	for _, sql := range []string{
		`UPDATE log_entries SET event = 'approved' WHERE seq = 0`,
		`DELETE FROM log_entries WHERE seq = 1`,
		`TRUNCATE log_entries`,
		`DELETE FROM checkpoints`,
		`UPDATE log_hashes SET hash = '\x00'`,
		`DELETE FROM signing_keys`,
		`DELETE FROM record_transitions`,
	} {
		_, err := conn.Exec(ctx, sql)
		require.Error(t, err, sql)
		assert.Contains(t, err.Error(), "append-only", sql)
	}
	rep, err := st.VerifyLog(ctx)
	require.NoError(t, err)
	assert.True(t, rep.OK)
}

// An append that fails leaves nothing behind, and the next one links to
// the last entry that was kept.
func TestFailedAppendLeavesNothing(t *testing.T) {
	st := storetest.Open(t)
	for i := 0; i < 3; i++ {
		propose(t, st, "kept", 0)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := st.Propose(ctx, architect, model.DecisionRecord{Title: "cancelled"})
	require.Error(t, err)
	// Another replica with a key the log never introduced: refused before
	// anything is written.
	stray := storetest.OpenAt(t, st.Pool().Config().ConnString(), storetest.NewSigningKey(t))
	_, err = stray.Propose(context.Background(), architect, model.DecisionRecord{Title: "stray"})
	assert.Equal(t, model.EUNAVAILABLE, model.ErrorCode(err), "%v", err)
	rep, err := st.VerifyLog(context.Background())
	require.NoError(t, err)
	assert.True(t, rep.OK, rep.Problem)
	assert.Equal(t, int64(3), rep.Entries)
	propose(t, st, "after", 0)
	rep, err = st.VerifyLog(context.Background())
	require.NoError(t, err)
	assert.True(t, rep.OK, rep.Problem)
	assert.Equal(t, int64(4), rep.Entries)
}

// A rejection must say why; the reason is signed, and refusals name the
// action ("you cannot reject your own proposal").
func TestRejectionNeedsAReason(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	id := propose(t, st, "r", 0)
	_, err := st.Decide(ctx, id, model.EventRejected, approverA, "  ")
	require.Equal(t, model.EINVALID, model.ErrorCode(err))
	assert.Equal(t, "note", err.(*model.Error).Fields[0].Field)
	_, err = st.Decide(ctx, id, model.EventRejected, person(1, model.RoleApprover), "mine")
	assert.Contains(t, model.ErrorMessage(err), "You proposed this record, so you cannot reject it")
	after, err := st.Decide(ctx, id, model.EventRejected, approverA, "the latency budget is 2 ms")
	require.NoError(t, err)
	assert.Equal(t, model.StatusRejected, after.Status)
	rec, _, err := st.Record(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "the latency budget is 2 ms", rec.History[1].Note)
}

// A record page reads the estimate from the signed bytes for itself; the
// index the lists read keeps none (memory stays flat with the archive).
func TestRecordPageDoesNotFillTheIndex(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	est, err := model.Compute(model.DefaultAssessment())
	require.NoError(t, err)
	id, err := st.Propose(ctx, architect, model.DecisionRecord{Title: "with estimate", Option: model.OptionIstioSidecar, Estimate: &est})
	require.NoError(t, err)
	rec, _, err := st.Record(ctx, id)
	require.NoError(t, err)
	require.NotNil(t, rec.Record.Estimate, "the page gets the estimate as signed")
	list, _, err := st.Records(ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Nil(t, list[0].Record.Estimate)
	assert.Nil(t, list[0].History[0].Record, "the index holds no estimate after a page view")
}
