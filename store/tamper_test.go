package store_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"

	"meshwise/ledger"
	"meshwise/model"
	"meshwise/store"
	"meshwise/store/storetest"
)

// tamperLog builds the log every tamper case starts from: R1 proposed and
// rejected (entries 0, 1), R2 proposed and approved (2, 3), R3 proposed (4).
func tamperLog(t *testing.T) (st *store.Store, url string, key ledger.SigningKey, r1, r2, r3 string) {
	t.Helper()
	ctx := context.Background()
	url, key = storetest.NewDatabase(t), storetest.NewSigningKey(t)
	st = storetest.OpenAt(t, url, key)
	r1 = propose(t, st, "R1", 0)
	_, err := st.Decide(ctx, r1, model.EventRejected, approverA, "no")
	require.NoError(t, err)
	r2 = propose(t, st, "R2", 0)
	_, err = st.Decide(ctx, r2, model.EventApproved, approverA, "yes")
	require.NoError(t, err)
	r3 = propose(t, st, "R3", 0)
	// The running server has read and verified all of it already.
	_, integrity, err := st.Records(ctx)
	require.NoError(t, err)
	require.True(t, integrity.OK)
	return st, url, key, r1, r2, r3
}

// forgedApproval appends, as an attacker with the database but not the
// signing key, an approval of record r signed by their own key, which they
// also slip into the keys table.
func forgedApproval(t *testing.T, st *store.Store, r string) string {
	ctx := context.Background()
	attacker := storetest.NewSigningKey(t)
	conn := superConn(t, st)
	var prev []byte
	require.NoError(t, conn.QueryRow(ctx, `SELECT leaf_hash FROM log_entries WHERE seq = 4`).Scan(&prev))
	payload, err := ledger.Canonical(model.LogEntry{Seq: 5, Prev: hex.EncodeToString(prev), Time: "2026-11-29T10:00:00.000000Z",
		Event: model.EventApproved, RecordID: r, Actor: model.Actor{ID: approverB.User.ID, Email: approverB.User.Email, Role: model.RoleApprover}})
	require.NoError(t, err)
	env, err := attacker.Seal(payload)
	require.NoError(t, err)
	leaf := ledger.LeafHash(env)
	pub := attacker.Public()
	_, err = conn.Exec(ctx, `INSERT INTO signing_keys (key_id, public_key) VALUES ($1, $2)`, pub.ID, pub.Key)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `INSERT INTO log_entries (seq, envelope, payload, leaf_hash, record_id, event, key_id, created_at)
		VALUES (5, $1, $2, $3, $4, 'approved', $5, now())`, env, payload, leaf[:], r, attacker.ID)
	require.NoError(t, err)
	return attacker.ID
}

