package ledger

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// BundleFormat names the bundle layout: a JSON object with "format",
// "keys" (every public key, as GET /api/v1/keys lists them), "checkpoints"
// (signed notes), "entries" (each envelope's exact bytes, base64) and,
// optionally, "stored" (what the database keeps beside each entry, so an
// offline check also sees a copy that disagrees with the signed bytes).
const BundleFormat = "meshwise-bundle/1"

// Bundle is an exported log held in memory (small logs and tests; large
// ones go through BundleWriter and VerifyBundle).
type Bundle struct {
	Format      string          `json:"format"`
	Keys        []PublicKey     `json:"keys"`
	Checkpoints []string        `json:"checkpoints"`
	Entries     [][]byte        `json:"entries"`
	Stored      []StoredColumns `json:"stored,omitempty"`
}

// Verify checks a bundle, with an optional checkpoint saved earlier and an
// optional set of pinned keys (nil trusts the bundle's own keys).
func (b Bundle) Verify(saved []byte, pinned map[string]ed25519.PublicKey) Report {
	raw, err := json.Marshal(b)
	if err != nil {
		return Report{FirstBad: -1, Problem: err.Error()}
	}
	rep, _, err := VerifyBundle(bytes.NewReader(raw), saved, pinned)
	if err != nil {
		return Report{FirstBad: -1, Problem: err.Error()}
	}
	return rep
}

// StoredColumns is what a database keeps beside one entry: copies of what
// the entry signs, its hash, the SHA-256 of its JSON copy in canonical form,
// and the Merkle tree hashes its append stored. None of it is signed; a
// verifier checks it against the signed bytes.
type StoredColumns struct {
	Seq        int64    `json:"seq"`
	Event      string   `json:"event"`
	RecordID   string   `json:"record_id"`
	KeyID      string   `json:"key_id"`
	LeafHash   string   `json:"leaf_hash"`   // hex
	CopySHA256 string   `json:"copy_sha256"` // hex SHA-256 of the JSON copy, canonicalized
	Hashes     []string `json:"hashes"`      // hex, stored hashes from tlog.StoredHashIndex(0, seq) on
}

// CopyDigest is the CopySHA256 of a JSON copy: the SHA-256 of its JCS form.
func CopyDigest(jsonCopy []byte) string {
	c, err := Transform(jsonCopy)
	if err != nil {
		c = jsonCopy
	}
	sum := sha256.Sum256(c)
	return hex.EncodeToString(sum[:])
}

// BundleWriter streams a bundle: the keys and checkpoints first, then one
// entry at a time, so an export of any length holds one entry in memory.
type BundleWriter struct {
	w      *bufio.Writer
	n      int
	stored int
	err    error
	enc64  []byte
}

// NewBundleWriter writes the bundle's head: its format, keys and checkpoints.
func NewBundleWriter(w io.Writer, keys []PublicKey, checkpoints []string) (*BundleWriter, error) {
	bw := &BundleWriter{w: bufio.NewWriterSize(w, 64<<10)}
	if keys == nil {
		keys = []PublicKey{}
	}
	if checkpoints == nil {
		checkpoints = []string{}
	}
	k, err := json.Marshal(keys)
	if err != nil {
		return nil, err
	}
	c, err := json.Marshal(checkpoints)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(bw.w, `{"format":%q,"keys":%s,"checkpoints":%s,"entries":[`, BundleFormat, k, c)
	return bw, nil
}

// Entry writes one envelope.
func (bw *BundleWriter) Entry(envelope []byte) error {
	if bw.err != nil {
		return bw.err
	}
	if bw.n > 0 {
		bw.w.WriteByte(',')
	}
	bw.n++
	need := base64.StdEncoding.EncodedLen(len(envelope))
	if cap(bw.enc64) < need {
		bw.enc64 = make([]byte, need)
	}
	buf := bw.enc64[:need]
	base64.StdEncoding.Encode(buf, envelope)
	bw.w.WriteByte('"')
	bw.w.Write(buf)
	_, bw.err = bw.w.WriteString(`"`)
	return bw.err
}

// Stored writes the stored columns of the next entry, after every entry
// has been written.
func (bw *BundleWriter) Stored(c StoredColumns) error {
	if bw.err != nil {
		return bw.err
	}
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if bw.stored == 0 {
		bw.w.WriteString(`],"stored":[`)
	} else {
		bw.w.WriteByte(',')
	}
	bw.stored++
	_, bw.err = bw.w.Write(b)
	return bw.err
}

// Close ends the bundle and flushes it.
func (bw *BundleWriter) Close() error {
	if bw.err != nil {
		return bw.err
	}
	if _, err := bw.w.WriteString("]}\n"); err != nil {
		return err
	}
	return bw.w.Flush()
}

// ErrNotBundle means the input is not a meshwise bundle.
var ErrNotBundle = errors.New("not a meshwise bundle (" + BundleFormat + ")")

// BundleSummary is what VerifyBundle read besides the entries.
type BundleSummary struct {
	Keys        []PublicKey
	Checkpoints []string
}

