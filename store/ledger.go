package store

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/mod/sumdb/tlog"

	"meshwise/model"
)

// logLockKey is the advisory lock that serializes appends across replicas:
// one transaction at a time holds it, so the chain can never fork.
const logLockKey = 0x6d657368 // "mesh"

// Append adds one signed entry to the decision log in a single transaction:
// under the advisory lock it reads the head, fills in the entry's position,
// link and time, signs it, stores it with its Merkle hashes and a signed
// checkpoint of the new tree. A crash anywhere before the commit leaves no
// trace.
func (s *Store) Append(ctx context.Context, key model.SigningKey, e model.LogEntry, now time.Time) (model.LogEntry, error) {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(logLockKey)); err != nil {
			return err
		}
		var n int64
		var prev []byte
		err := tx.QueryRow(ctx, `SELECT seq + 1, leaf_hash FROM log_entries ORDER BY seq DESC LIMIT 1`).Scan(&n, &prev)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		e.Seq, e.Prev, e.Time = n, hex.EncodeToString(prev), model.LogTime(now)
		payload, err := json.Marshal(e)
		if err != nil {
			return err
		}
		env, err := key.Seal(payload)
		if err != nil {
			return err
		}
		leaf := model.LeafHash(env)
		reader := txHashReader{ctx: ctx, tx: tx}
		hashes, err := tlog.StoredHashesForRecordHash(n, leaf, reader)
		if err != nil {
			return fmt.Errorf("merkle hashes: %w", err)
		}
		first := tlog.StoredHashIndex(0, n)
		rows := make([][]any, len(hashes))
		for i, h := range hashes {
			rows[i] = []any{first + int64(i), h[:]}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"log_hashes"}, []string{"idx", "hash"}, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		root, err := tlog.TreeHash(n+1, reader)
		if err != nil {
			return fmt.Errorf("tree hash: %w", err)
		}
		cp, err := key.SignCheckpoint(n+1, root, now)
		if err != nil {
			return err
		}
		var recordID any
		if e.RecordID != "" {
			recordID = e.RecordID
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO log_entries (seq, envelope, payload, leaf_hash, record_id, event, key_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			n, env, payload, leaf[:], recordID, e.Event, key.ID, now.UTC().Truncate(time.Microsecond)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO checkpoints (size, note) VALUES ($1, $2)`, n+1, cp)
		return err
	})
	if err != nil {
		return model.LogEntry{}, wrap(err, "unable to append to the decision log")
	}
	return e, nil
}

// txHashReader reads stored Merkle hashes inside the append's transaction.
type txHashReader struct {
	ctx context.Context
	tx  pgx.Tx
}

func (r txHashReader) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	rows, err := r.tx.Query(r.ctx, `SELECT idx, hash FROM log_hashes WHERE idx = ANY($1)`, idx)
	if err != nil {
		return nil, err
	}
	found := map[int64]tlog.Hash{}
	for rows.Next() {
		var i int64
		var b []byte
		if err := rows.Scan(&i, &b); err != nil {
			return nil, err
		}
		var h tlog.Hash
		copy(h[:], b)
		found[i] = h
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]tlog.Hash, len(idx))
	for k, i := range idx {
		h, ok := found[i]
		if !ok {
			return nil, fmt.Errorf("stored hash %d is missing", i)
		}
		out[k] = h
	}
	return out, nil
}

// RegisterKey records a public key; it reports whether the key is new and
// which keys were known before.
func (s *Store) RegisterKey(ctx context.Context, k model.PublicKey) (added bool, known []string, err error) {
	rows, err := s.pool.Query(ctx, `SELECT key_id FROM signing_keys ORDER BY created_at`)
	if err != nil {
		return false, nil, wrap(err, "unable to read keys")
	}
	known, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return false, nil, wrap(err, "unable to read keys")
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO signing_keys (key_id, public_key) VALUES ($1, $2) ON CONFLICT (key_id) DO NOTHING`, k.ID, k.Key)
	if err != nil {
		return false, nil, wrap(err, "unable to register key")
	}
	return tag.RowsAffected() == 1, known, nil
}

