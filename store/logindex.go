package store

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/mod/sumdb/tlog"

	"meshwise/ledger"
	"meshwise/model"
)

// logIndex is the decision log as verified from its signed bytes: every
// record's state, derived only from signed payloads, and the verifier's
// Merkle tree and trusted keys. It is brought up to the log's head before
// each read and, under the advisory lock, before each append, verifying
// what other replicas wrote. Stored columns (event, record_id, the jsonb
// copy, hashes) are cross-checked, never believed.
type logIndex struct {
	mu               sync.Mutex
	keys             map[string]ed25519.PublicKey // the keys table, as candidates
	v                *ledger.Verifier
	records          map[string]*model.RecordState // estimates left out: pages read them from the signed bytes
	order            []string                      // record IDs, oldest proposal first
	position         map[string]int                // record ID → index in order
	text             map[string]string             // record ID → what text search looks in
	costs            map[string]recordCost         // record ID → its option's signed monthly cost and inputs
	latestCheckpoint int64
}

func newLogIndex() *logIndex {
	keys := map[string]ed25519.PublicKey{}
	return &logIndex{keys: keys, v: ledger.NewVerifier(keys), records: map[string]*model.RecordState{}, position: map[string]int{}, text: map[string]string{}, costs: map[string]recordCost{}}
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func (ix *logIndex) state(id string) (model.RecordState, bool) {
	st, ok := ix.records[id]
	if !ok {
		return model.RecordState{}, false
	}
	return *st, true
}

func (ix *logIndex) put(id string, st model.RecordState) {
	if _, ok := ix.records[id]; !ok {
		ix.position[id] = len(ix.order)
		ix.order = append(ix.order, id)
		ix.text[id] = st.SearchText()
	}
	if st.Record.Estimate != nil {
		if c, ok := model.CostOf(st.Record); ok {
			inputs := st.Record.Estimate.Assessment
			ix.costs[id] = recordCost{cost: c, inputs: &inputs}
		}
	}
	st.Record.Estimate = nil
	for i := range st.History {
		st.History[i].Record = nil
	}
	ix.records[id] = &st
}

// loadKeys reads the keys table into the verifier's candidates.
func (ix *logIndex) loadKeys(ctx context.Context, q querier) error {
	rows, err := q.Query(ctx, `SELECT key_id, public_key FROM signing_keys`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var key []byte
		if err := rows.Scan(&id, &key); err != nil {
			return err
		}
		if len(key) == ed25519.PublicKeySize {
			ix.keys[id] = ed25519.PublicKey(key)
		}
	}
	return rows.Err()
}

// logRowColumns are the columns verification reads: the signed bytes and
// every stored copy of what they say.
const logRowColumns = `seq, envelope, leaf_hash, coalesce(record_id::text, ''), event, key_id, payload::text`

// logRow is one stored entry.
type logRow struct {
	seq      int64
	envelope []byte
	leaf     []byte
	recordID string
	event    string
	keyID    string
	jsonCopy []byte
}

func scanLogRow(rows pgx.Rows) (logRow, error) {
	var r logRow
	var text string
	err := rows.Scan(&r.seq, &r.envelope, &r.leaf, &r.recordID, &r.event, &r.keyID, &text)
	r.jsonCopy = []byte(text)
	return r, err
}

// checkRow verifies the next stored entry and every column stored beside
// it, returning the signed payload decoded. A disagreement is recorded in
// v and names the entry.
func checkRow(v *ledger.Verifier, r logRow) (model.LogEntry, error) {
	pos := v.Size()
	if r.seq != pos {
		return model.LogEntry{}, v.Fail(pos, "entry %d is missing: the row at position %d is stored as seq %d", pos, pos, r.seq)
	}
	h, payload, err := v.Add(r.envelope)
	if err != nil {
		return model.LogEntry{}, err
	}
	leaf, _ := v.Tree().Leaf(pos)
	switch {
	case !bytes.Equal(leaf[:], r.leaf):
		return model.LogEntry{}, v.Fail(pos, "entry %d: its stored hash does not match its bytes", pos)
	case r.event != h.Event:
		return model.LogEntry{}, v.Fail(pos, "entry %d: the stored event column says %q but the signed entry says %q", pos, r.event, h.Event)
	case r.recordID != h.RecordID:
		return model.LogEntry{}, v.Fail(pos, "entry %d: the stored record_id column says %q but the signed entry says %q", pos, r.recordID, h.RecordID)
	case r.keyID != firstSigner(r.envelope):
		return model.LogEntry{}, v.Fail(pos, "entry %d: the stored key_id column says %q but the entry is signed by %q", pos, r.keyID, firstSigner(r.envelope))
	case !sameJSON(r.jsonCopy, payload):
		return model.LogEntry{}, v.Fail(pos, "entry %d: its stored JSON copy differs from the signed payload", pos)
	}
	var e model.LogEntry
	if err := json.Unmarshal(payload, &e); err != nil {
		return model.LogEntry{}, v.Fail(pos, "entry %d: the signed payload is not a meshwise log entry: %v", pos, err)
	}
	return e, nil
}

func firstSigner(envelope []byte) string {
	var env struct {
		Signatures []struct {
			KeyID string `json:"keyid"`
		} `json:"signatures"`
	}
	if json.Unmarshal(envelope, &env) != nil || len(env.Signatures) == 0 {
		return ""
	}
	return env.Signatures[0].KeyID
}

// sameJSON compares the jsonb copy (PostgreSQL's text form) with the signed
// payload as JSON values, through their canonical forms.
func sameJSON(jsonCopy, payload []byte) bool {
	a, err := ledger.Transform(jsonCopy)
	if err != nil {
		return false
	}
	if bytes.Equal(a, payload) {
		return true
	}
	b, err := ledger.Transform(payload)
	return err == nil && bytes.Equal(a, b)
}

// catchUp verifies and indexes every entry and checkpoint stored after
// those already indexed, up to head (the next position, which the caller
// read in the same snapshot). Callers hold ix.mu.
func (ix *logIndex) catchUp(ctx context.Context, q querier, head int64) error {
	if ix.v.Err() != nil {
		return integrityError(ix.v.Err())
	}
	if head > ix.v.Size() {
		if err := ix.loadKeys(ctx, q); err != nil {
			return err
		}
		rows, err := q.Query(ctx, `SELECT `+logRowColumns+` FROM log_entries WHERE seq >= $1 ORDER BY seq`, ix.v.Size())
		if err != nil {
			return err
		}
		for rows.Next() {
			r, err := scanLogRow(rows)
			if err != nil {
				rows.Close()
				return err
			}
			e, err := checkRow(ix.v, r)
			if err != nil {
				break
			}
			e.Hash = hex.EncodeToString(r.leaf)
			ix.index(e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if ix.v.Err() != nil {
			return integrityError(ix.v.Err())
		}
	}
	// Only checkpoints of entries already read: another replica may have
	// committed more since.
	rows, err := q.Query(ctx, `SELECT size, note FROM checkpoints WHERE size > $1 AND size <= $2 ORDER BY size`, ix.latestCheckpoint, ix.v.Size())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var size int64
		var note []byte
		if err := rows.Scan(&size, &note); err != nil {
			return err
		}
		cp, err := ix.v.AddCheckpoint(note)
		if err != nil {
			return integrityError(err)
		}
		if cp.Size != size {
			return integrityError(ix.v.Fail(size, "the checkpoint stored as size %d signs size %d", size, cp.Size))
		}
		ix.latestCheckpoint = size
	}
	return rows.Err()
}

// index applies a verified entry to the records.
func (ix *logIndex) index(e model.LogEntry) {
	if e.RecordID == "" {
		return
	}
	if e.Event == model.EventProposed {
		if st, ok := model.NewRecordState(e); ok {
			ix.put(e.RecordID, st)
		}
		return
	}
	if st, ok := ix.records[e.RecordID]; ok {
		e.Record = nil
		st.Apply(e)
	}
}

// syncForAppend brings the index to the head and checks the stored tree's
// right edge against it, as catchUp and checkHead do, in one round trip
// when nothing changed since this process last wrote (the common case
// under the lock). Callers hold ix.mu.
func (ix *logIndex) syncForAppend(ctx context.Context, q querier) error {
	if ix.v.Err() != nil {
		return integrityError(ix.v.Err())
	}
	n := ix.v.Size()
	var edge []int64
	if n > 0 {
		rec := &recordingReader{tree: ix.v.Tree()}
		if _, err := tlog.TreeHash(n, rec); err != nil {
			return err
		}
		edge = rec.idx
	}
	var head, lastCP int64
	var stored [][]byte
	err := q.QueryRow(ctx, `SELECT (SELECT coalesce(max(seq), -1) + 1 FROM log_entries), (SELECT coalesce(max(size), 0) FROM checkpoints),
		array(SELECT hash FROM log_hashes WHERE idx = ANY($1) ORDER BY idx)`, edge).Scan(&head, &lastCP, &stored)
	if err != nil {
		return err
	}
	if lastCP > head {
		return integrityError(ix.v.Fail(head, "entries were removed: a signed checkpoint covers %d entries but the log holds %d", lastCP, head))
	}
	if head != n || lastCP != ix.latestCheckpoint {
		if err := ix.catchUp(ctx, q, head); err != nil {
			return err
		}
		return ix.checkHead(ctx, q)
	}
	if n > 0 && ix.latestCheckpoint != n {
		return integrityError(ix.v.Fail(ix.latestCheckpoint, "entries %d to %d are not covered by any signed checkpoint", ix.latestCheckpoint, n-1))
	}
	sorted := slices.Clone(edge)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	if len(stored) != len(sorted) {
		return integrityError(ix.v.Fail(n-1, "the stored Merkle tree cannot be read: hashes are missing"))
	}
	for i, idx := range sorted {
		want, _ := ix.v.Tree().StoredHash(idx)
		if !bytes.Equal(want[:], stored[i]) {
			return integrityError(ix.v.Fail(n-1, "the stored Merkle hashes do not give the root the latest checkpoint signed"))
		}
	}
	return nil
}

// recordingReader reads the in-memory tree and notes which stored hashes a
// tree hash needs.
type recordingReader struct {
	tree *ledger.MerkleTree
	idx  []int64
}

func (r *recordingReader) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	r.idx = append(r.idx, idx...)
	return r.tree.ReadHashes(idx)
}

// checkHead confirms, before anything is signed, that the stored log ends
// where its latest signed checkpoint says: every entry is covered by it,
// and the stored Merkle hashes on the tree's right edge give its root. A
// log that does not is refused, not extended. Callers hold ix.mu.
func (ix *logIndex) checkHead(ctx context.Context, q querier) error {
	n := ix.v.Size()
	if n == 0 {
		return nil
	}
	if ix.latestCheckpoint != n {
		return integrityError(ix.v.Fail(ix.latestCheckpoint, "entries %d to %d are not covered by any signed checkpoint", ix.latestCheckpoint, n-1))
	}
	want, err := ix.v.Tree().Root(n)
	if err != nil {
		return err
	}
	got, err := tlog.TreeHash(n, dbHashReader{ctx: ctx, q: q})
	if err != nil {
		return integrityError(ix.v.Fail(n-1, "the stored Merkle tree cannot be read: %v", err))
	}
	if got != want {
		return integrityError(ix.v.Fail(n-1, "the stored Merkle hashes do not give the root the latest checkpoint signed"))
	}
	return nil
}

// dbHashReader reads stored Merkle hashes.
type dbHashReader struct {
	ctx context.Context
	q   querier
}

func (r dbHashReader) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	rows, err := r.q.Query(r.ctx, `SELECT idx, hash FROM log_hashes WHERE idx = ANY($1)`, idx)
	if err != nil {
		return nil, err
	}
	found := map[int64]tlog.Hash{}
	for rows.Next() {
		var i int64
		var b []byte
		if err := rows.Scan(&i, &b); err != nil {
			rows.Close()
			return nil, err
		}
		var h tlog.Hash
		copy(h[:], b)
		found[i] = h
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]tlog.Hash, len(idx))
	for k, i := range idx {
		h, ok := found[i]
		if !ok {
			return nil, errMissingHash(i)
		}
		out[k] = h
	}
	return out, nil
}

