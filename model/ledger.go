package model

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Log events.
const (
	EventProposed   = "proposed"
	EventApproved   = "approved"
	EventRejected   = "rejected"
	EventSuperseded = "superseded"
	EventKeyRotated = "key-rotated"
)

// Actor is who caused a log entry.
type Actor struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Role  Role   `json:"role"`
}

// LogEntry is the signed payload of one entry of the decision log. Its JCS
// canonical JSON bytes, as signed, are what the log stores; nothing
// re-serializes them.
type LogEntry struct {
	Seq      int64           `json:"seq"`  // position in the log, from 0
	Prev     string          `json:"prev"` // hex leaf hash of entry Seq-1; "" for the first
	Time     string          `json:"time"` // RFC 3339 UTC at microsecond precision
	Event    string          `json:"event"`
	RecordID string          `json:"record_id,omitempty"`
	Actor    Actor           `json:"actor"`
	Record   *DecisionRecord `json:"record,omitempty"` // the full record, on "proposed"
	Note     string          `json:"note,omitempty"`
	KeyID    string          `json:"key_id,omitempty"`     // on "key-rotated": the new key
	NewKey   []byte          `json:"public_key,omitempty"` // on "key-rotated": the new public key
}

// LogTime formats a time as entries carry it: UTC, microseconds, the
// precision PostgreSQL stores.
func LogTime(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format("2006-01-02T15:04:05.000000Z")
}

// LeafHash is an entry's hash in the Merkle tree (RFC 6962 leaf hash of
// the envelope bytes).
func LeafHash(envelope []byte) tlog.Hash { return tlog.RecordHash(envelope) }

// noteName is the signer name in checkpoints.
const noteName = "meshwise"

// noteSigner signs checkpoints in the signed-note format with the log's
// Ed25519 key.
type noteSigner struct{ key SigningKey }

func (s noteSigner) Name() string    { return noteName }
func (s noteSigner) KeyHash() uint32 { return noteKeyHash(s.key.Private.Public().(ed25519.PublicKey)) }
func (s noteSigner) Sign(msg []byte) ([]byte, error) {
	return ed25519.Sign(s.key.Private, msg), nil
}

// noteKeyHash is the signed-note key hash: the first four bytes of
// SHA-256(name "\n" 0x01 pubkey), 0x01 marking Ed25519.
func noteKeyHash(pub ed25519.PublicKey) uint32 {
	h := sha256.New()
	h.Write([]byte(noteName + "\n"))
	h.Write([]byte{1})
	h.Write(pub)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

func noteVerifierKey(pub ed25519.PublicKey) string {
	vkey, err := note.NewEd25519VerifierKey(noteName, pub)
	if err != nil {
		return ""
	}
	return vkey
}

// checkpointOrigin is the first line of every checkpoint.
const checkpointOrigin = "meshwise decision log"

// Checkpoint is a signed statement of the log's size and root hash.
type Checkpoint struct {
	Size int64
	Root tlog.Hash
	Time string
	Note []byte // the signed note, as published
}

// SignCheckpoint makes the signed note for a tree.
func (k SigningKey) SignCheckpoint(size int64, root tlog.Hash, at time.Time) ([]byte, error) {
	text := fmt.Sprintf("%s\n%d\n%s\n%s\n", checkpointOrigin, size, base64.StdEncoding.EncodeToString(root[:]), LogTime(at))
	return note.Sign(&note.Note{Text: text}, noteSigner{key: k})
}

// OpenCheckpoint checks a checkpoint's signature against keys and parses it.
func OpenCheckpoint(b []byte, keys map[string]ed25519.PublicKey) (Checkpoint, error) {
	var verifiers []note.Verifier
	for _, pub := range keys {
		v, err := note.NewVerifier(noteVerifierKey(pub))
		if err == nil {
			verifiers = append(verifiers, v)
		}
	}
	n, err := note.Open(b, note.VerifierList(verifiers...))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("checkpoint signature: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != checkpointOrigin {
		return Checkpoint{}, fmt.Errorf("not a meshwise checkpoint")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 {
		return Checkpoint{}, fmt.Errorf("checkpoint size %q", lines[1])
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		return Checkpoint{}, fmt.Errorf("checkpoint root %q", lines[2])
	}
	cp := Checkpoint{Size: size, Time: lines[3], Note: b}
	copy(cp.Root[:], raw)
	return cp, nil
}

// MerkleTree holds the stored hashes of a log (tlog layout) in memory.
type MerkleTree struct {
	hashes []tlog.Hash
	n      int64
}

// Append adds a leaf.
func (m *MerkleTree) Append(leaf tlog.Hash) error {
	hs, err := tlog.StoredHashesForRecordHash(m.n, leaf, m)
	if err != nil {
		return err
	}
	m.hashes = append(m.hashes, hs...)
	m.n++
	return nil
}

// ReadHashes implements tlog.HashReader.
func (m *MerkleTree) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		if x < 0 || x >= int64(len(m.hashes)) {
			return nil, fmt.Errorf("hash %d not stored", x)
		}
		out[i] = m.hashes[x]
	}
	return out, nil
}

