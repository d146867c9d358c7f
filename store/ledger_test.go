package store_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
	"meshwise/store"
	"meshwise/store/storetest"
)

func newKey(t testing.TB) model.SigningKey {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	return model.NewSigningKey(priv)
}

func appendN(t testing.TB, st *store.Store, key model.SigningKey, n int) {
	ctx := context.Background()
	_, _, err := st.RegisterKey(ctx, key.Public())
	require.NoError(t, err)
	for i := 0; i < n; i++ {
		_, err := st.Append(ctx, key, model.LogEntry{Event: model.EventProposed, RecordID: "6f1c1a3e-1b7e-4c41-9a51-0d5c9a5b0d11", Note: "entry"}, time.Now())
		require.NoError(t, err)
	}
}

func TestLogAppendsVerify(t *testing.T) {
	st := storetest.Open(t)
	key := newKey(t)
	appendN(t, st, key, 5)
	rep, err := st.VerifyLog(context.Background())
	require.NoError(t, err)
	assert.True(t, rep.OK, rep.Problem)
	assert.Equal(t, int64(5), rep.Entries)
	assert.Equal(t, 1, rep.Checkpoints)

	entries, err := st.LogEntries(context.Background(), "")
	require.NoError(t, err)
	require.Len(t, entries, 5)
	assert.Equal(t, int64(4), entries[4].Seq)
	assert.NotEmpty(t, entries[4].Prev)
	ts, err := time.Parse(time.RFC3339Nano, entries[0].Time)
	require.NoError(t, err)
	assert.Equal(t, ts, ts.Truncate(time.Microsecond), "hashed at the precision stored")
}

// 32 writers appending 50 entries each, through separate connections,
// leave one linear chain that verifies.
func TestConcurrentAppendsNeverFork(t *testing.T) {
	ctx := context.Background()
	url := storetest.NewDatabase(t)
	key := newKey(t)
	first, err := store.Open(ctx, url, store.Options{})
	require.NoError(t, err)
	defer first.Close()
	_, err = first.Migrate(ctx)
	require.NoError(t, err)
	_, _, err = first.RegisterKey(ctx, key.Public())
	require.NoError(t, err)

	const writers, each = 32, 50
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := store.Open(ctx, url, store.Options{MaxConns: 1})
			if err != nil {
				errs <- err
				return
			}
			defer st.Close()
			for i := 0; i < each; i++ {
				if _, err := st.Append(ctx, key, model.LogEntry{Event: model.EventProposed, RecordID: "6f1c1a3e-1b7e-4c41-9a51-0d5c9a5b0d11"}, time.Now()); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	rep, err := first.VerifyLog(ctx)
	require.NoError(t, err)
	assert.True(t, rep.OK, rep.Problem)
	assert.Equal(t, int64(writers*each), rep.Entries)
}

func TestLogRefusesUpdateDeleteTruncate(t *testing.T) {
	st := storetest.Open(t)
	appendN(t, st, newKey(t), 2)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, storetest.SuperuserURL(t, st))
	require.NoError(t, err)
	defer conn.Close(ctx)
	for _, sql := range []string{
		`UPDATE log_entries SET event = 'approved' WHERE seq = 0`,
		`DELETE FROM log_entries WHERE seq = 1`,
		`TRUNCATE log_entries`,
		`DELETE FROM checkpoints`,
		`UPDATE log_hashes SET hash = '\x00'`,
		`DELETE FROM signing_keys`,
	} {
		_, err := conn.Exec(ctx, sql)
		require.Error(t, err, sql)
		assert.Contains(t, err.Error(), "append-only", sql)
	}
	rep, err := st.VerifyLog(ctx)
	require.NoError(t, err)
	assert.True(t, rep.OK)
	var grants int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM information_schema.role_table_grants
		WHERE grantee = 'meshwise_app' AND table_name = 'log_entries' AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')`).Scan(&grants))
	assert.Zero(t, grants, "the application role can only INSERT and SELECT the log")
}