type errMissingHash int64

func (e errMissingHash) Error() string { return "stored hash " + itoa(int64(e)) + " is missing" }

// integrityError is what callers get while the log fails verification:
// EUNAVAILABLE (503), because nothing may be signed or shown as settled
// until a person restores the log.
func integrityError(err error) error {
	return &model.Error{Code: model.EUNAVAILABLE, Message: "The decision log fails verification (" + err.Error() + "); nothing is signed until it is restored."}
}

// refresh brings the index up to the stored head, and notices rows removed
// or renumbered below it and a stored tree that does not end at the latest
// checkpoint. It reads one snapshot, taken while holding the index, so
// appends by this process or another replica never look like removals.
func (s *Store) refresh(ctx context.Context) (model.Integrity, error) {
	ix := s.index
	ix.mu.Lock()
	defer ix.mu.Unlock()
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return model.Integrity{}, wrap(err, "unable to read the log")
	}
	defer tx.Rollback(ctx)
	var count, head, lastCP int64
	if err := tx.QueryRow(ctx, `SELECT count(*), coalesce(max(seq), -1) + 1, (SELECT coalesce(max(size), 0) FROM checkpoints) FROM log_entries`).Scan(&count, &head, &lastCP); err != nil {
		return model.Integrity{}, wrap(err, "unable to read the log")
	}
	if err := ix.catchUp(ctx, tx, head); err != nil && ix.v.Err() == nil {
		return model.Integrity{}, wrap(err, "unable to read the log")
	}
	if ix.v.Err() == nil && count != head {
		ix.v.Fail(count, "entries were removed: %d rows hold positions 0 to %d", count, head-1)
	}
	if ix.v.Err() == nil && head < ix.v.Size() {
		ix.v.Fail(head, "entries were removed: the log held %d entries and now holds %d", ix.v.Size(), head)
	}
	if ix.v.Err() == nil && lastCP > head {
		ix.v.Fail(head, "entries were removed: a signed checkpoint covers %d entries but the log holds %d", lastCP, head)
	}
	if ix.v.Err() == nil {
		_ = ix.checkHead(ctx, tx) // a fault is kept in the verifier
	}
	if f := ix.v.Err(); f != nil {
		s.logIntegrity(f.Error())
		var lf *ledger.Failure
		if errors.As(f, &lf) {
			return model.Integrity{FirstBad: lf.Seq, Problem: lf.Problem}, nil
		}
		return model.Integrity{FirstBad: -1, Problem: f.Error()}, nil
	}
	return model.Integrity{OK: true, FirstBad: -1}, nil
}