// Root returns the tree hash of the first n leaves.
func (m *MerkleTree) Root(n int64) (tlog.Hash, error) { return tlog.TreeHash(n, m) }

// Size is the number of leaves.
func (m *MerkleTree) Size() int64 { return m.n }

// VerifyReport says whether a log verified and, if not, where it broke.
type VerifyReport struct {
	OK          bool   `json:"ok"`
	Entries     int64  `json:"entries"`
	Checkpoints int    `json:"checkpoints"`
	Root        string `json:"root"` // base64 tree hash of all entries
	FirstBad    int64  `json:"first_bad"`
	Problem     string `json:"problem,omitempty"`
}

// VerifyLog recomputes everything about a log from its stored bytes: each
// envelope's signature, each entry's position and link to the one before,
// the Merkle tree, and every checkpoint (the log's own and any saved
// elsewhere) against it. It stops at the first fault and names it.
func VerifyLog(envelopes [][]byte, checkpoints [][]byte, keys map[string]ed25519.PublicKey) VerifyReport {
	rep := VerifyReport{FirstBad: -1}
	fail := func(seq int64, format string, args ...any) VerifyReport {
		rep.OK, rep.FirstBad, rep.Problem = false, seq, fmt.Sprintf(format, args...)
		return rep
	}
	var tree MerkleTree
	prev := ""
	// Trust is walked through the log: the first entry's key is the log's
	// own; any later key must be introduced by a key-rotated entry signed by
	// a key already trusted (and by the new key, proving it is held). A key
	// row added to the database by someone else signs nothing trusted.
	trusted := map[string]ed25519.PublicKey{}
	for i, b := range envelopes {
		seq := int64(i)
		env, err := OpenEnvelope(b, keys)
		if err != nil {
			return fail(seq, "entry %d: %v", seq, err)
		}
		var e LogEntry
		if err := json.Unmarshal(env.Payload, &e); err != nil {
			return fail(seq, "entry %d: the payload is not a log entry", seq)
		}
		if seq == 0 {
			trusted[env.Signatures[0].KeyID] = keys[env.Signatures[0].KeyID]
		}
		vouched := false
		for _, sig := range env.Signatures {
			if _, ok := trusted[sig.KeyID]; ok {
				vouched = true
			} else if !(e.Event == EventKeyRotated && sig.KeyID == e.KeyID) {
				return fail(seq, "entry %d: signed by key %s, which no earlier entry introduced", seq, sig.KeyID)
			}
		}
		if !vouched {
			return fail(seq, "entry %d: not signed by any trusted key", seq)
		}
		if e.Event == EventKeyRotated {
			pub, ok := keys[e.KeyID]
			if !ok || KeyID(e.NewKey) != e.KeyID || !bytes.Equal(pub, e.NewKey) || !signedBy(env, e.KeyID) {
				return fail(seq, "entry %d: the key rotation to %s is not signed by the new key it names", seq, e.KeyID)
			}
			trusted[e.KeyID] = pub
		}
		switch {
		case e.Seq > seq:
			return fail(seq, "entry %d is missing: the entry at position %d says it is %d", seq, seq, e.Seq)
		case e.Seq < seq:
			return fail(seq, "entries out of order: position %d holds entry %d", seq, e.Seq)
		case e.Prev != prev:
			return fail(seq, "entry %d: its chain link names %s, but entry %d hashes to %s", seq, short(e.Prev), seq-1, short(prev))
		}
		leaf := LeafHash(b)
		if err := tree.Append(leaf); err != nil {
			return fail(seq, "entry %d: %v", seq, err)
		}
		prev = hex.EncodeToString(leaf[:])
		rep.Entries++
	}
	for _, b := range checkpoints {
		cpKeys := trusted
		if len(envelopes) == 0 {
			cpKeys = keys
		}
		cp, err := OpenCheckpoint(b, cpKeys)
		if err != nil {
			return fail(rep.Entries, "a checkpoint does not verify: %v", err)
		}
		if cp.Size > tree.Size() {
			return fail(tree.Size(), "a checkpoint covers %d entries but the log has %d: entries were removed", cp.Size, tree.Size())
		}
		root, err := tree.Root(cp.Size)
		if err != nil {
			return fail(cp.Size, "checkpoint of size %d: %v", cp.Size, err)
		}
		if root != cp.Root {
			return fail(cp.Size-1, "history rewritten: the first %d entries hash to %s, but the checkpoint signed at %s says %s",
				cp.Size, short(base64.StdEncoding.EncodeToString(root[:])), cp.Time, short(base64.StdEncoding.EncodeToString(cp.Root[:])))
		}
		rep.Checkpoints++
	}
	root, err := tree.Root(tree.Size())
	if err == nil {
		rep.Root = base64.StdEncoding.EncodeToString(root[:])
	}
	rep.OK = true
	return rep
}

