package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/internal/credential"
	"meshwise/model"
	"meshwise/store"
	"meshwise/store/storetest"
)

// cachedReplicas opens two stores on one database, each with its own pool,
// credential cache and LISTEN connection: two replicas.
func cachedReplicas(t *testing.T, ttl time.Duration) (a, b *store.Store, db storetest.Database) {
	t.Helper()
	db = storetest.New(t)
	key := storetest.NewSigningKey(t)
	a = storetest.OpenWith(t, db.Owner, store.Options{Signer: key, CredentialTTL: ttl})
	b = storetest.OpenWith(t, db.Owner, store.Options{Signer: key, CredentialTTL: ttl})
	for _, st := range []*store.Store{a, b} {
		require.Eventually(t, st.CredentialCacheLive, 5*time.Second, 10*time.Millisecond, "LISTEN is up")
	}
	return a, b, db
}

// within polls cond every 10 ms and reports whether it held within d.
func within(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

func hits(st *store.Store) int64   { h, _, _ := st.CredentialCacheStats(); return h }
func misses(st *store.Store) int64 { _, m, _ := st.CredentialCacheStats(); return m }

// A change on one replica reaches the other's cache within a second, while
// the other kept answering from memory until then.
func TestCredentialChangesReachTheOtherReplica(t *testing.T) {
	ctx := context.Background()
	a, b, db := cachedReplicas(t, time.Minute) // the TTL cannot be what ends them
	u, _ := storetest.AddUser(t, a, "rep@example.com", model.RoleAdmin)
	secret := storetest.AddToken(t, a, u, model.RoleAdmin)
	hash := credential.HashToken(secret)

	_, _, err := b.UseToken(ctx, hash)
	require.NoError(t, err)
	before := hits(b)
	_, got, err := b.UseToken(ctx, hash)
	require.NoError(t, err)
	assert.Equal(t, before+1, hits(b), "the second use is answered from memory")
	assert.Equal(t, model.RoleAdmin, got.Role)
	_, err = b.UserByID(ctx, u.ID)
	require.NoError(t, err)

	t.Run("role change", func(t *testing.T) {
		require.NoError(t, a.SetRole(ctx, u.ID, model.RoleViewer))
		assert.True(t, within(time.Second, func() bool {
			got, err := b.UserByID(ctx, u.ID)
			return err == nil && got.Role == model.RoleViewer
		}), "the demotion reaches replica b within 1 s")
		_, owner, err := b.UseToken(ctx, hash)
		require.NoError(t, err)
		assert.Equal(t, model.RoleViewer, owner.Role, "the token's owner is re-read too")
	})
	t.Run("password change", func(t *testing.T) {
		old, err := b.UserByID(ctx, u.ID)
		require.NoError(t, err)
		epoch, err := a.SetPassword(ctx, u.ID, credential.HashPassword("a new long password"))
		require.NoError(t, err)
		require.NotEqual(t, old.SessionEpoch, epoch)
		assert.True(t, within(time.Second, func() bool {
			got, err := b.UserByID(ctx, u.ID)
			return err == nil && got.SessionEpoch == epoch
		}), "the new session epoch reaches replica b within 1 s")
	})
	t.Run("token revoked", func(t *testing.T) {
		tokens, err := a.ListTokens(ctx, u.ID)
		require.NoError(t, err)
		require.NoError(t, a.RevokeToken(ctx, u.ID, tokens[0].ID))
		_, _, err = a.UseToken(ctx, hash)
		assert.Equal(t, model.ENOTFOUND, model.ErrorCode(err), "refused at once where it was revoked")
		assert.True(t, within(time.Second, func() bool {
			_, _, err := b.UseToken(ctx, hash)
			return model.ErrorCode(err) == model.ENOTFOUND
		}), "refused by replica b within 1 s")
	})
	t.Run("sign-out", func(t *testing.T) {
		token, expiry := "session-token-for-replicas", time.Now().Add(time.Hour).UTC()
		require.NoError(t, a.Sessions().CommitCtx(ctx, token, []byte("data"), expiry))
		_, found, err := b.Sessions().FindCtx(ctx, token)
		require.NoError(t, err)
		require.True(t, found)
		require.NoError(t, a.Sessions().DeleteCtx(ctx, token))
		assert.True(t, within(time.Second, func() bool {
			_, found, err := b.Sessions().FindCtx(ctx, token)
			return err == nil && !found
		}), "the session is over on replica b within 1 s")
	})
	t.Run("disabled by an operator in SQL", func(t *testing.T) {
		v, _ := storetest.AddUser(t, a, "ops@example.com", model.RoleArchitect)
		_, err := b.UserByID(ctx, v.ID)
		require.NoError(t, err)
		owner, err := pgx.Connect(ctx, db.Owner)
		require.NoError(t, err)
		defer owner.Close(ctx)
		_, err = owner.Exec(ctx, `UPDATE users SET disabled = true WHERE id = $1`, v.ID)
		require.NoError(t, err)
		assert.True(t, within(time.Second, func() bool {
			got, err := b.UserByID(ctx, v.ID)
			return err == nil && got.Disabled
		}), "a plain UPDATE notifies too (the trigger)")
	})
}

// revokeSilently revokes a token as the superuser with triggers off: a
// change whose notice is lost.
func revokeSilently(t *testing.T, db storetest.Database, secret string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db.Superuser)
	require.NoError(t, err)
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `SET LOCAL session_replication_role = replica`)
	require.NoError(t, err)
	tag, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE token_hash = $1`, credential.HashToken(secret))
	require.NoError(t, err)
	require.EqualValues(t, 1, tag.RowsAffected())
	require.NoError(t, tx.Commit(ctx))
}

// Losing the LISTEN connection flushes the cache and sends every lookup to
// the database until it is back; then the cache answers again.
func TestCredentialCacheFlushedWhenListenIsLost(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	st := storetest.OpenWith(t, db.Owner, store.Options{Signer: storetest.NewSigningKey(t), CredentialTTL: time.Minute, ListenRetry: 2 * time.Second})
	require.Eventually(t, st.CredentialCacheLive, 5*time.Second, 10*time.Millisecond)
	u, _ := storetest.AddUser(t, st, "flush@example.com", model.RoleViewer)
	revoked, kept := storetest.AddToken(t, st, u, model.RoleViewer), storetest.AddToken(t, st, u, model.RoleViewer)
	for _, secret := range []string{revoked, kept} {
		_, _, err := st.UseToken(ctx, credential.HashToken(secret))
		require.NoError(t, err)
	}

	revokeSilently(t, db, revoked)
	_, _, err := st.UseToken(ctx, credential.HashToken(revoked))
	require.NoError(t, err, "without a notice the cache still answers (the TTL is a minute): the lost notice is real")

	pid := st.ListenerPID()
	require.NotZero(t, pid)
	su, err := pgx.Connect(ctx, db.Superuser)
	require.NoError(t, err)
	defer su.Close(ctx)
	var ok bool
	require.NoError(t, su.QueryRow(ctx, `SELECT pg_terminate_backend($1)`, int(pid)).Scan(&ok))
	require.True(t, ok)

	require.True(t, within(time.Second, func() bool { return !st.CredentialCacheLive() }), "the lost connection is noticed")
	_, _, err = st.UseToken(ctx, credential.HashToken(revoked))
	assert.Equal(t, model.ENOTFOUND, model.ErrorCode(err), "the flushed cache no longer vouches for the revoked token")
	h, m := hits(st), misses(st)
	for i := 0; i < 3; i++ {
		_, _, err = st.UseToken(ctx, credential.HashToken(kept))
		require.NoError(t, err)
	}
	if st.CredentialCacheLive() {
		t.Skip("LISTEN came back before the lookups ended; the retry is 2 s, so the machine is badly overloaded")
	}
	assert.Equal(t, h, hits(st), "no hits while LISTEN is down")
	assert.Equal(t, m+3, misses(st), "every lookup went to the database")

	require.Eventually(t, st.CredentialCacheLive, 10*time.Second, 20*time.Millisecond, "LISTEN comes back")
	assert.NotEqual(t, pid, st.ListenerPID())
	for i := 0; i < 2; i++ {
		_, _, err = st.UseToken(ctx, credential.HashToken(kept))
		require.NoError(t, err)
	}
	assert.Equal(t, h+1, hits(st), "after the reconnect the cache answers again")
}

// A lost notice keeps a revoked token alive for the TTL at most.
func TestCredentialCacheTTLIsTheBackstop(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	const ttl = 300 * time.Millisecond
	st := storetest.OpenWith(t, db.Owner, store.Options{Signer: storetest.NewSigningKey(t), CredentialTTL: ttl})
	require.Eventually(t, st.CredentialCacheLive, 5*time.Second, 10*time.Millisecond)
	u, _ := storetest.AddUser(t, st, "ttl@example.com", model.RoleViewer)
	secret := storetest.AddToken(t, st, u, model.RoleViewer)
	_, _, err := st.UseToken(ctx, credential.HashToken(secret))
	require.NoError(t, err)
	revokedAt := time.Now()
	revokeSilently(t, db, secret)
	assert.True(t, within(2*ttl, func() bool {
		_, _, err := st.UseToken(ctx, credential.HashToken(secret))
		return model.ErrorCode(err) == model.ENOTFOUND
	}))
	assert.Less(t, time.Since(revokedAt), ttl+200*time.Millisecond, "refused once the entry is older than the TTL")
}

// The session store skips commits that only move the expiry on by less than
// a minute, and writes the others.
func TestSessionCommitsSkipSmallExpiryMoves(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	st := storetest.OpenWith(t, db.Owner, store.Options{Signer: storetest.NewSigningKey(t), CredentialTTL: time.Minute})
	require.Eventually(t, st.CredentialCacheLive, 5*time.Second, 10*time.Millisecond)
	ss := st.Sessions()
	stored := func(token string) time.Time {
		conn, err := pgx.Connect(ctx, db.Owner)
		require.NoError(t, err)
		defer conn.Close(ctx)
		var at time.Time
		require.NoError(t, conn.QueryRow(ctx, `SELECT expiry FROM sessions WHERE token = $1`, token).Scan(&at))
		return at
	}
	start := time.Now().Add(30 * time.Minute).UTC().Truncate(time.Microsecond)
	tests := []struct {
		name   string
		data   string
		expiry time.Time
		want   time.Time
	}{
		{"first commit is written", "a", start, start},
		{"30 s later, same data: skipped", "a", start.Add(30 * time.Second), start},
		{"61 s later: written", "a", start.Add(61 * time.Second), start.Add(61 * time.Second)},
		{"new data: written", "b", start.Add(62 * time.Second), start.Add(62 * time.Second)},
		{"earlier expiry: written", "b", start.Add(10 * time.Second), start.Add(10 * time.Second)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ss.FindCtx(ctx, "tok") // as scs does before committing
			require.NoError(t, err)
			require.NoError(t, ss.CommitCtx(ctx, "tok", []byte(tt.data), tt.expiry))
			assert.True(t, tt.want.Equal(stored("tok")), "stored expiry %s, want %s", stored("tok"), tt.want)
			data, found, err := ss.FindCtx(ctx, "tok")
			require.NoError(t, err)
			assert.True(t, found)
			assert.Equal(t, tt.data, string(data))
		})
	}
	expired := "expired-token"
	require.NoError(t, ss.CommitCtx(ctx, expired, []byte("x"), time.Now().Add(-time.Second)))
	_, found, err := ss.FindCtx(ctx, expired)
	require.NoError(t, err)
	assert.False(t, found, "an expired session is not found")
	require.NoError(t, ss.DeleteExpired(ctx))
	_, found, err = ss.FindCtx(ctx, "tok")
	require.NoError(t, err)
	assert.True(t, found, "a live session survives the clean-up")
}

// With the cache on, a token's last use is written in the background, at
// most once a minute.
func TestTokenLastUseIsWrittenInTheBackground(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	st := storetest.OpenWith(t, db.Owner, store.Options{Signer: storetest.NewSigningKey(t), CredentialTTL: time.Minute})
	u, _ := storetest.AddUser(t, st, "used@example.com", model.RoleViewer)
	secret := storetest.AddToken(t, st, u, model.RoleViewer)
	lastUsed := func() *time.Time {
		list, err := st.ListTokens(ctx, u.ID)
		require.NoError(t, err)
		return list[0].LastUsedAt
	}
	_, _, err := st.UseToken(ctx, credential.HashToken(secret))
	require.NoError(t, err)
	require.NoError(t, st.FlushTokenUses(ctx))
	first := lastUsed()
	require.NotNil(t, first, "the use is written by the flush")
	_, _, err = st.UseToken(ctx, credential.HashToken(secret))
	require.NoError(t, err)
	require.NoError(t, st.FlushTokenUses(ctx))
	assert.True(t, first.Equal(*lastUsed()), "a second use within the minute writes nothing")
}

// A request in flight on one replica while another signs the session out
// cannot write the session back when it commits.
func TestSignedOutSessionStaysOver(t *testing.T) {
	ctx := context.Background()
	a, b, _ := cachedReplicas(t, time.Minute)
	token := "in-flight-session"
	require.NoError(t, a.Sessions().CommitCtx(ctx, token, []byte("u"), time.Now().Add(time.Hour)))
	onB := b.Sessions()
	_, found, err := onB.FindCtx(ctx, token) // b's request starts
	require.NoError(t, err)
	require.True(t, found)
	require.NoError(t, a.Sessions().DeleteCtx(ctx, token)) // signed out on a
	time.Sleep(100 * time.Millisecond)                     // b receives the notice; the commit must not rely on it
	// b's request ends and commits (its expiry moved on by over a minute).
	require.NoError(t, onB.CommitCtx(ctx, token, []byte("u"), time.Now().Add(2*time.Hour)))
	for _, st := range []*store.Store{a, b} {
		_, found, err := st.Sessions().FindCtx(ctx, token)
		require.NoError(t, err)
		assert.False(t, found, "the signed-out session stays over")
	}
}

// gob writes a session's values in map order, which varies: the same
// session encoded twice must still count as unchanged.
func TestSessionCommitComparesDecodedValues(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	st := storetest.OpenWith(t, db.Owner, store.Options{Signer: storetest.NewSigningKey(t), CredentialTTL: time.Minute})
	require.Eventually(t, st.CredentialCacheLive, 5*time.Second, 10*time.Millisecond)
	ss := st.Sessions()
	deadline := time.Now().Add(12 * time.Hour).UTC()
	values := map[string]any{"user_id": "u1", "epoch": 3, "a": "x", "b": "y", "c": "z", "d": 4}
	first, err := scs.GobCodec{}.Encode(deadline, values)
	require.NoError(t, err)
	var second []byte
	for i := 0; i < 200 && (second == nil || bytes.Equal(first, second)); i++ {
		second, err = scs.GobCodec{}.Encode(deadline, values)
		require.NoError(t, err)
	}
	require.NotEqual(t, first, second, "gob's map order varied")
	expiry := time.Now().Add(30 * time.Minute).UTC().Truncate(time.Microsecond)
	require.NoError(t, ss.CommitCtx(ctx, "gob", first, expiry))
	_, _, err = ss.FindCtx(ctx, "gob")
	require.NoError(t, err)
	_, m, _ := st.CredentialCacheStats()
	require.NoError(t, ss.CommitCtx(ctx, "gob", second, expiry.Add(10*time.Second)))
	got, found, err := ss.FindCtx(ctx, "gob")
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, first, got, "the commit was skipped: the stored bytes are the first encoding")
	_, m2, _ := st.CredentialCacheStats()
	assert.Equal(t, m, m2, "and the cache still answers")

	values["epoch"] = 4
	third, err := scs.GobCodec{}.Encode(deadline, values)
	require.NoError(t, err)
	require.NoError(t, ss.CommitCtx(ctx, "gob", third, expiry.Add(20*time.Second)))
	got, _, err = ss.FindCtx(ctx, "gob")
	require.NoError(t, err)
	assert.Equal(t, third, got, "a changed value is written")
}