// Records returns every record's state as the signed entries tell it,
// newest proposal first, without estimates. While the log fails
// verification every status reads model.StatusIntegrityFailure.
func (s *Store) Records(ctx context.Context) ([]model.RecordState, model.Integrity, error) {
	integrity, err := s.refresh(ctx)
	if err != nil {
		return nil, integrity, err
	}
	ix := s.index
	ix.mu.Lock()
	out := make([]model.RecordState, 0, len(ix.order))
	for i := len(ix.order) - 1; i >= 0; i-- {
		st := *ix.records[ix.order[i]]
		if !integrity.OK {
			st.Status = model.StatusIntegrityFailure
		}
		out = append(out, st)
	}
	ix.mu.Unlock()
	return out, integrity, nil
}

// recordCost is what the portfolio needs of a record's signed estimate.
type recordCost struct {
	cost   model.RecordCost
	inputs *model.Assessment
}

// Portfolio lists the records the query selects (approved and proposed
// ones unless it names a status) with the monthly cost each signed, from
// the verified index.
func (s *Store) Portfolio(ctx context.Context, q model.ArchiveQuery, today time.Time) ([]model.PortfolioRow, model.Integrity, error) {
	integrity, err := s.refresh(ctx)
	if err != nil {
		return nil, integrity, err
	}
	ix := s.index
	ix.mu.Lock()
	defer ix.mu.Unlock()
	rows := []model.PortfolioRow{}
	for _, id := range ix.order {
		st := ix.records[id]
		if q.Status == "" && st.Status != model.StatusApproved && st.Status != model.StatusProposed {
			continue
		}
		if !q.Matches(st, ix.text[id], today) {
			continue
		}
		c, ok := ix.costs[id]
		if !ok {
			continue
		}
		r := st.Record
		status := st.Status
		if !integrity.OK {
			status = model.StatusIntegrityFailure
		}
		rows = append(rows, model.PortfolioRow{ID: id, Title: r.Title, Cluster: r.Cluster, Option: r.Option, OptionName: r.OptionName, Owner: r.Owner,
			Status: status, ReviewBy: r.ReviewBy, Overdue: st.Overdue(today), DueSoon: st.DueWithin(today, 30), Cost: c.cost, Assessment: c.inputs})
	}
	return rows, integrity, nil
}

