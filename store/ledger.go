package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"golang.org/x/mod/sumdb/tlog"

	"meshwise/ledger"
	"meshwise/model"
)

// logLockKey is the advisory lock that serializes appends across replicas:
// one transaction at a time holds it, so the chain can never fork.
const logLockKey = 0x6d657368 // "mesh"

// Propose writes a "proposed" entry holding the whole record and returns
// the record's new ID.
func (s *Store) Propose(ctx context.Context, actor model.Principal, rec model.DecisionRecord) (string, error) {
	id := newUUID()
	_, err := s.append(&appendReq{ctx: ctx, build: func(lookup recordLookup) ([]model.LogEntry, error) {
		if rec.Supersedes != "" {
			old, ok := lookup(rec.Supersedes)
			if !ok || old.Status != model.StatusApproved {
				return nil, model.Invalid("supersedes", "must name an approved record")
			}
		}
		// Four eyes: a proposer named among the approvers cannot count
		// toward the quorum, which must stay reachable.
		if n := len(rec.Approvers); n > 0 {
			others := 0
			for _, a := range rec.Approvers {
				if !strings.EqualFold(strings.TrimSpace(a), actor.User.Email) {
					others++
				}
			}
			if others < rec.NeededApprovals() {
				return nil, model.Invalid("quorum", fmt.Sprintf("asks for %d approval(s) but names only %d approver(s) besides you, the proposer (four eyes)", rec.NeededApprovals(), others))
			}
		}
		r := rec
		return []model.LogEntry{{Event: model.EventProposed, RecordID: id, Actor: actorOf(actor), Record: &r}}, nil
	}})
	return id, err
}

// Decide appends an approval or a rejection of a record by actor, with a
// note. The record's state is checked inside the append's transaction,
// under the log's lock, after reading every entry other replicas wrote: two
// approvers racing cannot both decide (the second gets ECONFLICT). The
// approval that reaches the record's quorum also supersedes the record it
// replaces, in the same transaction.
func (s *Store) Decide(ctx context.Context, recordID, event string, actor model.Principal, note string) (model.RecordState, error) {
	if !isUUID(recordID) {
		return model.RecordState{}, model.Errorf(model.ENOTFOUND, "There is no record %q.", recordID)
	}
	var after model.RecordState
	_, err := s.append(&appendReq{ctx: ctx, build: func(lookup recordLookup) ([]model.LogEntry, error) {
		st, ok := lookup(recordID)
		if !ok {
			return nil, model.Errorf(model.ENOTFOUND, "There is no record %q.", recordID)
		}
		if err := model.Transition(st, event, actor); err != nil {
			return nil, err
		}
		if err := model.CheckNote(event, note); err != nil {
			return nil, err
		}
		out := []model.LogEntry{{Event: event, RecordID: recordID, Actor: actorOf(actor), Note: note}}
		if event == model.EventApproved && st.Completes() && st.Record.Supersedes != "" {
			old, ok := lookup(st.Record.Supersedes)
			if !ok || old.Status != model.StatusApproved {
				return nil, model.Errorf(model.ECONFLICT, "This record supersedes %s, which is no longer approved (it is %s): two decisions cannot replace one. Reject this record and propose against the decision in force.",
					st.Record.Supersedes, old.Status)
			}
			out = append(out, model.LogEntry{Event: model.EventSuperseded, RecordID: old.ID, Actor: actorOf(actor), Note: "superseded by " + recordID})
		}
		after = st
		after.Apply(out[0])
		return out, nil
	}})
	return after, err
}