// VerifyBundle reads a bundle from r and verifies it as it goes, holding
// one entry at a time (when the keys come before the entries, as
// BundleWriter writes them). saved is a checkpoint kept elsewhere; pinned,
// when not nil, replaces the bundle's keys as the keys to know.
func VerifyBundle(r io.Reader, saved []byte, pinned map[string]ed25519.PublicKey) (Report, BundleSummary, error) {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	var sum BundleSummary
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return Report{}, sum, ErrNotBundle
	}
	var (
		v       *Verifier
		held    [][]byte // entries read before the keys (other writers' order)
		format  string
		keysSet bool
		facts   []entryFacts
		stored  []StoredColumns
	)
	add := func(env []byte) {
		h, payload, err := v.Add(env)
		if err == nil {
			facts = append(facts, factsOf(v, h, env, payload))
		}
	}
	start := func() {
		if v == nil {
			keys := pinned
			if keys == nil {
				keys = KeyMap(sum.Keys)
			}
			v = NewVerifier(keys)
		}
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return Report{}, sum, ErrNotBundle
		}
		name, _ := t.(string)
		switch name {
		case "format":
			if err := dec.Decode(&format); err != nil {
				return Report{}, sum, ErrNotBundle
			}
		case "keys":
			if err := dec.Decode(&sum.Keys); err != nil {
				return Report{}, sum, fmt.Errorf("bundle keys: %w", err)
			}
			keysSet = true
		case "checkpoints":
			if err := dec.Decode(&sum.Checkpoints); err != nil {
				return Report{}, sum, fmt.Errorf("bundle checkpoints: %w", err)
			}
		case "entries":
			if t, err := dec.Token(); err != nil || t != json.Delim('[') {
				return Report{}, sum, fmt.Errorf("bundle entries: not a list")
			}
			for dec.More() {
				var env []byte
				if err := dec.Decode(&env); err != nil {
					return Report{}, sum, fmt.Errorf("bundle entry %d: %w", countOf(v, held), err)
				}
				if !keysSet && pinned == nil {
					held = append(held, env)
					continue
				}
				start()
				add(env) // a fault is kept in v and reported below
			}
			if _, err := dec.Token(); err != nil {
				return Report{}, sum, fmt.Errorf("bundle entries: %w", err)
			}
		case "stored":
			if err := dec.Decode(&stored); err != nil {
				return Report{}, sum, fmt.Errorf("bundle stored columns: %w", err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return Report{}, sum, ErrNotBundle
			}
		}
	}
	if format != BundleFormat {
		return Report{}, sum, ErrNotBundle
	}
	start()
	for _, env := range held {
		add(env)
	}
	if v.Err() == nil && stored != nil {
		checkStored(v, facts, stored)
	}
	for _, c := range sum.Checkpoints {
		v.AddCheckpoint([]byte(c))
	}
	if saved != nil {
		v.AddCheckpoint(saved)
	}
	return v.Report(), sum, nil
}

func countOf(v *Verifier, held [][]byte) int64 {
	if v != nil {
		return v.Size()
	}
	return int64(len(held))
}

// entryFacts is what the stored columns of one entry must agree with.
type entryFacts struct {
	event, recordID, keyID, leaf, digest string
	hashes                               []string
}

func factsOf(v *Verifier, h Header, env, payload []byte) entryFacts {
	n := v.Size() - 1
	leaf, _ := v.Tree().Leaf(n)
	sum := sha256.Sum256(payload)
	f := entryFacts{event: h.Event, recordID: h.RecordID, keyID: firstKeyID(env), leaf: hex.EncodeToString(leaf[:]), digest: hex.EncodeToString(sum[:])}
	for idx := tlog.StoredHashIndex(0, n); idx < tlog.StoredHashIndex(0, n+1); idx++ {
		hash, _ := v.Tree().StoredHash(idx)
		f.hashes = append(f.hashes, hex.EncodeToString(hash[:]))
	}
	return f
}

func firstKeyID(env []byte) string {
	var e Envelope
	if json.Unmarshal(env, &e) != nil || len(e.Signatures) == 0 {
		return ""
	}
	return e.Signatures[0].KeyID
}

// checkStored compares a database's stored columns with the signed entries
// and names the first entry whose copy disagrees.
func checkStored(v *Verifier, facts []entryFacts, stored []StoredColumns) {
	if len(stored) != len(facts) {
		v.Fail(int64(min(len(stored), len(facts))), "the bundle lists stored columns for %d entries but holds %d entries", len(stored), len(facts))
		return
	}
	for i, s := range stored {
		f, seq := facts[i], int64(i)
		switch {
		case s.Seq != seq:
			v.Fail(seq, "entry %d is missing: the row at position %d is stored as seq %d", seq, seq, s.Seq)
		case s.Event != f.event:
			v.Fail(seq, "entry %d: the stored event column says %q but the signed entry says %q", seq, s.Event, f.event)
		case s.RecordID != f.recordID:
			v.Fail(seq, "entry %d: the stored record_id column says %q but the signed entry says %q", seq, s.RecordID, f.recordID)
		case s.KeyID != f.keyID:
			v.Fail(seq, "entry %d: the stored key_id column says %q but the entry is signed by %q", seq, s.KeyID, f.keyID)
		case s.LeafHash != f.leaf:
			v.Fail(seq, "entry %d: its stored hash does not match its bytes", seq)
		case s.CopySHA256 != f.digest:
			v.Fail(seq, "entry %d: its stored JSON copy differs from the signed payload", seq)
		case strings.Join(s.Hashes, ",") != strings.Join(f.hashes, ","):
			v.Fail(seq, "entry %d: the Merkle hashes stored with it do not match the entries", seq)
		default:
			continue
		}
		return
	}
}