// QueryRecords filters, orders and pages the archive in memory, over the
// verified index: what is searched and filtered on is what was signed.
func (s *Store) QueryRecords(ctx context.Context, q model.ArchiveQuery, today time.Time) (model.ArchivePage, model.Integrity, error) {
	integrity, err := s.refresh(ctx)
	if err != nil {
		return model.ArchivePage{}, integrity, err
	}
	ix := s.index
	ix.mu.Lock()
	var matches []*model.RecordState
	var order []int
	for i, id := range ix.order {
		st := ix.records[id]
		if q.Matches(st, ix.text[id], today) {
			matches, order = append(matches, st), append(order, i)
		}
	}
	page := q.Page(matches, order)
	page.Costs = map[string]model.RecordCost{}
	for _, st := range page.Rows {
		if c, ok := ix.costs[st.ID]; ok {
			page.Costs[st.ID] = c.cost
		}
	}
	ix.mu.Unlock()
	if !integrity.OK {
		for i := range page.Rows {
			page.Rows[i].Status = model.StatusIntegrityFailure
		}
	}
	return page, integrity, nil
}

// Record returns one record with its estimate, read from the signed bytes
// of its entries. Each entry is re-read and checked against the index: its
// bytes hash to the leaf the verified log holds, its signature is by a key
// the trust walk admits, and its stored columns agree with what it signs.
// The report says whether all of that holds; when it does not, the status
// reads model.StatusIntegrityFailure.
func (s *Store) Record(ctx context.Context, id string) (model.RecordState, ledger.Report, error) {
	if !isUUID(id) {
		return model.RecordState{}, ledger.Report{}, model.Errorf(model.ENOTFOUND, "There is no record %q.", id)
	}
	integrity, err := s.refresh(ctx)
	if err != nil {
		return model.RecordState{}, ledger.Report{}, err
	}
	ix := s.index
	ix.mu.Lock()
	st, ok := ix.state(id)
	st.History = slices.Clone(st.History) // filled in below with the signed record: never the index's copy
	trusted := ix.v.Trusted()
	leaves := map[int64][]byte{}
	var seqs []int64
	for _, e := range st.History {
		leaf, _ := ix.v.Tree().Leaf(e.Seq)
		leaves[e.Seq] = append([]byte(nil), leaf[:]...)
		seqs = append(seqs, e.Seq)
	}
	ix.mu.Unlock()
	if !ok && !integrity.OK {
		// The record may sit beyond the entry that fails: say so, never 404.
		return model.RecordState{ID: id, Status: model.StatusIntegrityFailure, Record: model.DecisionRecord{Title: "Record " + id + " (unverifiable)"}},
			ledger.Report{FirstBad: integrity.FirstBad, Problem: integrity.Problem}, nil
	}
	if !ok {
		return model.RecordState{}, ledger.Report{}, model.Errorf(model.ENOTFOUND, "There is no record %q.", id)
	}
	rep := ledger.Report{OK: true, FirstBad: -1, Entries: int64(len(seqs))}
	fail := func(seq int64, problem string) {
		if rep.OK {
			rep.OK, rep.FirstBad, rep.Problem = false, seq, problem
			s.index.mu.Lock()
			s.index.v.Fail(seq, "%s", problem)
			s.index.mu.Unlock()
			s.logIntegrity(problem)
		}
	}
	if !integrity.OK {
		rep.OK, rep.FirstBad, rep.Problem = false, integrity.FirstBad, integrity.Problem
	}
	rows, err := s.pool.Query(ctx, `SELECT `+logRowColumns+` FROM log_entries WHERE seq = ANY($1) ORDER BY seq`, seqs)
	if err != nil {
		return model.RecordState{}, rep, wrap(err, "unable to read the record")
	}
	seen := 0
	for rows.Next() {
		r, err := scanLogRow(rows)
		if err != nil {
			rows.Close()
			return model.RecordState{}, rep, wrap(err, "unable to read the record")
		}
		seen++
		if h := ledger.LeafHash(r.envelope); !bytes.Equal(h[:], leaves[r.seq]) || !bytes.Equal(r.leaf, leaves[r.seq]) {
			fail(r.seq, "entry "+itoa(r.seq)+": its stored bytes changed after they were verified")
			continue
		}
		env, err := ledger.OpenEnvelope(r.envelope, trusted)
		if err != nil {
			fail(r.seq, "entry "+itoa(r.seq)+": "+err.Error())
			continue
		}
		var e model.LogEntry
		if json.Unmarshal(env.Payload, &e) != nil || e.RecordID != r.recordID || e.Event != r.event || !sameJSON(r.jsonCopy, env.Payload) {
			fail(r.seq, "entry "+itoa(r.seq)+": a stored column differs from the signed entry")
			continue
		}
		if e.Event == model.EventProposed && e.Record != nil {
			st.Record = *e.Record // the estimate, as signed
			st.History[0].Record = e.Record
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return model.RecordState{}, rep, wrap(err, "unable to read the record")
	}
	if seen != len(seqs) {
		fail(seqs[0], "entries of this record were removed from the log")
	}
	if !rep.OK {
		st.Status = model.StatusIntegrityFailure
	}
	return st, rep, nil
}

// VerifyLog checks the whole stored log from scratch, streaming: every
// entry's signature (walking key trust), position and link, every column
// stored beside it, every stored Merkle hash and every checkpoint. Memory
// stays bounded whatever the log's length. A failure also stops the index,
// so pages show it and nothing more is signed.
func (s *Store) VerifyLog(ctx context.Context) (ledger.Report, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return ledger.Report{}, wrap(err, "unable to read the log")
	}
	defer tx.Rollback(ctx)
	keys := map[string]ed25519.PublicKey{}
	ix := &logIndex{keys: keys, v: ledger.NewVerifier(keys)}
	if err := ix.loadKeys(ctx, tx); err != nil {
		return ledger.Report{}, wrap(err, "unable to read keys")
	}
	v := ix.v
	terminal := map[int64]terminalEntry{} // signed rejections, supersessions and approvals, for record_transitions
	if err := streamRows(ctx, tx, `SELECT `+logRowColumns+` FROM log_entries ORDER BY seq`, func(rows pgx.Rows) bool {
		r, err := scanLogRow(rows)
		if err != nil {
			v.Fail(v.Size(), "entry %d: unreadable row: %v", v.Size(), err)
			return false
		}
		e, err := checkRow(v, r)
		switch e.Event {
		case model.EventApproved, model.EventRejected, model.EventSuperseded:
			terminal[e.Seq] = terminalEntry{recordID: e.RecordID, event: e.Event}
		}
		return err == nil
	}); err != nil {
		return ledger.Report{}, wrap(err, "unable to read the log")
	}
	n := v.Size()
	var hashes int64
	if v.Err() == nil {
		if err := streamRows(ctx, tx, `SELECT idx, hash FROM log_hashes ORDER BY idx`, func(rows pgx.Rows) bool {
			var idx int64
			var b []byte
			if err := rows.Scan(&idx, &b); err != nil {
				return false
			}
			want, ok := v.Tree().StoredHash(idx)
			if !ok || idx != hashes || !bytes.Equal(want[:], b) {
				v.Fail(entryOfHash(idx, n), "entry %d: stored Merkle hash %d does not match the entries", entryOfHash(idx, n), idx)
				return false
			}
			hashes++
			return true
		}); err != nil {
			return ledger.Report{}, wrap(err, "unable to read the log")
		}
		if v.Err() == nil && hashes != tlog.StoredHashCount(n) {
			v.Fail(entryOfHash(hashes, n), "entry %d: stored Merkle hashes are missing (%d of %d)", entryOfHash(hashes, n), hashes, tlog.StoredHashCount(n))
		}
	}
	var last int64
	if v.Err() == nil {
		if err := streamRows(ctx, tx, `SELECT size, note FROM checkpoints ORDER BY size`, func(rows pgx.Rows) bool {
			var size int64
			var note []byte
			if err := rows.Scan(&size, &note); err != nil {
				return false
			}
			cp, err := v.AddCheckpoint(note)
			if err == nil && cp.Size != size {
				v.Fail(size, "the checkpoint stored as size %d signs size %d", size, cp.Size)
			}
			last = size
			return v.Err() == nil
		}); err != nil {
			return ledger.Report{}, wrap(err, "unable to read the log")
		}
		if v.Err() == nil && last != n {
			v.Fail(last, "entries %d to %d are not covered by any signed checkpoint", last, n-1)
		}
	}
	if v.Err() == nil {
		if err := checkTransitions(ctx, tx, v, terminal); err != nil {
			return ledger.Report{}, wrap(err, "unable to read the log")
		}
	}
	rep := v.Report()
	if !rep.OK {
		s.index.mu.Lock()
		s.index.v.Fail(rep.FirstBad, "%s", rep.Problem)
		s.index.mu.Unlock()
		s.logIntegrity(rep.Problem)
	}
	return rep, nil
}