// A database superuser with the append-only triggers switched off changes
// what is stored. Each change is named by /archive/verify's check, by the
// exported bundle verified offline, and no page shows the forged state:
// the running server and a fresh replica both answer with an integrity
// failure, and refuse to sign anything more.
func TestTamperSuite(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		tamper   func(t *testing.T, st *store.Store, r1, r3 string) string // SQL run with triggers off; "" if done
		firstBad int64
		want     string
		record   func(r1, r2, r3 string) string // a record whose page must show the failure
	}{
		{"jsonb copy says approved", func(*testing.T, *store.Store, string, string) string {
			return `UPDATE log_entries SET payload = jsonb_set(payload, '{event}', '"approved"') WHERE seq = 1`
		}, 1, "entry 1: its stored JSON copy differs from the signed payload", func(r1, _, _ string) string { return r1 }},
		{"event column says approved", func(*testing.T, *store.Store, string, string) string {
			return `UPDATE log_entries SET event = 'approved' WHERE seq = 1`
		}, 1, `entry 1: the stored event column says "approved" but the signed entry says "rejected"`, func(r1, _, _ string) string { return r1 }},
		{"record_id column moves a rejection", func(_ *testing.T, _ *store.Store, _, r3 string) string {
			return fmt.Sprintf(`UPDATE log_entries SET record_id = '%s' WHERE seq = 1`, r3)
		}, 1, "entry 1: the stored record_id column says", func(r1, _, _ string) string { return r1 }},
		{"seq renumbered", func(*testing.T, *store.Store, string, string) string {
			return `UPDATE log_entries SET seq = seq + 10`
		}, 0, "entry 0 is missing: the row at position 0 is stored as seq 10", func(r1, _, _ string) string { return r1 }},
		{"stored Merkle hash on the right edge corrupted", func(*testing.T, *store.Store, string, string) string {
			return fmt.Sprintf(`UPDATE log_hashes SET hash = '\x%s' WHERE idx = %d`, hex.EncodeToString(bytes.Repeat([]byte{7}, 32)), tlog.StoredHashIndex(0, 4))
		}, 4, "entry 4: stored Merkle hash 7 does not match the entries", func(_, _, r3 string) string { return r3 }},
		{"forged key row and an approval signed with it", func(t *testing.T, st *store.Store, _, r3 string) string {
			id := forgedApproval(t, st, r3)
			_ = id
			return ""
		}, 5, "entry 5: signed by key", func(_, _, r3 string) string { return r3 }},
		{"middle entry deleted", func(*testing.T, *store.Store, string, string) string {
			return `DELETE FROM log_entries WHERE seq = 2`
		}, 2, "entry 2 is missing", func(_, r2, _ string) string { return r2 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, url, key, r1, r2, r3 := tamperLog(t)
			if sql := tt.tamper(t, st, r1, r3); sql != "" {
				_, err := superConn(t, st).Exec(ctx, `SET session_replication_role = replica; `+sql)
				require.NoError(t, err)
			}

			// The whole-log check (the page and GET /api/v1/verify).
			rep, err := storetest.OpenAt(t, url, key).VerifyLog(ctx)
			require.NoError(t, err)
			assert.False(t, rep.OK)
			assert.Equal(t, tt.firstBad, rep.FirstBad, rep.Problem)
			assert.Contains(t, rep.Problem, tt.want)

			// Offline: the exported bundle, with the key pinned.
			var buf bytes.Buffer
			require.NoError(t, st.ExportBundle(ctx, &buf))
			off, _, err := ledger.VerifyBundle(&buf, nil, ledger.KeyMap([]ledger.PublicKey{key.Public()}))
			require.NoError(t, err)
			assert.False(t, off.OK, "offline verify must fail")
			assert.Equal(t, tt.firstBad, off.FirstBad, off.Problem)

			// Pages: the server that was running, and a replica started after.
			for name, s := range map[string]*store.Store{"running": st, "fresh": storetest.OpenAt(t, url, key)} {
				rec, recRep, err := s.Record(ctx, tt.record(r1, r2, r3))
				require.NoError(t, err, name)
				assert.False(t, recRep.OK, "%s: the record page must show a failure", name)
				assert.Equal(t, model.StatusIntegrityFailure, rec.Status, name)
				list, integrity, err := s.Records(ctx)
				require.NoError(t, err, name)
				assert.False(t, integrity.OK, name)
				for _, r := range list {
					assert.Equal(t, model.StatusIntegrityFailure, r.Status, "%s: %s", name, r.Record.Title)
				}
				_, err = s.Decide(ctx, r3, model.EventApproved, approverC, "")
				assert.Equal(t, model.EUNAVAILABLE, model.ErrorCode(err), "%s: nothing is signed over a broken log: %v", name, err)
			}
			_, failures := st.LogStats()
			assert.Positive(t, failures)
		})
	}
}

// A stored Merkle hash off the tree's right edge is no input to the next
// root, so appends go on, signing the true root; the whole-log check and
// offline verification name the entry that wrote the hash.
func TestCorruptedInnerHashIsNamed(t *testing.T) {
	ctx := context.Background()
	st, url, key, _, _, _ := tamperLog(t)
	_, err := superConn(t, st).Exec(ctx, `SET session_replication_role = replica; UPDATE log_hashes SET hash = '\x`+hex.EncodeToString(make([]byte, 32))+`' WHERE idx = 1`)
	require.NoError(t, err)
	rep, err := storetest.OpenAt(t, url, key).VerifyLog(ctx)
	require.NoError(t, err)
	assert.False(t, rep.OK)
	assert.Equal(t, int64(1), rep.FirstBad)
	assert.Contains(t, rep.Problem, "entry 1: stored Merkle hash 1 does not match")
	var buf bytes.Buffer
	require.NoError(t, st.ExportBundle(ctx, &buf))
	off, _, err := ledger.VerifyBundle(&buf, nil, nil)
	require.NoError(t, err)
	assert.False(t, off.OK)
	assert.Equal(t, "entry 1: the Merkle hashes stored with it do not match the entries", off.Problem)
}

