package ledger

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
)

// EventKeyRotated is the event of an entry that introduces a new signing
// key; it is signed by a trusted key and by the new key itself.
const EventKeyRotated = "key-rotated"

// Header is what verification reads from an entry's signed payload.
type Header struct {
	Seq      int64  `json:"seq"`  // position in the log, from 0
	Prev     string `json:"prev"` // hex leaf hash of entry Seq-1; "" for the first
	Time     string `json:"time"`
	Event    string `json:"event"`
	RecordID string `json:"record_id,omitempty"`
	KeyID    string `json:"key_id,omitempty"`     // on a key rotation: the new key
	NewKey   []byte `json:"public_key,omitempty"` // on a key rotation: the new public key
}

// Failure names the first entry at which a log stopped verifying.
type Failure struct {
	Seq     int64
	Problem string
}

func (f *Failure) Error() string { return f.Problem }

// Report says whether a log verified and, if not, where it broke.
type Report struct {
	OK          bool   `json:"ok"`
	Entries     int64  `json:"entries"`
	Checkpoints int    `json:"checkpoints"`
	Root        string `json:"root"` // base64 tree hash of all entries
	FirstBad    int64  `json:"first_bad"`
	Problem     string `json:"problem,omitempty"`
}

// Verifier checks a log one entry at a time, in order, holding only the
// Merkle tree's hashes, the last link and the keys it trusts: memory grows
// with the number of entries by 64 bytes or so each, never with their size.
//
// Trust is walked through the log: the first entry's key is the log's own;
// a later key must be introduced by a key-rotated entry signed by a key
// already trusted and by the new key, proving it is held. A key that is
// merely known (say, a row slipped into a database) signs nothing trusted.
type Verifier struct {
	keys    map[string]ed25519.PublicKey
	trusted map[string]ed25519.PublicKey
	order   []string // trusted key IDs in the order they were introduced
	tree    MerkleTree
	prev    string
	cps     int
	failed  *Failure
}

// NewVerifier starts a verifier that knows keys; which of them it trusts
// it learns from the log.
func NewVerifier(keys map[string]ed25519.PublicKey) *Verifier {
	return &Verifier{keys: keys, trusted: map[string]ed25519.PublicKey{}}
}

// Fail records a fault found outside the verifier (a stored column that
// disagrees with the signed bytes, say); the first fault wins.
func (v *Verifier) Fail(seq int64, format string, args ...any) error {
	if v.failed == nil {
		v.failed = &Failure{Seq: seq, Problem: fmt.Sprintf(format, args...)}
	}
	return v.failed
}

// Err returns the first fault, or nil.
func (v *Verifier) Err() error {
	if v.failed == nil {
		return nil
	}
	return v.failed
}

// Add checks the next entry: its signatures against trusted keys, its
// position and link to the one before, and adds it to the tree. It returns
// the signed header and payload. After a fault every call returns it.
func (v *Verifier) Add(envelope []byte) (Header, []byte, error) {
	if v.failed != nil {
		return Header{}, nil, v.failed
	}
	seq := v.tree.Size()
	env, err := OpenEnvelope(envelope, v.keys)
	if err != nil {
		return Header{}, nil, v.Fail(seq, "entry %d: %v", seq, err)
	}
	var h Header
	if err := json.Unmarshal(env.Payload, &h); err != nil {
		return Header{}, nil, v.Fail(seq, "entry %d: the payload is not a log entry", seq)
	}
	signers := make([]string, len(env.Signatures))
	for i, sig := range env.Signatures {
		signers[i] = sig.KeyID
	}
	if err := v.accept(envelope, h, signers); err != nil {
		return Header{}, nil, err
	}
	return h, env.Payload, nil
}

// AddSealed adds an entry this process has just sealed with keys it holds:
// its signatures are not checked again (the signer made them a moment ago),
// but everything else is, as in Add — above all that every signer is a key
// the log trusts, so a key file swapped without a rotation signs nothing.
func (v *Verifier) AddSealed(envelope []byte, h Header, signers []string) error {
	if v.failed != nil {
		return v.failed
	}
	for _, id := range signers {
		if _, ok := v.keys[id]; !ok {
			return v.Fail(v.tree.Size(), "entry %d: signed by unknown key %s", v.tree.Size(), id)
		}
	}
	return v.accept(envelope, h, signers)
}

