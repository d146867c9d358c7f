package ledger

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// noteName is the signer name in checkpoints.
const noteName = "meshwise"

// checkpointOrigin is the first line of every checkpoint.
const checkpointOrigin = "meshwise decision log"

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

// Checkpoint is a signed statement of the log's size and root hash.
type Checkpoint struct {
	Size int64
	Root tlog.Hash
	Time string
	Note []byte // the signed note, as published
}

// LogTime formats a time as entries and checkpoints carry it: UTC,
// microseconds, the precision PostgreSQL stores.
func LogTime(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format("2006-01-02T15:04:05.000000Z")
}

// SignCheckpoint makes the signed note for a tree.
func (k SigningKey) SignCheckpoint(size int64, root tlog.Hash, at time.Time) ([]byte, error) {
	text := fmt.Sprintf("%s\n%d\n%s\n%s\n", checkpointOrigin, size, base64.StdEncoding.EncodeToString(root[:]), LogTime(at))
	return note.Sign(&note.Note{Text: text}, noteSigner{key: k})
}

// LooksLikeCheckpoint reports whether b has a checkpoint's shape (its
// origin line, and a signature line after a blank line), before any key
// is tried: a file missing its signature is the reader's mistake, not the
// log's fault.
func LooksLikeCheckpoint(b []byte) bool {
	text, sigs, ok := strings.Cut(string(b), "\n\n")
	return ok && strings.HasPrefix(text, checkpointOrigin+"\n") && strings.HasPrefix(sigs, "— ")
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
