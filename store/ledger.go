package store

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/mod/sumdb/tlog"

	"meshwise/model"
)

// logLockKey is the advisory lock that serializes appends across replicas:
// one transaction at a time holds it, so the chain can never fork.
const logLockKey = 0x6d657368 // "mesh"

// Append adds one signed entry to the decision log and returns it with its
// position, link and time filled in. Concurrent callers are batched: the
// first becomes the leader and writes everything queued so far in one
// transaction under the advisory lock (group commit), so throughput grows
// with the number of writers while the chain stays one line. A request
// whose context ends before its batch starts is not written; a batch that
// fails is retried entry by entry, so one bad entry fails alone. Nothing of
// a failed transaction remains.
func (s *Store) Append(ctx context.Context, key model.SigningKey, e model.LogEntry, now time.Time) (model.LogEntry, error) {
	return s.append(&appendReq{ctx: ctx, key: key, entry: e, now: now, done: make(chan appendRes, 1)})
}

// AppendRotation logs a new signing key, signed by the key it replaces and
// by the new key itself, so verifiers can walk their trust from one to the
// other.
func (s *Store) AppendRotation(ctx context.Context, prev, next model.SigningKey, note string, now time.Time) (model.LogEntry, error) {
	pub := next.Public()
	e := model.LogEntry{Event: model.EventKeyRotated, KeyID: next.ID, NewKey: pub.Key, Note: note, Actor: model.Actor{Email: "meshwise (start-up)"}}
	return s.append(&appendReq{ctx: ctx, key: prev, cosigners: []model.SigningKey{next}, entry: e, now: now, done: make(chan appendRes, 1)})
}

func (s *Store) append(req *appendReq) (model.LogEntry, error) {
	s.appends.mu.Lock()
	s.appends.queue = append(s.appends.queue, req)
	if !s.appends.leading {
		s.appends.leading = true
		s.appends.mu.Unlock()
		s.leadAppends()
	} else {
		s.appends.mu.Unlock()
	}
	res := <-req.done
	return res.entry, res.err
}

// appendQueue is the group-commit state of Append.
type appendQueue struct {
	mu      sync.Mutex
	queue   []*appendReq
	leading bool
}

type appendReq struct {
	ctx       context.Context
	key       model.SigningKey
	cosigners []model.SigningKey
	entry     model.LogEntry
	now       time.Time
	done      chan appendRes
}

type appendRes struct {
	entry model.LogEntry
	err   error
}

// maxBatch bounds one transaction's entries.
const maxBatch = 256

// leadAppends writes queued requests until the queue is empty.
func (s *Store) leadAppends() {
	for {
		s.appends.mu.Lock()
		batch := s.appends.queue
		if len(batch) > maxBatch {
			batch = batch[:maxBatch]
		}
		s.appends.queue = s.appends.queue[len(batch):]
		if len(batch) == 0 {
			s.appends.leading = false
			s.appends.mu.Unlock()
			return
		}
		s.appends.mu.Unlock()
		live := batch[:0:0]
		for _, r := range batch {
			if err := r.ctx.Err(); err != nil {
				r.done <- appendRes{err: wrap(err, "append cancelled before it was written")}
				continue
			}
			live = append(live, r)
		}
		if len(live) == 0 {
			continue
		}
		entries, err := s.appendBatch(live)
		if err != nil && len(live) > 1 {
			for _, r := range live { // find the bad one: each alone
				one, err := s.appendBatch([]*appendReq{r})
				if err != nil {
					r.done <- appendRes{err: err}
				} else {
					r.done <- appendRes{entry: one[0]}
				}
			}
			continue
		}
		for i, r := range live {
			if err != nil {
				r.done <- appendRes{err: err}
			} else {
				r.done <- appendRes{entry: entries[i]}
			}
		}
	}
}