// RecordCheck signs a drift check of a running cluster into the record's
// history: who ran it, when, and every finding.
func (s *Store) RecordCheck(ctx context.Context, recordID string, actor model.Principal, rep model.DriftReport) (model.LogEntry, error) {
	if !isUUID(recordID) || rep.RecordID != recordID {
		return model.LogEntry{}, model.Errorf(model.ENOTFOUND, "There is no record %q.", recordID)
	}
	entries, err := s.append(&appendReq{ctx: ctx, build: func(lookup recordLookup) ([]model.LogEntry, error) {
		st, ok := lookup(recordID)
		if !ok {
			return nil, model.Errorf(model.ENOTFOUND, "There is no record %q.", recordID)
		}
		if err := model.Transition(st, model.EventChecked, actor); err != nil {
			return nil, err
		}
		r := rep
		return []model.LogEntry{{Event: model.EventChecked, RecordID: recordID, Actor: actorOf(actor), Check: &r}}, nil
	}})
	if err != nil {
		return model.LogEntry{}, err
	}
	return entries[0], nil
}

// AppendRotation logs a new signing key, signed by the key it replaces and
// by the new key itself, so verifiers can walk their trust from one to the
// other. The new key must be the store's signer.
func (s *Store) AppendRotation(ctx context.Context, prev ledger.SigningKey, note string) error {
	next := s.signer
	pub := next.Public()
	_, err := s.append(&appendReq{ctx: ctx, key: &prev, cosigners: []ledger.SigningKey{next}, build: func(recordLookup) ([]model.LogEntry, error) {
		return []model.LogEntry{{Event: model.EventKeyRotated, KeyID: next.ID, NewKey: pub.Key, Note: note, Actor: model.Actor{Email: "meshwise (start-up)"}}}, nil
	}})
	return err
}

func actorOf(p model.Principal) model.Actor {
	return model.Actor{ID: p.User.ID, Email: p.User.Email, Role: p.Role}
}

// recordLookup finds a record's current state, including what earlier
// requests of the same batch appended.
type recordLookup func(id string) (model.RecordState, bool)

// appendReq is one caller's append: build turns the log's current state
// into the entries to sign, or refuses.
type appendReq struct {
	ctx       context.Context
	build     func(recordLookup) ([]model.LogEntry, error)
	key       *ledger.SigningKey // signs instead of the store's signer (a rotation)
	cosigners []ledger.SigningKey
	done      chan appendRes
}

type appendRes struct {
	entries []model.LogEntry
	err     error
}

// appendQueue is the group-commit state of append.
type appendQueue struct {
	mu      sync.Mutex
	queue   []*appendReq
	leading bool
}

// maxBatch bounds one transaction's entries.
const maxBatch = 256

// append queues a request and waits for its batch. Concurrent callers are
// batched: the first becomes the leader and writes everything queued so far
// in one transaction under the advisory lock (group commit), so throughput
// grows with the number of writers while the chain stays one line. A
// request whose context ends before its batch starts is not written; a
// batch that fails is retried request by request, so one bad request fails
// alone. Nothing of a failed transaction remains.
func (s *Store) append(req *appendReq) ([]model.LogEntry, error) {
	req.done = make(chan appendRes, 1)
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
	return res.entries, res.err
}

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
		results, err := s.appendBatch(live)
		if err != nil && len(live) > 1 {
			for _, r := range live { // find the bad one: each alone
				one, err := s.appendBatch([]*appendReq{r})
				if err != nil {
					r.done <- appendRes{err: err}
				} else {
					r.done <- one[0]
				}
			}
			continue
		}
		for i, r := range live {
			if err != nil {
				r.done <- appendRes{err: err}
			} else {
				r.done <- results[i]
			}
		}
	}
}