// terminalEntry is a signed decision or supersession, by position.
type terminalEntry struct{ recordID, event string }

// checkTransitions holds record_transitions, the table whose key forbids a
// second decision, against the signed entries: every row must name a
// signed entry of its record and kind (a forged row would block a decision),
// and every signed rejection and supersession must have its row.
func checkTransitions(ctx context.Context, q querier, v *ledger.Verifier, terminal map[int64]terminalEntry) error {
	seen := map[int64]bool{}
	err := streamRows(ctx, q, `SELECT record_id::text, kind, seq FROM record_transitions ORDER BY seq`, func(rows pgx.Rows) bool {
		var id, kind string
		var seq int64
		if err := rows.Scan(&id, &kind, &seq); err != nil {
			return false
		}
		e, ok := terminal[seq]
		want := map[string]string{model.EventApproved: "decided", model.EventRejected: "decided", model.EventSuperseded: "superseded"}[e.event]
		if !ok || e.recordID != id || want != kind {
			v.Fail(seq, "entry %d: record_transitions holds a %q row for record %s that no signed entry at %d makes", seq, kind, id, seq)
			return false
		}
		seen[seq] = true
		return true
	})
	if err != nil || v.Err() != nil {
		return err
	}
	for seq, e := range terminal {
		if e.event != model.EventApproved && !seen[seq] {
			v.Fail(seq, "entry %d: the signed %s of record %s has no record_transitions row", seq, e.event, e.recordID)
			break
		}
	}
	return nil
}