// appendBatch writes entries in one transaction: under the advisory lock it
// reads the head, signs each entry with its link to the one before, stores
// them with their Merkle hashes and a signed checkpoint of the new tree.
func (s *Store) appendBatch(batch []*appendReq) ([]model.LogEntry, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out := make([]model.LogEntry, len(batch))
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
		reader := &batchHashReader{ctx: ctx, tx: tx, fresh: map[int64]tlog.Hash{}}
		var hashRows, entryRows [][]any
		for i, r := range batch {
			e := r.entry
			e.Seq, e.Prev, e.Time = n, hex.EncodeToString(prev), model.LogTime(r.now)
			payload, err := model.CanonicalJSON(e)
			if err != nil {
				return err
			}
			env, err := r.key.Seal(payload, r.cosigners...)
			if err != nil {
				return err
			}
			leaf := model.LeafHash(env)
			hashes, err := tlog.StoredHashesForRecordHash(n, leaf, reader)
			if err != nil {
				return fmt.Errorf("merkle hashes: %w", err)
			}
			first := tlog.StoredHashIndex(0, n)
			for k, h := range hashes {
				reader.fresh[first+int64(k)] = h
				hashRows = append(hashRows, []any{first + int64(k), h[:]})
			}
			var recordID any
			if e.RecordID != "" {
				recordID = e.RecordID
			}
			entryRows = append(entryRows, []any{n, env, payload, leaf[:], recordID, e.Event, r.key.ID, r.now.UTC().Truncate(time.Microsecond)})
			out[i] = e
			n++
			prev = leaf[:]
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"log_hashes"}, []string{"idx", "hash"}, pgx.CopyFromRows(hashRows)); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"log_entries"},
			[]string{"seq", "envelope", "payload", "leaf_hash", "record_id", "event", "key_id", "created_at"}, pgx.CopyFromRows(entryRows)); err != nil {
			return err
		}
		root, err := tlog.TreeHash(n, reader)
		if err != nil {
			return fmt.Errorf("tree hash: %w", err)
		}
		last := batch[len(batch)-1]
		signer := last.key
		if len(last.cosigners) > 0 {
			signer = last.cosigners[len(last.cosigners)-1] // after a rotation, the new key
		}
		cp, err := signer.SignCheckpoint(n, root, last.now)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO checkpoints (size, note) VALUES ($1, $2)`, n, cp)
		return err
	})
	if err != nil {
		return nil, wrap(err, "unable to append to the decision log")
	}
	return out, nil
}

// batchHashReader reads stored Merkle hashes: those written or read earlier
// in the same batch from memory, the rest from the transaction.
type batchHashReader struct {
	ctx   context.Context
	tx    pgx.Tx
	fresh map[int64]tlog.Hash
}

func (r *batchHashReader) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	var missing []int64
	for _, i := range idx {
		if _, ok := r.fresh[i]; !ok {
			missing = append(missing, i)
		}
	}
	found := map[int64]tlog.Hash{}
	if len(missing) > 0 {
		rows, err := r.tx.Query(r.ctx, `SELECT idx, hash FROM log_hashes WHERE idx = ANY($1)`, missing)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var i int64
			var b []byte
			if err := rows.Scan(&i, &b); err != nil {
				return nil, err
			}
			var h tlog.Hash
			copy(h[:], b)
			found[i] = h
			r.fresh[i] = h // later entries of the batch need the same right edge
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for k, i := range idx {
		if h, ok := r.fresh[i]; ok {
			out[k] = h
		} else if h, ok := found[i]; ok {
			out[k] = h
		} else {
			return nil, fmt.Errorf("stored hash %d is missing", i)
		}
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
// listing and replay only, never for verification. For one record they are
// whole; for the whole log the records come without their estimates.
func (s *Store) LogEntries(ctx context.Context, recordID string) ([]model.LogEntry, error) {
	// The whole log is read for lists: leave out each record's estimate
	// snapshot, which lists never show and which is most of the bytes.
	q, args := `SELECT payload #- '{record,estimate}' FROM log_entries ORDER BY seq`, []any{}
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

// VerifyRecord checks one record's entries: signatures, positions and
// stored hashes, without reading the rest of the log.
func (s *Store) VerifyRecord(ctx context.Context, recordID string) (model.VerifyReport, error) {
	if !isUUID(recordID) {
		return model.VerifyReport{}, model.Errorf(model.ENOTFOUND, "There is no record %q.", recordID)
	}
	rows, err := s.pool.Query(ctx, `SELECT seq, envelope, leaf_hash FROM log_entries WHERE record_id = $1 ORDER BY seq`, recordID)
	if err != nil {
		return model.VerifyReport{}, wrap(err, "unable to read the log")
	}
	var seqs []int64
	var envs, leaves [][]byte
	for rows.Next() {
		var seq int64
		var env, leaf []byte
		if err := rows.Scan(&seq, &env, &leaf); err != nil {
			rows.Close()
			return model.VerifyReport{}, wrap(err, "unable to read the log")
		}
		seqs, envs, leaves = append(seqs, seq), append(envs, env), append(leaves, leaf)
	}
	if err := rows.Err(); err != nil {
		return model.VerifyReport{}, wrap(err, "unable to read the log")
	}
	keys, err := s.Keys(ctx)
	if err != nil {
		return model.VerifyReport{}, err
	}
	return model.VerifyEntries(seqs, envs, leaves, model.KeyMap(keys)), nil
}