// Keys returns every public key the log has used.
func (s *Store) Keys(ctx context.Context) ([]model.PublicKey, error) {
	rows, err := s.pool.Query(ctx, `SELECT key_id, public_key FROM signing_keys ORDER BY created_at`)
	if err != nil {
		return nil, wrap(err, "unable to read keys")
	}
	keys, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (model.PublicKey, error) {
		var k model.PublicKey
		err := row.Scan(&k.ID, &k.Key)
		k.Algorithm = "ed25519"
		return k, err
	})
	if err != nil {
		return nil, wrap(err, "unable to read keys")
	}
	for i := range keys {
		keys[i] = model.PublicKeyOf(keys[i].ID, keys[i].Key)
	}
	return keys, nil
}

// Bundle exports the whole log: entries' exact bytes, checkpoints, keys.
func (s *Store) Bundle(ctx context.Context) (model.Bundle, error) {
	b := model.Bundle{Format: model.BundleFormat}
	rows, err := s.pool.Query(ctx, `SELECT envelope FROM log_entries ORDER BY seq`)
	if err != nil {
		return b, wrap(err, "unable to read the log")
	}
	if b.Entries, err = pgx.CollectRows(rows, pgx.RowTo[[]byte]); err != nil {
		return b, wrap(err, "unable to read the log")
	}
	rows, err = s.pool.Query(ctx, `SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1`)
	if err != nil {
		return b, wrap(err, "unable to read checkpoints")
	}
	notes, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return b, wrap(err, "unable to read checkpoints")
	}
	for _, n := range notes {
		b.Checkpoints = append(b.Checkpoints, string(n))
	}
	if b.Keys, err = s.Keys(ctx); err != nil {
		return b, err
	}
	return b, nil
}

// VerifyLog checks the stored log: everything model.VerifyLog checks, and
// that each stored leaf hash matches the bytes it claims to hash.
func (s *Store) VerifyLog(ctx context.Context) (model.VerifyReport, error) {
	b, err := s.Bundle(ctx)
	if err != nil {
		return model.VerifyReport{}, err
	}
	rep := b.Verify(nil, nil)
	if !rep.OK {
		return rep, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT seq, envelope, leaf_hash FROM log_entries ORDER BY seq`)
	if err != nil {
		return rep, wrap(err, "unable to read the log")
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var env, leaf []byte
		if err := rows.Scan(&seq, &env, &leaf); err != nil {
			return rep, wrap(err, "unable to read the log")
		}
		if h := model.LeafHash(env); hex.EncodeToString(h[:]) != hex.EncodeToString(leaf) {
			return model.VerifyReport{FirstBad: seq, Entries: rep.Entries, Problem: fmt.Sprintf("entry %d: its stored hash does not match its bytes", seq)}, nil
		}
	}
	return rep, wrap(rows.Err(), "unable to read the log")
}

// LogEntries returns the log's payloads in order, from the jsonb copy: for
// listing and replay only, never for verification.
func (s *Store) LogEntries(ctx context.Context, recordID string) ([]model.LogEntry, error) {
	q, args := `SELECT payload FROM log_entries ORDER BY seq`, []any{}
	if recordID != "" {
		if !isUUID(recordID) {
			return nil, model.Errorf(model.ENOTFOUND, "There is no record %q.", recordID)
		}
		q, args = `SELECT payload FROM log_entries WHERE record_id = $1 ORDER BY seq`, []any{recordID}
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, wrap(err, "unable to read the log")
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (model.LogEntry, error) {
		var e model.LogEntry
		err := row.Scan(&e)
		return e, err
	})
	if err != nil {
		return nil, wrap(err, "unable to read the log")
	}
	return list, nil
}