// A superuser who switches the triggers off can change rows, but not
// without the verification naming the entry.
func TestSuperuserTamperingIsCaught(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, sql, want string
		firstBad        int64
	}{
		{"flipped bit in an envelope", `UPDATE log_entries SET envelope = overlay(envelope placing '\x41'::bytea from 60 for 1) WHERE seq = 2`, "entry 2:", 2},
		{"deleted entry", `DELETE FROM log_entries WHERE seq = 1`, "entry 1 is missing", 1},
		{"reordered pair", `UPDATE log_entries SET seq = CASE seq WHEN 3 THEN 103 ELSE 3 END WHERE seq IN (3, 4);
			UPDATE log_entries SET seq = 4 WHERE seq = 103`, "entry 3 is missing: the entry at position 3 says it is 4", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := storetest.Open(t)
			appendN(t, st, newKey(t), 6)
			conn, err := pgx.Connect(ctx, storetest.SuperuserURL(t, st))
			require.NoError(t, err)
			defer conn.Close(ctx)
			_, err = conn.Exec(ctx, `SET session_replication_role = replica; `+tt.sql)
			require.NoError(t, err)
			rep, err := st.VerifyLog(ctx)
			require.NoError(t, err)
			assert.False(t, rep.OK)
			assert.Equal(t, tt.firstBad, rep.FirstBad)
			assert.Contains(t, rep.Problem, tt.want)
		})
	}

	// A forged entry inserted in the middle under the attacker's own key,
	// registered in the keys table: no entry ever introduced that key.
	st := storetest.Open(t)
	key := newKey(t)
	appendN(t, st, key, 6)
	attacker := newKey(t)
	_, _, err := st.RegisterKey(ctx, attacker.Public())
	require.NoError(t, err)
	entries, err := st.LogEntries(ctx, "")
	require.NoError(t, err)
	forged := model.LogEntry{Seq: 3, Prev: entries[3].Prev, Time: entries[3].Time, Event: model.EventApproved, RecordID: entries[3].RecordID}
	payload, _ := json.Marshal(forged)
	env, err := attacker.Seal(payload)
	require.NoError(t, err)
	leaf := model.LeafHash(env)
	conn, err := pgx.Connect(ctx, storetest.SuperuserURL(t, st))
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `SET session_replication_role = replica;
		UPDATE log_entries SET seq = seq + 100 WHERE seq >= 3;
		UPDATE log_entries SET seq = seq - 99 WHERE seq >= 100`)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `INSERT INTO log_entries (seq, envelope, payload, leaf_hash, record_id, event, key_id, created_at)
		VALUES (3, $1, $2, $3, $4, 'approved', $5, now())`, env, payload, leaf[:], forged.RecordID, attacker.ID)
	require.NoError(t, err)
	rep, err := st.VerifyLog(ctx)
	require.NoError(t, err)
	assert.False(t, rep.OK)
	assert.Equal(t, int64(3), rep.FirstBad)
	assert.Equal(t, "entry 3: signed by key "+attacker.ID+", which no earlier entry introduced", rep.Problem)

	// The same attacker appending at the end, through the application even,
	// with their key in the keys table: the key was never introduced.
	st2 := storetest.Open(t)
	appendN(t, st2, newKey(t), 2)
	_, _, err = st2.RegisterKey(ctx, attacker.Public())
	require.NoError(t, err)
	_, err = st2.Append(ctx, attacker, model.LogEntry{Event: model.EventApproved}, time.Now())
	require.NoError(t, err)
	rep, err = st2.VerifyLog(ctx)
	require.NoError(t, err)
	assert.False(t, rep.OK)
	assert.Equal(t, int64(2), rep.FirstBad)
}

// An append is one transaction: if it fails after signing, nothing of it
// is left behind.
func TestFailedAppendLeavesNothing(t *testing.T) {
	st := storetest.Open(t)
	key := newKey(t)
	appendN(t, st, key, 3)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the "crash": the transaction dies before it can commit
	_, err := st.Append(ctx, key, model.LogEntry{Event: model.EventProposed}, time.Now())
	require.Error(t, err)
	// An unregistered key violates the foreign key at the entry's insert,
	// after the hashes were written and the checkpoint signed.
	_, err = st.Append(context.Background(), newKey(t), model.LogEntry{Event: model.EventProposed}, time.Now())
	require.Error(t, err)
	rep, err := st.VerifyLog(context.Background())
	require.NoError(t, err)
	assert.True(t, rep.OK, rep.Problem)
	assert.Equal(t, int64(3), rep.Entries)
	appendN(t, st, key, 1)
	rep, err = st.VerifyLog(context.Background())
	require.NoError(t, err)
	assert.True(t, rep.OK, rep.Problem)
	assert.Equal(t, int64(4), rep.Entries)
}

func TestVerifyRecordChecksOnlyItsEntries(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	appendN(t, st, newKey(t), 3) // all three belong to one record
	const rid = "6f1c1a3e-1b7e-4c41-9a51-0d5c9a5b0d11"
	rep, err := st.VerifyRecord(ctx, rid)
	require.NoError(t, err)
	assert.True(t, rep.OK, rep.Problem)
	assert.Equal(t, int64(3), rep.Entries)

	conn, err := pgx.Connect(ctx, storetest.SuperuserURL(t, st))
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `SET session_replication_role = replica;
		UPDATE log_entries SET envelope = overlay(envelope placing '\x41'::bytea from 60 for 1) WHERE seq = 1`)
	require.NoError(t, err)
	rep, err = st.VerifyRecord(ctx, rid)
	require.NoError(t, err)
	assert.False(t, rep.OK)
	assert.Equal(t, int64(1), rep.FirstBad)
}