// accept applies the checks that do not need the signatures' bytes: trust,
// position, link, and a rotation's new key; then grows the tree.
func (v *Verifier) accept(envelope []byte, h Header, signers []string) error {
	seq := v.tree.Size()
	if len(signers) == 0 {
		return v.Fail(seq, "entry %d: the envelope has no signature", seq)
	}
	if seq == 0 {
		v.trust(signers[0])
	}
	vouched := false
	for _, id := range signers {
		if _, ok := v.trusted[id]; ok {
			vouched = true
		} else if !(h.Event == EventKeyRotated && id == h.KeyID) {
			return v.Fail(seq, "entry %d: signed by key %s, which no earlier entry introduced", seq, id)
		}
	}
	if !vouched {
		return v.Fail(seq, "entry %d: not signed by any trusted key", seq)
	}
	switch {
	case h.Seq > seq:
		return v.Fail(seq, "entry %d is missing: the entry at position %d says it is %d", seq, seq, h.Seq)
	case h.Seq < seq:
		return v.Fail(seq, "entries out of order: position %d holds entry %d", seq, h.Seq)
	case h.Prev != v.prev:
		return v.Fail(seq, "entry %d: its chain link names %s, but entry %d hashes to %s", seq, short(h.Prev), seq-1, short(v.prev))
	}
	if h.Event == EventKeyRotated {
		pub, ok := v.keys[h.KeyID]
		if !ok || KeyID(h.NewKey) != h.KeyID || !bytes.Equal(pub, h.NewKey) || !slices.Contains(signers, h.KeyID) {
			return v.Fail(seq, "entry %d: the key rotation to %s is not signed by the new key it names", seq, h.KeyID)
		}
		v.trust(h.KeyID)
	}
	leaf := LeafHash(envelope)
	if _, err := v.tree.Append(leaf); err != nil {
		return v.Fail(seq, "entry %d: %v", seq, err)
	}
	v.prev = hex.EncodeToString(leaf[:])
	return nil
}

func (v *Verifier) trust(id string) {
	if _, ok := v.trusted[id]; !ok {
		v.trusted[id] = v.keys[id]
		v.order = append(v.order, id)
	}
}

// AddCheckpoint checks a checkpoint against the entries added so far: its
// signature by a trusted key, and its root against the tree of that size.
func (v *Verifier) AddCheckpoint(note []byte) (Checkpoint, error) {
	if v.failed != nil {
		return Checkpoint{}, v.failed
	}
	keys := v.trusted
	if v.tree.Size() == 0 {
		keys = v.keys
	}
	cp, err := OpenCheckpoint(note, keys)
	if err != nil {
		return cp, v.Fail(v.tree.Size(), "a checkpoint does not verify: %v", err)
	}
	if cp.Size > v.tree.Size() {
		return cp, v.Fail(v.tree.Size(), "a checkpoint covers %d entries but the log has %d: entries were removed", cp.Size, v.tree.Size())
	}
	root, err := v.tree.Root(cp.Size)
	if err != nil {
		return cp, v.Fail(cp.Size, "checkpoint of size %d: %v", cp.Size, err)
	}
	if root != cp.Root {
		return cp, v.Fail(cp.Size-1, "history rewritten: the first %d entries hash to %s, but the checkpoint signed at %s says %s",
			cp.Size, short(base64.StdEncoding.EncodeToString(root[:])), cp.Time, short(base64.StdEncoding.EncodeToString(cp.Root[:])))
	}
	v.cps++
	return cp, nil
}

// Size is the number of entries verified.
func (v *Verifier) Size() int64 { return v.tree.Size() }

// Prev is the hex leaf hash of the last entry verified ("" for none): the
// link the next entry must name.
func (v *Verifier) Prev() string { return v.prev }

// Tree is the Merkle tree of the entries verified so far.
func (v *Verifier) Tree() *MerkleTree { return &v.tree }

// Trusted returns the keys the walk trusts so far.
func (v *Verifier) Trusted() map[string]ed25519.PublicKey {
	out := make(map[string]ed25519.PublicKey, len(v.trusted))
	for id, k := range v.trusted {
		out[id] = k
	}
	return out
}

// Mark is a verifier's position, to roll back to.
type Mark struct {
	n       int64
	prev    string
	trusted int
}

// Mark returns the current position.
func (v *Verifier) Mark() Mark { return Mark{n: v.tree.Size(), prev: v.prev, trusted: len(v.order)} }

// Rollback forgets every entry added after m (entries a failed transaction
// did not keep), and any fault found since.
func (v *Verifier) Rollback(m Mark) {
	v.tree.Truncate(m.n)
	v.prev = m.prev
	for _, id := range v.order[m.trusted:] {
		delete(v.trusted, id)
	}
	v.order = v.order[:m.trusted]
	if v.failed != nil && v.failed.Seq >= m.n {
		v.failed = nil
	}
}

// Report summarises the verification so far.
func (v *Verifier) Report() Report {
	rep := Report{OK: v.failed == nil, Entries: v.tree.Size(), Checkpoints: v.cps, FirstBad: -1}
	if v.failed != nil {
		rep.FirstBad, rep.Problem = v.failed.Seq, v.failed.Problem
		if rep.Entries > v.failed.Seq {
			rep.Entries = v.failed.Seq
		}
		return rep
	}
	if root, err := v.tree.Root(v.tree.Size()); err == nil {
		rep.Root = base64.StdEncoding.EncodeToString(root[:])
	}
	return rep
}

// VerifyLog checks a whole log held in memory: every entry in order, then
// every checkpoint (the log's own and any saved elsewhere).
func VerifyLog(envelopes [][]byte, checkpoints [][]byte, keys map[string]ed25519.PublicKey) Report {
	v := NewVerifier(keys)
	for _, b := range envelopes {
		if _, _, err := v.Add(b); err != nil {
			return v.Report()
		}
	}
	for _, c := range checkpoints {
		if _, err := v.AddCheckpoint(c); err != nil {
			return v.Report()
		}
	}
	return v.Report()
}

func short(s string) string {
	if s == "" {
		return "(nothing)"
	}
	if len(s) > 12 {
		return s[:12] + "…"
	}
	return s
}