// WatchIntegrity verifies the whole log every interval until ctx ends, so a
// row changed under a running server (which pages would otherwise notice
// only when that record is opened) stops the index and shows on every page.
func (s *Store) WatchIntegrity(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if rep, err := s.VerifyLog(ctx); err == nil && rep.OK {
				s.log.Debug("decision log verified", "entries", rep.Entries)
			}
		}
	}
}

// entryOfHash names the entry whose append wrote stored hash idx.
func entryOfHash(idx, n int64) int64 {
	for i := int64(0); i < n; i++ {
		if idx < tlog.StoredHashCount(i+1) {
			return i
		}
	}
	return n
}

// streamRows runs a query and hands each row to fn until it returns false.
func streamRows(ctx context.Context, q querier, sql string, fn func(pgx.Rows) bool) error {
	rows, err := q.Query(ctx, sql)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if !fn(rows) {
			break
		}
	}
	return rows.Err()
}

// ExportBundle writes the whole log as a bundle for `meshwise verify`,
// streaming one entry at a time from one consistent snapshot: the keys, the
// latest checkpoint, then every envelope's exact bytes.
func (s *Store) ExportBundle(ctx context.Context, w io.Writer) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return wrap(err, "unable to read the log")
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `SELECT key_id, public_key FROM signing_keys ORDER BY created_at, key_id`)
	if err != nil {
		return wrap(err, "unable to read keys")
	}
	keys, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ledger.PublicKey, error) {
		var id string
		var key []byte
		err := row.Scan(&id, &key)
		return ledger.PublicKeyOf(id, key), err
	})
	if err != nil {
		return wrap(err, "unable to read keys")
	}
	var notes []string
	var note []byte
	err = tx.QueryRow(ctx, `SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1`).Scan(&note)
	if err == nil {
		notes = append(notes, string(note))
	} else if err != pgx.ErrNoRows {
		return wrap(err, "unable to read checkpoints")
	}
	bw, err := ledger.NewBundleWriter(w, keys, notes)
	if err != nil {
		return err
	}
	rows, err = tx.Query(ctx, `SELECT envelope FROM log_entries ORDER BY seq`)
	if err != nil {
		return wrap(err, "unable to read the log")
	}
	defer rows.Close()
	for rows.Next() {
		if err := bw.Entry(rows.RawValues()[0]); err != nil {
			return err // the client went away
		}
	}
	if err := rows.Err(); err != nil {
		return wrap(err, "unable to read the log")
	}
	rows.Close()
	// What the database keeps beside each entry, so `meshwise verify` can
	// name a copy that disagrees with what was signed.
	rows, err = tx.Query(ctx, `SELECT e.seq, e.event, coalesce(e.record_id::text, ''), e.key_id, e.leaf_hash, e.payload::text,
		array(SELECT h.hash FROM log_hashes h
		      WHERE h.idx >= 2 * e.seq - bit_count(e.seq::bit(64))
		        AND h.idx < 2 * (e.seq + 1) - bit_count((e.seq + 1)::bit(64))
		      ORDER BY h.idx)
		FROM log_entries e ORDER BY e.seq`)
	if err != nil {
		return wrap(err, "unable to read the log")
	}
	for rows.Next() {
		var c ledger.StoredColumns
		var leaf []byte
		var text string
		var hashes [][]byte
		if err := rows.Scan(&c.Seq, &c.Event, &c.RecordID, &c.KeyID, &leaf, &text, &hashes); err != nil {
			return wrap(err, "unable to read the log")
		}
		c.LeafHash, c.CopySHA256 = hex.EncodeToString(leaf), ledger.CopyDigest([]byte(text))
		for _, h := range hashes {
			c.Hashes = append(c.Hashes, hex.EncodeToString(h))
		}
		if err := bw.Stored(c); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return wrap(err, "unable to read the log")
	}
	return bw.Close()
}

// Bundle returns the whole log in memory (tests and small logs).
func (s *Store) Bundle(ctx context.Context) (ledger.Bundle, error) {
	var buf bytes.Buffer
	if err := s.ExportBundle(ctx, &buf); err != nil {
		return ledger.Bundle{}, err
	}
	var b ledger.Bundle
	err := json.Unmarshal(buf.Bytes(), &b)
	return b, err
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