func signedBy(env Envelope, keyID string) bool {
	for _, s := range env.Signatures {
		if s.KeyID == keyID {
			return true
		}
	}
	return false
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

// Bundle is an exported log: every entry's exact bytes, every checkpoint and
// every public key, enough to verify offline.
type Bundle struct {
	Format      string      `json:"format"`
	Entries     [][]byte    `json:"entries"`     // envelopes, base64
	Checkpoints []string    `json:"checkpoints"` // signed notes
	Keys        []PublicKey `json:"keys"`
}

// BundleFormat names the bundle layout.
const BundleFormat = "meshwise-bundle/1"

// KeyMap indexes public keys by ID.
func KeyMap(keys []PublicKey) map[string]ed25519.PublicKey {
	m := make(map[string]ed25519.PublicKey, len(keys))
	for _, k := range keys {
		if len(k.Key) == ed25519.PublicKeySize {
			m[k.ID] = ed25519.PublicKey(k.Key)
		}
	}
	return m
}

// Verify checks a bundle, with an optional checkpoint saved earlier.
func (b Bundle) Verify(saved []byte, trusted map[string]ed25519.PublicKey) VerifyReport {
	keys := trusted
	if keys == nil {
		keys = KeyMap(b.Keys)
	}
	cps := make([][]byte, 0, len(b.Checkpoints)+1)
	for _, c := range b.Checkpoints {
		cps = append(cps, []byte(c))
	}
	if saved != nil {
		cps = append(cps, saved)
	}
	return VerifyLog(b.Entries, cps, keys)
}

// VerifyEntries checks some entries of a log on their own: each envelope's
// signature, that its payload sits at the position stored, and that the
// stored leaf hash is the hash of its bytes. It is what a record page can
// afford; the chain and the tree need the whole log (VerifyLog).
func VerifyEntries(seqs []int64, envelopes, leaves [][]byte, keys map[string]ed25519.PublicKey) VerifyReport {
	rep := VerifyReport{FirstBad: -1}
	for i, b := range envelopes {
		seq := seqs[i]
		env, err := OpenEnvelope(b, keys)
		if err != nil {
			rep.FirstBad, rep.Problem = seq, fmt.Sprintf("entry %d: %v", seq, err)
			return rep
		}
		var e LogEntry
		if err := json.Unmarshal(env.Payload, &e); err != nil || e.Seq != seq {
			rep.FirstBad, rep.Problem = seq, fmt.Sprintf("entry %d: stored at %d but signed as entry %d", seq, seq, e.Seq)
			return rep
		}
		if h := LeafHash(b); hex.EncodeToString(h[:]) != hex.EncodeToString(leaves[i]) {
			rep.FirstBad, rep.Problem = seq, fmt.Sprintf("entry %d: its stored hash does not match its bytes", seq)
			return rep
		}
		rep.Entries++
	}
	rep.OK = true
	return rep
}