// appendBatch writes a batch in one transaction. Under the advisory lock it
// brings the verified index up to the log's head (verifying what other
// replicas wrote), checks that the stored tree matches the latest signed
// checkpoint, asks each request for its entries, signs them with their
// links, and stores them with their Merkle hashes, their terminal
// transitions and a signed checkpoint of the new tree. A request that is
// refused gets its error; the others go on. If the log does not verify,
// nothing is signed.
func (s *Store) appendBatch(batch []*appendReq) ([]appendRes, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if len(s.signer.Private) == 0 {
		return nil, model.Errorf(model.EUNAVAILABLE, "The decision log has no signing key configured.")
	}
	ix := s.index
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var mark ledger.Mark
	marked, lastCP := false, ix.latestCheckpoint
	overlay := map[string]*model.RecordState{}
	results := make([]appendRes, len(batch))
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(logLockKey)); err != nil {
			return err
		}
		if err := ix.syncForAppend(ctx, tx); err != nil {
			return err
		}
		if err := s.ensureSignerKnown(ctx, tx); err != nil {
			return err
		}
		mark, marked, lastCP = ix.v.Mark(), true, ix.latestCheckpoint
		lookup := func(id string) (model.RecordState, bool) {
			if st, ok := overlay[id]; ok {
				return *st, true
			}
			return ix.state(id)
		}
		now := s.now()
		var hashRows, entryRows, transitionRows [][]any
		for i, r := range batch {
			entries, err := r.build(lookup)
			if err != nil {
				results[i].err = err
				continue
			}
			for k := range entries {
				e := &entries[k]
				n := ix.v.Size()
				e.Seq, e.Prev, e.Time = n, ix.v.Prev(), ledger.LogTime(now)
				payload, err := ledger.Canonical(e)
				if err != nil {
					return err
				}
				if bytes.Contains(payload, []byte(`\u0000`)) {
					// PostgreSQL's jsonb cannot hold it: refuse before signing
					// (the batch is retried without this request).
					return model.Invalid("body", "contains a NUL character, which a decision cannot carry")
				}
				signer := s.signer
				if r.key != nil {
					signer = *r.key
				}
				env, err := signer.Seal(payload, r.cosigners...)
				if err != nil {
					return err
				}
				if len(r.cosigners) > 0 {
					ix.keys[s.signer.ID] = s.signer.Public().Key
				}
				signers := []string{signer.ID}
				for _, c := range r.cosigners {
					signers = append(signers, c.ID)
				}
				h := ledger.Header{Seq: e.Seq, Prev: e.Prev, Time: e.Time, Event: e.Event, RecordID: e.RecordID, KeyID: e.KeyID, NewKey: e.NewKey}
				if err := ix.v.AddSealed(env, h, signers); err != nil {
					// The signer is not one the log trusts (a key file
					// replaced without a rotation): sign nothing.
					return model.Errorf(model.EUNAVAILABLE, "The decision log refuses this signing key: %v", err)
				}
				leaf, _ := ix.v.Tree().Leaf(n)
				e.Hash = hex.EncodeToString(leaf[:])
				for idx := tlog.StoredHashIndex(0, n); idx < tlog.StoredHashCount(n+1); idx++ {
					h, _ := ix.v.Tree().StoredHash(idx)
					hashRows = append(hashRows, []any{idx, h[:]})
				}
				var recordID any
				if e.RecordID != "" {
					recordID = e.RecordID
				}
				entryRows = append(entryRows, []any{n, env, payload, leaf[:], recordID, e.Event, signer.ID, now.UTC().Truncate(time.Microsecond)})
				if kind := terminalKind(e, lookup); kind != "" {
					transitionRows = append(transitionRows, []any{e.RecordID, kind, n})
				}
				applyTo(overlay, lookup, *e)
			}
			results[i].entries = entries
		}
		if len(entryRows) == 0 {
			return nil
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"log_hashes"}, []string{"idx", "hash"}, pgx.CopyFromRows(hashRows)); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"log_entries"},
			[]string{"seq", "envelope", "payload", "leaf_hash", "record_id", "event", "key_id", "created_at"}, pgx.CopyFromRows(entryRows)); err != nil {
			return err
		}
		for _, row := range transitionRows {
			if _, err := tx.Exec(ctx, `INSERT INTO record_transitions (record_id, kind, seq) VALUES ($1, $2, $3)`, row...); err != nil {
				var pgErr *pgconn.PgError
				if errors.As(err, &pgErr) && pgErr.Code == "23505" {
					return model.Errorf(model.ECONFLICT, "Another decision on record %s was recorded first.", row[0])
				}
				return err
			}
		}
		n := ix.v.Size()
		root, err := ix.v.Tree().Root(n)
		if err != nil {
			return fmt.Errorf("tree hash: %w", err)
		}
		cp, err := s.signer.SignCheckpoint(n, root, now)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO checkpoints (size, note) VALUES ($1, $2)`, n, cp); err != nil {
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) && pgErr.Code == "23505" {
				return integrityError(ix.v.Fail(n-1, "a checkpoint of size %d is already stored: entries it covered were removed", n))
			}
			return err
		}
		ix.latestCheckpoint = n
		return nil
	})
	if err != nil {
		if marked {
			ix.v.Rollback(mark)
			ix.latestCheckpoint = lastCP
		}
		var me *model.Error
		if errors.As(err, &me) && me.Code == model.EUNAVAILABLE && me.Err == nil {
			s.logIntegrity(me.Message)
		}
		return nil, wrap(err, "unable to append to the decision log")
	}
	for id, st := range overlay {
		ix.put(id, *st)
	}
	for _, r := range results {
		s.appended.Add(int64(len(r.entries)))
	}
	return results, nil
}

// terminalKind names the record_transitions row an entry writes, if any.
func terminalKind(e *model.LogEntry, lookup recordLookup) string {
	switch e.Event {
	case model.EventRejected:
		return "decided"
	case model.EventSuperseded:
		return "superseded"
	case model.EventApproved:
		if st, ok := lookup(e.RecordID); ok && st.Completes() {
			return "decided"
		}
	}
	return ""
}

// applyTo records an entry in the batch's overlay of record states.
func applyTo(overlay map[string]*model.RecordState, lookup recordLookup, e model.LogEntry) {
	if e.Event == model.EventProposed {
		if st, ok := model.NewRecordState(e); ok {
			overlay[e.RecordID] = &st
		}
		return
	}
	st, ok := lookup(e.RecordID)
	if !ok {
		return
	}
	st.History, st.Approvals = slices.Clip(st.History), slices.Clip(st.Approvals)
	st.Apply(e)
	overlay[e.RecordID] = &st
}

// ensureSignerKnown publishes the signer's public key in the keys table (a
// key there is only a candidate: verification trusts it only once the log
// introduces it).
func (s *Store) ensureSignerKnown(ctx context.Context, tx pgx.Tx) error {
	if _, ok := s.index.keys[s.signer.ID]; ok {
		return nil
	}
	pub := s.signer.Public()
	if _, err := tx.Exec(ctx, `INSERT INTO signing_keys (key_id, public_key) VALUES ($1, $2) ON CONFLICT (key_id) DO NOTHING`, pub.ID, pub.Key); err != nil {
		return err
	}
	s.index.keys[pub.ID] = pub.Key
	return nil
}

// RegisterKey records a public key as a candidate; it reports whether the
// key is new.
func (s *Store) RegisterKey(ctx context.Context, k ledger.PublicKey) (bool, error) {
	tag, err := s.pool.Exec(ctx, `INSERT INTO signing_keys (key_id, public_key) VALUES ($1, $2) ON CONFLICT (key_id) DO NOTHING`, k.ID, k.Key)
	if err != nil {
		return false, wrap(err, "unable to register key")
	}
	return tag.RowsAffected() == 1, nil
}

// Keys returns every public key in the keys table: those the log trusts
// and any candidate never introduced.
func (s *Store) Keys(ctx context.Context) ([]ledger.PublicKey, error) {
	rows, err := s.pool.Query(ctx, `SELECT key_id, public_key FROM signing_keys ORDER BY created_at, key_id`)
	if err != nil {
		return nil, wrap(err, "unable to read keys")
	}
	keys, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ledger.PublicKey, error) {
		var id string
		var key []byte
		err := row.Scan(&id, &key)
		return ledger.PublicKeyOf(id, key), err
	})
	if err != nil {
		return nil, wrap(err, "unable to read keys")
	}
	return keys, nil
}

// SigningKeyID is the ID of the key this store signs with.
func (s *Store) SigningKeyID() string { return s.signer.ID }

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
