package ledger

import (
	"bufio"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// BundleFormat names the bundle layout: a JSON object with "format",
// "keys" (every public key, as GET /api/v1/keys lists them), "checkpoints"
// (signed notes) and "entries" (each envelope's exact bytes, base64).
const BundleFormat = "meshwise-bundle/1"

// Bundle is an exported log held in memory (small logs and tests; large
// ones go through BundleWriter and VerifyBundle).
type Bundle struct {
	Format      string      `json:"format"`
	Keys        []PublicKey `json:"keys"`
	Checkpoints []string    `json:"checkpoints"`
	Entries     [][]byte    `json:"entries"`
}

// Verify checks a bundle, with an optional checkpoint saved earlier and an
// optional set of pinned keys (nil trusts the bundle's own keys).
func (b Bundle) Verify(saved []byte, pinned map[string]ed25519.PublicKey) Report {
	keys := pinned
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

// BundleWriter streams a bundle: the keys and checkpoints first, then one
// entry at a time, so an export of any length holds one entry in memory.
type BundleWriter struct {
	w     *bufio.Writer
	n     int
	err   error
	enc64 []byte
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
	)
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
				v.Add(env) // a fault is kept in v and reported below
			}
			if _, err := dec.Token(); err != nil {
				return Report{}, sum, fmt.Errorf("bundle entries: %w", err)
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
		v.Add(env)
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