// Found by the attack review: the newest entry removed while its
// checkpoint stays, and a record_transitions row forged to block a
// decision. Both are named; appends answer 503, never 500.
func TestRemovedHeadAndForgedTransitionAreNamed(t *testing.T) {
	ctx := context.Background()
	t.Run("newest entry removed, checkpoint kept", func(t *testing.T) {
		st, url, key, _, _, r3 := tamperLog(t)
		_, err := superConn(t, st).Exec(ctx, `SET session_replication_role = replica;
			DELETE FROM log_entries WHERE seq = 4; DELETE FROM log_hashes WHERE idx >= `+fmt.Sprint(tlog.StoredHashIndex(0, 4)))
		require.NoError(t, err)
		fresh := storetest.OpenAt(t, url, key)
		_, integrity, err := fresh.Records(ctx)
		require.NoError(t, err)
		assert.False(t, integrity.OK)
		assert.Contains(t, integrity.Problem, "a signed checkpoint covers 5 entries but the log holds 4")
		_, err = fresh.Propose(ctx, architect, model.DecisionRecord{Title: "after"})
		assert.Equal(t, model.EUNAVAILABLE, model.ErrorCode(err), "%v", err)
		_, err = st.Decide(ctx, r3, model.EventApproved, approverB, "")
		assert.Equal(t, model.EUNAVAILABLE, model.ErrorCode(err), "the running server too: %v", err)
	})
	t.Run("forged record_transitions row", func(t *testing.T) {
		st, url, key, _, _, r3 := tamperLog(t)
		_, err := superConn(t, st).Exec(ctx, `INSERT INTO record_transitions VALUES ($1, 'decided', 9999)`, r3)
		require.NoError(t, err)
		rep, err := storetest.OpenAt(t, url, key).VerifyLog(ctx)
		require.NoError(t, err)
		assert.False(t, rep.OK)
		assert.Contains(t, rep.Problem, "record_transitions holds a \"decided\" row for record "+r3)
	})
}

// A drift report carrying a NUL (from a crafted upload) is refused before
// anything is signed, not a 500 from PostgreSQL.
func TestNULInAPayloadIsRefused(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	id := propose(t, st, "r", 0)
	_, err := st.RecordCheck(ctx, id, architect, model.DriftReport{RecordID: id, Findings: []model.Finding{{Namespace: "evil\x00ns"}}})
	assert.Equal(t, model.EINVALID, model.ErrorCode(err), "%v", err)
	rep, err := st.VerifyLog(ctx)
	require.NoError(t, err)
	assert.True(t, rep.OK)
	assert.Equal(t, int64(1), rep.Entries)
}

// Two records superseding one: the second final approval is refused.
func TestOneRecordIsSupersededOnce(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	a := propose(t, st, "A", 0)
	_, err := st.Decide(ctx, a, model.EventApproved, approverA, "")
	require.NoError(t, err)
	b, err := st.Propose(ctx, architect, model.DecisionRecord{Title: "B", Supersedes: a})
	require.NoError(t, err)
	c, err := st.Propose(ctx, architect, model.DecisionRecord{Title: "C", Supersedes: a})
	require.NoError(t, err)
	_, err = st.Decide(ctx, b, model.EventApproved, approverA, "")
	require.NoError(t, err)
	_, err = st.Decide(ctx, c, model.EventApproved, approverB, "")
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err))
	assert.Contains(t, model.ErrorMessage(err), "no longer approved")
}

// Found by the attack review: a row changed under a running server showed
// on lists only once its record was opened. The background check stops the
// index within its interval.
func TestBackgroundVerificationStopsTheIndex(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, _, _, _, _, _ := tamperLog(t)
	_, err := superConn(t, st).Exec(ctx, `SET session_replication_role = replica; UPDATE log_entries SET payload = jsonb_set(payload, '{record,title}', '"FORGED"') WHERE seq = 0`)
	require.NoError(t, err)
	_, integrity, err := st.Records(ctx)
	require.NoError(t, err)
	require.True(t, integrity.OK, "the list reads the verified index, which the change did not touch")
	go st.WatchIntegrity(ctx, 50*time.Millisecond)
	require.Eventually(t, func() bool {
		_, integrity, err := st.Records(ctx)
		return err == nil && !integrity.OK
	}, 10*time.Second, 50*time.Millisecond)
}
